"""Random numbers and threads: manual_seed, Generator objects and their state, statistics of the
samplers, set_num_threads/get_num_threads, and results independent of the thread count."""
import numpy as np
import pytest

import minigrad
from minigrad.ops import dropout

try:
    import torch
except ImportError:
    torch = None


@pytest.fixture(autouse=True)
def _restore_rng_and_threads():
    state = minigrad.get_rng_state()
    threads = minigrad.get_num_threads()
    yield
    minigrad.set_rng_state(state)
    minigrad.set_num_threads(threads)


SAMPLERS = {
    "randn": lambda g=None: minigrad.randn(5, 7, generator=g),
    "randn64": lambda g=None: minigrad.randn(33, dtype=minigrad.float64, generator=g),
    "rand": lambda g=None: minigrad.rand(4, 9, generator=g),
    "rand64": lambda g=None: minigrad.rand(17, dtype=minigrad.float64, generator=g),
    "randint": lambda g=None: minigrad.randint(0, 1000, (50,), generator=g),
    "randperm": lambda g=None: minigrad.randperm(40, generator=g),
    "normal": lambda g=None: minigrad.normal(2.0, 3.0, (20,), generator=g),
    "bernoulli": lambda g=None: minigrad.bernoulli(minigrad.full((30,), 0.3), generator=g),
    "dropout": lambda g=None: dropout(minigrad.ones(64), 0.5, generator=g),
    "uniform_": lambda g=None: minigrad.empty(12).uniform_(-2, 3, generator=g),
    "normal_": lambda g=None: minigrad.empty(12).normal_(1, 2, generator=g),
}


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_manual_seed_repeats(name):
    f = SAMPLERS[name]
    minigrad.manual_seed(123)
    a1, a2 = f().tolist(), f().tolist()
    minigrad.manual_seed(123)
    b1, b2 = f().tolist(), f().tolist()
    assert a1 == b1 and a2 == b2
    assert a1 != a2  # consecutive calls differ
    minigrad.manual_seed(124)
    assert f().tolist() != a1


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_generator_is_independent_of_the_default(name):
    f = SAMPLERS[name]
    g = minigrad.Generator().manual_seed(7)
    ref = f(g).tolist()
    minigrad.manual_seed(0)
    g2 = minigrad.Generator().manual_seed(7)
    minigrad.randn(100)  # draws from the default generator do not disturb g2
    assert f(g2).tolist() == ref
    # and draws from a Generator do not advance the default one
    minigrad.manual_seed(5)
    x1 = minigrad.randn(10).tolist()
    minigrad.manual_seed(5)
    f(minigrad.Generator().manual_seed(9))
    assert minigrad.randn(10).tolist() == x1


def test_two_generators_with_the_same_seed_agree_and_advance_separately():
    g1 = minigrad.Generator().manual_seed(42)
    g2 = minigrad.Generator().manual_seed(42)
    a = minigrad.randn(8, generator=g1)
    b = minigrad.randn(8, generator=g2)
    assert a.tolist() == b.tolist()
    c = minigrad.randn(8, generator=g1)
    assert c.tolist() != a.tolist()
    assert minigrad.randn(8, generator=g2).tolist() == c.tolist()


def test_manual_seed_returns_generator_and_initial_seed():
    g = minigrad.manual_seed(2024)
    assert isinstance(g, minigrad.Generator) and g is minigrad.default_generator
    assert minigrad.initial_seed() == 2024
    h = minigrad.Generator()
    assert h.manual_seed(3) is h and h.initial_seed() == 3
    assert str(h.device) == "cpu"
    s = minigrad.seed()
    assert minigrad.initial_seed() == s and 0 <= s < 2 ** 64


def test_negative_and_large_seeds():
    minigrad.manual_seed(-1)
    a = minigrad.randn(4).tolist()
    minigrad.manual_seed(2 ** 64 - 1)  # -1 wraps around to this, as in PyTorch
    assert minigrad.randn(4).tolist() == a
    with pytest.raises(RuntimeError):
        minigrad.manual_seed(2 ** 64)
    with pytest.raises(TypeError):
        minigrad.manual_seed("abc")


def test_rng_state_round_trip():
    minigrad.manual_seed(11)
    minigrad.randn(3)
    state = minigrad.get_rng_state()
    assert state.dtype is minigrad.uint8 and state.ndim == 1
    a = minigrad.randn(6).tolist()
    b = minigrad.rand(6).tolist()
    minigrad.set_rng_state(state)
    assert minigrad.randn(6).tolist() == a and minigrad.rand(6).tolist() == b
    # the state is a copy: drawing does not change a state taken before
    s2 = minigrad.get_rng_state()
    minigrad.randn(2)
    assert minigrad.get_rng_state().tolist() != s2.tolist()
    minigrad.set_rng_state(s2)
    assert minigrad.get_rng_state().tolist() == s2.tolist()


