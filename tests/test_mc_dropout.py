"""nn.utils.mc_dropout and nn.utils.mc_predict (Monte Carlo dropout): which modules switch on,
that every mode comes back, and that the predictions are what a hand-written loop of passes
computes, bit for bit, and repeatable."""
import threading

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad.nn.modules.dropout import _DropoutNd
from minigrad.nn.utils import MCPrediction, mc_dropout, mc_predict
from minigrad.nn.utils import monte_carlo


class RunningNorm(nn.Module):
    """A stand-in for BatchNorm1d (until minigrad has it) with the behaviour that matters here:
    in training mode it normalises with the batch's mean and updates its running mean; in
    evaluation mode it uses the running mean."""

    def __init__(self, features):
        super().__init__()
        self.register_buffer("running_mean", minigrad.zeros(features))
        self.calls_in_training = 0

    def forward(self, x):
        if self.training:
            self.calls_in_training += 1
            mean = x.mean(dim=0)
            with minigrad.no_grad():
                self.running_mean.mul_(0.9).add_(0.1 * mean)
            return x - mean
        return x - self.running_mean


class MyDropout(nn.Dropout):
    """A user subclass of nn.Dropout with a forward of its own."""

    def forward(self, x):
        return super().forward(x) * 1.0


class MyNoise(_DropoutNd):
    """A user subclass of the dropout base class, drawing with rand_like: in training mode it
    multiplies by 1 + U(0, 1) noise (from the default generator, or mc_predict's)."""

    def forward(self, x):
        return x * (1 + minigrad.rand_like(x)) if self.training else x


class NotADropout(nn.Module):
    """Has a `p` and a name like a dropout layer, but is none: mc_dropout must leave it alone."""

    p = 0.5

    def forward(self, x):
        return x


class TableDropout(nn.Dropout):
    """Dropout whose masks come from a fixed table, pass by pass: pass t, example n gets
    ``table[t, n]``. It knows how many passes one call carries from the number of rows, so the
    same passes get the same masks whether mc_predict stacks them or loops: the test of the
    layout of stacked passes and of the claim that, given the masks, both ways agree bit for bit."""

    def __init__(self, table):
        super().__init__(0.5)
        self.table = table  # (T, N, D) numpy array of 0.0 / 2.0
        self.passes_done = 0

    def forward(self, x):
        if not self.training:
            return x
        passes, n = x.shape[0] // self.table.shape[1], self.table.shape[1]
        mask = self.table[self.passes_done:self.passes_done + passes].reshape(passes * n, -1)
        self.passes_done += passes
        return x * minigrad.from_numpy(mask)


def mlp(seed=0, p=0.5, classes=3):
    minigrad.manual_seed(seed)
    return nn.Sequential(nn.Linear(6, 32), nn.ReLU(), nn.Dropout(p), nn.Linear(32, 32), nn.Tanh(),
                         nn.Dropout(p / 2), nn.Linear(32, classes))


def inputs(n=7, seed=100):
    return minigrad.randn(n, 6, generator=minigrad.Generator().manual_seed(seed))


def reference(model, x, passes, stacked=1):
    """A hand-written Monte Carlo dropout: model.eval(), dropout layers back on, ``passes``
    forward passes (``stacked`` at a time, as copies of x along dim 0), then the formulas of
    docs/dropout.md."""
    model.eval()
    for m in model.modules():
        if isinstance(m, _DropoutNd):
            m.train()
    with minigrad.no_grad():
        probs = []
        for start in range(0, passes, stacked):
            k = min(stacked, passes - start)
            out = model(minigrad.cat([x] * k)) if k > 1 else model(x)
            probs.append(out.reshape(k, x.shape[0], -1).softmax(dim=2))
        probs = minigrad.cat(probs)
    model.eval()
    mean = probs.mean(dim=0)
    entropy = -minigrad.xlogy(mean, mean).sum(dim=1)
    expected = -minigrad.xlogy(probs, probs).sum(dim=2).mean(dim=0)
    return mean, entropy, (entropy - expected).clamp(min=0), probs


def assert_same(pred, ref):
    for got, want in zip(pred, ref):
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_array_equal(got.numpy(), want.numpy())


