"""How ``minigrad.save`` pickles: minigrad tensors, sizes, dtypes and devices under the names
``torch.save`` gives PyTorch's, so that PyTorch reads minigrad's checkpoints (even with
``weights_only=True``), and anything else as pickle does.

In a file written by ``torch.save``, ``data.pkl`` refers to tensors through functions of
PyTorch (``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
hooks)``), and to their bytes through persistent ids
``("storage", torch.FloatStorage, key, location, numel)``: the bytes are the archive's record
``data/<key>``. A pickle stores a function as its module and name, so minigrad writes these names
without importing PyTorch. (``torch_globals`` says what they read back as.)
"""
import pickle
from collections import OrderedDict

import numpy as np

__all__ = ["TorchPickler", "StorageWriter", "STORAGE_OF_DTYPE"]

# minigrad dtype name -> PyTorch's legacy storage class, which names the dtype of a storage
STORAGE_OF_DTYPE = {"bool": "BoolStorage", "uint8": "ByteStorage", "int8": "CharStorage",
                    "int16": "ShortStorage", "int32": "IntStorage", "int64": "LongStorage",
                    "float32": "FloatStorage", "float64": "DoubleStorage"}


class Global:
    """A function or class of PyTorch, written in a pickle as its name (the pickler writes the
    GLOBAL opcode itself, so PyTorch need not be installed)."""

    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):  # (the pickler requires a callable in a reduce tuple)
        raise TypeError(f"{self.module}.{self.name} is a name for pickles, not a function")

    def __reduce__(self):
        raise TypeError("Global is written by TorchPickler only")


REBUILD_TENSOR_V2 = Global("torch._utils", "_rebuild_tensor_v2")
REBUILD_PARAMETER = Global("torch._utils", "_rebuild_parameter")
REBUILD_PARAMETER_WITH_STATE = Global("torch._utils", "_rebuild_parameter_with_state")
REBUILD_FROM_TYPE_V2 = Global("torch._tensor", "_rebuild_from_type_v2")
TORCH_TENSOR = Global("torch", "Tensor")
TORCH_SIZE = Global("torch", "Size")
TORCH_DEVICE = Global("torch", "device")
_STORAGE_GLOBALS = {name: Global("torch", storage) for name, storage in STORAGE_OF_DTYPE.items()}


class StorageRef:
    """Stands for one storage in the pickle (the pickler writes its persistent id)."""

    __slots__ = ("key", "dtype_name", "numel")

    def __init__(self, key, dtype_name, numel):
        self.key, self.dtype_name, self.numel = key, dtype_name, numel


class StorageWriter:
    """The storages of the tensors being saved, each once: tensors that are views of one block of
    memory (``w`` and ``w[0]``, ``w.t()``) refer to one storage, with their offsets and strides,
    so they share memory again after loading, as with ``torch.save``. A view that cannot be
    described that way (negative strides) is saved as a copy, and so is a view of the same memory
    with another dtype (which ``torch.save`` refuses)."""

    def __init__(self):
        self.refs = {}      # (id(root array), dtype name) -> StorageRef
        self.arrays = []    # (key, 1-D array in memory order), in key order
        self.keep = []      # roots stay alive while saving, so that their ids stay unique

    def place(self, data):
        """(StorageRef, offset, size, stride) of the numpy array ``data`` (a tensor's)."""
        from .._dtype import from_numpy_dtype

        dtype = from_numpy_dtype(data.dtype).name
        root = data
        while isinstance(root.base, np.ndarray):
            root = root.base
        flat, place = _memory_of(root, data.dtype), None
        if flat is not None:
            place = _offset_and_strides(data, flat, data.itemsize)
        if place is None:  # described as a fresh contiguous copy
            root = flat = np.ascontiguousarray(data).reshape(-1)
            place = 0, tuple(_contiguous_strides(data.shape))
        ref = self.refs.get((id(root), dtype))
        if ref is None:
            ref = StorageRef(str(len(self.arrays)), dtype, flat.size)
            self.refs[(id(root), dtype)] = ref
            self.arrays.append((ref.key, flat))
            self.keep.append(root)
        offset, strides = place
        return ref, offset, tuple(int(n) for n in data.shape), strides


