"""The forms of PyTorch 0.x that PyTorch 2 still accepts (most with a deprecation warning):
the legacy tensor types ``FloatTensor``, ``DoubleTensor``, ``LongTensor``, ``IntTensor``,
``ShortTensor``, ``CharTensor``, ``ByteTensor``, ``BoolTensor``; ``Tensor.new``, ``Tensor.type``,
``set_default_tensor_type``, ``range`` (the end included) and ``chain_matmul``.
(``autograd.Variable`` is in ``autograd/variable.py``; the deprecated argument forms of the ops,
``add(x, 2, y)`` ..., in ``ops/_arg_parser.py``.)

As in PyTorch, a legacy type is not a subclass of ``Tensor`` and has no instances of its own:
calling it makes an ordinary tensor of its dtype (``FloatTensor(2, 3)``: uninitialised, of that
size; ``FloatTensor([1, 2])``: from data), and ``isinstance(t, FloatTensor)`` asks whether ``t``
is a float32 tensor. Older tutorials use them everywhere::

    x = torch.FloatTensor([[1, 2], [3, 4]])
    y = x.type(torch.LongTensor)          # or x.type('torch.LongTensor')
    isinstance(y, torch.LongTensor)       # True
"""
import numbers
import warnings

import numpy as np

from . import _device, _dtype
from .creation import tensor as _tensor_from_data
from ._deprecation import warn_once
from .tensor import Size, Tensor, _wrap, parse_size

__all__ = ["FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
           "ByteTensor", "BoolTensor", "set_default_tensor_type", "range", "chain_matmul", "new",
           "type_method"]


