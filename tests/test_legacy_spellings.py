"""The older spellings that PyTorch 2.13 still accepts (issue 17, item 1), each run under minigrad
and under PyTorch and compared: the legacy tensor types (``torch.FloatTensor`` ...),
``Tensor.type``/``new``, ``autograd.Variable``, ``volatile``, ``x.data[0]``, uint8 masks, the
deprecated overloads (``add(x, 2, y)``), ``range``, ``set_default_tensor_type``, and the
deprecation warnings PyTorch gives for them (same category, same text with "torch." read as
"minigrad.")."""
import re
import warnings

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")


def _normal(value):
    """A comparable form of a result: arrays for tensors (with the dtype's name), text for
    strings and types, tuples element by element."""
    if isinstance(value, (minigrad.Tensor, torch.Tensor)):
        arr = value.detach().numpy() if isinstance(value, torch.Tensor) else value.detach().numpy()
        return ("tensor", str(value.dtype).split(".")[-1], arr.shape,
                value.requires_grad, arr.tolist() if arr.size < 50 else arr.shape)
    if isinstance(value, (tuple, list)):
        return type(value).__name__, tuple(_normal(v) for v in value)
    if isinstance(value, (type, str)) or type(value).__module__.startswith(("torch", "minigrad")):
        return "text", str(value).replace("torch.", "minigrad.").replace("<class 'torch", "<class 'minigrad")
    return "value", value


def outcome(lib, code, setup=""):
    """What ``code`` gives with ``torch`` bound to ``lib``: (result or error, warnings)."""
    nn = lib.nn
    env = {"torch": lib, "nn": nn, "F": nn.functional, "np": np,
           "Variable": lib.autograd.Variable}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(setup, env)
            result = ("ok", _normal(eval(code, env)))
        except Exception as exc:  # noqa: BLE001
            result = ("error", type(exc).__name__, str(exc).replace("torch.", "minigrad."))
    found = [(w.category.__name__, str(w.message).split(" (Triggered internally")[0]
              .replace("torch.", "minigrad."))
             for w in caught if not issubclass(w.category, DeprecationWarning)]
    return result, found


def same_as_torch(code, setup=""):
    """The same result, or the same error (type and message), and the same warnings. PyTorch's
    argument parser lists the signatures it would have accepted ("received an invalid
    combination of arguments ..."), which Python functions cannot: there only the type counts."""
    ours, theirs = outcome(minigrad, code, setup), outcome(torch, code, setup)
    if theirs[0][0] == "error" and re.search("invalid combination of arguments|missing \\d+ "
                                             "required positional arguments", theirs[0][2]):
        ours, theirs = (ours[0][:2], ours[1]), (theirs[0][:2], theirs[1])
    assert ours == theirs, f"\n{code}\nminigrad: {ours}\ntorch:    {theirs}"


X = "x = torch.tensor([[1., 2.], [3., 4.]])"

# ------------------------------------------------------------------ the legacy tensor types
TYPES = ["FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
         "ByteTensor", "BoolTensor"]


@pytest.mark.parametrize("name", TYPES)
@pytest.mark.parametrize("args", [
    "[1, 2]", "[[1, 0], [3, 4]]", "[1.7, -0.2]", "(2, 3)", "[]", "[True, False]",
    "np.array([1, 2], dtype=np.int32)", "2.5", "'ab'", "np.float64(2)",
])
def test_constructor_from_data(name, args):
    same_as_torch(f"torch.{name}({args})")


@pytest.mark.parametrize("name", TYPES)
@pytest.mark.parametrize("args", ["2, 3", "0", "torch.Size([2, 3])", "", "-1", "2, 3.0",
                                  "2, device='cpu'", "2, requires_grad=True"])
def test_constructor_from_sizes(name, args):
    code = f"torch.{name}({args})"
    same_as_torch(code + ".shape")  # uninitialised memory: the shape and dtype, not the values
    same_as_torch(code + ".dtype")


@pytest.mark.parametrize("code", [
    "torch.ByteTensor([1, 300])", "torch.ByteTensor([-1])", "torch.ByteTensor([-256])",
    "torch.IntTensor([2 ** 40])", "torch.CharTensor([128])", "torch.LongTensor([float('nan')])",
    "torch.tensor([300], dtype=torch.uint8)", "torch.tensor([255.5], dtype=torch.uint8)",
    "torch.tensor(np.array([300]), dtype=torch.uint8)",
])
def test_values_that_do_not_fit_are_refused_as_pytorch(code):
    same_as_torch(code)


