"""Numerics like PyTorch at the edges: NaN and inf, empty batches, and numpy inputs of any layout.

* NaN and inf go through matmul, Linear, ReLU (and the other activations) and every loss exactly
  where PyTorch puts them, forward and backward (compared with torch on the same inputs, NaN
  positions included).
* A batch of 0 samples works through every layer and loss, with PyTorch's values (a mean over
  nothing is NaN) and gradients (empty, or zeros of the parameters' shapes).
* numpy arrays that are non-contiguous, Fortran-ordered, negatively strided or read-only give the
  same results as a contiguous copy, through ``tensor``, ``from_numpy``, ``as_tensor``, the ops and
  the layers.
"""
import warnings

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore:Using a target size:UserWarning")


def _run(lib, fn, arrays, grad_of):
    ts = []
    for i, a in enumerate(arrays):
        t = lib.tensor(a)
        if i in grad_of:
            t.requires_grad_(True)
        ts.append(t)
    out = fn(lib, ts)
    grads = [None] * len(ts)
    if out.requires_grad:
        out.backward(lib.ones_like(out))
        grads = [t.grad.numpy() if t.grad is not None else None for t in ts]
    return out.detach().numpy(), grads


def assert_same_as_torch(fn, arrays, grad_of=(0,), rtol=1e-5, atol=1e-6):
    """fn(lib, tensors) on minigrad and torch: same values, same gradients, NaN where torch has NaN,
    the same infinities."""
    ours, our_grads = _run(minigrad, fn, arrays, grad_of)
    theirs, their_grads = _run(torch, fn, arrays, grad_of)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, equal_nan=True)
    for i, (g, h) in enumerate(zip(our_grads, their_grads)):
        assert (g is None) == (h is None), f"gradient {i}: {g} vs {h}"
        if g is not None:
            assert g.shape == h.shape, f"gradient {i}: shape {g.shape} vs {h.shape}"
            np.testing.assert_allclose(g, h, rtol=rtol, atol=atol, equal_nan=True, err_msg=f"gradient {i}")


# ============================================================================= NaN and inf
X = np.array([[NAN, 1.0, -INF, 0.5], [INF, -2.0, 0.0, -0.0], [3.0, NAN, INF, -INF]], np.float32)
W = np.array([[1.0, 0.0, 2.0, -1.0], [0.0, 0.0, 0.0, 0.0], [0.5, -1.0, 1e-3, 2.0]], np.float32)
B = np.array([0.0, INF, -1.0], np.float32)

def _one_element_at_a_time(lib, fn, t):
    """fn(t) for minigrad; for torch, fn on each element as a 1-element tensor, stacked back."""
    if lib is minigrad:
        return fn(t)
    flat = t.reshape(-1)
    return lib.cat([fn(flat[i:i + 1]) for i in range(flat.shape[0])]).reshape(t.shape)


