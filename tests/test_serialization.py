"""minigrad.save / minigrad.load: PyTorch's checkpoint format both ways, exact round trips, and
PyTorch's weights_only contract (compared with PyTorch 2.13 by calling it)."""
import io
import os
import pickle
import sys
import warnings
import zipfile
from collections import Counter, OrderedDict

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad import serialization

torch = pytest.importorskip("torch")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float32", "float64"]
DATA = os.path.join(os.path.dirname(__file__), "data")


def _values(dtype, shape=(2, 3)):
    n = int(np.prod(shape))
    if dtype == "bool":
        return (np.arange(n) % 3 == 0).reshape(shape)
    if dtype[0] in "ui":
        info = np.iinfo(dtype)
        return np.array(([info.min, info.max, 0, 1, info.max // 3, info.min // 5] * n)[:n],
                        dtype=dtype).reshape(shape)
    return np.array([1.5, -0.0, np.nan, np.inf, -np.inf, 1e-40][:n] + [0.1] * (n - 6),
                    dtype=dtype).reshape(shape)


def _same(m, t):
    """A minigrad tensor and a torch tensor with the same dtype, shape, strides and bytes."""
    assert m.dtype.name == str(t.dtype).split(".")[1]
    assert tuple(m.shape) == tuple(t.shape) and m.stride() == t.stride()
    a, b = m.detach().numpy(), t.detach().numpy()
    assert a.tobytes() == b.tobytes() or np.array_equal(a, b, equal_nan=True)
    assert m.requires_grad == t.requires_grad


def _mg_net():
    minigrad.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Dropout(0.5), nn.Linear(3, 2))


def _torch_net():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Dropout(0.5),
                               torch.nn.Linear(3, 2))


def _through(obj, **save_kw):
    buf = io.BytesIO()
    minigrad.save(obj, buf, **save_kw)
    buf.seek(0)
    return buf


def _torch_file(obj, **kw):
    buf = io.BytesIO()
    torch.save(obj, buf, **kw)
    buf.seek(0)
    return buf


# ================================================================== state dicts, both directions
def test_model_state_dict_round_trip_and_into_torch(tmp_path):
    net = _mg_net()
    path = tmp_path / "model.pt"
    minigrad.save(net.state_dict(), path)
    back = minigrad.load(path)
    assert type(back) is OrderedDict and list(back) == list(net.state_dict())
    assert back._metadata == net.state_dict()._metadata
    for k, v in net.state_dict().items():
        assert back[k].numpy().tobytes() == v.numpy().tobytes() and back[k].dtype == v.dtype
    theirs = torch.load(path, weights_only=True)
    assert type(theirs) is OrderedDict and theirs._metadata == back._metadata
    for k, v in net.state_dict().items():
        _same(v, theirs[k])
    tnet = _torch_net().eval()
    assert repr(tnet.load_state_dict(theirs)) == "<All keys matched successfully>"
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    net.eval()
    np.testing.assert_allclose(net(minigrad.tensor(x)).detach().numpy(),
                               tnet(torch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-7)


def test_torch_state_dict_loads_into_minigrad(tmp_path):
    tnet = _torch_net()
    path = tmp_path / "torch_model.pt"
    torch.save(tnet.state_dict(), path)
    sd = minigrad.load(path)
    assert type(sd) is OrderedDict and sd._metadata == tnet.state_dict()._metadata
    for k, v in tnet.state_dict().items():
        _same(sd[k], v)
    net = _mg_net()
    assert repr(net.load_state_dict(sd)) == "<All keys matched successfully>"
    for k, v in tnet.state_dict().items():
        assert net.state_dict()[k].numpy().tobytes() == v.numpy().tobytes()


@pytest.mark.parametrize("opt_name", ["SGD", "Adam", "AdamW"])
def test_optimizer_state_dicts_both_ways(opt_name):
    kwargs = {"lr": 0.01, "momentum": 0.9} if opt_name == "SGD" else {"lr": 0.01}
    net, tnet = _mg_net(), _torch_net()
    tnet.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in net.state_dict().items()})
    opt = getattr(minigrad.optim, opt_name)(net.parameters(), **kwargs)
    topt = getattr(torch.optim, opt_name)(tnet.parameters(), **kwargs)
    x = np.ones((2, 4), np.float32)
    for o, m, t in ((opt, net, minigrad), (topt, tnet, torch)):
        m(t.tensor(x)).sum().backward()
        o.step()
    ours, theirs = opt.state_dict(), topt.state_dict()
    read_by_torch = torch.load(_through(ours), weights_only=True)
    read_by_minigrad = minigrad.load(_torch_file(theirs))
    for a, b in ((ours, read_by_torch), (read_by_minigrad, theirs)):
        assert list(a["state"]) == list(b["state"]) == [0, 1, 2, 3]
        assert a["param_groups"] == b["param_groups"]
        for i in a["state"]:
            assert a["state"][i].keys() == b["state"][i].keys()
            for key, value in a["state"][i].items():
                if isinstance(value, minigrad.Tensor):
                    _same(value, b["state"][i][key])
    # each loads into the other library's optimizer
    topt2 = getattr(torch.optim, opt_name)(_torch_net().parameters(), lr=0.5)
    topt2.load_state_dict(read_by_torch)
    opt2 = getattr(minigrad.optim, opt_name)(_mg_net().parameters(), lr=0.5)
    opt2.load_state_dict(read_by_minigrad)
    assert opt2.param_groups[0]["lr"] == topt2.param_groups[0]["lr"] == 0.01


