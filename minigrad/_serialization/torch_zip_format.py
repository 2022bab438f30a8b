"""PyTorch's checkpoint format (``torch.save`` since PyTorch 1.6), which ``minigrad.save`` writes
and ``minigrad.load`` reads: a zip archive whose records all sit in one directory (the file's
name without its extension, or ``archive``):

* ``data.pkl``: the saved object, pickled (protocol 2 by default); tensors refer to storages by
  persistent ids ``("storage", torch.FloatStorage, "<key>", "cpu", numel)`` (``torch_pickler``,
  ``torch_globals``);
* ``data/<key>``: each storage's bytes, in the byte order of ``byteorder``, stored uncompressed,
  each record's bytes starting at a multiple of 64 in the file (``.storage_alignment``), so that
  a loader can map them into memory;
* ``.format_version`` (``1``), ``.storage_alignment`` (``64``), ``byteorder`` (``little`` or
  ``big``), ``version`` (``3``) and ``.data/serialization_id`` (an id for the file).
"""
import io
import mmap
import os
import struct
import sys
import uuid
import zipfile

import numpy as np

from .torch_globals import LoadedStorage, StorageType, TypedStorage, full_unpickler
from .torch_pickler import StorageWriter, TorchPickler

__all__ = ["write_archive", "archive_prefix", "read_archive", "record_prefix", "unpickler_for",
           "TORCHSCRIPT"]

_ALIGNMENT = 64
_PADDING_ID = b"FB"  # the extra-field id PyTorch pads its local headers with
TORCHSCRIPT = "constants.pkl"  # a record of TorchScript archives (torch.jit.save), not of torch.save


def archive_prefix(path):
    """The records' directory as PyTorch names it: the file's name without its last extension
    (``model.pt`` -> ``model``), or ``archive`` for a buffer or a name it cannot use."""
    if path is None:
        return "archive"
    base = os.path.basename(os.fspath(path))
    stem = base.rsplit(".", 1)[0] if "." in base else base
    if not stem or not stem.isascii() or not stem.isprintable():
        return "archive"
    return stem


# ------------------------------------------------------------------------------------- writing
def write_archive(obj, fh, prefix, protocol=2, byteorder_record=True, pickler_class=TorchPickler):
    """Write ``obj`` to the writable binary file ``fh`` in PyTorch's format."""
    storages = StorageWriter()
    pickled = io.BytesIO()
    pickler = pickler_class(pickled, protocol, storages)
    pickler.dump(obj)
    start = _position(fh)
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as z:
        def record(name, data):
            _write_record(z, fh, start, f"{prefix}/{name}", data)

        record("data.pkl", pickled.getvalue())
        record(".format_version", b"1")
        record(".storage_alignment", str(_ALIGNMENT).encode())
        if byteorder_record:
            record("byteorder", sys.byteorder.encode())
        for key, flat in storages.arrays:
            record(f"data/{key}", flat)
        record("version", b"3\n")
        record(".data/serialization_id", uuid.uuid4().hex.encode()[:40].ljust(40, b"0"))


def _position(fh):
    try:
        return fh.tell()
    except (OSError, AttributeError, ValueError):
        return None  # a stream: no alignment (nothing can map it anyway)


def _write_record(z, fh, start, name, data):
    """One stored record; an array is written from its memory, without a copy."""
    if isinstance(data, np.ndarray):
        view = np.ascontiguousarray(data).reshape(-1).view(np.uint8)
    else:
        view = np.frombuffer(data, dtype=np.uint8)
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = view.size
    zip64 = view.size > (1 << 30)  # decided here, so the header's length is known (below)
    here = _position(fh)
    if here is not None and start is not None:
        # the local header is 30 bytes + name + extra (+ 20 for zip64 sizes): pad the extra
        # field so that the data starts at a multiple of the alignment in the file
        header = 30 + len(name.encode("utf-8")) + 4 + (20 if zip64 else 0)
        pad = -(here + header) % _ALIGNMENT
        info.extra = _PADDING_ID + struct.pack("<H", pad) + b"Z" * pad
    with z.open(info, "w", force_zip64=zip64) as out:
        for i in range(0, view.size, 1 << 24):
            out.write(view[i:i + (1 << 24)])


# ------------------------------------------------------------------------------------- reading
def record_prefix(names):
    """The directory of a torch.save archive's records (the one holding ``data.pkl``), or None."""
    prefixes = {n[:-len("/data.pkl")] for n in names if n.endswith("/data.pkl") and n.count("/") == 1}
    return prefixes.pop() if len(prefixes) == 1 else None


class DeviceUnavailable(RuntimeError):
    """A storage is to be restored on a device minigrad does not have (map_location fixes it)."""


