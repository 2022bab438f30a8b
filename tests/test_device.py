"""Devices against a CPU-only PyTorch 2.13: ``device(...)`` (every device type PyTorch names,
indices, bad strings), placing tensors and modules on them (the errors of a build without that
device), the default device (``set_default_device``, ``with device(...)``), ``accelerator``
(every function of ``torch.accelerator``), ``cuda`` and ``backends``: each case runs the same
code on both libraries and compares the result, or the exception's type and message
("torch." read as "minigrad."), and the warnings.
"""
import pickle
import warnings

import pytest

import minigrad

torch = pytest.importorskip("torch")

TYPES = ["cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
         "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone"]


def outcome(L, code):
    """What ``code`` (a statement setting ``r``, or an expression) gives with ``L`` bound to
    the library: ("value", repr) or ("raises", type name, message); and the warnings."""
    env = {"L": L, "pickle": pickle}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if "r =" in code or ";" in code:
                exec(code, env)
                result = ("value", _show(env.get("r")))
            else:
                result = ("value", _show(eval(code, env)))
        except Exception as exc:  # noqa: BLE001 - compared with torch's
            # (PyTorch's dispatcher errors go on to list its build's kernels: the first
            # paragraph is the message)
            message = str(exc).split(" (Triggered internally")[0].split(" If you are a Facebook")[0]
            result = ("raises", type(exc).__name__, message.replace("torch.", "minigrad."))
        finally:
            L.set_default_device(None)
    said = [(w.category.__name__, str(w.message).split(" (Triggered internally")[0]
             .replace("torch.", "minigrad.")) for w in caught]
    return result, said


def _show(v):
    if isinstance(v, (torch.Tensor, minigrad.Tensor)):
        return ("tensor", str(v.dtype).split(".")[-1], tuple(v.shape), str(v.device))
    if isinstance(v, (torch.nn.Module, minigrad.nn.Module)):
        return ("module", type(v).__name__)
    if isinstance(v, (torch.device, minigrad.device)):
        return ("device", repr(v), str(v), v.type, v.index)
    if isinstance(v, (tuple, list)):
        return tuple(_show(x) for x in v)
    return repr(v).replace("torch.", "minigrad.")


def assert_same(code):
    m, t = outcome(minigrad, code), outcome(torch, code)
    assert m == t, f"\n{code}\n  torch:    {t}\n  minigrad: {m}"


# ------------------------------------------------------------------ device(...)
CONSTRUCT = [f"L.device({t!r})" for t in TYPES] + [f"L.device('{t}:1')" for t in TYPES[:3]] + [
    "L.device('cuda:0')", "L.device('cuda', 0)", "L.device('cpu', 0)", "L.device('mps:0')",
    "L.device(type='cuda', index=1)", "L.device(L.device('cuda:1'))", "L.device('cuda:-1')",
    "L.device('cuda:x')", "L.device('CUDA')", "L.device('cuda:0 ')", "L.device('cuda: 0')",
    "L.device('foo')", "L.device('ort')", "L.device('cuda', -1)", "L.device('cuda:0', 0)",
    "L.device(0)", "L.device(-1)", "L.device(None)", "L.device(1.0)", "L.device('cuda', 'a')",
    "L.device('')", "L.device('cuda:')",
]
COMPARE = [
    "L.device('cuda') == L.device('cuda:0')", "L.device('cuda:0') == L.device('cuda', 0)",
    "L.device('cpu') == 'cpu'", "L.device('cuda') == 'cuda'", "L.device('cpu') == L.device('cpu')",
    "L.device('cpu') != L.device('cpu', 0)", "L.device('cpu') == 3",
    "hash(L.device('cuda:1')) == hash(L.device('cuda', 1))",
    "len({L.device('cpu'), L.device('cpu'), L.device('cuda'), L.device('cuda:0')})",
    "pickle.loads(pickle.dumps(L.device('cuda:1')))", "pickle.loads(pickle.dumps(L.device('mps')))",
    "L.zeros(2).device", "L.zeros(2).device == L.device('cpu')", "str(L.zeros(2).device)",
    "L.zeros(2).is_cuda", "L.zeros(2).get_device()", "L.zeros(2).device.type",
    "L.device('cpu') < L.device('cpu')",
]


@pytest.mark.parametrize("code", CONSTRUCT + COMPARE)
def test_device_objects_match_torch(code):
    assert_same(code)


