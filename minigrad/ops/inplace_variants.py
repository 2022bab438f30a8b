"""The in-place versions of out-of-place ops, generated: ``x.exp_()``, ``x.floor_()``,
``x.lerp_(end, w)``, ``x.asin_()`` ..., and ``x.scatter_()``, ``x.index_add_()``, ``x.tril_()`` ...

Each is built from its out-of-place op by ``apply_inplace`` (``inplace.py``): without autograd
the result is written into the tensor's array; when a gradient is needed the op is recorded on a
snapshot and the tensor takes the new node (a leaf that requires grad is PyTorch's error). For
the elementwise ones the result's dtype must fit the tensor's (``int_tensor.exp_()`` is PyTorch's
RuntimeError).
"""
import numpy as np

from .._dtype import c_type_name, from_numpy_dtype, to_dtype
from ..autograd.function import Op
from ..autograd.grad_mode import _state, no_grad
from ..tensor import Tensor, _wrap
from . import (activation, arithmetic, clamping, comparison, cumulative, diagonals,
               floating_point, gather_scatter, index_rows, inplace_arithmetic, integer, norms,
               pointwise, products, rounding, scatter_views, special_functions, trigonometric)
from .inplace import _NAMES, _check_cast, apply_inplace


def _check_result_dtype(t, result_dtype, name=""):
    if np.dtype(result_dtype).kind == "f" and t._data.dtype.kind != "f" or \
            np.dtype(result_dtype).kind in "iu" and t._data.dtype.kind == "b":
        res = from_numpy_dtype(np.dtype(result_dtype)).name
        what = "ldexp" if name == "ldexp_" else f"result type {_NAMES.get(res, res)}"  # (PyTorch's)
        raise RuntimeError(f"{what} can't be cast to the desired output type "
                           f"{_NAMES.get(t.dtype.name, t.dtype.name)}")


def _inplace(fn, name, binary=False, cast_back=False):
    """``name`` (e.g. ``"exp_"``): the elementwise ``fn`` applied to the tensor, written back
    into it (an error if the result's dtype does not fit the tensor's)."""

    def method(self, *args, **kwargs):
        others = tuple(a for a in list(args) + list(kwargs.values()) if isinstance(a, Tensor))
        if binary and args:
            _check_cast(self, args[0])
        with no_grad():  # the result's dtype, without recording anything
            probe = fn(_wrap(self._data.reshape(-1)[:1].copy()), *args, **kwargs)
        _check_result_dtype(self, probe._data.dtype, name)

        def write(data):
            with no_grad(), np.errstate(all="ignore"):
                np.copyto(data, fn(_wrap(data), *args, **kwargs)._data, casting="unsafe")

        def graph(old):  # (cast_back: a wider operand's gradient arrives in this dtype)
            result = fn(old, *args, **kwargs)
            return result.to(old.dtype) if cast_back else result

        return apply_inplace(self, graph, write, others=others)

    method.__name__ = method.__qualname__ = name
    out_of_place = name[:-1]
    method.__doc__ = (
        f"In-place version of ``{out_of_place}``: this tensor's elements are replaced by the "
        f"result, and this tensor is returned.\n\n    Example::\n\n"
        f"        >>> x = minigrad.tensor({_EXAMPLE_INPUT.get(name, '[0.25, 4.]')})\n"
        f"        >>> x.{name}({_EXAMPLE_ARGS.get(name, '')}) is x\n"
        f"        True\n"
    )
    return method


def _copy_result(data, result):
    """Writes ``result`` into ``data``: PyTorch's error when the op broadcast to another shape."""
    if result.shape != data.shape:
        raise RuntimeError(f"output with shape {list(data.shape)} doesn't match the broadcast "
                           f"shape {list(result.shape)}")
    np.copyto(data, result, casting="unsafe")


def _inplace_from(out_of_place, name):
    """``name`` (e.g. ``"scatter_"``): ``out_of_place`` applied to the tensor, written back into
    it (cast to the tensor's dtype)."""

    def method(self, *args, **kwargs):
        others = tuple(a for a in list(args) + list(kwargs.values()) if isinstance(a, Tensor))
        check = _WRITE_CHECKS.get(name)
        if check is not None:
            check(self, *args, **kwargs)

        def write(data):
            _copy_result(data, out_of_place(_wrap(data), *args, **kwargs)._data)

        return apply_inplace(self, lambda old: out_of_place(old, *args, **kwargs), write,
                             others=others)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = (f"In-place version of ``{name[:-1]}``: writes the result into this tensor "
                      f"and returns it.\n\n    Example::\n\n"
                      f"        >>> x = {_WRITE_EXAMPLE_INPUT.get(name, 'minigrad.ones(2, 2)')}\n"
                      f"        >>> x.{name}({_WRITE_EXAMPLE_ARGS[name]}) is x\n        True\n")
    return method