NAN_CASES = {
    "matmul": (lambda L, t: t[0] @ t[1].T, [X, W], (0, 1)),
    "matmul-inf-times-zero": (lambda L, t: t[0] @ t[1],
                              [np.array([[INF, 0.0], [1.0, -INF]], np.float32), np.array([[0.0, 1.0], [1.0, 0.0]], np.float32)], (0, 1)),
    "matmul-inf-minus-inf": (lambda L, t: t[0] @ t[1],
                             [np.array([[INF, INF]], np.float64), np.array([[1.0], [-1.0]], np.float64)], (0, 1)),
    "matmul-batched": (lambda L, t: t[0].reshape(3, 1, 4) @ t[1].T.reshape(1, 4, 3), [X, W], (0, 1)),
    "linear": (lambda L, t: L.nn.functional.linear(t[0], t[1], t[2]), [X, W, B], (0, 1, 2)),
    "linear-3d": (lambda L, t: L.nn.functional.linear(t[0].reshape(1, 3, 4), t[1], t[2]), [X, W, B], (0, 1, 2)),
    "relu": (lambda L, t: L.relu(t[0]), [X], (0,)),
    "relu-float64": (lambda L, t: L.relu(t[0]), [X.astype(np.float64)], (0,)),
    "relu-inplace": (lambda L, t: L.nn.functional.relu(t[0] * 1, inplace=True), [X], (0,)),
    "ReLU-after-linear": (lambda L, t: L.relu(L.nn.functional.linear(t[0], t[1])), [X, W], (0, 1)),
    "sigmoid": (lambda L, t: L.sigmoid(t[0]), [X], (0,)),
    "tanh": (lambda L, t: L.tanh(t[0]), [X], (0,)),
    # torch's vectorised GELU (the AVX-512 path) returns NaN for +inf where its scalar path and the
    # maths give inf; the reference is torch one element at a time, which takes the scalar path.
    "gelu": (lambda L, t: _one_element_at_a_time(L, L.nn.functional.gelu, t[0]), [X], (0,)),
    "silu": (lambda L, t: L.nn.functional.silu(t[0]), [X], (0,)),
    "elu": (lambda L, t: L.nn.functional.elu(t[0]), [X], (0,)),
    "selu": (lambda L, t: L.nn.functional.selu(t[0]), [X], (0,)),
    "leaky_relu": (lambda L, t: L.nn.functional.leaky_relu(t[0], 0.1), [X], (0,)),
    "softplus": (lambda L, t: L.nn.functional.softplus(t[0]), [X], (0,)),
    "softmax": (lambda L, t: L.softmax(t[0], dim=1), [X], (0,)),
    "log_softmax": (lambda L, t: L.log_softmax(t[0], dim=1), [X], (0,)),
    "dropout-eval": (lambda L, t: L.nn.functional.dropout(t[0], 0.5, training=False), [X], (0,)),
    "dropout-p1": (lambda L, t: L.nn.functional.dropout(t[0], 1.0), [X], (0,)),
}

_T = np.array([0, 1, 3])
_TF = np.array([[1.0, 0.0, 1.0, 0.5], [0.0, 1.0, INF, NAN], [0.25, 1.0, 0.0, 1.0]], np.float32)
for _red in ("none", "sum", "mean"):
    NAN_CASES.update({
        f"cross_entropy-{_red}": (lambda L, t, r=_red: L.nn.functional.cross_entropy(t[0], t[1], reduction=r), [X, _T], (0,)),
        f"cross_entropy-inf-logits-{_red}": (
            lambda L, t, r=_red: L.nn.functional.cross_entropy(t[0], t[1], reduction=r),
            [np.array([[INF, 1.0, 0.0], [-INF, 0.0, 0.0], [INF, INF, 0.0]], np.float32), np.array([0, 1, 2])], (0,)),
        f"cross_entropy-probs-{_red}": (
            lambda L, t, r=_red: L.nn.functional.cross_entropy(t[0], t[1], reduction=r), [X, _TF], (0, 1)),
        f"cross_entropy-smoothing-{_red}": (
            lambda L, t, r=_red: L.nn.functional.cross_entropy(t[0], t[1], reduction=r, label_smoothing=0.1), [X, _T], (0,)),
        f"nll-{_red}": (lambda L, t, r=_red: L.nn.functional.nll_loss(t[0], t[1], reduction=r), [X, _T], (0,)),
        f"mse-{_red}": (lambda L, t, r=_red: L.nn.functional.mse_loss(t[0], t[1], reduction=r), [X, _TF], (0, 1)),
        f"l1-{_red}": (lambda L, t, r=_red: L.nn.functional.l1_loss(t[0], t[1], reduction=r), [X, _TF], (0, 1)),
        f"bce_with_logits-{_red}": (
            lambda L, t, r=_red: L.nn.functional.binary_cross_entropy_with_logits(t[0], t[1], reduction=r), [X, _TF], (0, 1)),
        f"bce_with_logits-pos_weight-{_red}": (
            lambda L, t, r=_red: L.nn.functional.binary_cross_entropy_with_logits(
                t[0], t[1], pos_weight=t[2], reduction=r),
            [X, _TF, np.array([2.0, 1.0, 0.5, 3.0], np.float32)], (0, 1)),
        f"bce-{_red}": (
            lambda L, t, r=_red: L.nn.functional.binary_cross_entropy(t[0], t[1], reduction=r),
            [np.array([[0.0, 1.0, 0.5], [1e-30, 1.0 - 1e-7, 1.0]], np.float32),
             np.array([[1.0, 0.0, 0.3], [0.0, 1.0, 1.0]], np.float32)], (0, 1)),  # torch refuses NaN/inf in BCE
    })


