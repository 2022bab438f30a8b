"""Creation ops: ``tensor``, ``from_numpy``, ``zeros``, ``ones``, ``full``, ``arange``, ``randn`` ...

Sizes may be given as ``zeros(2, 3)`` or ``zeros((2, 3))``. Floating-point results use the default
dtype (float32) unless ``dtype=`` says otherwise, as in PyTorch. Random factories draw from
``minigrad.random``'s counter-based generator (``manual_seed`` makes them repeatable).
"""
import numbers
import warnings

import numpy as np

from . import _dtype, _ops
from ._device import place as _place
from ._dtype import from_numpy_dtype, get_default_dtype, to_dtype
from .random import next_call
from .tensor import Tensor, _wrap, parse_size

__all__ = [
    "tensor", "as_tensor", "from_numpy", "zeros", "ones", "empty", "full", "arange", "linspace",
    "eye", "zeros_like", "ones_like", "empty_like", "full_like", "rand", "randn", "randint",
    "randperm", "rand_like", "randn_like", "randint_like", "normal", "bernoulli", "scalar_tensor",
    "logspace",
]


def _sizes(sizes, size):
    """The shape given to a factory positionally (``zeros(2, 3)``, ``zeros((2, 3))``) or as the
    keyword ``size=`` (``zeros(size=(2, 3))``), as in PyTorch."""
    if size is None:
        return parse_size(sizes)
    if sizes:
        raise TypeError("the size was given both positionally and as the keyword 'size'")
    return parse_size((size,))


def _finish(arr, requires_grad, device=None, how="factory", default=True):
    """The new tensor, after PyTorch's checks of ``requires_grad`` and of the device (``how``
    the tensor is made picks PyTorch's error for a device minigrad lacks; ``default``: a
    factory honours the default device, a ``*_like`` function its input's)."""
    if device is not None or default:
        _place(device, how)
    t = _wrap(arr)
    if requires_grad:
        if not isinstance(requires_grad, bool):
            raise TypeError(
                f"tensor(): argument 'requires_grad' must be bool, not {type(requires_grad).__name__}"
            )
        t._set_requires_grad(True, "Only Tensors of floating point and complex dtype can require gradients")
    return t


def _float_dtype(dtype):
    return get_default_dtype() if dtype is None else to_dtype(dtype)


# ------------------------------------------------------------------ from data
def _ragged_error(data):
    """PyTorch's error for nested lists that are not a grid: the shape comes from the first element
    at each depth, and every list must then match it."""
    shape = []
    x = data
    while isinstance(x, (list, tuple)):
        shape.append(len(x))
        if not x:
            break
        x = x[0]
    float_leaves = isinstance(x, float)

    def check(x, dim):
        if dim == len(shape):
            if isinstance(x, (list, tuple)):
                if float_leaves:
                    return TypeError(f"must be real number, not {type(x).__name__}")
                return TypeError(f"'{type(x).__name__}' object cannot be interpreted as an integer")
            return None
        if not isinstance(x, (list, tuple)):
            return TypeError("not a sequence")
        if len(x) != shape[dim]:
            return ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(x)})")
        for item in x:
            err = check(item, dim + 1)
            if err is not None:
                return err
        return None

    return check(data, 0) or ValueError("could not build a tensor from ragged nested sequences")


def _check_native_byte_order(arr):
    """PyTorch refuses numpy arrays in the other byte order (tensor, as_tensor, from_numpy alike)."""
    if isinstance(arr, np.ndarray) and not arr.dtype.isnative:
        raise ValueError(
            "given numpy array has byte order different from the native byte order. Conversion "
            "between byte orders is currently not supported."
        )


def _array_from_data(data, target=None):
    if isinstance(data, Tensor):
        return data._data
    _check_native_byte_order(data)
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
        data = [x._data if isinstance(x, Tensor) else x for x in data]
    first = data
    while isinstance(first, (list, tuple)) and first:
        first = first[0]
        if isinstance(first, (str, bytes)):  # PyTorch reads a string as one more dimension
            raise ValueError(f"too many dimensions '{type(first).__name__}'")
    try:
        arr = np.array(data)
    except ValueError:
        _check_element_types(data)  # PyTorch reports a bad element type before a bad shape
        raise _ragged_error(data) from None
    if arr.dtype.kind in "uO" and not isinstance(data, np.ndarray) and _has_big_int(data):
        # Python ints beyond int64 (numpy made uint64 or objects of them)
        if target is None or target.kind != "f":
            raise ValueError("Overflow when unpacking long long")
        arr = np.array(data, dtype=np.float64)
    if arr.dtype.kind in "USO":
        _check_element_types(data)
        raise _ragged_error(data)
    if arr.dtype.kind == "c":
        raise TypeError("minigrad does not support complex numbers")
    return arr


