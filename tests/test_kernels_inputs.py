"""What the kernel wrappers (minigrad._ops) do with awkward arguments: other byte orders, ndarray
subclasses, misaligned or overlapping buffers, bad p / counts / seeds / masks / outputs, empty
and broadcast arrays. Every case either computes the right numbers or raises a clear
TypeError/ValueError before a kernel runs; none crashes or returns garbage.

Run:  pytest tests/test_kernels_inputs.py
"""
import numpy as np
import pytest

import minigrad
from minigrad import _ops as K

FLOATS = [np.float32, np.float64]
# np.matrix is deprecated, but users still pass it: the wrappers must refuse it cleanly.
pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")


def big_endian(a):
    """The same values stored in the non-native byte order (x86 is little-endian)."""
    a = np.asarray(a)
    return a.astype(a.dtype.newbyteorder(">" if np.little_endian else "<"))


def misaligned(a):
    """A copy of `a` whose data starts one byte past an aligned address: legal numpy (a view into
    a bytes buffer), but not aligned for its element type."""
    a = np.asarray(a)
    buf = np.zeros(a.nbytes + 1, np.uint8)
    m = buf[1:].view(a.dtype).reshape(a.shape)
    m[...] = a
    assert not m.flags.aligned and m.flags.c_contiguous
    return m


def bits_equal(a, b):
    a, b = np.ascontiguousarray(a), np.ascontiguousarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def _x(n=12, dt=np.float32, seed=0):
    return np.random.default_rng(seed).standard_normal(n).astype(dt)


