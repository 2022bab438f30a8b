"""The dropout family: statistics, masks, gradients, modes, in-place, shapes, errors, repr."""
import math
import warnings

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F

ALL = [nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout, nn.FeatureAlphaDropout]
SHAPES = {nn.Dropout: (64, 50), nn.Dropout1d: (40, 30, 7), nn.Dropout2d: (40, 30, 3, 3),
          nn.Dropout3d: (40, 30, 2, 2, 2), nn.AlphaDropout: (64, 50), nn.FeatureAlphaDropout: (40, 30, 3)}


def _sigmas(count, n, p):
    """How many standard deviations ``count`` is from the binomial mean n*p."""
    return abs(count - n * p) / math.sqrt(n * p * (1 - p))


@pytest.mark.parametrize("cls", ALL)
def test_eval_and_p0_are_identity(cls):
    x = minigrad.randn(*SHAPES[cls])
    assert cls(0.3).eval()(x) is x
    assert cls(0.0)(x) is x
    assert repr(cls(0.3)) == f"{cls.__name__}(p=0.3, inplace=False)"
    assert repr(cls(p=0.5, inplace=True)) == f"{cls.__name__}(p=0.5, inplace=True)"


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_invalid_probability(cls, bad):
    # NaN: PyTorch accepts it at construction (and fails in forward); minigrad refuses it early
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got"):
        cls(bad)


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("bad", ["0.5", None])
def test_non_number_probability_is_a_type_error_as_torch(cls, bad):
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError) as ours:
        cls(bad)
    with pytest.raises(TypeError) as theirs:
        getattr(torch.nn, cls.__name__)(bad)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("cls", ALL)
def test_bool_and_tensor_probability_accepted_as_torch(cls):
    x = minigrad.ones(2, 3, 2) if cls.__name__ == "Dropout1d" else minigrad.ones(2, 3, 2, 2)
    assert repr(cls(True)) == f"{cls.__name__}(p=True, inplace=False)"
    assert float(cls(True)(x).abs().sum()) == 0.0  # p = 1
    assert cls(minigrad.tensor(0.0))(x) is x


@pytest.mark.parametrize("fn", [F.dropout, F.dropout1d, F.dropout2d, F.dropout3d, F.alpha_dropout,
                                F.feature_alpha_dropout])
def test_functional_invalid_probability(fn):
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        fn(minigrad.randn(2, 3, 4, 4), 1.5, True)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_statistics_and_scale(p):
    minigrad.manual_seed(0)
    n = 200_000
    x = minigrad.ones(n)
    y = nn.Dropout(p)(x).numpy()
    dropped = int((y == 0).sum())
    assert _sigmas(dropped, n, p) < 5
    kept = y[y != 0]
    np.testing.assert_allclose(kept, np.float32(1 / (1 - p)), rtol=1e-6)
    assert abs(y.mean() - 1.0) < 5 * math.sqrt(p / (1 - p) / n)  # mean preserved


def test_dropout_gradient_is_mask_times_scale():
    p = 0.3
    x = minigrad.randn(50, 40, requires_grad=True)
    y = nn.Dropout(p)(x)
    g = minigrad.randn(50, 40)
    y.backward(g)
    keep = (y.detach().numpy() != 0)
    expected = g.numpy() * keep * np.float32(1 / (1 - p))
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(y.detach().numpy(), x.detach().numpy() * keep / (1 - p), rtol=1e-6)


@pytest.mark.parametrize("cls", [nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d])
def test_p1_gives_zeros_and_zero_finite_gradient(cls):
    x = minigrad.randn(*SHAPES[cls], requires_grad=True)
    y = cls(1.0)(x)
    assert not y.detach().numpy().any()
    y.sum().backward()
    assert np.isfinite(x.grad.numpy()).all() and not x.grad.numpy().any()


@pytest.mark.parametrize("cls,shape,batched", [
    (nn.Dropout1d, (20, 50, 9), True), (nn.Dropout1d, (300, 9), False),
    (nn.Dropout2d, (20, 50, 3, 4), True),
    (nn.Dropout3d, (20, 50, 2, 3, 2), True), (nn.Dropout3d, (300, 2, 3, 2), False),
    (nn.FeatureAlphaDropout, (20, 50, 3, 4), True),
])
def test_channel_masks(cls, shape, batched):
    minigrad.manual_seed(1)
    p = 0.4
    x = minigrad.randn(*shape, requires_grad=True)
    y = cls(p)(x)
    k = 2 if batched else 1
    flat = y.detach().numpy().reshape(int(np.prod(shape[:k])), -1)
    xflat = x.detach().numpy().reshape(flat.shape)
    if cls is nn.FeatureAlphaDropout:
        alpha = 1.7580993408473766
        a = 1 / math.sqrt((alpha ** 2 * p + 1) * (1 - p))
        b = a * alpha * p
        kept = np.isclose(flat, a * xflat + b, rtol=1e-5, atol=1e-6).all(axis=1)
        dropped = np.isclose(flat, -alpha * a + b, rtol=1e-5).all(axis=1)
        assert (kept ^ dropped).all()  # whole channels kept or dropped
        assert _sigmas(int(dropped.sum()), flat.shape[0], p) < 5
        return
    ratio = flat / xflat
    # one decision per (sample, channel): constant along the feature map
    assert np.allclose(ratio, ratio[:, :1], rtol=1e-5)
    dropped = int((ratio[:, 0] == 0).sum())
    assert _sigmas(dropped, flat.shape[0], p) < 5
    np.testing.assert_allclose(ratio[ratio[:, 0] != 0], 1 / (1 - p), rtol=1e-5)
    y.backward(minigrad.ones(*shape))
    np.testing.assert_allclose(x.grad.numpy().reshape(flat.shape), ratio, rtol=1e-5)


