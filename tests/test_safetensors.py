"""minigrad.safetensors against the real ``safetensors`` package and PyTorch: the same bytes, files
that move both ways, the package's errors, and damaged or hostile files (fuzzed against it)."""
import io
import json
import random
import struct

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad import safetensors as mst

torch = pytest.importorskip("torch")
st = pytest.importorskip("safetensors.torch")
safetensors = pytest.importorskip("safetensors")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float32", "float64"]


def _tensors():
    rng = np.random.default_rng(0)
    out = {}
    for i, name in enumerate(DTYPES):
        if name == "bool":
            arr = rng.random((3, 4)) > 0.5
        elif name.startswith(("int", "uint")):
            info = np.iinfo(name)
            arr = rng.integers(info.min, info.max, (3, 4), dtype=name, endpoint=True)
        else:
            arr = rng.standard_normal((3, 4)).astype(name)
            arr[0, :3] = [np.nan, -np.inf, -0.0]
        out[f"t_{name}"] = minigrad.tensor(arr)
    out["scalar"] = minigrad.tensor(2.5, dtype=minigrad.float64)
    out["empty"] = minigrad.zeros(0, 5, dtype=minigrad.int32)
    out["zz_unicode_名"] = minigrad.ones(2)
    return out


def _to_torch(tensors):
    return {k: torch.from_numpy(v.numpy().copy()) for k, v in tensors.items()}


def _same(m, t):
    assert m.dtype.name == str(t.dtype).split(".")[1] and tuple(m.shape) == tuple(t.shape)
    assert m.numpy().tobytes() == t.numpy().tobytes()


def _split(data):
    n = struct.unpack("<Q", data[:8])[0]
    return json.loads(data[8:8 + n]), data[8:8 + n], data[8 + n:]


def test_the_same_bytes_as_the_package():
    tensors = _tensors()
    for metadata in (None, {"note": "ü \" \\ \n"}):
        assert mst.save(tensors, metadata=metadata) == st.save(_to_torch(tensors), metadata=metadata)
    assert mst.save({}) == st.save({})
    # with several metadata entries, the package orders them as its hash map does (it varies
    # from run to run): the same header otherwise, and the same data
    metadata = {"format": "pt", "b": "2", "a": "1"}
    ours, theirs = (_split(mst.save(tensors, metadata)), _split(st.save(_to_torch(tensors), metadata)))
    assert ours[0] == theirs[0] and list(ours[0]) == list(theirs[0])
    assert len(ours[1]) == len(theirs[1]) and ours[2] == theirs[2]


def test_files_move_both_ways(tmp_path):
    tensors = _tensors()
    mst.save_file(tensors, tmp_path / "ours.safetensors", metadata={"k": "v"})
    theirs = st.load_file(tmp_path / "ours.safetensors")
    assert set(theirs) == set(tensors)
    for k in tensors:
        _same(tensors[k], theirs[k])
    with safetensors.safe_open(str(tmp_path / "ours.safetensors"), framework="pt") as f:
        assert f.metadata() == {"k": "v"}
    st.save_file(_to_torch(tensors), tmp_path / "theirs.safetensors")
    for back in (mst.load_file(tmp_path / "theirs.safetensors"),
                 mst.load((tmp_path / "theirs.safetensors").read_bytes()),
                 minigrad.load(tmp_path / "theirs.safetensors")):  # as torch.load dispatches
        assert set(back) == set(tensors)
        for k in tensors:
            _same(back[k], _to_torch(tensors)[k])
            back[k][...] = back[k]  # writable
    assert set(torch.load(tmp_path / "ours.safetensors")) == set(tensors)


def test_a_minigrad_model_in_pytorch_and_back(tmp_path):
    minigrad.manual_seed(0)
    net = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)).to(minigrad.float64)
    mst.save_file(net.state_dict(), tmp_path / "net.safetensors")
    tnet = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)).double()
    tnet.load_state_dict(st.load_file(tmp_path / "net.safetensors"))
    x = np.random.default_rng(1).standard_normal((4, 5))
    ours = net(minigrad.tensor(x)).detach().numpy()
    theirs = tnet(torch.tensor(x)).detach().numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-14)  # float64: rounding only
    torch.nn.init.normal_(tnet[0].weight)
    st.save_file(tnet.state_dict(), tmp_path / "tnet.safetensors")
    net2 = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)).to(minigrad.float64)
    net2.load_state_dict(mst.load_file(tmp_path / "tnet.safetensors"))
    for k, v in tnet.state_dict().items():
        _same(net2.state_dict()[k], v)


