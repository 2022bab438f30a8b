"""Signatures and defaults as PyTorch's, checked systematically (issue 17, item 2), and the
argument conventions of ops/_arg_parser.py (issue 13, item 6).

1. Every function and method minigrad shares with PyTorch in ``torch``, ``Tensor``, ``nn``,
   ``nn.functional``, ``nn.init``, ``autograd``, ``optim`` and ``utils.data`` is compared with PyTorch's signatures
   (docs/torch_signatures.py reads them from the installed PyTorch: ``inspect`` where it works,
   else PyTorch's argument parser, its docstrings, ``get_testing_overrides``): each must accept
   every call PyTorch accepts, with PyTorch's names and defaults, or be listed in
   ``KNOWN_DIFFERENCES`` with the reason (each one checked by calling PyTorch).
2. The numpy-style keyword aliases (``axis=``, ``keepdims=``, ``x=``, ``x2=``) where PyTorch's
   parser takes them, and nowhere else.
3. ``out=``: the same result, the same object returned, PyTorch's dtype rules and errors, its
   resize warning, its refusal when an argument requires grad.
"""
import importlib.util
import inspect
import os
import warnings

import numpy as np
import pytest

import minigrad
from minigrad.ops import _arg_parser

torch = pytest.importorskip("torch")

_spec = importlib.util.spec_from_file_location(
    "torch_signatures", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                     "docs", "torch_signatures.py"))
TS = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(TS)

NAMESPACES = [("torch", torch, minigrad, False), ("Tensor", torch.Tensor, minigrad.Tensor, True),
              ("nn", torch.nn, minigrad.nn, False),
              ("F", torch.nn.functional, minigrad.nn.functional, False),
              ("init", torch.nn.init, minigrad.nn.init, False),
              ("autograd", torch.autograd, minigrad.autograd, False),
              ("optim", torch.optim, minigrad.optim, False),
              ("data", torch.utils.data, minigrad.utils.data, False)]


def _compared():
    """{qualified name: (status, details)} for every callable both libraries have."""
    found = {}
    for label, t, m, method in NAMESPACES:
        for name in sorted(dir(m)):
            if name.startswith("_") or not hasattr(t, name):
                continue
            to, mo = getattr(t, name), getattr(m, name)
            if inspect.ismodule(to) or not callable(mo):
                continue
            key = "torch." + name if label == "torch" else f"{label}.{name}"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                found[key] = TS.compare(TS.torch_overloads(to, name, method), mo, method)
    return found


COMPARED = _compared()


def test_the_comparison_sees_most_of_the_api():
    statuses = [s for s, _ in COMPARED.values()]
    assert len(COMPARED) > 900 and statuses.count("agrees") > 850


@pytest.mark.parametrize("name", sorted(COMPARED))
def test_signature_agrees_with_pytorch(name):
    status, details = COMPARED[name]
    if name in TS.KNOWN_DIFFERENCES:
        assert status == "differs", f"{name} agrees now: remove it from KNOWN_DIFFERENCES"
        return
    assert status != "differs", f"{name}: " + " | ".join(details)


def test_known_differences_name_compared_functions():
    assert [n for n in TS.KNOWN_DIFFERENCES if n not in COMPARED] == []


