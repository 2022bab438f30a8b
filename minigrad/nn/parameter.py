"""``nn.Parameter``: a tensor that a ``Module`` registers as one of its learnable parameters."""
import copy

from ..ops._util import qualified_type_name as _type_name
from ..tensor import Tensor, _wrap

__all__ = ["Parameter", "Buffer"]

_new = object.__new__


def _check_data(cls_name, data):
    # PyTorch fails later with "'list' object has no attribute 'detach'" (an AttributeError);
    # minigrad names the argument (a documented difference)
    if not isinstance(data, Tensor):
        raise TypeError(f"{cls_name}(): argument 'data' must be a Tensor, not {_type_name(data)}")


class Parameter(Tensor):
    """A Tensor that is a module parameter (as ``torch.nn.Parameter``).

    Assigning a Parameter as a module attribute (``self.weight = Parameter(...)``) registers it:
    it then appears in ``module.parameters()`` and in the ``state_dict``. It shares its data with
    the tensor it wraps (no copy) and requires grad by default.

    Args:
        data (Tensor): the initial value (an empty float tensor if None).
        requires_grad (bool): whether the parameter requires gradient. Default: ``True``. Only
            floating-point data can require it (PyTorch's RuntimeError otherwise).

    ``Parameter(p)`` of a Parameter is a new Parameter sharing ``p``'s memory. Data that is not
    a Tensor is a TypeError naming the argument (PyTorch: an AttributeError).

    Example::

        >>> w = nn.Parameter(minigrad.zeros(2, 3))
        >>> w.shape, w.requires_grad
        (minigrad.Size([2, 3]), True)
    """

    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from ..creation import empty

            data = empty(0)
        _check_data("Parameter", data)
        if not isinstance(requires_grad, bool):
            raise TypeError(f"_make_subclass(): argument 'require_grad' (position 3) must be bool, "
                            f"not {_type_name(requires_grad)}")
        if requires_grad and data._data.dtype.kind != "f":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        p = _new(cls)
        p._data = data._data
        p._requires_grad = False
        p._grad = None
        p.grad_fn = None
        p._vc = data._vc  # the same memory, so the same version counter
        p._base = None
        if requires_grad:
            p.requires_grad_(True)
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        # as torch.nn.Parameter: the data and requires_grad are copied, the .grad is not (unlike
        # a plain tensor's deepcopy)
        result = type(self)(_wrap(self._data.copy()), self._requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self._data, self._requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(_wrap(data), requires_grad)


class Buffer(Tensor):
    """Marks a tensor to be registered as a module buffer when assigned as an attribute
    (``self.running_mean = nn.Buffer(minigrad.zeros(3))``), as ``torch.nn.Buffer``.

    ``Buffer(data, persistent=True)`` returns a plain-Tensor-sharing object that ``Module``
    recognises; ``persistent=False`` keeps it out of the ``state_dict``.

    Example::

        >>> m = nn.Module()
        >>> m.mean = nn.Buffer(minigrad.zeros(2))
        >>> m.tmp = nn.Buffer(minigrad.zeros(2), persistent=False)
        >>> [name for name, _ in m.named_buffers()], list(m.state_dict())
        (['mean', 'tmp'], ['mean'])
    """

    __slots__ = ()

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            from ..creation import empty

            data = empty(0)
        _check_data("Buffer", data)
        b = _new(cls)
        b._data = data._data
        b._requires_grad = data._requires_grad
        b._grad = None
        b.grad_fn = None
        b._vc = data._vc
        b._base = None
        b.__dict__["persistent"] = persistent
        return b

    def __init__(self, data=None, *, persistent=True):
        pass

    def __deepcopy__(self, memo):
        return copy.deepcopy(_wrap(self._data), memo)