# ============================================================================ tensors, exactly
@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_both_ways(dtype):
    arr = _values(dtype)
    ours = {"t": minigrad.tensor(arr), "0d": minigrad.tensor(arr.reshape(-1)[1]),
            "empty": minigrad.tensor(arr.reshape(-1)[:0].reshape(0, 2))}
    theirs = torch.load(_through(ours), weights_only=True)
    back = minigrad.load(_through(ours))
    for k in ours:
        _same(ours[k], theirs[k])
        _same(back[k], theirs[k])
    from_torch = minigrad.load(_torch_file({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.items()}))
    for k in ours:
        _same(from_torch[k], theirs[k])


def test_views_share_their_storage_as_in_torch():
    w = minigrad.arange(24.0).reshape(4, 6)
    obj = {"w": w, "row": w[1], "t": w.t(), "cols": w[:, 1:5:2], "w_again": w,
           "other": minigrad.ones(3)}
    tw = torch.arange(24.0).reshape(4, 6)
    tobj = {"w": tw, "row": tw[1], "t": tw.t(), "cols": tw[:, 1:5:2], "w_again": tw,
            "other": torch.ones(3)}
    for back, theirs in ((minigrad.load(_through(obj)), torch.load(_through(obj), weights_only=True)),
                         (minigrad.load(_torch_file(tobj)), torch.load(_torch_file(tobj)))):
        for k in obj:
            _same(back[k], theirs[k])
        assert back["w"] is back["w_again"] and theirs["w"] is theirs["w_again"]
        back["w"][1, 3] = -7.0
        theirs["w"][1, 3] = -7.0
        for k in ("row", "t", "cols"):  # the write shows through every view, in both
            _same(back[k], theirs[k])
        assert back["row"][3].item() == -7.0
    with zipfile.ZipFile(_through(obj)) as z:  # one storage for the five views, one for "other"
        assert sorted(n for n in z.namelist() if "/data/" in n) == ["archive/data/0", "archive/data/1"]


def test_non_contiguous_and_odd_layouts():
    base = minigrad.arange(60, dtype=minigrad.float64).reshape(3, 4, 5)
    obj = {"permuted": base.permute(2, 0, 1), "stepped": base[::2, 1:, ::3],
           "flipped": minigrad.from_numpy(base.numpy()[::-1]),  # negative strides: saved as a copy
           "expanded": minigrad.ones(1, 3).expand(4, 3), "scalar_view": base[1, 2, 3]}
    back = minigrad.load(_through(obj))
    theirs = torch.load(_through(obj), weights_only=True)
    for k, v in obj.items():
        assert np.array_equal(back[k].numpy(), v.numpy()) and back[k].shape == v.shape
        assert np.array_equal(theirs[k].numpy(), v.numpy())
        if k != "flipped":
            assert back[k].stride() == v.stride() == theirs[k].stride()
        _same(back[k], theirs[k])


