"""Every optimizer of torch.optim that minigrad has, compared with PyTorch 2.13 beyond the
trajectories (test_optim_trajectories.py): signatures and defaults, argument errors (type and
text), the flags PyTorch accepts or refuses on the CPU, repr, state dicts (keys, dtypes, values)
moved both ways between the libraries, param groups, LBFGS with a closure, and the hooks."""
import inspect

import numpy as np
import pytest
from test_optim_parity import _outcome

import minigrad

torch = pytest.importorskip("torch")

NAMES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam",
         "ASGD", "Rprop", "LBFGS"]
LEFT_OUT = {"Adafactor", "Muon", "SparseAdam"}  # listed in the report; not asked for here


def test_every_optimizer_is_there():
    public = {n for n in torch.optim.__all__ if n[0].isupper()} - {"Optimizer"}
    assert sorted(public - LEFT_OUT) == sorted(NAMES)
    assert set(NAMES) <= set(minigrad.optim.__all__)


@pytest.mark.parametrize("name", NAMES)
def test_signature_and_defaults_match_torch(name):
    theirs = inspect.signature(getattr(torch.optim, name).__init__).parameters
    ours = inspect.signature(getattr(minigrad.optim, name).__init__).parameters
    assert [(p.name, p.kind, p.default) for p in ours.values()] == \
        [(p.name, p.kind, p.default) for p in theirs.values()]


def _param(lib):
    return lib.nn.Parameter(lib.ones(2))


BAD_ARGS = {
    "RMSprop": [dict(lr=-1), dict(eps=-1), dict(momentum=-1), dict(weight_decay=-1), dict(alpha=-1),
                dict(lr=float("nan"))],
    "Adagrad": [dict(lr=-1), dict(lr_decay=-1), dict(weight_decay=-1), dict(initial_accumulator_value=-1),
                dict(eps=-1), dict(fused=True, foreach=True)],
    "Adadelta": [dict(lr=-1), dict(rho=1.5), dict(rho=-0.1), dict(eps=-1), dict(weight_decay=-1)],
    "Adamax": [dict(lr=-1), dict(eps=-1), dict(betas=(1.0, 0.5)), dict(betas=(0.5, -1)), dict(weight_decay=-1)],
    "NAdam": [dict(lr=-1), dict(eps=-1), dict(betas=(1.0, 0.5)), dict(weight_decay=-1), dict(momentum_decay=-1)],
    "RAdam": [dict(lr=-1), dict(eps=-1), dict(betas=(0.5, 1.0)), dict(weight_decay=-1)],
    "ASGD": [dict(lr=-1), dict(weight_decay=-1)],
    "Rprop": [dict(lr=-1), dict(etas=(1.0, 1.2)), dict(etas=(0.5, 1.0)), dict(etas=(0, 2))],
    "LBFGS": [dict(lr=-1)],
    "SGD": [dict(lr=-1), dict(momentum=-1), dict(nesterov=True, momentum=0.5, dampening=0.1)],
}
ERROR_CASES = [(name, kwargs) for name, cases in BAD_ARGS.items() for kwargs in cases]


@pytest.mark.parametrize("name,kwargs", ERROR_CASES, ids=[f"{n}-{k}" for n, k in ERROR_CASES])
def test_argument_errors_match_torch(name, kwargs):
    def build(lib):
        return lambda: getattr(lib.optim, name)([_param(lib)], **kwargs)
    assert _outcome(build(minigrad)) == _outcome(build(torch))


FLAGS = ["foreach", "fused", "capturable", "differentiable", "maximize"]


@pytest.mark.parametrize("flag", FLAGS)
@pytest.mark.parametrize("name", NAMES)
def test_flags_accepted_or_refused_as_torch_does_on_the_cpu(name, flag):
    """An unknown keyword is PyTorch's TypeError, ``capturable=True`` its AssertionError at the
    first step; ``differentiable=True`` (PyTorch: an in-place error at the step, on leaf
    parameters) is refused when the optimizer is built, naming minigrad."""
    def run(lib):
        w = _param(lib)
        opt = getattr(lib.optim, name)([w], **{flag: True})
        w.grad = lib.full((2,), 0.5)
        if name == "LBFGS":
            opt.step(lambda: (w * w).sum())
        else:
            opt.step()
        return [round(v, 6) for v in w.tolist()]

    ours, theirs = _outcome(lambda: run(minigrad)), _outcome(lambda: run(torch))
    if flag == "differentiable" and "unexpected keyword" not in theirs:
        assert ours.startswith(f"RuntimeError: LIB's {name} does not support differentiable=True")
    else:
        assert ours == theirs


