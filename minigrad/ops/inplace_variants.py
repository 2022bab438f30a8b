"""The in-place versions of out-of-place ops, generated: ``x.exp_()``, ``x.floor_()``,
``x.lerp_(end, w)``, ``x.asin_()`` ..., and ``x.scatter_()``, ``x.index_add_()``, ``x.tril_()`` ...

Each is built from its out-of-place op by ``apply_inplace`` (``inplace.py``): without autograd
the result is written into the tensor's array; when a gradient is needed the op is recorded on a
snapshot and the tensor takes the new node (a leaf that requires grad is PyTorch's error). For
the elementwise ones the result's dtype must fit the tensor's (``int_tensor.exp_()`` is PyTorch's
RuntimeError).
"""
import numpy as np

from .._dtype import from_numpy_dtype
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor, _wrap
from . import (activation, arithmetic, clamping, diagonals, floating_point, gather_scatter,
               index_rows, pointwise, rounding, scatter_views, special_functions, trigonometric)
from .inplace import _NAMES, _check_cast, apply_inplace


def _check_result_dtype(t, result_dtype):
    if np.dtype(result_dtype).kind == "f" and t._data.dtype.kind != "f" or \
            np.dtype(result_dtype).kind in "iu" and t._data.dtype.kind == "b":
        res = from_numpy_dtype(np.dtype(result_dtype)).name
        raise RuntimeError(f"result type {_NAMES.get(res, res)} can't be cast to the desired "
                           f"output type {_NAMES.get(t.dtype.name, t.dtype.name)}")


def _inplace(fn, name, binary=False):
    """``name`` (e.g. ``"exp_"``): the elementwise ``fn`` applied to the tensor, written back
    into it (an error if the result's dtype does not fit the tensor's)."""

    def method(self, *args, **kwargs):
        others = tuple(a for a in list(args) + list(kwargs.values()) if isinstance(a, Tensor))
        if binary and args:
            _check_cast(self, args[0])
        with no_grad():  # the result's dtype, without recording anything
            probe = fn(_wrap(self._data.reshape(-1)[:1].copy()), *args, **kwargs)
        _check_result_dtype(self, probe._data.dtype)

        def write(data):
            with no_grad(), np.errstate(all="ignore"):
                np.copyto(data, fn(_wrap(data), *args, **kwargs)._data, casting="unsafe")

        return apply_inplace(self, lambda old: fn(old, *args, **kwargs), write, others=others)

    method.__name__ = method.__qualname__ = name
    out_of_place = name[:-1]
    method.__doc__ = (
        f"In-place version of ``{out_of_place}``: this tensor's elements are replaced by the "
        f"result, and this tensor is returned.\n\n    Example::\n\n"
        f"        >>> x = minigrad.tensor([0.25, 4.])\n"
        f"        >>> x.{name}({_EXAMPLE_ARGS.get(name, '')}) is x\n"
        f"        True\n"
    )
    return method


def _inplace_from(out_of_place, name):
    """``name`` (e.g. ``"scatter_"``): ``out_of_place`` applied to the tensor, written back into
    it (cast to the tensor's dtype)."""

    def method(self, *args, **kwargs):
        others = tuple(a for a in list(args) + list(kwargs.values()) if isinstance(a, Tensor))

        def write(data):
            np.copyto(data, out_of_place(_wrap(data), *args, **kwargs)._data, casting="unsafe")

        return apply_inplace(self, lambda old: out_of_place(old, *args, **kwargs), write,
                             others=others)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = (f"In-place version of ``{name[:-1]}``: writes the result into this tensor "
                      f"and returns it.\n\n    Example::\n\n"
                      f"        >>> x = minigrad.ones(2, 2)\n"
                      f"        >>> x.{name}({_WRITE_EXAMPLE_ARGS[name]}) is x\n        True\n")
    return method


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
}
# (remainder_ and pow_ are in inplace_arithmetic.py, with the operators' dtype and broadcast-shape
# errors)
_BINARY = {"fmod_": rounding.fmod, "lerp_": arithmetic.lerp, "atan2_": trigonometric.atan2,
           "arctan2_": trigonometric.arctan2, "hypot_": trigonometric.hypot,
           "xlogy_": special_functions.xlogy}
_EXAMPLE_ARGS = {"fmod_": "2", "lerp_": "minigrad.ones(2), 0.5",
                 "addcmul_": "x, x", "addcdiv_": "x, x", "clip_": "0, 1", "atan2_": "x",
                 "arctan2_": "x", "hypot_": "x", "xlogy_": "x"}

# ------------------------------------------------------------------ the writes
_WRITES = {"scatter_": gather_scatter.scatter, "scatter_add_": gather_scatter.scatter_add,
           "tril_": diagonals.tril, "triu_": diagonals.triu, "index_add_": index_rows.index_add,
           "index_copy_": index_rows.index_copy, "index_fill_": index_rows.index_fill,
           "index_put_": scatter_views.index_put}
_WRITE_EXAMPLE_ARGS = {"scatter_": "1, minigrad.tensor([[0], [1]]), 5.",
                       "scatter_add_": "1, minigrad.tensor([[0], [1]]), minigrad.ones(2, 1)",
                       "tril_": "", "triu_": "",
                       "index_add_": "0, minigrad.tensor([0]), minigrad.ones(1, 2)",
                       "index_copy_": "0, minigrad.tensor([1]), minigrad.zeros(1, 2)",
                       "index_fill_": "1, minigrad.tensor([0]), 3.",
                       "index_put_": "(minigrad.tensor([0]),), minigrad.tensor(5.)"}

# the Tensor methods (installed by tensor_methods.py)
METHODS = {name: _inplace(fn, name) for name, fn in _UNARY.items()}
METHODS.update({name: _inplace(fn, name, binary=True) for name, fn in _BINARY.items()})
METHODS.update({name: _inplace_from(fn, name) for name, fn in _WRITES.items()})

# the ones torch also has at top level (torch.exp_, torch.asin_ ...)
__all__ = ["exp_", "log_", "sqrt_", "abs_", "neg_", "sigmoid_", "tanh_", "sin_", "cos_", "tan_",
           "floor_", "ceil_", "round_", "trunc_", "fix_", "frac_", "reciprocal_", "rsqrt_",
           "exp2_", "log2_", "log10_", "log1p_", "expm1_", "square_", "clip_", "nan_to_num_",
           "asin_", "acos_", "atan_", "sinh_", "cosh_", "asinh_", "acosh_", "atanh_", "arcsin_",
           "arccos_", "arctan_", "arcsinh_", "arccosh_", "arctanh_", "erf_", "erfc_", "logit_",
           "deg2rad_", "rad2deg_", "negative_", "xlogy_"]
globals().update({name: METHODS[name] for name in __all__})
