"""The autograd engine: graph walking, accumulation, retain_graph, grad modes, version counters,
autograd.grad, custom Functions, gradcheck. Behaviour is compared with PyTorch where it is
installed; the engine-specific tests (deep graphs, threads) check values computed by hand."""
import gc
import sys
import threading
import warnings

import numpy as np
import pytest

import minigrad
from minigrad.autograd import Function, GradcheckError, gradcheck

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


# ------------------------------------------------------------------ same code, both libraries
def _run(L, code):
    env = {"L": L, "np": np}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(code, env)
    except Exception as exc:  # noqa: BLE001
        msg = str(exc).replace("torch.", "minigrad.")
        return ("error", type(exc).__name__, msg.split(" Hint:")[0])
    return ("ok", _normalise(env.get("out")))


def _normalise(x):
    if isinstance(x, (tuple, list)):
        return tuple(_normalise(v) for v in x)
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    if hasattr(x, "detach") and hasattr(x, "shape"):
        return _Close(str(x.dtype).split(".")[-1], tuple(x.shape), x.detach().numpy().astype(np.float64))
    if type(x).__name__ == "dtype":
        return str(x).split(".")[-1]
    if hasattr(x, "name") or type(x).__name__.endswith("Backward0"):
        return "<node>"
    return repr(x)


class _Close:
    """A tensor's dtype, shape and values; equal to another if the values agree to float32
    rounding (summation orders differ between the libraries)."""

    def __init__(self, dtype, shape, values):
        self.dtype, self.shape, self.values = dtype, shape, values

    def __eq__(self, other):
        return (isinstance(other, _Close) and (self.dtype, self.shape) == (other.dtype, other.shape)
                and np.allclose(self.values, other.values, rtol=1e-6, atol=1e-7, equal_nan=True))

    def __repr__(self):
        return f"tensor({self.values.tolist()}, {self.dtype}, {self.shape})"