@pytest.mark.parametrize("name", NAMES)
def test_repr_and_defaults_match_torch(name):
    def build(lib):
        return getattr(lib.optim, name)([_param(lib)])
    ours, theirs = build(minigrad), build(torch)
    assert repr(ours) == repr(theirs)
    assert ours.defaults == theirs.defaults
    assert [{k: v for k, v in g.items() if k != "params"} for g in ours.param_groups] == \
        [{k: v for k, v in g.items() if k != "params"} for g in theirs.param_groups]


STATE_KWARGS = {"SGD": dict(momentum=0.9), "Adam": dict(amsgrad=True), "AdamW": {},
                "RMSprop": dict(momentum=0.5, centered=True), "Adagrad": dict(lr_decay=0.1),
                "Adadelta": {}, "Adamax": {}, "NAdam": {}, "RAdam": {}, "ASGD": dict(t0=1),
                "Rprop": {}}


def _stepped(lib, name, dtype, steps=3, kwargs=None):
    w = lib.nn.Parameter(lib.tensor(np.linspace(-1, 1, 6).reshape(2, 3), dtype=getattr(lib, dtype)))
    b = lib.nn.Parameter(lib.tensor([0.5, -0.5, 1.5], dtype=getattr(lib, dtype)))
    kwargs = STATE_KWARGS[name] if kwargs is None else kwargs
    opt = getattr(lib.optim, name)([{"params": [w]}, {"params": [b], "lr": 0.01}], lr=0.05, **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        ((w * w).sum() + (b * w).sum() + b.sum()).backward()
        opt.step()
    return opt, w, b


def _plain(value):
    """A state dict in numpy and Python terms: tensors as (dtype, shape, values)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if hasattr(value, "detach"):
        a = value.detach().numpy()
        return (str(a.dtype), a.shape, a.tolist())
    return value


def _to(lib, value):
    if isinstance(value, dict):
        return {k: _to(lib, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to(lib, v) for v in value]
    if hasattr(value, "detach"):
        return lib.tensor(value.detach().numpy().copy())
    return value


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(STATE_KWARGS))
def test_state_dict_matches_torch_and_moves_both_ways(name, dtype):
    ours, _, _ = _stepped(minigrad, name, dtype)
    theirs, _, _ = _stepped(torch, name, dtype)
    o_sd, t_sd = _plain(ours.state_dict()), _plain(theirs.state_dict())
    assert o_sd["param_groups"] == t_sd["param_groups"]
    assert list(o_sd["state"]) == list(t_sd["state"])
    for key in t_sd["state"]:
        assert list(o_sd["state"][key]) == list(t_sd["state"][key])
        for entry, (t_dtype, t_shape, t_values) in t_sd["state"][key].items():
            o_dtype, o_shape, o_values = o_sd["state"][key][entry]
            assert (o_dtype, o_shape) == (t_dtype, t_shape), entry
            np.testing.assert_allclose(o_values, t_values, rtol=1e-5, atol=1e-6, err_msg=entry)
    # each library continues from the other's state: the next step is the same
    results = []
    for lib, source in ((minigrad, theirs), (torch, ours)):
        opt, w, b = _stepped(lib, name, dtype, steps=0)
        with lib.no_grad():
            w.copy_(lib.tensor(np.linspace(-1, 1, 6).reshape(2, 3), dtype=getattr(lib, dtype)))
        opt.load_state_dict(_to(lib, source.state_dict()))
        opt.zero_grad()
        ((w * w).sum() + (b * w).sum() + b.sum()).backward()
        opt.step()
        results.append(np.concatenate([w.detach().numpy().ravel(), b.detach().numpy()]))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(set(STATE_KWARGS) - {"Adagrad"}))
def test_old_checkpoints_with_number_steps_load_as_in_torch(name):
    """State dicts from old PyTorch versions kept ``step`` (and NAdam's ``mu_product``, ASGD's
    ``eta`` and ``mu``) as numbers; loading makes them float32 tensors, as PyTorch does."""
    loaded = []
    for lib in (torch, minigrad):
        opt, _, _ = _stepped(lib, name, "float32")
        sd = opt.state_dict()
        for entry in sd["state"].values():
            for key in ("step", "mu_product", "eta", "mu"):
                if key in entry:
                    entry[key] = float(entry[key])
        fresh, _, _ = _stepped(lib, name, "float32", steps=0)
        fresh.load_state_dict(_to(lib, sd) if lib is minigrad else sd)
        loaded.append(_plain(fresh.state_dict()))
    assert loaded[0] == loaded[1] or _close(loaded[0], loaded[1])


def _close(a, b):
    assert list(a["state"]) == list(b["state"])
    for key in a["state"]:
        for entry, (dtype, shape, values) in a["state"][key].items():
            assert (dtype, shape) == b["state"][key][entry][:2], entry
            np.testing.assert_allclose(values, b["state"][key][entry][2], rtol=1e-5, atol=1e-6)
    return True


def test_adagrad_state_exists_before_the_first_step_as_in_torch():
    sds = [_plain(_stepped(lib, "Adagrad", "float32", steps=0)[0].state_dict()) for lib in (torch, minigrad)]
    assert sds[0] == sds[1]
    opt = minigrad.optim.Adagrad([_param(minigrad)], initial_accumulator_value=0.5)
    extra = minigrad.nn.Parameter(minigrad.ones(3))
    opt.add_param_group({"params": [extra]})
    extra.grad = minigrad.ones(3)
    opt.step()  # a parameter added later gets its state at its first step
    assert opt.state[extra]["sum"].tolist() == [1.5, 1.5, 1.5]


@pytest.mark.parametrize("name", NAMES[:-1])
def test_param_groups_and_skipped_parameters(name):
    """Per-group hyper-parameters, add_param_group, parameters without a gradient left alone and
    without state, zero_grad(set_to_none=True): as PyTorch's."""
    def run(lib):
        a, b, c = (lib.nn.Parameter(lib.tensor([1.0, -2.0])) for _ in range(3))
        opt = getattr(lib.optim, name)([a], lr=0.1)
        opt.add_param_group({"params": [b], "lr": 0.01})
        opt.add_param_group({"params": [c]})
        a.grad, b.grad = lib.tensor([0.5, 0.5]), lib.tensor([0.5, -0.5])
        opt.step()
        opt.zero_grad()
        return ([round(v, 6) for p in (a, b, c) for v in p.tolist()], len(opt.state),
                a.grad, [g["lr"] for g in opt.param_groups])
    assert _outcome(lambda: run(minigrad)) == _outcome(lambda: run(torch))


# ---------------------------------------------------------------------- LBFGS
def _rosenbrock_run(lib, dtype, steps, **kwargs):
    x = lib.tensor(np.array([-1.2, 1.0, 0.5, -0.3], dtype=dtype), requires_grad=True)
    b = lib.tensor(np.array([[0.3], [-0.2]], dtype=dtype), requires_grad=True)
    opt = lib.optim.LBFGS([x, b], **kwargs)
    calls = []

    def closure():
        opt.zero_grad()
        loss = ((x[1:] - x[:-1] ** 2) ** 2).sum() + ((1 - x[:-1]) ** 2).sum() + ((b - x[:2].reshape(2, 1)) ** 2).sum()
        loss.backward()
        calls.append(1)
        return loss

    losses = [float(opt.step(closure).detach()) for _ in range(steps)]
    final = np.concatenate([x.detach().numpy(), b.detach().numpy().ravel()])
    return losses, final, len(calls), opt.state_dict()


LBFGS_CASES = [dict(), dict(line_search_fn="strong_wolfe"), dict(history_size=3, max_iter=7, lr=0.5),
               dict(line_search_fn="strong_wolfe", history_size=2, max_iter=5),
               dict(tolerance_grad=1e-2), dict(max_iter=3, max_eval=2)]


@pytest.mark.parametrize("kwargs", LBFGS_CASES, ids=str)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_lbfgs_matches_torch(kwargs, dtype):
    """The same iterations and evaluations, to the precision that the dot products' summation
    order allows (numpy's BLAS and PyTorch's add in different orders)."""
    ours = _rosenbrock_run(minigrad, dtype, 3, **kwargs)
    theirs = _rosenbrock_run(torch, dtype, 3, **kwargs)
    tol = 1e-9 if dtype == np.float64 else 2e-3
    np.testing.assert_allclose(ours[0], theirs[0], rtol=tol, atol=tol)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=tol, atol=tol)
    assert ours[2] == theirs[2]  # closure evaluations
    o_state, t_state = _plain(ours[3]["state"][0]), _plain(theirs[3]["state"][0])
    assert sorted(o_state) == sorted(t_state)
    assert (o_state["n_iter"], o_state["func_evals"]) == (t_state["n_iter"], t_state["func_evals"])
    assert ours[3]["param_groups"] == theirs[3]["param_groups"]
    for key in ("d", "prev_flat_grad", "old_dirs"):
        assert _shapes(o_state[key]) == _shapes(t_state[key])