def test_requires_grad_and_parameters_both_ways():
    obj = {"p": nn.Parameter(minigrad.ones(2)), "frozen": nn.Parameter(minigrad.ones(2), requires_grad=False),
           "g": minigrad.ones(3, requires_grad=True), "plain": minigrad.zeros(1)}
    theirs = torch.load(_through(obj), weights_only=True)
    back = minigrad.load(_through(obj))
    for k in obj:
        _same(back[k], theirs[k])
        assert isinstance(back[k], nn.Parameter) == isinstance(theirs[k], torch.nn.Parameter) == (k in ("p", "frozen"))
    tobj = {"p": torch.nn.Parameter(torch.ones(2)), "g": torch.ones(3, requires_grad=True)}
    from_torch = minigrad.load(_torch_file(tobj))
    assert isinstance(from_torch["p"], nn.Parameter) and from_torch["p"].requires_grad
    assert from_torch["g"].requires_grad and not isinstance(from_torch["g"], nn.Parameter)


def test_tensor_attributes_round_trip_as_in_torch():
    t, p = minigrad.ones(2), nn.Parameter(minigrad.ones(3))
    tt, tp = torch.ones(2), torch.nn.Parameter(torch.ones(3))
    for x in (t, p, tt, tp):
        x.note = "kept"
    for back in (minigrad.load(_through([t, p])), torch.load(_through([t, p]), weights_only=True),
                 minigrad.load(_torch_file([tt, tp]))):
        assert back[0].note == back[1].note == "kept"
        assert back[1].requires_grad and type(back[1]).__name__ == "Parameter"


def test_loaded_views_keep_sharing_when_saved_again():
    """Loaded tensors view their storage's bytes: saving them again finds the sharing again."""
    w = minigrad.arange(6.0).reshape(2, 3)
    once = minigrad.load(_through({"w": w, "t": w.t()}))
    twice = minigrad.load(_through(once))
    twice["w"][0, 1] = 9.0
    assert twice["t"][1, 0].item() == 9.0
    with zipfile.ZipFile(_through(once)) as z:
        assert sum("/data/" in n for n in z.namelist()) == 1


# ========================================================================== plain data, exactly
def _plain(lib):
    return {
        "ints": [0, -1, 255, 2**31, -2**63, 2**70], "floats": (1.5, float("inf"), -0.0),
        "nan": float("nan"), "text": "中文 \n", "none": None, "flags": (True, False),
        7: "int key", 2.5: "float key", (1, "a"): "tuple key", None: "none key",
        "bytes": b"\x00\xffab", "bytearray": bytearray(b"xy"), "set": {1, 2}, "complex": 1 - 2j,
        "od": OrderedDict([("b", 1), ("a", 2)]), "counter": Counter("aab"), "nested": [[[{}]], ()],
        "size": lib.Size([2, 3]), "dtype": lib.float64, "device": lib.device("cpu"),
    }


def test_plain_data_both_ways():
    ours = minigrad.load(_through(_plain(minigrad)))
    theirs = torch.load(_through(_plain(minigrad)), weights_only=True)
    from_torch = minigrad.load(_torch_file(_plain(torch)))
    for got in (ours, from_torch):
        assert list(got) == list(theirs) and [type(k) for k in got] == [type(k) for k in theirs]
        for k, v in theirs.items():
            if k == "nan":
                assert np.isnan(got[k])
            elif k == "size":
                assert isinstance(got[k], minigrad.Size) and tuple(got[k]) == tuple(v)
            elif k == "dtype":
                assert got[k] is minigrad.float64
            elif k == "device":
                assert got[k] == minigrad.device("cpu")
            else:
                assert got[k] == v and type(got[k]) is type(v), k
    assert type(ours["od"]) is OrderedDict and list(ours["od"]) == ["b", "a"]