ENGINE_CASES = {
    "accumulate": "x=L.ones(2,requires_grad=True); (x*3).sum().backward(); (x*x).sum().backward(); out=x.grad",
    "retain_graph": "x=L.ones(2,requires_grad=True); y=(x*x).sum(); y.backward(retain_graph=True); y.backward(); out=x.grad",
    "second_backward_freed": "x=L.ones(2,requires_grad=True); y=(x*x).sum(); y.backward(); y.backward()",
    "second_backward_exp": "x=L.ones(2,requires_grad=True); y=x.exp().sum(); y.backward(); y.backward()",
    "second_backward_nothing_saved": "x=L.ones(2,requires_grad=True); y=(x+1).sum(); y.backward(); y.backward(); out=x.grad",
    "leaf_backward": "x=L.ones(2,requires_grad=True); x.backward(L.tensor([1.,2.])); out=x.grad",
    "leaf_scalar_backward": "x=L.tensor(2.,requires_grad=True); x.backward(); out=x.grad",
    "gradient_arg": "x=L.ones(2,3,requires_grad=True); (x*2).backward(L.ones(2,3)*0.5); out=x.grad",
    "gradient_wrong_shape": "x=L.ones(2,3,requires_grad=True); (x*2).backward(L.ones(3))",
    "non_scalar_no_gradient": "x=L.ones(2,requires_grad=True); (x*2).backward()",
    "no_grad_fn": "x=L.ones(2); x.sum().backward()",
    "backward_multi": "x=L.ones(2,requires_grad=True); L.autograd.backward([(x*2).sum(), (x*x).sum()]); out=x.grad",
    "backward_multi_grads": "x=L.ones(2,requires_grad=True); L.autograd.backward([x*2, x*x], [L.ones(2), L.ones(2)*2]); out=x.grad",
    "shared_subexpression": "x=L.tensor([1.,2.],requires_grad=True); e=x.exp(); y=(e*e+e).sum(); y.backward(); out=x.grad",
    "leaf_used_many_times": "x=L.tensor([1.,2.],requires_grad=True); y=x*x*x+x+x*2-x/4; y.sum().backward(); out=x.grad",
    "diamond": "x=L.tensor([1.,2.],requires_grad=True); a=x*2; b=a.exp(); c=a.tanh(); (b*c+a).sum().backward(); out=x.grad",
    "retain_grad": "x=L.tensor([1.,2.],requires_grad=True); y=x*2; y.retain_grad(); z=(y*y).sum(); z.backward(); out=(y.grad, x.grad, y.retains_grad)",
    "retain_grad_leaf": "x=L.tensor([1.,2.],requires_grad=True); x.retain_grad(); (x*2).sum().backward(); out=(x.grad, x.retains_grad)",
    "retain_grad_accumulates": "x=L.tensor([1.,2.],requires_grad=True); y=x*2; y.retain_grad(); (y*y).sum().backward(retain_graph=True); (y*3).sum().backward(); out=y.grad",
    "retain_grad_no_requires": "L.ones(2).retain_grad()",
    "grad_basic": "x=L.tensor([1.,2.],requires_grad=True); y=(x*x).sum(); out=L.autograd.grad(y, x)",
    "grad_leaves_dot_grad_alone": "x=L.tensor([1.,2.],requires_grad=True); y=(x*x).sum(); L.autograd.grad(y, [x]); out=x.grad",
    "grad_multi_inputs": "x=L.tensor([1.,2.],requires_grad=True); w=L.tensor(3.,requires_grad=True); y=(x*w).sum(); out=L.autograd.grad(y, [x, w])",
    "grad_nonleaf_input": "x=L.tensor([1.,2.],requires_grad=True); h=x*2; y=(h*h).sum(); out=L.autograd.grad(y, h)",
    "grad_unused": "x=L.tensor([1.,2.],requires_grad=True); z=L.ones(2,requires_grad=True); y=(x*x).sum(); out=L.autograd.grad(y, [x,z])",
    "grad_unused_allowed": "x=L.tensor([1.,2.],requires_grad=True); z=L.ones(2,requires_grad=True); y=(x*x).sum(); out=L.autograd.grad(y, [x,z], allow_unused=True)",
    "grad_materialize": "x=L.tensor([1.,2.],requires_grad=True); z=L.ones(2,requires_grad=True); y=(x*x).sum(); out=L.autograd.grad(y, [x,z], materialize_grads=True)",
    "grad_outputs": "x=L.tensor([1.,2.],requires_grad=True); y=x*x; out=L.autograd.grad(y, x, grad_outputs=L.tensor([1.,10.]))",
    "grad_non_scalar": "x=L.tensor([1.,2.],requires_grad=True); y=x*x; out=L.autograd.grad(y, x)",
    "grad_input_no_requires": "x=L.tensor([1.,2.],requires_grad=True); out=L.autograd.grad((x*2).sum(), L.ones(2))",
    "grad_twice_freed": "x=L.tensor([1.,2.],requires_grad=True); y=(x*x).sum(); L.autograd.grad(y, x); L.autograd.grad(y, x)",
    "grad_retain_graph": "x=L.tensor([1.,2.],requires_grad=True); y=(x*x).sum(); L.autograd.grad(y, x, retain_graph=True); out=L.autograd.grad(y, x)",
    "grad_multi_outputs": "x=L.tensor([1.,2.],requires_grad=True); out=L.autograd.grad([(x*x).sum(), x.sum()], x)",
    "grad_only_runs_needed_part": "x=L.ones(2,requires_grad=True); h=x.exp(); y=(h*h).sum(); g=L.autograd.grad(y, h); y2=h.sum(); y2.backward(); out=(g, x.grad)",
    "backward_inputs_leaf": "x=L.ones(2,requires_grad=True); w=L.ones(2,requires_grad=True); (x*w).sum().backward(inputs=[w]); out=(x.grad, w.grad)",
    "backward_inputs_nonleaf": "x=L.ones(3,requires_grad=True); y=x*2; z=(y*y).sum(); z.backward(inputs=[y]); out=(y.grad, x.grad)",
    "backward_inputs_empty": "x=L.ones(2,requires_grad=True); (x*2).sum().backward(inputs=[])",
    "no_grad": "x=L.ones(2,requires_grad=True)\nwith L.no_grad():\n    y=x*2\nout=(y.requires_grad, y.grad_fn, y.is_leaf)",
    "no_grad_decorator": "x=L.ones(2,requires_grad=True)\n@L.no_grad()\ndef f(a): return a*2\nout=(f(x).requires_grad, L.is_grad_enabled())",
    "enable_grad_inside_no_grad": "x=L.ones(2,requires_grad=True)\nwith L.no_grad():\n    with L.enable_grad():\n        y=x*2\n    z=x*2\nout=(y.requires_grad, z.requires_grad, L.is_grad_enabled())",
    "enable_grad_decorator": "x=L.ones(2,requires_grad=True)\n@L.enable_grad()\ndef f(a): return a*2\nwith L.no_grad():\n    r=f(x)\nout=(r.requires_grad, L.is_grad_enabled())",
    "set_grad_enabled_call": "L.set_grad_enabled(False); a=L.is_grad_enabled(); L.set_grad_enabled(True); out=(a, L.is_grad_enabled())",
    "set_grad_enabled_context": "x=L.ones(2,requires_grad=True)\nwith L.set_grad_enabled(False):\n    y=x*2\nout=(y.requires_grad, L.is_grad_enabled())",
    "set_grad_enabled_true_in_no_grad": "x=L.ones(2,requires_grad=True)\nwith L.no_grad():\n    with L.set_grad_enabled(True):\n        y=x*2\nout=(y.requires_grad, L.is_grad_enabled())",
    "set_grad_enabled_decorator": "x=L.ones(2,requires_grad=True)\n@L.set_grad_enabled(False)\ndef f(a): return a*2\nout=(L.is_grad_enabled(), f(x).requires_grad, L.is_grad_enabled())",
    "inference_mode": "x=L.ones(2,requires_grad=True)\nwith L.inference_mode():\n    y=x*2\nout=(y.requires_grad, L.is_grad_enabled())",
    "inference_mode_false": "x=L.ones(2,requires_grad=True)\nwith L.inference_mode(False):\n    y=x*2\nout=(y.requires_grad,)",
    "no_grad_restored_after_exception": "try:\n    with L.no_grad():\n        raise ValueError\nexcept ValueError: pass\nout=L.is_grad_enabled()",
    "optimizer_style_update": "w=L.ones(2,requires_grad=True); (w*3).sum().backward()\nwith L.no_grad():\n    w -= 0.1 * w.grad\nout=(w, w.requires_grad, w.is_leaf, w.grad_fn)",
    "inplace_leaf": "w=L.ones(2,requires_grad=True); w.mul_(2)",
    "inplace_leaf_setitem": "w=L.ones(2,requires_grad=True); w[0] = 3.",
    "inplace_leaf_view": "w=L.ones(2,2,requires_grad=True); w[0].add_(1)",
    "version_saved_input": "x=L.ones(2,requires_grad=True); a=x*1; b=a*a; a.add_(1); b.sum().backward()",
    "version_saved_output": "x=L.ones(2,requires_grad=True); e=x.exp(); e.add_(1); e.sum().backward()",
    "version_saved_leaf": "x=L.ones(2,requires_grad=True); y=(x*x).sum()\nwith L.no_grad():\n    x.add_(1)\ny.backward()",
    "version_through_detach": "x=L.ones(2,requires_grad=True); y=x.exp(); y.detach().zero_(); y.sum().backward()",
    "version_through_data_is_silent": "x=L.ones(2,requires_grad=True); y=(x*x).sum(); x.data.add_(1); y.backward(); out=x.grad",
    "version_not_needed_saved": "x=L.ones(2,requires_grad=True); y=x*1; z=y*2; y.add_(1); z.sum().backward(); out=x.grad",
    "version_weight_step_before_backward": "w=L.ones(2,requires_grad=True); l=(w*3).sum()\nwith L.no_grad():\n    w.sub_(1)\nl.backward(); out=w.grad",
    "version_matmul_needed": "w=L.ones(2,2,requires_grad=True); x=L.ones(3,2); l=(x@w).sum(); x.add_(1); l.backward()",
    "version_matmul_not_needed": "w=L.ones(2,2,requires_grad=True); x=L.ones(3,2); l=(x@w).sum()\nwith L.no_grad():\n    w.add_(1)\nl.backward(); out=w.grad",
    "version_add_saves_nothing": "x=L.ones(2,requires_grad=True); a=x*1; b=a+a; a.add_(1); b.sum().backward(); out=x.grad",
    "version_counter_values": "x=L.ones(2); v0=x._version; x.add_(1); x[0]=2; y=x.view(2); y.mul_(2); out=(v0, x._version, y._version)",
    "inplace_nonleaf_chain": "x=L.ones(2,requires_grad=True); y=x*2; y.add_(x); y.mul_(3); y.sum().backward(); out=(x.grad, y.grad_fn is not None)",
    "inplace_relu_nonleaf": "x=L.tensor([-1.,2.],requires_grad=True); y=x*2; y.relu_(); y.sum().backward(); out=x.grad",
    "int_results_no_grad": "x=L.ones(2,requires_grad=True); out=(x.argmax().requires_grad, (x>0).requires_grad, (x==1).grad_fn, x.long().requires_grad)",
    "grad_fn_next_functions": "x=L.ones(2,requires_grad=True); y=x*2+1; out=len(y.grad_fn.next_functions)",
    "grad_accumulation_from_views": "x=L.ones(2,2,requires_grad=True); x.t().sum().backward(); (x*1).t().sum().backward(); out=x.grad",
    "grad_zero_dim": "x=L.tensor(3.,requires_grad=True); y=x*x; y.backward(); out=x.grad",
    "grad_expand": "x=L.ones(3,1,requires_grad=True); x.expand(3,4).sum().backward(); out=x.grad",
    "grad_dtype_follows_leaf": "x=L.ones(2,requires_grad=True,dtype=L.float64); (x.float()*2).sum().backward(); out=x.grad",
    "grad_int_operand": "x=L.ones(2,requires_grad=True); i=L.tensor([1,2]); (x*i).sum().backward(); out=x.grad",
    "detach_inplace_": "x=L.ones(2,requires_grad=True); y=x*2; y.detach_(); out=(y.requires_grad, y.grad_fn, y.is_leaf)",
    "requires_grad_on_result": "x=L.ones(2); y=x*2; y.requires_grad_(); (y*y).sum().backward(); out=y.grad",
    "nan_inf_propagate": "x=L.tensor([0., 1.],requires_grad=True); (x.sqrt().sum()+x.log().sum()).backward(); out=x.grad",
    "abs_relu_at_zero": "x=L.tensor([0., -1., 2.],requires_grad=True); (x.abs()+x.relu()).sum().backward(); out=x.grad",
    "max_all_ties_share": "x=L.tensor([2., 2., 1.],requires_grad=True); x.max().backward(); out=x.grad",
    "max_dim_ties_first": "x=L.tensor([[2., 2., 1.]],requires_grad=True); x.max(1).values.sum().backward(); out=x.grad",
    "clamp_at_bounds": "x=L.tensor([0., 1., 2.],requires_grad=True); x.clamp(0, 1).sum().backward(); out=x.grad",
    "pow_at_zero": "x=L.tensor([0., 4.],requires_grad=True); (x**2+x**0.5+x**0).sum().backward(); out=x.grad",
    "pow_base_zero": "x=L.tensor([0., 1.],requires_grad=True); (L.tensor([0., 2.])**x).sum().backward(); out=x.grad",
    "maximum_ties_split": "a=L.tensor([1., 2.],requires_grad=True); b=L.tensor([1., 3.],requires_grad=True); L.maximum(a,b).sum().backward(); out=(a.grad,b.grad)",
    "where_masks_nan_grad": "x=L.tensor([0., 1.],requires_grad=True); L.where(x>0, x.log(), L.zeros(2)).sum().backward(); out=x.grad",
    "sigmoid_extremes": "x=L.tensor([-200., 200.],requires_grad=True); x.sigmoid().sum().backward(); out=x.grad",
    "softmax_minus_inf": "x=L.tensor([[-float('inf'), 0., 1.]],requires_grad=True); x.softmax(1)[0,1].backward(); out=x.grad",
    "log_softmax_minus_inf": "x=L.tensor([[-float('inf'), 0., 1.]],requires_grad=True); x.log_softmax(1)[0,1].backward(); out=x.grad",
    "mean_of_empty": "x=L.zeros(0,requires_grad=True); x.mean().backward(); out=x.grad",
    "sum_of_empty": "x=L.zeros(0,3,requires_grad=True); x.sum().backward(); out=x.grad",
    "getitem_repeated_indices": "x=L.tensor([1., 2., 3.],requires_grad=True); x[[0,0,2,0]].sum().backward(); out=x.grad",
    "setitem_grads": "x=L.tensor([1., 2., 3.],requires_grad=True); v=L.tensor(5.,requires_grad=True); y=x*1; y[1]=v; (y*L.tensor([1.,2.,3.])).sum().backward(); out=(x.grad, v.grad)",
    "setitem_repeated_indices": "x=L.tensor([1., 2., 3.],requires_grad=True); v=L.tensor([5., 6.],requires_grad=True); y=x*1; y[[0,2]]=v; y.sum().backward(); out=(x.grad, v.grad)",
    # in-place through views (PyTorch's CopySlices) and views whose base changed in place
    "view_iadd_slice": "x=L.arange(6.).reshape(2,3).requires_grad_(); y=x*2; y[:,0]+=1; (y*L.arange(6.).reshape(2,3)).sum().backward(); out=(y, x.grad)",
    "view_mul_row": "x=L.arange(1., 7.).reshape(2,3).requires_grad_(); y=x*1; y[0].mul_(y[1].detach()); (y*y).sum().backward(); out=(y, x.grad)",
    "view_mul_by_tensor_needing_grad": "x=L.arange(1., 7.).reshape(2,3).requires_grad_(); w=L.tensor([1.,2.,3.],requires_grad=True); y=x*1; y[1].mul_(w); (y*y).sum().backward(); out=(x.grad, w.grad)",
    "view_reshape_inplace": "x=L.arange(1., 7.).reshape(2,3).requires_grad_(); y=x*1; v=y.view(6); v.mul_(2); (y*L.arange(6.).reshape(2,3)).sum().backward(); out=(x.grad, y.grad_fn is not None, v.grad_fn is not None)",
    "view_transpose_relu_": "x=(L.arange(6.).reshape(2,3)-2).requires_grad_(); y=x*1; y.t().relu_(); y.sum().backward(); out=(y, x.grad)",
    "view_of_buffer_not_requiring_grad": "w=L.tensor([1.,2.],requires_grad=True); buf=L.zeros(3,2); buf[1].add_(w); (buf*buf).sum().backward(); out=(buf.requires_grad, buf.is_leaf, w.grad)",
    "view_used_after_inplace": "x=L.arange(1., 7.).reshape(2,3).requires_grad_(); y=x*1; v=y[0]; v.mul_(3); (v*v).sum().backward(); out=x.grad",
    "view_several_inplace": "x=L.arange(1., 7.).reshape(2,3).requires_grad_(); y=x*1; y[0].mul_(2); y[:,1].add_(10); y[0,2].mul_(y[1,2].detach()); (y*y).sum().backward(); out=(y, x.grad)",
    "view_of_view_inplace": "x=L.arange(1., 13.).reshape(3,4).requires_grad_(); y=x*1; v=y[1:]; v[:, ::2].mul_(2); (y*y).sum().backward(); out=(y, x.grad)",
    "view_setitem": "x=L.arange(1., 7.).reshape(2,3).requires_grad_(); y=x*1; y[0][1]=7.; (y*y).sum().backward(); out=(y, x.grad)",
    "view_zero_": "x=L.arange(1., 7.).reshape(2,3).requires_grad_(); y=x*1; y[:,1].zero_(); y.sum().backward(); out=x.grad",
    "view_inplace_saved_output": "x=L.arange(1., 7.).reshape(2,3).requires_grad_(); y=x.exp(); y[0].mul_(2); y.sum().backward()",
    "view_inplace_version_of_sibling": "x=L.ones(2,3,requires_grad=True); y=x*1; a=y[0]; z=a*a; y[0].add_(1); z.sum().backward()",
    "stale_view_after_base_inplace": "x=L.ones(2,3,requires_grad=True); y=x*1; v=y[0]; y.mul_(2); v.sum().backward(); out=x.grad",
    "stale_sibling_view": "x=L.ones(2,3,requires_grad=True); y=x*1; a=y[0]; b=y[0]; a.mul_(3); b.sum().backward(); out=x.grad",
    "stale_view_reshape": "x=L.ones(2,3,requires_grad=True); y=x*1; v=y.view(6); y.add_(x); (v*v).sum().backward(); out=x.grad",
    "stale_view_of_buffer": "w=L.tensor([1.,2.],requires_grad=True); buf=L.zeros(3,2); u=buf[1]; buf[1].add_(w); (u*u).sum().backward(); out=(u.requires_grad, w.grad)",
    "stale_view_as_root": "x=L.ones(2,3,requires_grad=True); y=x*1; v=y[1]; y.mul_(2); v.backward(L.ones(3)); out=x.grad",
    "stale_view_autograd_grad": "x=L.ones(2,3,requires_grad=True); y=x*1; v=y[1]; y.mul_(2); out=L.autograd.grad((v*v).sum(), x)",
    "stale_view_not_overlapping": "x=L.ones(2,3,requires_grad=True); y=x*1; v=y[1]; y[0].mul_(5); (v*3).sum().backward(); out=x.grad",
}


