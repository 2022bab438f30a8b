"""``F.pad`` in its four modes and the padding modules (``ZeroPad*``, ``ConstantPad*``,
``ReflectionPad*``, ``ReplicationPad*``, ``CircularPad*``), compared with PyTorch 2.13: values,
gradients (float32, float64 and a float64 gradient check), integer and bool inputs, negative
(cropping) amounts, errors, ``repr``; and ``Bilinear`` with ``F.bilinear``."""
import warnings

import numpy as np
import pytest

import minigrad
from minigrad.autograd import gradcheck

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(5)
X4 = RNG.normal(size=(2, 3, 4, 5))

PADS = [
    ("constant", (1, 2)), ("constant", (0, 0, 2, 1)), ("constant", (-1, 2, 1, -2)),
    ("constant", (1, 1, 1, 1, 1, 1, 1, 1)), ("constant", (3, -5)),
    ("reflect", (1, 2, 3, 0)), ("reflect", (4, 3, 2, 3)), ("reflect", (-1, 1, 0, 2)),
    ("reflect", (1, 1, 1, 1, 1, 1)),
    ("replicate", (1, 2, 3, 0)), ("replicate", (6, 6, 6, 6)), ("replicate", (-2, 3, 1, -1)),
    ("replicate", (2, 1, 0, 1, 1, 2)),
    ("circular", (1, 2, 3, 0)), ("circular", (5, 0, 4, 4)), ("circular", (-1, 2, 0, 0)),
    ("circular", (1, 2, 1, 0, 2, 1)),
]


def _pad(lib, x, mode, pads, **kw):
    return lib.nn.functional.pad(x, pads, mode=mode, **kw)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode, pads", PADS, ids=[f"{m}-{p}" for m, p in PADS])
def test_pad_values_gradients_and_grad_fn(mode, pads, dtype):
    inputs = X4  # 4-D: a batch of 2-D maps, or one 3-D volume
    out = []
    for lib in (minigrad, torch):
        x = lib.tensor(inputs.astype(dtype), requires_grad=True)
        y = _pad(lib, x, mode, pads)
        w = lib.tensor(np.cos(np.arange(y.numel())).reshape(tuple(y.shape)).astype(dtype))
        (y * w).sum().backward()
        out.append((y.detach().numpy(), x.grad.numpy(), y.grad_fn.name()))
    np.testing.assert_array_equal(out[0][0], out[1][0])
    # (float32 gradients: summed in another order where several outputs come from one input)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(out[0][1], out[1][1], **tol)
    if mode != "circular":  # PyTorch builds circular padding from slices (CopySlices)
        assert out[0][2] == out[1][2]


@pytest.mark.parametrize("mode, pads", PADS[:: 2], ids=[f"{m}-{p}" for m, p in PADS[::2]])
def test_pad_gradcheck(mode, pads):
    x = minigrad.tensor(X4[:1, :2], requires_grad=True)
    assert gradcheck(lambda t: _pad(minigrad, t, mode, pads), (x,))


@pytest.mark.parametrize("code", [
    "F.pad(x.long(), (1, 1))", "F.pad(x.bool(), (1, 1))", "F.pad(x.long(), (1, 1, 1, 1), mode='reflect')",
    "F.pad(x.long(), (1, 1, 1, 1), mode='circular')", "F.pad(x.int(), (1, 2, 0, 1), mode='replicate')",
    "F.pad(x, (1, 1), value=float('nan'))", "F.pad(x, (1, 1), value=2)", "F.pad(x.long(), (1, 1), value=7)",
    "F.pad(x, [2, 1])", "F.pad(x[0, 0], (1, 1), mode='reflect')", "F.pad(x[0], (2, 1), mode='replicate')",
    "F.pad(x[0, 0], (1, 2), mode='circular')", "F.pad(x, (0, 0, 1, 1), mode='reflect')",
    "F.pad(x, (1, 1), mode='constant', value=None)", "torch.constant_pad_nd(x, (1, 1), 3.)",
    # errors
    "F.pad(x, (1,))", "F.pad(x, (1,) * 10)", "F.pad(x, (1.5, 1))", "F.pad(x, (1, 1), mode='foo')",
    "F.pad(x, (1, 1), mode='reflect', value=2)", "F.pad(x, (1, 2), mode='reflect')",
    "F.pad(x, (1, 1, 1, 1, 1, 1, 1, 1), mode='reflect')", "F.pad(x[0, 0, 0], (1, 1), mode='replicate')",
    "F.pad(x, (5, 0, 0, 0), mode='reflect')", "F.pad(x, (6, 0, 0, 0), mode='circular')",
    "F.pad(torch.ones(2, 0, 3), (1, 1), mode='reflect')", "F.pad(x, (-6, 0))",
    "nn.CircularPad2d(1)(x[0, 0])", "nn.CircularPad1d(1)(x)", "nn.ConstantPad2d(1, 0.)(x[0, 0, 0])",
])
def test_pad_cases_match_torch(code):
    results = []
    for lib in (minigrad, torch):
        env = {"torch": lib, "F": lib.nn.functional, "nn": lib.nn, "x": lib.tensor(X4)}
        try:
            y = eval(code, env)
            results.append(("ok", str(y.dtype).split(".")[-1], y.numpy().tolist()))
        except Exception as exc:  # noqa: BLE001
            results.append(("error", type(exc).__name__, str(exc).replace("torch.", "minigrad.")))
    if results[1][0] == "ok":
        assert results[0][:2] == results[1][:2]
        np.testing.assert_array_equal(np.array(results[0][2]), np.array(results[1][2]))
    else:
        assert results[0] == results[1]