@pytest.mark.parametrize("protocol", [1, 2, 3, 4, 5])
def test_pickle_protocols(protocol):
    """minigrad reads protocols 3-5 with weights_only too (PyTorch's loader reads 2 and 3 only)."""
    obj = {"w": minigrad.arange(3), "s": "x" * 300, "b": b"raw", "set": {1}, "big": -2**80,
           "flag": True, "f": 0.1}
    back = minigrad.load(_through(obj, pickle_protocol=protocol))
    assert back == {**obj, "w": back["w"]} and type(back["flag"]) is bool
    assert back["w"].tolist() == [0, 1, 2]
    theirs = torch.load(_through(obj, pickle_protocol=protocol), weights_only=False)
    assert theirs["w"].tolist() == [0, 1, 2] and theirs["s"] == obj["s"]


# ====================================================== whole objects and the weights_only error
def _translated(torch_message):
    """PyTorch's weights_only message, as minigrad words it: minigrad's names, and the sentences
    about PyTorch 2.6's change of default and about PyTorch's documentation said of minigrad."""
    m = torch_message.replace(
        "In PyTorch 2.6, we changed the default value of the `weights_only` argument in "
        "`torch.load` from `False` to `True`.",
        "`minigrad.load` defaults to `weights_only=True`, as `torch.load` does since PyTorch 2.6.")
    m = m.replace(
        "Check the documentation of torch.load to learn more about types accepted by default "
        "with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.",
        "Check the documentation of minigrad.load (help(minigrad.load)) to learn more about types "
        "accepted by default with weights_only.")
    m = m.replace("Re-running `torch.load`", "Re-running `minigrad.load`")
    return m.replace("torch.serialization", "minigrad.serialization")


class Custom:
    """A user class: pickled by reference, refused by weights_only loading."""

    def __init__(self, value=0):
        self.value = value


@pytest.mark.parametrize("make", [
    lambda lib: Custom(3),
    lambda lib: {"a": np.ones(2)},
    lambda lib: {"scalar": np.float32(2)},
    lambda lib: [print],
])
def test_weights_only_refusal_is_pytorchs_error(make):
    with pytest.raises(pickle.UnpicklingError) as theirs:
        torch.load(_torch_file(make(torch)))
    with pytest.raises(pickle.UnpicklingError) as ours:
        minigrad.load(_through(make(minigrad)))
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == _translated(str(theirs.value))
    # and minigrad reads PyTorch's file the same way
    with pytest.raises(pickle.UnpicklingError) as ours_of_theirs:
        minigrad.load(_torch_file(make(torch)))
    assert str(ours_of_theirs.value) == str(ours.value)


def test_unsupported_operation_message_as_torch():
    """A file whose pickle uses an operation the weights_only loaders do not run (an INST opcode
    of protocol 0): PyTorch's "Unsupported operand" wording, and the "file an issue" form."""
    data = b"(i" + __name__.encode() + b"\nCustom\n(dp0\nb."
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("archive/data.pkl", data)
        z.writestr("archive/version", "3\n")
    for lib in (torch, minigrad):
        buf.seek(0)
        with pytest.raises(pickle.UnpicklingError) as info:
            lib.load(buf)
        message = str(info.value)
        if lib is torch:
            expected = _translated(message)
        else:
            assert message == expected
    assert "Unsupported operand 40" in expected or "Unsupported operand" in expected


def test_whole_model_needs_weights_only_false(tmp_path):
    net = _mg_net().eval()
    path = tmp_path / "net.pt"
    minigrad.save(net, path)
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL minigrad.nn.modules.container.Sequential"):
        minigrad.load(path)
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        torch.load(path)  # PyTorch refuses it the same way
    back = minigrad.load(path, weights_only=False)
    assert type(back) is nn.Sequential and isinstance(back[0].weight, nn.Parameter)
    x = minigrad.randn(3, 4)
    assert np.array_equal(back(x).detach().numpy(), net(x).detach().numpy())
    with serialization.safe_globals([Custom]):
        assert minigrad.load(_through(Custom(5))).value == 5
    assert serialization.get_safe_globals() == []


