"""``minigrad.Tensor``: an n-dimensional array that can record the operations applied to it.

A Tensor holds its elements in a numpy array (``_data``). The autograd state is four fields:

* ``requires_grad``: whether gradients should flow to (or through) this tensor;
* ``grad_fn``: the node that computed it (None for leaves: tensors created by the user);
* ``grad``: for leaves, the gradient accumulated by ``backward()``;
* ``_vc``: a version counter, shared with views, bumped by in-place operations, so that backward
  can tell when an array it saved has been overwritten.

This module is the bottom of the package: it imports nothing of minigrad's but dtypes, devices
and printing. The operations are defined on top of it, in ``minigrad/ops/``, which installs them
as methods and operators (``x.sum()``, ``x + y``, ``x[i]``: ``ops/tensor_methods.py``); the
backward pass is ``autograd/engine.py``, which ``backward()`` reaches at call time.
"""
import copy
import numbers
import operator
import warnings

import numpy as np

from . import _device, _dtype, _layout, _left_out, _tensor_str
from ._dtype import from_numpy_dtype

__all__ = ["Tensor", "Size"]

_new = object.__new__
_tuple_new = tuple.__new__
_ndarray = np.ndarray


class Size(tuple):
    """The shape of a tensor: a tuple of ints (``torch.Size``), as returned by ``x.shape`` and
    ``x.size()``.

    Example::

        >>> s = minigrad.zeros(2, 3).shape
        >>> s
        minigrad.Size([2, 3])
        >>> s[1], s.numel(), tuple(s)
        (3, 6, (2, 3))
    """

    __slots__ = ()

    def __new__(cls, iterable=()):
        items = []
        for i, s in enumerate(iterable):
            try:
                items.append(s if type(s) is int else operator.index(s))  # 0-d int tensors too
            except TypeError:
                raise TypeError(
                    f"minigrad.Size() takes an iterable of 'int' (item {i} is '{type(s).__name__}')"
                ) from None
        return tuple.__new__(cls, items)

    def __repr__(self):
        return f"minigrad.Size({list(self)})"

    # Size op tuple is a Size, as in torch
    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple.__add__(other, self))

    def __mul__(self, times):
        return Size(tuple.__mul__(self, times))

    __rmul__ = __mul__

    def numel(self):
        """The number of elements of a tensor of this shape (the product of the sizes).

        Example::

            >>> minigrad.Size([2, 3, 4]).numel()
            24
        """
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return tuple.__new__(Size, r) if isinstance(item, slice) else r