def test_channel_dropout_dimension_rules():
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input, but received a 4D input"):
        nn.Dropout1d()(minigrad.randn(2, 3, 4, 5))
    with pytest.warns(UserWarning, match="assuming that channel-wise 1D dropout behavior is desired"):
        out = nn.Dropout2d()(minigrad.randn(2, 3, 4))
    assert out.shape == (2, 3, 4)
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d"):
        nn.Dropout2d()(minigrad.randn(2, 3))
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions"):
        nn.Dropout2d()(minigrad.randn(5))
    with pytest.warns(UserWarning, match="Received a 3-D input to dropout3d"):
        nn.Dropout3d()(minigrad.randn(2, 3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.Dropout3d()(minigrad.randn(3, 2, 2, 2))  # unbatched (C, D, H, W): no warning
        nn.Dropout1d()(minigrad.randn(3, 4))


@pytest.mark.parametrize("p", [0.1, 0.5])
@pytest.mark.parametrize("cls", [nn.AlphaDropout, nn.FeatureAlphaDropout])
def test_alpha_dropout_keeps_mean_and_variance(cls, p):
    minigrad.manual_seed(2)
    x = minigrad.randn(400, 500, dtype=minigrad.float64) if cls is nn.AlphaDropout \
        else minigrad.randn(400, 500, 1, dtype=minigrad.float64)
    y = cls(p)(x).numpy()
    # FeatureAlphaDropout decides per channel: fewer independent draws, so a wider tolerance
    tol = 0.02 if cls is nn.AlphaDropout else 0.05
    assert abs(y.mean()) < tol
    assert abs(y.var() - 1) < 2 * tol


def test_alpha_dropout_formula():
    p = 0.2
    alpha = 1.7580993408473766
    a = 1 / math.sqrt((alpha ** 2 * p + 1) * (1 - p))
    b = a * alpha * p
    x = minigrad.randn(1000, dtype=minigrad.float64, requires_grad=True)
    y = nn.AlphaDropout(p)(x)
    yd, xd = y.detach().numpy(), x.detach().numpy()
    kept = np.isclose(yd, a * xd + b)
    dropped = np.isclose(yd, -alpha * a + b)
    assert (kept | dropped).all() and dropped.sum() > 0
    y.backward(minigrad.ones(1000, dtype=minigrad.float64))
    np.testing.assert_allclose(x.grad.numpy(), np.where(kept, a, 0.0))
    assert F.alpha_dropout(x, 0.5) is x  # default training=False, as PyTorch
    assert not nn.AlphaDropout(1.0)(x).detach().numpy().any()


@pytest.mark.parametrize("cls", ALL)
def test_inplace_writes_into_input(cls):
    minigrad.manual_seed(3)
    x = minigrad.randn(*SHAPES[cls])
    before = x.numpy().copy()
    minigrad.manual_seed(3)
    x2 = minigrad.randn(*SHAPES[cls])
    expected = cls(0.5)(x2).numpy()
    minigrad.manual_seed(3)
    minigrad.randn(*SHAPES[cls])
    out = cls(0.5, inplace=True)(x)
    assert out is x
    np.testing.assert_array_equal(x.numpy(), expected)
    assert not np.array_equal(before, x.numpy())


def test_inplace_dropout_in_graph_and_on_leaf():
    w = minigrad.randn(30, requires_grad=True)
    h = w * 2
    y = nn.Dropout(0.5, inplace=True)(h)
    assert y is h
    y.sum().backward()
    keep = h.detach().numpy() != 0
    np.testing.assert_allclose(w.grad.numpy(), keep * 4.0)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        nn.Dropout(0.5, inplace=True)(minigrad.randn(3, requires_grad=True))


@pytest.mark.parametrize("cls", ALL)
def test_masks_repeatable_under_manual_seed_and_thread_count(cls):
    shape = SHAPES[cls]
    outs = []
    for threads in (1, 2):
        minigrad.set_num_threads(threads)
        minigrad.manual_seed(42)
        x = minigrad.randn(*shape)
        outs.append(cls(0.5)(x).numpy().copy())
    minigrad.set_num_threads(2)
    np.testing.assert_array_equal(outs[0], outs[1])
    # and successive calls draw fresh masks
    x = minigrad.randn(*shape)
    m = cls(0.5)
    assert not np.array_equal(m(x).numpy(), m(x).numpy())


def test_dropout_functional_training_flag_and_integer_input():
    x = minigrad.randn(10)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout2d(minigrad.randn(2, 3, 4, 4), 0.5, training=False).shape == (2, 3, 4, 4)
    with pytest.raises(RuntimeError):
        F.dropout(minigrad.arange(5), 0.5)


def test_docstrings_say_inverted_dropout():
    for cls in (nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d):
        assert "inverted" in cls.__doc__ and "Shape:" in cls.__doc__ and "Example" in cls.__doc__
    assert "inverted" in F.dropout.__doc__.lower()


def test_dropout_matches_torch_semantics():
    """Same kept values and scale as PyTorch given the same mask (the masks themselves differ:
    different random streams)."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((8, 16, 5, 5)).astype(np.float32)
    for ours_cls, theirs_cls in ((nn.Dropout, torch.nn.Dropout), (nn.Dropout2d, torch.nn.Dropout2d)):
        y = ours_cls(0.25)(minigrad.from_numpy(x)).numpy()
        t = theirs_cls(0.25)(torch.from_numpy(x)).numpy()
        for out in (y, t):
            kept = out != 0
            np.testing.assert_allclose(out[kept], x[kept] / 0.75, rtol=1e-6)
        assert repr(ours_cls(0.25)) == repr(theirs_cls(0.25))
