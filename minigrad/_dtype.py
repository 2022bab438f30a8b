"""Data types (``minigrad.float32`` ...) and PyTorch's type-promotion rules.

A minigrad tensor stores its elements in a numpy array, so each dtype is a thin description of a
numpy dtype. What numpy does not give us is PyTorch's *promotion*: ``int64_tensor * 2.5`` is
float32 in PyTorch (numpy says float64), and a float64 zero-dim tensor does not turn a float32
tensor into float64. ``result_type`` implements PyTorch's rules.
"""
import builtins

import numpy as np

_py_float, _py_int, _py_bool = builtins.float, builtins.int, builtins.bool

__all__ = [
    "dtype", "bool", "uint8", "int8", "int16", "int32", "int64", "float32", "float64",
    "float", "double", "long", "int", "short", "get_default_dtype", "set_default_dtype",
    "result_type", "promote_types",
]

_BOOL, _INT, _FLOAT = 0, 1, 2  # promotion categories


class dtype:
    """The type of a tensor's elements (``torch.dtype``): ``minigrad.float32`` (``float``),
    ``float64`` (``double``), ``int64`` (``long``), ``int32`` (``int``), ``int16`` (``short``),
    ``int8``, ``uint8``, ``bool``. Each wraps a numpy dtype (``.np``).

    Example::

        >>> minigrad.zeros(2, dtype=minigrad.float64).dtype
        minigrad.float64
        >>> minigrad.float32.is_floating_point, minigrad.int64.itemsize
        (True, 8)
    """

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "_category")

    def __init__(self, name, np_dtype, category):
        self.name = name
        self.np = np.dtype(np_dtype)
        self._category = category
        self.is_floating_point = category == _FLOAT
        self.is_signed = self.np.kind in "if"
        self.itemsize = self.np.itemsize

    def __repr__(self):
        return f"minigrad.{self.name}"

    def __reduce__(self):  # pickling (e.g. by multiprocessing) returns the singleton
        return (_from_name, (self.name,))


bool = dtype("bool", np.bool_, _BOOL)  # noqa: A001  (PyTorch's names shadow builtins on purpose)
uint8 = dtype("uint8", np.uint8, _INT)
int8 = dtype("int8", np.int8, _INT)
int16 = dtype("int16", np.int16, _INT)
int32 = dtype("int32", np.int32, _INT)
int64 = dtype("int64", np.int64, _INT)
float32 = dtype("float32", np.float32, _FLOAT)
float64 = dtype("float64", np.float64, _FLOAT)
float = float32  # noqa: A001
double = float64
long = int64
int = int32  # noqa: A001
short = int16

_ALL = (bool, uint8, int8, int16, int32, int64, float32, float64)
_by_name = {d.name: d for d in _ALL}


def _from_name(name):
    return _by_name[name]
_by_numpy = {d.np: d for d in _ALL}
_default_float = float32


# PyTorch's names for dtypes in error messages: ScalarType ("Float"), legacy tensor type
# ("FloatTensor") and the C type ("float", as in "expected m1 and m2 to have the same dtype").
_SCALAR_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
                 "int64": "Long", "float32": "Float", "float64": "Double"}
_C_NAMES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
            "int32": "int", "int64": "long int", "float32": "float", "float64": "double"}


def scalar_type_name(d):
    """PyTorch's ScalarType name of a dtype (minigrad or numpy): ``Float``, ``Long`` ..."""
    name = d.name if type(d) is dtype else np.dtype(d).name
    return _SCALAR_NAMES.get(name, name)


def tensor_type_name(d):
    """The legacy tensor type name: ``FloatTensor``, ``LongTensor`` ..."""
    return scalar_type_name(d) + "Tensor"


def c_type_name(d):
    name = d.name if type(d) is dtype else np.dtype(d).name
    return _C_NAMES.get(name, name)


_C_TYPES = {"int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
            "float32": "float", "float64": "double"}


