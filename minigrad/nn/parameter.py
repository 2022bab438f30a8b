"""``nn.Parameter``: a tensor that a ``Module`` registers as one of its learnable parameters."""
import copy

from ..ops._util import qualified_type_name as _type_name
from ..tensor import Tensor, _wrap

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer"]

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


# ---------------------------------------------------------------- parameters of unknown shape
_STORAGE = Tensor.__dict__["_data"]  # the slot: the uninitialised kinds hide it behind a property
_USE_ERROR = (
    "Attempted to use an uninitialized parameter in {}. This error happens when you are using "
    "a `LazyModule` or explicitly manipulating `minigrad.nn.parameter.UninitializedParameter` "
    "objects. When using LazyModules Call `forward` with a dummy batch to initialize the "
    "parameters before calling minigrad functions"
)
_SHAPE_ERROR = (
    "Can't access the shape of an uninitialized parameter or buffer. This error usually happens "
    "in `load_state_dict` when trying to load an uninitialized parameter into an initialized "
    "one. Call `forward` to initialize the parameters before accessing their attributes."
)


def _caller():
    """The minigrad function that touched an uninitialised tensor's data, for the error."""
    import sys

    frame, found = sys._getframe(2), None
    while frame is not None and frame.f_globals.get("__name__", "").startswith("minigrad"):
        name = frame.f_code.co_name  # the outermost public function (the one the user called)
        if not name.startswith("_") and name != "method":
            found = name
        frame = frame.f_back
    return f"<method '{found}' of 'minigrad.Tensor' objects>" if found else "a minigrad function"


class UninitializedTensorMixin:
    """What ``UninitializedParameter`` and ``UninitializedBuffer`` share: a dtype and
    ``requires_grad`` but no shape yet; any use of their data is PyTorch's ValueError until
    ``materialize(shape)`` gives them one (and turns them into a ``Parameter`` / ``Tensor``)."""

    __slots__ = ()
    cls_to_become = None

    @property
    def _data(self):
        raise ValueError(_USE_ERROR.format(_caller()))

    @_data.setter
    def _data(self, value):
        _STORAGE.__set__(self, value)

    @property
    def shape(self):
        raise RuntimeError(_SHAPE_ERROR)

    @property
    def dtype(self):
        from .._dtype import from_numpy_dtype

        return from_numpy_dtype(_STORAGE.__get__(self).dtype)

    @property
    def data(self):
        return _wrap(_STORAGE.__get__(self))

    def is_floating_point(self):
        return _STORAGE.__get__(self).dtype.kind == "f"

    def requires_grad_(self, requires_grad=True):
        raise ValueError(_USE_ERROR.format("<method 'requires_grad_' of 'minigrad.Tensor' objects>"))

    def materialize(self, shape, device=None, dtype=None):
        """Give the tensor its shape (uninitialised memory, as ``torch.empty``; the lazy module
        then initialises it) and turn it into a ``Parameter`` (a ``Tensor`` for a buffer).

        Example::

            >>> p = nn.UninitializedParameter()
            >>> p.materialize((2, 3))
            >>> type(p).__name__, p.shape
            ('Parameter', minigrad.Size([2, 3]))
        """
        import numpy as np

        from .. import _device
        from .._dtype import to_dtype

        _device.place(device)
        np_dtype = _STORAGE.__get__(self).dtype if dtype is None else to_dtype(dtype).np
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        _STORAGE.__set__(self, np.empty(shape, np_dtype))
        self.__class__ = self.cls_to_become

    def _retype(self, np_dtype):
        import numpy as np

        _STORAGE.__set__(self, np.empty(0, np_dtype))

    def to(self, *args, **kwargs):
        from ..ops.tensor_methods import to as _to

        return _to(_wrap(_STORAGE.__get__(self)), *args, **kwargs)

    def __repr__(self):
        return f"<{type(self).__name__}>"

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        new = type(self)(requires_grad=self._requires_grad, dtype=self.dtype)
        memo[id(self)] = new
        return new

    def __reduce_ex__(self, protocol):
        return (type(self), (self._requires_grad, None, self.dtype))


def _uninitialized(cls, requires_grad, device, dtype):
    import numpy as np

    from .. import _device
    from .._dtype import get_default_dtype, to_dtype

    _device.place(device)
    t = _new(cls)
    _STORAGE.__set__(t, np.empty(0, (get_default_dtype() if dtype is None else to_dtype(dtype)).np))
    t._requires_grad = requires_grad
    t._grad = None
    t.grad_fn = None
    t._vc = [0]
    t._base = None
    return t


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A parameter whose shape is not known yet (``torch.nn.UninitializedParameter``), as the
    weights of a lazy module (``nn.LazyLinear``) hold until their first forward. Using it is an
    error until ``materialize(shape)`` makes it a ``Parameter``.

    Example::

        >>> lin = nn.LazyLinear(3)
        >>> lin.weight
        <UninitializedParameter>
        >>> _ = lin(minigrad.zeros(2, 5))
        >>> lin.weight.shape
        minigrad.Size([3, 5])
    """

    __slots__ = ()
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        return _uninitialized(cls, requires_grad, device, dtype)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet (``torch.nn.UninitializedBuffer``); ``materialize``
    makes it a ``Tensor``.

    Example::

        >>> b = nn.UninitializedBuffer()
        >>> b.materialize((4,))
        >>> type(b).__name__, b.shape
        ('Tensor', minigrad.Size([4]))
    """

    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None):
        return _uninitialized(cls, requires_grad, device, dtype)

    def __init__(self, requires_grad=False, device=None, dtype=None):
        pass


def dematerialize(param, lazy_class, np_dtype):
    """Turn a materialised parameter back into the uninitialised one it was (a checking pass of
    ``load_state_dict`` gave it a shape)."""
    import numpy as np

    param.__class__ = lazy_class
    _STORAGE.__set__(param, np.empty(0, np_dtype))


def is_lazy(param):
    """True for an uninitialised parameter or buffer."""
    return isinstance(param, UninitializedTensorMixin)
