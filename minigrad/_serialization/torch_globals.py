"""What the names in PyTorch's pickles read as in minigrad: ``ALLOWED_GLOBALS`` has one entry
for each name that PyTorch's ``weights_only`` loader allows (storage classes, dtypes,
``torch.Size``, ``collections.OrderedDict``, the tensor-rebuilding functions of ``torch._utils``
...), mapped to what minigrad builds for it; ``UNREPRESENTABLE`` lists the allowed names that
minigrad has no object for (float16 storages, sparse tensors...). Both unpicklers use the table:
the restricted one (``weights_only_unpickler``) and, for ``weights_only=False``, pickle's own
(``full_unpickler``).

The tensor-rebuilding functions check what a damaged or forged file could get wrong (sizes,
strides and offsets that leave the storage, arguments of the wrong type) before numpy sees it.
"""
import pickle
from collections import Counter, OrderedDict

import numpy as np

from .torch_pickler import STORAGE_OF_DTYPE

__all__ = ["ALLOWED_GLOBALS", "UNREPRESENTABLE", "UnsupportedData", "StorageType", "TypedStorage",
           "LoadedStorage", "full_unpickler"]


class UnsupportedData(ValueError):
    """Intact data that minigrad cannot represent (a float16 tensor, a sparse tensor...)."""


class StorageType:
    """What a storage class name (``torch.FloatStorage``) reads as: the dtype of its elements
    (None for ``torch.storage.UntypedStorage``, whose elements are bytes)."""

    __slots__ = ("name", "dtype")

    def __init__(self, name, dtype):
        self.name, self.dtype = name, dtype

    def __repr__(self):
        return f"StorageType(torch.{self.name})"


class TypedStorage:
    """A storage with the dtype its persistent id names (None: untyped bytes), as the rebuild
    functions receive it."""

    __slots__ = ("storage", "dtype")

    def __init__(self, storage, dtype):
        self.storage, self.dtype = storage, dtype


class LoadedStorage:
    """A storage read from a checkpoint: its bytes (a 1-D uint8 array), as
    ``torch.UntypedStorage``; what a callable ``map_location`` receives."""

    __slots__ = ("bytes", "location", "__weakref__")

    def __init__(self, data, location):
        self.bytes, self.location = data, location

    @property
    def device(self):
        from .._device import device

        return device("cpu")

    def nbytes(self):
        return int(self.bytes.size)

    def size(self):
        return int(self.bytes.size)

    __len__ = size

    def cpu(self):
        return self

    def __repr__(self):
        return f"LoadedStorage({self.bytes.size} bytes, saved on {self.location!r})"


def _typed(storage, dtype):
    """The bytes of ``storage`` (a TypedStorage) as a 1-D array of the minigrad ``dtype``."""
    if type(storage) is not TypedStorage:
        raise pickle.UnpicklingError(f"expected a storage, got {type(storage).__name__}")
    data = storage.storage.bytes
    if data.size % dtype.itemsize:
        raise ValueError(f"a storage of {data.size} bytes cannot hold {dtype.name} elements")
    return data.view(dtype.np)


def _int_tuple(value, what):
    if not isinstance(value, (tuple, list)):
        raise pickle.UnpicklingError(f"{what} must be a tuple of ints, got {type(value).__name__}")
    out = []
    for v in value:
        if type(v) is not int:
            raise pickle.UnpicklingError(f"{what} must be a tuple of ints, got {value!r}"[:200])
        out.append(v)
    return tuple(out)