@pytest.mark.parametrize("code", [
    "torch.FloatTensor(x)", "torch.DoubleTensor(x)", "torch.FloatTensor(x).data_ptr() == x.data_ptr()",
    "torch.LongTensor(torch.tensor([1.5]))",
    "isinstance(x, torch.FloatTensor)", "isinstance(x, torch.DoubleTensor)",
    "isinstance(x.long(), torch.LongTensor)", "isinstance(3, torch.FloatTensor)",
    "isinstance(torch.FloatTensor(1), torch.Tensor)", "type(torch.FloatTensor(1)) is torch.Tensor",
    "issubclass(torch.FloatTensor, torch.Tensor)", "torch.FloatTensor.dtype", "torch.ByteTensor.dtype",
    "torch.FloatTensor.is_cuda", "torch.FloatTensor.__name__", "repr(torch.FloatTensor)",
    "x.type()", "x.long().type()", "x.bool().type()", "x.to(torch.int8).type()",
    "torch.Tensor.type(x)", "x.type(torch.DoubleTensor)", "x.type('torch.IntTensor')",
    "x.type(torch.float64)", "x.type(torch.FloatTensor) is x", "x.type(torch.float32) is x",
    "x.type(dtype=torch.LongTensor)", "x.type(torch.LongTensor, non_blocking=True)",
    "x.type('DoubleTensor')", "x.type('torch.float64')", "x.type('foo')",
    "x.new(2, 3).shape", "x.new([1, 2])", "x.new()", "x.new(torch.Size([2])).shape",
    "x.new(x).data_ptr() == x.data_ptr()", "torch.tensor([1, 2]).new([1.5])",
    "x.new([1, 2], dtype=torch.int64)", "x.new(torch.tensor([1]))", "x.double().new(3).dtype",
    "torch.FloatTensor(torch.ones(2, requires_grad=True)).requires_grad",
])
def test_types_as_values(code):
    same_as_torch(code, X)


def test_legacy_constructor_of_a_tensor_requiring_grad_keeps_its_history():
    for lib in (minigrad, torch):
        x = lib.ones(2, requires_grad=True)
        y = lib.FloatTensor(x * 2)
        y.sum().backward()
        assert x.grad.tolist() == [2.0, 2.0]


@pytest.mark.parametrize("code", [
    "torch.set_default_tensor_type(torch.DoubleTensor) or torch.tensor([1.]).dtype",
    "torch.set_default_tensor_type('torch.DoubleTensor') or torch.tensor([1.]).dtype",
    "torch.set_default_tensor_type(torch.LongTensor)",
    "torch.set_default_tensor_type('torch.Foo')",
])
def test_set_default_tensor_type(code):
    """The deprecation warning comes once per process in both libraries: each side runs in a
    process of its own."""
    import subprocess
    import sys
    prog = ("import warnings, {lib} as torch\nwarnings.simplefilter('always')\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            "    warnings.simplefilter('always')\n"
            "    try:\n        r = repr({code})\n    except Exception as e:\n"
            "        r = type(e).__name__ + ': ' + str(e)\n"
            "print(r.replace('torch.', 'minigrad.').replace(\"'torch'\", \"'minigrad'\"))\n"
            "print([str(x.message).split(' (Triggered')[0].replace('torch.', 'minigrad.') for x in w])")
    outs = [subprocess.run([sys.executable, "-c", prog.format(lib=lib, code=code)],
                           capture_output=True, text=True, timeout=300) for lib in ("minigrad", "torch")]
    assert outs[0].returncode == 0, outs[0].stderr
    assert outs[0].stdout == outs[1].stdout


# ------------------------------------------------------------------ autograd.Variable
@pytest.mark.parametrize("code", [
    "Variable(x)", "Variable(x) is x", "Variable(x, requires_grad=True)",
    "Variable(x, requires_grad=True).data_ptr() == x.data_ptr()",
    "(Variable(x, requires_grad=True), x.requires_grad)", "Variable(x, True)",
    "Variable(x, volatile=True)", "Variable(x, True, True)", "Variable([1, 2])", "Variable()",
    "Variable(torch.tensor([1]), requires_grad=True)", "Variable(x * 1, requires_grad=False)",
    "Variable(x.requires_grad_() * 2).grad_fn", "Variable(x.requires_grad_() * 2).requires_grad",
    "Variable(x, name='w').name", "x.name", "isinstance(x, Variable)", "isinstance(3, Variable)",
    "issubclass(torch.Tensor, Variable)", "type(Variable(x)) is torch.Tensor",
    "torch.autograd.variable(x)", "x.volatile", "Variable(x, requires_grad=1)",
])
def test_variable(code):
    same_as_torch(code, X)


