"""Every kernel variant gives the same bits, and MINIGRAD_KERNELS selects them.

minigrad promises that no result depends on the CPU: each kernel family has a generic (portable
C), an AVX2 and an AVX-512 variant, chosen at run time, and all of them give bit-identical
results on any number of threads. Checked here:

* kernel by kernel (the random fills, dropout on both mask paths and its backward pass, the mask
  unpacking, ReLU, fma), every variant this CPU can run against the plainest one on 1 thread: at
  sizes around every SIMD width, group and chunk boundary, with inputs at element offsets (not
  64-byte aligned) and at byte offsets (misaligned), in place and not, on 1, 2 and 3 threads with
  chunks down to 64 elements;
* end to end: the same seeded MLP with dropout, trained in a fresh process per
  MINIGRAD_KERNELS value (and thread count), ends with the same weights bit for bit;
* the switch itself: each value runs that variant in every family, an unset or empty value the
  best the CPU has, and a value that is unknown or that the CPU cannot run stops the import with a
  message naming what the CPU supports; ``python -m minigrad`` shows all of it.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import minigrad
from minigrad import _ops

RNG_VARIANTS = _ops.available_rng_variants()      # 'scalar', 'generic', then what the CPU has
FMA_VARIANTS = _ops.available_fma_variants()
LAYERS_VARIANTS = _ops.available_layers_variants()   # normalisation, pooling, direct convolution
LEVELS = _ops.available_kernel_variants()          # the MINIGRAD_KERNELS values this CPU runs

# Around SIMD widths (4..16 lanes), Philox groups (8..32 blocks = 64..256 dropout elements) and
# mask bytes; 40000 spans two 32768-element chunks.
SIZES = [1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 513,
         1000, 4097, 40000]


def _bits(a):
    a = np.ascontiguousarray(a)
    return a.dtype.str, a.shape, a.tobytes()


def _at_element_offset(a, k):
    """A copy of `a` that starts k elements into a larger buffer: aligned for its dtype, but not
    to the 16/32/64 bytes of a vector register."""
    big = np.zeros(a.size + k, a.dtype)
    big[k:] = a
    return big[k:]


def _at_byte_offset(a):
    """A copy of `a` one byte past an aligned address (misaligned for its dtype)."""
    buf = np.zeros(a.nbytes + 1, np.uint8)
    m = buf[1:].view(a.dtype)
    m[...] = a
    return m


@pytest.fixture
def restore_kernels():
    """Leaves variants, threads and chunking as the test found them."""
    before = (_ops.rng_variant(), _ops.fma_variant(), _ops.gemm_variant(), _ops.get_num_threads(),
              _ops._get_chunk_size(), _ops._get_parallel_threshold(), _ops.layers_variant())
    yield
    _ops.set_layers_variant(before[6])
    _ops.set_rng_variant(before[0])
    _ops.set_fma_variant(before[1])
    _ops.set_gemm_variant(before[2])
    _ops.set_num_threads(before[3])
    _ops._set_chunk_size(before[4])
    _ops._set_parallel_threshold(*before[5])


# Thread layouts: (threads, chunk). With the parallel thresholds at 0, n elements are cut into
# chunks of `chunk` (or n / threads rounded up to 128) and shared among the threads.
LAYOUTS = [(1, 32768), (2, 64), (3, 192)]


def _every_variant_and_layout(set_variant, variants, run):
    """run() under each variant and thread layout; returns {(variant, layout): result}. The first
    entry is the plainest variant on one thread: the reference."""
    _ops._set_parallel_threshold(rng=0, mem=0)
    out = {}
    for v in variants:
        set_variant(v)
        for threads, chunk in LAYOUTS:
            _ops.set_num_threads(threads)
            _ops._set_chunk_size(chunk)
            out[(v, threads, chunk)] = run()
    return out


def _assert_all_equal(results):
    (ref_key, ref), *rest = results.items()
    for key, got in rest:
        assert got.keys() == ref.keys()
        for name in ref:
            assert _bits(got[name]) == _bits(ref[name]), f"{name}: {key} differs from {ref_key}"


# --------------------------------------------------------------------------
# Kernel by kernel

def _random_kernels(n):
    """Every random-number and dropout kernel once, on inputs placed every awkward way."""
    rng = np.random.default_rng(n)
    res = {}
    res["random_bits"] = _ops.random_bits(n, 11, 12)
    for dt in (np.float32, np.float64):
        k = np.dtype(dt).name
        res["uniform " + k] = _ops.uniform_(np.empty(n, dt), 11, 12)
        res["uniform[-3, 5) " + k] = _ops.uniform_(np.empty(n, dt), 11, 12, -3.0, 5.0)
        res["uniform, offset " + k] = _ops.uniform_(_at_element_offset(np.zeros(n, dt), 3), 11, 12)
        res["uniform, misaligned " + k] = _ops.uniform_(_at_byte_offset(np.zeros(n, dt)), 11, 12)
        res["normal " + k] = _ops.normal_(np.empty(n, dt), 11, 12, 0.5, 2.0)
        res["normal, offset " + k] = _ops.normal_(_at_element_offset(np.zeros(n, dt), 1), 11, 12)
        x = rng.standard_normal(n).astype(dt)
        specials = np.array([np.nan, -np.inf, np.inf, -0.0, -2.5], dt)
        where = rng.choice(n, min(n, len(specials)), replace=False)
        x[where] = specials[: len(where)]   # dropped NaN/inf give NaN, dropped negatives -0.0
        g = rng.standard_normal(n).astype(dt)
        # p = 0.3: the 16-bit path; 1e-3 and 0.999: the 32-bit (precise) path; 0 and 1: every
        # element kept / dropped; 1 - 1e-12: the 32-bit path with threshold 0.
        for p in (0.3, 1e-3, 0.999, 0.0, 1.0, 1 - 1e-12):
            y, m = _ops.dropout_forward(x, p, 21, 22)
            res[f"dropout p={p} {k}"], res[f"mask p={p} {k}"] = y, m
            res[f"dropout backward p={p} {k}"] = _ops.dropout_backward(g, m, p)
        # inputs off vector alignment, misaligned, in place; the mask also from bernoulli_mask
        y, m = _ops.dropout_forward(_at_element_offset(x, 5), 0.5, 23, 24)
        res["dropout, offset " + k], res["mask, offset " + k] = y, m
        res["dropout, misaligned " + k] = _ops.dropout_forward(_at_byte_offset(x), 0.5, 23, 24)[0]
        x2 = _at_element_offset(x, 1)
        res["dropout in place " + k] = _ops.dropout_forward(x2, 0.5, 23, 24, out=x2)[0]
        res["dropout backward, offset " + k] = _ops.dropout_backward(_at_element_offset(g, 3), m, 0.5)
        g2 = _at_element_offset(g, 2)
        res["dropout backward in place " + k] = _ops.dropout_backward(g2, m, 0.5, out=g2)
        res["unpack_mask " + k] = _ops.unpack_mask(m, n, 2.0, dt)
    for p in (0.25, 1e-5, 1.0):
        res[f"bernoulli_mask p={p}"] = _ops.bernoulli_mask(n, p, 31, 32)
    return res


def _relu_kernels(n):
    rng = np.random.default_rng(n + 1)
    res = {}
    for dt in (np.float32, np.float64):
        k = np.dtype(dt).name
        x = rng.standard_normal(n).astype(dt)
        specials = np.array([np.nan, -0.0, 0.0, -np.inf, np.inf, -1e-45, 1e-45], dt)
        x[: min(n, len(specials))] = specials[: min(n, len(specials))]
        g = rng.standard_normal(n).astype(dt)
        g[n // 2] = np.nan
        y = _ops.relu_forward(x)
        res["relu " + k] = y
        res["relu, offset " + k] = _ops.relu_forward(_at_element_offset(x, 3))
        res["relu, misaligned " + k] = _ops.relu_forward(_at_byte_offset(x))
        x2 = _at_element_offset(x, 1)
        res["relu in place " + k] = _ops.relu_forward(x2, out=x2)
        res["relu backward " + k] = _ops.relu_backward(g, y)
        res["relu backward, offset " + k] = _ops.relu_backward(_at_element_offset(g, 1),
                                                               _at_element_offset(y, 2))
        g2 = _at_element_offset(g, 3)
        res["relu backward in place " + k] = _ops.relu_backward(g2, y, out=g2)
    return res


def _fma_kernels(n):
    rng = np.random.default_rng(n + 2)
    res = {}
    for dt in (np.float32, np.float64):
        k = np.dtype(dt).name
        a, b, c = (rng.standard_normal(n).astype(dt) for _ in range(3))
        c[: n // 2] = -(a[: n // 2].astype(np.float64) * b[: n // 2])   # a*b + c: a rounding error
        res["fma " + k] = _ops.fma(a, b, c)
        res["fma scalar a " + k] = _ops.fma(0.1, b, c)
        res["fma scalar b " + k] = _ops.fma(a, -3.7, c)
        res["fma scalars " + k] = _ops.fma(0.1, -3.7, c)
        res["fma, offsets " + k] = _ops.fma(_at_element_offset(a, 1), _at_element_offset(b, 2),
                                            _at_element_offset(c, 3))
        res["fma, misaligned " + k] = _ops.fma(_at_byte_offset(a), b, _at_byte_offset(c))
        c2 = _at_element_offset(c, 1)
        res["fma in place " + k] = _ops.fma(a, b, c2, out=c2)
    return res


@pytest.mark.parametrize("n", SIZES)
def test_random_and_dropout_kernels_same_bits_in_every_variant(n, restore_kernels):
    _assert_all_equal(_every_variant_and_layout(_ops.set_rng_variant, RNG_VARIANTS,
                                                lambda: _random_kernels(n)))


@pytest.mark.parametrize("n", SIZES)
def test_relu_same_bits_in_every_variant(n, restore_kernels):
    _assert_all_equal(_every_variant_and_layout(_ops.set_rng_variant, RNG_VARIANTS,
                                                lambda: _relu_kernels(n)))


@pytest.mark.parametrize("n", SIZES)
def test_fma_same_bits_in_every_variant(n, restore_kernels):
    _assert_all_equal(_every_variant_and_layout(_ops.set_fma_variant, FMA_VARIANTS,
                                                lambda: _fma_kernels(n)))


def _layer_kernels(n):
    """The normalisation, pooling and direct-convolution kernels (csrc/norm.h, pool.h,
    conv_direct.h), forward and backward, through the functional API: n sets the channel count
    (around the 64-channel blocks of BatchNorm1d's kernels) and the spatial sizes (odd widths end
    in partial SIMD groups)."""
    import minigrad.nn.functional as F
    rng = np.random.default_rng(n + 3)
    res = {}
    for dt in (np.float32, np.float64):
        k = np.dtype(dt).name

        def t(*shape, grad=True, positive=False):
            a = rng.standard_normal(shape).astype(dt)
            return minigrad.tensor(np.abs(a) + 0.5 if positive else a, requires_grad=grad)

        x = t(3, n, 9, n % 13 + 5)
        xs = t(5, 1, n % 17 + 8, 2 * n + 3)              # one input channel: the direct conv
        wd, bd = t(4, 1, 3, 3), t(4)
        w2, b2, lw = t(n), t(n), t(n % 13 + 5)
        x1, w1, b1 = t(7, n + 64), t(n + 64), t(n + 64)   # BatchNorm1d: one or two blocks
        rm, rv = t(n + 64, grad=False), t(n + 64, grad=False, positive=True)
        outs = {
            "conv, one channel": F.conv2d(xs, wd, bd, padding=1),
            "conv, one channel, stride 2": F.conv2d(xs, wd, None, stride=2),
            "max_pool 2": F.max_pool2d(x, 2),
            "max_pool 3/2 ceil": F.max_pool2d(x, 3, 2, 1, ceil_mode=True),
            "avg_pool 3/2": F.avg_pool2d(x, 3, 2, 1),
            "batch_norm 2d": F.batch_norm(x, None, None, w2, b2, True),
            "batch_norm 1d": F.batch_norm(x1, rm, rv, w1, b1, True, 0.3),
            "batch_norm 1d eval": F.batch_norm(x1, rm, rv, w1, None, False),
            "layer_norm": F.layer_norm(x, x.shape[-1:], lw),
        }
        loss = sum((o * t(*o.shape, grad=False)).sum() for o in outs.values())
        loss.backward()
        for name, o in outs.items():
            res[f"{name} {k}"] = o.detach().numpy()
        for name, p in (("x", x), ("xs", xs), ("conv weight", wd), ("conv bias", bd),
                        ("bn weight", w2), ("bn bias", b2), ("ln weight", lw), ("x1", x1),
                        ("bn1d weight", w1), ("bn1d bias", b1)):
            res[f"grad {name} {k}"] = p.grad.numpy()
        res[f"running stats {k}"] = np.concatenate([rm.numpy(), rv.numpy()])
    return res


@pytest.mark.parametrize("n", [1, 7, 16, 33, 70])
def test_layer_kernels_same_bits_in_every_variant(n, restore_kernels):
    _assert_all_equal(_every_variant_and_layout(_ops.set_layers_variant, LAYERS_VARIANTS,
                                                lambda: _layer_kernels(n)))


def test_layers_variant_switch(restore_kernels):
    assert LAYERS_VARIANTS[0] == "generic"
    for v in LAYERS_VARIANTS:
        _ops.set_layers_variant(v)
        assert _ops.layers_variant() == v
    with pytest.raises(ValueError, match="unknown layers variant 'scalar'"):
        _ops.set_layers_variant("scalar")


@pytest.mark.parametrize("variant", RNG_VARIANTS)
def test_stream_ranges_starting_anywhere_in_every_variant(variant, restore_kernels):
    """The C kernels take any [start, end): a range that begins or ends inside a Philox block, a
    SIMD group or a normal pair gives the elements of one whole call, and writes nothing else."""
    _ops.set_rng_variant(variant)
    n = 700
    for kind, dt in (("bits", np.uint32), ("uniform", np.float32), ("uniform", np.float64),
                     ("normal", np.float32), ("normal", np.float64)):
        _ops.set_rng_variant("scalar")
        full = _ops._stream_range(kind, np.zeros(n, dt), 0, n, 5, 6)
        _ops.set_rng_variant(variant)
        for start in (1, 3, 5, 127, 129, 255, 257, 511):
            for length in (1, 6, 31, 130):
                part = np.zeros(n, dt)
                _ops._stream_range(kind, part, start, min(n, start + length), 5, 6)
                inside = slice(start, min(n, start + length))
                assert _bits(part[inside]) == _bits(full[inside]), (kind, dt, start, length)
                assert not part[:start].any() and not part[inside.stop:].any()


@pytest.mark.parametrize("variant", RNG_VARIANTS)
def test_philox_blocks_across_counter_carries_in_every_variant(variant, restore_kernels):
    """Block indices that carry from the low to the high counter word, and wrap at 2^64, inside
    one SIMD group of every width."""
    _ops.set_rng_variant("scalar")
    want = {first: _ops._philox_blocks(7, 9, first, 70) for first in (2**32 - 37, 2**64 - 40, 3)}
    _ops.set_rng_variant(variant)
    for first, blocks in want.items():
        assert np.array_equal(_ops._philox_blocks(7, 9, first, 70), blocks), first


# --------------------------------------------------------------------------
# End to end: the same training in every variant

TRAIN = r"""
import hashlib, json, os, sys
import numpy as np
import minigrad as torch
from minigrad import _ops