def _memory_of(root, dtype):
    """The memory of ``root`` as a 1-D array of ``dtype`` in memory order (a view), or None if its
    elements are not one block or its size is not a whole number of such elements. (A tensor
    loaded from a checkpoint views its storage's bytes: its root is a uint8 array.)"""
    if root.flags.c_contiguous:
        memory = root.reshape(-1)
    elif root.flags.f_contiguous:
        memory = root.T.reshape(-1)
    else:
        return None
    if memory.dtype == dtype:
        return memory
    memory = memory.view(np.uint8)
    return memory.view(dtype) if memory.size % dtype.itemsize == 0 else None


def _contiguous_strides(shape):
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(int(n), 1)
    return strides[::-1]


def _offset_and_strides(data, flat, itemsize):
    """(offset, strides) of ``data`` inside ``flat``, in elements, or None if they are not
    non-negative whole numbers of elements that stay inside it."""
    start = data.__array_interface__["data"][0] - flat.__array_interface__["data"][0]
    if start < 0 or start % itemsize or start > flat.nbytes:
        return None
    if all(s >= 0 and s % itemsize == 0 for s in data.strides):
        strides = tuple(s // itemsize for s in data.strides)
    elif data.size == 0:  # (an empty tensor's strides are never used)
        strides = tuple(_contiguous_strides(data.shape))
    else:
        return None
    if data.size:
        last = start + sum((n - 1) * s for n, s in zip(data.shape, data.strides))
        if last + itemsize > flat.nbytes:
            return None
    return start // itemsize, strides


class TorchPickler(pickle._Pickler):
    """A pickler that writes minigrad tensors, sizes, dtypes and devices as ``torch.save``
    writes PyTorch's, and anything else as pickle does.

    It is pickle's Python implementation (``pickle._Pickler``): unlike the C one, it lets a
    table entry write the GLOBAL opcode for a PyTorch name without importing PyTorch."""

    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, file, protocol, storages):
        super().__init__(file, protocol)
        self.storages = storages
        self.keep = []  # objects made while pickling live until the end (their ids are memo keys)

    def persistent_id(self, obj):
        if type(obj) is StorageRef:
            return ("storage", _STORAGE_GLOBALS[obj.dtype_name], obj.key, "cpu", obj.numel)
        return None

    def reducer_override(self, obj):
        from .._device import device
        from ..nn.parameter import Parameter
        from ..tensor import Size, Tensor, _wrap

        if isinstance(obj, Tensor):
            if type(obj) is Parameter:
                data = _wrap(obj._data)  # torch writes param.data: a plain tensor, then the flag
                self.keep.append(data)
                if obj.__dict__:  # attributes set on the parameter
                    return REBUILD_PARAMETER_WITH_STATE, (data, obj._requires_grad, OrderedDict(),
                                                          dict(obj.__dict__))
                return REBUILD_PARAMETER, (data, obj._requires_grad, OrderedDict())
            args = (*self.storages.place(obj._data), obj._requires_grad, OrderedDict())
            if type(obj) is Tensor and not obj.__dict__:
                return REBUILD_TENSOR_V2, args
            kind = TORCH_TENSOR if type(obj) is Tensor else type(obj)
            return REBUILD_FROM_TYPE_V2, (REBUILD_TENSOR_V2, kind, args, dict(obj.__dict__))
        if isinstance(obj, Size):
            return TORCH_SIZE, (tuple(int(n) for n in obj),)
        if isinstance(obj, device):
            return TORCH_DEVICE, (str(obj),)
        return NotImplemented

    def save_global_name(self, obj):
        """Write a Global (or a minigrad dtype, as ``torch.<name>``) as pickle's GLOBAL."""
        module, name = (obj.module, obj.name) if type(obj) is Global else ("torch", obj.name)
        if self.proto >= 4:
            self.save(module)
            self.save(name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + module.encode("ascii") + b"\n" + name.encode("ascii") + b"\n")
        self.memoize(obj)


def _register_dtype_dispatch():
    from .._dtype import dtype

    TorchPickler.dispatch[Global] = TorchPickler.save_global_name
    TorchPickler.dispatch[dtype] = TorchPickler.save_global_name


_register_dtype_dispatch()
