"""Optimizer construction, validation, groups, named parameters, zero_grad and state dicts
compared with PyTorch case by case (results, or error type and text, and the warnings raised)."""
import copy
import warnings

import pytest

import minigrad

torch = pytest.importorskip("torch")


def _cases(lib):
    nn = lib.nn

    def mk(**kw):
        m = nn.Linear(2, 1)
        return m, lib.optim.SGD(m.named_parameters(), lr=0.1, momentum=0.9, **kw)

    def stepped(name="SGD", **kw):
        """A parameter and its optimizer after one step."""
        w = nn.Parameter(lib.ones(2))
        o = getattr(lib.optim, name)([w], lr=0.1, **kw)
        w.grad = lib.ones(2)
        o.step()
        return w, o

    return {
        "named sd": lambda: mk()[1].state_dict()["param_groups"],
        "named load": lambda: (lambda a, b: (b.load_state_dict(a.state_dict()), b.param_groups[0]["param_names"]))(mk()[1], mk()[1]),
        "named/unnamed load": lambda: (lambda a: (lambda b: (b.load_state_dict(a.state_dict()), b.param_groups[0].get("param_names")))(lib.optim.SGD(nn.Linear(2,1).parameters(), lr=0.1)))(mk()[1]),
        "zero_grad False": lambda: (lambda w, o: (o.zero_grad(set_to_none=False), w.grad.tolist()))(*stepped()),
        "zero_grad None": lambda: (lambda w, o: (o.zero_grad(), w.grad))(*stepped()),
        "state type": lambda: type(stepped()[1].state).__name__,
        "state keys": lambda: (lambda w, o: list(o.state[w]))(*stepped("Adam")),
        "step returns closure": lambda: (lambda w, o: o.step(lambda: 3.0))(*stepped()),
        "sgd neg lr": lambda: lib.optim.SGD([nn.Parameter(lib.ones(1))], lr=-1),
        "sgd nesterov bad": lambda: lib.optim.SGD([nn.Parameter(lib.ones(1))], lr=0.1, nesterov=True),
        "adam bad beta": lambda: lib.optim.Adam([nn.Parameter(lib.ones(1))], betas=(1.0, 0.9)),
        "adam bad eps": lambda: lib.optim.Adam([nn.Parameter(lib.ones(1))], eps=-1),
        "adam bad wd": lambda: lib.optim.AdamW([nn.Parameter(lib.ones(1))], weight_decay=-1),
        "adam tensor lr 2": lambda: lib.optim.Adam([nn.Parameter(lib.ones(1))], lr=lib.ones(2)),
        "non-leaf": lambda: lib.optim.SGD([lib.ones(1, requires_grad=True) * 2], lr=0.1),
        "not tensor": lambda: lib.optim.SGD([1.0], lr=0.1),
        "dup params warn": lambda: (lambda w: len(lib.optim.SGD([w, w], lr=0.1).param_groups[0]["params"]))(nn.Parameter(lib.ones(1))),
        "empty": lambda: lib.optim.SGD([], lr=0.1),
        "generator params": lambda: len(lib.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1).param_groups[0]["params"]),
        "add_param_group override": lambda: (lambda o: (o.add_param_group({"params": [nn.Parameter(lib.ones(1))], "lr": 0.5}), [g["lr"] for g in o.param_groups], o.param_groups[1]["momentum"]))(lib.optim.SGD([nn.Parameter(lib.ones(1))], lr=0.1, momentum=0.3)),
        "repr amsgrad": lambda: repr(lib.optim.Adam([nn.Parameter(lib.ones(1))], amsgrad=True)),
        "load sd missing state key": lambda: (lambda w, o: (o.load_state_dict({"param_groups": o.state_dict()["param_groups"]})))(*stepped()),
        "load non-dict": lambda: stepped()[1].load_state_dict([1]),
        "state_dict is fresh copy": lambda: (lambda w, o: (o.state_dict()["param_groups"][0] is o.param_groups[0]))(*stepped()),
        "adam sd step type": lambda: (lambda w, o: repr(o.state_dict()["state"][0]["step"]))(*stepped("Adam")),
        "sgd maximize sd": lambda: stepped(maximize=True)[1].state_dict()["param_groups"][0]["maximize"],
        "deepcopy opt": lambda: (lambda w, o: list(copy.deepcopy(o).state_dict()["state"]))(*stepped("Adam")),
    }


def _outcome(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            text = repr(fn())
        except Exception as exc:  # noqa: BLE001 - the type and the text are what is compared
            text = f"{type(exc).__name__}: {exc}"
    text += " warnings: " + " | ".join(str(w.message) for w in caught)
    return text.replace("torch", "LIB").replace("minigrad", "LIB")


@pytest.mark.parametrize("case", sorted(_cases(minigrad)))
def test_optimizer_api_matches_torch(case):
    assert _outcome(_cases(minigrad)[case]) == _outcome(_cases(torch)[case])