@pytest.mark.parametrize("code", [
    "torch.normal(torch.zeros(3)).shape", "torch.histogram(torch.arange(10.)).hist.shape",
    "torch.histogram(torch.arange(10.))[1].shape", "torch.amax(torch.ones(2, 2), dim=None)",
    "torch.trapezoid(torch.ones(3))", "torch.repeat_interleave(repeats=torch.tensor([1, 2]))",
    "torch.dot(torch.ones(2), tensor=torch.ones(2))", "torch.ones(2).dot(tensor=torch.ones(2))",
    "torch.dropout(torch.ones(2), 0.5, train=False)", "torch.promote_types(type1=torch.int32, type2=torch.float32)",
    "torch.split(tensor=torch.ones(4), split_size_or_sections=2)[0]", "torch.ones(4).split(split_size=2)[0]",
    "torch.swapdims(torch.ones(2, 3), dim0=0, dim1=1).shape", "torch.ones(2, 3).swapaxes(axis0=0, axis1=1).shape",
    "torch.norm(torch.ones(3), 2, None, False, None, torch.float64)", "torch.tensordot(torch.ones(2), torch.ones(2), 1, None)",
    "torch.ones(2).copy_(other=torch.zeros(2))", "torch.zeros(2, layout=torch.strided)",
    "torch.ones(2).float(memory_format=torch.preserve_format)", "torch.ones(2).new_zeros(2, pin_memory=False)",
    "torch.zeros(2, pin_memory=True)", "torch.zeros(2, layout=3)", "torch.clone(torch.ones(2), memory_format=torch.contiguous_format)",
    "torch.rand_like(torch.ones(2), generator=torch.Generator().manual_seed(1)).shape",
    "torch.autograd.grad((x * 2).sum(), x, only_inputs=False)",
    "torch.autograd.backward((x * 2).sum(), grad_variables=torch.tensor(1.))",
    "torch.clamp_(input=torch.ones(2), min=2.)", "torch.exp_(input=torch.zeros(2))",
    "torch.cdist(torch.ones(1, 2), torch.zeros(1, 2), compute_mode='use_mm_for_euclid_dist_if_necessary')",
])
def test_fixed_signatures_behave_as_pytorch(code):
    results = []
    for lib in (minigrad, torch):
        env = {"torch": lib, "x": lib.ones(2, requires_grad=True)}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                r = eval(code, env)
                r = ("ok", np.asarray(r.numpy() if hasattr(r, "numpy") else r, dtype=object).tolist()
                     if not isinstance(r, (tuple, type(lib.float32))) else str(r))
            except Exception as exc:  # noqa: BLE001
                r = ("error", type(exc).__name__)
        results.append((r, [w.category.__name__ for w in caught if w.category is not RuntimeWarning]))
    if results[1][0][0] == "ok" and "rand" in code:
        assert results[0][0][0] == "ok"
    else:
        assert results[0][0][0] == results[1][0][0]
        if results[1][0][0] == "error":
            assert results[0][0] == results[1][0]
    assert results[0][1] == results[1][1]


# ------------------------------------------------------------------ the argument layer's tables
def test_python_defined_lists_pytorchs_python_functions():
    """The aliases do not apply to the functions PyTorch writes in Python."""
    ours_top = {n for n in dir(minigrad) if not n.startswith("_") and callable(getattr(torch, n, None))
                and inspect.isfunction(getattr(torch, n))}
    ours_methods = {n for n in dir(minigrad.Tensor) if not n.startswith("_")
                    and inspect.isfunction(getattr(torch.Tensor, n, None))}
    listed = _arg_parser.PYTHON_DEFINED
    assert (ours_top | ours_methods) - {"split", "norm", "unique", "unique_consecutive", "unflatten",
                                        "backward", "register_hook"} <= listed
    assert sorted(listed - ours_top - ours_methods) == []


def test_out_names_are_the_functions_pytorch_gives_out():
    """Against PyTorch's signatures, with the corrections found by calling PyTorch (its docs
    list out= where its parser refuses it, and the other way round)."""
    docs_wrong = {"full_like"}  # the docstring lists out=, the parser refuses it
    docs_silent = {"argmax", "argmin", "diff", "log_softmax", "nansum", "scatter_add",
                   "scatter_reduce", "slice_scatter", "softmax", "take", "index_add", "index_copy"}
    expected = set()
    for name in dir(minigrad):
        t = getattr(torch, name, None)
        if name.startswith("_") or t is None or not callable(t) or inspect.isclass(t):
            continue
        if any(p.name == "out" for ov in TS.torch_overloads(t, name, False) for p in ov.params):
            expected.add(name)
    expected = (expected - docs_wrong) | {n for n in docs_silent if hasattr(minigrad, n)}
    assert sorted(expected ^ _arg_parser.OUT_NAMES) == []
    for name in docs_silent & _arg_parser.OUT_NAMES:  # out= where the docstrings do not say so
        assert "out" in inspect.signature(getattr(minigrad, name)).parameters


