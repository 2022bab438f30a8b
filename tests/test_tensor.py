"""Tensor basics: factories, dtypes, attributes, conversions, numpy interop, repr, and
``python -m minigrad``. Expected values come from PyTorch (when installed) or from numpy."""
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import minigrad

try:
    import torch
except ImportError:  # the torch comparisons are skipped
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def _name(d):
    return str(d).split(".")[-1]


def _same_as_torch(code):
    """Evaluate ``code`` with L = minigrad and L = torch; compare dtype, shape and values."""
    env = {"np": np}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = eval(code, dict(env, L=minigrad))
        t = eval(code, dict(env, L=torch))
    assert isinstance(m, minigrad.Tensor)
    assert _name(m.dtype) == _name(t.dtype), (m.dtype, t.dtype)
    assert tuple(m.shape) == tuple(t.shape)
    assert m.requires_grad == t.requires_grad
    np.testing.assert_array_equal(m.detach().numpy(), t.detach().numpy())


# ------------------------------------------------------------------ factories
FACTORY_CASES = [
    "L.tensor(3)", "L.tensor(3.5)", "L.tensor(True)", "L.tensor([1, 2.5])", "L.tensor([True, 2])",
    "L.tensor([[1, 2], [3, 4]])", "L.tensor([])", "L.tensor([[]])", "L.tensor((1, 2))",
    "L.tensor(range(3))", "L.tensor([[True, False]])",
    "L.tensor(np.array([1, 2], dtype=np.int32))", "L.tensor(np.array([1., 2.]))",
    "L.tensor(np.array([1., 2.], dtype=np.float32))", "L.tensor(np.float64(2.5))",
    "L.tensor(np.int64(3))", "L.tensor(np.array(True))", "L.tensor(np.zeros((2, 0)))",
    "L.tensor([1, 2], dtype=L.float64)", "L.tensor([1.7, -1.7], dtype=L.int64)",
    "L.tensor([1, 0, 2], dtype=L.bool)", "L.tensor([1.5], requires_grad=True)",
    "L.tensor([L.tensor(1.5), L.tensor(2.)])", "L.tensor([1, 2], dtype=L.long)",
    "L.tensor([1, 2], dtype=L.double)", "L.tensor([1, 2], dtype=L.float)",
    "L.zeros(2, 3)", "L.zeros((2, 3))", "L.zeros([2, 3])", "L.zeros(L.Size([2, 3]))", "L.zeros(())",
    "L.zeros(0)", "L.zeros(2, 0, 3)", "L.zeros(2, 3, dtype=L.int64)", "L.zeros(2, dtype=L.bool)",
    "L.ones(3, dtype=L.float64)", "L.ones(2, requires_grad=True)", "L.ones((2, 1), dtype=L.int32)",
    "L.full((2, 3), 1.5)", "L.full((2,), 7)", "L.full((2,), True)", "L.full([2], 7, dtype=L.float32)",
    "L.full((2, 2), -1.0, dtype=L.float64)", "L.arange(5)", "L.arange(1, 4)",
    "L.arange(0, 1, 0.25)", "L.arange(5.0)", "L.arange(0, 5, 2)", "L.arange(5, 0, -1)",
    "L.arange(0, 10, 3)", "L.arange(1, 2.5, 0.5)", "L.arange(5, dtype=L.float64)",
    "L.arange(L.tensor(3))", "L.arange(0)", "L.linspace(0, 1, 5)", "L.linspace(0, 1, 7)",
    "L.linspace(0, 1, 1)", "L.linspace(-1, 1, 4, dtype=L.float64)", "L.linspace(3, -2, 6)",
    "L.eye(3)", "L.eye(2, 3)", "L.eye(3, dtype=L.int64)",
    "L.zeros_like(L.ones(2, 3, dtype=L.int64))", "L.ones_like(L.ones(2, 3), dtype=L.float64)",
    "L.full_like(L.ones(2), 3)", "L.full_like(L.ones(2, dtype=L.int64), 3.7)",
    "L.zeros_like(L.ones(2, requires_grad=True))", "L.ones_like(L.ones(2), requires_grad=True)",
    "L.scalar_tensor(3)", "L.as_tensor([1, 2])", "L.as_tensor(np.array([1., 2.]), dtype=L.float32)",
    "L.Tensor([1, 2])", "L.Tensor()", "L.tensor([1., 2.]).new_tensor([3])",
    "L.tensor([1, 2]).new_tensor([3.5])", "L.tensor([1.], dtype=L.float64).new_zeros(2, 3)",
    "L.tensor([1.]).new_ones((2,))", "L.tensor([1.]).new_full((2,), 3)",
    "L.tensor([1, 2]).new_zeros((2,), dtype=L.float32)",
]


