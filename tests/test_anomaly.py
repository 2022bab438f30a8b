"""Anomaly detection (``torch.autograd.detect_anomaly`` / ``set_detect_anomaly``), compared with
PyTorch 2.13: the error that names the op whose backward produced a NaN, the warning with the
traceback of the forward call that created it, ``check_nan=False``, the mode switches and their
scoping, the decorator form, and that nothing changes when the mode is off."""
import os
import warnings

import pytest

import minigrad

torch = pytest.importorskip("torch")


def _log_of_zero(lib, x):
    hidden = x * 0  # the forward call the traceback must show (the log below)
    return (hidden.log() * 0).sum()


def _run(lib, fn, check_nan=True):
    """(error message or None, [(function name, source line) of the traceback's frames in this
    file], the warnings' first lines) of fn's backward under detect_anomaly."""
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        error = None
        with lib.autograd.detect_anomaly(check_nan=check_nan):
            y = fn(lib, x)
            try:
                y.backward()
            except RuntimeError as exc:
                error = str(exc)
    frames, firsts = [], []
    for w in caught:
        text = str(w.message).split(" (Triggered internally")[0]
        if w.category is RuntimeWarning:
            continue  # numpy's, under "always"
        firsts.append(text.splitlines()[0].replace("torch.", "minigrad."))
        if text.startswith("Error detected in"):
            lines = text.splitlines()[1:]
            for where, code in zip(lines[::2], lines[1::2]):
                if __file__ in where:
                    frames.append((where.rsplit(", in ", 1)[1], code.strip()))
    return error, frames, firsts


def test_nan_in_backward_names_the_op_and_shows_the_forward_call():
    ours, theirs = _run(minigrad, _log_of_zero), _run(torch, _log_of_zero)
    assert ours == theirs
    error, frames, firsts = ours
    assert error == "Function 'LogBackward0' returned nan values in its 0th output."
    assert frames[-1] == ("_log_of_zero", "return (hidden.log() * 0).sum()")
    assert firsts[0].startswith("Anomaly Detection has been enabled.")


def test_the_traceback_leaves_minigrads_own_frames_out():
    x = minigrad.tensor([0.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with minigrad.autograd.detect_anomaly():
            y = minigrad.nn.functional.softplus(x.log()).sum()  # through nn.functional and ops
            with pytest.raises(RuntimeError, match="returned nan values"):
                (y * 0).backward()
    found = [str(w.message) for w in caught if str(w.message).startswith("Error detected")]
    assert len(found) == 1
    files = [ln.split('"')[1] for ln in found[0].splitlines() if ln.startswith('  File "')]
    package = os.path.dirname(os.path.abspath(minigrad.__file__))
    assert files and files[-1] == __file__
    assert not [f for f in files if os.path.abspath(f).startswith(package)]


def _div_zero(lib, x):
    return (x / x.new_zeros(2) * 0).sum()  # backward: grad / 0 * 0 ... NaN in DivBackward0


@pytest.mark.parametrize("fn", [_log_of_zero, _div_zero])
def test_check_nan_false_lets_nan_through(fn):
    ours, theirs = _run(minigrad, fn, check_nan=False), _run(torch, fn, check_nan=False)
    assert ours == theirs and ours[0] is None


def test_other_nan_producing_ops_match_torch():
    ours, theirs = _run(minigrad, _div_zero), _run(torch, _div_zero)
    assert ours == theirs


def test_an_error_in_a_custom_backward_shows_the_forward_traceback():
    def make(lib):
        class Boom(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                raise ValueError("broken backward")

        return Boom

    results = []
    for lib in (minigrad, torch):
        boom = make(lib)
        x = lib.ones(2, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with lib.autograd.detect_anomaly():
                y = boom.apply(x).sum()
                with pytest.raises(ValueError, match="broken backward"):
                    y.backward()
        texts = [str(w.message) for w in caught if str(w.message).startswith("Error detected")]
        assert len(texts) == 1
        results.append("y = boom.apply(x).sum()" in texts[0])
    assert results == [True, True]


def test_switches_and_their_scope():
    for lib in (minigrad, torch):
        assert not lib.is_anomaly_enabled()
        with lib.autograd.set_detect_anomaly(True, check_nan=False):
            assert lib.is_anomaly_enabled() and not lib.is_anomaly_check_nan_enabled()
        assert not lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
        lib.autograd.set_detect_anomaly(True)
        assert lib.is_anomaly_enabled()
        lib.autograd.set_detect_anomaly(False)
        assert not lib.is_anomaly_enabled()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.autograd.detect_anomaly():
                assert lib.is_anomaly_enabled()
                with lib.autograd.set_detect_anomaly(False):
                    assert not lib.is_anomaly_enabled()
                assert lib.is_anomaly_enabled()
        assert not lib.is_anomaly_enabled()


def test_no_decorator_form_as_in_torch_2_13():
    for lib in (minigrad, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert not callable(lib.autograd.detect_anomaly())


def test_a_graph_recorded_in_anomaly_mode_and_run_outside_it_is_not_checked():
    for lib in (minigrad, torch):
        x = lib.zeros(1, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.autograd.detect_anomaly():
                loss = (x.log() * 0).sum()
            loss.backward()
        assert str(x.grad.item()) == "nan"


def test_off_by_default_and_a_clean_backward_is_unaffected():
    assert not minigrad.is_anomaly_enabled()
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with minigrad.autograd.detect_anomaly():
            (x.exp() * x).sum().backward()
    expected = (x.detach().exp() * (x.detach() + 1)).tolist()
    assert x.grad.tolist() == pytest.approx(expected)