# ------------------------------------------------------------------ numpy-style aliases
X = np.array([[3.0, -1.0, 2.0], [0.5, 4.0, -2.0]])
ALIAS_CALLS = [
    "torch.sum(x, axis=0)", "torch.sum(x, axis=1, keepdims=True)", "x.sum(axis=1, keepdims=True)",
    "torch.mean(x, axis=0, keepdims=True)", "x.mean(axis=(0, 1))", "torch.prod(x, axis=1)",
    "torch.std(x, axis=0)", "x.var(axis=1, keepdims=True)", "torch.max(x, axis=1)", "x.min(axis=0, keepdims=True)",
    "torch.amax(x, axis=1)", "x.amin(axis=0, keepdims=True)", "torch.argmax(x, axis=1)", "x.argmin(axis=0, keepdims=True)",
    "torch.all(x > 0, axis=1)", "(x > 0).any(axis=0, keepdims=True)", "torch.logsumexp(x, axis=1)",
    "torch.median(x, axis=0)", "torch.count_nonzero(x, axis=1)", "torch.cumsum(x, axis=1)", "x.cumprod(axis=0)",
    "torch.softmax(x, axis=1)", "x.log_softmax(axis=0)", "torch.squeeze(x[None], axis=0)", "x.unsqueeze(axis=0)",
    "torch.cat([x, x], axis=0)", "torch.stack([x, x], axis=1)", "torch.sort(x, axis=0)", "torch.argsort(x, axis=0)",
    "torch.topk(x, 1, axis=0)", "torch.gather(x, axis=1, index=torch.tensor([[0], [1]]))",
    "torch.index_select(x, axis=0, index=torch.tensor([1]))", "torch.nansum(x, axis=0)", "torch.std_mean(x, axis=0)",
    "torch.exp(x=x)", "torch.exp(a=x)", "torch.add(x1=x, x2=x)", "torch.add(x, x2=x)", "torch.sub(x, x2=x, alpha=2)",
    "x.add(x2=x)", "torch.mul(x=x, other=2)", "torch.sum(x, dim=0, axis=0)", "torch.sum(x, axis=0, foo=1)",
    "x.sum(axis=None, dtype=None, out=None)", "x.sum(dim=0, out=None)",
    # PyTorch's Python functions take no aliases
    "torch.norm(x, axis=0)", "torch.split(x, 1, axis=0)", "torch.unique(x, axis=0)", "x.norm(axis=0)",
    "F.softmax(x, axis=1)",
]


def _outcome(lib, code):
    env = {"torch": lib, "F": lib.nn.functional, "x": lib.tensor(X)}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = eval(code, env)
    except Exception as exc:  # noqa: BLE001
        return "error", type(exc).__name__
    parts = r if isinstance(r, tuple) else (r,)
    return "ok", [np.asarray(p.numpy(), dtype=np.float64).round(6).tolist() for p in parts]


@pytest.mark.parametrize("code", ALIAS_CALLS)
def test_numpy_style_aliases_where_pytorch_takes_them(code):
    assert _outcome(minigrad, code) == _outcome(torch, code)


def test_an_alias_with_its_parameter_is_an_error_naming_it():
    with pytest.raises(TypeError, match="multiple values for argument 'dim'"):
        minigrad.sum(minigrad.ones(2), dim=0, axis=0)


# ------------------------------------------------------------------ out=
def _t(lib, a, dtype=None):
    return lib.tensor(np.asarray(a), dtype=dtype)


OUT_CALLS = [
    # (call with `out` standing for the out tensor, out's dtype, out's shape)
    ("torch.add(f, f, out=out)", "float64", (2, 2)), ("torch.add(f, f, out=out)", "int64", (2, 2)),
    ("torch.add(i, i, out=out)", "float32", (2, 2)), ("torch.add(i, i, out=out)", "bool", (2, 2)),
    ("torch.add(b, b, out=out)", "int64", (2, 2)), ("torch.mul(f, 2, out=out)", "float32", (3,)),
    ("torch.mul(f, 2, out=out)", "float32", (0,)), ("torch.mm(f, f, out=out)", "float64", (2, 2)),
    ("torch.matmul(f, f, out=out)", "float32", (5,)), ("torch.matmul(f, f, out=out)", "float64", (2, 2)),
    ("torch.sum(f, 0, out=out)", "float64", (2,)), ("torch.sum(f, 0, out=out)", "int64", (2,)),
    ("torch.mean(f, 0, out=out)", "int64", (2,)), ("torch.mean(f, 1, out=out)", "float64", (2,)),
    ("torch.exp(f, out=out)", "float64", (2, 2)), ("torch.exp(i, out=out)", "int64", (2, 2)),
    ("torch.eq(f, f, out=out)", "float32", (2, 2)), ("torch.eq(f, f, out=out)", "int64", (2, 2)),
    ("torch.cat([f, f], out=out)", "int64", (4, 2)), ("torch.cat([f, f], out=out)", "float64", (4, 2)),
    ("torch.stack([f, f], out=out)", "float64", (2, 2, 2)), ("torch.argmax(f, out=out)", "float32", ()),
    ("torch.argmax(f, out=out)", "int64", ()), ("torch.amax(f, 0, out=out)", "float64", (2,)),
    ("torch.abs(f, out=out)", "int64", (2, 2)), ("torch.clamp(f, 0, 1, out=out)", "float32", (2, 2)),
    ("torch.where(f > 0, f, f, out=out)", "float64", (2, 2)), ("torch.softmax(f, 0, out=out)", "float64", (2, 2)),
    ("torch.zeros(2, out=out)", "int64", (0,)), ("torch.arange(3, out=out)", "float64", (3,)),
    ("torch.arange(3., out=out)", "int64", (3,)), ("torch.full((2,), 1.5, out=out)", "int64", (2,)),
    ("torch.zeros(2, dtype=torch.float32, out=out)", "int64", (2,)), ("torch.add(f, f, out=3)", None, None),
    ("torch.logsumexp(f, 0, out=out)", "int64", (2,)), ("torch.dot(f[0], f[0], out=out)", "float64", ()),
    ("torch.all(f, 0, out=out)", "int64", (2,)), ("torch.bitwise_and(i, i, out=out)", "float64", (2, 2)),
    ("torch.sqrt(f, out=out)", "int32", (2, 2)), ("torch.add(f, 1, out=out)", "float32", (2, 4)),
]


