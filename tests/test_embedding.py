"""``F.embedding`` / ``nn.Embedding`` (and ``EmbeddingBag``) against PyTorch, and the compiled
gradient kernel (``_ops.index_add_rows``) against numpy's ``np.add.at``, for every thread count
and both ways the kernel splits its work."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad import _ops
from minigrad.autograd import gradcheck

torch = pytest.importorskip("torch")


# ------------------------------------------------------------------ F.embedding against torch
def _case(seed):
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(1, 12)), int(rng.integers(1, 6))
    shape = [(), (int(rng.integers(0, 7)),), (3, int(rng.integers(1, 5))), (2, 2, 3)][seed % 4]
    idx = rng.integers(0, n, size=shape)
    dtype = [np.float32, np.float64][seed % 2]
    weight = rng.standard_normal((n, d)).astype(dtype) * 2
    opts = {}
    if rng.random() < 0.4:
        opts["padding_idx"] = int(rng.integers(-n, n))
    if rng.random() < 0.3:
        opts["scale_grad_by_freq"] = True
    if rng.random() < 0.3:
        opts["max_norm"] = float(rng.uniform(0.5, 2.0))
        opts["norm_type"] = float(rng.choice([1.0, 2.0, 3.0, np.inf]))
    index_dtype = "int32" if rng.random() < 0.3 else "int64"
    grad = rng.standard_normal(tuple(shape) + (d,)).astype(dtype)
    return idx, index_dtype, weight, opts, grad


def _run(L, idx, index_dtype, weight, opts, grad):
    w = L.tensor(weight, requires_grad=True)
    out = F.embedding if L is minigrad else torch.nn.functional.embedding
    y = out(L.tensor(idx, dtype=getattr(L, index_dtype)), w, **opts)
    (y * L.tensor(grad)).sum().backward()
    return y.detach().numpy().copy(), w.grad.numpy().copy(), w.detach().numpy().copy(), y.grad_fn.name()


@pytest.mark.parametrize("seed", range(60))
def test_embedding_matches_torch(seed):
    idx, index_dtype, weight, opts, grad = _case(seed)
    m = _run(minigrad, idx, index_dtype, weight, opts, grad)
    t = _run(torch, idx, index_dtype, weight, opts, grad)
    assert m[3] == t[3] == "EmbeddingBackward0"
    if "max_norm" in opts:  # the row norms are summed in another order: a few ulps
        for a, b in zip(m[:3], t[:3]):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=str(opts))
    elif opts.get("scale_grad_by_freq"):
        np.testing.assert_array_equal(m[0], t[0])
        np.testing.assert_allclose(m[1], t[1], rtol=1e-6, atol=1e-7)
    else:  # the same additions in the same order: bit for bit
        for a, b in zip(m[:3], t[:3]):
            np.testing.assert_array_equal(a, b, err_msg=str(opts))


def test_gradient_of_repeated_rows_is_their_sum_bit_for_bit():
    rng = np.random.default_rng(0)
    weight = rng.standard_normal((50, 16)).astype(np.float32)
    idx = rng.integers(0, 50, size=(400, 7))
    grad = rng.standard_normal((400, 7, 16)).astype(np.float32)
    m = _run(minigrad, idx, "int64", weight, {}, grad)
    t = _run(torch, idx, "int64", weight, {}, grad)
    np.testing.assert_array_equal(m[1], t[1])


def test_gradcheck_float64():
    idx = minigrad.tensor([[0, 2, 2], [1, 0, 3]])
    for opts in [{}]:  # (padding_idx and scale_grad_by_freq change the gradient, by design)
        w = minigrad.randn(4, 3, dtype=minigrad.float64, requires_grad=True)
        assert gradcheck(lambda w: F.embedding(idx, w, **opts), (w,))


def test_sparse_gradient_is_pytorchs_densified():
    """A documented difference: minigrad has no sparse tensors; ``sparse=True`` gives the dense
    gradient with the same values."""
    idx = np.array([0, 3, 3, 1])
    weight = np.random.default_rng(1).standard_normal((5, 2)).astype(np.float32)
    wt = torch.tensor(weight, requires_grad=True)
    torch.nn.functional.embedding(torch.tensor(idx), wt, sparse=True).pow(2).sum().backward()
    wm = minigrad.tensor(weight, requires_grad=True)
    F.embedding(minigrad.tensor(idx), wm, sparse=True).pow(2).sum().backward()
    assert wt.grad.is_sparse and not wm.grad.is_floating_point() is False
    np.testing.assert_array_equal(wm.grad.numpy(), wt.grad.to_dense().numpy())


def test_max_norm_renormalises_the_weight_in_place_as_torch():
    for L in (minigrad, torch):
        w = L.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
        out = (F.embedding if L is minigrad else torch.nn.functional.embedding)(
            L.tensor([0, 1, 0]), w, max_norm=1.0)
        np.testing.assert_allclose(w.numpy(), [[0.6, 0.8], [0.3, 0.4], [6.0, 8.0]], rtol=1e-6)
        np.testing.assert_allclose(out.numpy(), [[0.6, 0.8], [0.3, 0.4], [0.6, 0.8]], rtol=1e-6)
        assert w._version == 1
    # on a leaf that requires grad (an nn.Embedding's weight): in place, outside the graph
    for L in (minigrad, torch):
        m = L.nn.Embedding(3, 2, max_norm=1.0)
        with L.no_grad():
            m.weight.copy_(L.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]]))
        m(L.tensor([0])).sum().backward()
        np.testing.assert_allclose(m.weight.detach().numpy()[0], [0.6, 0.8], rtol=1e-6)
        assert m.weight.grad.tolist() == [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]]


ERRORS = [
    "F.embedding(L.tensor([0.]), L.randn(5, 3))", "F.embedding(L.tensor([0], dtype=L.int16), L.randn(5, 3))",
    "F.embedding(L.tensor([0], dtype=L.uint8), L.randn(5, 3))", "F.embedding(L.tensor([True]), L.randn(5, 3))",
    "F.embedding(L.tensor([5]), L.randn(5, 3))", "F.embedding(L.tensor([-1]), L.randn(5, 3))",
    "F.embedding([0], L.randn(5, 3))", "F.embedding(L.tensor([0]), L.randn(5))",
    "F.embedding(L.tensor([0]), L.randn(5, 3, 2))", "F.embedding(L.tensor([0]), L.randn(5, 3), padding_idx=5)",
    "F.embedding(L.tensor([0]), L.randn(5, 3), padding_idx=-6)",
    "F.embedding(L.tensor([0]), L.randn(5, 3), padding_idx=1.0)",
    "F.embedding(L.tensor([7]), L.randn(5, 3), max_norm=1.0)",
    "L.nn.Embedding(-1, 3)", "L.nn.Embedding(3, 2, padding_idx=3)", "L.nn.Embedding(3, 2, padding_idx=-4)",
    "L.nn.Embedding(3, 2, _weight=L.ones(2, 2))", "L.nn.Embedding.from_pretrained(L.ones(3))",
]


@pytest.mark.parametrize("code", ERRORS)
def test_errors_match_torch(code):
    from torch_reference import error_of

    def run(L):
        return error_of(L, code.replace("F.", "L.nn.functional."))
    t_type, t_msg = run(torch)
    m_type, m_msg = run(minigrad)
    assert t_type is not None and m_type is not None and issubclass(m_type, t_type), (m_type, t_type, m_msg)
    assert m_msg == t_msg


# ------------------------------------------------------------------ nn.Embedding
def test_module_repr_state_dict_and_padding_row_as_torch():
    args = [(10, 3), (4, 2)]
    kwargs = [dict(padding_idx=-2, max_norm=1.5, norm_type=1.0, scale_grad_by_freq=True, sparse=True),
              dict(), dict(max_norm=1), dict(norm_type=2.0), dict(padding_idx=0)]
    for a in args:
        for kw in kwargs:
            m, t = nn.Embedding(*a, **kw), torch.nn.Embedding(*a, **kw)
            assert repr(m) == repr(t)
            assert list(m.state_dict()) == list(t.state_dict()) == ["weight"]
            assert m.padding_idx == t.padding_idx
            if m.padding_idx is not None:
                assert not m.weight[m.padding_idx].detach().numpy().any()
            assert m.weight.requires_grad and m.weight.shape == t.weight.shape


def test_reset_parameters_draws_from_a_standard_normal():
    minigrad.manual_seed(0)
    w = nn.Embedding(400, 50, padding_idx=3).weight.detach().numpy()
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1) < 0.02 and not w[3].any()


def test_from_pretrained_shares_and_freezes_as_torch():
    for L in (minigrad, torch):
        table = L.tensor([[1.0, 2.0], [3.0, 4.0]])
        e = L.nn.Embedding.from_pretrained(table)
        assert not e.weight.requires_grad and e.weight.data_ptr() == table.data_ptr()
        assert repr(e) == "Embedding(2, 2)"
        e2 = L.nn.Embedding.from_pretrained(table, freeze=False, padding_idx=1)
        assert e2.weight.requires_grad and repr(e2) == "Embedding(2, 2, padding_idx=1)"
        assert e2(L.tensor([1])).tolist() == [[3.0, 4.0]]  # from_pretrained does not zero the row
        e3 = L.nn.Embedding(2, 2, _weight=table.clone(), _freeze=True)
        assert not e3.weight.requires_grad


def test_loading_a_state_dict_from_torch_gives_the_same_lookups():
    t = torch.nn.Embedding(6, 4, padding_idx=1)
    m = nn.Embedding(6, 4, padding_idx=1)
    m.load_state_dict({k: minigrad.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    idx = [[0, 1, 5], [2, 2, 3]]
    np.testing.assert_array_equal(m(minigrad.tensor(idx)).detach().numpy(),
                                  t(torch.tensor(idx)).detach().numpy())


def test_training_steps_match_torch_exactly():
    """An embedding + linear model, a few SGD steps: the same weights bit for bit (the
    lookups and the row sums of the gradient are exact; the linear layer is small)."""
    rng = np.random.default_rng(3)
    emb0 = rng.standard_normal((7, 4)).astype(np.float64)
    idx = rng.integers(0, 7, size=(16, 3))
    out = []
    for L in (minigrad, torch):
        e = L.nn.Embedding.from_pretrained(L.tensor(emb0), freeze=False)
        opt = L.optim.SGD(e.parameters(), lr=0.1)
        for _ in range(5):
            opt.zero_grad()
            loss = e(L.tensor(idx)).sum(-1).pow(2).mean()
            loss.backward()
            opt.step()
        out.append(e.weight.detach().numpy().copy())
    np.testing.assert_allclose(out[0], out[1], rtol=1e-13)


# ------------------------------------------------------------------ EmbeddingBag
BAGS = [
    dict(mode="sum"), dict(mode="mean"), dict(mode="max"), dict(mode="sum", per_sample_weights=True),
    dict(mode="mean", padding_idx=2), dict(mode="sum", include_last_offset=True),
    dict(mode="mean", two_d=True), dict(mode="max", two_d=True), dict(mode="sum", empty_bag=True),
]


@pytest.mark.parametrize("opts", BAGS, ids=[str(o) for o in BAGS])
def test_embedding_bag_matches_torch(opts):
    opts = dict(opts)
    rng = np.random.default_rng(7)
    weight = rng.standard_normal((6, 3))
    two_d, empty, psw = opts.pop("two_d", False), opts.pop("empty_bag", False), opts.pop("per_sample_weights", False)
    if two_d:
        idx, offsets = rng.integers(0, 6, size=(4, 3)), None
    else:
        idx = rng.integers(0, 6, size=9)
        offsets = np.array([0, 2, 2, 6]) if empty else np.array([0, 3, 4, 7])
        if opts.get("include_last_offset"):
            offsets = np.append(offsets, 9)
    psw_data = rng.standard_normal(idx.shape) if psw else None
    results = []
    for L in (minigrad, torch):
        w = L.tensor(weight, requires_grad=True)
        p = None if psw_data is None else L.tensor(psw_data, requires_grad=True)
        fn = F.embedding_bag if L is minigrad else torch.nn.functional.embedding_bag
        y = fn(L.tensor(idx), w, None if offsets is None else L.tensor(offsets), per_sample_weights=p, **opts)
        (y * L.tensor(np.arange(y.numel(), dtype=np.float64).reshape(tuple(y.shape)))).sum().backward()
        results.append((y.detach().numpy(), w.grad.numpy(), None if p is None else p.grad.numpy()))
    for a, b in zip(*results):
        if b is None:
            assert a is None
        else:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_embedding_bag_module_repr_as_torch():
    for kw in [dict(), dict(mode="sum"), dict(mode="max", padding_idx=1, max_norm=2.0)]:
        assert repr(nn.EmbeddingBag(5, 2, **kw)) == repr(torch.nn.EmbeddingBag(5, 2, **kw))


# ------------------------------------------------------------------ the kernel
def test_kernel_equals_np_add_at_for_every_thread_count_and_split():
    rng = np.random.default_rng(11)
    for dtype in (np.float32, np.float64):
        for n, d, m in [(5, 3, 40), (30, 300, 500), (1000, 8, 5000), (3, 1, 0), (7, 600, 64)]:
            rows = rng.integers(0, n, size=m)
            values = rng.standard_normal((m, d)).astype(dtype)
            start = rng.standard_normal((n, d)).astype(dtype)
            want = start.copy()
            np.add.at(want, rows, values)
            for threads in (1, 2, 3, 8):
                for split in ("rows", "cols", "auto"):
                    old = minigrad.get_num_threads()
                    try:
                        minigrad.set_num_threads(threads)
                        _ops._set_embedding_split(split)
                        got = _ops.index_add_rows(start.copy(), rows, values)
                    finally:
                        minigrad.set_num_threads(old)
                        _ops._set_embedding_split("auto")
                    np.testing.assert_array_equal(got, want, err_msg=f"{dtype} {n}x{d} {threads} {split}")


def test_kernel_scaled_sum_is_the_same_for_every_split():
    rng = np.random.default_rng(12)
    rows = rng.integers(0, 20, size=300)
    values = rng.standard_normal((300, 64)).astype(np.float32)
    outs = []
    for split in ("rows", "cols"):
        _ops._set_embedding_split(split)
        try:
            outs.append(_ops.index_add_rows(np.zeros((20, 64), np.float32), rows, values, True))
        finally:
            _ops._set_embedding_split("auto")
    np.testing.assert_array_equal(outs[0], outs[1])
    counts = np.bincount(rows, minlength=20)
    want = np.zeros((20, 64))
    np.add.at(want, rows, values.astype(np.float64) / counts[rows][:, None])
    np.testing.assert_allclose(outs[0], want, rtol=1e-5, atol=1e-6)


KERNEL_ERRORS = [
    (lambda: _ops.index_add_rows(np.zeros((3, 2)), np.array([3]), np.zeros((1, 2))), IndexError),
    (lambda: _ops.index_add_rows(np.zeros((3, 2)), np.array([-1]), np.zeros((1, 2))), IndexError),
    (lambda: _ops.index_add_rows(np.zeros((3, 2)), np.array([0.0]), np.zeros((1, 2))), TypeError),
    (lambda: _ops.index_add_rows(np.zeros((3, 2)), np.array([0]), np.zeros((1, 3))), ValueError),
    (lambda: _ops.index_add_rows(np.zeros((3, 2)), np.array([0]), np.zeros((1, 2), np.float32)), TypeError),
    (lambda: _ops.index_add_rows(np.zeros((3, 2), np.int64), np.array([0]), np.zeros((1, 2))), TypeError),
    (lambda: _ops.index_add_rows(np.zeros((3, 2)).T, np.array([0]), np.zeros((1, 3))), ValueError),
    (lambda: _ops.index_add_rows([[0.0]], np.array([0]), np.zeros((1, 1))), TypeError),
    (lambda: _ops.index_add_rows(np.zeros(3), np.array([0]), np.zeros((1, 1))), ValueError),
]


@pytest.mark.parametrize("k", range(len(KERNEL_ERRORS)))
def test_kernel_refuses_bad_arguments(k):
    call, exc = KERNEL_ERRORS[k]
    with pytest.raises(exc):
        call()


def test_kernel_refuses_overlapping_out_and_values():
    a = np.zeros((4, 2))
    with pytest.raises(ValueError, match="overlap"):
        _ops.index_add_rows(a, np.array([0, 1]), a[2:])