@pytest.mark.parametrize("name", list(NAN_CASES))
def test_nan_inf_like_torch(name):
    fn, arrays, grad_of = NAN_CASES[name]
    assert_same_as_torch(fn, arrays, grad_of)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_nan_inf_raise_no_numpy_warnings():
    """PyTorch returns NaN silently; numpy's RuntimeWarnings must not leak (under -W error they
    become exceptions)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        x = minigrad.tensor(X, requires_grad=True)
        w = minigrad.tensor(W, requires_grad=True)
        y = F.relu(F.linear(x, w)) * 0
        loss = F.mse_loss(y, minigrad.tensor(np.full((3, 3), INF, np.float32))) + \
            F.binary_cross_entropy_with_logits(x, minigrad.tensor(_TF)) + \
            F.cross_entropy(x, minigrad.tensor(_T)) + F.l1_loss(x, minigrad.tensor(_TF))
        loss.backward()
    assert np.isnan(loss.item())


def test_nan_in_one_sample_stays_in_that_sample():
    """A NaN in one row of the batch poisons that row's output and nothing else (no kernel mixes
    rows), and reduction='none' losses keep the other rows finite."""
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    x = minigrad.randn(64, 4)
    x[17, 2] = NAN
    out = model(x)
    bad = np.isnan(out.detach().numpy()).any(axis=1)
    assert bad[17] and bad.sum() == 1
    loss = F.cross_entropy(out, minigrad.zeros(64, dtype=minigrad.long), reduction="none")
    assert np.isnan(loss.detach().numpy()).nonzero()[0].tolist() == [17]


# ============================================================================= empty batches
def _layers(L):
    return {
        "Linear": L.nn.Linear(5, 3),
        "Linear-no-bias": L.nn.Linear(5, 3, bias=False),
        "ReLU": L.nn.ReLU(),
        "Sigmoid": L.nn.Sigmoid(),
        "Tanh": L.nn.Tanh(),
        "GELU": L.nn.GELU(),
        "SiLU": L.nn.SiLU(),
        "ELU": L.nn.ELU(),
        "SELU": L.nn.SELU(),
        "LeakyReLU": L.nn.LeakyReLU(0.2),
        "Softplus": L.nn.Softplus(),
        "Softmax": L.nn.Softmax(dim=1),
        "LogSoftmax": L.nn.LogSoftmax(dim=1),
        "Identity": L.nn.Identity(),
        "Dropout": L.nn.Dropout(0.3),
        "Dropout-p1": L.nn.Dropout(1.0),
        "AlphaDropout": L.nn.AlphaDropout(0.3),
        "Flatten": L.nn.Flatten(),
        "Sequential": L.nn.Sequential(L.nn.Linear(5, 8), L.nn.ReLU(), L.nn.Dropout(0.5), L.nn.Linear(8, 2)),
    }


_EMPTY_3D = {  # layers that need more than 2 dims
    "Dropout1d": (lambda L: L.nn.Dropout1d(0.3), (0, 4, 5)),
    "Dropout2d": (lambda L: L.nn.Dropout2d(0.3), (0, 4, 5, 2)),
    "Dropout3d": (lambda L: L.nn.Dropout3d(0.3), (0, 4, 5, 2, 2)),
    "FeatureAlphaDropout": (lambda L: L.nn.FeatureAlphaDropout(0.3), (0, 4, 5, 2)),
    "Flatten-3d": (lambda L: L.nn.Flatten(), (0, 4, 5)),
    "Unflatten": (lambda L: L.nn.Unflatten(1, (2, 2)), (0, 4)),
    "Linear-3d-empty-middle": (lambda L: L.nn.Linear(5, 3), (2, 0, 5)),
}


def _copy_params(src, dst):
    with torch.no_grad():
        for (n1, p1), (n2, p2) in zip(src.named_parameters(), dst.named_parameters()):
            assert n1 == n2
            p2.copy_(torch.tensor(p1.detach().numpy()))


def _check_empty(ours_layer, theirs_layer, shape, dtype=np.float32):
    _copy_params(ours_layer, theirs_layer)
    ours_layer.train()
    theirs_layer.train()
    x_o = minigrad.zeros(*shape, dtype=minigrad.float32 if dtype == np.float32 else minigrad.float64, requires_grad=True)
    x_t = torch.zeros(*shape, dtype=torch.float32 if dtype == np.float32 else torch.float64, requires_grad=True)
    y_o, y_t = ours_layer(x_o), theirs_layer(x_t)
    assert tuple(y_o.shape) == tuple(y_t.shape)
    assert y_o.dtype.name == str(y_t.dtype).replace("torch.", "")
    y_o.sum().backward()
    y_t.sum().backward()
    assert tuple(x_o.grad.shape) == tuple(x_t.grad.shape)
    for (n, p_o), (_, p_t) in zip(ours_layer.named_parameters(), theirs_layer.named_parameters()):
        assert p_o.grad is not None and p_t.grad is not None, n
        np.testing.assert_array_equal(p_o.grad.numpy(), p_t.grad.numpy(), err_msg=n)


@pytest.mark.parametrize("name", list(_layers(minigrad)))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_empty_batch_through_layer(name, dtype):
    ours, theirs = _layers(minigrad)[name], _layers(torch)[name]
    if dtype == np.float64:
        ours, theirs = ours.double(), theirs.double()
    _check_empty(ours, theirs, (0, 5), dtype)


@pytest.mark.parametrize("name", list(_EMPTY_3D))
def test_empty_batch_through_layer_nd(name):
    make, shape = _EMPTY_3D[name]
    _check_empty(make(minigrad), make(torch), shape)


EMPTY_LOSSES = {
    "mse": (lambda L, t, r: L.nn.functional.mse_loss(t[0], t[1], reduction=r), [(0, 3), (0, 3)], (0, 1)),
    "l1": (lambda L, t, r: L.nn.functional.l1_loss(t[0], t[1], reduction=r), [(0, 3), (0, 3)], (0, 1)),
    "cross_entropy": (lambda L, t, r: L.nn.functional.cross_entropy(t[0], t[1], reduction=r), [(0, 3), "long0"], (0,)),
    "cross_entropy-weight": (lambda L, t, r: L.nn.functional.cross_entropy(t[0], t[1], weight=t[2], reduction=r),
                             [(0, 3), "long0", "w3"], (0,)),
    "cross_entropy-probs": (lambda L, t, r: L.nn.functional.cross_entropy(t[0], t[1], reduction=r), [(0, 3), (0, 3)], (0, 1)),
    "cross_entropy-spatial": (lambda L, t, r: L.nn.functional.cross_entropy(t[0], t[1], reduction=r),
                              [(0, 3, 4), "long0x4"], (0,)),
    "nll": (lambda L, t, r: L.nn.functional.nll_loss(t[0], t[1], reduction=r), [(0, 3), "long0"], (0,)),
    "bce": (lambda L, t, r: L.nn.functional.binary_cross_entropy(t[0], t[1], reduction=r), [(0, 3), (0, 3)], (0, 1)),
    "bce_with_logits": (lambda L, t, r: L.nn.functional.binary_cross_entropy_with_logits(t[0], t[1], reduction=r),
                        [(0, 3), (0, 3)], (0, 1)),
}


def _empty_arrays(spec):
    out = []
    for s in spec:
        if s == "long0":
            out.append(np.zeros(0, np.int64))
        elif s == "long0x4":
            out.append(np.zeros((0, 4), np.int64))
        elif s == "w3":
            out.append(np.array([1.0, 2.0, 0.5], np.float32))
        else:
            out.append(np.zeros(s, np.float32))
    return out


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
@pytest.mark.parametrize("name", list(EMPTY_LOSSES))
def test_empty_batch_loss(name, reduction):
    fn, spec, grad_of = EMPTY_LOSSES[name]
    assert_same_as_torch(lambda L, t: fn(L, t, reduction), _empty_arrays(spec), grad_of)


def test_empty_batch_training_step():
    """A training step on an empty batch (the last batch of a filtered dataset, say): loss NaN as in
    PyTorch for 'mean', and with 'sum' the step runs and changes nothing."""
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.2), nn.Linear(8, 3))
    opt = minigrad.optim.Adam(model.parameters(), lr=1e-2)
    before = [p.detach().clone() for p in model.parameters()]
    loss = F.cross_entropy(model(minigrad.zeros(0, 4)), minigrad.zeros(0, dtype=minigrad.long), reduction="sum")
    opt.zero_grad()
    loss.backward()
    assert all(np.array_equal(p.grad.numpy(), np.zeros(p.shape, np.float32)) for p in model.parameters())
    opt.step()
    for p, q in zip(model.parameters(), before):
        np.testing.assert_array_equal(p.detach().numpy(), q.numpy())
    mean = F.cross_entropy(model(minigrad.zeros(0, 4)), minigrad.zeros(0, dtype=minigrad.long))
    assert np.isnan(mean.item())


@pytest.mark.parametrize("a, b", [((0, 3), (3, 4)), ((3, 0), (0, 4)), ((3, 4), (4, 0)), ((0,), (0,)),
                                  ((0, 2, 3), (3, 5)), ((2, 0, 3), (3, 5)), ((2, 3, 0), (2, 0, 4)),
                                  ((0, 2, 3), (1, 3, 4))])
def test_empty_matmul_shapes(a, b):
    if True:
        x, y = minigrad.zeros(*a, requires_grad=True), minigrad.zeros(*b, requires_grad=True)
        out = x @ y
        tx, ty = torch.zeros(*a), torch.zeros(*b)
        assert tuple(out.shape) == tuple((tx @ ty).shape)
        np.testing.assert_array_equal(out.detach().numpy(), (tx @ ty).numpy())
        out.sum().backward()
        assert x.grad.shape == x.shape and y.grad.shape == y.shape
        assert not x.grad.numpy().any() and not y.grad.numpy().any()


# ============================================================================= numpy layouts
def _layouts(a):
    """The same values as ``a`` (2-D) in awkward layouts."""
    big = np.zeros((a.shape[0] * 2, a.shape[1] * 3), a.dtype)
    big[::2, ::3] = a
    neg = np.ascontiguousarray(a[::-1, ::-1])[::-1, ::-1]
    ro = a.copy()
    ro.flags.writeable = False
    both = np.asfortranarray(a)[:, :]
    both.flags.writeable = False
    return {
        "strided": big[::2, ::3],
        "fortran": np.asfortranarray(a),
        "transposed-view": np.ascontiguousarray(a.T).T,
        "negative-strides": neg,
        "negative-rows": np.ascontiguousarray(a[::-1])[::-1],
        "read-only": ro,
        "read-only-fortran": both,
    }


_A = np.random.default_rng(0).standard_normal((7, 5)).astype(np.float32)
_WT = np.random.default_rng(1).standard_normal((3, 5)).astype(np.float32)


@pytest.mark.parametrize("layout", list(_layouts(_A)))
@pytest.mark.parametrize("make", ["tensor", "from_numpy", "as_tensor"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_layouts(layout, make, dtype):
    a = _A.astype(dtype)
    arr = _layouts(a)[layout]
    assert np.array_equal(arr, a)
    factory = getattr(minigrad, make)
    x = factory(arr)
    ref = minigrad.tensor(a.copy())
    np.testing.assert_array_equal(x.numpy(), a)
    w = minigrad.tensor(_WT.astype(dtype))
    checks = {
        "add": lambda t: t + t * 2,
        "matmul": lambda t: t @ w.T,
        "matmul-left": lambda t: w @ t.T,
        "relu": lambda t: F.relu(t),
        "sum": lambda t: t.sum(dim=0),
        "softmax": lambda t: F.softmax(t, dim=1),
        "linear": lambda t: F.linear(t, w),
        "reshape": lambda t: t.reshape(-1),
        "T-matmul": lambda t: t.T @ t,
    }
    for name, fn in checks.items():
        np.testing.assert_allclose(fn(x).numpy(), fn(ref).numpy(), rtol=1e-6, atol=1e-6, err_msg=name)
    # dropout with the same seed: the mask depends only on the element index, not the layout
    minigrad.manual_seed(5)
    d1 = F.dropout(x, 0.5).numpy()
    minigrad.manual_seed(5)
    d2 = F.dropout(ref, 0.5).numpy()
    np.testing.assert_array_equal(d1, d2)


@pytest.mark.parametrize("layout", list(_layouts(_A)))
def test_numpy_layouts_through_layers_and_backward(layout):
    arr = _layouts(_A)[layout]
    minigrad.manual_seed(3)
    model = nn.Sequential(nn.Linear(5, 6), nn.ReLU(), nn.Linear(6, 2))
    grads = []
    for data in (arr, _A.copy()):
        model.zero_grad()
        x = minigrad.as_tensor(data).requires_grad_(False)
        x = x.float().requires_grad_(True) if not x.requires_grad else x
        out = model(x)
        F.mse_loss(out, minigrad.zeros(7, 2)).backward()
        grads.append([p.grad.numpy().copy() for p in model.parameters()] + [x.grad.numpy(), out.detach().numpy()])
    for g, h in zip(*grads):
        np.testing.assert_allclose(g, h, rtol=1e-6, atol=1e-7)


def test_read_only_numpy_is_not_written():
    """In-place ops on a tensor sharing a read-only array raise a clear error (or copy): they must
    never write through numpy's read-only flag, and never crash."""
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    a.flags.writeable = False
    for make in (minigrad.from_numpy, minigrad.as_tensor):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = make(a)
        for inplace in (lambda t: t.add_(1), lambda t: t.mul_(2), lambda t: t.zero_(), lambda t: F.relu(t, inplace=True),
                        lambda t: t.__setitem__(0, 5.0), lambda t: F.dropout(t, 0.5, inplace=True)):
            try:
                inplace(t)
            except (RuntimeError, ValueError) as e:
                assert "read-only" in str(e) or "not writ" in str(e) or "writeable" in str(e), str(e)
        np.testing.assert_array_equal(a, np.arange(6, dtype=np.float32).reshape(2, 3))
    # minigrad.tensor always copies: the copy is writable
    t = minigrad.tensor(a)
    t.add_(1)
    np.testing.assert_array_equal(t.numpy(), a + 1)