class ComparedInPlace(Op):
    """A comparison's 1/0 written into a float tensor in a graph: the tensor and every tensor
    operand get a zero gradient (PyTorch records ``x.lt_(y)`` as LtBackward, with zero
    derivatives)."""

    @staticmethod
    def forward(ctx, a, value, *others):
        ctx.shapes = tuple((np.shape(o), np.asarray(o).dtype) for o in others)
        return np.array(value, dtype=a.dtype)

    @staticmethod
    def backward(ctx, grad):
        return (np.zeros_like(grad), None) + tuple(np.zeros(s, d) for s, d in ctx.shapes)

    __slots__ = ("shapes",)


def _inplace_logical(fn, name):
    """``name`` (e.g. ``"lt_"``): the comparison or logical op ``fn``, its True/False written
    back into the tensor as 1/0 of the tensor's dtype. No gradient flows through it: after a
    comparison a float tensor in a graph keeps requiring grad, with a zero gradient; the logical
    ops, which PyTorch does not record, write the data and leave the history as it was (and are
    allowed on a leaf), as in PyTorch."""

    def method(self, *args, **kwargs):
        others = tuple(a for a in list(args) + list(kwargs.values()) if isinstance(a, Tensor))

        def write(data):
            _copy_result(data, fn(_wrap(data), *args, **kwargs)._data)

        def graph(old):
            with no_grad():
                value = fn(old.detach(), *args, **kwargs)._data
            return ComparedInPlace.apply(old, value, *args, *kwargs.values())

        if name.startswith("logical_"):
            with no_grad():
                return apply_inplace(self, graph, write, others=others)
        if self._data.dtype.kind != "f" and _state.enabled and any(o._requires_grad for o in others):
            # PyTorch records this one even into an integer or bool tensor (which then requires
            # grad, with zero derivatives): apply_inplace records only float tensors
            old = _wrap(self._data.copy())
            old.grad_fn, old._requires_grad = self.grad_fn, self._requires_grad
            result = graph(old)
            apply_inplace(self, graph, write, others=others)
            self.grad_fn, self._requires_grad = result.grad_fn, True
            base = self._base
            if base is not None:  # the base it was written through requires grad too
                recorded = ComparedInPlace.apply(_wrap(base._data.copy()), base._data.copy(),
                                                 *others)
                base.grad_fn, base._requires_grad = recorded.grad_fn, True
                self._base_fn = base.grad_fn
            return self
        return apply_inplace(self, graph, write, others=others)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = (f"In-place version of ``{name[:-1]}``: the result (True/False) is written "
                      f"into this tensor as 1/0 of its dtype, and this tensor is returned.\n\n"
                      f"    Example::\n\n"
                      f"        >>> x = minigrad.tensor([0.5, 4.])\n"
                      f"        >>> x.{name}({_EXAMPLE_ARGS.get(name, '')})\n"
                      f"        {_LOGICAL_EXAMPLES[name]}\n")
    return method


def float_power_(self, exponent):
    """In-place version of ``float_power``: only for a float64 tensor (the op computes in
    double precision), as in PyTorch.

    Example::

        >>> minigrad.tensor([2., 3.], dtype=minigrad.float64).float_power_(2)
        tensor([4., 9.], dtype=minigrad.float64)
    """
    if self._data.dtype != np.float64:
        name = _NAMES.get(self.dtype.name, self.dtype.name)
        raise RuntimeError(f"the base given to float_power_ has dtype {name} but the operation's "
                           "result requires dtype Double")
    return _FLOAT_POWER(self, exponent)


