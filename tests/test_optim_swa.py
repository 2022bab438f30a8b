"""optim.swa_utils against torch.optim.swa_utils: AveragedModel's averages (SWA, EMA, per
parameter or all at once, with buffers), its state dict, SWALR's rates (bit for bit), the
errors; update_bn on a module with batch-norm statistics."""
import warnings

import numpy as np
import pytest
from test_optim_parity import _outcome

import minigrad

torch = pytest.importorskip("torch")


class _Counted:
    """A model with a parameter and a buffer, built the same way in both libraries."""

    @staticmethod
    def build(lib):
        model = lib.nn.Linear(3, 2)
        model.register_buffer("seen", lib.zeros(2))
        return model


def _set(lib, model, k):
    with lib.no_grad():
        model.weight.copy_(lib.tensor(np.sin(np.arange(6.0) + k).reshape(2, 3).astype(np.float32)))
        model.bias.copy_(lib.tensor(np.cos(np.arange(2.0) * k).astype(np.float32)))
        model.seen.copy_(lib.tensor(np.array([k, -k], np.float32)))


AVERAGES = {
    "swa": lambda S: {},
    "ema avg_fn": lambda S: dict(avg_fn=S.get_ema_avg_fn(0.8)),
    "swa avg_fn": lambda S: dict(avg_fn=S.get_swa_avg_fn()),
    "ema multi": lambda S: dict(multi_avg_fn=S.get_ema_multi_avg_fn(0.7)),
    "swa multi": lambda S: dict(multi_avg_fn=S.get_swa_multi_avg_fn()),
    "swa buffers": lambda S: dict(use_buffers=True),
    "ema multi buffers": lambda S: dict(multi_avg_fn=S.get_ema_multi_avg_fn(0.5), use_buffers=True),
}


@pytest.mark.parametrize("case", sorted(AVERAGES))
def test_averaged_model_matches_torch(case):
    results = []
    for lib in (torch, minigrad):
        S = lib.optim.swa_utils
        model = _Counted.build(lib)
        averaged = S.AveragedModel(model, **AVERAGES[case](S))
        for k in range(5):
            _set(lib, model, k)
            averaged.update_parameters(model)
        sd = averaged.state_dict()
        out = averaged(lib.ones(1, 3))
        results.append(({k: v.detach().numpy() for k, v in sd.items()}, out.detach().numpy()))
    (t_sd, t_out), (o_sd, o_out) = results
    assert list(o_sd) == list(t_sd)
    for key in t_sd:
        assert o_sd[key].dtype == t_sd[key].dtype, key
        np.testing.assert_allclose(o_sd[key], t_sd[key], rtol=1e-6, atol=1e-7, err_msg=key)
    np.testing.assert_allclose(o_out, t_out, rtol=1e-6, atol=1e-6)


def test_float64_swa_average_is_bit_for_bit():
    results = []
    for lib in (torch, minigrad):
        model = lib.nn.Linear(4, 3).double()
        averaged = lib.optim.swa_utils.AveragedModel(model)
        for k in range(7):
            with lib.no_grad():
                model.weight.copy_(lib.tensor(np.sin(np.arange(12.0) * (k + 1)).reshape(3, 4)))
            averaged.update_parameters(model)
        results.append(averaged.module.weight.detach().numpy())
    np.testing.assert_array_equal(results[0], results[1])


SWALR_CASES = [dict(swa_lr=0.05), dict(swa_lr=[0.05, 0.2], anneal_epochs=4, anneal_strategy="linear"),
               dict(swa_lr=0.01, anneal_epochs=0), dict(swa_lr=0.5, anneal_epochs=1, anneal_strategy="cos")]


@pytest.mark.parametrize("kwargs", SWALR_CASES, ids=str)
def test_swalr_matches_torch_bit_for_bit(kwargs):
    results = []
    for lib in (torch, minigrad):
        opt = lib.optim.SGD([{"params": [lib.zeros(1, requires_grad=True)]},
                             {"params": [lib.zeros(1, requires_grad=True)], "lr": 0.3}], lr=1.0)
        sched = lib.optim.swa_utils.SWALR(opt, **kwargs)
        rates = [sched.get_last_lr()]
        for _ in range(15):
            opt.step()
            sched.step()
            rates.append(sched.get_last_lr())
        sd = {k: v for k, v in sched.state_dict().items()}
        results.append((rates, sd, [g["swa_lr"] for g in opt.param_groups]))
    assert results[0] == results[1]


def _errors(lib):
    S = lib.optim.swa_utils
    opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=1.0)
    return {
        "ema decay": lambda: S.get_ema_avg_fn(1.5),
        "ema multi decay": lambda: S.get_ema_multi_avg_fn(-0.1),
        "both fns": lambda: S.AveragedModel(lib.nn.Linear(1, 1), avg_fn=S.get_swa_avg_fn(), multi_avg_fn=S.get_swa_multi_avg_fn()),
        "anneal strategy": lambda: S.SWALR(opt, 0.1, anneal_strategy="exp"),
        "anneal epochs": lambda: S.SWALR(opt, 0.1, anneal_epochs=-1),
        "anneal epochs float": lambda: S.SWALR(opt, 0.1, anneal_epochs=2.0),
        "swa_lr length": lambda: S.SWALR(opt, [0.1, 0.2]),
        "get_lr outside step": lambda: S.SWALR(opt, 0.1).get_lr(),
        "names": lambda: sorted(S.__all__),
    }


@pytest.mark.parametrize("case", sorted(_errors(minigrad)))
def test_errors_match_torch(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = _outcome(_errors(minigrad)[case]), _outcome(_errors(torch)[case])
    assert ours == theirs


class _RunningMean(minigrad.nn.Module):
    """Batch-norm's statistics protocol (running_mean, momentum (None: cumulative average),
    reset_running_stats), to check what update_bn does with such layers."""

    def __init__(self):
        super().__init__()
        self.momentum = 0.1
        self.register_buffer("running_mean", minigrad.full((2,), 7.0))
        self.register_buffer("num_batches_tracked", minigrad.tensor(0))
        self.momentums_seen = []

    def reset_running_stats(self):
        self.running_mean.zero_()
        self.num_batches_tracked.zero_()

    def forward(self, x):
        self.momentums_seen.append(self.momentum)
        if self.training:
            self.num_batches_tracked += 1
            n = self.num_batches_tracked.item()
            factor = 1.0 / n if self.momentum is None else self.momentum
            with minigrad.no_grad():
                self.running_mean.mul_(1 - factor).add_(x.mean(0) * factor)
        return x


def test_update_bn_recomputes_the_statistics_as_plain_averages():
    layer = _RunningMean()
    model = minigrad.nn.Sequential(minigrad.nn.Identity(), layer)
    model.eval()
    batches = [(minigrad.tensor([[1.0, 2.0], [3.0, 4.0]]), 0), (minigrad.tensor([[5.0, 6.0]]), 1)]
    minigrad.optim.swa_utils.update_bn(batches, model)
    assert layer.running_mean.tolist() == [3.5, 4.5]  # the mean of the batch means
    assert layer.momentums_seen == [None, None] and layer.momentum == 0.1
    assert not model.training  # the mode is restored
