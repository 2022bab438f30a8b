"""Anomaly detection, as ``torch.autograd.detect_anomaly``: find the forward operation whose
backward produced a NaN.

While it is on, every node the forward pass records keeps the Python stack of the code that
created it (minigrad's own frames left out). During ``backward()``, a node whose backward
returns a NaN raises ``RuntimeError: Function 'LogBackward0' returned nan values in its 0th
output.``, and any error raised in a node's backward is preceded by a warning that shows the
forward call that created the node::

    with minigrad.autograd.detect_anomaly():
        loss = model(x).log().sum()
        loss.backward()     # UserWarning: Error detected in LogBackward0. Traceback of
                            # forward call that caused the error: File "train.py", line 12 ...

It costs a stack capture per recorded op and a NaN scan per gradient: a debugging tool, as in
PyTorch (which warns about it). The engine (``engine.py``) and ``function._record`` consult
``_state`` once per backward pass and once per recorded op.
"""
import os
import traceback
import warnings
import weakref

import numpy as np

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled"]


class _AnomalyState:
    enabled = False
    check_nan = True


_state = _AnomalyState()
_traces = weakref.WeakKeyDictionary()  # node -> the stack of the forward call that made it
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def is_anomaly_enabled():
    """True while anomaly detection is on.

    Example::

        >>> with minigrad.autograd.set_detect_anomaly(True):
        ...     minigrad.is_anomaly_enabled()
        True
        >>> minigrad.is_anomaly_enabled()
        False
    """
    return _state.enabled


def is_anomaly_check_nan_enabled():
    """True while anomaly detection also checks the gradients for NaN (``check_nan``)."""
    return _state.check_nan


def set_anomaly_enabled(enabled, check_nan=True):
    """Turn anomaly detection on or off (``torch.set_anomaly_enabled``)."""
    _state.enabled = bool(enabled)
    _state.check_nan = bool(check_nan)


class _AnomalyContext:
    """Restores the mode it found when its ``with`` block ends."""

    def __exit__(self, *exc):
        set_anomaly_enabled(self._prev, self._prev_check_nan)
        return False


class detect_anomaly(_AnomalyContext):  # noqa: N801  (PyTorch's name)
    """Context manager that turns anomaly detection on: a backward that produces
    NaN (with ``check_nan=True``) raises an error naming the op, and an error in backward is
    preceded by the traceback of the forward call that created the failing node.

    Example::

        >>> x = minigrad.tensor([0.], requires_grad=True)
        >>> import warnings; warnings.simplefilter("ignore")
        >>> with minigrad.autograd.detect_anomaly():
        ...     y = (x.log() * 0).sum()
        ...     y.backward()
        Traceback (most recent call last):
        RuntimeError: Function 'LogBackward0' returned nan values in its 0th output.
    """

    def __init__(self, check_nan=True):
        self._prev = _state.enabled
        self._prev_check_nan = _state.check_nan
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime and "
                      "should only be enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self):
        self._prev, self._prev_check_nan = _state.enabled, _state.check_nan
        set_anomaly_enabled(True, self.check_nan)
        return self


class set_detect_anomaly(_AnomalyContext):  # noqa: N801  (PyTorch's name)
    """Turns anomaly detection on or off (``mode``): at once when called, and back to what it
    was when used as a context manager and left.

    Example::

        >>> _ = minigrad.autograd.set_detect_anomaly(True)
        >>> minigrad.is_anomaly_enabled()
        True
        >>> _ = minigrad.autograd.set_detect_anomaly(False)
    """

    def __init__(self, mode, check_nan=True):
        self._prev = _state.enabled
        self._prev_check_nan = _state.check_nan
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self):
        return self


# ---------------------------------------------------------------------------------- the hooks
def remember_forward(node):
    """Keep the stack of the forward call that recorded ``node`` (function._record calls this
    while anomaly detection is on)."""
    stack = traceback.extract_stack()
    _traces[node] = [f for f in stack if not os.path.abspath(f.filename).startswith(_PACKAGE)]


def run_backward_checked(node, grad):
    """``node._run_backward(grad)`` with PyTorch's anomaly checks: NaN in a gradient is an
    error naming the node; an error shows the forward call's traceback first."""
    try:
        grads = node._run_backward(grad)
        if _state.check_nan:
            for i, g in enumerate(grads if isinstance(grads, tuple) else (grads,)):
                if isinstance(g, np.ndarray) and g.dtype.kind == "f" and np.isnan(g).any():
                    raise RuntimeError(f"Function '{node.name()}' returned nan values in its "
                                       f"{i}th output.")
        return grads
    except Exception:
        frames = _traces.get(node)
        if frames is not None:
            warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that "
                          "caused the error:\n" + "".join(traceback.format_list(frames)),
                          UserWarning, stacklevel=4)
        raise
