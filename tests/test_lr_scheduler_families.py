"""The schedulers beyond test_lr_scheduler.py against PyTorch: MultiplicativeLR, ConstantLR,
PolynomialLR, CyclicLR, OneCycleLR, CosineAnnealingWarmRestarts, SequentialLR and
ChainedScheduler. Learning rates and cycled momenta (SGD's ``momentum``, Adam's ``betas[0]``)
equal bit for bit at every step, state dicts equal, errors equal."""
import warnings

import pytest
from test_optim_parity import _outcome

import minigrad

torch = pytest.importorskip("torch")


class Halving:
    """A callable object: its attributes go into the state dict."""

    def __init__(self):
        self.factor = 0.5

    def __call__(self, x):
        return self.factor ** x


def _optimizer(lib, name="SGD"):
    a = lib.zeros(2, requires_grad=True)
    b = lib.zeros(1, requires_grad=True)
    kwargs = {"SGD": dict(momentum=0.9), "Adam": {}, "RMSprop": dict(momentum=0.5)}[name]
    return getattr(lib.optim, name)([{"params": [a]}, {"params": [b], "lr": 0.07}], lr=0.3, **kwargs)


S = "lr_scheduler"
CASES = {
    "MultiplicativeLR": lambda L, o: L.MultiplicativeLR(o, lr_lambda=lambda e: 0.9 + 0.01 * (e % 3)),
    "MultiplicativeLR per group": lambda L, o: L.MultiplicativeLR(o, [lambda e: 0.95, lambda e: 1.01]),
    "ConstantLR": lambda L, o: L.ConstantLR(o, factor=0.3, total_iters=7),
    "ConstantLR default": lambda L, o: L.ConstantLR(o),
    "PolynomialLR": lambda L, o: L.PolynomialLR(o, total_iters=17, power=1.7),
    "PolynomialLR linear": lambda L, o: L.PolynomialLR(o),
    "CyclicLR": lambda L, o: L.CyclicLR(o, base_lr=0.01, max_lr=[0.3, 0.1], step_size_up=4),
    "CyclicLR down": lambda L, o: L.CyclicLR(o, 0.01, 0.2, step_size_up=3, step_size_down=5, base_momentum=[0.7, 0.6]),
    "CyclicLR triangular2": lambda L, o: L.CyclicLR(o, 0.01, 0.2, step_size_up=3, mode="triangular2"),
    "CyclicLR exp_range": lambda L, o: L.CyclicLR(o, 0.01, 0.2, step_size_up=2, mode="exp_range", gamma=0.97),
    "CyclicLR scale_fn": lambda L, o: L.CyclicLR(o, 0.01, 0.2, step_size_up=2, scale_fn=Halving(), scale_mode="iterations"),
    "CyclicLR no momentum": lambda L, o: L.CyclicLR(o, 0.01, 0.2, step_size_up=2, cycle_momentum=False),
    "OneCycleLR": lambda L, o: L.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=40),
    "OneCycleLR linear": lambda L, o: L.OneCycleLR(o, max_lr=0.8, epochs=4, steps_per_epoch=10, anneal_strategy="linear", pct_start=0.25),
    "OneCycleLR three phase": lambda L, o: L.OneCycleLR(o, max_lr=0.8, total_steps=41, three_phase=True, div_factor=10.0, final_div_factor=100.0),
    "OneCycleLR no momentum": lambda L, o: L.OneCycleLR(o, max_lr=0.8, total_steps=40, cycle_momentum=False),
    "WarmRestarts": lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=7, eta_min=0.001),
    "WarmRestarts T_mult": lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
    "SequentialLR": lambda L, o: L.SequentialLR(o, [L.LinearLR(o, 0.1, total_iters=5), L.CosineAnnealingLR(o, T_max=20)], milestones=[5]),
    "SequentialLR three": lambda L, o: L.SequentialLR(o, [L.ConstantLR(o, 0.5, total_iters=3), L.ExponentialLR(o, 0.9), L.StepLR(o, 4, 0.5)], milestones=[6, 20]),
    "ChainedScheduler": lambda L, o: L.ChainedScheduler([L.ConstantLR(o, 0.5, total_iters=4), L.ExponentialLR(o, 0.95)]),
    "ChainedScheduler nested": lambda L, o: L.ChainedScheduler([L.PolynomialLR(o, 30, 2.0), L.MultiplicativeLR(o, lambda e: 0.99)], optimizer=o),
}


