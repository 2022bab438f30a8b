"""lr_scheduler against PyTorch: the learning rates step by step (bit for bit), get_last_lr(),
state_dict keys, warnings, and the deprecated step(epoch) closed form."""
import warnings

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")

SCHEDULERS = {
    "StepLR": dict(step_size=4, gamma=0.3),
    "MultiStepLR": dict(milestones=[3, 7, 7, 20], gamma=0.4),
    "ExponentialLR": dict(gamma=0.93),
    "CosineAnnealingLR": dict(T_max=7, eta_min=0.001),
    "LambdaLR": dict(lr_lambda=lambda epoch: 0.95 ** epoch / (1 + epoch % 3)),
    "LinearLR": dict(start_factor=0.2, end_factor=0.9, total_iters=9),
}


def _optimizer(lib):
    a = lib.zeros(2, requires_grad=True)
    b = lib.zeros(1, requires_grad=True)
    return lib.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.07}], lr=0.3)


def _trajectory(lib, name, steps=30):
    opt = _optimizer(lib)
    sched = getattr(lib.optim.lr_scheduler, name)(opt, **SCHEDULERS[name])
    out = [sched.get_last_lr()]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr())
        assert out[-1] == [g["lr"] for g in opt.param_groups]
    return out, sched


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_rates_match_torch_bit_for_bit(name):
    ours, o_sched = _trajectory(minigrad, name)
    theirs, t_sched = _trajectory(torch, name)
    assert ours == theirs  # exact equality of Python floats
    o_sd, t_sd = o_sched.state_dict(), t_sched.state_dict()
    assert list(o_sd) == list(t_sd)
    assert {k: v for k, v in o_sd.items() if k != "lr_lambdas"} == \
        {k: v for k, v in t_sd.items() if k != "lr_lambdas"}


@pytest.mark.parametrize("name", sorted(set(SCHEDULERS) - {"LambdaLR"}))
def test_step_with_epoch_warns_and_uses_closed_form(name):
    results = []
    for lib in (torch, minigrad):
        opt = _optimizer(lib)
        sched = getattr(lib.optim.lr_scheduler, name)(opt, **SCHEDULERS[name])
        opt.step()
        rates = []
        for epoch in (5, 2, 11, 30):
            with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` was not necessary"):
                sched.step(epoch)
            rates.append(sched.get_last_lr())
        results.append(rates)
    assert results[0] == results[1]


def test_scheduler_step_before_optimizer_step_warns_as_torch():
    messages = []
    for lib in (torch, minigrad):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 2)
        with pytest.warns(UserWarning) as record:
            sched.step()
        messages.append([str(w.message) for w in record])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            sched.step()  # only the first step warns
    assert messages[0] == messages[1]
    assert "Detected call of `lr_scheduler.step()` before `optimizer.step()`" in messages[1][0]


def test_no_warning_in_the_right_order_and_get_lr_outside_step_warns():
    opt = _optimizer(minigrad)
    sched = minigrad.optim.lr_scheduler.ExponentialLR(opt, 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        sched.get_lr()


def test_state_dict_round_trip_and_lambda_objects():
    class Decay:
        def __init__(self, rate):
            self.rate = rate

        def __call__(self, epoch):
            return self.rate ** epoch

    results = []
    for lib in (torch, minigrad):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.LambdaLR(opt, [Decay(0.5), lambda e: 1.0])
        for _ in range(3):
            opt.step()
            sched.step()
        sd = sched.state_dict()
        opt2 = _optimizer(lib)
        sched2 = lib.optim.lr_scheduler.LambdaLR(opt2, [Decay(0.9), lambda e: 2.0])
        sched2.load_state_dict(sd)
        opt2.step()
        sched2.step()
        results.append((sd["lr_lambdas"], sched2.last_epoch, sched2.get_last_lr()))
    assert results[0] == results[1]
    assert results[1][0] == [{"rate": 0.5}, None]


def test_resume_requires_initial_lr_and_validation():
    for lib in (torch, minigrad):
        with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups\\[0\\]"):
            lib.optim.lr_scheduler.StepLR(_optimizer(lib), 2, last_epoch=3)
        with pytest.raises(ValueError, match="Starting multiplicative factor"):
            lib.optim.lr_scheduler.LinearLR(_optimizer(lib), start_factor=0)
        with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
            lib.optim.lr_scheduler.LambdaLR(_optimizer(lib), [lambda e: 1])
        with pytest.raises(TypeError, match="is not an Optimizer"):
            lib.optim.lr_scheduler.StepLR(object(), 2)


def test_chained_schedulers_match_torch():
    def rates(lib):
        opt = _optimizer(lib)
        s = [lib.optim.lr_scheduler.LinearLR(opt, 0.5, total_iters=4),
             lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)]
        out = []
        for _ in range(25):
            opt.step()
            for x in s:
                x.step()
            out.append(opt.param_groups[1]["lr"])
        return out

    assert rates(minigrad) == rates(torch)


PLATEAU_CASES = [dict(), dict(mode="max", patience=2, factor=0.5), dict(threshold_mode="abs", threshold=0.1, patience=1),
                 dict(cooldown=2, patience=0, factor=0.3, min_lr=[0.05, 0.001]), dict(mode="max", threshold_mode="abs", eps=0.01)]


@pytest.mark.parametrize("kwargs", PLATEAU_CASES, ids=str)
def test_reduce_lr_on_plateau_matches_torch(kwargs):
    metrics = [5.0, 4.0, 4.0, 3.99, 4.2, 4.1, 3.0, 3.0, 3.0, 3.0, 2.5, 2.5, 2.5] * 3

    def run(lib):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        assert isinstance(sched, lib.optim.lr_scheduler.LRScheduler)
        out = []
        for m in metrics:
            opt.step()
            sched.step(m)
            out.append(sched.get_last_lr())
        return out, sched.state_dict()

    assert run(minigrad) == run(torch)


def test_reduce_lr_on_plateau_validation_matches_torch():
    for kwargs in (dict(factor=1.0), dict(mode="up"), dict(threshold_mode="x"), dict(min_lr=[0.1])):
        errors = []
        for lib in (torch, minigrad):
            with pytest.raises(ValueError) as info:
                lib.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(lib), **kwargs)
            errors.append(str(info.value))
        assert errors[0] == errors[1]