@needs_torch
@pytest.mark.parametrize("code", FACTORY_CASES)
def test_factory_matches_torch(code):
    _same_as_torch(code)


@needs_torch
@pytest.mark.parametrize("code", ["L.arange(-1.0, 1.0, 0.1)", "L.arange(0, 2, 0.3, dtype=L.float64)",
                                  "L.linspace(-3, 7, 100)", "L.linspace(0, 1, 1000, dtype=L.float64)"])
def test_float_ranges_close_to_torch(code):
    m, t = eval(code, {"L": minigrad}), eval(code, {"L": torch})
    assert tuple(m.shape) == tuple(t.shape) and _name(m.dtype) == _name(t.dtype)
    # PyTorch's vectorised kernels round some elements differently (by an ulp, depending on
    # the CPU's vector width), so these are compared to within 2 ulps
    np.testing.assert_allclose(m.numpy(), t.numpy(), rtol=2.5e-7 if m.dtype is minigrad.float32 else 1e-15,
                               atol=1e-7 if m.dtype is minigrad.float32 else 1e-15)


@pytest.mark.parametrize("shape_args,shape", [((2, 3), (2, 3)), (((2, 3),), (2, 3)), (([2, 3],), (2, 3)),
                                              ((minigrad.Size([4]),), (4,)), ((), ()), ((0,), (0,))])
@pytest.mark.parametrize("factory", ["zeros", "ones", "empty", "randn", "rand"])
def test_sizes_as_ints_tuple_list(factory, shape_args, shape):
    t = getattr(minigrad, factory)(*shape_args)
    assert t.shape == shape
    assert isinstance(t.shape, tuple) and isinstance(t.shape, minigrad.Size)
    assert t.dtype is minigrad.float32


@pytest.mark.parametrize("factory", ["zeros", "ones", "empty", "randn", "rand"])
def test_factory_dtype_and_requires_grad(factory):
    t = getattr(minigrad, factory)(2, 3, dtype=minigrad.float64, requires_grad=True)
    assert t.dtype is minigrad.float64 and t.requires_grad and t.is_leaf and t.grad is None


def test_like_factories():
    x = minigrad.ones(2, 3, dtype=minigrad.float64)
    for f in (minigrad.zeros_like, minigrad.ones_like, minigrad.empty_like, minigrad.randn_like,
              minigrad.rand_like):
        y = f(x)
        assert y.shape == (2, 3) and y.dtype is minigrad.float64 and not y.requires_grad
    assert minigrad.randn_like(x, dtype=minigrad.float32).dtype is minigrad.float32
    assert minigrad.zeros_like(x).numpy().sum() == 0 and minigrad.ones_like(x).numpy().sum() == 6
    assert minigrad.randn_like(x, requires_grad=True).requires_grad


def test_tensor_copies_its_data():
    a = np.array([1.0, 2.0])
    t = minigrad.tensor(a)
    a[0] = 5
    assert t[0].item() == 1.0
    src = minigrad.tensor([1.0, 2.0])
    with pytest.warns(UserWarning, match="clone"):
        u = minigrad.tensor(src)
    src.add_(1)
    assert u.tolist() == [1.0, 2.0]