def _run(lib, case, optimizer="SGD", steps=40):
    opt = _optimizer(lib, optimizer)
    sched = CASES[case](getattr(lib.optim, S), opt)
    rates = [sched.get_last_lr()]
    momenta = [[g.get("momentum"), g.get("betas")] for g in opt.param_groups]
    for _ in range(steps):
        opt.step()
        sched.step()
        rates.append(sched.get_last_lr())
        assert rates[-1] == [g["lr"] for g in opt.param_groups]
        momenta.append([[g.get("momentum"), g.get("betas")] for g in opt.param_groups])
    return rates, momenta, sched


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_rates_and_momenta_match_torch_bit_for_bit(case, optimizer):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the nested schedulers' own first steps
        ours = _run(minigrad, case, optimizer)
        theirs = _run(torch, case, optimizer)
    assert ours[0] == theirs[0]  # Python floats, compared exactly
    assert ours[1] == theirs[1]
    o_sd, t_sd = ours[2].state_dict(), theirs[2].state_dict()
    assert _comparable(o_sd) == _comparable(t_sd)


def _comparable(state):
    """A state dict without what cannot be compared across the libraries (functions)."""
    if isinstance(state, dict):
        return {k: _comparable(v) for k, v in state.items() if k not in ("lr_lambdas", "_scale_fn_ref")}
    if isinstance(state, list):
        return [_comparable(v) for v in state]
    return state


def test_state_dicts_restore_the_schedule():
    for case in ("CyclicLR scale_fn", "OneCycleLR", "SequentialLR three", "ChainedScheduler", "WarmRestarts T_mult"):
        opt = _optimizer(minigrad)
        sched = CASES[case](minigrad.optim.lr_scheduler, opt)
        for _ in range(9):
            opt.step()
            sched.step()
        saved = sched.state_dict()
        expected = []
        for _ in range(9):
            opt.step()
            sched.step()
            expected.append(sched.get_last_lr())
        opt2 = _optimizer(minigrad)
        opt2.load_state_dict(opt.state_dict())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched2 = CASES[case](minigrad.optim.lr_scheduler, opt2)
        sched2.load_state_dict(saved)
        for group, lr in zip(opt2.param_groups, saved["_last_lr"]):
            group["lr"] = lr
        got = []
        for _ in range(9):
            opt2.step()
            sched2.step()
            got.append(sched2.get_last_lr())
        assert got == expected, case


@pytest.mark.parametrize("name", ["ConstantLR", "PolynomialLR", "MultiplicativeLR"])
def test_step_with_epoch_matches_torch(name):
    kwargs = {"ConstantLR": dict(factor=0.25, total_iters=4), "PolynomialLR": dict(total_iters=10, power=0.5),
              "MultiplicativeLR": dict(lr_lambda=lambda e: 0.9)}[name]
    results = []
    for lib in (torch, minigrad):
        opt = _optimizer(lib)
        sched = getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)
        opt.step()
        rates = []
        for epoch in (2, 7, 3, 30):
            with pytest.warns(UserWarning, match="The epoch parameter"):
                sched.step(epoch)
            rates.append(sched.get_last_lr())
        results.append(rates)
    assert results[0] == results[1]


def test_warm_restarts_with_fractional_epochs_match_torch():
    results = []
    for lib in (torch, minigrad):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.01)
        rates = []
        for epoch in range(12):
            for batch in range(4):
                opt.step()
                sched.step(epoch + batch / 4)
                rates.append((sched.get_last_lr(), sched.T_cur, sched.T_i, sched.last_epoch))
        results.append(rates)
    assert results[0] == results[1]


