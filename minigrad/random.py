"""Random number generation: ``manual_seed``, ``Generator``, and the state of the default generator.

Every random number in minigrad (``randn``, ``rand``, parameter initialisation, dropout masks,
``DataLoader`` shuffling) comes from a counter-based generator, Philox4x32-10 (Salmon et al., SC'11),
computed in the compiled kernels. A Philox output is a pure function of (key, counter): element
``i`` of a call is computed from (seed, call offset, i), never from "the previous number". So:

* any thread can compute any element, and the result does not depend on how many threads share
  the work (no per-thread streams to keep in sync);
* a ``Generator``'s whole state is two integers: the seed and the number of calls made so far
  (the *offset*). Each call (one ``randn``, one dropout mask) takes the next offset.
"""
import os
import threading

import numpy as np

from . import _device
from .tensor import _wrap

__all__ = ["Generator", "manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state",
           "default_generator"]

_DEFAULT_SEED = 67280421310721  # PyTorch's default seed for its CPU generator
_U64 = (1 << 64) - 1


def _check_seed(seed):
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        raise TypeError(f"manual_seed expected an int, but got {type(seed).__name__}") from None
    if not -(1 << 63) <= seed <= _U64:
        raise RuntimeError(f"Overflow when unpacking long: seed {seed} does not fit in 64 bits")
    return seed & _U64  # negative seeds wrap around, as in PyTorch


class Generator:
    """A source of random numbers: a seed plus a count of the calls made (``torch.Generator``).

    Pass it as ``generator=`` to the random functions to draw from it instead of the default
    generator; the same seed gives the same numbers.

    Example::

        >>> g = minigrad.Generator().manual_seed(42)
        >>> a = minigrad.randn(3, generator=g)
        >>> b = minigrad.randn(3, generator=minigrad.Generator().manual_seed(42))
        >>> minigrad.equal(a, b)
        True
    """

    def __init__(self, device="cpu"):
        if _device.device(device).type != "cpu":
            raise RuntimeError(f"Cannot get {_device.device(device).type.upper()} generator: "
                               "minigrad runs on the CPU only")
        self._lock = threading.Lock()
        self._seed = _DEFAULT_SEED
        self._offset = 0

    def __getstate__(self):  # copy.deepcopy / pickle: the state, not the lock
        with self._lock:
            return {"seed": self._seed, "offset": self._offset}

    def __setstate__(self, state):
        self._lock = threading.Lock()
        self._seed = state["seed"]
        self._offset = state["offset"]

    def manual_seed(self, seed):
        """Set the seed (and restart the sequence); returns the generator."""
        seed = _check_seed(seed)
        with self._lock:
            self._seed = seed
            self._offset = 0
        return self

    def seed(self):
        """Seed from the operating system's entropy; returns the new seed."""
        s = int.from_bytes(os.urandom(8), "little") >> 1
        self.manual_seed(s)
        return s

    def initial_seed(self):
        """The seed this generator was last seeded with."""
        return self._seed

    def get_state(self):
        """The state as a uint8 tensor of 16 bytes (seed, offset), for ``set_state``."""
        with self._lock:
            words = np.array([self._seed, self._offset], dtype="<u8")
        return _wrap(words.view(np.uint8).copy())

    def set_state(self, new_state):
        """Restore a state returned by ``get_state`` (the same numbers follow as after that call);
        returns the generator.

        Example::

            >>> g = minigrad.Generator().manual_seed(1)
            >>> state = g.get_state()
            >>> a = minigrad.rand(2, generator=g)
            >>> b = minigrad.rand(2, generator=g.set_state(state))
            >>> minigrad.equal(a, b)
            True
        """
        arr = np.asarray(new_state._data if hasattr(new_state, "_data") else new_state)
        if arr.dtype != np.uint8 or arr.size != 16:
            raise RuntimeError("RNG state must be a uint8 tensor of 16 bytes (from get_state())")
        seed, offset = (int(v) for v in np.ascontiguousarray(arr).view("<u8"))
        with self._lock:
            self._seed, self._offset = seed, offset
        return self

    def next_call(self):
        """(seed, offset) for one call of a random kernel, and advance the offset."""
        with self._lock:
            offset = self._offset
            self._offset = (offset + 1) & _U64
            return self._seed, offset

    @property
    def device(self):
        """The generator's device (the CPU)."""
        return _device.cpu

    def __repr__(self):
        return f"<minigrad.Generator object at {id(self):#x}>"


default_generator = Generator()


def manual_seed(seed):
    """Seeds the default generator: everything random after this call is repeatable (``randn`` /
    ``rand``, parameter initialisation, dropout masks, DataLoader shuffling). Returns the
    default generator.

    Example::

        >>> _ = minigrad.manual_seed(0)
        >>> a = minigrad.rand(2)
        >>> _ = minigrad.manual_seed(0)
        >>> minigrad.equal(a, minigrad.rand(2))
        True
    """
    return default_generator.manual_seed(seed)


def seed():
    """Seeds the default generator non-deterministically (from the operating system); returns the
    seed.

    Example::

        >>> s = minigrad.seed()
        >>> s == minigrad.initial_seed()
        True
    """
    return default_generator.seed()


def initial_seed():
    """The seed the default generator was last seeded with.

    Example::

        >>> _ = minigrad.manual_seed(123)
        >>> minigrad.initial_seed()
        123
    """
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state (a uint8 tensor), for ``set_rng_state``.

    Example::

        >>> state = minigrad.get_rng_state()
        >>> a = minigrad.rand(2)
        >>> minigrad.set_rng_state(state)
        >>> minigrad.equal(a, minigrad.rand(2))
        True
    """
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default generator's state from ``get_rng_state()``: the same random numbers follow
    again.

    Example::

        >>> state = minigrad.get_rng_state()
        >>> a = minigrad.randn(3)
        >>> minigrad.set_rng_state(state)
        >>> minigrad.equal(a, minigrad.randn(3))
        True
    """
    default_generator.set_state(new_state)


def next_call(generator=None):
    """(seed, offset) from ``generator`` (if None: the one of an enclosing ``_drawing_from``
    block, else the default one)."""
    if generator is None:
        generator = getattr(_this_thread, "generator", None)
    g = default_generator if generator is None else generator
    if not isinstance(g, Generator):
        raise TypeError(f"generator must be a minigrad.Generator, not {type(g).__name__}")
    return g.next_call()


_this_thread = threading.local()  # .generator: what None means in this thread (see _drawing_from)


class _drawing_from:
    """``with _drawing_from(g):`` within the block, in this thread only, every random call that is
    given no generator draws from ``g`` instead of the default one (``nn.utils.mc_predict(
    generator=g)`` uses it for the masks of every dropout module, whatever its class). Other
    threads are unaffected; blocks nest."""

    def __init__(self, generator):
        if not isinstance(generator, Generator):
            raise TypeError(f"generator must be a minigrad.Generator, not {type(generator).__name__}")
        self.generator = generator

    def __enter__(self):
        self.previous = getattr(_this_thread, "generator", None)
        _this_thread.generator = self.generator
        return self.generator

    def __exit__(self, *exc):
        _this_thread.generator = self.previous
