"""Reading checkpoints in minigrad's first format (written by ``minigrad.save`` before it wrote
PyTorch's format), so that they still load.

Such a file is a zip archive with

* ``minigrad/format``: the magic line ``minigrad-checkpoint 1``;
* ``minigrad/structure.json``: the object tree (dicts with their key order and key types,
  lists, tuples, numbers, strings, bools, None), tensors referred to by number;
* ``minigrad/tensors/<n>.npy``: each tensor's array in numpy's ``.npy`` format.

Nothing in it is pickled, so reading it runs no code whatever ``weights_only`` says.
"""
import io
import json
from collections import OrderedDict

import numpy as np

from .torch_globals import UnsupportedData

__all__ = ["is_legacy", "read_legacy"]

PREFIX = "minigrad/"
MAGIC = b"minigrad-checkpoint 1\n"


def is_legacy(names):
    return PREFIX + "format" in names


def read_legacy(archive):
    """The object stored in ``archive`` (a BoundedZip). Raises UnsupportedData for intact data
    that minigrad cannot represent, other exceptions for a damaged archive."""
    magic = archive.read(PREFIX + "format")
    if magic != MAGIC:
        raise ValueError(f"unsupported format header {magic[:40]!r}")
    structure = json.loads(archive.read(PREFIX + "structure.json").decode("utf-8"))

    def array(i):
        entry = f"{PREFIX}tensors/{int(i)}.npy"
        return _load_npy(archive.read(entry), entry)

    return _Decoder(array).decode(structure)


class _Decoder:
    def __init__(self, arrays):
        self.arrays = arrays
        self.tensors = {}

    def decode(self, obj):
        if isinstance(obj, list):
            return [self.decode(v) for v in obj]
        if not isinstance(obj, dict):
            return obj
        tag = obj["$"]
        if tag == "tensor":
            i = obj["i"]
            if i not in self.tensors:
                self.tensors[i] = _tensor(_tensor_array(self.arrays(i), i), obj)
            return self.tensors[i]
        if tag == "ndarray":
            return self.arrays(obj["i"])
        if tag == "float":
            return float(obj["v"])
        if tag == "size":
            from ..tensor import Size

            return Size(obj["v"])
        if tag == "tuple":
            return tuple(self.decode(v) for v in obj["v"])
        if tag in ("dict", "odict"):
            items = [(self.key(k), self.decode(v)) for k, v in obj["items"]]
            if tag == "dict":
                return dict(items)
            result = OrderedDict(items)
            if "meta" in obj:
                result._metadata = self.decode(obj["meta"])
            return result
        if tag == "dtype":
            from .. import _dtype

            return _dtype.to_dtype(getattr(np, obj["v"]) if obj["v"] != "bool" else np.bool_)
        raise ValueError(f"unknown entry type {tag!r}")

    def key(self, k):
        k = self.decode(k)
        return tuple(k) if isinstance(k, list) else k


def _tensor(arr, entry):
    from ..nn.parameter import Parameter
    from ..tensor import _wrap

    t = _wrap(arr)
    if entry.get("param"):
        return Parameter(t, requires_grad=bool(entry.get("grad")))
    if entry.get("grad"):
        t.requires_grad_(True)
    return t


def _tensor_array(arr, i):
    """``arr`` if minigrad has its dtype: a checkpoint edited or written by other tools may hold
    float16, complex or big-endian arrays, which must not become tensors that fail later."""
    from .._dtype import from_numpy_dtype

    if not arr.dtype.isnative:
        raise UnsupportedData(f"tensor {i} has non-native byte order ({arr.dtype.str}), which "
                              "minigrad tensors do not support")
    try:
        from_numpy_dtype(arr.dtype)
    except TypeError as exc:
        raise UnsupportedData(f"tensor {i}: {exc}") from None
    return arr


def _load_npy(data, entry):
    """An array from the bytes of a .npy member, after checking that its header's shape and dtype
    account for exactly the bytes that follow: a corrupt or malicious header (a shape of 10^12
    elements, say) is refused before numpy allocates anything for it."""
    buf = io.BytesIO(data)
    version = np.lib.format.read_magic(buf)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(buf)
    else:
        shape, _, dtype = np.lib.format.read_array_header_2_0(buf)
    if dtype.hasobject:
        raise ValueError(f"{entry}: object arrays are not allowed in a checkpoint")
    size = 1
    for n in shape:
        size *= int(n)
    expected, present = size * dtype.itemsize, len(data) - buf.tell()
    if expected != present:
        raise ValueError(f"{entry}: its header declares shape {tuple(shape)} of {dtype} "
                         f"({expected} bytes) but {present} bytes of data follow")
    buf.seek(0)
    return np.load(buf, allow_pickle=False)
