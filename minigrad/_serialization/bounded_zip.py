"""Reading the members of a zip archive that may be damaged or forged, within bounds.

Checkpoints (PyTorch's format and minigrad's former one) are zip archives. ``zipfile`` trusts the
sizes an archive declares; a forged archive (a "zip bomb", or members that overlap so that one
compressed stream is read many times) could make it decompress far more than the file holds.
``BoundedZip`` refuses, before decompressing, any member whose declared size its compressed
bytes cannot produce, and any total beyond what the file's size allows; it reads only members
that are stored or deflated (the other methods are refused, not handed to a decompressor).
"""
import os
import zipfile

__all__ = ["BoundedZip", "DEFLATE_MAX_RATIO"]

# Deflate cannot expand more than about 1032-fold (a 258-byte match costs at least 2 bits), so a
# deflated member that declares more is forged; zipfile never produces more than the declared size.
DEFLATE_MAX_RATIO = 1032
_SLACK = 1 << 16  # headers and very small members


class BoundedZip:
    """An open ``zipfile.ZipFile`` over ``fh`` whose members are read within bounds.

    Raises what ``zipfile`` raises for a file that is not a zip archive (``BadZipFile``...)."""

    def __init__(self, fh):
        self.fh = fh
        self.zip = zipfile.ZipFile(fh, "r")
        try:
            archive_size = fh.seek(0, os.SEEK_END)
        except (OSError, AttributeError, ValueError):
            archive_size = sum(info.compress_size for info in self.zip.infolist())
        self.archive_size = archive_size
        # what all the members together may still expand to: reading a member spends it
        self.budget = DEFLATE_MAX_RATIO * archive_size + _SLACK

    def close(self):
        self.zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def names(self):
        return self.zip.namelist()

    def info(self, name):
        """The member's ZipInfo after checking that its declared size is possible."""
        info = self.zip.getinfo(name)
        if info.compress_type == zipfile.ZIP_STORED:
            if info.file_size != info.compress_size:
                raise ValueError(f"{name} is stored uncompressed but declares {info.file_size} "
                                 f"bytes for {info.compress_size} bytes of data")
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            if info.file_size > DEFLATE_MAX_RATIO * info.compress_size + _SLACK:
                raise ValueError(f"{name} claims to expand from {info.compress_size} to "
                                 f"{info.file_size} bytes, more than deflate can")
        else:
            raise ValueError(f"{name} uses compression method {info.compress_type}; a checkpoint's "
                             "members are stored or deflated")
        if info.compress_size > self.archive_size:
            raise ValueError(f"{name} declares {info.compress_size} bytes of data, more than the "
                             f"archive's {self.archive_size} bytes")
        return info

    def _spend(self, name, size):
        if size > self.budget:
            raise ValueError(f"{name} declares {size} bytes: with the members read before, more "
                             "than the archive's size can hold even deflated")
        self.budget -= size

    def read(self, name):
        """The bytes of member ``name``."""
        info = self.info(name)
        self._spend(name, info.file_size)
        return self.zip.read(info)

    def read_into(self, name, buffer):
        """Fill ``buffer`` (a writable, C-contiguous byte buffer of exactly the member's size) with
        member ``name``: no intermediate copy of a large tensor. The CRC is checked at the end."""
        info = self.info(name)
        view = memoryview(buffer).cast("B")
        if info.file_size != view.nbytes:
            raise ValueError(f"{name} holds {info.file_size} bytes, but {view.nbytes} are expected")
        self._spend(name, info.file_size)
        with self.zip.open(info) as member:
            done = 0
            while done < view.nbytes:
                n = member.readinto(view[done:done + (1 << 24)])
                if not n:
                    raise EOFError(f"{name} ends after {done} of {view.nbytes} bytes")
                done += n
            if member.read(1):  # reading to the end makes zipfile check the CRC
                raise ValueError(f"{name} holds more than its declared {view.nbytes} bytes")

    def data_offset(self, name):
        """Where a stored member's bytes start in the file (for mapping it into memory)."""
        info = self.info(name)
        if info.compress_type != zipfile.ZIP_STORED:
            raise ValueError(f"{name} is compressed, so it cannot be mapped into memory")
        self.fh.seek(info.header_offset)
        header = self.fh.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise ValueError(f"{name}: bad local file header")
        name_len = int.from_bytes(header[26:28], "little")
        extra_len = int.from_bytes(header[28:30], "little")
        offset = info.header_offset + 30 + name_len + extra_len
        if offset + info.file_size > self.archive_size:
            raise ValueError(f"{name} extends past the end of the file")
        return offset
