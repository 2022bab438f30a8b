"""Whether operations record the graph: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

The flag is per Python thread, as in PyTorch: a ``no_grad()`` block in one thread does not stop
another thread from recording its graph.
"""
import functools
import inspect
import threading

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode"]


class _GradState(threading.local):
    enabled = True


_state = _GradState()


def is_grad_enabled():
    """True if operations currently record the graph for ``backward()`` (per thread).

    Example::

        >>> minigrad.is_grad_enabled()
        True
        >>> with minigrad.no_grad():
        ...     minigrad.is_grad_enabled()
        False
    """
    return _state.enabled


class _GradModeContext:
    """Base of the context managers below; each is also usable as a function decorator."""

    _mode = True

    def __enter__(self):
        self._prev = _state.enabled
        _state.enabled = self._mode

    def __exit__(self, *exc):
        _state.enabled = self._prev
        return False

    def __call__(self, fn):
        if inspect.isgeneratorfunction(fn):
            return _generator_in_mode(self.clone, fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self):
        """A fresh context manager of the same kind and mode (used when decorating functions)."""
        return self.__class__()


def _generator_in_mode(make_context, fn):
    """A generator function decorated with a grad mode: the mode holds while the generator's own
    code runs (each resumption: next, send, throw, close) and the caller's mode holds between."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with make_context():
            gen = fn(*args, **kwargs)
        step, value = gen.send, None
        while True:
            try:
                with make_context():
                    produced = step(value)
            except StopIteration as stop:
                return stop.value
            step = gen.send
            try:
                value = yield produced
            except GeneratorExit:
                with make_context():
                    gen.close()
                raise
            except BaseException as exc:  # thrown in by the caller: pass it to the wrapped generator
                step, value = gen.throw, exc

    return wrapper


class _BareDecorator(_GradModeContext):
    """``no_grad`` and ``enable_grad`` also decorate without parentheses (``@minigrad.no_grad``),
    as in PyTorch 2."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        if not callable(orig_func):
            raise TypeError(f"{cls.__name__}() takes no arguments, but got {type(orig_func).__name__}")
        return cls()(orig_func)

    def __init__(self, orig_func=None):
        pass


class no_grad(_BareDecorator):
    """Context manager (or decorator) that stops recording the graph, to save memory and time.

    Results computed inside have ``requires_grad=False``. Example::

        >>> x = minigrad.ones(2, requires_grad=True)
        >>> with minigrad.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    _mode = False


class enable_grad(_BareDecorator):
    """Context manager (or decorator) that turns recording back on inside a ``no_grad`` block.

    Example::

        >>> x = minigrad.ones(2, requires_grad=True)
        >>> with minigrad.no_grad():
        ...     with minigrad.enable_grad():
        ...         y = x * 2
        >>> y.requires_grad
        True
    """

    _mode = True


class inference_mode(_GradModeContext):
    """Like ``no_grad`` (minigrad has no separate inference tensors): nothing is recorded inside.
    ``inference_mode(False)`` leaves recording as it is.

    Example::

        >>> x = minigrad.ones(2, requires_grad=True)
        >>> with minigrad.inference_mode():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    def __new__(cls, mode=True):
        if callable(mode):  # bare @inference_mode
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode=True):
        if not isinstance(mode, bool):
            raise TypeError(f"inference_mode(): argument 'mode' must be bool, not {type(mode).__name__}")
        self._mode = not mode

    def clone(self):
        """A fresh ``inference_mode`` with the same mode."""
        return inference_mode(not self._mode)


class set_grad_enabled(_GradModeContext):
    """Turns recording on or off: as a function call (``set_grad_enabled(False)``) it takes effect at
    once; as a context manager it restores the previous state on exit.

    Example::

        >>> x = minigrad.ones(2, requires_grad=True)
        >>> with minigrad.set_grad_enabled(False):
        ...     y = x * 2
        >>> y.requires_grad
        False
        >>> _ = minigrad.set_grad_enabled(False)
        >>> (x * 2).requires_grad
        False
        >>> _ = minigrad.set_grad_enabled(True)
    """

    def __init__(self, mode):
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): argument 'mode' must be bool, not {type(mode).__name__}")
        self._prev = _state.enabled
        self._mode = mode
        _state.enabled = mode

    def __enter__(self):
        pass

    def __call__(self, fn):
        _state.enabled = self._prev  # used as a decorator: the call above must not take effect
        return super().__call__(fn)

    def clone(self):
        """A fresh ``set_grad_enabled`` with the same mode."""
        return self.__class__(self._mode)
