"""Module.state_dict / load_state_dict compared with PyTorch: return value, _metadata, error texts,
strict=False reporting, assign=, numpy values and dtype conversion."""
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn

torch = pytest.importorskip("torch")


def _mlp(lib):
    return lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.ReLU(), lib.nn.Linear(3, 1))


def _error(fn):
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value), str(info.value)


def _same_error(build):
    """build(lib) -> a zero-argument callable; both libraries must raise the same type and text
    (PyTorch's "torch.Size" reads "minigrad.Size" in minigrad)."""
    t_type, t_msg = _error(build(torch))
    m_type, m_msg = _error(build(minigrad))
    assert m_type is t_type
    assert m_msg == t_msg.replace("torch.Size", "minigrad.Size").replace("torch.Tensor", "minigrad.Tensor")


def test_state_dict_metadata_matches_torch():
    for prefix, keep_vars in (("", False), ("m.", True)):
        ours = _mlp(minigrad).state_dict(prefix=prefix, keep_vars=keep_vars)
        theirs = _mlp(torch).state_dict(prefix=prefix, keep_vars=keep_vars)
        assert type(ours) is OrderedDict and list(ours) == list(theirs)
        assert ours._metadata == theirs._metadata
        assert type(ours._metadata) is OrderedDict
        assert isinstance(ours[prefix + "0.weight"], nn.Parameter) == keep_vars
    dest = {}
    assert _mlp(minigrad).state_dict(destination=dest) is dest and list(dest)[0] == "0.weight"


def test_state_dict_positional_arguments_warn_as_torch():
    with pytest.warns(FutureWarning, match="Positional args are being deprecated"):
        sd = _mlp(minigrad).state_dict(OrderedDict(), "p.")
    assert list(sd)[0] == "p.0.weight"


def test_load_state_dict_returns_incompatible_keys_as_torch():
    for strict in (True, False):
        ours = _mlp(minigrad).load_state_dict(_mlp(minigrad).state_dict(), strict=strict)
        theirs = _mlp(torch).load_state_dict(_mlp(torch).state_dict(), strict=strict)
        assert repr(ours) == repr(theirs) == "<All keys matched successfully>"
        assert tuple(ours) == tuple(theirs) == ([], [])
    results = []
    for lib in (torch, minigrad):
        net = _mlp(lib)
        sd = net.state_dict()
        del sd["0.bias"]
        sd["extra"] = sd["0.weight"]
        sd["3.weight"] = sd["0.weight"]
        results.append(net.load_state_dict(sd, strict=False))
    theirs, ours = results
    assert repr(ours) == repr(theirs)
    assert ours.missing_keys == theirs.missing_keys == ["0.bias"]
    assert ours.unexpected_keys == theirs.unexpected_keys == ["extra", "3.weight"]
    assert ours._fields == theirs._fields


@pytest.mark.parametrize("case", ["missing-unexpected", "size", "all", "not-a-tensor", "extra-state",
                                  "non-strict-size"])
def test_load_state_dict_error_text_matches_torch(case):
    def build(lib):
        net = _mlp(lib)
        sd = net.state_dict()
        strict = True
        if case == "missing-unexpected":
            del sd["0.bias"]
            sd["extra"] = sd["0.weight"]
        elif case == "size":
            sd["0.weight"] = lib.zeros(4, 2)
        elif case == "all":
            sd = {"0.weight": lib.zeros(4, 2), "2.xx": lib.zeros(1)}
        elif case == "not-a-tensor":
            sd["2.bias"] = 3
        elif case == "extra-state":
            sd["1._extra_state"] = 5  # a module without set_extra_state
        elif case == "non-strict-size":
            sd["2.bias"] = lib.zeros(2)
            strict = False
        return lambda: net.load_state_dict(sd, strict=strict)

    _same_error(build)


def test_load_state_dict_failed_leaves_model_unchanged():
    net = _mlp(minigrad)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    sd = {k: minigrad.zeros_like(v) for k, v in before.items()}
    sd["2.weight"] = minigrad.zeros(2, 3)  # does not fit: nothing is copied (PyTorch copies the rest)
    with pytest.raises(RuntimeError, match="size mismatch for 2.weight"):
        net.load_state_dict(sd)
    for k, v in net.state_dict().items():
        assert minigrad.equal(v, before[k])


def test_load_state_dict_converts_dtype_like_torch():
    values = np.arange(6, dtype=np.float64).reshape(3, 2) / 7
    for lib in (torch, minigrad):
        net = _mlp(lib)
        weight = net[0].weight
        sd = net.state_dict()
        sd["0.weight"] = lib.tensor(values, dtype=lib.float64)
        sd["0.bias"] = lib.tensor([1, 2, 3])  # int64 into float32
        net.load_state_dict(sd)
        assert net[0].weight is weight and str(weight.dtype).endswith("float32")
        assert weight.requires_grad
        np.testing.assert_array_equal(weight.detach().numpy(), values.astype(np.float32))
        np.testing.assert_array_equal(net[0].bias.detach().numpy(), [1, 2, 3])


def test_load_state_dict_accepts_numpy_arrays():
    # a deliberate extension: PyTorch accepts only tensors here
    net = _mlp(minigrad)
    sd = {k: v.numpy() * 0 + 0.5 for k, v in net.state_dict().items()}
    sd["2.bias"] = np.float64(0.25) * np.ones(1)
    assert repr(net.load_state_dict(sd)) == "<All keys matched successfully>"
    assert net[2].bias.dtype == minigrad.float32 and net[2].bias.item() == 0.25
    assert float(net[0].weight.sum()) == 3.0
    bad = dict(sd)
    bad["0.bias"] = np.zeros(3, dtype=np.complex64)
    with pytest.raises(RuntimeError, match='While copying the parameter named "0.bias"'):
        net.load_state_dict(bad)


def test_load_state_dict_assign_matches_torch():
    for lib in (torch, minigrad):
        net = lib.nn.Linear(2, 2)
        net.weight.requires_grad_(False)
        new = {"weight": lib.ones(2, 2, dtype=lib.float64), "bias": lib.zeros(2, dtype=lib.float64)}
        assert repr(net.load_state_dict(new, assign=True)) == "<All keys matched successfully>"
        assert isinstance(net.weight, lib.nn.Parameter) and not net.weight.requires_grad
        assert net.bias.requires_grad and str(net.bias.dtype).endswith("float64")


def test_load_state_dict_passes_metadata_to_load_from_state_dict():
    seen = {}

    class Versioned(nn.Linear):
        _version = 3

        def _load_from_state_dict(self, state_dict, prefix, local_metadata, *args):
            seen[prefix] = dict(local_metadata)
            super()._load_from_state_dict(state_dict, prefix, local_metadata, *args)

    net = nn.Sequential(Versioned(2, 2))
    sd = net.state_dict()
    assert sd._metadata["0"] == {"version": 3}
    net.load_state_dict(sd, assign=True)
    assert seen == {"0.": {"version": 3, "assign_to_params_buffers": True}}
    net.load_state_dict(dict(sd))  # a plain dict has no metadata: PyTorch passes {}
    assert seen == {"0.": {}}


def test_zero_dim_from_one_element_checkpoint():
    for lib in (torch, minigrad):
        m = lib.nn.Module()
        m.register_buffer("count", lib.tensor(0.0))
        m.load_state_dict({"count": lib.tensor([4.0])})
        assert m.count.item() == 4.0 and m.count.dim() == 0