def test_a_variable_shares_the_version_counter_and_leaves_its_argument_alone():
    for lib in (minigrad, torch):
        x = lib.ones(3)
        v = lib.autograd.Variable(x, requires_grad=True)
        assert not x.requires_grad and v.is_leaf
        (v * v).sum().backward()
        assert v.grad.tolist() == [2.0, 2.0, 2.0] and x.grad is None
        with lib.no_grad():
            v.add_(1)
        assert x.tolist() == [2.0, 2.0, 2.0]


def test_setting_volatile_warns_and_changes_nothing():
    for lib in (minigrad, torch):
        x = lib.ones(2)
        with pytest.warns(UserWarning, match="volatile was removed and now has no effect"):
            x.volatile = True
        with pytest.warns(UserWarning, match="volatile was removed"):
            assert x.volatile is False


# ------------------------------------------------------------------ 0.3-era code
@pytest.mark.parametrize("code", [
    "torch.tensor(3.).data[0]", "torch.tensor(3.)[0]", "torch.tensor(3.)[:]",
    "torch.tensor(3.)[0, 0]", "x.sum().data.item()", "x.data[0]", "x.data[0, 1]",
    # uint8 masks (PyTorch 0.x's comparisons returned them): a mask, with the warning
    "torch.tensor([1, 2, 3])[torch.tensor([1, 0, 1], dtype=torch.uint8)]",
    "x[torch.tensor([1, 0], dtype=torch.uint8)]",
    "torch.tensor([1., 2.])[np.array([1, 0], dtype=np.uint8)]",
    "torch.tensor([1., 2.])[torch.tensor(1, dtype=torch.uint8)]",
    "torch.where(torch.tensor([1, 0, 1], dtype=torch.uint8), 1., 0.)",
    "torch.where(torch.tensor([2, 0], dtype=torch.int64), 1., 0.)",
])
def test_old_indexing_forms(code):
    same_as_torch(code, X)


@pytest.mark.parametrize("code", [
    "x[torch.tensor([1, 0], dtype=torch.uint8)] = torch.tensor([[5., 6.]])",
    "x[torch.tensor([1, 0], dtype=torch.uint8)] = 0.",  # PyTorch: masked_fill_, which refuses it
    "x[torch.tensor([1, 0], dtype=torch.uint8)] = torch.tensor(0.)",
    "x[0, torch.tensor([1, 0], dtype=torch.uint8)] = 0.",
    "x[torch.tensor([1, 0], dtype=torch.bool)] = 0.",
])
def test_uint8_mask_assignment(code):
    same_as_torch("x", X + "\n" + code)


# ------------------------------------------------------------------ deprecated forms that warn
# (each once per process in PyTorch where its warning is TORCH_WARN_ONCE: those run in their own
# process, test_deprecated_overloads_warn_once_per_process)
@pytest.mark.parametrize("code", [
    "torch.range(0, 3)", "torch.range(0, 1, 0.25)", "torch.range(0, 3.5)", "torch.range(3)",
    "torch.range(0, 3, dtype=torch.long)", "torch.range(1, 0)", "torch.range(0, 3, 0)",
    "torch.zeros(2, 3).T.shape",
    "torch.meshgrid(torch.ones(2), torch.ones(3), indexing='xy')[0].shape",
    "torch.tensor(x)", "F.softmax(torch.ones(2, 2))", "F.log_softmax(torch.ones(2, 2))",
    "nn.Softmax()(torch.ones(2, 2))", "nn.init.normal(torch.empty(2)).shape",
    "nn.init.uniform(torch.empty(2)).shape", "nn.init.constant(torch.empty(2), 1.)",
    "nn.init.xavier_uniform(torch.empty(2, 2)).shape", "nn.init.kaiming_normal(torch.empty(2, 2)).shape",
    "nn.utils.clip_grad_norm([nn.Parameter(torch.ones(2))], 1.)",
    "nn.MSELoss(size_average=False)", "nn.MSELoss(reduce=False)", "nn.L1Loss(size_average=True, reduce=True)",
    "F.mse_loss(x, x, size_average=True)", "F.cross_entropy(x, torch.tensor([0, 1]), reduce=False)",
    "F.sigmoid(x)", "F.tanh(x)", "x.type_as(torch.tensor([1]))",
])
def test_deprecated_forms_warn_as_pytorch(code):
    same_as_torch(code, X)


