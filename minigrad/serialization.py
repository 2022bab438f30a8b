"""``minigrad.save`` / ``minigrad.load``: checkpoints in PyTorch's format, with PyTorch's safety
contract (``torch/serialization.py``).

* ``save`` writes PyTorch's zip format (``_serialization/torch_zip_format.py``): ``torch.load(f,
  weights_only=True)`` reads a minigrad state dict, and ``minigrad.load`` reads one written by
  ``torch.save``, without PyTorch installed. Any picklable object can be saved (a whole model,
  say), as with ``torch.save``.
* ``load`` runs no code from the file unless the caller passes ``weights_only=False``: by default
  it reads tensors, numbers, strings, None, dicts, lists, tuples, sets and the other types that
  PyTorch's ``weights_only`` loader allows (``_serialization/weights_only_unpickler.py``), and
  refuses anything else with PyTorch's error (``pickle.UnpicklingError``), which says how to load it.
* Saving to a path is atomic: the data goes to a temporary file in the same directory, which is
  flushed to disk and then renamed over the target, so an interrupted save leaves the previous
  checkpoint intact (and, if the process was killed, a hidden ``.<name>.<random>.tmp`` file).
  A file object given by the caller is written directly, as ``torch.save`` does.
* A damaged file is a ``RuntimeError`` that names it; data that minigrad cannot represent (a
  float16 tensor...) is a ``RuntimeError`` saying so; a missing file is ``FileNotFoundError``.
* Files written by minigrad before it used PyTorch's format still load
  (``_serialization/legacy_checkpoint.py``); paths ending in ``.safetensors`` are read by
  ``minigrad.safetensors.load_file``, as ``torch.load`` does with the ``safetensors`` package.
"""
import contextlib
import io
import os
import pickle
import re
import warnings

from ._serialization import torch_zip_format as _zip_format
from ._serialization.atomic_file import write_atomically
from ._serialization.bounded_zip import BoundedZip
from ._serialization.legacy_checkpoint import is_legacy, read_legacy
from ._serialization.torch_globals import ALLOWED_GLOBALS, UNREPRESENTABLE, UnsupportedData
from ._serialization.torch_pickler import TorchPickler
from ._serialization.weights_only_unpickler import (
    WeightsOnlyRefusal, add_safe_globals as _add_safe_globals, clear_safe_globals as
    _clear_safe_globals, get_safe_globals as _get_safe_globals, globals_in_pickle,
    remove_safe_globals as _remove_safe_globals, user_allowed)

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals",
           "safe_globals", "get_unsafe_globals_in_checkpoint", "DEFAULT_PROTOCOL"]

DEFAULT_PROTOCOL = 2

# PyTorch's texts, with minigrad's names (torch.load -> minigrad.load ...)
UNSAFE_MESSAGE = (
    "`minigrad.load` defaults to `weights_only=True`, as `torch.load` does since PyTorch 2.6. "
    "Re-running `minigrad.load` with `weights_only` set to `False` will likely succeed, "
    "but it can result in arbitrary code execution. Do it only if you got the file from a "
    "trusted source."
)
_DOCS_MESSAGE = (
    "\n\nCheck the documentation of minigrad.load (help(minigrad.load)) to learn more about types "
    "accepted by default with weights_only."
)


def _weights_only_message(message):
    """PyTorch's explanation around a refusal of the weights_only unpickler."""
    if re.search(r"GLOBAL (\S+) was not an allowed global by default.", message):
        text = (
            "Weights only load failed. This file can still be loaded, to do so you have two options, "
            "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. "
            f"\n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` please "
            "check the recommended steps in the following error message.\n\tWeightsUnpickler error: "
            + message
        )
    else:
        text = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
        if not re.search(r"whose module (\S+) is blocked", message):
            text += ("Please file an issue with the following so that we can make "
                     "`weights_only=True` compatible with your use case: WeightsUnpickler error: ")
        text += "\n\n" + message
    return text + _DOCS_MESSAGE