# ------------------------------------------------------------------ the elementwise ones
_UNARY = {
    "exp_": pointwise.exp, "log_": pointwise.log, "sqrt_": pointwise.sqrt, "abs_": pointwise.abs,
    "neg_": arithmetic.neg, "sigmoid_": activation.sigmoid, "tanh_": trigonometric.tanh,
    "sin_": trigonometric.sin, "cos_": trigonometric.cos, "tan_": trigonometric.tan,
    "floor_": rounding.floor, "ceil_": rounding.ceil, "round_": rounding.round,
    "trunc_": rounding.trunc, "fix_": rounding.trunc, "frac_": rounding.frac,
    "reciprocal_": pointwise.reciprocal, "rsqrt_": pointwise.rsqrt, "exp2_": pointwise.exp2,
    "log2_": pointwise.log2, "log10_": pointwise.log10, "log1p_": pointwise.log1p,
    "expm1_": pointwise.expm1, "square_": pointwise.square, "sign_": pointwise.sign,
    "clip_": clamping.clip, "nan_to_num_": floating_point.nan_to_num, "addcmul_": arithmetic.addcmul,
    "addcdiv_": arithmetic.addcdiv,
    "asin_": trigonometric.asin, "acos_": trigonometric.acos, "atan_": trigonometric.atan,
    "sinh_": trigonometric.sinh, "cosh_": trigonometric.cosh, "asinh_": trigonometric.asinh,
    "acosh_": trigonometric.acosh, "atanh_": trigonometric.atanh, "arcsin_": trigonometric.arcsin,
    "arccos_": trigonometric.arccos, "arctan_": trigonometric.arctan,
    "arcsinh_": trigonometric.arcsinh, "arccosh_": trigonometric.arccosh,
    "arctanh_": trigonometric.arctanh, "erf_": special_functions.erf,
    "erfc_": special_functions.erfc, "logit_": activation.logit, "deg2rad_": trigonometric.deg2rad,
    "rad2deg_": trigonometric.rad2deg, "absolute_": pointwise.absolute,
    "negative_": arithmetic.negative, "sgn_": pointwise.sgn,
    "digamma_": special_functions.digamma, "erfinv_": special_functions.erfinv,
    "lgamma_": special_functions.lgamma, "sinc_": special_functions.sinc,
    "mvlgamma_": special_functions.mvlgamma,
}
# (remainder_ and pow_ are in inplace_arithmetic.py, with the operators' dtype and broadcast-shape
# errors)
_BINARY = {"fmod_": rounding.fmod, "lerp_": arithmetic.lerp, "atan2_": trigonometric.atan2,
           "arctan2_": trigonometric.arctan2, "hypot_": trigonometric.hypot,
           "xlogy_": special_functions.xlogy, "copysign_": floating_point.copysign,
           
           "gcd_": integer.gcd, "lcm_": integer.lcm}
_CAST_BACK = {"copysign_", "gcd_", "lcm_"}
_LOGICAL = {"eq_": comparison.eq, "ne_": comparison.ne, "lt_": comparison.lt, "le_": comparison.le,
            "gt_": comparison.gt, "ge_": comparison.ge, "logical_and_": comparison.logical_and,
            "logical_or_": comparison.logical_or, "logical_xor_": comparison.logical_xor,
            "logical_not_": comparison.logical_not}
_LOGICAL_EXAMPLES = {"eq_": "tensor([0., 1.])", "ne_": "tensor([1., 0.])",
                     "lt_": "tensor([1., 0.])", "le_": "tensor([1., 1.])",
                     "gt_": "tensor([0., 0.])", "ge_": "tensor([0., 1.])",
                     "logical_and_": "tensor([1., 1.])", "logical_or_": "tensor([1., 1.])",
                     "logical_xor_": "tensor([0., 0.])", "logical_not_": "tensor([0., 0.])"}
_EXAMPLE_INPUT = {"gcd_": "[4, 6]", "lcm_": "[4, 6]", "mvlgamma_": "[1.5, 4.]"}
_EXAMPLE_ARGS = {"eq_": "4", "ne_": "4", "lt_": "4", "le_": "4", "gt_": "4", "ge_": "4",
                 "logical_and_": "x", "logical_or_": "x", "logical_xor_": "x",
                 "copysign_": "-1", "nextafter_": "x", "ldexp_": "minigrad.tensor([1, 2])",
                 "heaviside_": "x", "gcd_": "x", "lcm_": "x", "mvlgamma_": "1",
                 "polygamma_": "1","fmod_": "2", "lerp_": "minigrad.ones(2), 0.5",
                 "addcmul_": "x, x", "addcdiv_": "x, x", "clip_": "0, 1", "atan2_": "x",
                 "arctan2_": "x", "hypot_": "x", "xlogy_": "x"}