def parse_size(args):
    """The shape given as ``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(size_tensor)``, checked
    as PyTorch checks it (by ``Tensor(2, 3)`` and the factories ``zeros``, ``ones`` ...)."""
    if len(args) == 1 and not isinstance(args[0], numbers.Integral):
        args = args[0]
        if isinstance(args, Tensor):
            args = args.tolist()
    try:
        shape = tuple(args)
    except TypeError:
        raise TypeError(f"size must be a tuple of ints, but got {type(args).__name__}") from None
    shape = tuple(_size_item(s) for s in shape)
    if any(s < 0 for s in shape):
        neg = next(s for s in shape if s < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {neg}: {list(shape)}")
    return shape


def _size_item(s):
    if isinstance(s, Tensor) and s._data.dtype.kind in "iu" and s._data.size == 1:
        return int(s._data.reshape(()))  # a one-element integer tensor counts as its value, as in torch
    if not isinstance(s, numbers.Integral) or isinstance(s, bool):
        raise TypeError(f"size must be a tuple of ints, but got an element of type {type(s).__name__}")
    return int(s)


def canonical_dim(dim, ndim):
    """``dim`` as a non-negative index into ``ndim`` dimensions (negative counts from the end),
    with PyTorch's IndexError for out-of-range values (a 0-d tensor accepts -1 and 0)."""
    n = max(ndim, 1)
    if isinstance(dim, Tensor) and dim._data.ndim == 0 and dim._data.dtype.kind in "iu":
        dim = int(dim._data)  # a 0-d integer tensor is accepted as a dim, as in torch
    if not isinstance(dim, numbers.Integral) or isinstance(dim, bool):
        raise TypeError(f"dim must be an int, not {type(dim).__name__}")
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return dim % n if ndim else 0


_autograd_module = None


def _autograd():
    """``minigrad.autograd``: the backward engine and the tensor hooks build on this module (the
    graph holds Tensors), so ``backward()``, ``register_hook()`` and ``retain_grad()`` import it
    here, when they first run (then it is kept: an import statement costs about a microsecond
    even for a module already loaded)."""
    global _autograd_module
    if _autograd_module is None:
        from . import autograd

        _autograd_module = autograd
    return _autograd_module


def _wrap(data, base=None):
    """Make a Tensor around a numpy array (no copy). ``base``: the tensor this one is a view of."""
    if type(data) is not _ndarray:
        data = np.asarray(data)
    t = _new(Tensor)
    t._data = data
    t._requires_grad = False
    t._grad = None
    t.grad_fn = None
    if base is None:
        t._vc = [0]
        t._base = None
    else:
        t._vc = base._vc
        t._base = base
        t._base_fn = base.grad_fn  # the base's history this view was made from (see sync_view)
    return t


class Tensor:
    """A multi-dimensional array with autograd, as ``torch.Tensor``.

    Create tensors with the factory functions (``minigrad.tensor``, ``zeros``, ``randn`` ...).
    ``minigrad.Tensor(2, 3)`` makes an uninitialised float tensor of that shape and
    ``minigrad.Tensor([1, 2])`` a float tensor from data, as in PyTorch.

    Example::

        >>> x = minigrad.tensor([[1., 2.], [3., 4.]], requires_grad=True)
        >>> y = (x * x).sum()
        >>> y.backward()
        >>> x.grad
        tensor([[2., 4.],
                [6., 8.]])
    """

    __slots__ = ("_data", "_requires_grad", "_grad", "grad_fn", "_vc", "_base", "_base_fn",
                 "__weakref__", "__dict__")
    __array_priority__ = 1000

    def __new__(cls, *args):
        if not args:
            args = (0,)  # Tensor() is an empty 1-D float tensor
        if len(args) == 1 and not isinstance(args[0], numbers.Integral):
            data = args[0]._data if isinstance(args[0], Tensor) else args[0]
            arr = np.array(data, dtype=_dtype.get_default_dtype().np)
        else:
            arr = np.empty(parse_size(args), dtype=_dtype.get_default_dtype().np)
        t = _wrap(arr)
        if cls is not Tensor:
            t.__class__ = cls
        return t

    # ------------------------------------------------------------------ attributes
    @property
    def shape(self):
        """The tensor's shape, a ``minigrad.Size`` (a tuple); the same as ``size()``.

        Example::

            >>> minigrad.zeros(2, 3).shape
            minigrad.Size([2, 3])
        """
        return _tuple_new(Size, self._data.shape)

    @property
    def dtype(self):
        """The tensor's data type (``minigrad.float32``, ``minigrad.int64`` ...).

        Example::

            >>> minigrad.tensor([1, 2]).dtype, minigrad.tensor([1., 2.]).dtype
            (minigrad.int64, minigrad.float32)
        """
        return from_numpy_dtype(self._data.dtype)

    @property
    def ndim(self):
        """The number of dimensions (``dim()``)."""
        return self._data.ndim

    @property
    def device(self):
        """The device the tensor is on: always the CPU (``device(type='cpu')``)."""
        return _device.cpu

    # what PyTorch's tensors say about where and how they are stored: minigrad's tensors are
    # dense arrays in the CPU's memory
    is_cuda = False
    is_cpu = True
    is_sparse = False
    is_quantized = False
    is_meta = False
    is_mps = False
    is_nested = False

    @property
    def layout(self):
        """The tensor's layout: always ``minigrad.strided`` (dense)."""
        return _layout.strided

    def get_device(self):
        """-1: the tensor is on the CPU (a CUDA tensor would give its device index)."""
        return -1

    def __getattr__(self, name):
        # only reached for a name neither the class nor the tensor has: for one PyTorch's Tensor
        # has and minigrad leaves out, the error says why (_left_out.py)
        raise _left_out.missing("Tensor", name, f"'{type(self).__name__}' object")

    @property
    def is_leaf(self):
        """True for tensors that were not computed by a recorded operation: tensors created by the user
        (and results computed without a gradient). Only leaves get ``.grad`` filled by ``backward()``
        (other tensors need ``retain_grad()``).

        Example::

            >>> x = minigrad.ones(2, requires_grad=True)
            >>> x.is_leaf, (x * 2).is_leaf
            (True, False)
        """
        return self.grad_fn is None

    @property
    def requires_grad(self):
        """Whether gradients should be computed for this tensor (settable on leaves; only floating-point
        tensors can require gradients). Results of operations on such tensors require them too.

        Example::

            >>> x = minigrad.ones(2)
            >>> x.requires_grad = True
            >>> (x * 2).requires_grad
            True
        """
        base = self._base
        if (not self._requires_grad and base is not None and base._requires_grad
                and base.grad_fn is not self._base_fn):
            return True  # its base was written in place by an op that needs a gradient (PyTorch)
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        self._set_requires_grad(value, "only Tensors of floating point and complex dtype can require gradients")

    @property
    def grad(self):
        """The gradient accumulated into this tensor by ``backward()`` (None until then). Filled for
        leaves, and for non-leaf tensors that called ``retain_grad()``; reading it on another non-leaf
        tensor warns, as in PyTorch. It may be assigned (a tensor of the same shape and dtype, or None).

        Example::

            >>> x = minigrad.tensor([1., 2.], requires_grad=True)
            >>> (x * x).sum().backward()
            >>> x.grad
            tensor([2., 4.])
        """
        if self.grad_fn is not None and not self.retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                ".grad attribute won't be populated during autograd.backward(). If you indeed want "
                "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
                "non-leaf Tensor.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                kind = type(value)
                name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__.split('.')[0]}.{kind.__name__}"
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {name}")
            if value is self:
                raise RuntimeError("can't assign Variable as its own grad")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_dtype.c_type_name(value._data.dtype)}' to a "
                    f"tensor with grad_dtype '{_dtype.scalar_type_name(self._data.dtype)}'. The gradient must "
                    "match the tensor's grad_dtype (defaults to the tensor's dtype)."
                )
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a tensor of size "
                    f"'{list(self._data.shape)}'. Please ensure that the gradient and the tensor are the same size"
                )
        self._grad = value

    @property
    def data(self):
        """The same storage, detached from the graph (prefer ``detach()`` or ``no_grad()``).

        As in PyTorch, changes made through ``.data`` are not seen by autograd's version checks
        (``.data`` has its own version counter); ``detach()`` shares the counter. Assigning a tensor to
        ``.data`` replaces this tensor's storage.

        Example::

            >>> w = minigrad.ones(2, requires_grad=True)
            >>> w.data.mul_(3)
            tensor([3., 3.])
            >>> w
            tensor([3., 3.], requires_grad=True)
        """
        return _wrap(self._data)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        self._data = value._data

    @property
    def retains_grad(self):
        """True if this non-leaf tensor will have ``.grad`` filled by ``backward()`` (``retain_grad()``)."""
        fn = self.grad_fn
        return fn is not None and fn._hooks is not None and fn._hooks.retain is not None

    @property
    def volatile(self):
        """Always False: PyTorch 0.3's ``volatile`` was replaced by ``no_grad()`` (reading or setting
        it warns, as in PyTorch)."""
        warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning,
                      stacklevel=2)
        return False

    @volatile.setter
    def volatile(self, value):
        warnings.warn("volatile was removed and now has no effect. Use `with minigrad.no_grad():` "
                      "instead.", UserWarning, stacklevel=2)

    @property
    def name(self):
        """The name given by ``autograd.Variable(..., name=...)``, else None (read-only)."""
        return self.__dict__.get("_variable_name")

    @property
    def itemsize(self):
        """The size of one element in bytes (``element_size()``)."""
        return self._data.itemsize

    @property
    def nbytes(self):
        """The size of the tensor's elements in bytes (``numel() * element_size()``)."""
        return self._data.size * self._data.itemsize

    @property
    def _version(self):
        return self._vc[0]

    def size(self, dim=None):
        """The tensor's shape, a ``minigrad.Size``, or the size of dimension ``dim``.

        Example::

            >>> x = minigrad.zeros(2, 3)
            >>> x.size()
            minigrad.Size([2, 3])
            >>> x.size(-1)
            3
        """
        if dim is None:
            return _tuple_new(Size, self._data.shape)
        return self._data.shape[canonical_dim(dim, self._data.ndim)]

    def dim(self):
        """The number of dimensions of the tensor (``ndim``).

        Example::

            >>> minigrad.zeros(2, 3).dim()
            2
        """
        return self._data.ndim

    def numel(self):
        """The number of elements of the tensor (``nelement()`` is an alias).

        Example::

            >>> minigrad.zeros(2, 3).numel()
            6
        """
        return self._data.size

    nelement = numel

    def element_size(self):
        """The size of one element in bytes.

        Example::

            >>> minigrad.zeros(2).element_size(), minigrad.zeros(2, dtype=minigrad.float64).element_size()
            (4, 8)
        """
        return self._data.itemsize

    def is_floating_point(self):
        """True if the tensor's dtype is a floating-point type.

        Example::

            >>> minigrad.tensor([1.]).is_floating_point(), minigrad.tensor([1]).is_floating_point()
            (True, False)
        """
        return self._data.dtype.kind == "f"

    def is_contiguous(self, memory_format=None):
        """True if the elements are laid out in memory in row-major (C) order without gaps.

        Example::

            >>> x = minigrad.zeros(2, 3)
            >>> x.is_contiguous(), x.t().is_contiguous()
            (True, False)
        """
        return self._data.flags.c_contiguous

    def stride(self, dim=None):
        """The step, in elements, between consecutive elements along each dimension (a tuple), or along
        dimension ``dim``.

        Example::

            >>> x = minigrad.zeros(2, 3)
            >>> x.stride(), x.t().stride()
            ((3, 1), (1, 3))
        """
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[canonical_dim(dim, self._data.ndim)]

    def data_ptr(self):
        """The address of the tensor's first element (tensors sharing memory have related addresses)."""
        return self._data.__array_interface__["data"][0]

    def _is_view(self):
        return self._base is not None

    # ------------------------------------------------------------------ conversion
    def item(self):
        """The value of a one-element tensor as a Python number.

        Example::

            >>> minigrad.tensor([[2.5]]).item()
            2.5
        """
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.reshape(()).item()

    def tolist(self):
        """The tensor as (nested) Python lists of Python numbers; a 0-d tensor gives a number.

        Example::

            >>> minigrad.tensor([[1, 2], [3, 4]]).tolist()
            [[1, 2], [3, 4]]
        """
        return self._data.tolist()

    def numpy(self, force=False):
        """The numpy array sharing this tensor's memory (as ``torch.Tensor.numpy``): changes to one show
        in the other. An error for a tensor that requires grad unless ``force=True`` (use
        ``detach().numpy()``).

        Example::

            >>> x = minigrad.zeros(3)
            >>> a = x.numpy()
            >>> a[0] = 5
            >>> x
            tensor([5., 0., 0.])
        """
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
            )
        return self._data

    def __array__(self, dtype=None, copy=None):
        arr = self.numpy()
        if dtype is not None and np.dtype(dtype) != arr.dtype:
            return arr.astype(dtype)
        return arr.copy() if copy else arr

    def detach(self):
        """A tensor sharing this one's data (and version counter), outside the graph: no gradient flows
        through it.

        Example::

            >>> x = minigrad.ones(2, requires_grad=True)
            >>> y = (x * 2).detach()
            >>> y.requires_grad, y.grad_fn
            (False, None)
        """
        t = _wrap(self._data)
        t._vc = self._vc
        return t

    def detach_(self):
        """Detaches this tensor from the graph in place (it becomes a leaf that does not require grad).
        Returns it.

        Example::

            >>> y = minigrad.ones(2, requires_grad=True) * 2
            >>> y.detach_().requires_grad
            False
        """
        if self._base is not None and self.grad_fn is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    def requires_grad_(self, requires_grad=True):
        """Sets ``requires_grad`` in place (only for leaves; only floating-point tensors can require
        gradients) and returns the tensor.

        Example::

            >>> w = minigrad.zeros(3).requires_grad_()
            >>> w.requires_grad
            True
        """
        if not isinstance(requires_grad, bool):
            raise TypeError(
                "requires_grad_(): argument 'requires_grad' (position 1) must be bool, not "
                f"{type(requires_grad).__name__}"
            )
        return self._set_requires_grad(requires_grad, "only Tensors of floating point dtype can require gradients")

    def _set_requires_grad(self, requires_grad, float_only_message):
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to use "
                    "a computed variable in a subgraph that doesn't require differentiation use "
                    "var_no_grad = var.detach()."
                )
            return self
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError(float_only_message)
        self._requires_grad = requires_grad
        return self

    def retain_grad(self):
        """Ask ``backward()`` to fill ``.grad`` on this non-leaf tensor too (a no-op for leaves).

        Example::

            >>> x = minigrad.tensor([1., 2.], requires_grad=True)
            >>> y = x * 3
            >>> y.retain_grad()
            >>> (y * y).sum().backward()
            >>> y.grad
            tensor([ 6., 12.])
        """
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            _autograd().hooks.retain_grad(self)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor with respect to the graph's leaves.

        For a scalar (one-element) tensor, ``gradient`` defaults to 1; otherwise pass
        d(something)/d(self), a tensor of this tensor's shape. Gradients are *added* into the leaves'
        ``.grad`` (zero them between steps, e.g. with ``optimizer.zero_grad()``). The graph's saved
        values are freed afterwards unless ``retain_graph=True``. With ``inputs``, only the gradients of
        those tensors are accumulated. ``create_graph=True`` (higher-order gradients) is not supported.

        Args:
            gradient (Tensor, optional): the gradient with respect to this tensor.
            retain_graph (bool, optional): keep the graph for another backward pass.
            inputs (sequence of Tensor, optional): the tensors whose ``.grad`` to fill.

        Example::

            >>> x = minigrad.tensor([1., 2., 3.], requires_grad=True)
            >>> y = (x ** 2).sum()
            >>> y.backward()
            >>> x.grad
            tensor([2., 4., 6.])
            >>> z = x * 2
            >>> z.backward(minigrad.tensor([1., 0., 1.]))
            >>> x.grad
            tensor([4., 4., 8.])
        """
        _autograd().engine.backward(
            self, None if gradient is None else (gradient,), retain_graph, create_graph,
            inputs=inputs,
        )

    def register_hook(self, hook):
        """Call ``hook(grad)`` each time the gradient with respect to this tensor is computed.

        The hook may return a tensor (same shape and dtype) that replaces the gradient from then
        on: for a leaf, it is what gets accumulated into ``.grad``; for a non-leaf, what flows
        on through the graph (and into ``.grad`` with ``retain_grad()``). Hooks run in the order
        they were registered; a leaf's hooks run once per backward pass, on the sum of all the
        gradients it receives, before that sum is accumulated. Hooks run outside the graph, as
        under ``no_grad()``.

        Args:
            hook (callable): ``hook(grad) -> Tensor or None``.

        Returns:
            a handle whose ``.remove()`` unregisters the hook.

        Example::

            >>> x = minigrad.tensor([1., 2., 3.], requires_grad=True)
            >>> h = x.register_hook(lambda grad: grad * 2)
            >>> (x * x).sum().backward()
            >>> x.grad
            tensor([ 4.,  8., 12.])
            >>> h.remove()
        """
        return _autograd().hooks.register_hook(self, hook)

    def cpu(self):
        """This tensor (minigrad tensors always live on the CPU)."""
        return self

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        """An error: minigrad runs on the CPU only (PyTorch's error for a build without CUDA)."""
        _device.place("cuda" if device is None else device, "to")

    def float(self):
        """``to(minigrad.float32)``.

        Example::

            >>> minigrad.tensor([1, 2]).float()
            tensor([1., 2.])
        """
        return self.to(_dtype.float32)

    def double(self):
        """``to(minigrad.float64)``."""
        return self.to(_dtype.float64)

    def long(self):
        """``to(minigrad.int64)`` (floats are truncated towards zero).

        Example::

            >>> minigrad.tensor([1.7, -1.7]).long()
            tensor([ 1, -1])
        """
        return self.to(_dtype.int64)

    def int(self):
        """``to(minigrad.int32)`` (floats are truncated towards zero)."""
        return self.to(_dtype.int32)

    def short(self):
        """``to(minigrad.int16)`` (floats are truncated towards zero)."""
        return self.to(_dtype.int16)

    def char(self):
        """``to(minigrad.int8)`` (PyTorch's name for int8, from the C type)."""
        return self.to(_dtype.int8)

    def byte(self):
        """``to(minigrad.uint8)``."""
        return self.to(_dtype.uint8)

    def bool(self):
        """``to(minigrad.bool)``: True where the element is non-zero.

        Example::

            >>> minigrad.tensor([0., 2.]).bool()
            tensor([False,  True])
        """
        return self.to(_dtype.bool)

    def __repr__(self):
        return _tensor_str.tensor_repr(self)

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    # ------------------------------------------------------------------ Python protocol
    __hash__ = object.__hash__

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self):
        if self._data.size != 1:
            many = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {many} is ambiguous")
        return bool(self._data.reshape(()))

    def __float__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(self.item())

    def __int__(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self.item())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __contains__(self, element):
        if not isinstance(element, (Tensor, numbers.Number)):
            raise RuntimeError(
                "Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                f"{type(element)}."
            )
        return bool((element == self).any())

    def __reduce_ex__(self, protocol):
        # the third item, attributes set on the tensor (t.foo = ...), is restored by pickle and copy
        return (_rebuild, (self._data, self._requires_grad), self.__dict__ or None)

    def __deepcopy__(self, memo):
        """A copy with its own memory, keeping dtype, strides, ``requires_grad``, ``.grad`` and
        attributes; tensors sharing memory (views) still share it among the copies, as in torch."""
        if not self.is_leaf:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                "because of a torch.nn.utils.weight_norm usage, see https://github.com/pytorch/pytorch/pull/103001"
            )
        if id(self) in memo:
            return memo[id(self)]
        data = self._data
        root = data
        while isinstance(root.base, np.ndarray):
            root = root.base
        if root.flags.c_contiguous:
            key = ("minigrad.memory", id(root))
            if key not in memo:
                memo[key] = (root.copy(), [0])
                memo.setdefault("minigrad.keepalive", []).append(root)  # id(root) stays unique
            new_root, vc = memo[key]
            offset = data.__array_interface__["data"][0] - root.__array_interface__["data"][0]
            new = _wrap(np.ndarray(data.shape, data.dtype, buffer=new_root.reshape(-1).view(np.uint8),
                                   offset=offset, strides=data.strides))
            new._vc = vc
        else:
            new = _wrap(data.copy(order="K"))
        if type(self) is not Tensor:
            new.__class__ = type(self)
        new._requires_grad = self._requires_grad
        memo[id(self)] = new
        if self._grad is not None:
            new._grad = copy.deepcopy(self._grad, memo)
        if self.__dict__:
            new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return new


def _rebuild(data, requires_grad):
    t = _wrap(data)
    if requires_grad:
        t.requires_grad_()
    return t

