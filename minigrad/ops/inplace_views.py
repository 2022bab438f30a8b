"""The in-place forms of the view ops that change a tensor's geometry: ``x.t_()``,
``x.transpose_(0, 1)``, ``x.swapaxes_(0, 1)``/``swapdims_``, ``x.squeeze_()``, ``x.unsqueeze_(0)``.

No element changes: as in PyTorch, the tensor itself takes the view's shape and strides (its
array becomes the view of the same memory), and, when it is in a graph, the view's node, so that
backward maps the gradient back to the old shape. Like any in-place op it bumps the version
counter, and on a leaf that requires grad (or a view of one) it is PyTorch's error.
"""
from ..autograd.grad_mode import _state
from . import permutation, shape

__all__ = []


def _geometry_inplace(view, name):
    """``name`` (e.g. ``"t_"``): the view op ``view`` applied to the tensor, which takes the
    result's geometry and history."""

    def method(self, *args, **kwargs):
        recording = _state.enabled and self._requires_grad
        if recording and self.grad_fn is None:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation.")
        base = self._base
        if recording and base is not None and base._requires_grad and base.grad_fn is None:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place "
                "operation.")
        try:
            result = view(self, *args, **kwargs)
        except RuntimeError as exc:  # the out-of-place op's message, named for this one
            raise RuntimeError(str(exc).replace(f"{name[:-1]}()", f"{name}()")) from None
        self._data = result._data
        if recording:
            self.grad_fn = result.grad_fn
        self._vc[0] += 1
        return self

    method.__name__ = method.__qualname__ = name
    method.__doc__ = (
        f"In-place version of ``{name[:-1]}``: this tensor takes the view's shape and strides "
        f"(no element is copied), and is returned.\n\n    Example::\n\n"
        f"        >>> x = minigrad.zeros(2, 3)\n"
        f"        >>> x.{name}({_EXAMPLE_ARGS[name]}).shape\n"
        f"        {_EXAMPLE_SHAPES[name]}\n")
    return method


_VIEWS = {"t_": permutation.t, "transpose_": permutation.transpose,
          "swapaxes_": permutation.swapaxes, "swapdims_": permutation.swapdims,
          "squeeze_": shape.squeeze, "unsqueeze_": shape.unsqueeze}
_EXAMPLE_ARGS = {"t_": "", "transpose_": "0, 1", "swapaxes_": "0, 1", "swapdims_": "1, 0",
                 "squeeze_": "", "unsqueeze_": "0"}
_EXAMPLE_SHAPES = {"t_": "minigrad.Size([3, 2])", "transpose_": "minigrad.Size([3, 2])",
                   "swapaxes_": "minigrad.Size([3, 2])", "swapdims_": "minigrad.Size([3, 2])",
                   "squeeze_": "minigrad.Size([2, 3])", "unsqueeze_": "minigrad.Size([1, 2, 3])"}

# the Tensor methods (installed by tensor_methods.py)
METHODS = {name: _geometry_inplace(fn, name) for name, fn in _VIEWS.items()}