def test_from_numpy_shares_memory():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = minigrad.from_numpy(a)
    assert t.dtype is minigrad.float32 and t.shape == (2, 3)
    a[0, 0] = 42
    assert t[0, 0].item() == 42
    t.add_(1)
    assert a[1, 2] == 6
    for dt, md in [(np.float64, minigrad.float64), (np.int64, minigrad.int64), (np.int32, minigrad.int32),
                   (np.bool_, minigrad.bool), (np.uint8, minigrad.uint8)]:
        assert minigrad.from_numpy(np.zeros(2, dt)).dtype is md
    with pytest.raises(TypeError):
        minigrad.from_numpy([1, 2])
    with pytest.raises(TypeError, match="can't convert np.ndarray of type complex128"):
        minigrad.from_numpy(np.zeros(2, np.complex128))
    # a non-contiguous array is shared as it is
    b = np.arange(12.0).reshape(3, 4)[:, ::2]
    tb = minigrad.from_numpy(b)
    b[0, 1] = -1
    assert tb[0, 1].item() == -1


def test_as_tensor_shares_numpy_memory_when_possible():
    a = np.ones(3, dtype=np.float32)
    t = minigrad.as_tensor(a)
    a[0] = 7
    assert t[0].item() == 7
    t2 = minigrad.as_tensor(a, dtype=minigrad.float64)
    a[1] = 9
    assert t2[1].item() == 1


def test_randint_randperm_basics():
    x = minigrad.randint(3, 7, (1000,))
    assert x.dtype is minigrad.int64 and x.shape == (1000,)
    assert x.min().item() >= 3 and x.max().item() <= 6
    assert set(x.tolist()) == {3, 4, 5, 6}
    assert minigrad.randint(5, (2, 3)).shape == (2, 3)
    p = minigrad.randperm(50)
    assert p.dtype is minigrad.int64 and sorted(p.tolist()) == list(range(50))
    assert minigrad.randperm(0).shape == (0,)


# ------------------------------------------------------------------ dtypes
def test_dtype_aliases_and_names():
    assert minigrad.float is minigrad.float32
    assert minigrad.double is minigrad.float64
    assert minigrad.long is minigrad.int64
    assert minigrad.int is minigrad.int32
    assert repr(minigrad.float32) == "minigrad.float32" and str(minigrad.int64) == "minigrad.int64"
    assert minigrad.float32.is_floating_point and not minigrad.int64.is_floating_point
    assert minigrad.get_default_dtype() is minigrad.float32


def test_dtype_pickles_to_the_same_object():
    import pickle

    for d in (minigrad.float32, minigrad.int64, minigrad.bool):
        assert pickle.loads(pickle.dumps(d)) is d


def test_set_default_dtype():
    try:
        minigrad.set_default_dtype(minigrad.float64)
        assert minigrad.tensor([1.5]).dtype is minigrad.float64
        assert minigrad.zeros(2).dtype is minigrad.float64
        assert minigrad.arange(0.0, 1.0, 0.5).dtype is minigrad.float64
        assert (minigrad.tensor([1, 2]) / 2).dtype is minigrad.float64
        with pytest.raises(TypeError):
            minigrad.set_default_dtype(minigrad.int64)
    finally:
        minigrad.set_default_dtype(minigrad.float32)
    assert minigrad.tensor([1.5]).dtype is minigrad.float32


@needs_torch
@pytest.mark.parametrize("a,b", [("float32", "float64"), ("int64", "float32"), ("bool", "int64"),
                                 ("int32", "int64"), ("uint8", "int8"), ("bool", "bool"),
                                 ("int16", "float64"), ("uint8", "bool")])
def test_promote_types_matches_torch(a, b):
    m = minigrad.promote_types(getattr(minigrad, a), getattr(minigrad, b))
    t = torch.promote_types(getattr(torch, a), getattr(torch, b))
    assert _name(m) == _name(t)


@needs_torch
@pytest.mark.parametrize("operands", [("t_int", 2.5), ("t_int", "z_f64"), ("t_f32", "z_f64"),
                                      ("t_bool", 3), ("z_int", 2.5), ("t_f32", "t_f64"), ("z_bool", True)])