# ------------------------------------------------------------------ placing tensors and modules
PLACE = []
for t in ["cpu", "cpu:0", "cuda", "cuda:1", "mps", "xpu", "meta", "hip", "xla", "lazy", "hpu", "mtia"]:
    if t == "meta":  # PyTorch places meta tensors; minigrad has no meta device (tested below)
        continue
    PLACE += [f"L.zeros(2, device={t!r})", f"L.ones(2, 3, device=L.device({t!r}))",
              f"L.empty(2, device={t!r})", f"L.randn(2, device={t!r})", f"L.arange(3, device={t!r})",
              f"L.full((2,), 1.0, device={t!r})", f"L.tensor([1.0], device={t!r})",
              f"L.zeros(2).to({t!r})", f"L.zeros(2).to(device={t!r})",
              f"L.zeros(2).to({t!r}, L.float64)", f"L.nn.Linear(2, 2).to({t!r})",
              f"L.nn.Linear(2, 2, device={t!r})"]
PLACE += ["L.zeros(2).cuda()", "L.zeros(2).cuda(0)", "L.nn.Linear(2, 2).cuda()",
          "L.zeros(2).cpu()", "L.nn.Linear(2, 2).cpu()", "L.zeros(2).to(L.zeros(1, dtype=L.float64))",
          "L.Generator(device='cpu').device"]


@pytest.mark.parametrize("code", PLACE)
def test_placing_tensors_matches_a_cpu_only_torch(code):
    assert_same(code)


def test_meta_device_is_not_supported():
    """A documented difference: PyTorch makes meta tensors (shapes without data); minigrad's
    tensors always hold their data, so naming the meta device is fine, placing on it an error."""
    assert minigrad.device("meta").type == "meta"
    with pytest.raises(NotImplementedError, match="meta"):
        minigrad.zeros(2, device="meta")
    with pytest.raises(NotImplementedError, match="meta"):
        minigrad.zeros(2).to("meta")


def test_generator_on_cuda_is_an_error():
    with pytest.raises(RuntimeError, match="Cannot get CUDA generator"):
        torch.Generator(device="cuda")
    with pytest.raises(RuntimeError, match="Cannot get CUDA generator"):
        minigrad.Generator(device="cuda")


def test_load_with_a_cuda_map_location_gives_torchs_message(tmp_path):
    path = tmp_path / "t.pt"
    torch.save(torch.zeros(2), path)
    minigrad.save(minigrad.zeros(2), path.with_suffix(".mg"))
    with pytest.raises(RuntimeError) as t:
        torch.load(path, map_location="cuda")
    with pytest.raises(RuntimeError) as m:
        minigrad.load(path.with_suffix(".mg"), map_location="cuda")
    # PyTorch's text, with its advice in minigrad's names (minigrad.load, minigrad.device), as the
    # other messages of minigrad.load
    assert str(m.value) == str(t.value).replace("torch.", "minigrad.")


# ------------------------------------------------------------------ the default device
DEFAULT = [
    "L.get_default_device()",
    "L.set_default_device('cpu'); r = L.get_default_device()",
    "L.set_default_device('cpu:0'); r = (L.get_default_device(), L.zeros(1))",
    "L.set_default_device('cuda'); r = L.get_default_device()",
    "L.set_default_device('cuda'); r = L.zeros(2)",
    "L.set_default_device('cuda'); r = L.tensor([1.0])",
    "L.set_default_device('cuda'); r = L.randn(2)",
    "L.set_default_device('cuda'); r = L.arange(3)",
    "L.set_default_device('cuda'); r = L.eye(2)",
    "L.set_default_device('cuda'); r = L.linspace(0, 1, 3)",
    "L.set_default_device('cuda'); r = L.nn.Linear(2, 2)",
    "L.set_default_device('cuda'); r = L.zeros(2, device='cpu')",
    "x = L.zeros(2); L.set_default_device('cuda'); r = (L.zeros_like(x), L.ones_like(x), L.empty_like(x), L.full_like(x, 2.0), L.rand_like(x), L.randn_like(x))",
    "x = L.zeros(2); L.set_default_device('cuda'); r = x + 1",
    "L.set_default_device('mps'); r = L.zeros(2)",
    "L.set_default_device('bogus')", "L.set_default_device(0)",
    "L.set_default_device('cuda'); L.set_default_device(None); r = (L.get_default_device(), L.zeros(1))",
    "with L.device('cpu'): r = L.zeros(2)",
    "with L.device('cuda'): r = L.zeros(2)",
    "with L.device('cuda'): pass\nr = L.zeros(2)",
    "with L.device('cuda'): r = L.zeros(2, device='cpu')",
]


@pytest.mark.parametrize("code", DEFAULT)
def test_default_device_matches_torch(code):
    assert_same(code)