def test_save_model_and_load_model_with_tied_weights(tmp_path):
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(3, 3)
            self.b = nn.Linear(3, 3)
            self.b.weight = self.a.weight

    class TorchTied(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Linear(3, 3)
            self.b = torch.nn.Linear(3, 3)
            self.b.weight = self.a.weight

    model = Tied()
    with pytest.raises(RuntimeError, match="Some tensors share memory"):
        mst.save_file(model.state_dict(), tmp_path / "x.safetensors")
    mst.save_model(model, tmp_path / "tied.safetensors")
    st.save_model(TorchTied(), tmp_path / "torch_tied.safetensors")
    for path in ("tied.safetensors", "torch_tied.safetensors"):
        with safetensors.safe_open(str(tmp_path / path), framework="pt") as f:
            assert set(f.keys()) == {"a.weight", "a.bias", "b.bias"}
            assert f.metadata() == {"b.weight": "a.weight"}
    fresh = Tied()
    assert mst.load_model(fresh, tmp_path / "torch_tied.safetensors") == (set(), [])
    assert fresh.b.weight is fresh.a.weight
    assert st.load_model(TorchTied(), tmp_path / "tied.safetensors") == (set(), [])


@pytest.mark.parametrize("make", [
    lambda L, T: [T(L.ones(2))],
    lambda L, T: {"a": 1},
    lambda L, T: {1: L.ones(2)},
    lambda L, T: {"t": L.ones(2, 3).t()},
    lambda L, T: {"a": L.ones(2)} if False else ({"a": L.ones(2)}, {"x": 1}),
    lambda L, T: ({"a": L.ones(2)}, [1]),
    lambda L, T: (lambda w: {"a": w, "b": w[0]})(L.ones(3, 2)),
])
def test_errors_on_save_as_the_package(make):
    def call(lib, save, T):
        args = make(lib, T)
        tensors, metadata = args if isinstance(args, tuple) else (args, None)
        try:
            save(tensors, metadata=metadata)
        except Exception as exc:  # noqa: BLE001
            return type(exc), str(exc)
        return None, None

    theirs = call(torch, st.save, lambda t: t)
    ours = call(minigrad, mst.save, lambda t: t)
    assert theirs[0] is not None and ours[0] is theirs[0]
    assert ours[1] == theirs[1].replace("torch.Tensor", "minigrad.Tensor")


# ====================================================================== damaged and hostile
def _file(header, data=b"", raw_header=None):
    text = raw_header if raw_header is not None else json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


HOSTILE = {
    "empty": b"",
    "short": b"\x01\x02",
    "huge_header_length": struct.pack("<Q", 2**62) + b"{}",
    "header_past_end": struct.pack("<Q", 100) + b"{}",
    "bad_json": _file(None, raw_header=b"{abc}"),
    "not_an_object": _file([1, 2]),
    "nul_in_header": _file(None, raw_header=b"{}\0\0"),
    "deep_json": _file(None, raw_header=b"[" * 100_000 + b"]" * 100_000),
    "unknown_dtype": _file({"a": {"dtype": "F17", "shape": [2], "data_offsets": [0, 8]}}, bytes(8)),
    "shape_mismatch": _file({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, bytes(8)),
    "out_of_range": _file({"a": {"dtype": "F32", "shape": [16], "data_offsets": [0, 64]}}, bytes(32)),
    "overlap": _file({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                      "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, bytes(12)),
    "gap": _file({"a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}, bytes(16)),
    "reversed": _file({"a": {"dtype": "F32", "shape": [0], "data_offsets": [8, 0]}}, bytes(8)),
    "trailing_bytes": _file({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, bytes(16)),
    "negative_dim": _file({"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}, bytes(8)),
    "float_dim": _file({"a": {"dtype": "F32", "shape": [2.0], "data_offsets": [0, 8]}}, bytes(8)),
    "huge_shape": _file({"a": {"dtype": "F32", "shape": [2**40, 2**40], "data_offsets": [0, 8]}}, bytes(8)),
    "missing_offsets": _file({"a": {"dtype": "F32", "shape": [2]}}, bytes(8)),
    "metadata_not_text": _file({"__metadata__": {"a": 1}}),
    "duplicate_names": _file(None, b"\x01\x02", raw_header=(
        b'{"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}, '
        b'"a": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}}')),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_files_are_errors_as_in_the_package(tmp_path, case):
    data = HOSTILE[case]
    with pytest.raises(safetensors.SafetensorError) as theirs:
        st.load(data)
    with pytest.raises(mst.SafetensorError) as ours:
        mst.load(data)
    # the package's reasons (the wording of JSON errors comes from each JSON parser)
    reason = str(theirs.value).split(": ", 1)[1]
    if not reason.startswith("invalid JSON in header"):
        assert str(ours.value) == str(theirs.value)
    else:
        assert str(ours.value).startswith("Error while deserializing: invalid JSON in header")
    path = tmp_path / f"{case}.safetensors"
    path.write_bytes(data)
    with pytest.raises(mst.SafetensorError, match=f"Error while deserializing header: .*{case}.safetensors"):
        mst.load_file(path)


def test_fuzzed_files_agree_with_the_package():
    """Random truncations, bit flips and byte changes of a valid file: minigrad loads exactly
    what the package loads, and refuses exactly what it refuses (dtypes minigrad lacks aside)."""
    good = st.save(_to_torch(_tensors()), metadata={"m": "x"})
    rng = random.Random(3)
    agreed = {"loaded": 0, "refused": 0}
    for i in range(600):
        data = bytearray(good)
        kind = i % 3
        if kind == 0:
            data = data[:rng.randrange(len(data))]
        else:
            for _ in range(rng.choice([1, 2, 3])):
                pos = rng.randrange(min(len(data), 8 + 400) if kind == 1 else len(data))
                data[pos] = rng.randrange(256) if kind == 1 else data[pos] ^ (1 << rng.randrange(8))
        data = bytes(data)
        try:
            theirs = st.load(data)
        except safetensors.SafetensorError:
            theirs = None
        try:
            ours = mst.load(data)
        except mst.SafetensorError as exc:
            if theirs is not None and any(t.dtype not in (torch.bool, torch.uint8, torch.int8,
                                                          torch.int16, torch.int32, torch.int64,
                                                          torch.float32, torch.float64)
                                          for t in theirs.values()):
                assert "which minigrad does not have" in str(exc)
                continue
            assert theirs is None, f"minigrad refused what the package loads: {exc}"
            agreed["refused"] += 1
            continue
        assert theirs is not None, "minigrad loaded what the package refuses"
        assert set(ours) == set(theirs)
        for k in ours:
            assert ours[k].numpy().tobytes() == theirs[k].numpy().tobytes()
            assert tuple(ours[k].shape) == tuple(theirs[k].shape)
        agreed["loaded"] += 1
    assert agreed["loaded"] > 20 and agreed["refused"] > 100


def test_dtypes_minigrad_lacks_are_named(tmp_path):
    data = st.save({"h": torch.ones(2, dtype=torch.float16), "w": torch.ones(2)})
    with pytest.raises(mst.SafetensorError, match="tensor `h` has dtype F16, which minigrad does not have"):
        mst.load(data)


def test_arguments_as_the_package(tmp_path):
    mst.save_file({"w": minigrad.ones(2)}, tmp_path / "w.safetensors")
    for lib, err in ((st, safetensors.SafetensorError), (mst, mst.SafetensorError)):
        with pytest.raises(err, match='backend "bogus" is invalid \\(expected one of: "mmap", "pread"\\)'):
            lib.load_file(tmp_path / "w.safetensors", backend="bogus")
        assert lib.load_file(tmp_path / "w.safetensors", backend="pread")["w"].tolist() == [1.0, 1.0]
        with pytest.raises(FileNotFoundError, match="No such file or directory"):
            lib.load_file(tmp_path / "missing.safetensors")
    for ml, message in (({"cpu": "cpu"}, "dict map_location is not supported"),
                        (lambda s, loc: s, "callable map_location is not supported")):
        for lib in (torch, minigrad):
            with pytest.raises(RuntimeError, match=message):
                lib.load(tmp_path / "w.safetensors", map_location=ml)
    assert minigrad.load(tmp_path / "w.safetensors", map_location="cpu")["w"].tolist() == [1.0, 1.0]


def test_save_file_is_atomic(tmp_path):
    path = tmp_path / "w.safetensors"
    mst.save_file({"w": minigrad.ones(2)}, path)
    with pytest.raises(ValueError):
        mst.save_file({"t": minigrad.ones(2, 3).t()}, path)
    assert mst.load_file(path)["w"].tolist() == [1.0, 1.0]
    assert [p.name for p in tmp_path.iterdir()] == ["w.safetensors"]
    buf = io.BytesIO(mst.save({"w": minigrad.ones(1)}))
    assert mst.load(buf.getvalue())["w"].tolist() == [1.0]