def test_result_type_matches_torch(operands):
    def make(L, x):
        return {"t_int": L.tensor([1, 2]), "t_f32": L.tensor([1.0]), "t_f64": L.tensor([1.0], dtype=L.float64),
                "t_bool": L.tensor([True]), "z_f64": L.tensor(1.0, dtype=L.float64), "z_int": L.tensor(3),
                "z_bool": L.tensor(True)}.get(x, x) if isinstance(x, str) else x
    m = minigrad.result_type(*(make(minigrad, x) for x in operands))
    t = torch.result_type(*(make(torch, x) for x in operands))
    assert _name(m) == _name(t)


# ------------------------------------------------------------------ attributes and conversions
def test_attributes():
    x = minigrad.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert x.shape == (2, 3) and type(x.shape) is minigrad.Size and isinstance(x.shape, tuple)
    assert x.shape[1:] == (3,) and type(x.shape[1:]) is minigrad.Size and x.shape[0] == 2
    assert repr(x.shape) == "minigrad.Size([2, 3])" and x.shape.numel() == 6
    assert x.size() == (2, 3) and x.size(1) == 3 and x.size(-2) == 2
    assert x.ndim == 2 and x.dim() == 2 and x.numel() == 6 and len(x) == 2
    assert x.dtype is minigrad.float32 and x.is_floating_point()
    assert x.is_leaf and x.grad is None and x.grad_fn is None and not x.requires_grad
    assert str(x.device) == "cpu" and x.device == minigrad.device("cpu") and not x.is_cuda
    assert x.device != "cpu"  # a device equals a device, not its name (as in torch)
    assert x.element_size() == 4 and x.itemsize == 4
    assert x.type() == "minigrad.FloatTensor" and minigrad.tensor([1]).type() == "minigrad.LongTensor"
    assert x.T.shape == (3, 2) and x.t().tolist() == [[1, 4], [2, 5], [3, 6]]
    assert minigrad.ones(2, 3, 4).T.shape == (4, 3, 2)
    assert minigrad.ones(3).T.shape == (3,)
    assert minigrad.is_tensor(x) and not minigrad.is_tensor(np.ones(2))
    assert minigrad.numel(x) == 6


def test_item_and_tolist_give_python_types():
    assert type(minigrad.tensor(2.5).item()) is float and minigrad.tensor(2.5).item() == 2.5
    assert type(minigrad.tensor(3).item()) is int
    assert type(minigrad.tensor(True).item()) is bool
    assert minigrad.tensor([[2.5]]).item() == 2.5
    assert minigrad.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    assert type(minigrad.tensor([[1, 2]]).tolist()[0][0]) is int
    assert minigrad.tensor(2.5).tolist() == 2.5
    assert float(minigrad.tensor([2.5])) == 2.5 and int(minigrad.tensor(-3.7)) == -3
    assert bool(minigrad.tensor([0.0])) is False and bool(minigrad.tensor(3)) is True
    assert f"{minigrad.tensor(2.5):.2f}" == "2.50"
    assert [10, 20, 30][minigrad.tensor(1)] == 20
    with pytest.raises(RuntimeError, match="a Tensor with 6 elements cannot be converted to Scalar"):
        minigrad.ones(2, 3).item()


def test_conversions_between_dtypes():
    x = minigrad.tensor([1.7, -1.7, 0.0])
    assert x.double().dtype is minigrad.float64 and x.double().tolist() == pytest.approx([1.7, -1.7, 0.0])
    assert x.long().tolist() == [1, -1, 0] and x.long().dtype is minigrad.int64
    assert x.int().dtype is minigrad.int32 and x.bool().tolist() == [True, True, False]
    assert x.float() is x  # already float32: no copy, as in PyTorch
    assert x.to(minigrad.float32) is x
    y = x.to(minigrad.float32, copy=True)
    assert y is not x and y.tolist() == x.tolist()
    y.add_(1)
    assert x.tolist() == pytest.approx([1.7, -1.7, 0.0])
    assert x.to("cpu") is x and x.cpu() is x
    assert x.to("cpu", minigrad.float64).dtype is minigrad.float64
    assert x.to(device="cpu", dtype=minigrad.int64).dtype is minigrad.int64
    assert x.to(minigrad.ones(1, dtype=minigrad.float64)).dtype is minigrad.float64
    assert x.type(minigrad.float64).dtype is minigrad.float64
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        x.to("cuda")  # PyTorch's error without CUDA


