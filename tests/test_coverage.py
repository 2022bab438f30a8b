"""The coverage report (issue 17, item 6): every public name of torch, torch.Tensor, torch.nn,
torch.nn.functional, torch.optim, torch.utils.data and torch.autograd is in minigrad or left out
with a reason (minigrad/_left_out.py); docs/coverage.md is what docs/coverage.py writes; a
left-out name's AttributeError says why and where the list is."""
import importlib.util
import os
import pickle

import pytest

import minigrad
from minigrad import _left_out

pytest.importorskip("torch")

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("coverage_report",
                                               os.path.join(_ROOT, "docs", "coverage.py"))
COVERAGE = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(COVERAGE)
ROWS = COVERAGE.rows()


def test_every_public_name_is_present_or_left_out_with_a_reason():
    unlisted = [f"{ns}.{name}" for ns, name, status, _, _ in ROWS if status == "unlisted"]
    assert unlisted == [], "add them to minigrad or to minigrad/_left_out.py with a reason"


def test_the_report_covers_the_seven_namespaces():
    counts = {label: sum(r[0] == label for r in ROWS) for label, *_ in COVERAGE.NAMESPACES}
    assert counts["torch"] > 900 and counts["Tensor"] > 500 and counts["nn"] > 150
    assert counts["nn.functional"] > 100 and min(counts.values()) > 10


def test_left_out_names_are_pytorchs_and_absent_from_minigrad():
    """A stale entry (a name minigrad has now, or PyTorch no longer has) fails too."""
    spaces = {label: (t, m) for label, t, m, _ in COVERAGE.NAMESPACES}
    assert set(_left_out.LEFT_OUT) <= set(spaces)
    for label, names in _left_out.LEFT_OUT.items():
        t, m = spaces[label]
        public = set(COVERAGE.public_names(t))
        assert sorted(n for n in names if n not in public) == [], label
        assert sorted(n for n in names if hasattr(m, n)) == [], label
    assert set(k for names in _left_out.LEFT_OUT.values() for k in names.values()) == set(
        _left_out.REASONS)


def test_docs_table_is_current():
    with open(COVERAGE.OUTPUT, encoding="utf-8") as f:
        assert f.read() == COVERAGE.render(ROWS), "run python docs/coverage.py"


@pytest.mark.parametrize("get, owner, name", [
    (lambda: minigrad.lstm, "module 'minigrad'", "lstm"),
    (lambda: minigrad.nn.LSTM, "module 'minigrad.nn'", "LSTM"),
    (lambda: minigrad.nn.functional.interpolate, "module 'minigrad.nn.functional'", "interpolate"),
    (lambda: minigrad.optim.SparseAdam, "module 'minigrad.optim'", "SparseAdam"),
    (lambda: minigrad.utils.data.IterDataPipe, "module 'minigrad.utils.data'", "IterDataPipe"),
    (lambda: minigrad.autograd.forward_ad, "module 'minigrad.autograd'", "forward_ad"),
    (lambda: minigrad.ones(2).svd, "'Tensor' object", "svd"),
    (lambda: minigrad.nn.Parameter(minigrad.ones(2)).svd, "'Parameter' object", "svd"),
])
def test_a_left_out_name_says_why_and_where(get, owner, name):
    with pytest.raises(AttributeError) as info:
        get()
    message = str(info.value)
    assert message.startswith(f"{owner} has no attribute '{name}': not implemented in minigrad (")
    assert "docs/coverage.md" in message


def test_other_missing_names_keep_pythons_message():
    with pytest.raises(AttributeError, match=r"^module 'minigrad' has no attribute 'nonsense'$"):
        minigrad.nonsense  # noqa: B018
    t = minigrad.ones(2)
    with pytest.raises(AttributeError, match=r"^'Tensor' object has no attribute 'nonsense'$"):
        t.nonsense  # noqa: B018
    assert not hasattr(t, "svd") and getattr(t, "svd", 3) == 3
    assert pickle.loads(pickle.dumps(t)).tolist() == [1.0, 1.0]


def test_torchs_constants():
    import math

    import torch

    for name in ("e", "pi", "inf", "newaxis"):
        assert getattr(minigrad, name) == getattr(torch, name)
    assert math.isnan(minigrad.nan) and math.isnan(torch.nan)
    assert minigrad.ones(3)[minigrad.newaxis].shape == (1, 3)