# -------------------------------------------------------------------------------------------------
# mc_dropout: which modules, and the modes coming back
# -------------------------------------------------------------------------------------------------
def every_dropout_kind():
    return nn.Sequential(nn.Dropout(0.1), nn.Dropout1d(0.1), nn.Dropout2d(0.1), nn.Dropout3d(0.1),
                         nn.AlphaDropout(0.1), nn.FeatureAlphaDropout(0.1), MyDropout(0.1), MyNoise(0.1),
                         nn.Linear(2, 2), RunningNorm(2), NotADropout(), nn.ReLU())


def test_mc_dropout_switches_on_every_dropout_module_and_nothing_else():
    model = every_dropout_kind().eval()
    with mc_dropout(model) as inside:
        assert inside is model
        on = [type(m).__name__ for m in model if m.training]
        assert on == ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
                      "FeatureAlphaDropout", "MyDropout", "MyNoise"]
        assert not model.training  # the container keeps its mode too
    assert not any(m.training for m in model.modules())


def test_mc_dropout_finds_nested_dropout_modules():
    inner = nn.Sequential(nn.Linear(2, 2), MyDropout(0.5))
    model = nn.Sequential(nn.ModuleDict({"block": inner}), nn.Dropout(0.5)).eval()
    with mc_dropout(model):
        assert inner[1].training and model[1].training
        assert not inner.training and not inner[0].training
    assert not inner[1].training and not model[1].training


def test_mc_dropout_restores_each_modules_own_mode():
    model = every_dropout_kind().eval()
    model[0].train()      # a dropout already on stays on
    model[9].train()      # the stand-in BatchNorm in training mode stays in training mode
    before = [m.training for m in model.modules()]
    with mc_dropout(model):
        assert model[9].training
    assert [m.training for m in model.modules()] == before


def test_mc_dropout_restores_the_modes_after_an_exception():
    model = every_dropout_kind().eval()
    with pytest.raises(ZeroDivisionError):
        with mc_dropout(model):
            assert model[0].training
            1 / 0
    assert not any(m.training for m in model.modules())


def test_mc_dropout_nested_blocks_and_a_model_in_training_mode():
    model = every_dropout_kind()  # modules start in training mode
    with mc_dropout(model):
        with mc_dropout(model):
            assert all(m.training for m in model.modules())
        assert all(m.training for m in model.modules())
    assert all(m.training for m in model.modules())  # not switched to eval on exit
    model.eval()
    with mc_dropout(model):
        with mc_dropout(model[:3]):
            assert model[0].training
        assert model[0].training and model[5].training  # the inner block did not switch them off
        assert not model[8].training
    assert not any(m.training for m in model.modules())


def test_mc_dropout_leaves_a_batchnorm_like_module_in_eval_mode():
    model = nn.Sequential(nn.Linear(3, 4), RunningNorm(4), nn.Dropout(0.5), nn.Linear(4, 2)).eval()
    stats = model[1].running_mean.clone()
    with mc_dropout(model):
        model(minigrad.randn(8, 3))
    assert model[1].calls_in_training == 0
    assert minigrad.equal(model[1].running_mean, stats)


def test_mc_dropout_rejects_what_is_not_a_module():
    with pytest.raises(TypeError, match="nn.Module"):
        with mc_dropout(lambda x: x):
            pass


# -------------------------------------------------------------------------------------------------
# mc_predict against a hand-written loop
# -------------------------------------------------------------------------------------------------
def test_mc_predict_loop_equals_a_hand_written_loop_bit_for_bit():
    model, x = mlp(), inputs()
    minigrad.manual_seed(5)
    pred = mc_predict(model.eval(), x, passes=9, batch_passes=1)
    minigrad.manual_seed(5)
    assert_same(pred, reference(model, x, 9))
    assert isinstance(pred, MCPrediction)


@pytest.mark.parametrize("stacked", [2, 4, 9])
def test_mc_predict_stacked_passes_equal_a_hand_written_stacked_loop(stacked):
    model, x = mlp(), inputs()
    minigrad.manual_seed(6)
    pred = mc_predict(model.eval(), x, passes=9, batch_passes=stacked)
    minigrad.manual_seed(6)
    assert_same(pred, reference(model, x, 9, stacked))