def train(dtype):
    torch.manual_seed(0)
    nn = torch.nn
    # Odd widths: 128 x 257 activations use 2 threads and end in partial SIMD groups.
    model = nn.Sequential(nn.Linear(20, 257), nn.ReLU(), nn.Dropout(0.5),
                          nn.Linear(257, 130), nn.ReLU(), nn.Dropout(0.001),
                          nn.Linear(130, 4)).to(dtype)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(128, 20, dtype=dtype)
    y = torch.randint(0, 4, (128,))
    model.train()
    for _ in range(12):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    # A small CNN: the layer kernels (one-channel direct conv, BatchNorm, max-pool) as well.
    cnn = nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), nn.BatchNorm2d(6), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
                        nn.Linear(6 * 5 * 5, 70), nn.BatchNorm1d(70), nn.ReLU(),
                        nn.Linear(70, 4)).to(dtype)
    opt = torch.optim.SGD(cnn.parameters(), lr=0.05, momentum=0.9)
    images = torch.randn(32, 1, 11, 11, dtype=dtype)
    for _ in range(6):
        opt.zero_grad()
        loss2 = loss_fn(cnn(images), y[:32])
        loss2.backward()
        opt.step()
    h = hashlib.sha256()
    for p in list(model.parameters()) + list(cnn.state_dict().values()):
        h.update(np.ascontiguousarray(p.detach().numpy()).tobytes())
    return h.hexdigest(), float(loss.item()), float(loss2.item())