def _out_outcome(lib, code, dtype, shape):
    env = {"torch": lib, "f": _t(lib, [[0.6, 1.2], [-0.4, 2.0]]).float(), "i": _t(lib, [[1, 2], [3, 4]]),
           "b": _t(lib, [[True, False], [True, True]])}
    out = None if dtype is None else lib.zeros(shape, dtype=getattr(lib, dtype))
    env["out"] = out
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            r = eval(code, env)
            result = ("ok", r is out, str(r.dtype).split(".")[-1], tuple(r.shape),
                      np.asarray(r.numpy()).round(5).tolist(), np.asarray(out.numpy()).round(5).tolist())
        except Exception as exc:  # noqa: BLE001
            result = ("error", type(exc).__name__, str(exc).replace("torch.", "minigrad."))
    return result, [str(w.message).split(" (Triggered")[0] for w in caught
                    if w.category is not RuntimeWarning]


@pytest.mark.parametrize("code, dtype, shape", OUT_CALLS)
def test_out_as_pytorch(code, dtype, shape):
    ours, theirs = _out_outcome(minigrad, code, dtype, shape), _out_outcome(torch, code, dtype, shape)
    if "out=3" in code:  # PyTorch reads 3 as something else and fails elsewhere
        assert ours[0][:2] == ("error", "TypeError") and theirs[0][0] == "error"
        return
    assert ours == theirs


@pytest.mark.parametrize("code", [
    "torch.max(f, 0, out=(torch.empty(2), torch.empty(2, dtype=torch.long)))",
    "torch.max(f, 0, out=(torch.empty(2), torch.empty(2)))",
    "torch.sort(f, out=(torch.empty(2, 2), torch.empty(2, 2, dtype=torch.long)))",
    "torch.cummax(f, 0, out=torch.empty(2))",
])
def test_out_tuples(code):
    outcome = []
    for lib in (minigrad, torch):
        env = {"torch": lib, "f": lib.tensor([[0.6, 1.2], [-0.4, 2.0]])}
        try:
            r = eval(code, env)
            outcome.append(("ok", repr(r).replace("torch.", "minigrad.")))
        except Exception as exc:  # noqa: BLE001
            outcome.append(("error", type(exc).__name__, str(exc).replace("torch.", "minigrad.")))
    assert outcome[0] == outcome[1]


def test_out_refuses_arguments_that_require_grad_unless_grad_mode_is_off():
    for lib in (minigrad, torch):
        x = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match=r"mul\(\): functions with out=\.\.\. arguments don't "
                                               "support automatic differentiation"):
            lib.mul(x, 2, out=lib.empty(2))
        with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
            lib.mul(lib.ones(2), 2, out=lib.empty(2, requires_grad=True))
        with lib.no_grad():
            out = lib.empty(2)
            assert lib.mul(x, 2, out=out) is out and not out.requires_grad


def test_out_writes_in_place_and_bumps_the_version():
    a = minigrad.zeros(2)
    view = a[:]
    before = a._version
    r = minigrad.add(minigrad.ones(2), 1, out=a)
    assert r is a and a.tolist() == [2.0, 2.0] and view.tolist() == [2.0, 2.0]
    assert a._version > before
    same = minigrad.ones(2)
    assert minigrad.add(same, same, out=same).tolist() == [2.0, 2.0]  # out may be an input


def test_wrapped_functions_keep_their_docstrings_and_show_out():
    assert minigrad.add.__doc__ and "out" in inspect.signature(minigrad.add).parameters
    assert "out" not in inspect.signature(minigrad.Tensor.add).parameters
    assert inspect.signature(minigrad.norm).parameters["out"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