def _tensor_from(storage, dtype, offset, size, stride, requires_grad=False):
    """A minigrad tensor viewing ``storage``, after checking that the view lies inside it."""
    from ..tensor import _wrap

    flat = _typed(storage, dtype)
    size, stride = _int_tuple(size, "size"), _int_tuple(stride, "stride")
    if type(offset) is not int or offset < 0:
        raise pickle.UnpicklingError(f"storage offset must be a non-negative int, got {offset!r}")
    if len(size) != len(stride) or any(n < 0 for n in size) or any(s < 0 for s in stride):
        raise pickle.UnpicklingError(f"invalid size {size} or stride {stride}")
    if type(requires_grad) is not bool:
        raise pickle.UnpicklingError(f"requires_grad must be a bool, got {requires_grad!r}")
    numel = 1
    for n in size:
        numel *= n
    last = offset + sum((n - 1) * s for n, s in zip(size, stride)) if numel else offset - 1
    if last >= flat.size:
        raise ValueError(f"a tensor of size {list(size)}, stride {list(stride)} at offset {offset} "
                         f"reads past the end of its storage of {flat.size} elements")
    item = dtype.itemsize
    arr = np.ndarray(size, dtype=flat.dtype, buffer=flat, offset=offset * item if numel else 0,
                     strides=tuple(s * item for s in stride))
    t = _wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _dtype_of(storage):
    if type(storage) is not TypedStorage or storage.dtype is None:
        raise pickle.UnpicklingError("expected a typed storage")
    return storage.dtype


def rebuild_tensor(storage, storage_offset, size, stride):
    return _tensor_from(storage, _dtype_of(storage), storage_offset, size, stride)


def rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                      metadata=None):
    if metadata:
        raise UnsupportedData(f"tensor metadata {metadata!r} (conjugate or negative bits)")
    return _tensor_from(storage, _dtype_of(storage), storage_offset, size, stride, requires_grad)


def rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype,
                      metadata=None):
    from .._dtype import dtype as minigrad_dtype

    if metadata:
        raise UnsupportedData(f"tensor metadata {metadata!r} (conjugate or negative bits)")
    if type(dtype) is not minigrad_dtype:
        raise pickle.UnpicklingError(f"_rebuild_tensor_v3 expects a dtype, got {dtype!r}"[:200])
    return _tensor_from(storage, dtype, storage_offset, size, stride, requires_grad)


def rebuild_parameter(data, requires_grad, backward_hooks):
    from ..nn.parameter import Parameter
    from ..tensor import Tensor

    if not isinstance(data, Tensor) or type(requires_grad) is not bool:
        raise pickle.UnpicklingError("_rebuild_parameter expects a tensor and a bool")
    return Parameter(data.detach(), requires_grad)


def rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    param = rebuild_parameter(data, requires_grad, backward_hooks)
    _set_attributes(param, state)
    return param


def rebuild_from_type_v2(func, new_type, args, state):
    """A tensor of type ``new_type`` (minigrad's Tensor for ``torch.Tensor``) with attributes."""
    from ..tensor import Tensor

    if func not in (rebuild_tensor, rebuild_tensor_v2, rebuild_tensor_v3, rebuild_parameter):
        raise pickle.UnpicklingError(f"_rebuild_from_type_v2 cannot call {func!r}"[:200])
    if not isinstance(args, tuple):
        raise pickle.UnpicklingError("_rebuild_from_type_v2 expects a tuple of arguments")
    t = func(*args)
    if new_type is TorchTensorClass:
        new_type = Tensor
    if not (isinstance(new_type, type) and issubclass(new_type, Tensor)):
        raise pickle.UnpicklingError(f"_rebuild_from_type_v2 expects a tensor class, got {new_type!r}"[:200])
    if type(t) is not new_type:
        t = _as_type(t, new_type)
    _set_attributes(t, state)
    return t


def _as_type(t, new_type):
    """``t`` as an instance of the Tensor subclass ``new_type``, sharing its memory."""
    from ..nn.parameter import Parameter
    from ..tensor import _wrap

    if issubclass(new_type, Parameter):
        return new_type(t.detach(), t.requires_grad)
    result = object.__new__(new_type)
    plain = _wrap(t._data)
    for slot in ("_data", "_requires_grad", "_grad", "grad_fn", "_vc", "_base"):
        setattr(result, slot, getattr(plain, slot))
    if t.requires_grad:
        result.requires_grad_(True)
    return result