# ----------------------------------------------------------------------------- allowed globals
def add_safe_globals(safe_globals):
    """Allow ``weights_only`` loading to build these classes and call these functions (each an
    object, or ``(object, "module.name")`` for a name it was saved under), as
    ``torch.serialization.add_safe_globals``. Only for code you trust.

    Example::

        >>> import fractions, io
        >>> buffer = io.BytesIO()
        >>> minigrad.save({"ratio": fractions.Fraction(1, 3)}, buffer)
        >>> minigrad.serialization.add_safe_globals([fractions.Fraction])
        >>> _ = buffer.seek(0)
        >>> minigrad.load(buffer)
        {'ratio': Fraction(1, 3)}
        >>> minigrad.serialization.clear_safe_globals()
    """
    _add_safe_globals(safe_globals)


def get_safe_globals():
    """The globals added by ``add_safe_globals`` (a list).

    Example::

        >>> minigrad.serialization.get_safe_globals()
        []
    """
    return _get_safe_globals()


def clear_safe_globals():
    """Forget the globals added by ``add_safe_globals``.

    Example::

        >>> minigrad.serialization.clear_safe_globals()
    """
    _clear_safe_globals()


class safe_globals:
    """A context manager that allows these globals for ``weights_only`` loading inside it, as
    ``torch.serialization.safe_globals``.

    Example::

        >>> with minigrad.serialization.safe_globals([complex]):
        ...     pass
    """

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        _add_safe_globals(self.safe_globals)

    def __exit__(self, *exc):
        _remove_safe_globals(self.safe_globals)


def get_unsafe_globals_in_checkpoint(f):
    """The names of the globals in a checkpoint that ``weights_only`` loading does not allow
    (read without loading anything), as ``torch.serialization.get_unsafe_globals_in_checkpoint``.

    Example::

        >>> buffer = io.BytesIO()
        >>> minigrad.save({"w": minigrad.zeros(2)}, buffer)
        >>> _ = buffer.seek(0)
        >>> minigrad.serialization.get_unsafe_globals_in_checkpoint(buffer)
        []
    """
    name = _name_of(f)
    with _opened(f) as fh:
        try:
            with BoundedZip(fh) as archive:
                prefix = _zip_format.record_prefix(archive.names())
                if prefix is None:
                    raise ValueError("it has no data.pkl record")
                found = globals_in_pickle(archive.read(f"{prefix}/data.pkl"))
        except Exception as exc:
            raise RuntimeError(f"minigrad.serialization.get_unsafe_globals_in_checkpoint: {name} is "
                               f"not a checkpoint in PyTorch's format ({type(exc).__name__}: {exc})") from None
    known = set(ALLOWED_GLOBALS) | set(UNREPRESENTABLE) | set(user_allowed())
    return sorted(found - known)