@needs_torch
@pytest.mark.parametrize("name", list(ENGINE_CASES))
def test_engine_behaviour_matches_torch(name):
    code = ENGINE_CASES[name]
    assert _run(minigrad, code) == _run(torch, code)


# ------------------------------------------------------------------ engine internals
N_DEEP = 100_000


def test_deep_chain_backward_no_recursion():
    x = minigrad.tensor([1.0, 2.0], dtype=minigrad.float64, requires_grad=True)
    y = x
    for _ in range(N_DEEP):
        y = y * 1.00001
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)  # the engine must not recurse
    try:
        y.sum().backward()
    finally:
        sys.setrecursionlimit(limit)
    np.testing.assert_allclose(x.grad.numpy(), [1.00001 ** N_DEEP] * 2, rtol=1e-9)


def test_deep_graph_autograd_grad_retain_and_teardown():
    x = minigrad.tensor(0.5, dtype=minigrad.float64, requires_grad=True)
    y = x
    for i in range(N_DEEP):
        y = y + 1e-6 if i % 2 else y * 1.0
    (g,) = minigrad.autograd.grad(y, x, retain_graph=True)
    assert g.item() == 1.0
    y.backward()
    assert x.grad.item() == 1.0
    del y, g
    gc.collect()  # freeing a 100k-node chain must not recurse either