def test_to_copy_true_same_dtype_is_a_new_tensor_in_the_graph():
    # core_bugs.md: Tensor.to(dtype, copy=True) returned self when the dtype already matched
    t = minigrad.zeros(2, requires_grad=True)
    c = t.to(minigrad.float32, copy=True)
    assert c is not t and c.grad_fn is not None
    (c * 3).sum().backward()
    assert t.grad.tolist() == [3.0, 3.0]
    assert not np.shares_memory(c.detach().numpy(), t.detach().numpy())


def test_numpy_shares_memory_and_refuses_requires_grad():
    x = minigrad.zeros(3)
    a = x.numpy()
    a[1] = 5
    assert x.tolist() == [0, 5, 0]
    w = minigrad.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad. "
                                           r"Use tensor.detach\(\).numpy\(\) instead."):
        w.numpy()
    assert w.detach().numpy().tolist() == [1, 1]
    assert w.numpy(force=True).tolist() == [1, 1]


def test_detach_and_clone():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    assert np.shares_memory(d.numpy(), x.detach().numpy())
    c = x.clone()
    assert c.requires_grad and c.grad_fn is not None and not c.is_leaf
    assert not np.shares_memory(c.detach().numpy(), x.detach().numpy())
    c2 = minigrad.tensor([1.0, 2.0]).clone()
    assert not c2.requires_grad


def test_requires_grad_flags():
    x = minigrad.tensor([1.0, 2.0])
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad_(False)
    assert not x.requires_grad
    x.requires_grad = True
    assert x.requires_grad
    y = x * 2
    assert y.requires_grad and not y.is_leaf and y.grad_fn is not None
    y.requires_grad_(True)  # allowed on a non-leaf
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        y.requires_grad_(False)
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        minigrad.tensor([1, 2]).requires_grad_()
    with pytest.raises(TypeError):
        x.requires_grad_(1)


def test_grad_setter_checks():
    x = minigrad.zeros(2, requires_grad=True)
    x.grad = minigrad.ones(2)
    assert x.grad.tolist() == [1, 1]
    with pytest.raises(RuntimeError, match=r"attempting to assign a gradient of size '\[3\]' to a tensor of size '\[2\]'"):
        x.grad = minigrad.ones(3)
    with pytest.raises(RuntimeError, match="attempting to assign a gradient with dtype 'double' to a tensor with grad_dtype 'Float'"):
        x.grad = minigrad.ones(2, dtype=minigrad.float64)
    with pytest.raises(RuntimeError, match="can't assign Variable as its own grad"):
        x.grad = x
    x.grad = None
    assert x.grad is None


def test_nonleaf_grad_access_warns():
    x = minigrad.ones(2, requires_grad=True)
    y = x * 2
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert y.grad is None


def test_numpy_interop():
    x = minigrad.tensor([1.0, 2.0, 3.0])
    a = np.asarray(x)
    assert a.dtype == np.float32 and a.tolist() == [1, 2, 3]
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    # ndarray (op) tensor gives a tensor (numpy defers to the tensor's reflected operators)
    for r in (np.ones(3) * x, np.ones(3, np.float32) + x, np.full(3, 2.0) - x, np.ones(3) / x):
        assert isinstance(r, minigrad.Tensor)
    assert (np.ones(3) * x).dtype is minigrad.float64  # float64 array is a dimensioned float64 operand
    assert (np.float64(2) * x).dtype is minigrad.float32  # numpy scalars act as Python numbers
    assert (x * np.float64(2)).tolist() == [2, 4, 6]
    assert (np.ones(3, np.float32) + x).tolist() == [2, 3, 4]
    assert np.array_equal(np.array(x), np.array([1, 2, 3], dtype=np.float32))
    assert np.sum(np.asarray(minigrad.ones(2, 2))) == 4
    w = minigrad.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        np.asarray(w)


