"""The in-place versions of elementwise ops: ``x.exp_()``, ``x.floor_()``, ``x.lerp_(end, w)``...

Each is built from its out-of-place op by ``apply_inplace`` (``inplace.py``): without autograd
the result is written into the tensor's array; when a gradient is needed the op is recorded on a
snapshot and the tensor takes the new node (a leaf that requires grad is PyTorch's error). The
result's dtype must fit the tensor's (``int_tensor.exp_()`` is PyTorch's RuntimeError).
"""
import numpy as np

from .._dtype import from_numpy_dtype
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor, _wrap
from . import arithmetic, pointwise, special
from .inplace import _NAMES, _check_cast, apply_inplace

# the ones torch also has at top level (torch.exp_, torch.floor_ ...)
_TOP_LEVEL = ["exp_", "log_", "sqrt_", "abs_", "neg_", "sigmoid_", "tanh_", "sin_", "cos_", "tan_",
              "floor_", "ceil_", "round_", "trunc_", "fix_", "frac_", "reciprocal_", "rsqrt_",
              "exp2_", "log2_", "log10_", "log1p_", "expm1_", "square_", "clip_", "nan_to_num_"]
__all__ = list(_TOP_LEVEL)


def _check_result_dtype(t, result_dtype):
    if np.dtype(result_dtype).kind == "f" and t._data.dtype.kind != "f" or \
            np.dtype(result_dtype).kind in "iu" and t._data.dtype.kind == "b":
        res = from_numpy_dtype(np.dtype(result_dtype)).name
        raise RuntimeError(f"result type {_NAMES.get(res, res)} can't be cast to the desired "
                           f"output type {_NAMES.get(t.dtype.name, t.dtype.name)}")


def _inplace(fn, name, binary=False):
    """``name`` (e.g. ``"exp_"``): ``fn`` applied to the tensor, written back into it."""

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


_EXAMPLE_ARGS = {"fmod_": "2", "lerp_": "minigrad.ones(2), 0.5",
                 "addcmul_": "x, x", "addcdiv_": "x, x", "clip_": "0, 1", "atan2_": "x",
                 "arctan2_": "x", "hypot_": "x", "xlogy_": "x"}

_UNARY = {
    "exp_": pointwise.exp, "log_": pointwise.log, "sqrt_": pointwise.sqrt, "abs_": pointwise.abs,
    "neg_": arithmetic.neg, "sigmoid_": pointwise.sigmoid, "tanh_": pointwise.tanh,
    "sin_": pointwise.sin, "cos_": pointwise.cos, "tan_": special.tan, "floor_": special.floor,
    "ceil_": special.ceil, "round_": special.round, "trunc_": special.trunc, "fix_": special.trunc,
    "frac_": special.frac, "reciprocal_": special.reciprocal, "rsqrt_": special.rsqrt,
    "exp2_": special.exp2, "log2_": special.log2, "log10_": special.log10,
    "log1p_": pointwise.log1p, "expm1_": special.expm1, "square_": pointwise.square,
    "sign_": pointwise.sign, "clip_": special.clip, "nan_to_num_": special.nan_to_num,
    "addcmul_": special.addcmul, "addcdiv_": special.addcdiv,
}
# remainder_ and pow_ are in inplace.py, with the operators' dtype and broadcast-shape errors
_BINARY = {"fmod_": special.fmod, "lerp_": special.lerp}

METHODS = {name: _inplace(fn, name) for name, fn in _UNARY.items()}
METHODS.update({name: _inplace(fn, name, binary=True) for name, fn in _BINARY.items()})
globals().update({name: METHODS[name] for name in _TOP_LEVEL})