def test_from_numpy_shares_memory_of_strided_views():
    a = np.zeros((4, 6), np.float32)
    v = a[::2, ::-3]
    t = minigrad.from_numpy(v)
    t.add_(1.0)
    assert a[::2, ::-3].sum() == v.size and a.sum() == v.size
    np.testing.assert_array_equal(t.numpy(), v)


def test_unaligned_and_byteswapped_numpy():
    """Big-endian arrays and arrays at an odd byte offset: right values, not garbage."""
    a = np.arange(12, dtype=">f4").reshape(3, 4)
    for make in (minigrad.tensor, minigrad.as_tensor, minigrad.from_numpy):
        try:
            t = make(a)
        except (TypeError, ValueError) as e:  # refused, as PyTorch does ("byte order")
            assert "byte order" in str(e) or ">f4" in str(e), str(e)
            continue
        np.testing.assert_array_equal((t @ t.T).numpy(), a.astype(np.float32) @ a.astype(np.float32).T)
        np.testing.assert_array_equal(F.relu(t - 5).numpy(), np.maximum(a.astype(np.float32) - 5, 0))
    raw = np.zeros(4 * 12 + 1, np.uint8)
    u = np.ndarray((3, 4), np.float32, buffer=raw, offset=1)
    u[...] = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert not u.flags.aligned
    for make in (minigrad.tensor, minigrad.as_tensor, minigrad.from_numpy):
        t = make(u)
        np.testing.assert_array_equal((t @ t.T).numpy(), u @ u.T)
        np.testing.assert_array_equal(F.relu(t - 5).numpy(), np.maximum(u - 5, 0))
        np.testing.assert_array_equal(F.linear(t, t).numpy(), u @ u.T)


@pytest.mark.parametrize("make", ["tensor", "from_numpy", "as_tensor"])
def test_zero_stride_broadcast_numpy(make):
    """np.broadcast_to gives zero strides (every row is the same memory): right values through
    the ops, layers and dropout, and in-place writes refused rather than written through."""
    row = np.arange(5, dtype=np.float32) - 2
    b = np.broadcast_to(row, (7, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = getattr(minigrad, make)(b)
    ref = minigrad.tensor(np.ascontiguousarray(b))
    w = minigrad.tensor(_WT)
    for fn in (lambda x: x @ w.T, F.relu, lambda x: F.linear(x, w), lambda x: x.sum(0), lambda x: x * x + 1):
        np.testing.assert_array_equal(fn(t).numpy(), fn(ref).numpy())
    minigrad.manual_seed(1)
    d1 = F.dropout(t, 0.5).numpy()
    minigrad.manual_seed(1)
    np.testing.assert_array_equal(d1, F.dropout(ref, 0.5).numpy())
    if make != "tensor":  # shares the read-only broadcast memory
        with pytest.raises((RuntimeError, ValueError), match="read-only"):
            t.add_(1)
    np.testing.assert_array_equal(b, np.broadcast_to(row, (7, 5)))