def fill_value(value, np_dtype, unpack=False):
    """A Python number to write into an array of ``np_dtype`` (full, fill_, x[i] = v), with
    PyTorch's errors where it does not fit (numpy would raise OverflowError, or wrap silently).
    A negative int wraps into an unsigned type if its magnitude fits, as in PyTorch (uint8: -255
    to 255). ``unpack``: Python ints beyond int64 are torch's ValueError (as for x[i] = v)."""
    if isinstance(value, np.generic):
        value = value.item()
    kind = np_dtype.kind
    if isinstance(value, _py_int) and not isinstance(value, _py_bool):
        if unpack and not -2**63 <= value < 2**63:
            raise ValueError("Overflow when unpacking long long")
        if value >= 2**64:
            raise OverflowError("int too big to convert")
        if value < -2**63:
            raise OverflowError("can't convert negative int to unsigned")
        if kind in "iu":
            info = np.iinfo(np_dtype)
            low = info.min if kind == "i" else -_py_int(info.max)
            if not low <= value <= info.max:
                raise RuntimeError(f"value cannot be converted to type {_C_TYPES[np_dtype.name]} without overflow")
            return value % (_py_int(info.max) + 1) if value < 0 and kind == "u" else value
        return value
    if isinstance(value, _py_float) and kind in "iuf":
        if kind in "iu":  # NaN, inf and out-of-range floats have no integer value
            info = np.iinfo(np_dtype)
            bad = not info.min <= value <= info.max
        else:  # a finite value beyond float32's range (inf and NaN are fine)
            bad = value - value == 0 and abs(value) > _py_float(np.finfo(np_dtype).max)
        if bad:
            raise RuntimeError(f"value cannot be converted to type {_C_TYPES[np_dtype.name]} without overflow")
    return value


def from_numpy_dtype(np_dtype):
    """The minigrad dtype of a numpy dtype; TypeError (naming the supported ones) if there is none."""
    try:
        return _by_numpy[np_dtype]
    except KeyError:
        pass
    try:
        return _by_numpy[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        names = ", ".join(d.name for d in reversed(_ALL))
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(np_dtype)}. "
            f"The only supported types are: {names}."
        ) from None


def to_dtype(d):
    """Accept a minigrad dtype, a numpy dtype or type, or Python's float/int/bool (float is
    float64 whatever the default dtype, as in PyTorch)."""
    if type(d) is dtype:
        return d
    if d is _py_float:
        return float64
    if d is _py_int:
        return int64
    if d is _py_bool:
        return bool
    return from_numpy_dtype(d)


def get_default_dtype():
    """The dtype of floating-point tensors created from Python floats and by the float factories
    (float32 unless changed with ``set_default_dtype``).

    Example::

        >>> minigrad.get_default_dtype()
        minigrad.float32
    """
    return _default_float


def set_default_dtype(d):
    """Sets the default floating-point dtype (float32 or float64), as ``torch.set_default_dtype``.

    Example::

        >>> minigrad.set_default_dtype(minigrad.float64)
        >>> minigrad.tensor([1.5]).dtype
        minigrad.float64
        >>> minigrad.set_default_dtype(minigrad.float32)
    """
    global _default_float
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_float = d


def promote_types(a, b):
    """PyTorch's promotion of two dtypes: the higher category wins (bool < integer < floating point);
    within a category, the smallest type that holds both.

    Example::

        >>> minigrad.promote_types(minigrad.int32, minigrad.float32)
        minigrad.float32
        >>> minigrad.promote_types(minigrad.uint8, minigrad.int8)
        minigrad.int16
    """
    if a is b:
        return a
    if a._category != b._category:
        return a if a._category > b._category else b
    return _by_numpy[np.promote_types(a.np, b.np)]


def _scalar_dtype(x):
    if isinstance(x, (_py_bool, np.bool_)):
        return bool
    if isinstance(x, (_py_int, np.integer)):
        return int64
    return _default_float  # Python float (or numpy float scalar used as a number)


def _combine(higher, lower):
    # PyTorch's combine_categories: operands of a lower priority class (zero-dim tensors, then
    # Python scalars) only matter when their category is above that of the higher class.
    if higher is None:
        return lower
    if lower is None or higher.is_floating_point:
        return higher
    if higher is bool or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """The dtype PyTorch gives an elementwise operation on these operands (tensors or Python numbers):
    dimensioned tensors first, then 0-d tensors, then numbers, each only raising the category.

    Example::

        >>> minigrad.result_type(minigrad.tensor([1, 2]), 2.5)
        minigrad.float32
        >>> minigrad.result_type(minigrad.tensor([1.], dtype=minigrad.float32), minigrad.tensor(1., dtype=minigrad.float64))
        minigrad.float32
    """
    dim = zero = scalar = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if type(d) is dtype:
            if x.ndim > 0:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        else:
            s = _scalar_dtype(x)
            scalar = s if scalar is None else promote_types(scalar, s)
    return _combine(dim, _combine(zero, scalar))
