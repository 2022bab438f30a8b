"""The convolution, pooling and normalisation kernels (_ops_conv.pxi, _ops_pool.pxi,
_ops_norm.pxi): bit-identical results for 1 and 2 threads, for any block size and GEMM variant;
im2col/col2im are adjoint; hostile arguments are Python exceptions, never a crash."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad import _ops
from minigrad.ops import convolution


def rand(*shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


@pytest.fixture
def always_parallel():
    """Thresholds at 0: every kernel and GEMM uses all the threads it is given (thresholds and
    the thread count restored afterwards)."""
    rng, mem = _ops._get_parallel_threshold()
    flops = _ops.get_parallel_threshold()
    threads = minigrad.get_num_threads()
    _ops._set_parallel_threshold(rng=0, mem=0)
    _ops.set_parallel_threshold(0)
    yield
    _ops._set_parallel_threshold(rng=rng, mem=mem)
    _ops.set_parallel_threshold(flops)
    minigrad.set_num_threads(threads)


def _conv_step(dtype, x, w, b, **kw):
    xt = minigrad.tensor(x, requires_grad=True)
    wt = minigrad.tensor(w, requires_grad=True)
    bt = minigrad.tensor(b, requires_grad=True)
    y = F.conv2d(xt, wt, bt, **kw)
    y.backward(minigrad.tensor(rand(*y.shape, seed=9, dtype=dtype)))
    return [y.detach().numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()]


def _pool_and_norm_step(dtype, x):
    xt = minigrad.tensor(x, requires_grad=True)
    w = minigrad.tensor(rand(x.shape[1], seed=3, dtype=dtype), requires_grad=True)
    ln_w = minigrad.tensor(rand(*x.shape[-2:], seed=4, dtype=dtype), requires_grad=True)
    wide_w = minigrad.tensor(rand(102, seed=7, dtype=dtype), requires_grad=True)
    rm = minigrad.tensor(rand(102, seed=5, dtype=dtype))
    rv = minigrad.tensor(np.abs(rand(102, seed=6, dtype=dtype)) + 0.5)
    outs = [F.max_pool2d(xt, 3, 2, 1, ceil_mode=True), F.avg_pool2d(xt, 3, 2, 1),
            F.adaptive_avg_pool2d(xt, (3, 5)), F.adaptive_max_pool2d(xt, 4),
            F.batch_norm(xt, None, None, w, None, True),
            F.batch_norm(xt.reshape(-1, x.shape[-1]), None, None, None, None, True),
            # more channels than a block (64), running statistics updated, then used in eval
            F.batch_norm(xt.reshape(-1, 102), rm, rv, None, wide_w, True, 0.3),
            F.batch_norm(xt.reshape(-1, 102), rm, rv, wide_w, None, False),
            F.layer_norm(xt, x.shape[-2:], ln_w)]
    loss = sum((o * minigrad.tensor(rand(*o.shape, seed=i, dtype=dtype))).sum()
               for i, o in enumerate(outs))
    loss.backward()
    return [o.detach().numpy() for o in outs] + [xt.grad.numpy(), w.grad.numpy(), ln_w.grad.numpy(),
                                                 wide_w.grad.numpy(), rm.numpy(), rv.numpy()]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_results_do_not_depend_on_the_thread_count(dtype, always_parallel):
    conv_args = (rand(6, 4, 13, 11, dtype=dtype), rand(6, 2, 3, 4, seed=1, dtype=dtype),
                 rand(6, seed=2, dtype=dtype))
    x = rand(5, 3, 17, 20, seed=5, dtype=dtype)
    results = []
    for threads in (1, 2, 1, 2):
        minigrad.set_num_threads(threads)
        results.append(_conv_step(dtype, *conv_args, stride=(2, 1), padding=(1, 2), groups=2)
                       + _conv_step(dtype, *conv_args[:1], rand(6, 4, 3, 3, seed=1, dtype=dtype),
                                    conv_args[2], padding="same", dilation=2)
                       + _pool_and_norm_step(dtype, x))
    for other in results[1:]:
        for a, b in zip(results[0], other):
            assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layer_kernels_give_the_same_bits_in_every_variant(dtype):
    """The generic, AVX2 and AVX-512 copies of csrc/norm.h and pool.h (those this CPU runs; the
    kernel-by-kernel check of the whole family is in test_kernel_variants.py)."""
    x = rand(6, 5, 17, 20, seed=3, dtype=dtype)  # 10200 values: a multiple of 102
    before = _ops.layers_variant()
    results = []
    try:
        for variant in _ops.available_layers_variants():
            _ops.set_layers_variant(variant)
            assert _ops.layers_variant() == variant
            results.append(_pool_and_norm_step(dtype, x))
    finally:
        _ops.set_layers_variant(before)
    for other in results[1:]:
        for a, b in zip(results[0], other):
            assert a.tobytes() == b.tobytes()
    with pytest.raises(ValueError, match="unknown layers variant"):
        _ops.set_layers_variant("sse9")


def test_conv_results_do_not_depend_on_the_block_size(monkeypatch):
    args = (rand(9, 3, 8, 7, dtype=np.float64), rand(4, 3, 3, 3, seed=1, dtype=np.float64),
            rand(4, seed=2, dtype=np.float64))
    whole = _conv_step(np.float64, *args, padding=1)
    monkeypatch.setattr(convolution, "_BLOCK_BYTES", 1)  # one sample per block
    for a, b in zip(whole, _conv_step(np.float64, *args, padding=1)):
        assert a.tobytes() == b.tobytes()
    assert convolution._block_size(9, 10) == 1


@pytest.mark.parametrize("variant", _ops.available_gemm_variants())
def test_conv_adds_no_rounding_of_its_own_to_the_gemm(variant):
    """Under each GEMM variant, the convolution is bit for bit the GEMM of its im2col columns:
    every difference between variants is the GEMM's (its generic and AVX2 kernels round
    float32 differently today), none comes from the packing, the blocking or the layer."""
    x, w = rand(3, 4, 9, 8), rand(5, 4, 3, 3, seed=1)
    try:
        _ops.set_gemm_variant(variant)
        y = F.conv2d(minigrad.tensor(x), minigrad.tensor(w), padding=1).numpy()
        cols = _ops.im2col(x, (3, 3), (1, 1), (1, 1), (1, 1))
        expect = np.stack([_ops.matmul(w.reshape(5, 36), cols[n]) for n in range(3)])
    finally:
        _ops.set_gemm_variant("auto")
    assert y.reshape(expect.shape).tobytes() == expect.tobytes()


@pytest.mark.parametrize("kw", [dict(kernel=(3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2)),
                                dict(kernel=(1, 1), stride=(3, 3), padding=(2, 2), dilation=(1, 1)),
                                dict(kernel=(5, 5), stride=(1, 2), padding=(2, 2), dilation=(2, 1))])
def test_col2im_is_the_adjoint_of_im2col(kw):
    x = rand(2, 3, 9, 8, dtype=np.float64)
    cols = _ops.im2col(x, kw["kernel"], kw["stride"], kw["padding"], kw["dilation"])
    c = rand(*cols.shape, seed=1, dtype=np.float64)
    back = _ops.col2im(c, (9, 8), kw["kernel"], kw["stride"], kw["padding"], kw["dilation"])
    assert back.shape == x.shape
    np.testing.assert_allclose(np.vdot(cols, c), np.vdot(x, back), rtol=1e-12)


def test_im2col_layout():
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    cols = _ops.im2col(x, (2, 2), (2, 2), (0, 0), (1, 1))
    assert cols[0].tolist() == [[0, 2, 8, 10], [1, 3, 9, 11], [4, 6, 12, 14], [5, 7, 13, 15]]
    assert _ops.conv_output_size((28, 28), (3, 3), (1, 1), (0, 0), (1, 1)) == (26, 26)


X4 = np.zeros((1, 1, 4, 4), np.float32)
I64 = np.zeros(2, np.int64)


@pytest.mark.parametrize("call, error", [
    (lambda: _ops.im2col(X4.astype(np.int32), (2, 2), (1, 1), (0, 0), (1, 1)), TypeError),
    (lambda: _ops.im2col(X4[0], (2, 2), (1, 1), (0, 0), (1, 1)), ValueError),
    (lambda: _ops.im2col(X4.transpose(0, 1, 3, 2)[..., ::2], (2, 2), (1, 1), (0, 0), (1, 1)), ValueError),
    (lambda: _ops.im2col(X4, (5, 5), (1, 1), (0, 0), (1, 1)), ValueError),
    (lambda: _ops.im2col(X4, (2, 2), (0, 1), (0, 0), (1, 1)), ValueError),
    (lambda: _ops.im2col(X4, (2, 2), (1, 1), (-1, 0), (1, 1)), ValueError),
    (lambda: _ops.im2col(X4, (2,), (1, 1), (0, 0), (1, 1)), TypeError),
    (lambda: _ops.im2col(X4, (2, 2.0), (1, 1), (0, 0), (1, 1)), TypeError),
    (lambda: _ops.im2col(X4.tolist(), (2, 2), (1, 1), (0, 0), (1, 1)), TypeError),
    (lambda: _ops.col2im(np.zeros((1, 5, 9), np.float32), (4, 4), (2, 2), (1, 1), (0, 0), (1, 1)), ValueError),
    (lambda: _ops.col2im(np.zeros((1, 4, 8), np.float32), (4, 4), (2, 2), (1, 1), (0, 0), (1, 1)), ValueError),
    (lambda: _ops.max_pool_forward(X4[0], np.array([0, 3]), np.array([2, 2]), 1, I64, I64 + 1, 1), ValueError),
    (lambda: _ops.max_pool_forward(X4[0], np.array([-1, 0]), np.array([2, 2]), 1, I64, I64 + 1, 1), ValueError),
    (lambda: _ops.max_pool_forward(X4[0], I64, I64 + 1, 0, I64, I64 + 1, 1), ValueError),
    (lambda: _ops.max_pool_forward(X4[0], I64, np.array([1, -1]), 1, I64, I64 + 1, 1), ValueError),
    (lambda: _ops.max_pool_forward(X4[0], I64.astype(np.int32), I64, 1, I64, I64, 1), ValueError),
    (lambda: _ops.max_pool_backward(np.ones((1, 2, 2), np.float32), np.full((1, 2, 2), 16), 4, 4), ValueError),
    (lambda: _ops.max_pool_backward(np.ones((1, 2, 2), np.float32), np.full((1, 2, 2), -1), 4, 4), ValueError),
    (lambda: _ops.max_pool_backward(np.ones((1, 2, 2), np.float32), np.zeros((1, 2, 3), np.int64), 4, 4), ValueError),
    (lambda: _ops.avg_pool_forward(X4[0], I64, I64 + 5, I64, I64 + 1, np.ones((2, 2))), ValueError),
    (lambda: _ops.avg_pool_forward(X4[0], I64 + 2, I64 + 1, I64, I64 + 1, np.ones((2, 2))), ValueError),
    (lambda: _ops.avg_pool_forward(X4[0], I64, I64 + 1, I64, I64 + 1, np.ones((2, 3))), ValueError),
    (lambda: _ops.avg_pool_backward(np.ones((1, 3, 2), np.float32), 4, 4, I64, I64 + 1, I64, I64 + 1, np.ones((2, 2))), ValueError),
    (lambda: _ops.batch_norm_stats(np.zeros((0, 3, 2), np.float32)), ValueError),
    (lambda: _ops.batch_norm_stats(np.zeros((2, 3), np.float32)), ValueError),
    (lambda: _ops.batch_norm_apply(np.zeros((2, 3, 1), np.float32), np.ones(2, np.float32), np.ones(3, np.float32)), ValueError),
    (lambda: _ops.batch_norm_apply(np.zeros((2, 3, 1), np.float32), np.ones(3), np.ones(3)), ValueError),
    (lambda: _ops.batch_norm_apply(np.zeros((2, 3, 1), np.float32), np.ones(3, np.float32), np.ones(3, np.float32), np.zeros((2, 3, 2), np.float32), np.ones(3, np.float32)), ValueError),
    (lambda: _ops.batch_norm_grad_sums(np.zeros((2, 3, 1)), np.zeros((2, 3, 1))), ValueError),
    (lambda: _ops.layer_norm_forward(np.zeros((2, 0))), ValueError),
    (lambda: _ops.layer_norm_forward(np.zeros((2, 3)), np.ones(2)), ValueError),
    (lambda: _ops.layer_norm_forward(np.zeros((2, 3)), eps="1e-5"), TypeError),
    (lambda: _ops.layer_norm_backward(np.zeros((2, 3)), np.zeros((2, 3)), None, np.zeros(1), np.zeros(2)), ValueError),
])
def test_hostile_kernel_arguments_are_exceptions(call, error):
    with pytest.raises(error):
        call()


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")  # np.matrix is the subclass
def test_big_endian_and_subclass_inputs_are_refused():
    with pytest.raises(ValueError, match="byte order"):
        _ops.im2col(X4.astype(">f4"), (2, 2), (1, 1), (0, 0), (1, 1))
    with pytest.raises(TypeError, match="subclass"):
        _ops.layer_norm_forward(np.asmatrix(np.zeros((2, 3))))


def test_misaligned_input_gives_the_same_result():
    x = rand(2, 3, 5, 4, dtype=np.float64)
    raw = np.zeros(x.nbytes + 1, np.uint8)
    odd = np.frombuffer(raw.data, dtype=np.float64, count=x.size, offset=1).reshape(x.shape)
    odd[...] = x
    assert not odd.flags.aligned
    np.testing.assert_array_equal(_ops.im2col(odd, (2, 2), (1, 1), (1, 1), (1, 1)),
                                  _ops.im2col(x, (2, 2), (1, 1), (1, 1), (1, 1)))
    np.testing.assert_array_equal(_ops.batch_norm_stats(odd.reshape(2, 3, 20))[0],
                                  _ops.batch_norm_stats(x.reshape(2, 3, 20))[0])


def test_a_cnn_trains_the_same_on_1_and_2_threads(always_parallel):
    """A whole model (conv, BN, pool, dropout, linear) for a few SGD steps: identical weights."""
    def run(threads):
        minigrad.set_num_threads(threads)
        minigrad.manual_seed(0)
        model = nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(),
                              nn.MaxPool2d(2), nn.Dropout(0.2), nn.Flatten(), nn.Linear(6 * 16, 10),
                              nn.LayerNorm(10))
        opt = minigrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        x = minigrad.tensor(rand(16, 1, 8, 8))
        y = minigrad.tensor(np.arange(16) % 10)
        for _ in range(3):
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
        return [v.numpy().tobytes() for v in model.state_dict().values()]
    assert run(1) == run(2)