def test_deep_graph_without_backward_is_freed():
    x = minigrad.ones(2, requires_grad=True)
    y = x
    for _ in range(N_DEEP):
        y = y.exp().log()
    del y
    gc.collect()


def test_accumulation_adds_into_existing_grad():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    x.grad = minigrad.tensor([10.0, 20.0])
    held = x.grad
    (x * x).sum().backward()
    assert x.grad.tolist() == [12.0, 24.0]
    assert held.tolist() == [12.0, 24.0]  # accumulated in place, as in PyTorch


def test_grads_of_two_leaves_do_not_share_memory():
    a = minigrad.ones(3, requires_grad=True)
    b = minigrad.ones(3, requires_grad=True)
    (a + b).sum().backward()
    a.grad.zero_()
    assert b.grad.tolist() == [1, 1, 1]
    x = minigrad.ones(3, requires_grad=True)
    y = x + 1
    y.retain_grad()
    y.backward(minigrad.ones(3))
    x.grad.zero_()
    assert y.grad.tolist() == [1, 1, 1]


def test_custom_function_returning_a_kept_tensor_is_not_aliased():
    const = minigrad.tensor([1.0, 2.0])

    class Pass(Function):
        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            return const

    x = minigrad.zeros(2, requires_grad=True)
    Pass.apply(x).sum().backward()
    Pass.apply(x).sum().backward()  # accumulates into x.grad in place
    assert x.grad.tolist() == [2.0, 4.0]
    assert const.tolist() == [1.0, 2.0]