# ------------------------------------------------------------------------------------------ save
def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Save ``obj`` to ``f`` (a path, or a binary file object with ``write``) in PyTorch's
    checkpoint format, as ``torch.save``.

    ``obj`` is usually a ``state_dict`` (of a model or an optimizer), which loads back with no code
    run (``weights_only=True``) in minigrad and in PyTorch; any picklable object (a whole model)
    can be saved, and loads only with ``weights_only=False``. Tensors that are views of one
    another share their storage in the file and again after loading. Saving to a path replaces
    the file atomically (an interrupted save leaves the old file whole).

    Example::

        >>> import io
        >>> model = nn.Linear(2, 1)
        >>> buffer = io.BytesIO()   # or a path: minigrad.save(model.state_dict(), "model.pt")
        >>> minigrad.save(model.state_dict(), buffer)
        >>> _ = buffer.seek(0)
        >>> nn.Linear(2, 1).load_state_dict(minigrad.load(buffer))
        <All keys matched successfully>
    """
    if not isinstance(f, (str, os.PathLike)) and not hasattr(f, "write"):
        raise AttributeError("expected 'f' to be string, path, or a file-like object with a 'write' "
                             "attribute")
    if not _use_new_zipfile_serialization:
        raise NotImplementedError(
            "minigrad.save writes PyTorch's zip format only; _use_new_zipfile_serialization=False "
            "(the format of PyTorch before 1.6) is not supported")
    pickler_class = _pickler_class(pickle_module)

    def write(fh, prefix):
        _zip_format.write_archive(obj, fh, prefix, pickle_protocol, not _disable_byteorder_record,
                                  pickler_class)

    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        parent = os.path.dirname(path)
        if parent and not os.path.isdir(parent):
            raise RuntimeError(f"Parent directory {parent} does not exist.")  # PyTorch's text
        write_atomically(path, lambda fh: write(fh, _zip_format.archive_prefix(path)))
    else:
        write(f, "archive")
        if callable(getattr(f, "flush", None)):
            f.flush()


def _pickler_class(pickle_module):
    """TorchPickler, or one that combines it with ``pickle_module``'s Python pickler (dill's)."""
    if pickle_module is pickle or pickle_module is None:
        return TorchPickler
    base = getattr(pickle_module, "Pickler", None)
    if isinstance(base, type) and issubclass(base, pickle._Pickler):
        return type("TorchPickler", (TorchPickler, base),
                    {"dispatch": {**getattr(base, "dispatch", {}), **TorchPickler.dispatch}})
    raise TypeError(
        "minigrad.save: pickle_module must be pickle or a module whose Pickler is written in "
        f"Python (a subclass of pickle._Pickler, as dill's is); {pickle_module!r} has none")


# ------------------------------------------------------------------------------------------ load
def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Load an object saved by ``minigrad.save`` or ``torch.save`` (or by an older minigrad) from
    ``f``, a path or a binary file object, as ``torch.load``.

    With ``weights_only=True`` (the default, unless a ``pickle_module`` is given) nothing in the
    file can run code: only tensors, numbers, strings, None, bytes, dicts, lists, tuples, sets,
    ``OrderedDict``, ``Counter``, ``Size``, dtypes and devices are built, plus the globals allowed
    by ``minigrad.serialization.add_safe_globals``; anything else raises
    ``pickle.UnpicklingError`` with PyTorch's message. ``weights_only=False`` unpickles anything
    (a whole model): only for files you trust.

    ``map_location``: ``"cpu"``, a device, a dict mapping saved locations (``{"cuda:0": "cpu"}``)
    or a function ``(storage, location) -> storage or None``; storages saved on a GPU need it, as
    in PyTorch on a machine without one. ``mmap=True`` (a path only) maps the file's storages
    into memory, copy-on-write, instead of reading them (don't let another program truncate the
    file while its tensors are in use: the process would crash, as with PyTorch).

    Raises ``FileNotFoundError`` for a missing path and ``RuntimeError`` (naming the file) for a
    damaged file or for data minigrad cannot represent.

    Example::

        >>> import io
        >>> buffer = io.BytesIO()   # or a path: state = minigrad.load("model.pt")
        >>> minigrad.save({"step": 3, "w": minigrad.tensor([1., 2.])}, buffer)
        >>> _ = buffer.seek(0)
        >>> minigrad.load(buffer)
        {'step': 3, 'w': tensor([1., 2.])}
    """
    if weights_only is None:
        weights_only = pickle_module is None  # PyTorch's default
    if weights_only:
        if pickle_module is not None:
            raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    elif pickle_module is None:
        pickle_module = pickle
    if pickle_load_args and weights_only:
        warnings.warn("pickle_load_args only works if `weights_only=False`.", stacklevel=2)
    pickle_load_args.setdefault("encoding", "utf-8")
    if isinstance(f, (str, os.PathLike)) and os.fspath(f).endswith(".safetensors"):
        return _load_safetensors(os.fspath(f), map_location)
    if mmap and not isinstance(f, (str, os.PathLike)):
        raise ValueError("f must be a file path in order to use the mmap argument")
    name = _name_of(f)
    with _opened(f) as fh:
        try:
            return _read(fh, name, map_location, pickle_module, weights_only, mmap and os.fspath(f),
                         pickle_load_args)
        except WeightsOnlyRefusal as exc:
            raise pickle.UnpicklingError(_weights_only_message(str(exc))) from None
        except UnsupportedData as exc:
            raise RuntimeError(f"minigrad.load: {name} holds data minigrad cannot load: {exc}") from None
        except _Refused as exc:
            raise RuntimeError(str(exc)) from None
        except MemoryError:
            raise
        except Exception as exc:  # a damaged archive, record or pickle
            if not weights_only:
                raise RuntimeError(f"minigrad.load: {name} could not be unpickled "
                                   f"({type(exc).__name__}: {exc})") from exc
            raise RuntimeError(
                f"minigrad.load: {name} is corrupt or truncated ({type(exc).__name__}: {exc})"
            ) from None