MODULES = ["ZeroPad1d(2)", "ZeroPad2d(2)", "ZeroPad2d((1, 2, 3, 4))", "ZeroPad2d((1, 2))", "ZeroPad3d(1)",
           "ConstantPad1d(2, 3.5)", "ConstantPad2d((1, 0, 0, 1), -1.)", "ConstantPad3d(1, 2)",
           "ReflectionPad1d((1, 2))", "ReflectionPad2d(1)", "ReflectionPad3d((1, 0, 1, 0, 1, 0))",
           "ReplicationPad1d(3)", "ReplicationPad2d((0, 1, 2, 3))", "ReplicationPad3d(1)",
           "CircularPad1d(2)", "CircularPad2d(1)", "CircularPad3d((1, 1, 0, 0, 1, 1))"]


@pytest.mark.parametrize("code", MODULES)
def test_padding_modules(code):
    ours, theirs = eval("nn." + code, {"nn": minigrad.nn}), eval("nn." + code, {"nn": torch.nn})
    assert repr(ours) == repr(theirs)
    assert ours.padding == theirs.padding and getattr(ours, "value", None) == getattr(theirs, "value", None)
    assert list(ours.state_dict()) == [] == list(theirs.state_dict())
    dims = len(theirs.padding) // 2
    x = X4[0] if dims < 3 else X4
    np.testing.assert_array_equal(ours(minigrad.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy())


def test_zero_pad_is_a_constant_pad_as_in_torch():
    assert isinstance(minigrad.nn.ZeroPad2d(1), minigrad.nn.ConstantPad2d)
    assert isinstance(torch.nn.ZeroPad2d(1), torch.nn.ConstantPad2d)


# ------------------------------------------------------------------ Bilinear
@pytest.mark.parametrize("shapes", [((3, 2), (3, 4), (5, 2, 4), (5,)), ((6, 3, 2), (6, 3, 4), (5, 2, 4), None),
                                    ((2,), (4,), (5, 2, 4), (5,))])
def test_bilinear_values_and_gradients(shapes):
    arrays = [None if s is None else RNG.normal(size=s) for s in shapes]
    out = []
    for lib in (minigrad, torch):
        ts = [None if a is None else lib.tensor(a, requires_grad=True) for a in arrays]
        y = lib.nn.functional.bilinear(*ts)
        (y * y).sum().backward()
        out.append([y.detach().numpy()] + [t.grad.numpy() for t in ts if t is not None])
    for a, b in zip(*out):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    ts = [None if a is None else minigrad.tensor(a, requires_grad=True) for a in arrays]
    assert gradcheck(lambda *t: minigrad.bilinear(*t, None) if len(t) == 3 else minigrad.bilinear(*t),
                     tuple(t for t in ts if t is not None))


@pytest.mark.parametrize("code", [
    "F.bilinear(torch.ones(3, 2), torch.ones(2, 4), torch.ones(5, 2, 4))",
    "F.bilinear(torch.ones(3, 2), torch.ones(3, 4), torch.ones(5, 3, 4))",
    "F.bilinear(torch.ones(3, 2), torch.ones(3, 4), torch.ones(5, 2, 4), torch.ones(4))",
    "F.bilinear(torch.ones(3, 2), torch.ones(3, 4), torch.ones(5, 2, 3))",
    "F.bilinear(torch.ones(3, 2).double(), torch.ones(3, 4), torch.ones(5, 2, 4))",
    "nn.Bilinear(0, 2, 3)",
])
def test_bilinear_errors(code):
    errors = []
    for lib in (minigrad, torch):
        try:
            eval(code, {"torch": lib, "F": lib.nn.functional, "nn": lib.nn})
            errors.append(None)
        except Exception as exc:  # noqa: BLE001
            errors.append((type(exc).__name__, str(exc)))
    assert errors[1] is not None and errors[0] == errors[1]


def test_bilinear_module_repr_state_dict_and_initialisation():
    for bias in (True, False):
        ours, theirs = minigrad.nn.Bilinear(20, 30, 4, bias=bias), torch.nn.Bilinear(20, 30, 4, bias=bias)
        assert repr(ours) == repr(theirs)
        assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
               [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    w = minigrad.nn.Bilinear(25, 3, 200).weight.detach().numpy()
    assert np.abs(w).max() <= 1 / 5 and np.abs(w).max() > 0.19  # U(-1/√25, 1/√25)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    x1, x2 = RNG.normal(size=(2, 20)), RNG.normal(size=(2, 30))
    np.testing.assert_allclose(ours(minigrad.tensor(x1, dtype=minigrad.float32), minigrad.tensor(x2, dtype=minigrad.float32)).detach().numpy(),
                               theirs(torch.tensor(x1, dtype=torch.float32), torch.tensor(x2, dtype=torch.float32)).detach().numpy(), rtol=1e-5, atol=1e-6)
