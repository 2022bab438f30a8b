"""``Variable``: PyTorch 0.3's wrapper of a tensor that records its history, kept (as PyTorch
keeps it) for the code written before 0.4 merged Variables into tensors.

``Variable(t, requires_grad=True)`` returns a *tensor*: ``t`` detached (the same memory, no
history), with ``requires_grad`` set; ``t`` itself is left as it was. Every tensor is an instance
of ``Variable``. ``volatile=True`` (0.3's ``no_grad``) has no effect any more, with PyTorch's
warning.

Example::

    >>> from minigrad.autograd import Variable
    >>> x = minigrad.ones(2)
    >>> v = Variable(x, requires_grad=True)
    >>> v.requires_grad, x.requires_grad, isinstance(x, Variable)
    (True, False, True)
"""
import warnings

import numpy as np

from .._dtype import get_default_dtype
from ..tensor import Tensor, _wrap

__all__ = ["Variable", "variable"]


class _VariableMeta(type):
    def __instancecheck__(cls, other):
        return isinstance(other, Tensor)

    def __call__(cls, data=None, requires_grad=False, volatile=False, _grad_fn=None, name=None):
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with minigrad.no_grad():` "
                          "instead.", UserWarning, stacklevel=2)
            if requires_grad:
                raise ValueError("Variable can't be volatile and require_grad at the same time!")
        if data is None:
            var = _wrap(np.empty((0,), get_default_dtype().np))
        elif isinstance(data, Tensor):
            var = data.detach()
        else:
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if _grad_fn is not None:
            raise NotImplementedError("Variable(_grad_fn=...) is not supported by minigrad")
        var._set_requires_grad(bool(requires_grad), "Only Tensors of floating point and complex dtype "
                                              "can require gradients")
        if name is not None:
            var.__dict__["_variable_name"] = name  # (Tensor.name reads it)
        return var


class Variable(metaclass=_VariableMeta):
    """``Variable(data=None, requires_grad=False, volatile=False)``: ``data`` (a tensor) detached,
    with ``requires_grad`` set, as PyTorch's deprecated ``torch.autograd.Variable`` (see the
    module's docstring). ``isinstance(t, Variable)`` is True for every tensor."""


def variable(*args, **kwargs):
    """Removed in PyTorch (it raises there too): use ``minigrad.tensor``."""
    raise RuntimeError("minigrad.autograd.variable(...) is deprecated, use minigrad.tensor(...) "
                       "instead")
