"""Weights in the safetensors format, with the functions the ``safetensors`` package offers for
PyTorch (``safetensors.torch``): ``save_file``, ``load_file``, ``save``, ``load``,
``save_model``, ``load_model``. Code that reads ``from safetensors.torch import load_file`` reads
``from minigrad.safetensors import load_file`` here.

The format (https://github.com/huggingface/safetensors) is small, so minigrad writes it itself
and keeps numpy as its only dependency. A file is

* 8 bytes: N, the length of the header, a little-endian unsigned integer;
* N bytes: a JSON object (UTF-8), padded with spaces to a multiple of 8 bytes. Each tensor's
  entry is ``"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}``; an
  optional ``"__metadata__"`` entry maps strings to strings;
* the tensors' bytes, little-endian, row-major, each at ``data_offsets`` counted from the end of
  the header, one after the other with no gap or overlap, up to the end of the file.

minigrad writes exactly what the ``safetensors`` package writes (the same bytes: tensors ordered
by dtype, largest first, then by name; compact JSON), and checks everything when reading: a
damaged or hostile file (a huge header length, bad JSON, unknown dtypes, offsets that overlap or
leave the file, a shape that does not match its bytes) is a ``SafetensorError``, never a crash
or a huge allocation. Tensors are read into memory (the package maps the file by default, and
its tensors crash the process if the file is truncated meanwhile).
"""
import json
import os
import struct
import sys

import numpy as np
from numpy.lib.array_utils import byte_bounds as _byte_bounds

__all__ = ["save", "save_file", "load", "load_file", "save_model", "load_model", "SafetensorError"]


class SafetensorError(Exception):
    """A file or buffer that is not valid safetensors data (``safetensors.SafetensorError``)."""


# minigrad dtype name -> safetensors dtype; and the safetensors dtypes in the order of its Dtype
# enumeration (files list tensors by this order, descending)
_CODE_OF = {"bool": "BOOL", "uint8": "U8", "int8": "I8", "int16": "I16", "int32": "I32",
            "int64": "I64", "float32": "F32", "float64": "F64"}
_ALL_CODES = ["BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
              "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64",
              "F64", "I64", "U64"]
_RANK = {code: i for i, code in enumerate(_ALL_CODES)}
_MAX_HEADER = 100_000_000  # the package's limit: 100 MB of JSON


# ------------------------------------------------------------------------------------- writing
def save(tensors, metadata=None):
    """The safetensors bytes of ``tensors`` (a dict of names to contiguous tensors) and optional
    ``metadata`` (a dict of strings to strings).

    Example::

        >>> data = minigrad.safetensors.save({"w": minigrad.zeros(2, 3)})
        >>> minigrad.safetensors.load(data)["w"].shape
        minigrad.Size([2, 3])
    """
    header, arrays = _prepare(tensors, metadata)
    return b"".join([header] + [a.tobytes() for _, a in arrays])


def save_file(tensors, filename, metadata=None):
    """Save ``tensors`` (a dict of names to contiguous tensors) to ``filename`` in safetensors
    format, readable by ``safetensors.torch.load_file``. The file is replaced atomically.

    Example::

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "model.safetensors")
        >>> minigrad.safetensors.save_file(nn.Linear(2, 1).state_dict(), path)
        >>> sorted(minigrad.safetensors.load_file(path))
        ['bias', 'weight']
    """
    from ._serialization.atomic_file import write_atomically

    header, arrays = _prepare(tensors, metadata)

    def write(fh):
        fh.write(header)
        for _, arr in arrays:
            data = arr.reshape(-1).view(np.uint8)  # (contiguous: no copy)
            for i in range(0, data.size, 1 << 24):
                fh.write(data[i:i + (1 << 24)])

    write_atomically(os.fspath(filename), write)


