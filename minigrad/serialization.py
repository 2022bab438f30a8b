"""``minigrad.save`` / ``minigrad.load``: checkpoints that run no code when loaded.

A file is a zip archive with

* ``minigrad/format``: the magic line ``minigrad-checkpoint 1``;
* ``minigrad/structure.json``: the object tree (dicts with their key order and key types,
  lists, tuples, numbers, strings, bools, None), tensors referred to by number;
* ``minigrad/tensors/<n>.npy``: each tensor's array in numpy's ``.npy`` format, read back with
  ``allow_pickle=False``.

So loading never unpickles anything: a checkpoint can describe data, never run code. Round trips
are exact: dtypes, shapes, values bit for bit, dict key order and key types (the int keys of an
optimizer's state), ``OrderedDict`` vs ``dict`` (with a state dict's ``_metadata``),
``Parameter`` vs ``Tensor``, and the same tensor object stored twice is loaded as one tensor.
Unlike ``torch.save``, distinct tensors that are views of one storage (``w`` and ``w[0]``) are
saved as separate arrays and no longer share memory after loading.
"""
import io
import json
import math
import os
import zipfile
from collections import OrderedDict

import numpy as np

from .tensor import Size, Tensor, _wrap

__all__ = ["save", "load"]

_MAGIC = b"minigrad-checkpoint 1\n"


class _UnsupportedData(ValueError):
    """Intact data that minigrad cannot represent (a float16 tensor, an object array...)."""
_PREFIX = "minigrad/"


class _Encoder:
    def __init__(self):
        self.arrays = []
        self.ids = {}  # id(tensor) -> index, so that shared tensors are stored once
        self.keep = []  # keeps encoded tensors alive so that ids are not reused

    def tensor(self, t):
        key = id(t)
        if key not in self.ids:
            self.ids[key] = len(self.arrays)
            self.arrays.append(t._data)  # np.save writes any layout (and keeps 0-d)
            self.keep.append(t)
        from .nn.parameter import Parameter

        return {"$": "tensor", "i": self.ids[key], "grad": bool(t._requires_grad),
                "param": isinstance(t, Parameter)}

    def encode(self, obj):
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, int):
            return int(obj)
        if isinstance(obj, float):
            if math.isfinite(obj):
                return obj
            return {"$": "float", "v": repr(obj)}
        if isinstance(obj, Tensor):
            return self.tensor(obj)
        if isinstance(obj, np.ndarray):
            if obj.dtype.kind in "OUSV":
                raise TypeError(f"minigrad.save: cannot save a numpy array of dtype {obj.dtype}")
            self.arrays.append(obj)
            return {"$": "ndarray", "i": len(self.arrays) - 1}
        if isinstance(obj, np.generic):
            return self.encode(obj.item())
        if isinstance(obj, Size):
            return {"$": "size", "v": list(obj)}
        if isinstance(obj, dict):
            kind = "odict" if isinstance(obj, OrderedDict) else "dict"
            entry = {"$": kind, "items": [[self.key(k), self.encode(v)] for k, v in obj.items()]}
            metadata = getattr(obj, "_metadata", None)
            if kind == "odict" and metadata is not None:
                entry["meta"] = self.encode(metadata)  # Module.state_dict's module versions
            return entry
        if isinstance(obj, list):
            return [self.encode(v) for v in obj]
        if isinstance(obj, tuple):
            return {"$": "tuple", "v": [self.encode(v) for v in obj]}
        from ._dtype import dtype

        if isinstance(obj, dtype):
            return {"$": "dtype", "v": obj.name}
        raise TypeError(
            f"minigrad.save: cannot save an object of type {type(obj).__module__}."
            f"{type(obj).__qualname__} (supported: tensors, numpy arrays, numbers, strings, "
            "bools, None, and dicts, lists and tuples of them)"
        )

    def key(self, k):
        if isinstance(k, (str, bool, int, float)) or k is None:
            return self.encode(k)
        if isinstance(k, tuple):
            return self.encode(k)
        raise TypeError(f"minigrad.save: cannot save a dict key of type {type(k).__name__}")


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
                t = _wrap(_tensor_array(self.arrays(i), i))
                if obj.get("param"):
                    from .nn.parameter import Parameter

                    t = Parameter(t, requires_grad=bool(obj.get("grad")))
                elif obj.get("grad"):
                    t.requires_grad_(True)
                self.tensors[i] = t
            return self.tensors[i]
        if tag == "ndarray":
            return self.arrays(obj["i"])
        if tag == "float":
            return float(obj["v"])
        if tag == "size":
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
            from . import _dtype

            return _dtype.to_dtype(getattr(np, obj["v"]) if obj["v"] != "bool" else np.bool_)
        raise ValueError(f"unknown entry type {tag!r}")

    def key(self, k):
        k = self.decode(k)
        return tuple(k) if isinstance(k, list) else k


