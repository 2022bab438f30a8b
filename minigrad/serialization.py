"""``minigrad.save`` / ``minigrad.load``: checkpoints that run no code when loaded.

A file is a zip archive with

* ``minigrad/format``: the magic line ``minigrad-checkpoint 1``;
* ``minigrad/structure.json``: the object tree (dicts with their key order and key types,
  lists, tuples, numbers, strings, bools, None), tensors referred to by number;
* ``minigrad/tensors/<n>.npy``: each tensor's array in numpy's ``.npy`` format, read back with
  ``allow_pickle=False``.

So loading never unpickles anything: a checkpoint can describe data, never run code. Round trips
are exact: dtypes, shapes, values bit for bit, dict key order and key types (the int keys of an
optimizer's state), ``OrderedDict`` vs ``dict``, ``Parameter`` vs ``Tensor``, and a tensor
stored twice (shared) is loaded as one tensor.
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
            return {"$": kind, "items": [[self.key(k), self.encode(v)] for k, v in obj.items()]}
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
                t = _wrap(self.arrays(i))
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
            return OrderedDict(items) if tag == "odict" else dict(items)
        if tag == "dtype":
            from . import _dtype

            return _dtype.to_dtype(getattr(np, obj["v"]) if obj["v"] != "bool" else np.bool_)
        raise ValueError(f"unknown entry type {tag!r}")

    def key(self, k):
        k = self.decode(k)
        return tuple(k) if isinstance(k, list) else k


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
        from ._device import device

        device(map_location)
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
    with z:
        names = set(z.namelist())
        if _PREFIX + "format" not in names:
            hint = ""
            if any(n.endswith("data.pkl") for n in names):
                hint = (" It looks like a file written by torch.save, which uses pickle; load it "
                        "with torch and convert the tensors with minigrad.from_numpy(t.numpy()).")
            raise RuntimeError(f"minigrad.load: {name} is not a minigrad checkpoint.{hint}")
        try:
            magic = _read_member(z, _PREFIX + "format")
            if magic != _MAGIC:
                raise ValueError(f"unsupported format header {magic[:40]!r}")
            structure = json.loads(_read_member(z, _PREFIX + "structure.json").decode("utf-8"))

            def array(i):
                entry = f"{_PREFIX}tensors/{int(i)}.npy"
                return _load_npy(_read_member(z, entry), entry)

            return _Decoder(array).decode(structure)
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


_MAX_RATIO = 1000  # minigrad.save stores members uncompressed; a re-compressed file is fine, a bomb is not


def _read_member(z, name):
    """The bytes of one archive member, refusing a "zip bomb" (a small compressed member that
    claims to expand more than 1000-fold) before decompressing it."""
    info = z.getinfo(name)
    if info.compress_type != zipfile.ZIP_STORED and info.file_size > _MAX_RATIO * max(info.compress_size, 1) + 4096:
        raise ValueError(f"{name} claims to expand from {info.compress_size} to {info.file_size} bytes")
    return z.read(name)