# ------------------------------------------------------------------ the writes
_WRITES = {"scatter_": gather_scatter.scatter, "scatter_add_": gather_scatter.scatter_add,
           "tril_": diagonals.tril, "triu_": diagonals.triu, "index_add_": index_rows.index_add,
           "index_copy_": index_rows.index_copy, "index_fill_": index_rows.index_fill,
           "index_put_": scatter_views.index_put, "addmm_": products.addmm,
           "addr_": products.addr, "addbmm_": products.addbmm, "addmv_": products.addmv,
           "baddbmm_": products.baddbmm, "cumsum_": cumulative.cumsum,
           "cumprod_": cumulative.cumprod,
           "renorm_": norms.renorm}
_WRITE_EXAMPLE_INPUT = {"addmv_": "minigrad.ones(2)", "baddbmm_": "minigrad.ones(1, 2, 2)"}
_WRITE_EXAMPLE_ARGS = {"scatter_": "1, minigrad.tensor([[0], [1]]), 5.",
                       "scatter_add_": "1, minigrad.tensor([[0], [1]]), minigrad.ones(2, 1)",
                       "tril_": "", "triu_": "",
                       "index_add_": "0, minigrad.tensor([0]), minigrad.ones(1, 2)",
                       "index_copy_": "0, minigrad.tensor([1]), minigrad.zeros(1, 2)",
                       "index_fill_": "1, minigrad.tensor([0]), 3.",
                       "index_put_": "(minigrad.tensor([0]),), minigrad.tensor(5.)",
                       "addmm_": "minigrad.eye(2), minigrad.eye(2)",
                       "addr_": "minigrad.ones(2), minigrad.ones(2)",
                       "addbmm_": "minigrad.ones(1, 2, 2), minigrad.ones(1, 2, 2)",
                       "addmv_": "minigrad.eye(2), minigrad.ones(2)",
                       "baddbmm_": "minigrad.ones(1, 2, 2), minigrad.ones(1, 2, 2)",
                       "cumsum_": "0", "cumprod_": "1",
                       "renorm_": "2, 0, 1."}

def _check_addmv_(self, mat, vec, **kwargs):
    if self._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {self._data.ndim}, "
                           f"{mat._data.ndim}, {vec._data.ndim}")


def _check_cumulative_(self, dim, *, dtype=None):
    if dtype is not None and to_dtype(dtype).np != self._data.dtype:
        raise RuntimeError(f"Bad in-place call: input tensor dtype {c_type_name(self._data.dtype)} "
                           f"and output tensor dtype {c_type_name(to_dtype(dtype).np)} should "
                           "match")


# the in-place rules the out-of-place op does not check
_WRITE_CHECKS = {"addmv_": _check_addmv_, "cumsum_": _check_cumulative_,
                 "cumprod_": _check_cumulative_}

# the Tensor methods (installed by tensor_methods.py)
METHODS = {name: _inplace(fn, name) for name, fn in _UNARY.items()}
METHODS.update({name: _inplace(fn, name, binary=True, cast_back=name in _CAST_BACK)
                for name, fn in _BINARY.items()})
METHODS.update({name: _inplace_from(fn, name) for name, fn in _WRITES.items()})
METHODS.update({name: _inplace_logical(fn, name) for name, fn in _LOGICAL.items()})
_FLOAT_POWER = _inplace(arithmetic.float_power, "float_power_", binary=True)
METHODS["float_power_"] = float_power_
# PyTorch's other names for in-place ops (the same functions)
METHODS.update({"greater_": METHODS["gt_"], "greater_equal_": METHODS["ge_"],
                "less_": METHODS["lt_"], "less_equal_": METHODS["le_"],
                "not_equal_": METHODS["ne_"], "divide_": inplace_arithmetic.div_,
                "true_divide_": inplace_arithmetic.div_, "multiply_": inplace_arithmetic.mul_,
                "subtract_": inplace_arithmetic.sub_})

# the ones torch also has at top level (torch.exp_, torch.asin_ ...)
__all__ = ["exp_", "log_", "sqrt_", "abs_", "neg_", "sigmoid_", "tanh_", "sin_", "cos_", "tan_",
           "floor_", "ceil_", "round_", "trunc_", "fix_", "frac_", "reciprocal_", "rsqrt_",
           "exp2_", "log2_", "log10_", "log1p_", "expm1_", "square_", "clip_", "nan_to_num_",
           "asin_", "acos_", "atan_", "sinh_", "cosh_", "asinh_", "acosh_", "atanh_", "arcsin_",
           "arccos_", "arctan_", "arcsinh_", "arccosh_", "arctanh_", "erf_", "erfc_", "logit_",
           "deg2rad_", "rad2deg_", "negative_", "xlogy_", "addmv_", "gcd_", "lcm_", "sinc_"]
globals().update({name: METHODS[name] for name in __all__})