def _set_attributes(t, state):
    """Attributes saved with a tensor (``t.note = ...``): plain names only; a name of the Tensor
    class (a method, a slot) cannot be replaced by a checkpoint."""
    if state is None:
        return
    if isinstance(state, tuple) and len(state) == 2:  # (dict state, slot state)
        state = {**(state[0] or {}), **(state[1] or {})}
    if not isinstance(state, dict):
        raise pickle.UnpicklingError(f"tensor state must be a dict, got {type(state).__name__}")
    for name, value in state.items():
        if type(name) is not str or name.startswith("__") or hasattr(type(t), name):
            raise pickle.UnpicklingError(f"a checkpoint cannot set attribute {name!r} of a tensor"[:200])
        t.__dict__[name] = value


class _TorchTensorClass:
    """What ``torch.Tensor`` reads as (only ``_rebuild_from_type_v2`` uses it)."""

    def __repr__(self):
        return "torch.Tensor"


TorchTensorClass = _TorchTensorClass()


def _size(values=()):
    from ..tensor import Size

    return Size(_int_tuple(values, "torch.Size"))


def _device(*args):
    from .._device import device

    try:
        return device(*args)
    except (RuntimeError, TypeError, ValueError) as exc:
        raise UnsupportedData(f"device {args!r}: {exc}") from None


def _encode(text, encoding="utf-8"):
    """``_codecs.encode`` as pickles use it for bytes (protocol 2): latin-1 text to bytes."""
    if type(text) is not str or encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError(f"_codecs.encode is allowed for latin1 text only, got "
                                     f"{type(text).__name__} and {encoding!r}"[:200])
    return text.encode("latin-1")


def _bytearray(data=b"", encoding=None):
    """``bytearray`` of bytes or of text (not of a size: a forged size would allocate it)."""
    if isinstance(data, (bytes, bytearray)) and encoding is None:
        return bytearray(data)
    if type(data) is str and type(encoding) is str:
        return bytearray(data, encoding)
    raise pickle.UnpicklingError(f"bytearray() of {type(data).__name__} is not allowed")


def _complex(real=0.0, imag=0.0):
    if not all(type(v) in (int, float, str) for v in (real, imag)):
        raise pickle.UnpicklingError("complex() takes numbers here")
    return complex(real, imag)


def _set(items=()):
    return set(items)


def _get_layout(name):
    if name != "torch.strided":
        raise UnsupportedData(f"tensor layout {name!r} (minigrad has strided tensors only)")
    return "torch.strided"


def _parameter_class():
    from ..nn.parameter import Parameter

    return Parameter


def _dtype_globals():
    from .. import _dtype

    return {f"torch.{d.name}": d for d in _dtype._ALL}


def _storage_globals():
    from .. import _dtype

    table = {"torch.storage.UntypedStorage": StorageType("UntypedStorage", None)}
    for name, storage in STORAGE_OF_DTYPE.items():
        kind = StorageType(storage, getattr(_dtype, name))
        table[f"torch.{storage}"] = kind
        table[f"torch.cuda.{storage}"] = kind  # a GPU checkpoint's storages (see map_location)
    return table


def _build_allowed():
    table = {
        "collections.OrderedDict": OrderedDict,
        "collections.Counter": Counter,
        "torch.nn.parameter.Parameter": _parameter_class(),
        "torch.serialization._get_layout": _get_layout,
        "torch.Size": _size,
        "torch.Tensor": TorchTensorClass,
        "torch.device": _device,
        "_codecs.encode": _encode,
        "builtins.bytearray": _bytearray,
        "builtins.set": _set,
        "builtins.complex": _complex,
        "torch._utils._rebuild_tensor": rebuild_tensor,
        "torch._utils._rebuild_tensor_v2": rebuild_tensor_v2,
        "torch._utils._rebuild_tensor_v3": rebuild_tensor_v3,
        "torch._utils._rebuild_parameter": rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": rebuild_parameter_with_state,
        "torch._tensor._rebuild_from_type_v2": rebuild_from_type_v2,
    }
    table.update(_dtype_globals())
    table.update(_storage_globals())
    return table