def _prepare(tensors, metadata):
    """(header bytes, [(name, array in little-endian row-major order)]) after the checks of the
    safetensors package, with its messages."""
    from .tensor import Tensor

    if not isinstance(tensors, dict):
        raise ValueError(f"Expected a dict of [str, minigrad.Tensor] but received {type(tensors)}")
    for k, v in tensors.items():
        if not isinstance(v, Tensor):
            raise ValueError(f"Key `{k}` is invalid, expected minigrad.Tensor but received {type(v)}")
    for k in tensors:
        if type(k) is not str:
            raise TypeError(f"argument 'tensor_dict': '{type(k).__name__}' object is not an "
                            "instance of 'str'")
    shared = [names for names in _shared_groups(tensors) if len(names) > 1]
    if shared:
        raise RuntimeError(
            "\n            Some tensors share memory, this will lead to duplicate memory on disk and "
            f"potential differences when loading them again: {shared}.\n            A potential way "
            "to correctly save your model is to use `save_model`.\n            More information at "
            "https://huggingface.co/docs/safetensors/torch_shared_tensors\n            ")
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise TypeError(f"argument 'metadata': '{type(metadata).__name__}' object is not an "
                            "instance of 'dict'")
        for k, v in metadata.items():
            for item in (k, v):
                if type(item) is not str:
                    raise TypeError(f"argument 'metadata': '{type(item).__name__}' object is not "
                                    "an instance of 'str'")
    entries = []
    for name, t in tensors.items():
        if not t.is_contiguous():
            raise ValueError(
                f"You are trying to save a non contiguous tensor: `{name}` which is not allowed. It "
                "either means you are trying to save tensors which are reference of each other in "
                "which case it's recommended to save only the full tensors, and reslice at load "
                "time, or simply call `.contiguous()` on your tensor to pack it before saving.")
        code = _CODE_OF[t.dtype.name]
        arr = t._data
        if arr.dtype.byteorder == ">" or (arr.dtype.byteorder == "=" and sys.byteorder == "big"):
            arr = arr.astype(arr.dtype.newbyteorder("<"))
        entries.append((name, code, tuple(int(n) for n in arr.shape), np.ascontiguousarray(arr)))
    entries.sort(key=lambda e: (-_RANK[e[1]], e[0]))
    header = {}
    if metadata:
        header["__metadata__"] = dict(metadata)
    offset = 0
    for name, code, shape, arr in entries:
        header[name] = {"dtype": code, "shape": list(shape), "data_offsets": [offset, offset + arr.nbytes]}
        offset += arr.nbytes
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text, [(name, arr) for name, _, _, arr in entries]


def _shared_groups(tensors):
    """Names of tensors whose memory overlaps, grouped (as the package's _find_shared_tensors:
    tensors of one block of memory whose byte ranges overlap)."""
    by_root = {}
    for name, t in tensors.items():
        arr = t._data
        if arr.size == 0:
            continue
        root = arr
        while isinstance(root.base, np.ndarray):
            root = root.base
        lo, hi = _byte_bounds(arr)
        by_root.setdefault(id(root), []).append((lo, hi, name))
    groups = []
    for areas in by_root.values():
        areas.sort()
        current, last_stop = {areas[0][2]}, areas[0][1]
        for start, stop, name in areas[1:]:
            if start >= last_stop:
                groups.append(current)
                current = {name}
            else:
                current.add(name)
            last_stop = max(last_stop, stop)
        groups.append(current)
    return sorted(groups, key=sorted)