def test_pytorch_whole_model_refused_by_default():
    tnet = _torch_net()
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL torch.nn.modules.container.Sequential was not an allowed global"):
        minigrad.load(_torch_file(tnet))


def test_safe_globals_api_as_torch():
    serialization.add_safe_globals([Custom, (Custom, "elsewhere.Custom")])
    try:
        assert set(serialization.get_safe_globals()) == {Custom, (Custom, "elsewhere.Custom")}
        assert minigrad.load(_through({"c": Custom(2)}))["c"].value == 2
    finally:
        serialization.clear_safe_globals()
    assert serialization.get_safe_globals() == []
    theirs = torch.serialization.get_unsafe_globals_in_checkpoint(_torch_file({"c": Custom(1), "w": torch.ones(1)}))
    ours = serialization.get_unsafe_globals_in_checkpoint(_through({"c": Custom(1), "w": minigrad.ones(1)}))
    assert ours == theirs == [f"{__name__}.Custom"]


def test_blocked_modules_stay_blocked():
    data = b"\x80\x02cos\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03."
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("archive/data.pkl", data)
        z.writestr("archive/version", "3\n")
    messages = []
    for lib in (torch, minigrad):
        lib.serialization.add_safe_globals([os.system])
        try:
            buf.seek(0)
            with pytest.raises(pickle.UnpicklingError) as info:
                lib.load(buf)
            messages.append(str(info.value))
        finally:
            lib.serialization.clear_safe_globals()
    assert messages[1] == _translated(messages[0])
    assert "whose module os is blocked" in messages[1]


def test_allowed_names_are_pytorchs():
    """minigrad's table of allowed globals has exactly PyTorch's names: each one mapped to a
    minigrad object, or listed as data minigrad cannot represent."""
    from torch._weights_only_unpickler import _get_allowed_globals

    from minigrad._serialization.torch_globals import ALLOWED_GLOBALS, UNREPRESENTABLE

    ours = set(ALLOWED_GLOBALS) | set(UNREPRESENTABLE)
    assert not set(ALLOWED_GLOBALS) & set(UNREPRESENTABLE)
    cuda_aliases = {n for n in ALLOWED_GLOBALS if n.startswith("torch.cuda.") and n.endswith("Storage")}
    assert ours == set(_get_allowed_globals()) | cuda_aliases


def test_unrepresentable_torch_data_is_refused_clearly():
    for value, what in ((torch.ones(2, dtype=torch.float16), "torch.HalfStorage"),
                        (torch.ones(2, dtype=torch.complex64), "ComplexFloatStorage"),
                        (torch.ones(2, dtype=torch.uint16), "torch.uint16"),
                        (torch.ones(2).to_sparse(), "sparse"),
                        (torch.bfloat16, "torch.bfloat16")):
        with pytest.raises(RuntimeError, match=f"holds data minigrad cannot load: .*{what}"):
            minigrad.load(_torch_file({"x": value}))


# ==================================================================== arguments as torch's
def _cuda_file():
    """A checkpoint whose storage is tagged 'cuda:0' (as saved on a GPU)."""
    data = _through({"w": minigrad.arange(3.0)}).getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        records = {n: zin.read(n) for n in zin.namelist()}
    pkl = records["archive/data.pkl"]
    records["archive/data.pkl"] = pkl.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n, v in records.items():
            z.writestr(n, v)
    return out.getvalue()