def test_python_protocols():
    x = minigrad.tensor([[1, 2], [3, 4]])
    assert [r.tolist() for r in x] == [[1, 2], [3, 4]]
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(minigrad.tensor(1.0))
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(minigrad.tensor(1.0))
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value is ambiguous"):
        bool(minigrad.ones(2))
    assert x in {x} and minigrad.ones(2) not in {x}
    assert (x == None) is False and (x != None) is True  # noqa: E711
    with pytest.raises(TypeError, match="unsupported operand"):
        x + "a"
    with pytest.raises(TypeError):
        x < None  # noqa: B015


def test_tensor_constructor():
    assert minigrad.Tensor(2, 3).shape == (2, 3) and minigrad.Tensor(2, 3).dtype is minigrad.float32
    assert minigrad.Tensor([1, 2]).dtype is minigrad.float32
    assert minigrad.Tensor().shape == (0,)
    assert isinstance(minigrad.ones(1), minigrad.Tensor)


def test_memory_layout_helpers():
    x = minigrad.ones(2, 3)
    assert x.stride() == (3, 1) and x.is_contiguous()
    t = x.t()
    assert t.stride() == (1, 3) and not t.is_contiguous()
    assert t.contiguous().is_contiguous() and t.contiguous().stride() == (2, 1)
    assert x.contiguous() is x
    assert np.shares_memory(t.numpy(), x.numpy())


def test_views_share_memory_and_version():
    x = minigrad.zeros(2, 3)
    v = x.view(6)
    v[0] = 5
    assert x[0, 0].item() == 5
    r = x[1]
    r.fill_(2)
    assert x.tolist()[1] == [2, 2, 2]
    assert x._version == v._version == r._version and x._version >= 2


def test_zero_dim_integer_tensor_indexes_like_an_int():
    x = minigrad.arange(6).reshape(2, 3)
    assert x[minigrad.tensor(1)].shape == (3,)
    assert x[minigrad.tensor(1), minigrad.tensor(2)].shape == ()
    assert x[minigrad.tensor(1), minigrad.tensor(2)].item() == 5
    assert minigrad.arange(3)[minigrad.tensor(0)].shape == ()


