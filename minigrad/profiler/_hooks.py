"""Where the profiler's events come from: wrappers installed around what runs, only while someone
listens (a ``profile`` that records, or ``MINIGRAD_DEBUG=2``), and removed afterwards.

* ops: ``Op.apply`` and ``Function.apply`` (every recorded operation goes through one of them);
* backward nodes: the engine calls ``engine.backward_hook(node, grad)`` instead of
  ``node._run_backward(grad)`` when it is set (the engine reads it once per backward pass);
* kernels: every kernel function of ``minigrad._ops`` is replaced in the module by a wrapper.
  Python code calls kernels as ``_ops.name(...)``, looking the name up at each call, and so do
  the kernels that call another (``linear_forward`` calls ``matmul``): one place records them all;
* optimizer steps: ``optimizer.step_hook`` (read once per step, as PyTorch's
  ``Optimizer.step#SGD.step`` event).

When nobody listens, nothing of this is installed: the op path is the plain ``Op.apply``, the
kernels are the compiled functions themselves, and the engine's and the optimizer's hooks are
None (tests/test_profiler.py checks each).
"""
import re
import sys
import threading
import time

import numpy as np

from .. import _ops
from ..autograd import engine, function
from ..optim import optimizer

__all__ = ["add_listener", "remove_listener", "span", "kernel_names"]

_clock = time.perf_counter_ns
_listeners = []  # objects with .on_event(event); hooks are installed while this is non-empty
_lock = threading.Lock()
_local = threading.local()  # .stack: the events open on this thread (for nesting)
_saved = {}  # what was replaced: ("op" | "function" | "kernel", name) -> the original


class Event:
    """One timed call: an op's forward (``kind`` "op"), a graph node's backward ("backward"), a
    kernel ("kernel") or a ``record_function`` block ("user"). Times in nanoseconds
    (``time.perf_counter_ns``); ``children_ns``: the time of the events nested inside it."""

    __slots__ = ("name", "kind", "input_shapes", "dtype", "variant", "threads", "thread",
                 "outer_ns", "start_ns", "end_ns", "children_ns", "depth", "parent")

    def __init__(self, name, kind, input_shapes=(), dtype=None, variant=None, threads=None):
        self.name = name
        self.kind = kind
        self.input_shapes = input_shapes
        self.dtype = dtype
        self.variant = variant
        self.threads = threads
        self.thread = threading.get_ident()
        self.children_ns = 0
        self.end_ns = None


def _stack():
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def _begin(event, outer_ns):
    """Open ``event`` on this thread. ``outer_ns``: when the wrapper started, before it spent
    time on the event's description (shapes, dtype ...): that time and the closing bookkeeping
    are the profiler's, counted neither in the event's time nor in its parent's self time."""
    stack = _stack()
    event.parent = stack[-1] if stack else None
    event.depth = len(stack)
    stack.append(event)
    event.outer_ns = outer_ns
    event.start_ns = _clock()
    return event


def _end(event):
    event.end_ns = _clock()
    stack = _stack()
    if stack and stack[-1] is event:
        stack.pop()
    for listener in tuple(_listeners):
        listener.on_event(event)
    if event.parent is not None:
        event.parent.children_ns += _clock() - event.outer_ns


class span:
    """A context manager that times one event (used by ``record_function`` and the hooks)."""

    __slots__ = ("event",)

    def __init__(self, name, kind="user", input_shapes=None):
        self.event = Event(name, kind, [] if input_shapes is None else input_shapes)

    def __enter__(self):
        _begin(self.event, _clock())
        return self.event

    def __exit__(self, *exc):
        _end(self.event)
        return False


def _shapes(values):
    """The shape of each array or tensor argument as a list, a list of those for a list of
    arrays (``sgd_step``'s parameters); [] for anything else (PyTorch's convention for
    scalars)."""
    out = []
    for v in values:
        data = getattr(v, "_data", v)
        if isinstance(data, np.ndarray):
            out.append(list(data.shape))
        elif isinstance(v, list) and v and isinstance(v[0], np.ndarray):
            out.append([list(a.shape) for a in v if isinstance(a, np.ndarray)])
        else:
            out.append([])
    return out


def _dtype_of(values):
    """The dtype of the first array argument (or of the first array of a list)."""
    for v in values:
        data = getattr(v, "_data", v)
        if isinstance(v, list) and v:
            data = v[0]
        if isinstance(data, np.ndarray):
            return data.dtype.name
    return None


# ------------------------------------------------------------------ ops and backward nodes
def _wrap_apply(original):
    def apply(cls, *args, **kwargs):
        outer = _clock()
        event = _begin(Event(cls.__name__, "op", _shapes(args)), outer)
        try:
            return original(cls, *args, **kwargs)
        finally:
            _end(event)

    apply.profiled = original
    return classmethod(apply)


