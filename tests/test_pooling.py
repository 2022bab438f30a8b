"""Pooling (max, average, adaptive; 1-d and 2-d; functions and modules) against PyTorch: values,
indices and gradients on awkward shapes, NaN and ties, gradcheck, errors, repr."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad.autograd import gradcheck
from test_torch_parity import check_parity
from torch_reference import assert_same_error

torch = pytest.importorskip("torch")


def rand(*shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


MAX2D = [
    ((2, 3, 9, 8), dict(kernel_size=2)),
    ((2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ((1, 2, 10, 7), dict(kernel_size=(3, 2), stride=(1, 3), padding=(1, 1), dilation=(2, 3), ceil_mode=True)),
    ((3, 5, 5), dict(kernel_size=2, stride=3)),  # unbatched, stride > kernel
    ((0, 2, 6, 6), dict(kernel_size=2)),  # empty batch
    ((1, 1, 1, 1), dict(kernel_size=1)),
    ((2, 2, 7, 7), dict(kernel_size=4, stride=2, padding=2, dilation=1, ceil_mode=True)),
]
AVG2D = [
    ((2, 3, 9, 8), dict(kernel_size=2)),
    ((2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    ((2, 3, 9, 8), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    ((1, 2, 7, 10), dict(kernel_size=(3, 2), stride=(1, 3), padding=(1, 1), divisor_override=5)),
    ((3, 5, 5), dict(kernel_size=2, stride=3)),
    ((0, 2, 6, 6), dict(kernel_size=2)),
    ((2, 2, 5, 5), dict(kernel_size=4, stride=3, padding=2, ceil_mode=True, count_include_pad=False)),
]
ADAPTIVE2D = [((2, 3, 9, 8), o) for o in [(4, 3), 1, (5, None), (9, 8), (20, 3), (None, 1)]] + [
    ((3, 7, 5), 2), ((0, 2, 4, 4), 3)]
POOL1D = [
    ("max_pool1d", (2, 3, 11), dict(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)),
    ("max_pool1d", (3, 8), dict(kernel_size=2)),
    ("avg_pool1d", (2, 3, 11), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    ("avg_pool1d", (3, 8), dict(kernel_size=4, stride=5)),
    ("adaptive_avg_pool1d", (2, 3, 11), dict(output_size=4)),
    ("adaptive_avg_pool1d", (3, 5), dict(output_size=7)),
    ("adaptive_max_pool1d", (2, 3, 11), dict(output_size=4)),
    ("adaptive_max_pool1d", (3, 5), dict(output_size=7)),
]


def _fn(name, kw):
    return lambda L, x: getattr(L.nn.functional, name)(x, **kw)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, kw", MAX2D, ids=str)
def test_max_pool2d_matches_torch(shape, kw, dtype):
    check_parity(_fn("max_pool2d", kw), [rand(*shape, dtype=dtype)])
    check_parity(_fn("max_pool2d", dict(kw, return_indices=True)), [rand(*shape, dtype=dtype)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, kw", AVG2D, ids=str)
def test_avg_pool2d_matches_torch(shape, kw, dtype):
    check_parity(_fn("avg_pool2d", kw), [rand(*shape, dtype=dtype)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, size", ADAPTIVE2D, ids=str)
def test_adaptive_pool2d_matches_torch(shape, size, dtype):
    check_parity(_fn("adaptive_avg_pool2d", dict(output_size=size)), [rand(*shape, dtype=dtype)])
    check_parity(_fn("adaptive_max_pool2d", dict(output_size=size, return_indices=True)),
                 [rand(*shape, dtype=dtype)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, shape, kw", POOL1D, ids=str)
def test_pool1d_matches_torch(name, shape, kw, dtype):
    check_parity(_fn(name, kw), [rand(*shape, dtype=dtype)])


def test_non_contiguous_input():
    def fn(L, x):
        x = x.transpose(2, 3)
        return (L.nn.functional.max_pool2d(x, 3, 2, 1), L.nn.functional.avg_pool2d(x, 2),
                L.nn.functional.adaptive_avg_pool2d(x, (4, 3)))
    check_parity(fn, [rand(2, 3, 8, 9)])


def test_nan_propagates_and_ties_pick_the_first_as_torch():
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 1, 1] = np.nan
    x[0, 0, 2:, 2:] = 1.0  # a tie: the first maximum in row-major order
    x[0, 0, 0, 2:] = -np.inf
    for kw in (dict(kernel_size=2, return_indices=True), dict(kernel_size=3, stride=1, padding=1,
                                                                 return_indices=True)):
        check_parity(_fn("max_pool2d", kw), [x])


@pytest.mark.parametrize("fn, kw", [
    ("max_pool2d", dict(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)),
    ("max_pool2d", dict(kernel_size=(2, 3), dilation=(2, 1))),
    ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    ("avg_pool2d", dict(kernel_size=2, divisor_override=3)),
    ("adaptive_avg_pool2d", dict(output_size=(3, 4))),
    ("adaptive_max_pool2d", dict(output_size=(3, 4))),
    ("max_pool1d", dict(kernel_size=3, stride=2, padding=1)),
    ("avg_pool1d", dict(kernel_size=3, stride=2, padding=1)),
    ("adaptive_avg_pool1d", dict(output_size=3)),
])
def test_gradcheck_float64(fn, kw):
    shape = (2, 2, 7, 6) if "1d" not in fn else (2, 2, 7)
    # distinct values, far apart: finite differences never cross a max's tie
    x = np.random.default_rng(0).permutation(np.prod(shape)).reshape(shape).astype(np.float64)
    t = minigrad.tensor(x, requires_grad=True)
    assert gradcheck(lambda a: getattr(nn.functional, fn)(a, **kw), (t,))


@pytest.mark.parametrize("make", [
    lambda L: L.nn.MaxPool2d(2),
    lambda L: L.nn.MaxPool2d((2, 3), stride=1, padding=1, dilation=2, return_indices=True, ceil_mode=True),
    lambda L: L.nn.AvgPool2d(2),
    lambda L: L.nn.AvgPool2d(3, 2, 1, True, False, 2),
    lambda L: L.nn.AdaptiveAvgPool2d((5, None)),
    lambda L: L.nn.AdaptiveMaxPool2d(3, return_indices=True),
    lambda L: L.nn.MaxPool1d(3, 2, 1),
    lambda L: L.nn.AvgPool1d(3),
    lambda L: L.nn.AdaptiveAvgPool1d(4),
    lambda L: L.nn.AdaptiveMaxPool1d(4),
])
def test_modules_match_torch(make):
    ours, theirs = make(minigrad), make(torch)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == [] == list(theirs.state_dict())
    one_d = type(ours).__name__.endswith("1d")
    x = rand(2, 3, 9) if one_d else rand(2, 3, 9, 8)
    a, b = ours(minigrad.tensor(x)), theirs(torch.tensor(x))
    if isinstance(b, tuple):
        np.testing.assert_array_equal(a[1].numpy(), b[1].numpy())
        a, b = a[0], b[0]
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)


def test_grad_fn_names_match_torch():
    x = minigrad.ones(1, 1, 4, 4, requires_grad=True)
    assert nn.functional.max_pool2d(x, 2).grad_fn.name() == "MaxPool2DWithIndicesBackward0"
    assert nn.functional.avg_pool2d(x, 2).grad_fn.name() == "AvgPool2DBackward0"
    assert nn.functional.adaptive_avg_pool2d(x, 2).grad_fn.name() == "AdaptiveAvgPool2DBackward0"
    assert nn.functional.adaptive_max_pool2d(x, 2).grad_fn.name() == "AdaptiveMaxPool2DBackward0"


@pytest.mark.parametrize("code", [
    "L.nn.functional.max_pool2d(L.ones(5, 5), 2)",
    "L.nn.functional.max_pool2d(L.ones(1, 2, 3, 5, 5), 2)",
    "L.nn.functional.max_pool2d(L.ones(2, 3, 5, 5), 3, padding=2)",
    "L.nn.functional.max_pool2d(L.ones(2, 3, 5, 5), 0)",
    "L.nn.functional.max_pool2d(L.ones(2, 3, 5, 5), 2, stride=0)",
    "L.nn.functional.max_pool2d(L.ones(2, 3, 5, 5), 2, dilation=0)",
    "L.nn.functional.max_pool2d(L.ones(2, 3, 2, 2), 3)",
    "L.nn.functional.max_pool2d(L.ones(2, 3, 5, 5), (2, 2, 2))",
    "L.nn.functional.max_pool2d(L.ones(2, 0, 5, 5), 2)",
    "L.nn.functional.max_pool2d(L.ones(2, 3, 5, 5), 2, padding=-1)",
    "L.nn.functional.avg_pool2d(L.ones(2, 3, 5, 5), 3, padding=2)",
    "L.nn.functional.avg_pool2d(L.ones(2, 3, 2, 2), 3)",
    "L.nn.functional.avg_pool2d(L.ones(2, 3, 5, 5), 2, divisor_override=0)",
    "L.nn.functional.avg_pool2d(L.ones(5, 5), 2)",
    "L.nn.functional.adaptive_avg_pool2d(L.ones(5), 2)",
    "L.nn.functional.adaptive_avg_pool2d(L.ones(2, 3, 5, 5), (2, 2, 2))",
    "L.nn.functional.adaptive_avg_pool2d(L.ones(2, 3, 5, 5), -1)",
    "L.nn.functional.adaptive_avg_pool2d(L.ones(2, 3, 0, 4), 2)",
    "L.nn.functional.adaptive_max_pool2d(L.ones(2, 3, 5, 5), -1)",
    "L.nn.functional.max_pool1d(L.ones(2, 3, 5, 5), 2)",
    "L.nn.functional.avg_pool1d(L.ones(2, 3, 5, 5), 2)",
    "L.nn.functional.adaptive_avg_pool1d(L.ones(2, 3, 5, 5), 2)",
    "L.nn.functional.max_pool1d(L.ones(2, 3, 5), 2, padding=2)",
])
def test_hostile_arguments_get_torchs_errors(code):
    assert_same_error(torch, code)


def test_integer_input_is_refused_clearly():
    # PyTorch pools integer tensors; minigrad's kernels are float-only (a documented difference)
    with pytest.raises(NotImplementedError, match="float32 and float64"):
        nn.functional.max_pool2d(minigrad.ones(1, 1, 4, 4, dtype=minigrad.int64), 2)