def _tensor_array(arr, i):
    """``arr`` if minigrad has its dtype: a checkpoint edited or written by other tools may hold
    float16, complex or big-endian arrays, which must not become tensors that fail later."""
    from ._dtype import from_numpy_dtype

    if not arr.dtype.isnative:
        raise _UnsupportedData(f"tensor {i} has non-native byte order ({arr.dtype.str}), which minigrad "
                         "tensors do not support")
    try:
        from_numpy_dtype(arr.dtype)
    except TypeError as exc:
        raise _UnsupportedData(f"tensor {i}: {exc}") from None
    return arr


def _name_of(f):
    if isinstance(f, (str, os.PathLike)):
        return os.fspath(f)
    return getattr(f, "name", repr(f))


def save(obj, f, pickle_module=None, pickle_protocol=None, _use_new_zipfile_serialization=True):
    """Save ``obj`` (e.g. a model's or an optimizer's ``state_dict``) to ``f``, a path or a
    writable binary file object.

    Supported: tensors (and Parameters), numpy arrays, numbers, strings, bools, None, and
    (ordered) dicts, lists and tuples of them. Nothing is pickled.

    Example::

        >>> import io
        >>> model = nn.Linear(2, 1)
        >>> buffer = io.BytesIO()   # or a path: minigrad.save(model.state_dict(), "model.mg")
        >>> minigrad.save(model.state_dict(), buffer)
        >>> _ = buffer.seek(0)
        >>> nn.Linear(2, 1).load_state_dict(minigrad.load(buffer))
        <All keys matched successfully>
    """
    enc = _Encoder()
    structure = json.dumps(enc.encode(obj), allow_nan=False).encode("utf-8")
    if isinstance(f, (str, os.PathLike)):
        parent = os.path.dirname(os.fspath(f))
        if parent and not os.path.isdir(parent):
            raise RuntimeError(f"Parent directory {parent} does not exist.")  # PyTorch's text
        with open(f, "wb") as fh:
            _write(fh, structure, enc.arrays)
    else:
        _write(f, structure, enc.arrays)


