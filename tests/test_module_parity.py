"""nn.Module's registration, lookup, iteration and conversion API compared with PyTorch case by
case: the results (tensor details replaced by the library-neutral text) or the error type and text
must be the same."""
import copy
import pickle

import pytest

import minigrad

torch = pytest.importorskip("torch")


def _build(lib):
    nn = lib.nn
    net = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
    net.register_buffer("buf", lib.zeros(1))
    shared = nn.Linear(1, 1)
    net.add_module("s1", shared)
    net.add_module("s2", shared)  # one module under two names
    return net


def _linear(lib):
    m = lib.nn.Linear(2, 2)
    m.register_buffer("steps", lib.zeros(1, dtype=lib.int64))
    m.register_buffer("tmp", lib.zeros(1), persistent=False)
    return m


def _cases(lib):
    nn = lib.nn
    build, lin = _build, _linear
    return {
        "get_submodule bad": lambda: build(lib).get_submodule("1.5"),
        "get_submodule notmod": lambda: build(lib).get_submodule("0.weight"),
        "get_submodule missing": lambda: build(lib).get_submodule("x.y"),
        "get_parameter bad": lambda: build(lib).get_parameter("0.nope"),
        "get_parameter notparam": lambda: build(lib).get_parameter("buf"),
        "get_parameter mod": lambda: build(lib).get_parameter("0"),
        "get_buffer bad": lambda: build(lib).get_buffer("0.weight"),
        "get_buffer missing": lambda: build(lib).get_buffer("nope"),
        "get_buffer ok": lambda: build(lib).get_buffer("buf").shape,
        "get_submodule int": lambda: build(lib).get_submodule(1),
        "named_parameters prefix": lambda: [n for n, _ in build(lib).named_parameters(prefix="m")],
        "named_parameters nodup": lambda: [n for n, _ in build(lib).named_parameters(remove_duplicate=False)],
        "named_parameters norecurse": lambda: [n for n, _ in build(lib).named_parameters(recurse=False)],
        "named_modules": lambda: [n for n, _ in build(lib).named_modules()],
        "named_modules nodup": lambda: [n for n, _ in build(lib).named_modules(remove_duplicate=False)],
        "named_modules prefix": lambda: [n for n, _ in build(lib).named_modules(prefix="root")],
        "named_buffers prefix": lambda: [n for n, _ in build(lib).named_buffers(prefix="r")],
        "named_children": lambda: [n for n, _ in build(lib).named_children()],
        "train str": lambda: build(lib).train("yes"),
        "train int": lambda: build(lib).train(1),
        "train None": lambda: build(lib).train(None),
        "to self": lambda: [build(lib).to(lib.float64) .__class__.__name__],
        "returns self": lambda: (lambda n: [n.cpu() is n, n.float() is n, n.double() is n, n.to("cpu") is n, n.train() is n, n.eval() is n, n.requires_grad_() is n, n.type(lib.float32) is n if hasattr(n, 'type') else None, n.apply(lambda m: None) is n, n.zero_grad()])(build(lib)),
        "delattr param": lambda: (lambda n: (delattr(n[0], "weight"), "weight" in dict(n[0].named_parameters()), hasattr(n[0], "weight")))(build(lib)),
        "delattr buffer": lambda: (lambda n: (delattr(n, "buf"), list(n.state_dict())[:1]))(build(lib)),
        "delattr module": lambda: (lambda n: (delattr(n, "s1"), [k for k, _ in n.named_children()]))(build(lib)),
        "delattr missing": lambda: delattr(build(lib), "zzz"),
        "dir": lambda: [k for k in dir(build(lib)) if k in ("0", "1", "buf", "s1", "training", "forward")],
        "version": lambda: (nn.Module._version, nn.Linear._version),
        "register_module": lambda: (lambda n: (n.register_module("extra", nn.ReLU()), [k for k, _ in n.named_children()]))(build(lib)),
        "register_module bad": lambda: build(lib).register_module("x.y", nn.ReLU()),
        "register_module notmod": lambda: build(lib).register_module("x", 3),
        "add_module existing attr": lambda: build(lib).add_module("training", nn.ReLU()),
        "getattr missing": lambda: build(lib).nope,
        "setattr param over buffer": lambda: (lambda n: (setattr(n, "buf", nn.Parameter(lib.ones(1))), [k for k,_ in n.named_parameters(recurse=False)], [k for k,_ in n.named_buffers(recurse=False)]))(build(lib)),
        "register_parameter bad type": lambda: build(lib).register_parameter("p", lib.ones(1)),
        "register_buffer bad": lambda: build(lib).register_buffer("b", 3),
        "register_buffer exists": lambda: build(lib).register_buffer("training", lib.ones(1)),
        "modules count": lambda: len(list(build(lib).modules())),
        "pickle": lambda: (lambda n: [k for k, _ in pickle.loads(pickle.dumps(n)).named_parameters()])(build(lib)),
        "deepcopy": lambda: (lambda n: [k for k, _ in copy.deepcopy(n).named_parameters()])(build(lib)),
        "to int dtype": lambda: build(lib).to(lib.int64),
        "state_dict keep": lambda: list(build(lib).state_dict(keep_vars=True)),
        "parameters recurse": lambda: len(list(build(lib).parameters(recurse=False))),
        "extra_repr": lambda: repr(build(lib)),
        "zero_grad set_to_none False": lambda: build(lib).zero_grad(set_to_none=False),
        "call no forward": lambda: nn.Module()(1),
        "None param sd": lambda: (lambda m: (setattr(m, "bias", None), list(m.state_dict()), m.load_state_dict({"weight": lib.zeros(2, 2), "steps": lib.zeros(1, dtype=lib.int64)})))(lin()),
        "None param load extra": lambda: (lambda m: (setattr(m, "bias", None), m.load_state_dict({"weight": lib.zeros(2, 2), "bias": lib.zeros(2), "steps": lib.zeros(1, dtype=lib.int64)})))(lin()),
        "to tensor": lambda: (lambda m: [str(b.dtype) for b in m.to(lib.zeros(1, dtype=lib.float64)).buffers()] + [str(m.weight.dtype)])(lin()),
        "to kwargs": lambda: str(lin().to(device="cpu", dtype=lib.float64).weight.dtype),
        "double int buffer": lambda: [str(b.dtype) for b in lin().double().buffers()],
        "type str": lambda: str(lin().type(lib.float64).steps.dtype),
        "non persistent in named_buffers": lambda: [n for n, _ in lin().named_buffers()],
        "setattr None module": lambda: (lambda s: (setattr(s, "0", None), [n for n, _ in s.named_children()], list(s.state_dict())))(nn.Sequential(nn.Linear(1, 1), nn.Linear(1, 1))),
        "setattr tensor to param name": lambda: setattr(lin(), "weight", lib.ones(2, 2)),
        "setattr tensor to buffer name": lambda: (lambda m: (setattr(m, "steps", lib.ones(3)), m.steps.shape, list(m.state_dict())))(lin()),
        "setattr int to buffer": lambda: setattr(lin(), "steps", 3),
        "setattr module to param name": lambda: (lambda m: (setattr(m, "weight", nn.ReLU()), [n for n, _ in m.named_parameters()], [n for n, _ in m.named_children()]))(lin()),
        "named_modules memo": lambda: (lambda s, memo: ([n for n, _ in s.named_modules(memo)], len(memo)))(nn.Sequential(nn.ReLU()), set()),
        "get_submodule empty": lambda: type(lin().get_submodule("")).__name__,
        "get_parameter empty": lambda: lin().get_parameter(""),
        "requires_grad_ bad": lambda: lin().requires_grad_("x"),
        "pickle nonpersistent": lambda: (lambda m: list(m.state_dict()))(pickle.loads(pickle.dumps(lin()))),
        "state_dict destination prefix": lambda: list(lin().state_dict(prefix="a.b.")),
        "load_state_dict with prefix keys": lambda: lin().load_state_dict(lin().state_dict(prefix="x."), strict=False),
        "int buffer loaded from float": lambda: (lambda m: (m.load_state_dict({"weight": lib.zeros(2,2), "bias": lib.zeros(2), "steps": lib.tensor([2.7])}), m.steps.tolist(), str(m.steps.dtype)))(lin()),
        "float param loaded from bool": lambda: (lambda m: (m.load_state_dict({"weight": lib.ones(2,2, dtype=lib.bool), "bias": lib.zeros(2), "steps": lib.tensor([2])}), m.weight.tolist()))(lin()),
        "sequential load bad type key": lambda: lin().load_state_dict({1: 2}),
        "zero_grad set_to_none false grads": lambda: (lambda m: (m(lib.ones(1, 2)).sum().backward(), m.zero_grad(False), m.weight.grad.tolist()))(lin()),
    }


def _outcome(fn):
    try:
        text = repr(fn())
    except Exception as exc:  # noqa: BLE001 - the type and the text are what is compared
        text = f"{type(exc).__name__}: {exc}"
    return text.replace("torch", "LIB").replace("minigrad", "LIB")


@pytest.mark.parametrize("case", sorted(_cases(minigrad)))
def test_module_api_matches_torch(case):
    assert _outcome(_cases(minigrad)[case]) == _outcome(_cases(torch)[case])