@pytest.mark.parametrize("code", [
    "torch.chain_matmul(torch.ones(2, 3), torch.ones(3, 2))", "torch.chain_matmul(torch.ones(2, 3))",
    "torch.chain_matmul()", "torch.zeros(3, 3, 3).T.shape", "torch.zeros(3).T.shape",
    "torch.tensor(1.).T",
    "torch.cross(torch.ones(3, 3), torch.ones(3, 3))",
    "torch.meshgrid(torch.ones(2), torch.ones(3))[0].shape",
    "torch.where(torch.tensor([1, 0], dtype=torch.uint8), 1., 0.)",
])
def test_deprecations_that_warn_once_per_process(code):
    """PyTorch gives these warnings once per process (TORCH_WARN_ONCE): run twice in a fresh
    process, each library must warn once (or not at all) with the same text."""
    import subprocess
    import sys
    prog = ("import warnings, {lib} as torch\n"
            "with warnings.catch_warnings(record=True) as w:\n    warnings.simplefilter('always')\n"
            "    for _ in range(2):\n        try:\n            r = repr({code})\n"
            "        except Exception as e:\n            r = type(e).__name__ + ': ' + str(e)\n"
            "print(r.replace('torch.', 'minigrad.'))\n"
            "print([str(m.message).split(' (Triggered')[0].replace('torch.', 'minigrad.') for m in w])")
    outs = [subprocess.run([sys.executable, "-c", prog.format(lib=lib, code=code)],
                           capture_output=True, text=True, timeout=300) for lib in ("minigrad", "torch")]
    assert outs[0].returncode == 0, outs[0].stderr
    assert outs[0].stdout == outs[1].stdout


_OVERLOADS = [
    "torch.add(x, 2, x)", "x.add(2, x)", "x.add_(2, x)", "torch.sub(x, 2, x)", "x.sub_(2, x)",
    "torch.addcmul(x, 2, x, x)", "x.addcmul(2, x, x)", "torch.addcdiv(x, 2, x, x)",
    "x.addcdiv_(0.5, x, x)",
    "torch.addmm(1, x, 2, x, x)", "torch.addmm(0.5, x, x, x)", "x.addmm(2, 3, x, x)",
    "x.addmm_(2, x.clone(), x.clone())", "torch.addmv(1, x[0], 2, x, x[0])", "torch.addr(1, x, 2, x[0], x[1])",
    "torch.baddbmm(1, x[None], 2, x[None], x[None])", "torch.addbmm(1, x, 2, x[None], x[None])",
    "torch.add(x, 2, x, out=torch.empty(2, 2))",
]


@pytest.mark.parametrize("code", _OVERLOADS)
def test_deprecated_overloads_compute_what_pytorch_computes(code):
    """(Warnings compared in their own processes below: PyTorch warns once per process.)"""
    ours, theirs = outcome(minigrad, code, X)[0], outcome(torch, code, X)[0]
    assert ours == theirs


@pytest.mark.parametrize("code", [c for c in _OVERLOADS if "out=" not in c][::3])
def test_deprecated_overloads_warn_once_per_process(code):
    import subprocess
    import sys
    prog = ("import warnings, {lib} as torch\nx = torch.tensor([[1., 2.], [3., 4.]])\n"
            "with warnings.catch_warnings(record=True) as w:\n    warnings.simplefilter('always')\n"
            "    {code}\n    {code}\n"
            "print([str(m.message).split(' (Triggered')[0] for m in w])")
    outs = [subprocess.run([sys.executable, "-c", prog.format(lib=lib, code=code)],
                           capture_output=True, text=True, timeout=300) for lib in ("minigrad", "torch")]
    assert outs[0].returncode == 0, outs[0].stderr
    assert outs[0].stdout == outs[1].stdout.replace("torch.", "minigrad.")
    assert "is deprecated" in outs[0].stdout and outs[0].stdout.count("deprecated:") == 1


def test_conversion_methods_and_layout_attributes_as_pytorch():
    """Tensor.byte/char/short convert as PyTorch's; is_cpu, is_sparse, is_quantized, is_nested and
    layout answer as for a dense CPU tensor in PyTorch."""
    import numpy as np
    values = [-3.7, 0.0, 2.5, 300.0]
    mine, theirs = minigrad.tensor(values), torch.tensor(values)
    for name in ("byte", "char", "short"):
        a, b = getattr(mine, name)(), getattr(theirs, name)()
        assert str(a.dtype).split(".")[1] == str(b.dtype).split(".")[1], name
        assert np.array_equal(a.numpy(), b.numpy()), name
    for name in ("is_cpu", "is_sparse", "is_quantized", "is_nested"):
        assert getattr(mine, name) == getattr(theirs, name), name
    assert str(mine.layout).split(".")[1] == str(theirs.layout).split(".")[1] == "strided"