class _Refused(RuntimeError):
    """An intact file that minigrad.load cannot read (not a checkpoint, a TorchScript archive, a
    storage on a GPU): its message says why, and it is raised as it is."""


_TORCH_LEGACY_MAGIC = (0x1950A86A20F9469CFC6C).to_bytes(10, "little")


def _read(fh, name, map_location, pickle_module, weights_only, mmap_path, load_args):
    head = fh.read(4)
    fh.seek(0)
    if head != b"PK\x03\x04":
        if _TORCH_LEGACY_MAGIC in fh.read(64):
            raise _Refused(
                f"minigrad.load: {name} is in the format of torch.save before PyTorch 1.6 (or "
                "_use_new_zipfile_serialization=False), which minigrad does not read: load it with "
                "torch and save it again with torch.save (or minigrad.save)")
        if mmap_path:
            raise _Refused(
                "mmap can only be used with files saved with "
                f"`minigrad.save({name}, _use_new_zipfile_serialization=True), please minigrad.save "
                "your checkpoint with this option in order to use mmap.")
        raise _Refused(f"minigrad.load: {name} is not a checkpoint (not a zip archive as written "
                       "by minigrad.save or torch.save)")
    with BoundedZip(fh) as archive:
        names = archive.names()
        if is_legacy(names):
            return read_legacy(archive)
        prefix = _zip_format.record_prefix(names)
        if prefix is not None and f"{prefix}/{_zip_format.TORCHSCRIPT}" in names:
            raise _Refused(f"minigrad.load: {name} is a TorchScript archive (torch.jit.save), which "
                           "holds a program, not only data: minigrad cannot load it")
        if prefix is None:
            raise _Refused(f"minigrad.load: {name} is not a checkpoint (a zip archive without "
                           "data.pkl)")
        unpickle = _zip_format.unpickler_for(weights_only, pickle_module, load_args)
        try:
            return _zip_format.read_archive(archive, prefix, unpickle, map_location, mmap_path or None)
        except _zip_format.DeviceUnavailable as exc:
            raise _Refused(str(exc)) from None


def _load_safetensors(path, map_location):
    device = "cpu"
    if map_location is not None:
        if isinstance(map_location, (str, bytes)):
            device = map_location.decode() if isinstance(map_location, bytes) else map_location
        elif isinstance(map_location, dict):
            raise RuntimeError("Loading safetensors file with dict map_location is not supported. "
                               "Use a device string or minigrad.device instead.")
        elif callable(map_location):
            raise RuntimeError("Loading safetensors file with callable map_location is not "
                               "supported. Use a device string or minigrad.device instead.")
        else:
            device = str(map_location)
    from .safetensors import load_file

    return load_file(path, device=device)


def _name_of(f):
    if isinstance(f, (str, os.PathLike)):
        return os.fspath(f)
    return getattr(f, "name", None) or repr(f)


@contextlib.contextmanager
def _opened(f):
    """A seekable binary file holding the checkpoint: the path opened, or the caller's file object
    (read into memory first if it cannot seek, or if the checkpoint starts after other data)."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            yield fh
        return
    if not callable(getattr(f, "read", None)):
        raise AttributeError(f"minigrad.load: expected a path or a binary file object with 'read', "
                             f"got {type(f).__name__}")
    try:
        start = f.tell()
        f.seek(start)
        seekable = True
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
        seekable = False
    if seekable and start == 0:
        yield f
    else:  # not seekable, or the checkpoint starts further in: its bytes from here on
        yield io.BytesIO(f.read())
