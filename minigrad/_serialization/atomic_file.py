"""Writing a file so that an interrupted write never destroys the previous version.

The data goes to a new file in the same directory (the same file system, so the rename below is
atomic), which is flushed to disk, then renamed over the target with ``os.replace``: a reader
sees the old file or the new one, whole, even if the writing process is killed or the machine
stops. (A killed writer leaves its temporary file behind, hidden: ``.<name>.<random>.tmp``.)
Used by ``minigrad.save`` and ``minigrad.safetensors.save_file``.
"""
import contextlib
import os
import stat
import uuid

__all__ = ["write_atomically"]


def write_atomically(path, write):
    """Write a new file through ``write(fh)`` in the directory of ``path``, flush it to disk and
    rename it over ``path``. A path that is not a regular file (a device, a pipe) is written in
    place, and a symbolic link is followed, as ``open`` would."""
    target = os.path.realpath(path) if os.path.islink(path) else path
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open(target, "wb") as fh:
            write(fh)
        return
    directory = os.path.dirname(target) or "."
    temp = os.path.join(directory, f".{os.path.basename(target)[:200]}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        # 0o666 as open() would use, so the umask applies; an existing file keeps its mode
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except PermissionError:
        if existing is None:
            raise
        with open(target, "wb") as fh:  # a writable file in a directory we may not write to
            write(fh)
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if existing is not None:
            with contextlib.suppress(OSError):
                os.chmod(temp, stat.S_IMODE(existing.st_mode))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory):
    """Make the rename itself durable (POSIX); best effort."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