def _check_element_types(data):
    bad = _first_non_number(data)
    if bad is not _NOTHING:
        if isinstance(bad, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{type(bad).__name__}'")
        raise RuntimeError(f"Could not infer dtype of {type(bad).__name__}")


def _has_big_int(data):
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, int) and not -2**63 <= x < 2**63:
            return True
    return False


def _first_non_number(data):
    """The first element of nested lists that is neither a number nor a sequence (PyTorch names
    its type in the error), or _NOTHING."""
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(reversed(x))
        elif isinstance(x, np.ndarray):
            if x.dtype.kind in "USO":
                stack.extend(reversed(x.tolist()))
        elif not isinstance(x, (numbers.Number, np.generic, Tensor)) or isinstance(x, np.str_):
            return x
    return _NOTHING


_NOTHING = object()


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of ``data`` (a number, nested lists, a numpy array or a tensor).

    The dtype is inferred as in PyTorch: Python floats give float32 (the default dtype), ints give
    int64, bools give bool; numpy arrays keep their dtype.

    Example::

        >>> minigrad.tensor([[1, 2], [3, 4]])
        tensor([[1, 2],
                [3, 4]])
        >>> minigrad.tensor([0.5, 1.0], requires_grad=True)
        tensor([0.5000, 1.0000], requires_grad=True)
    """
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() "
            "or sourceTensor.clone().detach().requires_grad_(True), rather than "
            "minigrad.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    from_python = not isinstance(data, (np.ndarray, Tensor, np.generic))
    target = None if dtype is None else to_dtype(dtype).np
    arr = _array_from_data(data, target)
    if target is not None:
        pass
    elif from_python and isinstance(data, (list, tuple)) and arr.dtype.kind in "biuf":
        target = _sequence_dtype(data, arr)
    elif from_python and arr.dtype.kind == "f":
        target = get_default_dtype().np
    elif from_python and arr.dtype.kind in "iu":
        target = np.int64
    else:
        target = from_numpy_dtype(arr.dtype).np
    if arr.dtype.kind == "f" and target.kind in "iu" and arr.size and not np.isfinite(arr).all():
        raise RuntimeError(f"value cannot be converted to type {_dtype.to_dtype(target).name} without overflow")
    return _finish(np.array(arr, dtype=target, order="C", copy=True), requires_grad, device, "to")


def _sequence_dtype(data, arr):
    """PyTorch's dtype for nested lists: Python floats give the default dtype and ints int64, but
    numpy scalars and tensors inside count with their own dtype (``[np.float64(1.5)]`` is
    float64, ``[np.int32(1)]`` int32); the kinds promote as for an operation."""
    if arr.dtype.kind == "b":
        return arr.dtype
    found = None
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
            continue
        if isinstance(x, np.generic):
            d = from_numpy_dtype(x.dtype)
        elif isinstance(x, Tensor):
            d = x.dtype
        else:
            d = _dtype.result_type(x)
        found = d if found is None else _dtype.promote_types(found, d)
    return (found or get_default_dtype()).np  # [] is a float tensor


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor``, but shares memory with ``data`` when it is a numpy array or a tensor that needs
    no conversion (same dtype); otherwise copies.

    Example::

        >>> import numpy as np
        >>> a = np.array([1., 2.])
        >>> t = minigrad.as_tensor(a)
        >>> a[0] = 5.
        >>> t
        tensor([5., 2.], dtype=minigrad.float64)
    """
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    _check_native_byte_order(data)
    if isinstance(data, np.ndarray) and (dtype is None or to_dtype(dtype).np == data.dtype):
        from_numpy_dtype(data.dtype)
        return _wrap(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray):
    """A tensor sharing memory with the numpy array ``ndarray``: changes to one show in the other. The
    dtype is the array's (it must be one minigrad supports).

    Example::

        >>> import numpy as np
        >>> a = np.arange(3)
        >>> t = minigrad.from_numpy(a)
        >>> t[0] = 10
        >>> a
        array([10,  1,  2])
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _check_native_byte_order(ndarray)
    from_numpy_dtype(ndarray.dtype)
    return _wrap(ndarray)


def scalar_tensor(s, dtype=None, device=None, requires_grad=False):
    """A 0-d tensor holding the number ``s`` (in the default float dtype unless ``dtype`` is given).

    Example::

        >>> minigrad.scalar_tensor(3)
        tensor(3.)
    """
    return _finish(np.array(s, dtype=_float_dtype(dtype).np), requires_grad, device)


# ------------------------------------------------------------------ filled
def zeros(*sizes, size=None, dtype=None, device=None, requires_grad=False, out=None):
    """A tensor filled with zeros, of the given size (``zeros(2, 3)`` or ``zeros((2, 3))``), in the
    default float dtype unless ``dtype`` is given.

    Example::

        >>> minigrad.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
        >>> minigrad.zeros((2,), dtype=minigrad.int64)
        tensor([0, 0])
    """
    return _finish(np.zeros(_sizes(sizes, size), dtype=_float_dtype(dtype).np), requires_grad, device)


def ones(*sizes, size=None, dtype=None, device=None, requires_grad=False, out=None):
    """A tensor filled with ones, of the given size, in the default float dtype unless ``dtype`` is
    given.

    Example::

        >>> minigrad.ones(2, 2)
        tensor([[1., 1.],
                [1., 1.]])
        >>> minigrad.ones(3, requires_grad=True)
        tensor([1., 1., 1.], requires_grad=True)
    """
    return _finish(np.ones(_sizes(sizes, size), dtype=_float_dtype(dtype).np), requires_grad, device)


def empty(*sizes, size=None, dtype=None, device=None, requires_grad=False, out=None, memory_format=None):
    """An uninitialised tensor of the given size (its elements are whatever was in memory): fill it
    before reading it.

    Example::

        >>> minigrad.empty(2, 3).shape
        minigrad.Size([2, 3])
    """
    return _finish(np.empty(_sizes(sizes, size), dtype=_float_dtype(dtype).np), requires_grad, device)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of ``size`` filled with ``fill_value``; the dtype is inferred from the value (bool,
    int64 or the default float), as in PyTorch, unless ``dtype`` is given.

    Example::

        >>> minigrad.full((2, 3), 7)
        tensor([[7, 7, 7],
                [7, 7, 7]])
        >>> minigrad.full((2,), 0.5)
        tensor([0.5000, 0.5000])
    """
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        if isinstance(fill_value, (bool, np.bool_)):
            dtype = _dtype.bool
        elif isinstance(fill_value, numbers.Integral):
            dtype = _dtype.int64
    target = _float_dtype(dtype).np
    value = _dtype.fill_value(fill_value, target)
    return _finish(np.full(parse_size((size,)), value, dtype=target), requires_grad, device)