# ------------------------------------------------------------------------------------- reading
def load(data):
    """The tensors (a dict) in safetensors bytes ``data``.

    Example::

        >>> minigrad.safetensors.load(minigrad.safetensors.save({"b": minigrad.ones(2)}))
        {'b': tensor([1., 1.])}
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"argument 'data': expected bytes, got {type(data).__name__}")
    data = memoryview(data).cast("B")

    def fail(reason):
        raise SafetensorError(f"Error while deserializing: {reason}")

    entries, start = _parse(data[:8], lambda n: data[8:8 + n], len(data), fail)
    return {name: _tensor(data[start + b:start + e], code, shape)
            for name, code, shape, b, e in entries}


def load_file(filename, device="cpu", *, backend="mmap"):
    """The tensors (a dict) in the safetensors file ``filename`` (written by minigrad or by
    ``safetensors.torch.save_file``). ``device`` must be the CPU; ``backend`` ("mmap" or
    "pread", as in the package) is accepted, and the tensors are read into memory either way.

    Example::

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "w.safetensors")
        >>> minigrad.safetensors.save_file({"w": minigrad.arange(3)}, path)
        >>> minigrad.safetensors.load_file(path)
        {'w': tensor([0, 1, 2])}
    """
    from ._device import device as _device

    if backend not in ("mmap", "pread"):
        raise SafetensorError(f'backend "{backend}" is invalid (expected one of: "mmap", "pread")')
    _device(device if not isinstance(device, int) else f"cuda:{device}")  # (the CPU only)
    path = os.fspath(filename)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such file or directory: {path}")
    def fail(reason):
        raise SafetensorError(f"Error while deserializing header: {reason} (file {path})")

    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        entries, start = _parse(fh.read(8), fh.read, size, fail)
        result = {}
        for name, code, shape, b, e in entries:
            raw = np.empty(e - b, dtype=np.uint8)
            fh.seek(start + b)
            if fh.readinto(raw) != e - b:
                fail(f"the file ended while reading tensor `{name}`")
            result[name] = _tensor(raw, code, shape)
    return result


def _parse(head, read_header, size, fail):
    """[(name, dtype code, shape, begin, end)] in file order, and where the data starts, after
    checking the header as the package does; ``fail(reason)`` raises (the package's reasons)."""
    if len(head) < 8:
        fail("header too small")
    n = struct.unpack("<Q", head)[0]
    if n > _MAX_HEADER:
        fail("header too large")
    if 8 + n > size:
        fail("invalid header length")
    try:
        header = json.loads(bytes(read_header(n)).decode("utf-8"))
        problem = None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        header, problem = None, f"invalid JSON in header: {exc}"
    if problem is None and not isinstance(header, dict):
        problem = f"invalid JSON in header: invalid type: {type(header).__name__}, expected a map"
    if problem:
        fail(problem)
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not (isinstance(metadata, dict)
                                     and all(type(v) is str for v in metadata.values())):
        fail("invalid JSON in header: __metadata__ must map strings to strings")
    entries = []
    for name, info in header.items():
        if not isinstance(info, dict):
            fail(f"invalid JSON in header: tensor `{name}` is not a map")
        for key in ("dtype", "shape", "data_offsets"):
            if key not in info:
                fail(f"invalid JSON in header: missing field `{key}`")
        code, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if code not in _RANK:
            expected = ", ".join(f"`{c}`" for c in _ALL_CODES)
            fail(f"invalid JSON in header: unknown variant `{code}`, expected one of {expected}"[:2000])
        if not (isinstance(shape, list) and all(type(d) is int and d >= 0 for d in shape)):
            fail(f"invalid JSON in header: invalid shape {shape!r} for tensor `{name}`"[:300])
        if not (isinstance(offsets, list) and len(offsets) == 2
                and all(type(o) is int and o >= 0 for o in offsets)):
            fail(f"invalid JSON in header: invalid data_offsets {offsets!r} for tensor "
                 f"`{name}`"[:300])
        entries.append((name, code, shape, offsets[0], offsets[1]))
    entries.sort(key=lambda e: (e[3], e[4]))
    end = 0
    for name, code, shape, b, e in entries:
        if b != end or e < b:
            fail(f"invalid offset for tensor `{name}`")
        nbytes = _itemsize(code)
        for d in shape:
            nbytes *= d
        if nbytes >= 1 << 64:
            fail("overflow computing buffer size from shape and/or element type")
        if nbytes != e - b:
            fail("invalid shape, data type, or offset for tensor")
        end = e
    if 8 + n + end != size:
        fail("incomplete metadata, file not fully covered")
    for name, code, *_ in entries:
        if code not in _DTYPE_OF:
            fail(f"tensor `{name}` has dtype {code}, which minigrad does not have (it has "
                 f"{', '.join(_CODE_OF.values())})")
    return entries, 8 + n


_ITEMSIZE = {"BOOL": 1, "U8": 1, "I8": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2, "I32": 4,
             "U32": 4, "F32": 4, "C64": 8, "F64": 8, "I64": 8, "U64": 8}
_DTYPE_OF = {code: name for name, code in _CODE_OF.items()}


def _itemsize(code):
    return _ITEMSIZE.get(code, 1)  # (the 4- and 6-bit float codes pack into bytes)


def _tensor(raw, code, shape):
    """A tensor of the little-endian bytes ``raw`` (a buffer: copied if it is read-only)."""
    from . import _dtype
    from .tensor import _wrap

    native = getattr(_dtype, _DTYPE_OF[code]).np
    arr = np.frombuffer(raw, dtype=native.newbyteorder("<"))
    if arr.dtype != native:  # a big-endian machine
        arr = arr.astype(native)
    elif not arr.flags.writeable:
        arr = arr.copy()
    return _wrap(arr.reshape(shape))


# ------------------------------------------------------------------------------- whole models
def save_model(model, filename, metadata=None, force_contiguous=True):
    """Save ``model``'s state dict to ``filename``, keeping one name of each group of tensors that
    share memory (tied weights) and recording the others in the metadata, as
    ``safetensors.torch.save_model``.

    Example::

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "model.safetensors")
        >>> minigrad.safetensors.save_model(nn.Linear(2, 1), path)
        >>> minigrad.safetensors.load_model(nn.Linear(2, 1), path)
        (set(), [])
    """
    state_dict = model.state_dict()
    for kept, removed in _names_to_remove(state_dict).items():
        for name in removed:
            if metadata is None:
                metadata = {}
            if name not in metadata:
                metadata[name] = kept
            del state_dict[name]
    if force_contiguous:
        state_dict = {k: v.contiguous() for k, v in state_dict.items()}
    try:
        save_file(state_dict, filename, metadata=metadata)
    except ValueError as exc:
        raise ValueError(str(exc) + " Or use save_model(..., force_contiguous=True), read the docs "
                         "for potential caveats.") from None


def load_model(model, filename, strict=True, device="cpu", *, backend="mmap"):
    """Load a file written by ``save_model`` (or ``save_file``) into ``model``; returns
    ``(missing, unexpected)`` names, as ``safetensors.torch.load_model``.
    (Example: see ``save_model``.)"""
    state_dict = load_file(filename, device=device, backend=backend)
    to_remove = _names_to_remove(model.state_dict(), preferred=state_dict.keys())
    missing, unexpected = model.load_state_dict(state_dict, strict=False)
    missing = set(missing)
    for removed in to_remove.values():
        for name in removed:
            if name not in missing:
                unexpected.append(name)
            else:
                missing.remove(name)
    if strict and (missing or unexpected):
        error = f"Error(s) in loading state_dict for {model.__class__.__name__}:"
        if missing:
            error += "\n    Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in sorted(missing))
        if unexpected:
            error += "\n    Unexpected key(s) in state_dict: " + ", ".join(
                f'"{k}"' for k in sorted(unexpected))
        raise RuntimeError(error)
    return missing, unexpected


def _names_to_remove(state_dict, preferred=()):
    """{kept name: [names sharing its memory]} for each group of tensors that share memory; the
    kept one covers the whole block (preferring the names in ``preferred``)."""
    preferred = set(preferred)
    result = {}
    for group in _shared_groups(state_dict):
        if len(group) < 2:
            continue
        complete = sorted(n for n in group if _covers_its_block(state_dict[n]))
        if not complete:
            raise RuntimeError(
                "Error while trying to find names to remove to save state dict, but found no "
                f"suitable name to keep for saving amongst: {group}. None is covering the entire "
                "storage.Refusing to save/load the model since you could be storing much more "
                "memory than needed. Please refer to "
                "https://huggingface.co/docs/safetensors/torch_shared_tensors for more information. "
                "Or open an issue.")
        keep = sorted(set(complete) & preferred)[:1] or complete[:1]
        result[keep[0]] = [n for n in sorted(group) if n != keep[0]]
    return result


def _covers_its_block(t):
    arr = t._data
    root = arr
    while isinstance(root.base, np.ndarray):
        root = root.base
    return _byte_bounds(arr) == _byte_bounds(root) and arr.nbytes == root.nbytes