def _write(fh, structure, arrays):
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as z:
        z.writestr(_PREFIX + "format", _MAGIC)
        z.writestr(_PREFIX + "structure.json", structure)
        for i, arr in enumerate(arrays):
            buf = io.BytesIO()
            np.save(buf, arr, allow_pickle=False)
            z.writestr(f"{_PREFIX}tensors/{i}.npy", buf.getvalue())


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Load an object saved by ``minigrad.save`` from a path or a readable binary file object.

    Raises ``FileNotFoundError`` for a missing path and ``RuntimeError`` (naming the file) for
    anything that is not an intact minigrad checkpoint. ``map_location`` may only name the CPU.

    Example::

        >>> import io
        >>> buffer = io.BytesIO()   # or a path: state = minigrad.load("model.mg")
        >>> minigrad.save({"step": 3, "w": minigrad.tensor([1., 2.])}, buffer)
        >>> _ = buffer.seek(0)
        >>> minigrad.load(buffer)
        {'step': 3, 'w': tensor([1., 2.])}
    """
    if map_location is not None and not callable(map_location) and not isinstance(map_location, dict):
        from ._device import place

        place(map_location, "load")
    name = _name_of(f)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return _read(fh, name)
    return _read(f, name)


def _read(fh, name):
    try:
        z = zipfile.ZipFile(fh, "r")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise RuntimeError(
            f"minigrad.load: {name} is not a minigrad checkpoint (not a valid archive: {exc})"
        ) from None
    # Members may overlap in a forged archive (several entries pointing at one compressed stream):
    # the bytes decompressed in total, not only per member, are bounded by the file's size.
    try:
        archive_size = fh.seek(0, os.SEEK_END)
    except (OSError, AttributeError, ValueError):
        archive_size = sum(info.compress_size for info in z.infolist())
    budget = [_DEFLATE_MAX_RATIO * archive_size + _SLACK]
    with z:
        names = set(z.namelist())
        if _PREFIX + "format" not in names:
            hint = ""
            if any(n.endswith("data.pkl") for n in names):
                hint = (" It looks like a file written by torch.save, which uses pickle; load it "
                        "with torch and convert the tensors with minigrad.from_numpy(t.numpy()).")
            raise RuntimeError(f"minigrad.load: {name} is not a minigrad checkpoint.{hint}")
        try:
            magic = _read_member(z, _PREFIX + "format", budget)
            if magic != _MAGIC:
                raise ValueError(f"unsupported format header {magic[:40]!r}")
            structure = json.loads(_read_member(z, _PREFIX + "structure.json", budget).decode("utf-8"))

            def array(i):
                entry = f"{_PREFIX}tensors/{int(i)}.npy"
                return _load_npy(_read_member(z, entry, budget), entry)

            return _Decoder(array).decode(structure)
        except _UnsupportedData as exc:
            raise RuntimeError(f"minigrad.load: {name} holds data minigrad cannot load: {exc}") from None
        except Exception as exc:  # corrupt member, truncated data, bad JSON, missing entry...
            raise RuntimeError(
                f"minigrad.load: {name} is corrupt or truncated ({type(exc).__name__}: {exc})"
            ) from None


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


# Deflate cannot expand more than about 1032-fold (a 258-byte match costs at least 2 bits), so a
# deflated member that declares more is forged; zipfile never produces more than the declared size.
_DEFLATE_MAX_RATIO = 1032
_SLACK = 1 << 16  # headers and very small members


def _read_member(z, name, budget):
    """The bytes of one archive member, refusing a "zip bomb" before decompressing it.

    ``minigrad.save`` stores members uncompressed; an archive re-compressed with deflate (even of
    all-zero tensors, which reach deflate's maximum ratio) is fine. A member must declare a size
    that its compressed data can produce: zipfile stops at the declared size, so the declared
    sizes bound the memory used, and the ratio bounds them by the file's own size. ``budget`` (a
    one-element list) is what the whole archive may still expand to; reading a member spends it."""
    info = z.getinfo(name)
    if info.compress_type == zipfile.ZIP_STORED:
        if info.file_size != info.compress_size:
            raise ValueError(f"{name} is stored uncompressed but declares {info.file_size} bytes "
                             f"for {info.compress_size} bytes of data")
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        if info.file_size > _DEFLATE_MAX_RATIO * info.compress_size + _SLACK:
            raise ValueError(f"{name} claims to expand from {info.compress_size} to "
                             f"{info.file_size} bytes, more than deflate can")
    else:
        raise ValueError(f"{name} uses compression method {info.compress_type}; a minigrad "
                         "checkpoint's members are stored or deflated")
    if info.file_size > budget[0]:
        raise ValueError(f"{name} declares {info.file_size} bytes: with the members read before, "
                         "more than the archive's size can hold even deflated")
    budget[0] -= info.file_size
    return z.read(name)