def _shapes(value):
    if isinstance(value, list):
        return [_shapes(v) for v in value]
    return value[:2]


def test_lbfgs_finds_the_minimum_and_resumes_from_a_torch_state():
    for dtype in (np.float64, np.float32):
        _, final, _, _ = _rosenbrock_run(minigrad, dtype, 20, line_search_fn="strong_wolfe")
        np.testing.assert_allclose(final, [1, 1, 1, 1, 1, 1], atol=1e-3)
    # a state saved by PyTorch's LBFGS: the next step continues its history
    _, _, _, t_sd = _rosenbrock_run(torch, np.float64, 1, history_size=4)
    x = minigrad.tensor(np.array([-1.2, 1.0, 0.5, -0.3]), requires_grad=True)
    b = minigrad.tensor(np.array([[0.3], [-0.2]]), requires_grad=True)
    opt = minigrad.optim.LBFGS([x, b], history_size=4)
    opt.load_state_dict(_to(minigrad, t_sd))
    assert opt.state[x]["n_iter"] == t_sd["state"][0]["n_iter"] and len(opt.state[x]["old_dirs"]) == 4


def test_lbfgs_errors_match_torch():
    def cases(lib):
        w = _param(lib)
        return {
            "groups": lambda: lib.optim.LBFGS([{"params": [w]}, {"params": [_param(lib)]}]),
            "no closure": lambda: lib.optim.LBFGS([w]).step(),
            "line search": lambda: (setattr(w, "grad", None), lib.optim.LBFGS([w], line_search_fn="armijo").step(lambda: (w * w).sum().backward() or (w * w).sum())),
            "already optimal": lambda: lib.optim.LBFGS([w]).step(lambda: lib.tensor(5.0)),
        }
    for key in cases(minigrad):
        assert _outcome(cases(minigrad)[key]) == _outcome(cases(torch)[key]), key