class _TensorType(type):
    """The class of the legacy types (PyTorch's ``torch.tensortype``)."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj._data.dtype == cls.dtype.np

    def __subclasscheck__(cls, sub):
        return sub is cls

    def __repr__(cls):
        return f"<class 'minigrad.{cls.__name__}'>"

    def __call__(cls, *args, device=None, **kwargs):
        if kwargs:
            raise TypeError(f"new() got an unexpected keyword argument '{next(iter(kwargs))}'")
        return _legacy_new(cls.dtype, args, device)


def _legacy_type(name, dtype):
    return _TensorType(name, (), {
        "__module__": "minigrad", "dtype": dtype, "is_cuda": False, "is_sparse": False,
        "__doc__": f"The legacy type of {dtype!r} tensors: ``minigrad.{name}(2, 3)`` is an "
                   f"uninitialised {dtype!r} tensor of size (2, 3), ``minigrad.{name}(data)`` a "
                   f"{dtype!r} tensor holding ``data``; ``isinstance(t, minigrad.{name})`` is "
                   f"True for {dtype!r} tensors.",
    })


FloatTensor = _legacy_type("FloatTensor", _dtype.float32)
DoubleTensor = _legacy_type("DoubleTensor", _dtype.float64)
LongTensor = _legacy_type("LongTensor", _dtype.int64)
IntTensor = _legacy_type("IntTensor", _dtype.int32)
ShortTensor = _legacy_type("ShortTensor", _dtype.int16)
CharTensor = _legacy_type("CharTensor", _dtype.int8)
ByteTensor = _legacy_type("ByteTensor", _dtype.uint8)
BoolTensor = _legacy_type("BoolTensor", _dtype.bool)

_BY_NAME = {t.__name__: t for t in (FloatTensor, DoubleTensor, LongTensor, IntTensor, ShortTensor,
                                    CharTensor, ByteTensor, BoolTensor)}


def _options(d):
    return (f"TensorOptions(dtype={_dtype.c_type_name(d)}, device=cpu, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")


def _legacy_new(dtype, args, device):
    """PyTorch's legacy constructor: ``()`` an empty tensor; ints or a ``Size`` a shape; a tensor
    of this dtype an alias of it; a sequence (or numpy array) data to convert."""
    if device is not None:
        _device.device(device)
    if not args:
        return _wrap(np.empty((0,), dtype.np))
    first = args[0]
    if len(args) == 1 and isinstance(first, Tensor):
        if first._data.dtype != dtype.np:
            raise TypeError(f"expected {_options(dtype)} (got {_options(first.dtype)})")
        from .ops.shape import view  # an alias: the same memory, and the same autograd history
        return view(first, first.shape)
    if len(args) == 1 and not isinstance(first, (numbers.Integral, Size)):
        if isinstance(first, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{type(first).__name__}'")
        if not isinstance(first, (list, tuple, np.ndarray)) or (
                isinstance(first, np.ndarray) and first.ndim == 0):
            kind = type(first)
            name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
            raise TypeError(f"new(): data must be a sequence (got {name})")
        return _tensor_from_data(first, dtype=dtype)
    for pos, s in enumerate(args, 1):
        if not isinstance(s, (numbers.Integral, Size, Tensor)) or isinstance(s, bool):
            raise TypeError(f"new(): argument 'size' failed to unpack the object at pos {pos} with "
                            f"error \"type must be tuple of ints,but got {type(s).__name__}\"")
    return _wrap(np.empty(parse_size(args), dtype.np))


def new(self, *args, device=None, **kwargs):
    """``x.new(...)``: the legacy constructor with ``x``'s dtype: ``x.new(2, 3)`` an uninitialised
    tensor of that size, ``x.new([1, 2])`` a tensor holding the data, ``x.new()`` an empty one
    (prefer ``new_empty``, ``new_tensor``).

    Example::

        >>> minigrad.zeros(1, dtype=minigrad.float64).new([1, 2])
        tensor([1., 2.], dtype=minigrad.float64)
    """
    return _BY_NAME[_dtype.tensor_type_name(self._data.dtype)](*args, device=device, **kwargs)


def _parse_type(value):
    """The dtype that ``Tensor.type(value)`` asks for: a dtype, a legacy type, or its name
    (``'torch.FloatTensor'``, also ``'minigrad.FloatTensor'``)."""
    if isinstance(value, _TensorType):
        return value.dtype
    if isinstance(value, str):
        module, _, name = value.rpartition(".")
        if module in ("torch.cuda", "minigrad.cuda"):
            _device.device("cuda")  # PyTorch: it cannot initialise CUDA (minigrad: the CPU only)
        if module in ("torch", "minigrad") and name in _BY_NAME:
            return _BY_NAME[name].dtype
        raise ValueError(f"invalid type: '{value}'")
    return _dtype.to_dtype(value)


def type_method(self, dtype=None, non_blocking=False, **kwargs):
    """Without ``dtype``: the legacy type name (``'minigrad.FloatTensor'`` ...); with a dtype, a
    legacy type (``minigrad.DoubleTensor``) or its name (``'torch.DoubleTensor'``): this tensor
    converted to it (the tensor itself if it has that dtype already).

    Example::

        >>> x = minigrad.zeros(2)
        >>> x.type()
        'minigrad.FloatTensor'
        >>> x.type(minigrad.LongTensor).dtype, x.type('torch.DoubleTensor').dtype
        (minigrad.int64, minigrad.float64)
    """
    if dtype is None:
        return f"minigrad.{_dtype.tensor_type_name(self._data.dtype)}"
    target = _parse_type(dtype)
    return self.to(target)


def set_default_tensor_type(t):
    """Deprecated (as in PyTorch 2.1+, with its warning): set the default floating-point dtype
    from a legacy type or its name (``minigrad.DoubleTensor``, ``'torch.DoubleTensor'``).
    Use ``set_default_dtype``.

    Example::

        >>> minigrad.set_default_tensor_type(minigrad.DoubleTensor)
        >>> minigrad.tensor([1.]).dtype
        minigrad.float64
        >>> minigrad.set_default_tensor_type('torch.FloatTensor')
    """
    if isinstance(t, str):
        module, _, name = t.rpartition(".")
        if module in ("torch", "minigrad") and name not in _BY_NAME:  # PyTorch looks it up
            raise AttributeError(f"module 'minigrad' has no attribute '{name}'")
        d = _parse_type(t)
    elif isinstance(t, _TensorType):
        d = t.dtype
    else:
        raise TypeError("invalid type object: only floating-point types are supported as the "
                        "default type")
    warn_once("minigrad.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
              "minigrad.set_default_dtype() and minigrad.set_default_device() as alternatives.")
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _dtype.set_default_dtype(d)


def range(start, end, step=1, *, dtype=None, layout=None, device=None,  # noqa: A001
          requires_grad=False):
    """Deprecated (with PyTorch's warning): the values from ``start`` to ``end`` *inclusive*,
    spaced by ``step``, in the default float dtype unless ``dtype`` is given. Use ``arange``,
    which leaves ``end`` out, as Python's ``range``.

    Example::

        >>> minigrad.range(0, 1, 0.25)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    warnings.warn("minigrad.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "minigrad.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    from ._layout import check_layout
    check_layout(layout, "range")
    start, end, step = (x.item() if isinstance(x, Tensor) else x for x in (start, end, step))
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    d = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
    n = int(np.floor((end - start) / step)) + 1
    values = start + step * np.arange(n, dtype=np.float64)
    out = _wrap(values.astype(d.np))
    if device is not None:
        _device.device(device)
    return out.requires_grad_() if requires_grad else out


def chain_matmul(*matrices):
    """Deprecated (with PyTorch's warning): the product of the matrices, left to right. Use
    ``minigrad.linalg.multi_dot`` or ``@``.

    Example::

        >>> minigrad.chain_matmul(minigrad.eye(2), minigrad.ones(2, 3)).shape
        minigrad.Size([2, 3])
    """
    warn_once("minigrad.chain_matmul is deprecated and will be removed in a future PyTorch release. "
              "Use minigrad.linalg.multi_dot instead, which accepts a list of two or more tensors "
              "rather than multiple parameters.")
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    from .ops.linalg import matmul
    for i, m in enumerate(matrices):
        if m.dim() != 2:
            raise RuntimeError(f"Tensor dimension is {m.dim()}, expected 2 instead.")
    result = matrices[0]
    for m in matrices[1:]:
        result = matmul(result, m)
    return result.clone() if len(matrices) == 1 else result