@pytest.mark.parametrize("stacked", [1, 3, 8])
def test_stacked_passes_and_a_loop_agree_bit_for_bit_given_the_same_masks(stacked):
    """Pass t of example n is row t*N + n of the stacked batch, and the arithmetic does not
    depend on how many rows a call carries."""
    passes, n = 8, 5
    table = np.random.default_rng(0).integers(0, 2, size=(passes, n, 32)).astype(np.float32) * 2
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 32), nn.ReLU(), TableDropout(table), nn.Linear(32, 4)).eval()
    x = inputs(n)
    loop = mc_predict(model, x, passes=passes, batch_passes=1)
    model[2].passes_done = 0
    stacked_pred = mc_predict(model, x, passes=passes, batch_passes=stacked)
    assert model[2].passes_done == passes
    assert_same(stacked_pred, loop)
    # and the passes really differ (the table is not constant along t)
    assert not minigrad.equal(loop.probs[0], loop.probs[1])


def test_mc_predict_default_stacks_passes_for_a_row_independent_model():
    model, x = mlp(), inputs()
    assert monte_carlo._default_batch_passes(model.eval(), x.shape[0], 50) == 50
    minigrad.manual_seed(7)
    pred = mc_predict(model, x, passes=50)
    minigrad.manual_seed(7)
    assert_same(pred, reference(model, x, 50, stacked=50))


def test_mc_predict_default_bounds_the_rows_per_call():
    model = mlp().eval()
    n = monte_carlo.ROWS_PER_CALL // 4
    assert monte_carlo._default_batch_passes(model, n, 100) == 4
    assert monte_carlo._default_batch_passes(model, 10 * monte_carlo.ROWS_PER_CALL, 100) == 1


class Custom(nn.Module):
    """A model with a forward of its own: mc_predict cannot know that it treats rows alone."""

    def __init__(self):
        super().__init__()
        self.body = mlp()

    def forward(self, x):
        return self.body(x)


@pytest.mark.parametrize("make", [
    lambda: Custom(),
    lambda: nn.Sequential(nn.Linear(6, 4), RunningNorm(4), nn.Dropout(0.5), nn.Linear(4, 3)),
    lambda: nn.Sequential(nn.Linear(6, 4), MyDropout(0.5), nn.Linear(4, 3)),
    lambda: nn.Sequential(nn.Linear(6, 4), nn.Softmax(dim=0), nn.Linear(4, 3)),
    lambda: nn.Sequential(nn.Flatten(0), nn.Unflatten(0, (-1, 6)), nn.Linear(6, 3)),
], ids=["own-forward", "batchnorm-like", "dropout-subclass", "softmax-dim0", "flatten-dim0"])
def test_mc_predict_loops_over_passes_when_rows_may_interact(make):
    model, x = make().eval(), inputs()
    assert monte_carlo._default_batch_passes(model, x.shape[0], 10) == 1
    minigrad.manual_seed(8)
    pred = mc_predict(model, x, passes=10)
    minigrad.manual_seed(8)
    assert_same(pred, reference(model, x, 10))


def test_mc_predict_with_a_batchnorm_like_module_keeps_it_in_eval_mode():
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 8), RunningNorm(8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3))
    model[1].running_mean.copy_(minigrad.randn(8))
    model.eval()
    stats = model[1].running_mean.clone()
    pred = mc_predict(model, inputs(), passes=20)
    assert model[1].calls_in_training == 0 and minigrad.equal(model[1].running_mean, stats)
    assert float(pred.mutual_information.max()) > 0  # the dropout was on
    assert not any(m.training for m in model.modules())


def test_the_stacked_and_the_looped_estimates_have_the_same_distribution():
    """With real random masks the two ways draw different numbers; over many passes their
    estimates of the predictive mean agree within the Monte Carlo error."""
    model, x = mlp(), inputs(4)
    passes = 4000
    stacked = mc_predict(model.eval(), x, passes=passes, batch_passes=passes,
                         generator=minigrad.Generator().manual_seed(1))
    looped = mc_predict(model, x, passes=passes, batch_passes=1, generator=minigrad.Generator().manual_seed(2))
    standard_error = stacked.probs.std(dim=0) / passes ** 0.5
    z = ((stacked.mean - looped.mean).abs() / (standard_error * 2 ** 0.5 + 1e-12)).numpy()
    assert z.max() < 5, z
    assert not minigrad.equal(stacked.mean, looped.mean)  # different draws


