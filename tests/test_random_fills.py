"""The in-place random fills (sampling.py): distributions (fixed seeds, so deterministic),
dtypes, PyTorch's argument and leaf errors, and independence from the thread count."""

import numpy as np
import pytest

import minigrad
from torch_reference import assert_same_error

torch = pytest.importorskip("torch")

N = 200_000


def _draw(name, *args, dtype=minigrad.float64, **kwargs):
    minigrad.manual_seed(1234)
    return getattr(minigrad.empty(N, dtype=dtype), name)(*args, **kwargs).numpy()


def _close(sample_mean, expected, std):
    # 6 standard errors: a fixed seed makes this deterministic; a wrong transform is far off
    assert abs(sample_mean - expected) < 6 * std / np.sqrt(N), (sample_mean, expected)


def test_exponential():
    x = _draw("exponential_", 2.0)
    assert (x >= 0).all()
    _close(x.mean(), 0.5, 0.5)


def test_geometric():
    x = _draw("geometric_", 0.25)
    assert (x >= 1).all() and np.array_equal(x, np.round(x))
    _close(x.mean(), 4.0, np.sqrt(0.75) / 0.25)


def test_bernoulli():
    x = _draw("bernoulli_", 0.3)
    assert set(np.unique(x)) <= {0.0, 1.0}
    _close(x.mean(), 0.3, np.sqrt(0.3 * 0.7))
    probs = minigrad.tensor([0., 1., 1., 0.])
    assert minigrad.empty(4).bernoulli_(probs).tolist() == [0., 1., 1., 0.]


def test_cauchy_median_and_quartiles():
    x = _draw("cauchy_", 1.0, 2.0)
    q1, med, q3 = np.quantile(x, [0.25, 0.5, 0.75])
    assert abs(med - 1.0) < 0.05 and abs(q1 - (-1.0)) < 0.05 and abs(q3 - 3.0) < 0.05


def test_log_normal():
    x = _draw("log_normal_", 0.5, 0.25)
    assert (x > 0).all()
    _close(np.log(x).mean(), 0.5, 0.25)
    assert abs(np.log(x).std() - 0.25) < 0.005


@pytest.mark.parametrize("dtype", [minigrad.int64, minigrad.int32, minigrad.float32])
def test_random_range(dtype):
    x = _draw("random_", -3, 4, dtype=dtype)
    assert x.min() == -3 and x.max() == 3
    counts = np.bincount((x + 3).astype(np.int64))
    assert len(counts) == 7
    for c in counts:
        _close(c / N, 1 / 7, np.sqrt(1 / 7 * 6 / 7))
    y = _draw("random_", 5, dtype=dtype)
    assert y.min() == 0 and y.max() == 4


def test_random_default_range_is_torchs():
    minigrad.manual_seed(0)
    x = minigrad.empty(1000, dtype=minigrad.float32).random_().numpy()
    assert x.min() >= 0 and x.max() <= 2 ** 24 and x.max() > 2 ** 23
    b = minigrad.empty(1000, dtype=minigrad.bool).random_().numpy()
    assert set(np.unique(b)) == {False, True}


@pytest.mark.parametrize("name,args", [("exponential_", (0.5,)), ("geometric_", (0.3,)),
                                       ("bernoulli_", (0.5,)), ("cauchy_", ()),
                                       ("log_normal_", ()), ("random_", (0, 10))])
def test_independent_of_thread_count(name, args):
    results, before = [], minigrad.get_num_threads()
    for threads in (1, 2):
        minigrad.set_num_threads(threads)
        minigrad.manual_seed(7)
        results.append(getattr(minigrad.empty(10_000), name)(*args).numpy())
    minigrad.set_num_threads(before)
    assert np.array_equal(results[0], results[1])


ERRORS = [
    "L.zeros(3).bernoulli_(1.5)",
    "L.zeros(3).exponential_(-1)",
    "L.zeros(3).geometric_(0)",
    "L.zeros(3).random_(5, 2)",
    "L.zeros(3).log_normal_(std=-1)",
    "L.zeros(3, dtype=L.long).exponential_()",
    "L.zeros(3, dtype=L.long).cauchy_()",
    "L.zeros(3, dtype=L.long).log_normal_()",
    "L.zeros(3, requires_grad=True).exponential_()",
    "L.zeros(3, requires_grad=True).random_(3)",
    "L.zeros(3, requires_grad=True).bernoulli_()",
]


