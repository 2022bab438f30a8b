"""minigrad.save / minigrad.load: exact round trips, no code on load, clear errors."""
import io
import json
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn


def _net():
    minigrad.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Dropout(0.5), nn.Linear(3, 2))


def test_model_state_dict_roundtrip(tmp_path):
    net = _net()
    path = tmp_path / "model.mg"
    minigrad.save(net.state_dict(), path)
    sd = minigrad.load(path)
    assert isinstance(sd, OrderedDict) and list(sd) == list(net.state_dict())
    for k, v in net.state_dict().items():
        assert sd[k].dtype == v.dtype and sd[k].shape == v.shape
        assert sd[k].numpy().tobytes() == v.numpy().tobytes()
    other = _net()
    nn.init.zeros_(other[0].weight)
    assert repr(other.load_state_dict(sd)) == "<All keys matched successfully>"
    x = minigrad.randn(5, 4)
    net.eval(), other.eval()
    assert np.array_equal(net(x).detach().numpy(), other(x).detach().numpy())


def test_optimizer_state_roundtrip_keeps_int_keys(tmp_path):
    net = _net()
    opt = minigrad.optim.Adam(net.parameters(), lr=0.01)
    net(minigrad.randn(2, 4)).sum().backward()
    opt.step()
    sd = opt.state_dict()
    f = io.BytesIO()
    minigrad.save(sd, f)
    f.seek(0)
    back = minigrad.load(f)
    assert list(back["state"]) == list(sd["state"]) and all(isinstance(k, int) for k in back["state"])
    assert back["param_groups"] == sd["param_groups"]
    assert isinstance(back["param_groups"][0]["betas"], tuple)
    st = back["state"][0]
    assert st["step"].dtype == minigrad.float32 and st["step"].item() == 1.0
    opt2 = minigrad.optim.Adam(_net().parameters(), lr=0.5)
    opt2.load_state_dict(back)
    assert opt2.param_groups[0]["lr"] == 0.01


def test_nested_structures_exact(tmp_path):
    t = minigrad.tensor([1, 2, 3])
    obj = {
        "f64": minigrad.tensor([[1.5, -0.0, float("nan"), float("inf")]], dtype=minigrad.float64),
        "ints": [minigrad.tensor(np.arange(6, dtype=np.int32).reshape(2, 3)), t, t],
        "bool": minigrad.tensor([True, False]),
        "u8": minigrad.tensor([0, 255], dtype=minigrad.uint8),
        "scalar": minigrad.tensor(3.25),
        "empty": minigrad.zeros(0, 3),
        "nums": (1, 2.5, float("nan"), float("-inf"), True, None, "text", "中文"),
        7: "int key", 2.5: "float key", (1, "a"): "tuple key", None: "none key", False: "bool key",
        "param": nn.Parameter(minigrad.ones(2)),
        "grad_tensor": minigrad.ones(2, requires_grad=True),
        "nested": OrderedDict([("b", [1, [2, {"c": 3}]]), ("a", {})]),
        "size": minigrad.Size([2, 3]),
        "dtype": minigrad.float64,
        "array": np.arange(4.0),
    }
    path = tmp_path / "obj.mg"
    minigrad.save(obj, str(path))
    back = minigrad.load(str(path))
    assert list(back) == list(obj)
    assert [type(k) for k in back] == [type(k) for k in obj]
    for k in ("f64", "bool", "u8", "scalar", "empty"):
        assert back[k].dtype == obj[k].dtype and back[k].shape == obj[k].shape
        assert back[k].numpy().tobytes() == obj[k].numpy().tobytes()
    assert back["ints"][1] is back["ints"][2]  # shared tensor stays shared
    assert back["ints"][0].dtype == minigrad.int32
    nums = back["nums"]
    assert isinstance(nums, tuple) and nums[0] == 1 and type(nums[0]) is int and nums[1] == 2.5
    assert np.isnan(nums[2]) and nums[3] == float("-inf") and nums[4] is True and nums[5] is None
    assert nums[6:] == ("text", "中文")
    assert back[(1, "a")] == "tuple key" and back[None] == "none key" and back[False] == "bool key"
    assert isinstance(back["param"], nn.Parameter) and back["param"].requires_grad
    assert back["grad_tensor"].requires_grad and not isinstance(back["grad_tensor"], nn.Parameter)
    assert isinstance(back["nested"], OrderedDict) and list(back["nested"]) == ["b", "a"]
    assert back["nested"]["b"] == [1, [2, {"c": 3}]]
    assert back["size"] == minigrad.Size([2, 3]) and isinstance(back["size"], minigrad.Size)
    assert back["dtype"] is minigrad.float64
    assert np.array_equal(back["array"], np.arange(4.0))