# -------------------------------------------------------------------------------------------------
# mc_predict: determinism and generators
# -------------------------------------------------------------------------------------------------
def test_mc_predict_is_repeatable_under_manual_seed():
    model, x = mlp().eval(), inputs()
    minigrad.manual_seed(11)
    a = mc_predict(model, x, passes=12)
    minigrad.manual_seed(11)
    b = mc_predict(model, x, passes=12)
    assert_same(a, b)
    c = mc_predict(model, x, passes=12)  # the generator moved on
    assert not minigrad.equal(a.probs, c.probs)


def test_mc_predict_with_a_generator_ignores_and_keeps_the_default_generator():
    model, x = mlp().eval(), inputs()
    minigrad.manual_seed(1)
    state = minigrad.get_rng_state()
    a = mc_predict(model, x, passes=12, generator=minigrad.Generator().manual_seed(3))
    assert minigrad.equal(minigrad.get_rng_state(), state)  # not drawn from
    minigrad.manual_seed(2)
    b = mc_predict(model, x, passes=12, generator=minigrad.Generator().manual_seed(3))
    assert_same(a, b)
    g = minigrad.Generator().manual_seed(3)
    first, second = mc_predict(model, x, passes=12, generator=g), mc_predict(model, x, passes=12, generator=g)
    assert_same(first, a)
    assert not minigrad.equal(first.probs, second.probs)  # the generator advanced


def test_mc_predict_generator_reaches_every_kind_of_dropout_module():
    """Masks of the functional dropouts (Dropout2d) and of a user module drawing with rand_like
    come from the given generator too."""
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Unflatten(1, (3, 2, 1)), nn.Dropout2d(0.5), nn.Flatten(), nn.Linear(6, 8),
                          MyNoise(), nn.AlphaDropout(0.2), nn.Linear(8, 3)).eval()
    x = inputs()
    runs = []
    for default_seed in (1, 2):
        minigrad.manual_seed(default_seed)
        runs.append(mc_predict(model, x, passes=6, generator=minigrad.Generator().manual_seed(9)))
    assert_same(runs[0], runs[1])
    assert float(runs[0].mutual_information.min()) > 0


def test_a_dropout_module_with_its_own_generator_keeps_it():
    minigrad.manual_seed(0)
    own = minigrad.Generator().manual_seed(4)
    model = nn.Sequential(nn.Linear(6, 16), nn.Dropout(0.5, generator=own), nn.Linear(16, 3)).eval()
    x = inputs()
    before = own.get_state()
    mc_predict(model, x, passes=3, generator=minigrad.Generator().manual_seed(1))
    assert not minigrad.equal(own.get_state(), before)


def test_the_generator_of_mc_predict_is_per_thread():
    """While one thread runs mc_predict with a generator, another thread drawing from the default
    generator gets the default generator's numbers."""
    model, x = mlp().eval(), inputs()
    started, release, seen = threading.Event(), threading.Event(), {}

    class Pause(nn.Module):
        def forward(self, x):
            started.set()
            release.wait(10)
            return x

    slow = nn.Sequential(Pause(), model)
    worker = threading.Thread(target=lambda: mc_predict(slow, x, passes=2, batch_passes=1,
                                                        generator=minigrad.Generator().manual_seed(0)))
    minigrad.manual_seed(21)
    expected = minigrad.rand(4)
    minigrad.manual_seed(21)
    worker.start()
    started.wait(10)
    seen["rand"] = minigrad.rand(4)
    release.set()
    worker.join(10)
    assert minigrad.equal(seen["rand"], expected)