def _errors(lib):
    L = lib.optim.lr_scheduler
    opt = _optimizer(lib)
    adagrad = lib.optim.Adagrad([lib.zeros(1, requires_grad=True)])
    return {
        "Multiplicative not callable": lambda: L.MultiplicativeLR(opt, lr_lambda=[0.5, lambda e: 1]),
        "Multiplicative count": lambda: L.MultiplicativeLR(opt, lr_lambda=[lambda e: 1]),
        "Constant factor": lambda: L.ConstantLR(opt, factor=1.5),
        "Cyclic mode": lambda: L.CyclicLR(opt, 0.1, 0.2, mode="square"),
        "Cyclic lengths": lambda: L.CyclicLR(opt, [0.1], 0.2),
        "Cyclic no momentum": lambda: L.CyclicLR(adagrad, 0.1, 0.2),
        "Cyclic not optimizer": lambda: L.CyclicLR(object(), 0.1, 0.2),
        "OneCycle no length": lambda: L.OneCycleLR(opt, 0.1),
        "OneCycle total_steps": lambda: L.OneCycleLR(opt, 0.1, total_steps=0),
        "OneCycle epochs": lambda: L.OneCycleLR(opt, 0.1, epochs=1.5, steps_per_epoch=3),
        "OneCycle steps_per_epoch": lambda: L.OneCycleLR(opt, 0.1, epochs=2, steps_per_epoch=0),
        "OneCycle pct_start": lambda: L.OneCycleLR(opt, 0.1, total_steps=10, pct_start=1),
        "OneCycle anneal": lambda: L.OneCycleLR(opt, 0.1, total_steps=10, anneal_strategy="exp"),
        "OneCycle momentum": lambda: L.OneCycleLR(adagrad, 0.1, total_steps=10),
        "OneCycle too many steps": lambda: [(opt.step(), s.step()) for s in [L.OneCycleLR(opt, 0.1, total_steps=3)] for _ in range(4)],
        "WarmRestarts T_0": lambda: L.CosineAnnealingWarmRestarts(opt, T_0=0),
        "WarmRestarts T_0 float": lambda: L.CosineAnnealingWarmRestarts(opt, T_0=2.0),
        "WarmRestarts T_mult": lambda: L.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=0),
        "WarmRestarts eta_min": lambda: L.CosineAnnealingWarmRestarts(opt, T_0=2, eta_min="0"),
        "WarmRestarts negative epoch": lambda: L.CosineAnnealingWarmRestarts(opt, T_0=2).step(-1),
        "Sequential empty": lambda: L.SequentialLR(opt, [], []),
        "Sequential milestones": lambda: L.SequentialLR(opt, [L.StepLR(opt, 2)], [3]),
        "Sequential plateau": lambda: L.SequentialLR(opt, [L.ReduceLROnPlateau(opt)], []),
        "Sequential other optimizer": lambda: L.SequentialLR(opt, [L.StepLR(_optimizer(lib), 2)], []),
        "Sequential not scheduler": lambda: L.SequentialLR(opt, [object()], []),
        "Chained empty": lambda: L.ChainedScheduler([]),
        "Chained plateau": lambda: L.ChainedScheduler([L.StepLR(opt, 2), L.ReduceLROnPlateau(opt)]),
        "Chained not scheduler": lambda: L.ChainedScheduler([L.StepLR(opt, 2), 3]),
    }


@pytest.mark.parametrize("case", sorted(_errors(minigrad)))
def test_errors_match_torch(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = _outcome(_errors(minigrad)[case])
        theirs = _outcome(_errors(torch)[case])
    # the optimizer's repr is in one message (SequentialLR with another optimizer): compare its start
    assert ours.split(" has SGD")[0] == theirs.split(" has SGD")[0]


def test_names_match_torch():
    assert sorted(minigrad.optim.lr_scheduler.__all__) == sorted(torch.optim.lr_scheduler.__all__)
    assert issubclass(minigrad.optim.lr_scheduler._LRScheduler, minigrad.optim.lr_scheduler.LRScheduler)
    opt = _optimizer(minigrad)

    class Custom(minigrad.optim.lr_scheduler._LRScheduler):
        def get_lr(self):
            return [base * 0.5 ** self.last_epoch for base in self.base_lrs]

    sched = Custom(opt)
    opt.step()
    sched.step()
    assert sched.get_last_lr() == [0.15, 0.035]