# ---------------------------------------------------------------------- hooks
def test_hooks_run_in_torchs_order():
    def run(lib):
        from importlib import import_module
        optimizer_module = import_module(lib.__name__ + ".optim.optimizer")
        log = []
        w = _param(lib)
        opt = lib.optim.Adam([w], lr=0.1)
        handles = [
            optimizer_module.register_optimizer_step_pre_hook(lambda o, a, k: log.append("global pre")),
            optimizer_module.register_optimizer_step_post_hook(lambda o, a, k: log.append("global post")),
            opt.register_step_pre_hook(lambda o, a, k: log.append(("pre", a[0] is o, a[1:], k))),
            opt.register_step_post_hook(lambda o, a, k: log.append("post")),
            opt.register_state_dict_pre_hook(lambda o: log.append("sd pre")),
            opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1}),
            opt.register_state_dict_post_hook(lambda o, sd: log.append(sorted(sd)), prepend=True),
            opt.register_load_state_dict_pre_hook(lambda o, sd: log.append("load pre")),
            opt.register_load_state_dict_post_hook(lambda o: log.append("load post")),
        ]
        w.grad = lib.ones(2)
        opt.step(closure=None)
        sd = opt.state_dict()
        log.append(sorted(sd))
        opt.load_state_dict(sd)
        for h in handles:
            h.remove()
        opt.step()
        opt.state_dict()
        # a pre-hook may replace the arguments; a bad return value is an error
        with opt.register_step_pre_hook(lambda o, a, k: ((o,), {"closure": lambda: 7.0})):
            log.append(opt.step())
        with opt.register_step_pre_hook(lambda o, a, k: 3):
            try:
                opt.step()
            except RuntimeError as exc:
                log.append(str(exc).split(" must return")[1])
        return log
    assert run(minigrad) == run(torch)