def _run_backward(node, grad):
    outer = _clock()
    event = _begin(Event(node.name(), "backward", _shapes((grad,))), outer)
    try:
        return node._run_backward(grad)
    finally:
        _end(event)


def _optimizer_step(opt, step, args, kwargs):
    outer = _clock()
    event = _begin(Event(f"Optimizer.step#{type(opt).__name__}.step", "user", []), outer)
    try:
        return step(*args, **kwargs)
    finally:
        _end(event)


# ------------------------------------------------------------------ kernels
_NOT_KERNELS = re.compile(r"^(_|get_|set_|available_)|_variants?$|^(openmp_enabled|dropout_scale)$")


def kernel_names():
    """The functions of ``minigrad._ops`` that compute something (not the thread and variant
    settings): what the profiler records as kernels."""
    names = []
    for name in dir(_ops):
        obj = getattr(_ops, name)
        if callable(obj) and not isinstance(obj, type) and not _NOT_KERNELS.search(name):
            names.append(name)
    return sorted(names)


_GEMM = {"matmul", "bmm", "linear_forward", "linear_backward", "sum_rows"}


def _variant(name):
    """Which compiled variant a kernel runs, as ``python -m minigrad`` reports it."""
    if name in _GEMM:
        return _ops.gemm_variant()
    if name == "fma":
        return "fma" if _ops._fma_uses_hardware() else "c99 fma()"
    if name.startswith("sgd"):
        return "c"
    return _ops.rng_variant()


def _wrap_kernel(name, original):
    def kernel(*args, **kwargs):
        outer = _clock()
        values = args + tuple(v for v in kwargs.values() if isinstance(v, np.ndarray))
        event = _begin(Event(name, "kernel", _shapes(values), _dtype_of(values), _variant(name),
                             _ops.get_num_threads()), outer)
        try:
            return original(*args, **kwargs)
        finally:
            _end(event)

    kernel.__name__ = kernel.__qualname__ = name
    kernel.__doc__ = original.__doc__
    kernel.profiled = original
    return kernel


# ------------------------------------------------------------------ installing
def _install():
    for cls in (function.Op, function.Function):
        _saved[(cls.__name__, "apply")] = cls.__dict__["apply"]
        cls.apply = _wrap_apply(cls.__dict__["apply"].__func__)
    for name in kernel_names():
        original = getattr(_ops, name)
        _saved[("kernel", name)] = original
        setattr(_ops, name, _wrap_kernel(name, original))
    engine.backward_hook = _run_backward
    optimizer.step_hook = _optimizer_step


def _uninstall():
    for key, original in _saved.items():
        if key[0] == "kernel":
            setattr(_ops, key[1], original)
        else:
            setattr(function.Op if key[0] == "Op" else function.Function, "apply", original)
    _saved.clear()
    engine.backward_hook = None
    optimizer.step_hook = None


def add_listener(listener):
    with _lock:
        if listener in _listeners:
            return
        if not _listeners:
            _install()
        _listeners.append(listener)


def remove_listener(listener):
    with _lock:
        if listener in _listeners:
            _listeners.remove(listener)
            if not _listeners:
                _uninstall()


def installed():
    """True while the wrappers are in place (someone listens)."""
    return bool(_listeners)


# ------------------------------------------------------------------ MINIGRAD_DEBUG
class DebugPrinter:
    """``MINIGRAD_DEBUG=2``: print every kernel as it finishes (name, dtype, shapes, variant,
    threads, time) to stderr, as tinygrad's ``DEBUG=2``; ``MINIGRAD_DEBUG=3`` also prints ops
    and backward nodes. Nested calls are indented."""

    def __init__(self, level, stream=None):
        self.level = level
        self.stream = stream

    def on_event(self, e):
        if e.kind != "kernel" and self.level < 3:
            return
        us = (e.end_ns - e.start_ns) / 1e3
        shapes = " ".join("[" + ",".join(map(str, s)) + "]" for s in e.input_shapes if s)
        what = (f"{e.dtype or '-':8s} {shapes:36s} {e.variant} {e.threads} thr"
                if e.kind == "kernel" else f"{e.kind:8s} {shapes}")
        depth, parent = 0, e.parent  # indented under the printed calls it runs inside
        while parent is not None:
            depth += parent.kind == "kernel" or self.level >= 3
            parent = parent.parent
        print(f"{'  ' * depth}{e.name:22s} {what} {us:10.1f} us", file=self.stream or sys.stderr)


def debug_level(value):
    """MINIGRAD_DEBUG's value as an int (0 when unset or not a number)."""
    try:
        return int(value or 0)
    except ValueError:
        return 0