def test_map_location_as_torch():
    data = _cuda_file()
    with pytest.raises(RuntimeError) as theirs:
        torch.load(io.BytesIO(data))
    with pytest.raises(RuntimeError) as ours:
        minigrad.load(io.BytesIO(data))
    assert str(ours.value) == str(theirs.value).replace("torch.", "minigrad.")
    seen = []

    def keep(storage, location):
        seen.append(location)
        return storage

    for ml in ("cpu", b"cpu", minigrad.device("cpu"), {"cuda:0": "cpu"}, keep,
               lambda storage, location: storage.cpu()):
        assert minigrad.load(io.BytesIO(data), map_location=ml)["w"].tolist() == [0.0, 1.0, 2.0]
        if isinstance(ml, bytes):
            continue  # (PyTorch accepts bytes in its signature but fails on them: a TypeError)
        tml = torch.device("cpu") if isinstance(ml, minigrad.device) else ml
        assert torch.load(io.BytesIO(data), map_location=tml)["w"].tolist() == [0.0, 1.0, 2.0]
    assert seen == ["cuda:0", "cuda:0"]
    for ml in (lambda storage, location: None, {"cuda:1": "cpu"}):  # None / no mapping: the default
        with pytest.raises(RuntimeError, match="Attempting to deserialize object on a CUDA device"):
            minigrad.load(io.BytesIO(data), map_location=ml)


def test_mmap_as_torch(tmp_path):
    path = tmp_path / "m.pt"
    obj = {"w": minigrad.arange(1000.0), "i": minigrad.arange(7)}
    minigrad.save(obj, path)
    for back in (minigrad.load(path, mmap=True), minigrad.load(str(path), mmap=True)):
        assert back["w"].tolist() == obj["w"].tolist() and back["i"].tolist() == list(range(7))
        back["w"][0] = 5.0  # copy-on-write: the file is unchanged
    assert minigrad.load(path)["w"][0].item() == 0.0
    tpath = tmp_path / "t.pt"
    torch.save({"w": torch.arange(10.0)}, tpath)
    assert minigrad.load(tpath, mmap=True)["w"].tolist() == list(map(float, range(10)))
    for lib in (torch, minigrad):
        with pytest.raises(ValueError, match="f must be a file path in order to use the mmap argument"):
            lib.load(io.BytesIO(path.read_bytes()), mmap=True)


def test_pickle_module_and_weights_only_arguments_as_torch():
    data = _through({"a": 1}).getvalue()
    for lib in (torch, minigrad):
        with pytest.raises(RuntimeError, match="Can not safely load weights when explicit pickle_module is specified"):
            lib.load(io.BytesIO(data), pickle_module=pickle, weights_only=True)
        assert lib.load(io.BytesIO(data), pickle_module=pickle) == {"a": 1}  # then weights_only=False
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert lib.load(io.BytesIO(data), encoding="latin1") == {"a": 1}
        assert [str(w.message) for w in caught] == ["pickle_load_args only works if `weights_only=False`."]
        with pytest.raises(AttributeError, match="expected 'f' to be string, path, or a file-like object with a 'write' attribute"):
            lib.save({}, 3)
    model = _mg_net()
    assert isinstance(minigrad.load(_through(model), pickle_module=pickle), nn.Sequential)


def test_dill_style_pickle_module(tmp_path):
    """A pickle_module whose Pickler is pickle's Python one (as dill's): minigrad saves with it."""
    import types

    class LoggingPickler(pickle._Pickler):
        dispatch = dict(pickle._Pickler.dispatch)

    module = types.SimpleNamespace(Pickler=LoggingPickler, Unpickler=pickle.Unpickler, __name__="mine")
    minigrad.save({"w": minigrad.ones(2)}, tmp_path / "d.pt", pickle_module=module)
    assert torch.load(tmp_path / "d.pt", weights_only=True)["w"].tolist() == [1.0, 1.0]
    with pytest.raises(TypeError, match="pickle_module must be pickle or a module whose Pickler is written in Python"):
        minigrad.save({}, tmp_path / "x.pt", pickle_module=types.SimpleNamespace(Pickler=pickle.Pickler))