class _Restorer:
    """Where storages go: the checks of ``map_location`` (minigrad has the CPU only)."""

    def __init__(self, map_location):
        self.map_location = map_location

    def __call__(self, storage, location):
        ml = self.map_location
        if ml is None:
            return self.default(storage, location)
        if isinstance(ml, dict):
            return self.default(storage, ml.get(location, location))
        if isinstance(ml, bytes):
            return self.default(storage, ml.decode("ascii"))
        if isinstance(ml, str) or type(ml).__name__ == "device":
            return self.default(storage, str(ml))
        result = ml(storage, location)
        if result is None:
            return self.default(storage, location)
        if not isinstance(result, LoadedStorage):
            raise TypeError(f"map_location returned {type(result).__name__}, not a storage "
                            "(minigrad keeps storages on the CPU: return the storage itself)")
        return result

    @staticmethod
    def default(storage, location):
        if location == "cpu" or location.startswith("cpu:"):
            return storage
        kind = location.split(":")[0]
        if kind in ("cuda", "mps", "xpu", "hpu", "mtia", "xla", "meta", "privateuseone"):
            raise DeviceUnavailable(
                f"Attempting to deserialize object on a {kind.upper()} device but "
                f"minigrad.{kind}.is_available() is False. If you are running on a CPU-only "
                "machine, please use minigrad.load with map_location=minigrad.device('cpu') to map "
                "your storages to the CPU.")
        raise DeviceUnavailable(f"don't know how to restore data location of a storage (tagged with "
                           f"{location})")


def read_archive(archive, prefix, unpickle, map_location=None, mmap_path=None):
    """The object in a torch.save archive (a BoundedZip). ``unpickle(data, persistent_load)``
    reads ``data.pkl``; with ``mmap_path`` the storages map the file instead of being read."""
    restore = _Restorer(map_location)
    byteorder = sys.byteorder
    names = set(archive.names())
    if f"{prefix}/byteorder" in names:
        byteorder = bytes(archive.read(f"{prefix}/byteorder")).decode("ascii", "replace")
        if byteorder not in ("little", "big"):
            raise ValueError("Unknown endianness type: " + byteorder)
    else:
        byteorder = "little"  # (PyTorch's default for files without the record)
    mapped = _map_file(mmap_path) if mmap_path is not None else None
    loaded = {}  # key -> LoadedStorage

    def persistent_load(pid):
        if len(pid) != 5:
            raise ValueError(f"a storage id has 5 entries, got {pid!r}"[:200])
        _, kind, key, location, numel = pid
        if not isinstance(kind, StorageType):
            raise ValueError(f"a storage id names a storage class, got {kind!r}"[:200])
        key, location = _ascii(key), _ascii(location)
        if type(numel) is not int or numel < 0:
            raise ValueError(f"a storage's element count must be an int >= 0, got {numel!r}"[:200])
        itemsize = kind.dtype.itemsize if kind.dtype is not None else 1
        nbytes = numel * itemsize
        if key not in loaded:
            name = f"{prefix}/data/{key}"
            size = archive.info(name).file_size  # (checked before anything is allocated)
            if size != nbytes:
                raise ValueError(f"{name} holds {size} bytes, but its storage id says {nbytes}")
            if mapped is not None:
                data = _mapped_record(archive, mapped, name, nbytes)
            else:
                data = np.empty(nbytes, dtype=np.uint8)
                archive.read_into(name, data)
            if byteorder != sys.byteorder and itemsize > 1:
                data = data.view(kind.dtype.np).byteswap().view(np.uint8)
            loaded[key] = restore(LoadedStorage(data, location), location)
        storage = loaded[key]
        if storage.nbytes() != nbytes:
            raise ValueError(f"storage {key} is used with {nbytes} bytes and with "
                             f"{storage.nbytes()} bytes")
        return TypedStorage(storage, kind.dtype)

    return unpickle(archive.read(f"{prefix}/data.pkl"), persistent_load)


def _ascii(value):
    if isinstance(value, bytes):
        value = value.decode("ascii")
    if type(value) is not str:
        raise ValueError(f"expected a string in a storage id, got {type(value).__name__}")
    return value


def _map_file(path):
    """The whole file mapped copy-on-write (as PyTorch's mmap=True): writes to a loaded tensor
    stay in this process."""
    with open(path, "rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)


def _mapped_record(archive, mapped, name, nbytes):
    if nbytes == 0:
        return np.empty(0, dtype=np.uint8)
    offset = archive.data_offset(name)
    if offset + nbytes > len(mapped):
        raise ValueError(f"{name} extends past the end of the file")
    return np.frombuffer(mapped, dtype=np.uint8, count=nbytes, offset=offset)


def unpickler_for(weights_only, pickle_module, load_args):
    """``unpickle(data, persistent_load)`` for ``read_archive``; ``load_args`` are pickle's
    (``encoding`` ...)."""
    if weights_only:
        from .weights_only_unpickler import Unpickler

        encoding = load_args.get("encoding", "utf-8")
        return lambda data, persistent_load: Unpickler(
            data, persistent_load, encoding=encoding).load()

    def unpickle(data, persistent_load):
        return full_unpickler(pickle_module, io.BytesIO(bytes(data)), persistent_load,
                                            **load_args).load()

    return unpickle