def test_no_pickle_in_file(tmp_path):
    path = tmp_path / "m.mg"
    minigrad.save({"w": minigrad.ones(3)}, path)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert not any(n.endswith(".pkl") for n in names)
        json.loads(z.read("minigrad/structure.json"))  # plain JSON
        for n in names:
            if n.endswith(".npy"):
                np.load(io.BytesIO(z.read(n)), allow_pickle=False)


def test_unsupported_objects_rejected():
    with pytest.raises(TypeError, match="cannot save an object of type"):
        minigrad.save({"f": lambda: 0}, io.BytesIO())
    with pytest.raises(TypeError, match="numpy array of dtype object"):
        minigrad.save(np.array([object()]), io.BytesIO())


def test_missing_file():
    with pytest.raises(FileNotFoundError):
        minigrad.load("/nonexistent/dir/model.mg")


def test_corrupt_files_raise_runtime_error(tmp_path):
    good = tmp_path / "good.mg"
    minigrad.save({"w": minigrad.randn(100, 100)}, good)
    data = good.read_bytes()
    cases = {
        "truncated.mg": data[: len(data) // 2],
        "empty.mg": b"",
        "garbage.mg": os.urandom(1000),
        "text.mg": b"hello world\n",
        "pickle.mg": pickle.dumps({"w": 1}),
    }
    flipped = bytearray(data)
    flipped[len(flipped) // 3] ^= 0xFF  # inside the tensor bytes: the zip CRC catches it
    cases["bitflip.mg"] = bytes(flipped)
    for name, content in cases.items():
        p = tmp_path / name
        p.write_bytes(content)
        with pytest.raises(RuntimeError, match=name):
            minigrad.load(p)
    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("archive/data.pkl", b"x")
    with pytest.raises(RuntimeError, match="torch.save"):
        minigrad.load(other_zip)
    bad_json = tmp_path / "badjson.mg"
    with zipfile.ZipFile(bad_json, "w") as z:
        z.writestr("minigrad/format", b"minigrad-checkpoint 1\n")
        z.writestr("minigrad/structure.json", b"{not json")
    with pytest.raises(RuntimeError, match="badjson.mg is corrupt"):
        minigrad.load(bad_json)
    missing = tmp_path / "missing_tensor.mg"
    with zipfile.ZipFile(missing, "w") as z:
        z.writestr("minigrad/format", b"minigrad-checkpoint 1\n")
        z.writestr("minigrad/structure.json", b'{"$": "tensor", "i": 3}')
    with pytest.raises(RuntimeError, match="missing_tensor.mg"):
        minigrad.load(missing)


def test_torch_interchange_through_numpy():
    torch = pytest.importorskip("torch")
    net = _net().eval()
    tnet = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Dropout(0.5),
                               torch.nn.Linear(3, 2)).eval()
    tnet.load_state_dict({k: torch.from_numpy(v.numpy()) for k, v in net.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    np.testing.assert_allclose(net(minigrad.from_numpy(x)).detach().numpy(),
                               tnet(torch.from_numpy(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    net2 = _net()
    net2.load_state_dict({k: minigrad.from_numpy(v.detach().numpy().copy()) for k, v in tnet.state_dict().items()})
    assert all(np.array_equal(a.numpy(), b.numpy()) for a, b in zip(net.state_dict().values(), net2.state_dict().values()))
