"""The public API's docstrings: every public object has one (``docs/check_docstrings.py``), and every
``>>>`` example in them runs and prints what it shows (doctest), so the examples stay true."""
import builtins
import doctest
import importlib
import importlib.util
import inspect
import os

import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F

_TOOL = os.path.join(os.path.dirname(__file__), os.pardir, "docs", "check_docstrings.py")
_spec = importlib.util.spec_from_file_location("check_docstrings", _TOOL)
check_docstrings = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_docstrings)


def _public():
    """(qualified name, object whose docstring help() shows, kind) for the public API."""
    out = []
    for qualname, kind, obj in check_docstrings.walk():
        if kind in ("method", "property"):
            cls, attr = obj
            member = vars(cls)[attr]
            if isinstance(member, (staticmethod, classmethod)):
                member = member.__func__
            if isinstance(member, property):
                member = member.fget
            obj = member
        out.append((qualname, obj, kind))
    return out


PUBLIC = _public()


def test_every_public_object_has_a_docstring():
    missing = [q for q, kind, obj in check_docstrings.walk()
               if not (check_docstrings.docstring(kind, obj) or "").strip()]
    assert not missing, f"public objects without a docstring: {missing}"


def _globals(qualname):
    """What an example may use without importing: minigrad, nn, F, and the public names of the
    module it documents (``DataLoader`` in ``minigrad.utils.data`` ...), minus those that would
    hide Python's builtins (``minigrad.float``)."""
    g = {}
    for modname in sorted(check_docstrings.MODULES, key=len):
        if qualname.startswith(modname + ".") and modname != "minigrad":
            module = importlib.import_module(modname)
            g.update({k: v for k, v in vars(module).items()
                      if not k.startswith("_") and not hasattr(builtins, k)})
    g.update(minigrad=minigrad, nn=nn, F=F)
    return g


EXAMPLES = [(q, obj) for q, obj, _ in PUBLIC if ">>>" in (inspect.getdoc(obj) or "")]


# The examples of the deprecated spellings (x.T on 1-D, range, chain_matmul,
# set_default_tensor_type) warn as PyTorch does; tests/test_legacy_spellings.py checks those
# warnings, so here they are expected, not shown.
@pytest.mark.filterwarnings("ignore:.*(is deprecated|deprecated as of):UserWarning")
@pytest.mark.parametrize("qualname,obj", EXAMPLES, ids=[q for q, _ in EXAMPLES])
def test_docstring_example_runs(qualname, obj):
    test = doctest.DocTestParser().get_doctest(inspect.getdoc(obj), _globals(qualname), qualname,
                                               None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report = []
    minigrad.manual_seed(0)
    default_dtype = minigrad.get_default_dtype()
    try:
        result = runner.run(test, out=report.append)
    finally:
        minigrad.set_default_dtype(default_dtype)
        minigrad.set_printoptions(profile="default")
        minigrad.set_grad_enabled(True)
    assert result.failed == 0, "".join(report)


def test_examples_are_found():
    assert len(EXAMPLES) > 300