# ------------------------------------------------------------------ torch.accelerator
def test_accelerator_has_torchs_names():
    assert sorted(minigrad.accelerator.__all__) == sorted(torch.accelerator.__all__)
    for name in torch.accelerator.__all__:
        assert callable(getattr(minigrad.accelerator, name)), name


ACCELERATOR = [f"L.accelerator.{n}()" for n in [
    "is_available", "current_accelerator", "device_count", "current_device_index",
    "current_device_idx", "current_stream", "synchronize", "empty_cache", "empty_host_cache",
    "get_device_capability", "get_memory_info", "max_memory_allocated", "max_memory_reserved",
    "memory_allocated", "memory_reserved", "memory_stats", "reset_accumulated_memory_stats",
    "reset_peak_memory_stats", "Graph"]] + [
    "L.accelerator.current_accelerator(check_available=True)",
    "L.accelerator.set_device_index(0)", "L.accelerator.set_device_idx(0)",
    "L.accelerator.set_device_index(None)", "L.accelerator.set_device_index('cpu')",
    "L.accelerator.set_device_index('cuda:0')", "L.accelerator.synchronize(0)",
    "L.accelerator.synchronize('cpu')", "L.accelerator.synchronize(L.device('cuda'))",
    "L.accelerator.memory_allocated(0)", "L.accelerator.memory_stats('cuda')",
    "L.accelerator.get_device_capability(0)", "L.accelerator.set_stream(None)",
    "with L.accelerator.device_index(None): r = 1",
    "with L.accelerator.device_index(0): r = 1",
    # the idiom of current tutorials
    "r = L.accelerator.current_accelerator().type if L.accelerator.is_available() else 'cpu'",
]


@pytest.mark.parametrize("code", ACCELERATOR)
def test_accelerator_matches_a_cpu_only_torch(code):
    assert_same(code)


# ------------------------------------------------------------------ torch.cuda and torch.backends
CUDA = [f"L.cuda.{n}()" for n in [
    "is_available", "device_count", "is_initialized", "init", "current_device", "get_device_name",
    "get_device_capability", "get_device_properties", "synchronize", "empty_cache", "seed",
    "seed_all", "initial_seed", "get_rng_state", "get_rng_state_all", "memory_allocated",
    "max_memory_allocated", "memory_reserved", "max_memory_reserved", "memory_stats",
    "mem_get_info", "get_arch_list", "is_bf16_supported", "current_stream", "default_stream",
    "ipc_collect"]] + [
    "L.cuda.manual_seed(0)", "L.cuda.manual_seed_all(0)", "L.cuda.memory_allocated(0)",
    "L.cuda.get_device_name(0)", "L.cuda.synchronize('cuda')",
    "with L.cuda.device(0): r = 1", "r = L.cuda.device(0).idx",
    "with L.cuda.device_of(L.zeros(1)): r = 1",
    "r = 'cuda' if L.cuda.is_available() else 'cpu'",
    "r = L.device('cuda' if L.cuda.is_available() else 'cpu')",
    "r = L.backends.mps.is_available()", "r = L.backends.mps.is_built()",
    "r = L.backends.cuda.is_built()", "r = L.backends.cudnn.is_available()",
    "r = L.backends.cudnn.version()",
    "r = (L.backends.cudnn.enabled, L.backends.cudnn.benchmark, L.backends.cudnn.deterministic)",
    "r = L.backends.cuda.matmul.allow_tf32",
    # the three-way pattern of the tutorials
    "r = 'cuda' if L.cuda.is_available() else 'mps' if L.backends.mps.is_available() else 'cpu'",
]


@pytest.mark.parametrize("code", CUDA)
def test_cuda_and_backends_match_a_cpu_only_torch(code):
    assert_same(code)


def test_reset_peak_memory_stats_is_harmless():
    """A documented difference: PyTorch built without CUDA fails here on a missing internal
    function (an AttributeError); minigrad resets counters that are all zero."""
    with pytest.raises(AttributeError):
        torch.cuda.reset_peak_memory_stats()
    assert minigrad.cuda.reset_peak_memory_stats() is None


def test_a_model_moved_to_the_selected_device_trains():
    """The device-selection program of the tutorials runs end to end."""
    device = ("cuda" if minigrad.cuda.is_available() else "mps" if minigrad.backends.mps.is_available()
              else "cpu")
    model = minigrad.nn.Linear(3, 1).to(device)
    x = minigrad.randn(4, 3, device=device)
    loss = model(x.to(device)).pow(2).mean()
    loss.backward()
    assert model.weight.grad is not None and x.device == minigrad.device(device)