def test_archive_layout_as_torch(tmp_path):
    obj = {"w": minigrad.ones(3, 5), "b": minigrad.zeros(7, dtype=minigrad.int8)}
    for name, prefix in (("model.pt", "model"), ("my.model.pth", "my.model"), ("noext", "noext"),
                         (".pt", "archive")):
        minigrad.save(obj, tmp_path / name)
        with zipfile.ZipFile(tmp_path / name) as z:
            names = z.namelist()
            assert names[0] == f"{prefix}/data.pkl" and f"{prefix}/version" in names
            assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
            assert z.read(f"{prefix}/byteorder") == sys.byteorder.encode()
            raw = (tmp_path / name).read_bytes()
            for info in z.infolist():
                start = info.header_offset + 30 + int.from_bytes(raw[info.header_offset + 26:info.header_offset + 28], "little") \
                    + int.from_bytes(raw[info.header_offset + 28:info.header_offset + 30], "little")
                assert start % 64 == 0, info.filename  # storages can be mapped (as torch's)
        assert torch.load(tmp_path / name)["w"].shape == (3, 5)
    minigrad.save(obj, tmp_path / "nb.pt", _disable_byteorder_record=True)
    with zipfile.ZipFile(tmp_path / "nb.pt") as z:
        assert "nb/byteorder" not in z.namelist()
    assert minigrad.load(tmp_path / "nb.pt")["b"].dtype == minigrad.int8
    with pytest.raises(NotImplementedError, match="zip format only"):
        minigrad.save(obj, tmp_path / "old.pt", _use_new_zipfile_serialization=False)


def test_file_objects_and_streams(tmp_path):
    class Stream:  # write-only, cannot seek: zip's data descriptors, no alignment
        def __init__(self):
            self.chunks = []

        def write(self, b):
            self.chunks.append(bytes(b))
            return len(b)

        def flush(self):
            self.flushed = True

    s = Stream()
    minigrad.save({"w": minigrad.arange(5)}, s)
    assert s.flushed
    data = b"".join(s.chunks)
    assert torch.load(io.BytesIO(data))["w"].tolist() == list(range(5))

    class ReadOnly:  # cannot seek either
        def __init__(self, data):
            self.buf = io.BytesIO(data)

        def read(self, n=-1):
            return self.buf.read(n)

    assert minigrad.load(ReadOnly(data))["w"].tolist() == list(range(5))
    with open(tmp_path / "f.pt", "wb") as fh:
        fh.write(b"prefix")
        minigrad.save({"x": 1}, fh)
    with open(tmp_path / "f.pt", "rb") as fh:
        fh.read(6)
        assert minigrad.load(fh) == {"x": 1}


# ============================================================================ legacy minigrad
def _legacy_object():
    """The object stored in tests/data/legacy_checkpoint_v1.mg, which minigrad.save wrote in
    minigrad's first format (commit 7e63a23) from exactly this function."""
    lin = nn.Linear(3, 2)
    with minigrad.no_grad():
        lin.weight.copy_(minigrad.tensor(np.linspace(-1, 1, 6).reshape(2, 3), dtype=minigrad.float32))
        lin.bias.copy_(minigrad.tensor([0.25, -0.5]))
    opt = minigrad.optim.Adam(lin.parameters(), lr=0.01)
    lin(minigrad.ones(4, 3)).sum().backward()
    opt.step()
    base = minigrad.tensor(np.arange(12, dtype=np.float64).reshape(3, 4))
    shared = minigrad.tensor([1, 2, 3])
    return {
        "model": lin.state_dict(), "optimizer": opt.state_dict(),
        "dtypes": {
            "bool": minigrad.tensor([True, False, True]),
            "uint8": minigrad.tensor([0, 7, 255], dtype=minigrad.uint8),
            "int8": minigrad.tensor([-128, 0, 127], dtype=minigrad.int8),
            "int16": minigrad.tensor([-32768, 5, 32767], dtype=minigrad.int16),
            "int32": minigrad.tensor([-2**31, 6, 2**31 - 1], dtype=minigrad.int32),
            "int64": minigrad.tensor([-2**63, 7, 2**63 - 1], dtype=minigrad.int64),
            "float32": minigrad.tensor([1.5, -0.0, float("inf")], dtype=minigrad.float32),
            "float64": minigrad.tensor([float("nan"), 1e-310, -2.5], dtype=minigrad.float64),
        },
        "scalar": minigrad.tensor(3.25), "empty": minigrad.zeros(0, 3, dtype=minigrad.int64),
        "transposed": base.t(), "shared": [shared, shared],
        "param": nn.Parameter(minigrad.ones(2)), "needs_grad": minigrad.ones(2, requires_grad=True),
        "numbers": (1, 2.5, float("nan"), float("-inf"), True, None, "text", "中文", 2**70),
        7: "int key", (1, "a"): "tuple key", None: "none key",
        "size": minigrad.Size([2, 3]), "dtype": minigrad.float64, "array": np.arange(4.0),
    }