# ------------------------------------------------------------------ repr against PyTorch
def _repr_cases():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 64, 7, 7)).astype(np.float32)
    xd = x.copy()
    mask = rng.random(x.shape) < 0.5
    xd[mask] = np.where(x[mask] < 0, -0.0, 0.0)  # dropout-like zeroing leaves -0.0 entries
    xd[~mask] *= 2.0
    return {
        "0d-float": np.float32(3.5), "0d-int": np.int64(7), "0d-bool": np.bool_(True),
        "0d-f64": np.float64(2.5), "0d-nan": np.float32(np.nan), "0d-neg": np.float32(-0.25),
        "vec": np.array([1.5, -2.25, 3.0], np.float32), "int-valued": np.array([1., 2., -3.], np.float32),
        "int-valued-big": np.array([1., 2e9, -3.], np.float32), "small": np.array([1e-5, 1.0], np.float32),
        "tiny-big-f64": np.array([1e-10, 1e10]), "neg-zero": np.array([-0.0, 0.0, 1.5], np.float32),
        "neg-zero-only": np.array([-0.0, 0.0], np.float32),
        "nan-inf": np.array([np.nan, np.inf, -np.inf, 1.5], np.float32),
        "nan-inf-int-valued": np.array([np.nan, np.inf, -np.inf, 1.0], np.float32),
        "all-nan": np.array([np.nan], np.float32), "f64": np.array([1.123456789, 2.0]),
        "ints": np.arange(12).reshape(3, 4), "int32": np.arange(6, dtype=np.int32).reshape(2, 3),
        "neg-ints": np.array([-100, 5, 3]), "bools": np.array([[True, False], [False, True]]),
        "uint8": np.array([1, 255], np.uint8), "int8": np.array([-1, 127], np.int8),
        "int16": np.array([-1, 127], np.int16),
        "empty": np.zeros((0,), np.float32), "empty-2d": np.zeros((0, 3), np.float32),
        "empty-int": np.zeros((2, 0), np.int64), "empty-f64": np.zeros((0,)),
        "empty-bool": np.zeros((0,), bool),
        "big-1d": rng.standard_normal(2000).astype(np.float32),
        "big-2d": rng.standard_normal((40, 50)).astype(np.float32),
        "big-int": np.arange(1001), "exactly-1000": np.ones(1000, np.float32),
        "dropout-4d": xd, "randn-4d": x,
        "big-3d": rng.standard_normal((10, 20, 30)).astype(np.float32),
        "wide": rng.standard_normal((3, 30)).astype(np.float32),
        "wide-int": np.arange(60).reshape(2, 30) * 1000, "sci": np.array([1e-8, 1.0, 123456.0], np.float32),
        "large": np.array([1e9, 1.5], np.float32), "4d-small": rng.standard_normal((2, 2, 2, 2)).astype(np.float32),
        "precision": np.array([0.00012345, 0.5], np.float32), "e-large-f64": np.array([123456789.0, 0.1]),
        "all-zero": np.zeros((2, 3), np.float32), "f64-int-valued": np.array([1., 2.]),
        "one-huge": np.array([1e20], np.float32), "nan-and-big": np.array([np.nan, 1e10, 1.0]),
        "tall": np.ones((1001, 1), np.float32), "column": rng.standard_normal((5, 1)).astype(np.float32),
        "big-f64": rng.standard_normal((30, 40)), "big-bool": rng.random(1200) < 0.5,
        "wide-f64": rng.standard_normal((2, 12)) * 1000,
    }


REPR_CASES = _repr_cases()


# requires_grad only for float cases (only floating-point tensors can require grad)
REPR_PARAMS = [(name, rg) for name, a in REPR_CASES.items() for rg in (False, True)
               if not rg or a.dtype.kind == "f"]


@needs_torch
@pytest.mark.parametrize("name,requires_grad", REPR_PARAMS,
                         ids=[f"{n}-{'requires_grad' if rg else 'plain'}" for n, rg in REPR_PARAMS])
def test_repr_matches_torch(name, requires_grad):
    a = REPR_CASES[name]
    m = minigrad.tensor(a, requires_grad=requires_grad)
    t = torch.tensor(a, requires_grad=requires_grad)
    assert repr(m) == repr(t).replace("torch.", "minigrad.")
    assert str(m) == str(t).replace("torch.", "minigrad.")


def _strip_grad_fn(s):
    import re

    return re.sub(r"grad_fn=<\w+>", "grad_fn=<X>", s)


@needs_torch
@pytest.mark.parametrize("op", ["a * 2", "a + a", "a.exp()", "a.sum()", "a[0]", "a.reshape(-1)",
                                "a.t()", "a @ a.t()", "a.relu()", "a.mean(0)", "(a * 1e6).sum(1)",
                                "a.max()", "a.softmax(1)", "a.unsqueeze(0).expand(300, 2, 3)"])
def test_repr_with_grad_fn(op):
    """grad_fn names may differ from PyTorch's for some ops: compare the rest of the string, and
    check that a grad_fn=<...Backward...> suffix is there."""
    a_np = np.random.default_rng(1).standard_normal((2, 3)).astype(np.float32)
    m = eval(op, {"a": minigrad.tensor(a_np, requires_grad=True)})
    t = eval(op, {"a": torch.tensor(a_np, requires_grad=True)})
    rm, rt = repr(m), repr(t).replace("torch.", "minigrad.")
    assert "grad_fn=<" in rm and "Backward" in rm
    assert _strip_grad_fn(rm) == _strip_grad_fn(rt)