def test_generator_state_round_trip_and_errors():
    g = minigrad.Generator().manual_seed(99)
    minigrad.rand(3, generator=g)
    st = g.get_state()
    x = minigrad.randn(5, generator=g).tolist()
    h = minigrad.Generator()
    h.set_state(st)
    assert minigrad.randn(5, generator=h).tolist() == x
    assert g.set_state(st) is g
    assert minigrad.randn(5, generator=g).tolist() == x
    with pytest.raises(RuntimeError):
        g.set_state(minigrad.zeros(3, dtype=minigrad.uint8))
    with pytest.raises(RuntimeError):
        g.set_state(minigrad.zeros(16))
    with pytest.raises(TypeError):
        minigrad.randn(2, generator=object())


def test_generator_deepcopy_and_pickle_continue_the_stream():
    """core_bugs.md: deepcopy/pickle failed on the generator's lock."""
    import copy
    import pickle

    g = minigrad.Generator().manual_seed(3)
    minigrad.rand(2, generator=g)
    g2 = copy.deepcopy(g)
    g3 = pickle.loads(pickle.dumps(g))
    a = minigrad.rand(5, generator=g).tolist()
    assert minigrad.rand(5, generator=g2).tolist() == a
    assert minigrad.rand(5, generator=g3).tolist() == a
    minigrad.rand(5, generator=g2)  # the copies advance on their own
    assert g2.get_state().tolist() != g.get_state().tolist()
    assert g3.get_state().tolist() == g.get_state().tolist()
    assert g3.initial_seed() == 3


def test_sampler_shapes_and_dtypes():
    assert minigrad.randn(3, 4).dtype is minigrad.float32
    assert minigrad.rand(2, dtype=minigrad.float64).dtype is minigrad.float64
    assert minigrad.randn(()).shape == () and minigrad.rand(0).shape == (0,)
    assert minigrad.randint(3, (2, 2)).dtype is minigrad.int64
    assert minigrad.randint(0, 3, (4,), dtype=minigrad.int32).dtype is minigrad.int32
    assert minigrad.randperm(5, dtype=minigrad.int32).dtype is minigrad.int32
    assert minigrad.randn(2, 3, requires_grad=True).requires_grad


# ------------------------------------------------------------------ statistics
N = 200_000


def _sigma_check(sample_mean, mean, var, n, k=6):
    assert abs(sample_mean - mean) < k * np.sqrt(var / n), (sample_mean, mean)


@pytest.mark.parametrize("dtype", [minigrad.float32, minigrad.float64])
def test_randn_statistics(dtype):
    minigrad.manual_seed(1)
    x = minigrad.randn(N, dtype=dtype).numpy().astype(np.float64)
    _sigma_check(x.mean(), 0.0, 1.0, N)
    _sigma_check(x.var(), 1.0, 2.0, N)  # var of (z^2) is 2
    _sigma_check((x ** 3).mean(), 0.0, 15.0, N)  # no skew
    _sigma_check((x ** 4).mean(), 3.0, 96.0, N)  # normal kurtosis
    assert abs((np.abs(x) < 1).mean() - 0.682689) < 0.005
    assert np.isfinite(x).all()


@pytest.mark.parametrize("dtype", [minigrad.float32, minigrad.float64])
def test_rand_statistics(dtype):
    minigrad.manual_seed(2)
    u = minigrad.rand(N, dtype=dtype).numpy().astype(np.float64)
    assert u.min() >= 0.0 and u.max() < 1.0
    _sigma_check(u.mean(), 0.5, 1 / 12, N)
    _sigma_check(u.var(), 1 / 12, 1 / 180, N)
    hist = np.histogram(u, bins=20, range=(0, 1))[0]
    expected = N / 20
    chi2 = ((hist - expected) ** 2 / expected).sum()
    assert chi2 < 60  # 19 degrees of freedom: p < 1e-5 beyond ~50


def test_uniform_and_normal_parameters():
    minigrad.manual_seed(3)
    u = minigrad.empty(N).uniform_(-2.0, 6.0).numpy().astype(np.float64)
    assert u.min() >= -2.0 and u.max() < 6.0
    _sigma_check(u.mean(), 2.0, 64 / 12, N)
    z = minigrad.normal(3.0, 0.5, (N,)).numpy().astype(np.float64)
    _sigma_check(z.mean(), 3.0, 0.25, N)
    _sigma_check(z.var(), 0.25, 2 * 0.25 ** 2, N)
    z2 = minigrad.empty(N).normal_(-1.0, 2.0).numpy().astype(np.float64)
    _sigma_check(z2.mean(), -1.0, 4.0, N)


def test_randint_and_randperm_statistics():
    minigrad.manual_seed(4)
    r = minigrad.randint(-3, 7, (N,)).numpy()
    counts = np.bincount(r + 3, minlength=10)
    assert counts.size == 10 and r.min() == -3 and r.max() == 6
    chi2 = ((counts - N / 10) ** 2 / (N / 10)).sum()
    assert chi2 < 45  # 9 degrees of freedom
    # each value of a random permutation lands in each position equally often
    pos = np.zeros((5, 5))
    for _ in range(3000):
        p = minigrad.randperm(5).numpy()
        pos[p, np.arange(5)] += 1
    assert np.all(np.abs(pos - 600) < 6 * np.sqrt(600 * 0.8))