def _assert_equal_objects(a, b):
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, minigrad.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert a.numel() == 0 or a.stride() == b.stride()
        assert a.detach().numpy().tobytes() == b.detach().numpy().tobytes()
        assert a.requires_grad == b.requires_grad
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    elif isinstance(a, dict):
        assert list(a) == list(b) and [type(k) for k in a] == [type(k) for k in b]
        assert getattr(a, "_metadata", None) == getattr(b, "_metadata", None)
        for k in a:
            _assert_equal_objects(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_equal_objects(x, y)
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b)
    else:
        assert a == b


def test_files_in_minigrads_first_format_still_load():
    path = os.path.join(DATA, "legacy_checkpoint_v1.mg")
    back = minigrad.load(path)
    _assert_equal_objects(back, _legacy_object())
    assert back["shared"][0] is back["shared"][1]
    net = nn.Linear(3, 2)
    net.load_state_dict(back["model"])
    minigrad.optim.Adam(net.parameters()).load_state_dict(back["optimizer"])
    # and what it holds saves again, in PyTorch's format, for PyTorch
    del back["array"]
    theirs = torch.load(_through(back), weights_only=True)
    _same(back["dtypes"]["int64"], theirs["dtypes"]["int64"])


# ================================================================ no directory, no file
@pytest.mark.parametrize("relative", [False, True])
def test_save_into_missing_directory_as_torch(tmp_path, monkeypatch, relative):
    monkeypatch.chdir(tmp_path)
    target = "no_such_dir/sub/model.pt" if relative else str(tmp_path / "no_such_dir" / "model.pt")
    with pytest.raises(RuntimeError) as theirs:
        torch.save({"w": torch.zeros(1)}, target)
    with pytest.raises(RuntimeError) as ours:
        minigrad.save({"w": minigrad.zeros(1)}, target)
    assert str(ours.value) == str(theirs.value)
    minigrad.save({"w": minigrad.zeros(1)}, "in_cwd.pt")  # no directory part: the working directory
    assert minigrad.load("in_cwd.pt")["w"].shape == (1,)


def test_missing_file_as_torch():
    for lib in (torch, minigrad):
        with pytest.raises(FileNotFoundError):
            lib.load("/nonexistent/dir/model.pt")


@pytest.mark.filterwarnings("ignore:`torch.jit.(script|save)` is deprecated:DeprecationWarning")
def test_not_checkpoints_are_named_in_the_error(tmp_path):
    cases = {"text.pt": b"hello world\n", "empty.pt": b"", "pickle.pt": pickle.dumps({"w": 1})}
    buf = io.BytesIO()
    torch.save({"w": torch.ones(1)}, buf, _use_new_zipfile_serialization=False)
    cases["legacy_torch.pt"] = buf.getvalue()
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(RuntimeError, match=name):
            minigrad.load(tmp_path / name)
    with pytest.raises(RuntimeError, match="format of torch.save before PyTorch 1.6"):
        minigrad.load(tmp_path / "legacy_torch.pt")
    scripted = torch.jit.script(torch.nn.Linear(2, 2))
    torch.jit.save(scripted, tmp_path / "script.pt")
    with pytest.raises(RuntimeError, match="TorchScript archive"):
        minigrad.load(tmp_path / "script.pt")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as z:
        z.writestr("something.txt", b"x")
    with pytest.raises(RuntimeError, match="other.zip is not a checkpoint"):
        minigrad.load(tmp_path / "other.zip")