# PyTorch's other allowed names, which minigrad has no object for: a checkpoint that uses one is
# refused with "holds data minigrad cannot load" (not with the weights_only error).
_ELEMENT = "tensors of this element type (minigrad has bool, uint8, int8, int16, int32, int64, float32 and float64)"
_UNREPRESENTABLE_GROUPS = {
    _ELEMENT: [f"torch.{d}" for d in (
        "bfloat16", "float16", "complex32", "complex64", "complex128", "uint16", "uint32", "uint64",
        "bits16", "bits1x8", "bits2x4", "bits4x2", "bits8", "float4_e2m1fn_x2", "float8_e4m3fn",
        "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu", "qint32", "qint8",
        "quint2x4", "quint4x2", "quint8", *(f"int{i}" for i in range(1, 8)),
        *(f"uint{i}" for i in range(1, 8)))]
    + [f"torch{where}.{kind}Storage" for where in ("", ".cuda")
       for kind in ("BFloat16", "Half", "ComplexDouble", "ComplexFloat")]
    + [f"torch.{kind}Storage" for kind in ("QInt32", "QInt8", "QUInt2x4", "QUInt4x2", "QUInt8")],
    "quantized tensors": ["torch._utils._rebuild_qtensor", "torch.per_channel_affine",
                          "torch.per_channel_affine_float_qparams", "torch.per_channel_symmetric",
                          "torch.per_tensor_affine", "torch.per_tensor_symmetric"],
    "sparse tensors": ["torch._utils._rebuild_sparse_tensor"]
    + [f"torch{where}.sparse.{kind}Tensor" for where in ("", ".cuda") for kind in (
        "BFloat16", "Byte", "Char", "Double", "Float", "Half", "Int", "Long", "Short")],
    "tensors without CPU storage (meta, nested, wrapper subclasses, device tensors)": [
        "torch._utils._rebuild_meta_tensor_no_storage", "torch._utils._rebuild_nested_tensor",
        "torch._utils._rebuild_wrapper_subclass", "torch._utils._rebuild_device_tensor_from_numpy",
        "torch._utils._rebuild_device_tensor_from_cpu_tensor", "torch.storage.TypedStorage"],
    "PyTorch's legacy tensor types (torch.FloatTensor ...)": [
        f"torch{where}.{kind}Tensor" for where in ("", ".cuda") for kind in (
            "BFloat16", "Bool", "Byte", "Char", "Double", "Float", "Half", "Int", "Long", "Short")],
}
UNREPRESENTABLE = {name: what for what, names in _UNREPRESENTABLE_GROUPS.items() for name in names}

ALLOWED_GLOBALS = _build_allowed()

# ------------------------------------------------------------------------- weights_only=False
def full_unpickler(pickle_module, data_file, persistent_load, **kwargs):
    """An unpickler of ``pickle_module`` that reads PyTorch's names as minigrad objects and
    imports anything else (so it runs whatever code the file names: only for trusted files)."""

    class Unpickler(pickle_module.Unpickler):
        def find_class(self, module, name):
            full = f"{module}.{name}"
            if full in ALLOWED_GLOBALS:
                return ALLOWED_GLOBALS[full]
            if full in UNREPRESENTABLE:
                raise UnsupportedData(f"{full}: {UNREPRESENTABLE[full]}")
            return super().find_class(module, name)

    unpickler = Unpickler(data_file, **kwargs)
    unpickler.persistent_load = persistent_load
    return unpickler

