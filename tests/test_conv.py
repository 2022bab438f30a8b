"""Convolution (F.conv1d, F.conv2d, nn.Conv1d, nn.Conv2d) against PyTorch: values and gradients
on awkward shapes in float32 and float64, gradcheck, PyTorch's errors, repr, state_dict and
weights moved both ways."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad.autograd import gradcheck
from test_torch_parity import check_parity
from torch_reference import assert_same_error

torch = pytest.importorskip("torch")

TOL32 = dict(rtol=2e-4, atol=2e-5)  # float32: the sums run in another order than PyTorch's


def rand(*shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# (input shape, weight shape, bias, keyword arguments): odd sizes, stride > kernel, dilation,
# groups (depthwise too), "same" with even kernels, batch 0 and 1, unbatched input
CONV2D = [
    ((2, 3, 7, 6), (4, 3, 3, 2), True, {}),
    ((1, 4, 9, 8), (6, 2, 3, 3), True, dict(stride=(2, 3), padding=(1, 2), dilation=(2, 1), groups=2)),
    ((3, 2, 11, 5), (5, 2, 2, 2), False, dict(stride=3)),  # stride > kernel
    ((2, 3, 7, 6), (4, 3, 4, 2), True, dict(padding="same")),
    ((2, 3, 7, 6), (4, 3, 2, 3), False, dict(padding="same", dilation=(3, 2))),
    ((2, 3, 5, 5), (3, 3, 5, 5), True, dict(padding="valid")),
    ((2, 6, 5, 7), (6, 1, 3, 3), True, dict(groups=6, padding=1)),  # depthwise
    ((0, 3, 7, 6), (4, 3, 3, 2), True, {}),  # empty batch
    ((1, 1, 1, 1), (2, 1, 1, 1), True, {}),
    ((3, 7, 6), (4, 3, 3, 3), True, dict(stride=2, padding=2)),  # unbatched
    ((5, 4, 6, 6), (8, 4, 1, 1), True, {}),  # pointwise (no im2col)
    ((2, 2, 4, 4), (3, 2, 3, 3), True, dict(padding=4, stride=2)),  # mostly padding
    # one input channel: computed directly (csrc/conv_direct.h); stride 1 runs the wide-row loops
    ((3, 1, 9, 8), (5, 1, 3, 3), True, {}),
    ((2, 1, 7, 9), (4, 1, 3, 2), True, dict(padding=(2, 1), dilation=(1, 2))),
    ((2, 1, 9, 10), (3, 1, 3, 3), False, dict(stride=(2, 3), padding=1)),
    ((2, 1, 8, 7), (3, 1, 4, 2), True, dict(padding="same")),
    ((2, 1, 5, 6), (2, 1, 5, 6), True, {}),  # a 1x1 output
]
CONV1D = [
    ((2, 3, 7), (4, 3, 3), True, dict(stride=2, padding=1)),
    ((1, 4, 11), (4, 1, 3), True, dict(groups=4, padding="same")),
    ((2, 4, 10), (6, 2, 4), False, dict(padding="same", dilation=3, groups=2)),
    ((3, 9), (2, 3, 2), True, dict(stride=5)),
    ((0, 2, 5), (2, 2, 5), True, {}),
    ((2, 1, 12), (3, 1, 5), True, dict(padding=2)),  # one input channel
    ((2, 1, 12), (3, 1, 3), False, dict(stride=2, dilation=2)),
]


def _conv_case(fn_name, case, dtype, layout="contiguous"):
    xs, ws, bias, kw = case
    arrays = [rand(*xs, seed=1, dtype=dtype), rand(*ws, seed=2, dtype=dtype)]
    if bias:
        arrays.append(rand(ws[0], seed=3, dtype=dtype))

    def fn(L, x, w, b=None):
        if layout == "transposed":  # a non-contiguous input with the same values
            x = x.transpose(-1, -2).contiguous().transpose(-1, -2)
            assert not x.is_contiguous()
        return getattr(L.nn.functional, fn_name)(x, w, b, **kw)

    return fn, arrays


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CONV2D, ids=lambda c: f"{c[0]}-{c[1]}-{c[3]}")
def test_conv2d_matches_torch(case, dtype):
    fn, arrays = _conv_case("conv2d", case, dtype)
    check_parity(fn, arrays, **(TOL32 if dtype == np.float32 else {}))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CONV1D, ids=lambda c: f"{c[0]}-{c[1]}-{c[3]}")
def test_conv1d_matches_torch(case, dtype):
    fn, arrays = _conv_case("conv1d", case, dtype)
    check_parity(fn, arrays, **(TOL32 if dtype == np.float32 else {}))


@pytest.mark.parametrize("fn_name, case", [("conv2d", CONV2D[1]), ("conv2d", CONV2D[4]),
                                           ("conv1d", CONV1D[2])])
def test_non_contiguous_input(fn_name, case):
    fn, arrays = _conv_case(fn_name, case, np.float64, layout="transposed")
    check_parity(fn, arrays)


def test_only_the_needed_gradients_are_computed():
    x = minigrad.tensor(rand(2, 3, 5, 5))
    w = minigrad.tensor(rand(4, 3, 3, 3), requires_grad=True)
    y = nn.functional.conv2d(x, w)
    y.sum().backward()
    assert x.grad is None and w.grad.shape == w.shape


@pytest.mark.parametrize("fn_name, case", [("conv2d", CONV2D[1]), ("conv2d", CONV2D[3]),
                                           ("conv2d", CONV2D[6]), ("conv1d", CONV1D[1]),
                                           ("conv1d", CONV1D[3]), ("conv2d", CONV2D[13]),
                                           ("conv2d", CONV2D[14]), ("conv1d", CONV1D[6])])
def test_gradcheck_float64(fn_name, case):
    xs, ws, bias, kw = case
    fn = getattr(nn.functional, fn_name)
    inputs = [minigrad.tensor(rand(*xs, seed=4, dtype=np.float64), requires_grad=True),
              minigrad.tensor(rand(*ws, seed=5, dtype=np.float64), requires_grad=True)]
    if bias:
        inputs.append(minigrad.tensor(rand(ws[0], seed=6, dtype=np.float64), requires_grad=True))
    assert gradcheck(lambda *t: fn(*t, **kw), tuple(inputs))


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular", "zeros"])
@pytest.mark.parametrize("padding", [2, "same", (1, 0)])
def test_padding_modes_match_torch(mode, padding):
    x = rand(2, 3, 6, 5, dtype=np.float64)
    results = []
    for L in (minigrad, torch):
        L.manual_seed(0)
        m = L.nn.Conv2d(3, 4, (3, 4), padding=padding, padding_mode=mode, dtype=L.float64)
        m.load_state_dict({k: L.tensor(v) for k, v in _state(rand(4, 3, 3, 4, seed=7),
                                                              rand(4, seed=8)).items()})
        xt = L.tensor(x, requires_grad=True)
        y = m(xt)
        y.backward(L.tensor(rand(*y.shape, seed=9, dtype=np.float64)))
        results.append((y.detach().numpy(), xt.grad.numpy(), m.weight.grad.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_padding_modes_conv1d_gradcheck(mode):
    m = nn.Conv1d(2, 3, 3, padding=2, padding_mode=mode, dtype=minigrad.float64)
    x = minigrad.tensor(rand(2, 2, 5, dtype=np.float64), requires_grad=True)
    assert gradcheck(m, (x,))


def _state(weight, bias):
    return {"weight": weight.astype(np.float64), "bias": bias.astype(np.float64)}


# ------------------------------------------------------------------ modules
@pytest.mark.parametrize("make", [
    lambda L: L.nn.Conv2d(1, 32, 3),
    lambda L: L.nn.Conv2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2), dilation=(3, 1)),
    lambda L: L.nn.Conv2d(4, 8, 3, groups=2, bias=False, padding_mode="reflect", padding=1),
    lambda L: L.nn.Conv2d(4, 4, 2, padding="same"),
    lambda L: L.nn.Conv2d(4, 4, 3, padding="valid", padding_mode="circular"),
    lambda L: L.nn.Conv1d(2, 4, 3, padding="same", padding_mode="replicate"),
    lambda L: L.nn.Conv1d(16, 33, 3, stride=2),
])
def test_module_repr_and_state_dict_keys_match_torch(make):
    ours, theirs = make(minigrad), make(torch)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for k, v in theirs.state_dict().items():
        assert tuple(ours.state_dict()[k].shape) == tuple(v.shape)
    for attr in ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
                 "groups", "padding_mode", "output_padding", "transposed",
                 "_reversed_padding_repeated_twice"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr


def test_default_init_range_matches_torch():
    m = nn.Conv2d(3, 8, (3, 5))
    bound = 1 / np.sqrt(3 * 3 * 5)
    for p in (m.weight, m.bias):
        v = p.detach().numpy()
        assert v.min() >= -bound and v.max() <= bound and v.std() > bound / 3


def test_weights_move_to_and_from_torch():
    x = rand(3, 2, 9, 8)
    theirs = torch.nn.Conv2d(2, 6, 3, stride=2, padding=1, groups=2)
    ours = nn.Conv2d(2, 6, 3, stride=2, padding=1, groups=2)
    ours.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    np.testing.assert_allclose(ours(minigrad.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    back = torch.nn.Conv2d(2, 6, 3, stride=2, padding=1, groups=2)
    back.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    for k, v in back.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), theirs.state_dict()[k].numpy())


def test_save_and_load_round_trip(tmp_path):
    m = nn.Conv1d(3, 5, 2)
    minigrad.save(m.state_dict(), tmp_path / "conv.pt")
    other = nn.Conv1d(3, 5, 2)
    other.load_state_dict(minigrad.load(tmp_path / "conv.pt"))
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), other.state_dict()[k].numpy())


def test_grad_fn_name_matches_torch():
    y = nn.functional.conv2d(minigrad.ones(1, 1, 3, 3, requires_grad=True), minigrad.ones(1, 1, 2, 2))
    assert y.grad_fn.name() == "ConvolutionBackward0"


# ------------------------------------------------------------------ hostile arguments
@pytest.mark.parametrize("code", [
    "L.nn.functional.conv2d(L.ones(2, 3), L.ones(4, 3, 3, 3))",
    "L.nn.functional.conv2d(L.ones(1, 2, 3, 5, 5), L.ones(4, 3, 3, 3))",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), L.ones(4, 3, 3))",
    "L.nn.functional.conv2d(L.ones(2, 2, 5, 5), L.ones(4, 3, 3, 3))",
    "L.nn.functional.conv2d(L.ones(2, 5, 5), L.ones(4, 3, 3, 3))",
    "L.nn.functional.conv2d(L.ones(2, 3, 2, 2), L.ones(4, 3, 3, 3))",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), L.ones(3, 1, 3, 3), groups=2)",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), L.ones(4, 1, 3, 3), groups=2)",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), L.ones(4, 3, 3, 3), groups=0)",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), L.ones(4, 3, 3, 3), padding=-1)",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), L.ones(4, 3, 3, 3), stride=0)",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), L.ones(4, 3, 3, 3), dilation=0)",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), L.ones(4, 3, 3, 3), stride=2, padding='same')",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), L.ones(4, 3, 3, 3), padding='foo')",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), L.ones(4, 3, 3, 3), padding=(1, 1, 1))",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), L.ones(4, 3, 3, 3), stride=(1, 1, 1))",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), L.ones(4, 3, 3, 3), L.ones(3))",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5, dtype=L.float64), L.ones(4, 3, 3, 3))",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), L.ones(4, 3, 3, 3), L.ones(4, dtype=L.float64))",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), L.ones(0, 3, 3, 3))",
    "L.nn.functional.conv1d(L.ones(3, 5, 5, 5), L.ones(2, 3, 3))",
    "L.nn.functional.conv1d(L.ones(3, 4, 5), L.ones(2, 3, 3))",
    "L.nn.Conv2d(3, 4, 3, groups=2)",
    "L.nn.Conv2d(4, 3, 3, groups=2)",
    "L.nn.Conv2d(4, 4, 3, groups=0)",
    "L.nn.Conv2d(4, 4, 3, padding='same', stride=2)",
    "L.nn.Conv2d(3, 4, 3, padding=5, padding_mode='reflect')(L.ones(2, 3, 5, 5))",
    "L.nn.Conv1d(3, 4, 3, padding=6, padding_mode='circular')(L.ones(2, 3, 5))",
])
def test_hostile_arguments_get_torchs_errors(code):
    assert_same_error(torch, code)


@pytest.mark.parametrize("kwargs", [dict(padding_mode="foo"), dict(padding="foo")])
def test_bad_padding_names_get_torchs_errors(kwargs):
    # the messages show a Python set, whose order depends on the hash seed a .pyc was compiled
    # under: compare the words, not their order
    def words(lib):
        with pytest.raises(ValueError) as info:
            lib.nn.Conv2d(4, 4, 3, **kwargs)
        return sorted(str(info.value).replace(",", " ").replace("{", " ").replace("}", " ").split())
    assert words(minigrad) == words(torch)


@pytest.mark.parametrize("code", [
    "L.nn.functional.conv2d([1.], L.ones(4, 3, 3, 3))",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), 3)",
    "L.nn.functional.conv2d(L.ones(2, 3, 5, 5), L.ones(4, 3, 3, 3), stride=1.5)",
])
def test_non_tensor_and_float_arguments_are_type_errors(code):
    for lib in (minigrad, torch):
        with pytest.raises(TypeError, match=r"conv2d\(\) received an invalid combination"):
            exec(code, {"L": lib})


def test_integer_input_is_refused_clearly():
    # PyTorch convolves integer tensors; minigrad's GEMM is float-only (a documented difference)
    with pytest.raises(NotImplementedError, match="float32 and float64"):
        nn.functional.conv2d(minigrad.ones(1, 1, 3, 3, dtype=minigrad.int64),
                             minigrad.ones(1, 1, 2, 2, dtype=minigrad.int64))