# Every wrapper that reads an array, called with `arr` in the position named.
def _calls(arr):
    dt = arr.dtype.newbyteorder("=") if arr.dtype.kind == "f" else np.float32
    n = arr.size
    sq = arr.reshape(3, 4) if arr.ndim == 1 else arr
    ok2 = np.ones((4, 3), dt)
    return {
        "matmul a": lambda: K.matmul(sq, ok2),
        "matmul b": lambda: K.matmul(ok2.T.copy(), sq),
        "matmul bias": lambda: K.matmul(ok2.T.copy(), ok2, bias=arr[:3]),
        "bmm": lambda: K.bmm(sq[None], ok2[None]),
        "linear x": lambda: K.linear_forward(sq, np.ones((2, 4), dt)),
        "linear weight": lambda: K.linear_forward(np.ones((2, 4), dt), sq),
        "linear_backward grad": lambda: K.linear_backward(sq, np.ones((3, 2), dt), np.ones((4, 2), dt)),
        "sum_rows": lambda: K.sum_rows(sq),
        "relu_forward": lambda: K.relu_forward(arr),
        "relu_backward grad": lambda: K.relu_backward(arr, np.ones(arr.shape, dt)),
        "relu_backward result": lambda: K.relu_backward(np.ones(arr.shape, dt), arr),
        "dropout_forward": lambda: K.dropout_forward(arr, 0.5, 1, 2),
        "dropout_backward": lambda: K.dropout_backward(arr, np.zeros((n + 7) // 8, np.uint8), 0.5),
        "uniform_": lambda: K.uniform_(arr, 1, 2),
        "normal_": lambda: K.normal_(arr, 1, 2),
    }


# --------------------------------------------------------------------------
# Byte order and subclasses (item: never compute on memory read the wrong way)

@pytest.mark.parametrize("dt", FLOATS)
def test_big_endian_arrays_are_refused_by_every_wrapper(dt):
    be = big_endian(np.arange(12, dtype=dt))
    for name, call in _calls(be).items():
        with pytest.raises(ValueError, match="non-native byte order"):
            call()


@pytest.mark.parametrize("dt", FLOATS)
def test_big_endian_out_is_refused(dt):
    x = np.arange(12, dtype=dt)
    be = big_endian(np.zeros(12, dt))
    for call in (lambda: K.relu_forward(x, out=be),
                 lambda: K.dropout_forward(x, 0.5, 1, 2, out=be),
                 lambda: K.dropout_backward(x, np.zeros(2, np.uint8), 0.5, out=be),
                 lambda: K.matmul(x.reshape(3, 4), x.reshape(4, 3), out=be[:9].reshape(3, 3))):
        with pytest.raises(ValueError, match="non-native byte order"):
            call()
    assert np.all(be == 0)


def test_ndarray_subclasses_are_refused():
    m = np.matrix(np.arange(12, dtype=np.float32).reshape(3, 4))
    for name, call in _calls(m).items():
        if name in ("matmul bias", "dropout_backward"):
            continue  # a matrix cannot be the 1-D bias, nor have the mask's size
        with pytest.raises(TypeError, match="plain numpy.ndarray"):
            call()
    with pytest.raises(TypeError, match="plain numpy.ndarray"):
        K.dropout_backward(np.ones(8, np.float32), np.matrix(np.zeros(1, np.uint8)), 0.5)
    with pytest.raises(TypeError, match="plain numpy.ndarray"):
        K.relu_forward(np.ones(4, np.float32), out=np.ma.masked_array(np.zeros(4, np.float32)))


@pytest.mark.filterwarnings("ignore:__array_wrap__:DeprecationWarning")  # torch's tensor @ ndarray
def test_public_path_matches_torch_for_big_endian_and_subclasses():
    torch = pytest.importorskip("torch")
    be = big_endian(np.arange(6, dtype=np.float32).reshape(2, 3))
    for make in ("tensor", "as_tensor", "from_numpy"):
        with pytest.raises(ValueError) as theirs:
            getattr(torch, make)(be)
        with pytest.raises(ValueError) as ours:
            getattr(minigrad, make)(be)
        assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError, match="byte order"):
        minigrad.tensor(be, dtype=minigrad.float64)
    with pytest.raises(ValueError, match="byte order"):
        minigrad.tensor(big_endian(np.array(2.0)))
    # converted to the native order first, the same values multiply correctly
    native = be.astype(be.dtype.newbyteorder("="))
    t = minigrad.tensor(native)
    np.testing.assert_array_equal((t @ t.T).numpy(), (torch.tensor(native) @ torch.tensor(native).T).numpy())
    # as an operand of a tensor operation the array is converted, by torch and by minigrad
    ones_m, ones_t = minigrad.ones(3, 2), torch.ones(3, 2)
    np.testing.assert_array_equal((ones_m @ be).numpy(), (ones_t @ be).numpy())
    np.testing.assert_array_equal((ones_m.T + be).numpy(), (ones_t.T + be).numpy())
    assert (ones_m @ be).dtype == minigrad.float32
    # np.matrix: torch takes the data as a plain 2-D tensor, so does minigrad (elementwise *)
    m = np.matrix([[1.0, 2.0], [3.0, 4.0]])
    for make in ("tensor", "as_tensor", "from_numpy"):
        ours, theirs = getattr(minigrad, make)(m), getattr(torch, make)(m)
        np.testing.assert_array_equal((ours * ours).numpy(), (theirs * theirs).numpy())
        np.testing.assert_array_equal((ours @ ours).numpy(), (theirs @ theirs).numpy())


# --------------------------------------------------------------------------
# Misaligned buffers: computed as if aligned (the wrapper copies), results bit-identical

@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("n", [5, 1000, 70001])
def test_misaligned_inputs_and_outputs_give_the_aligned_results(dt, n):
    x, g = _x(n, dt, 1), _x(n, dt, 2)
    xm, gm = misaligned(x), misaligned(g)
    assert bits_equal(K.relu_forward(xm), K.relu_forward(x))
    out = misaligned(np.zeros(n, dt))
    assert K.relu_forward(x, out=out) is out and bits_equal(out, K.relu_forward(x))
    assert bits_equal(K.relu_backward(gm, xm), K.relu_backward(g, x))
    for p in (0.3, 1e-3):
        y, m = K.dropout_forward(x, p, 3, 4)
        ym, mm = K.dropout_forward(xm, p, 3, 4)
        assert bits_equal(ym, y) and bits_equal(mm, m)
        inplace = misaligned(x)
        assert K.dropout_forward(inplace, p, 3, 4, out=inplace)[0] is inplace
        assert bits_equal(inplace, y)
        assert bits_equal(K.dropout_backward(gm, m, p), K.dropout_backward(g, m, p))
        o = misaligned(np.zeros(n, dt))
        K.dropout_backward(g, m, p, out=o)
        assert bits_equal(o, K.dropout_backward(g, m, p))
    u = misaligned(np.zeros(n, dt))
    assert bits_equal(K.uniform_(u, 5, 6), K.uniform_(np.zeros(n, dt), 5, 6))
    assert bits_equal(K.normal_(u, 5, 6), K.normal_(np.zeros(n, dt), 5, 6))


@pytest.mark.parametrize("dt", FLOATS)
def test_misaligned_gemm_operands_and_out(dt):
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((37, 29)).astype(dt), rng.standard_normal((29, 41)).astype(dt)
    bias = rng.standard_normal(41).astype(dt)
    want = K.matmul(a, b, bias=bias)
    assert bits_equal(K.matmul(misaligned(a), misaligned(b), bias=misaligned(bias)), want)
    out = misaligned(np.zeros((37, 41), dt))
    assert K.matmul(a, b, bias=bias, out=out) is out and bits_equal(out, want)
    K.matmul(a, b, out=out, accumulate=True)                 # out += a @ b
    acc = want.copy()
    K.matmul(a, b, out=acc, accumulate=True)
    assert bits_equal(out, acc)
    outb = misaligned(np.zeros((2, 37, 41), dt))
    K.bmm(np.stack([a, a]), np.stack([b, b]), out=outb)
    assert bits_equal(outb[1], K.matmul(a, b))
    g = rng.standard_normal((300, 7)).astype(dt)
    assert bits_equal(K.sum_rows(misaligned(g)), K.sum_rows(g))


def test_public_path_with_misaligned_numpy_data_matches_torch():
    torch = pytest.importorskip("torch")
    x = misaligned(np.linspace(-2, 2, 16, dtype=np.float32).reshape(4, 4))
    ours, theirs = minigrad.from_numpy(x), torch.from_numpy(x.copy())
    np.testing.assert_allclose((ours @ ours).numpy(), (theirs @ theirs).numpy(), rtol=1e-6)
    np.testing.assert_array_equal(minigrad.relu(ours).numpy(), torch.relu(theirs).numpy())
    ours.relu_()
    np.testing.assert_array_equal(ours.numpy(), torch.relu(theirs).numpy())


# --------------------------------------------------------------------------
# Output buffers that alias an input

def test_gemm_out_overlapping_an_operand_is_refused():
    b = np.ones((4, 4), np.float32)
    flat = np.zeros(32, np.float32)
    aa = flat[:16].reshape(4, 4)
    aa[...] = 1
    with pytest.raises(ValueError, match="overlap"):
        K.matmul(aa, b, out=flat[8:24].reshape(4, 4))      # partially over a
    with pytest.raises(ValueError, match="overlap"):
        K.matmul(b, aa, out=aa)                            # out is the operand b itself
    with pytest.raises(ValueError, match="overlap"):
        K.matmul(aa, b, out=aa, accumulate=True)           # out is the operand a itself
    with pytest.raises(ValueError, match="overlap"):
        K.bmm(aa[None], b[None], out=flat[4:20].reshape(1, 4, 4))
    # a strided operand interleaved with out but not sharing elements is accepted
    inter = np.zeros((4, 8), np.float32)
    src = inter[:, ::2]
    src[...] = 1
    dst = np.zeros((4, 4), np.float32)
    K.matmul(src, b, out=dst)
    np.testing.assert_array_equal(dst, 4.0)


def test_linear_out_free_and_inputs_untouched():
    # linear_forward/backward allocate their results: x, W, grad are never written
    rng = np.random.default_rng(0)
    x, w, b = (rng.standard_normal(s).astype(np.float32) for s in ((5, 3), (4, 3), (4,)))
    copies = [v.copy() for v in (x, w, b)]
    y = K.linear_forward(x, w, b)
    dx, dw, db = K.linear_backward(np.ones_like(y), x, w)
    for v, c in zip((x, w, b), copies):
        assert bits_equal(v, c)
    for r in (y, dx, dw, db):
        assert not any(np.shares_memory(r, v) for v in (x, w, b))


@pytest.mark.parametrize("dt", FLOATS)
def test_dropout_backward_out_overlapping_mask_or_grad_is_refused(dt):
    n = 64
    g = np.ones(n, dt)
    _, mask = K.dropout_forward(np.ones(n, dt), 0.5, 1, 1)
    # out viewing the mask's bytes: writing dx would destroy bits still to be read
    raw = np.zeros(n * np.dtype(dt).itemsize, np.uint8)
    raw[: mask.size] = mask
    out = raw.view(dt)
    with pytest.raises(ValueError, match="overlap the mask"):
        K.dropout_backward(g, raw[: mask.size], 0.5, out=out)
    # out partially over grad
    buf = np.ones(2 * n, dt)
    with pytest.raises(ValueError, match="partially overlaps"):
        K.dropout_backward(buf[:n], mask, 0.5, out=buf[n // 2: n // 2 + n])
    # out = grad itself (in place) is fine
    gg = np.ones(n, dt)
    want = K.dropout_backward(np.ones(n, dt), mask, 0.5)
    assert bits_equal(K.dropout_backward(gg, mask, 0.5, out=gg), want)


def test_elementwise_out_overlap_rules():
    buf = np.arange(40, dtype=np.float32) - 20
    x = buf[:20]
    with pytest.raises(ValueError, match="partially overlaps"):
        K.relu_forward(x, out=buf[10:30])
    with pytest.raises(ValueError, match="partially overlaps"):
        K.dropout_forward(x, 0.5, 1, 1, out=buf[5:25])
    with pytest.raises(ValueError, match="partially overlaps"):
        K.relu_backward(np.ones(20, np.float32), x, out=buf[10:30])
    r = K.relu_forward(x.copy())
    assert bits_equal(K.relu_forward(x, out=x), r)          # in place is fine


# --------------------------------------------------------------------------
# Argument checks

@pytest.mark.parametrize("p", [None, "0.5", b"0.5", 0.5j, [0.5]])
def test_dropout_p_of_the_wrong_type(p):
    x = np.ones(8, np.float32)
    for call in (lambda: K.dropout_forward(x, p, 1, 1), lambda: K.bernoulli_mask(8, p, 1, 1),
                 lambda: K.dropout_backward(x, np.zeros(1, np.uint8), p),
                 lambda: K._dropout_threshold(p)):
        with pytest.raises(TypeError, match="dropout probability must be a real number"):
            call()


@pytest.mark.parametrize("p", [float("nan"), -0.1, 1.5, float("inf"), -float("inf")])
def test_dropout_p_out_of_range(p):
    x = np.ones(8, np.float32)
    for call in (lambda: K.dropout_forward(x, p, 1, 1), lambda: K.bernoulli_mask(8, p, 1, 1),
                 lambda: K.dropout_backward(x, np.zeros(1, np.uint8), p)):
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
            call()


def test_dropout_p_numpy_and_bool_scalars_work():
    x = np.ones(64, np.float32)
    want = K.dropout_forward(x, 0.25, 1, 1)
    got = K.dropout_forward(x, np.float32(0.25), 1, 1)
    assert bits_equal(got[1], want[1])
    assert bits_equal(K.dropout_forward(x, True, 1, 1)[0], K.dropout_forward(x, 1.0, 1, 1)[0])


@pytest.mark.parametrize("n", [3.0, 3.7, "3", None, True])
def test_counts_must_be_integers(n):
    for call in (lambda: K.bernoulli_mask(n, 0.5, 1, 1), lambda: K.random_bits(n, 1, 1),
                 lambda: K.unpack_mask(np.zeros(1, np.uint8), n, 1.0)):
        with pytest.raises(TypeError, match="n must be an integer"):
            call()


def test_counts_range():
    for call in (lambda n: K.bernoulli_mask(n, 0.5, 1, 1), lambda n: K.random_bits(n, 1, 1)):
        with pytest.raises(ValueError, match="n must be >= 0"):
            call(-1)
        with pytest.raises(ValueError, match="at most 2\\*\\*60"):
            call(1 << 61)
    assert K.bernoulli_mask(np.int64(9), 0.5, 1, 1).shape == (2,)


@pytest.mark.parametrize("bad", ["1", 1.0, None, 2.5, b"1"])
def test_seed_and_offset_must_be_integers(bad):
    x = np.ones(8, np.float32)
    for which in ("seed", "offset"):
        args = {"seed": 1, "offset": 1}
        args[which] = bad
        for call in (lambda: K.dropout_forward(x, 0.5, args["seed"], args["offset"]),
                     lambda: K.bernoulli_mask(8, 0.5, args["seed"], args["offset"]),
                     lambda: K.random_bits(8, args["seed"], args["offset"]),
                     lambda: K.uniform_(np.empty(8), args["seed"], args["offset"]),
                     lambda: K.normal_(np.empty(8), args["seed"], args["offset"])):
            with pytest.raises(TypeError, match=f"{which} must be an integer"):
                call()


def test_seed_and_offset_range():
    # torch.manual_seed's range [-2^63, 2^64), taken mod 2^64; beyond it a ValueError
    assert bits_equal(K.random_bits(8, -1, 0), K.random_bits(8, (1 << 64) - 1, 0))
    assert bits_equal(K.random_bits(8, 0, -(1 << 63)), K.random_bits(8, 0, 1 << 63))
    for bad in (1 << 64, -(1 << 63) - 1, 1 << 100):
        with pytest.raises(ValueError, match="seed must be in"):
            K.random_bits(8, bad, 0)
        with pytest.raises(ValueError, match="offset must be in"):
            K.dropout_forward(np.ones(8, np.float32), 0.5, 0, bad)
    # even for empty arrays a bad seed is reported
    with pytest.raises(ValueError, match="seed must be in"):
        K.dropout_forward(np.ones(0, np.float32), 0.5, 1 << 64, 0)


def test_masks_of_the_wrong_dtype_size_or_layout():
    g = np.ones(20, np.float32)
    good = np.zeros(3, np.uint8)
    K.dropout_backward(g, good, 0.5)
    for bad, exc, msg in [(np.zeros(3, bool), TypeError, "dtype uint8"),
                          (np.zeros(3, np.int8), TypeError, "dtype uint8"),
                          (np.zeros(3, np.float32), TypeError, "dtype uint8"),
                          (np.zeros(2, np.uint8), ValueError, "3 bytes for 20 elements"),
                          (np.zeros(4, np.uint8), ValueError, "3 bytes for 20 elements"),
                          (np.zeros((3, 1), np.uint8), ValueError, "1-D"),
                          (np.zeros(6, np.uint8)[::2], ValueError, "C-contiguous"),
                          ([0, 0, 0], TypeError, "numpy.ndarray")]:
        with pytest.raises(exc, match=msg):
            K.dropout_backward(g, bad, 0.5)
        with pytest.raises(exc, match=msg):
            K.unpack_mask(bad, 20, 2.0)


def test_outputs_non_contiguous_read_only_or_mismatched():
    x = np.ones(16, np.float32)
    mask = np.zeros(2, np.uint8)
    ro = np.zeros(16, np.float32)
    ro.flags.writeable = False
    cases = [(np.zeros(32, np.float32)[::2], ValueError, "C-contiguous"),
             (ro, ValueError, "read-only"),
             (np.zeros(16, np.float64), TypeError, "dtype float32"),
             (np.zeros(15, np.float32), ValueError, "shape"),
             ([0.0] * 16, TypeError, "numpy.ndarray")]
    for out, exc, msg in cases:
        for call in (lambda: K.relu_forward(x, out=out),
                     lambda: K.relu_backward(x, x, out=out),
                     lambda: K.dropout_forward(x, 0.5, 1, 1, out=out),
                     lambda: K.dropout_backward(x, mask, 0.5, out=out)):
            with pytest.raises(exc, match=msg):
                call()
    for out, exc, msg in [(np.zeros(32, np.float32)[::2], ValueError, "C-contiguous"),
                          (ro, ValueError, "read-only")]:
        for call in (lambda: K.uniform_(out, 1, 1), lambda: K.normal_(out, 1, 1)):
            with pytest.raises(exc, match=msg):
                call()
    a = np.ones((4, 4), np.float32)
    ro2 = np.zeros((4, 4), np.float32)
    ro2.flags.writeable = False
    for out, msg in [(np.zeros((4, 8), np.float32)[:, ::2], "C-contiguous"), (ro2, "read-only"),
                     (np.zeros((4, 4)), "dtype"), (np.zeros((4, 5), np.float32), "shape")]:
        with pytest.raises(ValueError, match=msg):
            K.matmul(a, a, out=out)


def test_scalar_parameters_are_numbers():
    with pytest.raises(TypeError, match="scale must be a real number"):
        K.unpack_mask(np.zeros(1, np.uint8), 8, "2")
    with pytest.raises(TypeError, match="low must be a real number"):
        K.uniform_(np.empty(4), 1, 1, low="0")
    with pytest.raises(TypeError, match="std must be a real number"):
        K.normal_(np.empty(4), 1, 1, std=None)


# --------------------------------------------------------------------------
# Empty, broadcast (zero-stride) and negative-stride arrays

@pytest.mark.parametrize("dt", FLOATS)
def test_empty_arrays(dt):
    torch = pytest.importorskip("torch")
    for m, k, n in [(0, 3, 4), (3, 0, 4), (3, 4, 0), (0, 0, 0)]:
        a, b = np.ones((m, k), dt), np.ones((k, n), dt)
        ours = K.matmul(a, b)
        theirs = (torch.from_numpy(a) @ torch.from_numpy(b)).numpy()
        assert ours.shape == theirs.shape and np.array_equal(ours, theirs)
        bias = np.arange(n, dtype=dt)
        np.testing.assert_array_equal(K.matmul(a, b, bias=bias, relu=True),
                                      torch.relu(torch.from_numpy(a) @ torch.from_numpy(b)
                                                 + torch.from_numpy(bias)).numpy())
        np.testing.assert_array_equal(K.bmm(a[None], b[None])[0], theirs)
        s = np.ones((m, n), dt)
        np.testing.assert_array_equal(K.sum_rows(s), torch.from_numpy(s).sum(0).numpy())
    e = np.ones(0, dt)
    assert K.relu_forward(e).shape == (0,)
    assert K.relu_backward(e, e).shape == (0,)
    y, m = K.dropout_forward(e, 0.5, 1, 1)
    assert y.shape == (0,) and m.shape == (0,)
    assert K.dropout_backward(e, m, 0.5).shape == (0,)
    assert K.unpack_mask(m, 0, 2.0, dt).shape == (0,)
    assert K.bernoulli_mask(0, 0.5, 1, 1).shape == (0,)


@pytest.mark.parametrize("dt", FLOATS)
def test_broadcast_and_negative_stride_operands(dt):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    row = rng.standard_normal((1, 33)).astype(dt)
    col = rng.standard_normal((33, 1)).astype(dt)
    full = rng.standard_normal((33, 20)).astype(dt)
    cases = [(np.broadcast_to(row, (17, 33)), full),             # zero row stride
             (np.broadcast_to(col, (33, 33)), full),             # zero column stride
             (full.T, np.broadcast_to(col, (33, 5))),
             (full[::-1].T[::-1], full[::-1]),                   # negative strides
             (np.broadcast_to(dt(2), (6, 33)), full)]            # both strides zero
    for a, b in cases:
        want = torch.from_numpy(np.array(a)) @ torch.from_numpy(np.array(b))
        np.testing.assert_allclose(K.matmul(a, b), want.numpy(), rtol=1e-5, atol=1e-5)
    # elementwise kernels want C-contiguous data: broadcast / reversed views are refused
    for v in (np.broadcast_to(row, (4, 33)), full[::-1]):
        with pytest.raises(ValueError, match="C-contiguous"):
            K.relu_forward(v)
        with pytest.raises(ValueError, match="C-contiguous"):
            K.dropout_forward(v, 0.5, 1, 1)
    # the public path copies such views first
    v = np.broadcast_to(row, (4, 33))
    np.testing.assert_array_equal(minigrad.relu(minigrad.from_numpy(v)).numpy(),
                                  torch.relu(torch.from_numpy(v.copy())).numpy())
    # sum_rows of a broadcast array
    np.testing.assert_allclose(K.sum_rows(np.broadcast_to(row, (1000, 33))),
                               1000.0 * row[0].astype(np.float64), rtol=1e-6)