@pytest.mark.parametrize("code", ERRORS)
def test_errors_match_torch(code):
    assert_same_error(torch, code)


def test_multinomial_with_replacement_frequencies():
    minigrad.manual_seed(3)
    x = minigrad.multinomial(minigrad.tensor([1., 0., 3.]), N, replacement=True).numpy()
    freq = np.bincount(x, minlength=3) / N
    assert freq[1] == 0
    _close(freq[2], 0.75, np.sqrt(0.75 * 0.25))


def test_multinomial_without_replacement_first_draw_and_distinct():
    minigrad.manual_seed(4)
    w = minigrad.tensor([[1., 2., 3., 4.]] * 20000)
    s = minigrad.multinomial(w, 3).numpy()
    assert all(len(set(row)) == 3 for row in s[:500])
    first = np.bincount(s[:, 0], minlength=4) / len(s)
    for k in range(4):
        assert abs(first[k] - (k + 1) / 10) < 6 * np.sqrt(0.25 / len(s))
    # zero-weight categories come last, as in PyTorch
    assert sorted(minigrad.tensor([1., 0., 3.]).multinomial(3).tolist()[:2]) == [0, 2]


def test_multinomial_shapes_match_torch():
    for args in [((2, 4), 3, True), ((4,), 2, False), ((3, 5), 5, False)]:
        shape, n, repl = args
        m = minigrad.multinomial(minigrad.ones(*shape), n, replacement=repl)
        t = torch.multinomial(torch.ones(*shape), n, replacement=repl)
        assert tuple(m.shape) == tuple(t.shape) and str(m.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]


@pytest.mark.parametrize("code", [
    "L.multinomial(L.tensor([1., 0., 3.]), 4)",
    "L.multinomial(L.tensor([1., -1.]), 1)",
    "L.multinomial(L.tensor([0., 0.]), 1)",
    "L.multinomial(L.ones(2, 2, 2), 1)",
    "L.multinomial(L.tensor([1., 0., 3.]), 0)",
    "L.multinomial(L.tensor([1, 2]), 1)",
    "L.multinomial(L.tensor([1., float('inf')]), 1)",
])
def test_multinomial_errors_match_torch(code):
    test_errors_match_torch(code)


def test_multinomial_independent_of_thread_count():
    results, before = [], minigrad.get_num_threads()
    for threads in (1, 2):
        minigrad.set_num_threads(threads)
        minigrad.manual_seed(11)
        results.append((minigrad.multinomial(minigrad.ones(50, 7), 4).numpy(),
                        minigrad.multinomial(minigrad.ones(50, 7), 9, replacement=True).numpy()))
    minigrad.set_num_threads(before)
    assert all(np.array_equal(a, b) for a, b in zip(*results))


@pytest.mark.parametrize("lam", [0.7, 4.0, 9.5, 10.0, 30.0, 400.0])
def test_poisson_frequencies_follow_the_pmf(lam):
    import math

    minigrad.manual_seed(21)
    x = minigrad.poisson(minigrad.full((N,), lam, dtype=minigrad.float64)).numpy()
    assert np.array_equal(x, np.round(x)) and (x >= 0).all()
    _close(x.mean(), lam, math.sqrt(lam))
    mode = int(lam)
    for k in range(max(0, mode - 3), mode + 4):
        pmf = math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1))
        _close((x == k).mean(), pmf, math.sqrt(pmf * (1 - pmf)))


def test_poisson_zero_rate_dtype_and_threads():
    r = minigrad.tensor([[0., 2.5], [15., 0.]])
    results, before = [], minigrad.get_num_threads()
    for threads in (1, 2):
        minigrad.set_num_threads(threads)
        minigrad.manual_seed(5)
        results.append(minigrad.poisson(r))
    minigrad.set_num_threads(before)
    assert np.array_equal(results[0].numpy(), results[1].numpy())
    assert results[0].dtype == minigrad.float32 and results[0][0, 0].item() == 0
    t = torch.poisson(torch.tensor([[0., 2.5], [15., 0.]]))
    assert tuple(results[0].shape) == tuple(t.shape)


@pytest.mark.parametrize("code", [
    "L.poisson(L.tensor([-1.]))",
    "L.poisson(L.tensor([float('nan')]))",
    "L.poisson(L.tensor([1, 2]))",
])
def test_poisson_errors_match_torch(code):
    test_errors_match_torch(code)