def test_user_gradient_is_not_aliased():
    g = minigrad.ones(3)
    x = minigrad.zeros(3, requires_grad=True)
    (x * 1).backward(g)
    x.grad.add_(5)
    assert g.tolist() == [1, 1, 1]


def test_no_grad_is_thread_local():
    x = minigrad.ones(2, requires_grad=True)
    inside = threading.Event()
    done = threading.Event()
    results = {}

    def worker_no_grad():
        with minigrad.no_grad():
            inside.set()
            done.wait(10)
            results["worker"] = (x * 2).requires_grad

    t = threading.Thread(target=worker_no_grad)
    t.start()
    assert inside.wait(10)
    results["main"] = (x * 2).requires_grad  # the other thread is inside no_grad right now
    results["main_enabled"] = minigrad.is_grad_enabled()
    done.set()
    t.join(10)
    assert results == {"worker": False, "main": True, "main_enabled": True}


def test_grad_enabled_in_new_thread_by_default():
    seen = []
    with minigrad.no_grad():
        t = threading.Thread(target=lambda: seen.append(minigrad.is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_backward_from_two_threads():
    errors = []

    def work(seed):
        try:
            rng = np.random.default_rng(seed)
            w = minigrad.tensor(rng.standard_normal((4, 3)), requires_grad=True)
            for _ in range(50):
                loss = (w @ w.t()).tanh().sum()
                loss.backward()
            expected = w.grad.numpy().copy()
            w.grad = None
            for _ in range(50):
                (w @ w.t()).tanh().sum().backward()
            np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-5)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_graph_is_freed_after_backward():
    x = minigrad.ones(3, requires_grad=True)
    y = x.exp()
    z = y.sum()
    z.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.grad_fn.saved_tensors


def test_next_functions_and_accumulate_grad():
    x = minigrad.ones(2, requires_grad=True)
    c = minigrad.ones(2)
    y = x * c
    (leaf, _), (none, _) = y.grad_fn.next_functions
    assert leaf.variable is x and none is None
    z = y.exp()
    assert z.grad_fn.next_functions[0][0] is y.grad_fn


def test_saved_tensor_version_error_message():
    x = minigrad.ones(2, 3, requires_grad=True)
    e = x.exp()
    e.add_(1)
    with pytest.raises(RuntimeError) as info:
        e.sum().backward()
    msg = str(info.value)
    assert msg.startswith("one of the variables needed for gradient computation has been modified by "
                          "an inplace operation: [minigrad.FloatTensor [2, 3]], which is output 0 of Exp, "
                          "is at version 1; expected version 0 instead.")


def test_inplace_on_view_without_autograd():
    x = minigrad.ones(2, 2, requires_grad=True)
    y = x * 2
    with minigrad.no_grad():
        y[0].add_(1)
    assert y.tolist() == [[3, 3], [2, 2]]


# ------------------------------------------------------------------ custom Function
class _Cube(Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(x)
        ctx.scale = scale
        return x * x * x * scale

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x * x * ctx.scale, None


class _BrokenCube(_Cube):
    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x * x * ctx.scale, None  # wrong: should be 3


class _MulAdd(Function):
    @staticmethod
    def forward(ctx, a, b, c):
        ctx.save_for_backward(a, b)
        return a * b + c

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ctx.seen_needs = ctx.needs_input_grad
        return grad * b, grad * a, grad


def test_custom_function_forward_backward():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = _Cube.apply(x, 2.0)
    assert y.tolist() == [2.0, 16.0] and y.requires_grad
    assert y.grad_fn is not None and "Backward" in y.grad_fn.name()
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 24.0]


def test_custom_function_needs_input_grad_and_many_inputs():
    a = minigrad.tensor([1.0, 2.0], requires_grad=True)
    b = minigrad.tensor([3.0, 4.0])
    c = minigrad.tensor([0.5, 0.5], requires_grad=True)
    out = _MulAdd.apply(a, b, c)
    out.sum().backward()
    assert out.grad_fn.seen_needs == (True, False, True)
    assert a.grad.tolist() == [3.0, 4.0] and b.grad is None and c.grad.tolist() == [1.0, 1.0]


def test_custom_function_no_grad_inputs_and_no_grad_mode():
    x = minigrad.tensor([1.0, 2.0])
    assert not _Cube.apply(x, 1.0).requires_grad
    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    with minigrad.no_grad():
        assert not _Cube.apply(w, 1.0).requires_grad
    # forward runs without recording: intermediate ops inside forward have no graph
    y = _Cube.apply(w, 1.0)
    assert y.grad_fn.next_functions[0][0].variable is w


def test_custom_function_saved_tensors_freed():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = _Cube.apply(x, 1.0).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


@needs_torch
def test_custom_function_matches_torch_function():
    class TCube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            ctx.scale = scale
            return x * x * x * scale

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 3 * x * x * ctx.scale, None

    data = np.random.default_rng(0).standard_normal((3, 4))
    xm = minigrad.tensor(data, requires_grad=True)
    xt = torch.tensor(data, requires_grad=True)
    (_Cube.apply(xm, 0.5).exp().sum()).backward()
    (TCube.apply(xt, 0.5).exp().sum()).backward()
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


# ------------------------------------------------------------------ gradcheck
def test_gradcheck_passes_for_correct_function():
    x = minigrad.randn(3, 2, dtype=minigrad.float64, requires_grad=True)
    assert gradcheck(lambda t: _Cube.apply(t, 1.5), (x,))
    assert gradcheck(lambda t: t.tanh().sum(1), x)


def test_gradcheck_detects_wrong_backward():
    x = minigrad.randn(3, 2, dtype=minigrad.float64, requires_grad=True)
    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect to input 0"):
        gradcheck(lambda t: _BrokenCube.apply(t, 1.5), (x,))
    assert gradcheck(lambda t: _BrokenCube.apply(t, 1.5), (x,), raise_exception=False) is False
    assert isinstance(GradcheckError("x"), RuntimeError)


def test_gradcheck_detects_wrong_gradient_of_second_input():
    class BadMulAdd(_MulAdd):
        @staticmethod
        def backward(ctx, grad):
            a, b = ctx.saved_tensors
            return grad * b, grad * a * 1.01, grad

    a, b, c = (minigrad.randn(4, dtype=minigrad.float64, requires_grad=True) for _ in range(3))
    assert gradcheck(_MulAdd.apply, (a, b, c))
    with pytest.raises(GradcheckError, match="with respect to input 1"):
        gradcheck(BadMulAdd.apply, (a, b, c))


def test_gradcheck_tolerances_and_arguments():
    x = minigrad.randn(4, dtype=minigrad.float64, requires_grad=True)

    class Off(Function):
        @staticmethod
        def forward(ctx, t):
            return t * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2 * (1 + 1e-4)  # a relative error of 1e-4

    assert gradcheck(Off.apply, (x,), eps=1e-6, atol=1e-5, rtol=1e-3)
    assert not gradcheck(Off.apply, (x,), atol=1e-8, rtol=1e-6, raise_exception=False)
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        gradcheck(lambda t: t * 2, (minigrad.ones(2, dtype=minigrad.float64),))
    with pytest.warns(UserWarning, match="not a double precision"):
        gradcheck(lambda t: t * 2, (minigrad.ones(2, requires_grad=True),), atol=1e-2, rtol=1e-2, eps=1e-3)
    # non-tensor arguments are passed through, inputs not requiring grad are not perturbed
    w = minigrad.randn(4, dtype=minigrad.float64)
    assert gradcheck(lambda t, s, u: (t * s * u).sin(), (x, 3.0, w))


def test_gradcheck_leaves_inputs_unchanged():
    data = np.random.default_rng(0).standard_normal((3, 3))
    x = minigrad.tensor(data, requires_grad=True)
    gradcheck(lambda t: t.exp(), (x,))
    assert np.array_equal(x.detach().numpy(), data)
    assert x.grad is None


@needs_torch
def test_gradcheck_agrees_with_torch_gradcheck():
    data = np.random.default_rng(3).standard_normal((2, 3))
    assert gradcheck(lambda t: (t @ t.t()).log_softmax(1), (minigrad.tensor(data, requires_grad=True),))
    assert torch.autograd.gradcheck(lambda t: (t @ t.t()).log_softmax(1), (torch.tensor(data, requires_grad=True),))


def test_inf_nan_give_no_numpy_warnings():
    """core_bugs.md: forward ops leaked numpy RuntimeWarnings (an error under -W error); PyTorch
    returns NaN/inf silently."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = minigrad.tensor([float("inf"), 0.0, -1.0], requires_grad=True)
        outs = [x * 0, x / 0, x.log(), x.sqrt(), (x * 1e38).exp(), x ** 0.5, x - x, x.mean(),
                minigrad.tensor([float("inf"), -float("inf")]).sum(), x.log1p(), x % 0.0,
                minigrad.div(x, 0.0, rounding_mode="floor")]
        a = minigrad.tensor([float("inf")])
        a.mul_(0)
        a.div_(0)
        sum(o.sum() for o in outs[:4]).backward()
    assert np.isnan(outs[0].detach().numpy()[0]) and np.isnan(a.numpy()[0])
    # numpy's own error state is left as it was
    with pytest.warns(RuntimeWarning):
        np.array([np.inf]) * 0


def test_inf_nan_not_even_printed_under_default_filters():
    """In a fresh interpreter (pytest installs its own filters), nothing is printed; the user's
    own numpy code still warns."""
    import subprocess

    code = (
        "import minigrad, numpy as np\n"
        "x = minigrad.tensor([float('inf'), 0.0, -1.0], requires_grad=True)\n"
        "y = (x * 0).sum() + (x / 0).sum() + x.log().sum() + x.sqrt().sum()\n"
        "y.backward()\n"
        "z = minigrad.tensor([1.0]); z.div_(0)\n"
        "print('done')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "done"
    assert out.stderr == ""
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and out.stderr == ""
    user = subprocess.run([sys.executable, "-c", "import minigrad, numpy as np; np.array([np.inf]) * 0"],
                          capture_output=True, text=True, timeout=120)
    assert "RuntimeWarning" in user.stderr


def test_gradcheck_non_contiguous_input():
    base = minigrad.randn(4, 3, dtype=minigrad.float64)
    x = base.t().detach().requires_grad_()  # a transposed (non-contiguous) leaf
    assert not x.is_contiguous()
    assert gradcheck(lambda t: (t * t).sum(0), (x,))
    with pytest.raises(GradcheckError):
        gradcheck(lambda t: _BrokenCube.apply(t, 1.0), (x,))


# ------------------------------------------------------------------ custom Functions vs torch
def _function_classes(L):
    class Two(L.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x * 2, x * x * k

        @staticmethod
        def backward(ctx, g1, g2):
            (x,) = ctx.saved_tensors
            return g1 * 2 + g2 * 2 * x * ctx.k, None

    class Sorted(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            idx = L.tensor(np.argsort(x.detach().numpy()))
            ctx.save_for_backward(idx)
            ctx.mark_non_differentiable(idx)
            return x[idx], idx

        @staticmethod
        def backward(ctx, g, g_idx):
            (idx,) = ctx.saved_tensors
            out = L.zeros_like(g)
            out[idx] = g
            return out

    class NoMaterialize(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 1, x * 2

        @staticmethod
        def backward(ctx, g1, g2):
            ctx.seen = (g1 is None, g2 is None)
            return (g1 if g1 is not None else 0) + (2 * g2 if g2 is not None else 0)

    class Ident(L.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.needs = ctx.needs_input_grad
            return x

        @staticmethod
        def backward(ctx, g):
            return g, None

    class SaveOut(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            e = x.exp()
            ctx.save_for_backward(e)
            return e

        @staticmethod
        def backward(ctx, g):
            (e,) = ctx.saved_tensors
            return g * e

    return Two, Sorted, NoMaterialize, Ident, SaveOut


FUNCTION_CASES = {
    "two_outputs_both": "Two, *_ = F; x=L.tensor([1.,2.],requires_grad=True); a,b=Two.apply(x, 3.0); (a*b).sum().backward(); out=(x.grad, a.requires_grad, b.requires_grad)",
    "two_outputs_one_used": "Two, *_ = F; x=L.tensor([1.,2.],requires_grad=True); a,b=Two.apply(x, 3.0); b.sum().backward(); out=x.grad",
    "two_outputs_separate_backwards": "Two, *_ = F; x=L.tensor([1.,2.],requires_grad=True); a,b=Two.apply(x, 3.0); a.sum().backward(retain_graph=True); b.sum().backward(); out=x.grad",
    "two_outputs_freed": "Two, *_ = F; x=L.tensor([1.,2.],requires_grad=True); a,b=Two.apply(x, 3.0); (a+b).sum().backward(); b.sum().backward()",
    "two_outputs_autograd_grad": "Two, *_ = F; x=L.tensor([1.,2.],requires_grad=True); a,b=Two.apply(x, 3.0); out=L.autograd.grad((a*b).sum(), [x, a])",
    "two_outputs_retain_grad": "Two, *_ = F; x=L.tensor([1.,2.],requires_grad=True); a,b=Two.apply(x, 3.0); b.retain_grad(); (a*b).sum().backward(); out=(b.grad, x.grad)",
    "non_differentiable_output": "_, Sorted, *_ = F; x=L.tensor([3.,1.,2.],requires_grad=True); v,i=Sorted.apply(x); (v*L.tensor([1.,2.,3.])).sum().backward(); out=(i.requires_grad, i.dtype, v.requires_grad, x.grad)",
    "no_materialize": "_, _, NM, *_ = F; x=L.tensor([1.,2.],requires_grad=True); a,b=NM.apply(x); b.sum().backward(); out=(x.grad, b.grad_fn is not None)",
    "needs_input_grad_in_forward": "*_, Ident, _ = F; x=L.tensor([1.,2.],requires_grad=True); y=Ident.apply(x, L.ones(2)); y.sum().backward(); out=(x.is_leaf, y is x, y.requires_grad, x.grad)",
    "no_grad_inputs": "Two, *_ = F; x=L.tensor([1.,2.]); a,b=Two.apply(x, 3.0); out=(a.requires_grad, b.requires_grad, a.grad_fn)",
    "saved_output_modified": "*_, SaveOut = F; x=L.tensor([1.,2.],requires_grad=True); e=SaveOut.apply(x); e.add_(1); e.sum().backward()",
    "saved_input_modified": "Two, *_ = F; x=L.tensor([1.,2.],requires_grad=True); y=x*1; a,b=Two.apply(y, 3.0); y.add_(1); b.sum().backward()",
}


@needs_torch
@pytest.mark.parametrize("name", list(FUNCTION_CASES))
def test_custom_function_matches_torch(name):
    code = FUNCTION_CASES[name]
    results = []
    for L in (minigrad, torch):
        env = {"L": L, "np": np, "F": _function_classes(L)}
        try:
            exec(code, env)
            results.append(("ok", _normalise(env["out"])))
        except Exception as exc:  # noqa: BLE001
            results.append(("error", type(exc).__name__, str(exc).replace("torch.", "minigrad.").split(" Hint:")[0]))
    if results[1][0] == "error" and results[0][0] == "error":
        assert results[0][:2] == results[1][:2]  # node names in the message may differ
    else:
        assert results[0] == results[1]


def _grad_mode_decorators_trace(T):
    """What grad mode each decorated function / method / generator sees, in order."""
    out = []
    @T.no_grad
    def f(x): return T.is_grad_enabled(), (x * 2).requires_grad
    @T.no_grad()
    def f2(x): return T.is_grad_enabled()
    @T.enable_grad
    def g(): return T.is_grad_enabled()
    @T.set_grad_enabled(False)
    def h(): return T.is_grad_enabled()
    @T.inference_mode
    def i(): return T.is_grad_enabled()
    @T.inference_mode()
    def i2(): return T.is_grad_enabled()
    class C:
        @T.no_grad
        def m(self, a): return T.is_grad_enabled(), a
    x = T.ones(2, requires_grad=True)
    out += [f(x), f2(x), T.is_grad_enabled(), h(), T.is_grad_enabled(), i(), i2(), C().m(3), f.__name__]
    with T.no_grad():
        out.append(g())
    @T.no_grad
    def gen(n):
        for k in range(n):
            got = yield (k, T.is_grad_enabled())
            out.append(("got", got, T.is_grad_enabled()))
        return "done"
    it = gen(3)
    out.append(next(it)); out.append(T.is_grad_enabled())
    out.append(it.send("a")); out.append(T.is_grad_enabled())
    out.append(list(it))
    @T.enable_grad()
    def gen2():
        try:
            yield T.is_grad_enabled()
        except ValueError as e:
            out.append(("caught", str(e), T.is_grad_enabled()))
            yield "after"
        finally:
            out.append(("finally", T.is_grad_enabled()))
    with T.no_grad():
        it = gen2()
        out.append(next(it)); out.append(T.is_grad_enabled())
        out.append(it.throw(ValueError("boom"))); out.append(T.is_grad_enabled())
        it.close(); out.append(T.is_grad_enabled())
    def outer():
        r = yield from gen(1)
        out.append(r)
    out.append(list(outer()))
    return out


def test_grad_mode_decorators_match_torch():
    """@no_grad / @enable_grad / @inference_mode bare or called, @set_grad_enabled(False), on
    functions, methods and generators: the mode holds inside each resumption of a generator
    (next, send, throw, close, yield from) and the caller's mode outside, as in torch."""
    torch = pytest.importorskip("torch")
    assert _grad_mode_decorators_trace(minigrad) == _grad_mode_decorators_trace(torch)


def _gradcheck_trace(T):
    """gradcheck's results, errors and warnings on: one tensor, a tuple, a list, a number among the
    inputs, a wrong backward (raise_exception True/False), float32 inputs, no input needing grad."""
    out = []
    def rec(f):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try: r = f()
            except Exception as e: r = ("EXC", type(e).__name__, str(e).split("\n")[0])
        out.append((r, [str(x.message).replace("torch", "minigrad") for x in w]))
    G = T.autograd.gradcheck
    x = T.tensor([1., 2.], dtype=T.float64, requires_grad=True)
    y = T.tensor([3., 4.], dtype=T.float64, requires_grad=True)
    rec(lambda: G(lambda a: a.exp(), x))
    rec(lambda: G(lambda a: a.exp(), (x,)))
    rec(lambda: G(lambda a: a.exp(), [x]))
    rec(lambda: G(lambda a, b: a * b, [x, y]))
    rec(lambda: G(lambda a, b: a * b, (x, 2.0)))
    class Wrong(T.autograd.Function):
        @staticmethod
        def forward(ctx, a): return a * 2
        @staticmethod
        def backward(ctx, g): return g * 3
    rec(lambda: G(Wrong.apply, (x,), raise_exception=False))
    rec(lambda: G(Wrong.apply, (x,)))
    xf = T.tensor([1., 2.], requires_grad=True)
    rec(lambda: G(lambda a: a * 2, (xf,), eps=1e-3, atol=1e-2))
    rec(lambda: G(lambda a: a * 2, (T.tensor([1., 2.], dtype=T.float64),)))
    rec(lambda: G(lambda a: (a * 2, a.sum()), (x,)))
    return out


def test_gradcheck_inputs_and_failures_match_torch():
    torch = pytest.importorskip("torch")
    assert _gradcheck_trace(minigrad) == _gradcheck_trace(torch)