def test_bernoulli_and_dropout_statistics():
    minigrad.manual_seed(5)
    b = minigrad.bernoulli(minigrad.full((N,), 0.3)).numpy()
    assert set(np.unique(b)) <= {0.0, 1.0}
    _sigma_check(b.mean(), 0.3, 0.21, N)
    for p in (0.1, 0.5, 0.8):
        y = dropout(minigrad.ones(N), p).numpy()
        kept = y != 0
        _sigma_check(kept.mean(), 1 - p, p * (1 - p), N)
        np.testing.assert_allclose(y[kept], 1 / (1 - p), rtol=1e-6)
    assert dropout(minigrad.ones(10), 0.0).tolist() == [1.0] * 10
    assert dropout(minigrad.ones(10), 0.5, training=False).tolist() == [1.0] * 10


def test_dropout_mask_is_used_by_backward():
    x = minigrad.ones(1000, requires_grad=True)
    minigrad.manual_seed(6)
    y = dropout(x, 0.4)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())


def test_different_seeds_give_uncorrelated_streams():
    a = minigrad.randn(N, generator=minigrad.Generator().manual_seed(0)).numpy().astype(np.float64)
    b = minigrad.randn(N, generator=minigrad.Generator().manual_seed(1)).numpy().astype(np.float64)
    assert abs(np.corrcoef(a, b)[0, 1]) < 6 / np.sqrt(N)
    # consecutive calls of one generator too
    g = minigrad.Generator().manual_seed(0)
    c, d = minigrad.randn(N, generator=g).numpy(), minigrad.randn(N, generator=g).numpy()
    assert abs(np.corrcoef(c, d)[0, 1]) < 6 / np.sqrt(N)


# ------------------------------------------------------------------ threads
def test_set_get_num_threads():
    minigrad.set_num_threads(1)
    assert minigrad.get_num_threads() == 1
    minigrad.set_num_threads(3)
    assert minigrad.get_num_threads() == 3
    minigrad.set_num_threads(np.int64(2))
    assert minigrad.get_num_threads() == 2


@pytest.mark.parametrize("bad", [0, -1, -100])
def test_set_num_threads_rejects_non_positive(bad):
    before = minigrad.get_num_threads()
    with pytest.raises(RuntimeError, match="set_num_threads expects a positive integer"):
        minigrad.set_num_threads(bad)
    assert minigrad.get_num_threads() == before
    if torch is not None:
        with pytest.raises(RuntimeError) as t_info:
            torch.set_num_threads(bad)
        with pytest.raises(RuntimeError) as m_info:
            minigrad.set_num_threads(bad)
        assert str(m_info.value) == str(t_info.value)


@pytest.mark.parametrize("bad", [1.5, "2", None, True])
def test_set_num_threads_rejects_non_integers(bad):
    with pytest.raises((TypeError, RuntimeError)):
        minigrad.set_num_threads(bad)


def _draws(threads, seed=77):
    minigrad.set_num_threads(threads)
    g = minigrad.Generator().manual_seed(seed)
    x = minigrad.ones(3, 257, 129, requires_grad=True)
    out = {
        "randn": minigrad.randn(1001, 997, generator=g).numpy().copy(),
        "randn64": minigrad.randn(100_003, dtype=minigrad.float64, generator=g).numpy().copy(),
        "rand": minigrad.rand(300_007, generator=g).numpy().copy(),
        "randint": minigrad.randint(0, 10 ** 6, (100_003,), generator=g).numpy().copy(),
        "randperm": minigrad.randperm(50_001, generator=g).numpy().copy(),
    }
    y = dropout(x, 0.3, generator=g)
    y.sum().backward()
    out["dropout"] = y.detach().numpy().copy()
    out["dropout_grad"] = x.grad.numpy().copy()
    out["dropout64"] = dropout(minigrad.ones(100_001, dtype=minigrad.float64), 0.6, generator=g).numpy().copy()
    return out


def test_random_results_bit_identical_with_1_and_2_threads():
    one = _draws(1)
    two = _draws(2)
    for k in one:
        assert one[k].dtype == two[k].dtype
        assert one[k].tobytes() == two[k].tobytes(), k
    assert _draws(2)["randn"].tobytes() == two["randn"].tobytes()


def test_default_generator_bit_identical_with_1_and_2_threads():
    res = []
    for threads in (1, 2, 1):
        minigrad.set_num_threads(threads)
        minigrad.manual_seed(8)
        res.append((minigrad.randn(4096, 33).numpy().tobytes(),
                    dropout(minigrad.ones(70_000), 0.5).numpy().tobytes()))
    assert res[0] == res[1] == res[2]