@needs_torch
@pytest.mark.parametrize("op,name", [("a * 2", "MulBackward0"), ("a + a", "AddBackward0"),
                                     ("a.exp()", "ExpBackward0"), ("a.sum()", "SumBackward0"),
                                     ("a.relu()", "ReluBackward0"), ("a.tanh()", "TanhBackward0"),
                                     ("a.sigmoid()", "SigmoidBackward0"), ("a.mean()", "MeanBackward0"),
                                     ("a.double()", "ToCopyBackward0"), ("a.view(6)", "ViewBackward0"),
                                     ("a @ a.t()", "MmBackward0"), ("a.clone()", "CloneBackward0"),
                                     ("a / 2", "DivBackward0"), ("a - 1", "SubBackward0"),
                                     ("-a", "NegBackward0"), ("a.log_softmax(1)", "LogSoftmaxBackward0")])
def test_common_grad_fn_names_match_torch(op, name):
    a_np = np.ones((2, 3), np.float32)
    m = eval(op, {"a": minigrad.tensor(a_np, requires_grad=True)})
    t = eval(op, {"a": torch.tensor(a_np, requires_grad=True)})
    assert type(t.grad_fn).__name__ == name
    assert m.grad_fn.name() == name
    assert f"grad_fn=<{name}>" in repr(m)


@needs_torch
def test_repr_of_parameter_like_and_custom_options():
    a = np.random.default_rng(2).standard_normal((3, 4)).astype(np.float32) * 100
    try:
        for opts in [dict(precision=2), dict(sci_mode=True), dict(threshold=5, edgeitems=1),
                     dict(linewidth=30), dict(profile="full"), dict(profile="short"), dict(sci_mode=False)]:
            minigrad.set_printoptions(**opts)
            torch.set_printoptions(**opts)
            for arr in (a, np.arange(12).reshape(3, 4), a.astype(np.float64) / 1e6):
                assert repr(minigrad.tensor(arr)) == repr(torch.tensor(arr)).replace("torch.", "minigrad.")
            minigrad.set_printoptions(profile="default")
            torch.set_printoptions(profile="default")
    finally:
        minigrad.set_printoptions(profile="default", sci_mode=None)
        torch.set_printoptions(profile="default", sci_mode=None)


def test_repr_without_torch_basic_forms():
    """A few fixed strings (also run when PyTorch is absent); they are PyTorch's outputs."""
    assert repr(minigrad.tensor([[1.0, 2.0], [3.0, 4.0]])) == "tensor([[1., 2.],\n        [3., 4.]])"
    assert repr(minigrad.tensor([0.5, 1.0], requires_grad=True)) == "tensor([0.5000, 1.0000], requires_grad=True)"
    assert repr(minigrad.tensor([1, 2], dtype=minigrad.int32)) == "tensor([1, 2], dtype=minigrad.int32)"
    assert repr(minigrad.zeros(0, 3)) == "tensor([], size=(0, 3))"
    assert repr(minigrad.tensor(1.5, dtype=minigrad.float64)) == "tensor(1.5000, dtype=minigrad.float64)"


# ------------------------------------------------------------------ python -m minigrad
def test_python_m_minigrad():
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = "1"
    out = subprocess.run([sys.executable, "-m", "minigrad"], capture_output=True, text=True,
                         env=env, timeout=120, cwd=os.path.dirname(os.path.dirname(minigrad.__file__)))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == f"minigrad {minigrad.__version__}"
    text = out.stdout
    from minigrad import _ops

    assert f"numpy {np.__version__}" in text
    assert ("OpenMP compiled in: yes" in text) == bool(_ops.openmp_enabled())
    assert "threads: 1 (OMP_NUM_THREADS=1)" in text
    assert f"matmul kernel: {_ops.gemm_variant()}" in text
    assert f"random/elementwise kernel: {_ops.rng_variant()}" in text