def arange(start=0, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """The values from ``start`` (inclusive) to ``end`` (exclusive) spaced by ``step``:
    ``arange(end)`` or ``arange(start, end, step)``. int64 if all the arguments are integers, else
    the default float dtype.

    Example::

        >>> minigrad.arange(5)
        tensor([0, 1, 2, 3, 4])
        >>> minigrad.arange(1, 2.5, 0.5)
        tensor([1.0000, 1.5000, 2.0000])
    """
    if end is None:
        start, end = 0, start
    args = [x.item() if isinstance(x, Tensor) else x for x in (start, end, step)]
    start, end, step = args
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        dtype = _dtype.int64 if all(isinstance(x, numbers.Integral) for x in args) else get_default_dtype()
    dtype = to_dtype(dtype)
    n = max(int(np.ceil((end - start) / step)), 0)
    values = start + step * np.arange(n, dtype=np.float64 if dtype.is_floating_point else np.int64)
    return _finish(values.astype(dtype.np), requires_grad, device)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` (both included).

    As in PyTorch, the first half is computed from ``start`` and the second half back from ``end``,
    in the result's dtype, so the values (and their rounding) are PyTorch's.

    Example::

        >>> minigrad.linspace(0, 1, steps=5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    start, end = (x.item() if isinstance(x, Tensor) else x for x in (start, end))
    d = _float_dtype(dtype)
    if not d.is_floating_point:
        return _finish(np.linspace(start, end, steps).astype(d.np), requires_grad, device)
    t = d.np.type
    if steps == 1:
        return _finish(np.array([start], dtype=d.np), requires_grad, device)
    step = (t(end) - t(start)) / t(steps - 1) if steps > 1 else t(0)
    i = np.arange(steps)
    with np.errstate(all="ignore"):
        values = np.where(i < steps // 2, t(start) + i.astype(d.np) * step,
                          t(end) - (steps - 1 - i).astype(d.np) * step)
    return _finish(values.astype(d.np), requires_grad, device)


def logspace(start, end, steps, base=10.0, *, dtype=None, requires_grad=False, device=None):
    """``steps`` numbers from ``base ** start`` to ``base ** end``, evenly spaced in the
    exponent.

    Example::

        >>> minigrad.logspace(0, 2, 3)
        tensor([  1.,  10., 100.])
    """
    np_dtype = (to_dtype(dtype) if dtype is not None else get_default_dtype()).np
    exps = np.linspace(float(start), float(end), int(steps), dtype=np.float64)
    out = _wrap(np.power(float(base), exps).astype(np_dtype))
    return out.requires_grad_() if requires_grad else out


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """A 2-d tensor with ones on the diagonal and zeros elsewhere: ``n`` rows, ``m`` columns (``n`` if
    not given).

    Example::

        >>> minigrad.eye(2, 3)
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    return _finish(np.eye(n, n if m is None else m, dtype=_float_dtype(dtype).np), requires_grad, device)


def _like_dtype(input, dtype):
    return input._data.dtype if dtype is None else to_dtype(dtype).np


def zeros_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):
    """A tensor of zeros with the shape (and dtype, unless ``dtype`` is given) of ``input``.

    Example::

        >>> minigrad.zeros_like(minigrad.tensor([[1, 2], [3, 4]]))
        tensor([[0, 0],
                [0, 0]])
    """
    return _finish(np.zeros(input._data.shape, dtype=_like_dtype(input, dtype)), requires_grad, device, default=False)


def ones_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):
    """A tensor of ones with the shape (and dtype, unless ``dtype`` is given) of ``input``.

    Example::

        >>> minigrad.ones_like(minigrad.zeros(2, dtype=minigrad.float64))
        tensor([1., 1.], dtype=minigrad.float64)
    """
    return _finish(np.ones(input._data.shape, dtype=_like_dtype(input, dtype)), requires_grad, device, default=False)


def empty_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):
    """An uninitialised tensor with the shape (and dtype, unless ``dtype`` is given) of ``input``.

    Example::

        >>> minigrad.empty_like(minigrad.zeros(2, 3)).shape
        minigrad.Size([2, 3])
    """
    return _finish(np.empty(input._data.shape, dtype=_like_dtype(input, dtype)), requires_grad, device, default=False)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False, memory_format=None):
    """A tensor with the shape (and dtype, unless ``dtype`` is given) of ``input``, filled with
    ``fill_value``.

    Example::

        >>> minigrad.full_like(minigrad.zeros(3), 2.5)
        tensor([2.5000, 2.5000, 2.5000])
    """
    return _finish(np.full(input._data.shape, fill_value, dtype=_like_dtype(input, dtype)), requires_grad, device, default=False)


# ------------------------------------------------------------------ random
def _random_float_dtype(dtype, kernel):
    d = _float_dtype(dtype)
    if not d.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_dtype.scalar_type_name(d)}'")
    return d


def fill_uniform(arr, generator=None, low=0.0, high=1.0):
    """Fill a contiguous float array with uniform numbers in [low, high) (one generator call)."""
    seed, offset = next_call(generator)
    _ops.uniform_(arr, seed, offset, low, high)
    return arr


def fill_normal(arr, generator=None, mean=0.0, std=1.0):
    """Fill a contiguous float array with normal numbers (one generator call)."""
    seed, offset = next_call(generator)
    _ops.normal_(arr, seed, offset, mean, std)
    return arr


def random_uint64(n, generator=None):
    """``n`` random 64-bit integers (one generator call)."""
    seed, offset = next_call(generator)
    return _ops.random_bits(2 * n, seed, offset).view(np.uint64)


def rand(*sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Random numbers drawn uniformly from [0, 1), of the given size (from ``generator``, or the
    default generator seeded by ``manual_seed``); a floating-point ``dtype`` only.

    Example::

        >>> _ = minigrad.manual_seed(0)
        >>> x = minigrad.rand(1000)
        >>> bool(x.min() >= 0 and x.max() < 1)
        True
    """
    d = _random_float_dtype(dtype, "check_uniform_bounds")
    return _finish(fill_uniform(np.empty(_sizes(sizes, size), d.np), generator), requires_grad, device)


def randn(*sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Random numbers from the standard normal distribution (mean 0, variance 1), of the given size
    (from ``generator``, or the default generator seeded by ``manual_seed``).

    The numbers come from a counter-based generator: the same after every ``manual_seed(0)``,
    whatever the number of threads (but not PyTorch's numbers).

    Example::

        >>> _ = minigrad.manual_seed(0)
        >>> a = minigrad.randn(2, 3)
        >>> _ = minigrad.manual_seed(0)
        >>> minigrad.equal(a, minigrad.randn(2, 3))
        True
    """
    d = _random_float_dtype(dtype, "normal_kernel_cpu")
    return _finish(fill_normal(np.empty(_sizes(sizes, size), d.np), generator), requires_grad, device)


def rand_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):
    """Uniform random numbers in [0, 1) with the shape (and dtype, unless ``dtype`` is given) of
    ``input``.

    Example::

        >>> minigrad.rand_like(minigrad.zeros(2, 3)).shape
        minigrad.Size([2, 3])
    """
    return rand(input.shape, dtype=input.dtype if dtype is None else dtype, requires_grad=requires_grad,
                device=input.device if device is None else device)


def randn_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):
    """Standard normal random numbers with the shape (and dtype, unless ``dtype`` is given) of
    ``input``.

    Example::

        >>> minigrad.randn_like(minigrad.zeros(2, dtype=minigrad.float64)).dtype
        minigrad.float64
    """
    return randn(input.shape, dtype=input.dtype if dtype is None else dtype, requires_grad=requires_grad,
                 device=input.device if device is None else device)


def randint(*args, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Random integers drawn uniformly from [low, high): ``randint(high, size)`` or
    ``randint(low, high, size)``; int64 unless ``dtype`` is given.

    Example::

        >>> _ = minigrad.manual_seed(0)
        >>> x = minigrad.randint(3, 10, (2, 5))
        >>> x.shape, x.dtype, bool(x.min() >= 3 and x.max() < 10)
        (minigrad.Size([2, 5]), minigrad.int64, True)
    """
    if size is not None:
        args = args + (size,)
    if len(args) == 2:
        low, (high, size) = 0, args
    elif len(args) == 3:
        low, high, size = args
    else:
        raise TypeError("randint() expects (high, size) or (low, high, size)")
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    shape = parse_size((size,))
    n = int(np.prod(shape))
    values = low + (random_uint64(n, generator) % np.uint64(high - low)).astype(np.int64)
    d = _dtype.int64 if dtype is None else to_dtype(dtype)
    return _finish(values.reshape(shape).astype(d.np), requires_grad, device)


def randint_like(input, low=0, high=None, dtype=None):
    """Random integers in [low, high) with the shape (and dtype, unless ``dtype`` is given) of
    ``input``: ``randint_like(input, high)`` or ``randint_like(input, low, high)``.

    Example::

        >>> x = minigrad.randint_like(minigrad.zeros(4, dtype=minigrad.int64), 5)
        >>> x.dtype, bool(x.max() < 5)
        (minigrad.int64, True)
    """
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=input.dtype if dtype is None else dtype,
                   device=input.device)


def randperm(n, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of the integers 0 .. n-1 (int64 unless ``dtype`` is given).

    Example::

        >>> sorted(minigrad.randperm(5).tolist())
        [0, 1, 2, 3, 4]
    """
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    keys = random_uint64(n, generator)
    perm = np.argsort(keys, kind="stable")
    d = _dtype.int64 if dtype is None else to_dtype(dtype)
    return _finish(perm.astype(d.np), requires_grad, device)


def normal(mean, std, size=None, generator=None, dtype=None):
    """Random numbers from normal distributions: with tensor ``mean`` and/or ``std`` (broadcasting),
    one number per element; with numbers, a tensor of ``size``.

    Example::

        >>> minigrad.normal(minigrad.zeros(3), minigrad.ones(3)).shape
        minigrad.Size([3])
        >>> minigrad.normal(2., 3., size=(2, 2)).shape
        minigrad.Size([2, 2])
    """
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = mean._data if isinstance(mean, Tensor) else mean
        s = std._data if isinstance(std, Tensor) else std
        shape = np.broadcast_shapes(np.shape(m), np.shape(s))
        ref = mean if isinstance(mean, Tensor) else std
        z = fill_normal(np.empty(shape, ref._data.dtype), generator)
        return _wrap((z * s + m).astype(ref._data.dtype))
    if size is None:
        raise TypeError("normal() with float mean and std needs a size")
    d = _random_float_dtype(dtype, "normal_kernel_cpu")
    return _wrap(fill_normal(np.empty(parse_size((size,)), d.np), generator, mean, std))


def bernoulli(input, p=None, generator=None):
    """Random 0s and 1s: 1 with probability ``input`` elementwise (or ``p``), in ``input``'s dtype.

    Example::

        >>> minigrad.bernoulli(minigrad.tensor([0., 1., 1.]))
        tensor([0., 1., 1.])
    """
    probs = input._data if p is None else np.full(input._data.shape, p)
    if np.any((probs < 0) | (probs > 1)):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    u = fill_uniform(np.empty(input._data.shape, np.float64), generator)
    return _wrap((u < probs).astype(input._data.dtype))