# -------------------------------------------------------------------------------------------------
# mc_predict: the quantities, shapes and errors
# -------------------------------------------------------------------------------------------------
def test_entropy_and_mutual_information_bounds():
    model, x = mlp(p=0.6, classes=5).eval(), inputs(30)
    pred = mc_predict(model, x, passes=40, generator=minigrad.Generator().manual_seed(0))
    mean, entropy, mi = pred.mean.numpy(), pred.entropy.numpy(), pred.mutual_information.numpy()
    np.testing.assert_allclose(mean.sum(axis=1), 1, rtol=1e-5)
    assert (entropy >= 0).all() and (entropy <= np.log(5) + 1e-5).all()
    assert (mi >= 0).all() and (mi <= entropy + 1e-6).all() and mi.max() > 1e-3
    # against float64 formulas from the per-pass probabilities
    probs = pred.probs.numpy().astype(np.float64)
    p_bar = probs.mean(axis=0)
    h = -(p_bar * np.log(p_bar)).sum(axis=1)
    np.testing.assert_allclose(entropy, h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(mi, h + (probs * np.log(probs)).sum(axis=2).mean(axis=0), atol=1e-5)


def test_without_dropout_every_pass_agrees_and_the_mutual_information_vanishes():
    model, x = mlp(p=0.0).eval(), inputs()
    pred = mc_predict(model, x, passes=5)
    with minigrad.no_grad():
        single = model(x).softmax(dim=1)
    for t in range(5):
        assert minigrad.equal(pred.probs[t], single)
    assert float(pred.mutual_information.max()) < 1e-6


def test_a_constant_model_has_the_entropy_of_the_uniform_distribution():
    model = nn.Sequential(nn.Linear(6, 4), nn.Dropout(0.5))
    with minigrad.no_grad():
        model[0].weight.zero_()
        model[0].bias.zero_()
    pred = mc_predict(model.eval(), inputs(), passes=3)
    np.testing.assert_allclose(pred.entropy.numpy(), np.log(4), rtol=1e-6)
    np.testing.assert_allclose(pred.mean.numpy(), 0.25, rtol=1e-6)


def test_outputs_with_extra_dimensions_use_dim_1_as_the_classes():
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 12), nn.Dropout(0.5), nn.Unflatten(1, (3, 4))).eval()
    pred = mc_predict(model, inputs(5), passes=7)
    assert pred.mean.shape == (5, 3, 4) and pred.entropy.shape == (5, 4)
    assert pred.mutual_information.shape == (5, 4) and pred.probs.shape == (7, 5, 3, 4)
    np.testing.assert_allclose(pred.mean.sum(dim=1).numpy(), 1, rtol=1e-5)


def test_float64_models_give_float64_predictions():
    model, x = mlp().double().eval(), inputs().double()
    pred = mc_predict(model, x, passes=4)
    assert all(t.dtype == minigrad.float64 for t in pred)


def test_mc_predict_records_no_graph_and_restores_modes_after_an_error():
    model = mlp().eval()
    pred = mc_predict(model, inputs(), passes=3)
    assert all(not t.requires_grad and t.grad_fn is None for t in pred)
    with pytest.raises(RuntimeError):
        mc_predict(model, minigrad.randn(3, 5), passes=3)  # wrong width: Linear fails
    assert not any(m.training for m in model.modules())


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(passes=0), ValueError, "passes must be at least 1"),
    (dict(passes=2.5), TypeError, "passes must be an int"),
    (dict(passes=True), TypeError, "passes must be an int"),
    (dict(batch_passes=0), ValueError, "batch_passes must be at least 1"),
    (dict(generator=3), TypeError, "minigrad.Generator"),
])
def test_mc_predict_argument_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        mc_predict(mlp(), inputs(), **kwargs)


def test_mc_predict_input_errors():
    with pytest.raises(TypeError, match="x must be a Tensor"):
        mc_predict(mlp(), np.zeros((2, 6), np.float32))
    with pytest.raises(ValueError, match="batch dimension"):
        mc_predict(mlp(), minigrad.tensor(1.0))
    with pytest.raises(TypeError, match="nn.Module"):
        mc_predict(lambda x: x, inputs())


class Pooled(nn.Module):
    """Mixes the rows: one output row for the whole batch."""

    def forward(self, x):
        return x.sum(dim=0, keepdim=True)


def test_a_model_that_changes_the_number_of_rows_is_refused_clearly():
    with pytest.raises(RuntimeError, match=r"scores \(N, C, \.\.\.\) for an input of N = 14 rows"):
        mc_predict(nn.Sequential(nn.Dropout(0.5), Pooled()), inputs(7), passes=4, batch_passes=2)


def test_from_probs_summarises_an_ensemble_as_mc_predict_summarises_passes():
    model, x = mlp().eval(), inputs()
    pred = mc_predict(model, x, passes=6)
    assert_same(MCPrediction.from_probs(pred.probs), pred)
    with pytest.raises(ValueError, match=r"\(T, N, C, \.\.\.\)"):
        MCPrediction.from_probs(pred.mean)
