"""minigrad.save / minigrad.load on hostile or unusual files: missing directories (torch's error),
unsupported dtypes, re-compressed archives, forged sizes (zip bombs), truncation, sharing."""
import io
import re
import json
import struct
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn

TENSOR = {"$": "tensor", "i": 0, "grad": False, "param": False}


def _archive(path, arr, structure=TENSOR, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        z.writestr("minigrad/format", b"minigrad-checkpoint 1\n")
        z.writestr("minigrad/structure.json", json.dumps(structure))
        buf = io.BytesIO()
        np.save(buf, arr, allow_pickle=False)
        z.writestr("minigrad/tensors/0.npy", buf.getvalue())
    return path


def _recompress(src, dst, compression):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression=compression) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
    return dst


def _set_declared_size(path, member, size):
    """Forge the uncompressed size that the central directory declares for ``member``."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + name_len] == name:
            struct.pack_into("<I", data, pos + 24, size)
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("relative", [False, True])
def test_save_into_missing_directory_as_torch(tmp_path, monkeypatch, relative):
    torch = pytest.importorskip("torch")
    monkeypatch.chdir(tmp_path)
    target = "no_such_dir/sub/model.pt" if relative else str(tmp_path / "no_such_dir" / "model.pt")
    with pytest.raises(RuntimeError) as theirs:
        torch.save({"w": torch.zeros(1)}, target)
    with pytest.raises(RuntimeError) as ours:
        minigrad.save({"w": minigrad.zeros(1)}, target)
    assert str(ours.value) == str(theirs.value)
    minigrad.save({"w": minigrad.zeros(1)}, "in_cwd.mg")  # no directory part: the working directory
    assert minigrad.load("in_cwd.mg")["w"].shape == (1,)


@pytest.mark.parametrize("dtype", [">f4", ">i8", "float16", "complex64", "uint16", "datetime64[s]", "<U3"])
def test_unsupported_tensor_dtypes_are_refused(tmp_path, dtype):
    path = _archive(tmp_path / f"odd{len(dtype)}_{dtype[1:3]}.mg", np.zeros(3, dtype=dtype))
    with pytest.raises(RuntimeError, match=re.escape(f"{path.name} holds data minigrad cannot load")):
        minigrad.load(path)


def test_numpy_arrays_of_other_dtypes_still_load(tmp_path):
    # a saved numpy array (not a tensor) comes back as that numpy array, whatever its dtype
    half = np.arange(4, dtype=np.float16)
    minigrad.save({"a": half, "big": np.arange(3, dtype=">i4")}, tmp_path / "np.mg")
    back = minigrad.load(tmp_path / "np.mg")
    assert back["a"].dtype == np.float16 and np.array_equal(back["a"], half)
    assert np.array_equal(back["big"], [0, 1, 2])


def test_highly_compressible_data_loads(tmp_path):
    zeros = minigrad.zeros(5_000_000)
    minigrad.save({"z": zeros}, tmp_path / "zeros.mg")
    assert minigrad.equal(minigrad.load(tmp_path / "zeros.mg")["z"], zeros)
    # re-compressed with deflate: all zeros reach deflate's maximum ratio (about 1030:1)
    deflated = _recompress(tmp_path / "zeros.mg", tmp_path / "deflated.mg", zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(deflated) as z:
        info = z.getinfo("minigrad/tensors/0.npy")
        assert info.file_size > 1000 * info.compress_size  # what the old 1000:1 guard refused
    assert minigrad.equal(minigrad.load(deflated)["z"], zeros)


def test_forged_sizes_and_other_compressions_are_refused(tmp_path):
    path = _archive(tmp_path / "bomb.mg", np.zeros(100_000, np.float32),
                    compression=zipfile.ZIP_DEFLATED)
    _set_declared_size(path, "minigrad/tensors/0.npy", 2**32 - 1)
    with pytest.raises(RuntimeError, match=r"bomb.mg is corrupt.*more than"):
        minigrad.load(path)
    stored = _archive(tmp_path / "stored.mg", np.zeros(10, np.float32))
    _set_declared_size(stored, "minigrad/tensors/0.npy", 10**6)
    with pytest.raises(RuntimeError, match="stored.mg is corrupt"):
        minigrad.load(stored)
    bz = _recompress(_archive(tmp_path / "src.mg", np.zeros(10, np.float32)), tmp_path / "bz.mg",
                     zipfile.ZIP_BZIP2)
    with pytest.raises(RuntimeError, match="bz.mg is corrupt.*compression method 12"):
        minigrad.load(bz)


def test_overlapping_members_are_bounded_in_total(tmp_path, monkeypatch):
    from minigrad import serialization

    structure = {"$": "dict", "items": [[str(i), {"$": "ndarray", "i": 0}] for i in range(50)]}
    path = _archive(tmp_path / "overlap.mg", np.zeros(200_000, np.float32), structure,
                    compression=zipfile.ZIP_DEFLATED)
    monkeypatch.setattr(serialization, "_SLACK", 0)
    with pytest.raises(RuntimeError, match="overlap.mg is corrupt.*more than the archive's size"):
        minigrad.load(path)  # one member read 50 times: 40 MB from a file of a few kB


def test_every_truncation_is_one_clear_error(tmp_path):
    good = tmp_path / "good.mg"
    minigrad.save({"w": minigrad.randn(20, 5), "b": minigrad.zeros(5), "step": 3}, good)
    data = good.read_bytes()
    for cut in range(0, len(data), max(1, len(data) // 97)):
        p = tmp_path / f"cut{cut}.mg"
        p.write_bytes(data[:cut])
        with pytest.raises(RuntimeError, match=f"cut{cut}.mg"):
            minigrad.load(p)


def test_shared_tensor_and_metadata_round_trip(tmp_path):
    torch = pytest.importorskip("torch")
    w = minigrad.randn(3, 2)
    minigrad.save({"a": w, "b": w, "view": w[0]}, tmp_path / "shared.mg")
    back = minigrad.load(tmp_path / "shared.mg")
    assert back["a"] is back["b"]  # the same object twice: one tensor, as torch.load gives
    back["a"][0, 0] = 5.0
    assert back["b"][0, 0].item() == 5.0
    assert back["view"][0].item() != 5.0  # a view is saved as its own array (documented)
    sd = nn.Sequential(nn.Linear(2, 2)).state_dict()
    minigrad.save(sd, tmp_path / "sd.mg")
    loaded = minigrad.load(tmp_path / "sd.mg")
    assert type(loaded) is OrderedDict and loaded._metadata == sd._metadata
    buf = io.BytesIO()
    tsd = torch.nn.Sequential(torch.nn.Linear(2, 2)).state_dict()
    torch.save(tsd, buf)
    buf.seek(0)
    assert torch.load(buf)._metadata == loaded._metadata