out = {"kernel_variant": _ops.kernel_variant(), "rng": _ops.rng_variant(),
       "fma": _ops.fma_variant(), "gemm": _ops.gemm_variant(),
       "layers": _ops.layers_variant(), "threads": torch.get_num_threads()}
out["all families"] = [train(torch.float32), train(torch.float64)]
_ops.set_gemm_variant("generic")   # the random/ReLU/fma/layer kernels' variants alone
out["gemm pinned"] = [train(torch.float32), train(torch.float64)]
print(json.dumps(out))
"""


def _run(code, env_changes, check=True):
    env = {k: v for k, v in os.environ.items() if k not in ("MINIGRAD_KERNELS", "OMP_NUM_THREADS")}
    env.update(env_changes)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=300)
    if check:
        assert res.returncode == 0, res.stderr
    return res


@pytest.fixture(scope="module")
def trained():
    """{(MINIGRAD_KERNELS, threads): what TRAIN printed}: every value the CPU supports on 2
    threads, and the best one on 1 thread as well."""
    runs = [(level, "2") for level in LEVELS] + [(LEVELS[-1], "1")]
    return {(level, threads): json.loads(_run(TRAIN, {"MINIGRAD_KERNELS": level,
                                                      "OMP_NUM_THREADS": threads}).stdout)
            for level, threads in runs}


def test_training_runs_the_variant_asked_for(trained):
    for (level, threads), out in trained.items():
        assert out["kernel_variant"] == level and out["threads"] == int(threads)
        assert (out["rng"], out["fma"], out["layers"]) == (level, level, level)


def test_training_same_weights_whatever_the_random_relu_fma_and_layer_variants(trained):
    """The GEMM pinned to one variant: what the other families' variants and the thread count
    do to a training run is nothing at all."""
    results = {key: out["gemm pinned"] for key, out in trained.items()}
    (ref_key, ref), *rest = results.items()
    for key, got in rest:
        assert got == ref, f"{key} trains to other weights than {ref_key}: {got} vs {ref}"


def test_training_same_weights_under_every_kernel_variant(trained):
    """Every family at once, as MINIGRAD_KERNELS sets them: float32 and float64 training with
    dropout ends with the same weights, bit for bit, on every variant and thread count."""
    results = {key: out["all families"] for key, out in trained.items()}
    (ref_key, ref), *rest = results.items()
    for key, got in rest:
        assert got == ref, f"{key} trains to other weights than {ref_key}: {got} vs {ref}"


# --------------------------------------------------------------------------
# The switch

SHOW = ("from minigrad import _ops; print(_ops.kernel_variant(), _ops.gemm_variant(), "
        "_ops.rng_variant(), _ops.fma_variant(), _ops.layers_variant())")


@pytest.mark.parametrize("level", LEVELS)
def test_each_value_runs_that_variant_in_every_family(level):
    want = _ops._family_variants(level)
    for spelling in (level, f" {level.upper()} "):
        got = _run(SHOW, {"MINIGRAD_KERNELS": spelling}).stdout.split()
        assert got == [level, want["gemm"], want["rng"], want["fma"], want["layers"]]


@pytest.mark.parametrize("value", [None, ""])
def test_unset_or_empty_runs_the_best_variant(value):
    env = {} if value is None else {"MINIGRAD_KERNELS": value}
    assert _run(SHOW, env).stdout.split()[0] == LEVELS[-1]


def test_family_variants_follow_the_level():
    assert _ops.KERNEL_VARIANTS == ("generic", "avx2", "avx512")
    assert LEVELS[0] == "generic" and set(LEVELS) <= set(_ops.KERNEL_VARIANTS)
    assert _ops._family_variants("generic") == {"gemm": "generic", "rng": "generic",
                                                "fma": "generic", "layers": "generic"}
    assert _ops._family_variants("avx2") == {"gemm": "avx2_fma", "rng": "avx2", "fma": "avx2",
                                             "layers": "avx2"}
    for level in LEVELS:   # a level is offered only where every family has it
        for family, variant in _ops._family_variants(level).items():
            assert variant in _ops._FAMILIES[family][1]()


def test_an_unknown_value_stops_the_import_naming_the_choices():
    res = _run("import minigrad", {"MINIGRAD_KERNELS": "avx1024"}, check=False)
    assert res.returncode != 0
    last = res.stderr.strip().splitlines()[-1]
    assert last.startswith("RuntimeError: MINIGRAD_KERNELS='avx1024' is not a kernel variant")
    assert "use one of generic, avx2, avx512" in last
    assert f"this CPU supports ({', '.join(LEVELS)})" in last


UNSUPPORTED = [level for level in _ops.KERNEL_VARIANTS if level not in LEVELS]


@pytest.mark.parametrize("level", UNSUPPORTED or [pytest.param("-", marks=pytest.mark.skip(
    reason="this CPU runs every variant; the in-process test below covers the message"))])
def test_a_variant_the_cpu_lacks_stops_the_import(level):
    res = _run("import minigrad", {"MINIGRAD_KERNELS": level}, check=False)
    assert res.returncode != 0
    assert (f"RuntimeError: MINIGRAD_KERNELS='{level}': this CPU cannot run the {level} kernels; "
            f"it supports {', '.join(LEVELS)}") in res.stderr


def test_a_variant_the_cpu_lacks_is_refused_with_what_it_supports(monkeypatch, restore_kernels):
    """The same check in this process, on a CPU pretending to have AVX2 at most."""
    monkeypatch.setattr(_ops, "available_kernel_variants", lambda: ["generic", "avx2"])
    monkeypatch.setenv("MINIGRAD_KERNELS", "avx512")
    with pytest.raises(RuntimeError, match=r"^MINIGRAD_KERNELS='avx512': this CPU cannot run the "
                                           r"avx512 kernels; it supports generic, avx2 \(unset"):
        _ops._kernels_from_environment()
    with pytest.raises(RuntimeError, match="cannot run the avx512 kernels; it supports generic, avx2$"):
        _ops.set_kernel_variant("avx512")
    monkeypatch.setenv("MINIGRAD_KERNELS", "")
    _ops._kernels_from_environment()
    assert _ops.kernel_variant() == "avx2"
    with pytest.raises(ValueError, match="unknown kernel variant 'sse9'"):
        _ops.set_kernel_variant("sse9")


def test_set_kernel_variant_switches_every_family(restore_kernels):
    for level in LEVELS:
        _ops.set_kernel_variant(level)
        assert _ops.kernel_variant() == level
        assert _ops.gemm_variant() == _ops._family_variants(level)["gemm"]
        assert (_ops.rng_variant(), _ops.fma_variant(), _ops.layers_variant()) == (level,) * 3
    _ops.set_rng_variant("scalar")          # a test's override: no level describes the mix
    assert _ops.kernel_variant() is None


def test_python_m_minigrad_shows_each_family_and_what_the_cpu_supports():
    for value, note in ((None, "MINIGRAD_KERNELS unset: the best this CPU supports"),
                        ("generic", "MINIGRAD_KERNELS=generic")):
        env = {} if value is None else {"MINIGRAD_KERNELS": value}
        env["OMP_NUM_THREADS"] = "1"
        out = subprocess.run([sys.executable, "-m", "minigrad"], capture_output=True, text=True,
                             timeout=120, env={**{k: v for k, v in os.environ.items()
                                                  if k != "MINIGRAD_KERNELS"}, **env}).stdout
        level = value or LEVELS[-1]
        want = _ops._family_variants(level)
        assert f"kernel variant: {level} ({note})\n" in out
        assert f"CPU supports: {', '.join(LEVELS)}\n" in out
        assert f"matmul kernel: {want['gemm']}\n" in out
        assert f"random/elementwise kernel: {want['rng']}\n" in out
        assert (f"layer kernels (normalisation, pooling, direct conv): {want['layers']}\n"
                in out)
        assert f"fma kernel: {want['fma']}\n" in out


def test_peak_gflops_measures_something_plausible():
    """Not a timing assertion: the loop runs, counts its FLOPs and reports a positive rate; more
    vector width or threads cannot be required to be faster on a shared machine."""
    for variant in ("generic",) + tuple(v for v in ("avx2", "avx512") if v in LEVELS):
        g = _ops.peak_gflops(1, variant, seconds=0.001, repeats=1)
        assert 0 < g < 1e5
    assert _ops.peak_gflops(2, seconds=0.001, repeats=1) > 0
    with pytest.raises(ValueError, match="unknown variant"):
        _ops.peak_gflops(1, "sse")
    with pytest.raises(ValueError, match="threads"):
        _ops.peak_gflops(0)
