"""Nodes of the autograd graph.

Every differentiable operation is a class with a ``forward`` and a ``backward`` written side by
side. Calling ``SomeOp.apply(*args)`` runs ``forward`` and, when a gradient will be needed, keeps
the op object as the result's ``grad_fn``: a node that remembers what ``backward`` needs (its
*saved tensors*) and where each input's gradient goes (its *edges*). ``loss.backward()`` then walks
these nodes from the loss back to the leaves (see ``engine.py``).

Two flavours share the node machinery:

* ``Op``: minigrad's built-in operations. ``forward`` and ``backward`` work on numpy arrays, which
  keeps the per-op cost small (a training step runs hundreds of them).
* ``Function``: PyTorch's public API for custom operations (``torch.autograd.Function``), whose
  ``forward`` and ``backward`` receive and return Tensors.
"""
import re
import warnings

import numpy as np

from .._dtype import tensor_type_name
from ..tensor import Tensor, _wrap
from . import anomaly_mode
from .grad_mode import _state, no_grad
from .graph import edges_as_pytorch, presented_edges, pytorch_spec

__all__ = ["Node", "Op", "Function", "once_differentiable"]

_new = object.__new__
_RELEASED = object()  # marks saved tensors freed after backward (when retain_graph=False)

# Floating-point trouble (inf * 0, log(-1), 1 / 0) gives NaN/inf silently, as in PyTorch, at no
# cost on the normal path: numpy's RuntimeWarnings raised inside minigrad's modules are ignored
# by a warnings filter; where a user's filter turns them into errors (python -W error is
# overridden by this filter, pytest's filterwarnings=error is not), Op.apply catches the error
# and runs the (pure) forward again with numpy's warnings off. np.errstate around every forward
# would cost ~0.5 us per op.
NUMPY_FP_WARNINGS = r"(invalid value|divide by zero|overflow|underflow) encountered"
warnings.filterwarnings("ignore", message=NUMPY_FP_WARNINGS, category=RuntimeWarning,
                        module=r"minigrad\.")

_FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


class Node:
    """A node of the graph: one recorded operation.

    Attributes set when the op is recorded:
      next_edges        one entry per forward argument: the argument's ``grad_fn`` (a Node), the
                        argument itself if it is a leaf that requires grad, or None
      needs_input_grad  tuple of bools, ``edge is not None`` for each argument
      _input_meta       (shape, dtype) of each argument a gradient goes to, else None: the
                        engine checks every gradient against it
      _tensor_args      tuple of bools, which arguments were tensors (PyTorch's graph shows
                        only those: ``next_functions``, ``graph.py``)
      _hooks            None, or the hooks of the tensor this node computed and of the node
                        itself (``hooks._TensorHooks``)

    A subclass names itself as PyTorch's graph does with the class attribute ``node_name``
    (default: ``"<ClassName>Backward0"``), or with a ``name()`` method when the name depends
    on the call (``SumBackward0`` for a full sum, ``SumBackward1`` along dims).
    """

    __slots__ = ("next_edges", "needs_input_grad", "_input_meta", "_saved", "_saved_versions",
                 "_hooks", "_out_vc", "_tensor_args", "_metadata", "__weakref__")
    node_name = None
    # The arguments PyTorch's graph lists as inputs (``next_functions``), by position, when they
    # are not just the ones that were tensors: e.g. (0, 1) for ``x * 2``, whose 2 PyTorch wraps
    # in a tensor (shown as ``(None, 0)``).
    edge_args = None

    # Optional, per subclass: for each saved value, the inputs whose gradient uses it (e.g. Mul
    # saves (a, b): a only serves b's gradient). A saved input is then version-checked only if
    # one of those gradients is needed, so `y * 2; y.add_(1)` stays legal, as in PyTorch.
    saved_for = None

    def save_for_backward(self, *values):
        """Keep arrays (or tensors) for ``backward``; they are freed after the backward pass."""
        self._saved = values

    @property
    def saved_tensors(self):
        saved = self._saved
        if saved is _RELEASED:
            raise RuntimeError(_FREED_MESSAGE)
        for index, owner, version in self._saved_versions:
            # owner: the input tensor the array came from, or None for this node's own output
            counter = self._out_vc if owner is None else owner._vc
            if counter[0] != version:
                raise RuntimeError(self._version_error(saved[index], owner, counter[0], version))
        return saved

    def _version_error(self, value, owner, current, expected):
        """PyTorch's message: the saved value's type and shape, and the node that produced it
        (this node for its own output; for an input, the tensor's grad_fn now)."""
        if owner is not None and owner._base is not None and owner._base.grad_fn is not owner._base_fn:
            sync_view(owner)  # name the view's history as it is now, as PyTorch does
        producer = self if owner is None else owner.grad_fn
        origin = ""
        if producer is not None:
            origin = ", which is output 0 of " + re.sub(r"Backward\d*$", "", producer.name()) + ","
        return (
            "one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [minigrad.{tensor_type_name(value.dtype)} {list(value.shape)}]"
            f"{origin} is at version {current}; expected version {expected} instead. Hint: "
            "compute the value out of place (e.g. `x = x + 1` instead of `x += 1`), or clone it "
            "before modifying it."
        )

    def _release(self):
        """Drop what backward needed (called after this node ran, unless retain_graph=True)."""
        if self._saved:
            self._saved = _RELEASED

    # A node PyTorch's graph has no counterpart of (a reshape minigrad adds inside a fused op)
    # is ``transparent``: ``next_functions`` shows its input in its place.
    transparent = False

    def pytorch_graph(self):
        """For a fused node (one node where PyTorch records several), PyTorch's nodes as a spec
        ``(name, children)``: a child is a spec, an argument's position, or None (see
        ``graph.presented_edges``); None for an ordinary node."""
        return None

    def name(self):
        """The node's name in PyTorch's graph (``MulBackward0``, ``NllLossBackward0`` ...)."""
        if self.pytorch_graph.__func__ is not Node.pytorch_graph:
            spec = pytorch_spec(self)
            if spec is not None:
                return spec[0]
        return self.node_name or f"{type(self).__name__}Backward0"

    def __repr__(self):
        return f"<{self.name()} object at {id(self):#x}>"

    @property
    def next_functions(self):
        """PyTorch's view of the edges: ``((node, output_nr), ...)``, one pair per argument that
        was a tensor: its node, ``AccumulateGrad`` for a leaf, None if it needs no gradient."""
        if self.pytorch_graph.__func__ is not Node.pytorch_graph:
            spec = pytorch_spec(self)
            if spec is not None:
                return presented_edges(self, spec[1])
        shown = self._tensor_args
        if self.edge_args is not None:
            shown = [i in self.edge_args for i in range(len(shown))]
        return edges_as_pytorch(self.next_edges, shown, Tensor, Node)

    def _as_pytorch_edge(self):
        return (self, 0)

    @property
    def metadata(self):
        """A dict for the user's annotations, kept with the node (PyTorch's ``Node.metadata``)."""
        if getattr(self, "_metadata", None) is None:
            self._metadata = {}
        return self._metadata

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` after this node computed its gradients (one per
        entry of ``next_functions``; it may return a tuple that replaces them); returns a
        removable handle."""
        from . import hooks

        return hooks.register_node_hook(self, fn, post=True)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` before this node runs (it may return a tuple that replaces the
        gradients it receives); returns a removable handle."""
        from . import hooks

        return hooks.register_node_hook(self, fn, post=False)

    def _run_backward(self, grad):
        raise NotImplementedError


def broadcast_error(*shapes):
    """PyTorch's error for shapes that do not broadcast: operands are combined left to right, each
    pair compared from the last dimension (``infer_size``). None if they do broadcast."""
    acc = ()
    for shape in shapes:
        ndim = max(len(acc), len(shape))
        a = (1,) * (ndim - len(acc)) + tuple(acc)
        b = (1,) * (ndim - len(shape)) + tuple(shape)
        for d in range(ndim - 1, -1, -1):
            if a[d] != b[d] and a[d] != 1 and b[d] != 1:
                return RuntimeError(
                    f"The size of tensor a ({a[d]}) must match the size of tensor b ({b[d]}) at "
                    f"non-singleton dimension {d}"
                )
        acc = tuple(y if x == 1 else x for x, y in zip(a, b))
    return None


def translate_numpy_error(exc, arrays):
    """numpy's broadcasting ValueError as PyTorch's RuntimeError (or None if it is another one)."""
    msg = str(exc)
    if "could not be broadcast" in msg:
        return broadcast_error(*(np.shape(a) for a in arrays if isinstance(a, np.ndarray)))
    if msg.startswith("non-broadcastable output operand"):
        m = re.match(r"non-broadcastable output operand with shape \(([\d, ]*)\) doesn't match "
                     r"the broadcast shape \(([\d, ]*)\)", msg)
        if m:
            out, full = ([int(x) for x in g.split(",") if x.strip()] for g in m.groups())
            return RuntimeError(f"output with shape {out} doesn't match the broadcast shape {full}")
    return None


def sync_view(t):
    """Bring a view's history up to date. A view records its base's ``grad_fn`` when it is made;
    if the base was changed in place since (directly or through another view), the view's
    ``grad_fn`` still describes the old base, and gradients through it would be wrong. As in
    PyTorch, the view's history is then rebuilt as a view of the base as it is now."""
    base = t._base
    t._base_fn = base.grad_fn
    if not base._requires_grad:
        return
    if not base._data.flags.c_contiguous:
        raise RuntimeError(
            "a view whose base was modified in place is used in the graph, and minigrad can "
            "rebuild such a view's history only for a contiguous base: use a clone"
        )
    prev = _state.enabled
    _state.enabled = True
    try:
        fresh = AsStrided.apply(base, geometry(t, base))
    finally:
        _state.enabled = prev
    t.grad_fn = fresh.grad_fn
    t._requires_grad = True


def sync_views(tensors):
    """The tensors, with the history of views whose base changed in place brought up to date."""
    for t in tensors:
        if isinstance(t, Tensor) and t._base is not None and t._base.grad_fn is not t._base_fn:
            sync_view(t)
    return tensors


def _record(node, args, result):
    """Attach ``node`` as ``result``'s grad_fn: edges, and version stamps of saved inputs.
    (Views among ``args`` have been brought up to date by the caller; see ``sync_view``.)
    Plain loops, no generators: this runs for every recorded op."""
    edges = []
    tensors = []
    meta = []  # (shape, dtype) of each input a gradient goes to: the engine checks gradients
    for a in args:  # a plain loop: this runs for every recorded op
        if isinstance(a, Tensor):
            tensors.append(True)
            if a._requires_grad:
                fn = a.grad_fn
                edges.append(a if fn is None else fn)
                data = a._data
                meta.append((data.shape, data.dtype))
                continue
        else:
            tensors.append(False)
        edges.append(None)
        meta.append(None)
    node.next_edges = edges = tuple(edges)
    node._input_meta = tuple(meta)
    node._tensor_args = tuple(tensors)
    node._metadata = None
    node.needs_input_grad = needs = tuple([e is not None for e in edges])
    node._hooks = None
    saved = node._saved
    if not saved:
        node._saved_versions = ()
    else:
        node._saved_versions = _saved_versions(node, saved, needs, args, result)
    result._requires_grad = True
    result.grad_fn = node
    if anomaly_mode._state.enabled:
        anomaly_mode.remember_forward(node)


def _shared_base(out, args):
    """The tensor whose memory ``out`` shares, if any: ``out`` is then a view of it (or of its
    base) and shares its version counter, so that an in-place write through either is seen by
    backward. Every op's result is checked, not only the reshaping ones: numpy returns views
    from einsum, diagonal and others."""
    if out.base is None:
        for a in args:
            if isinstance(a, Tensor) and a._data is out:
                return a if a._base is None else a._base
        return None
    for a in args:
        if isinstance(a, Tensor) and (np.may_share_memory(out, a._data) if a._data.size and out.size
                                      else out.base is a._data or out.base is a._data.base):
            return a if a._base is None else a._base
    return None
def _saved_versions(node, saved, needs, args, result):
    """(index, owner, version) for each saved array that *is* an input's storage (owner: that
    input) or the result's (owner None): such an array would be corrupted if its tensor were later
    changed in place, so backward compares the version it was saved at with the current one."""
    found = []
    saved_for = node.saved_for
    out = result._data
    for i, s in enumerate(saved):
        if saved_for is not None:
            for j in saved_for[i]:
                if needs[j]:
                    break
            else:
                continue  # only used for a gradient that is not needed
        if s is out:
            node._out_vc = result._vc
            found.append((i, None, result._vc[0]))
            continue
        for a in args:
            if isinstance(a, Tensor) and a._data is s:
                found.append((i, a, a._vc[0]))
                break
    return tuple(found)


class Op(Node):
    """Base of minigrad's built-in operations (forward/backward on numpy arrays).

    A subclass defines::

        @staticmethod
        def forward(ctx, *args):   # Tensor arguments arrive as their numpy arrays
            ...                    # ctx.save_for_backward(...) what backward needs
            return result_array

        @staticmethod
        def backward(ctx, grad):   # grad: d(loss)/d(result), an array of the result's shape
            return grads           # one per forward argument (None where none is needed)

    A result that shares memory with an argument (reshape, transpose, basic indexing, and
    whatever numpy returns as a view) is a view of it: it shares its version counter.
    """

    __slots__ = ()

    @classmethod
    def apply(cls, *args):
        ctx = _new(cls)
        ctx._saved = ()
        arrays = [a._data if isinstance(a, Tensor) else a for a in args]
        try:
            out = cls.forward(ctx, *arrays)
        except ValueError as exc:  # numpy's broadcasting errors become PyTorch's
            err = translate_numpy_error(exc, arrays)
            if err is None:
                raise
            raise err from None
        except RuntimeWarning:  # a NaN/inf warning made an error by a user's filter
            ctx._saved = ()
            with np.errstate(all="ignore"):
                out = cls.forward(ctx, *arrays)
        result = _wrap(out, base=_shared_base(out, args))
        if _state.enabled:
            needed = False
            for a in args:
                if isinstance(a, Tensor):
                    base = a._base
                    if base is not None and base.grad_fn is not a._base_fn:
                        sync_view(a)  # its base was changed in place since the view was made
                    if a._requires_grad:
                        needed = True
            if needed:
                _record(ctx, args, result)
        return result

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # The engine calls node._run_backward(grad). Binding each op's static backward as that
        # method makes it backward(node, grad) directly, without a call through _run_backward.
        backward = cls.__dict__.get("backward")
        if isinstance(backward, staticmethod) and "_run_backward" not in cls.__dict__:
            cls._run_backward = backward.__func__

    def _run_backward(self, grad):
        return self.backward(self, grad)


# ------------------------------------------------------------------ views rebuilt after in-place ops
def geometry(view, base):
    """Where ``view``'s elements lie in ``base``'s (C-contiguous) array: (shape, strides, byte
    offset), enough to rebuild the same view on any array laid out like ``base``."""
    offset = (view._data.__array_interface__["data"][0]
              - base._data.__array_interface__["data"][0])
    return view._data.shape, view._data.strides, offset


def view_into(arr, geometry):
    """The view of ``arr`` that ``geometry`` describes."""
    shape, strides, offset = geometry
    return np.ndarray(shape, dtype=arr.dtype, buffer=arr, offset=offset, strides=strides)


class AsStrided(Op):
    """A view of a (C-contiguous) base given by its geometry: how a view gets its place in the
    graph again after it was written to in place (``sync_view``, ``ops/inplace.py``)."""

    @staticmethod
    def forward(ctx, base, geometry):
        ctx.meta = (base.shape, geometry)
        return view_into(base, geometry)

    @staticmethod
    def backward(ctx, grad):
        shape, geometry = ctx.meta
        out = np.zeros(shape, dtype=grad.dtype)
        view_shape, strides, offset = geometry
        if any(st == 0 and n > 1 for st, n in zip(strides, view_shape)):
            # an expand()ed view: several of its elements are one element of the base, whose
            # gradient is their sum (an assignment would keep only the last one)
            item = grad.dtype.itemsize
            flat = offset // item + sum(np.arange(n).reshape((-1,) + (1,) * (len(view_shape) - k - 1))
                                        * (st // item) for k, (n, st) in enumerate(zip(view_shape, strides)))
            np.add.at(out.reshape(-1), np.broadcast_to(flat, view_shape).reshape(-1), grad.reshape(-1))
        else:
            view_into(out, geometry)[...] = grad
        return out, None

    __slots__ = ("meta",)


class Function(Node):
    """Base class for custom differentiable operations, as ``torch.autograd.Function``.

    Define ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)`` as static methods (they
    receive and return Tensors; ``ctx.save_for_backward`` keeps what backward needs), then call
    ``YourFunction.apply(*args)``.

    Example::

        >>> class Exp(minigrad.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         result = x.exp()
        ...         ctx.save_for_backward(result)
        ...         return result
        ...
        ...     @staticmethod
        ...     def backward(ctx, grad_output):
        ...         (result,) = ctx.saved_tensors
        ...         return grad_output * result
        >>> x = minigrad.tensor([0., 1.], requires_grad=True)
        >>> y = Exp.apply(x)
        >>> y.sum().backward()
        >>> x.grad
        tensor([1.0000, 2.7183])
    """

    __slots__ = ("__dict__",)

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` on the arguments (outside the graph) and, when an input requires grad, record
        this function as the outputs' ``grad_fn``, so that ``backward`` is called during the backward
        pass. Returns ``forward``'s result (a tensor or a tuple).
        """
        ctx = cls.__new__(cls)
        ctx._saved = ()
        ctx._materialize = True
        ctx._non_differentiable = ()
        for a in args:
            if isinstance(a, Tensor) and a._base is not None and a._base.grad_fn is not a._base_fn:
                sync_view(a)
        record = _state.enabled and any(isinstance(a, Tensor) and a._requires_grad for a in args)
        # as in PyTorch, forward can already read ctx.needs_input_grad
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad and record for a in args)
        with no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(out, tuple)
        # fresh output tensors owned by this node (forward may return an input as it is)
        outputs = tuple(_wrap(o._data) if isinstance(o, Tensor) else o for o in ((out,) if single else out))
        tensors = [o for o in outputs if isinstance(o, Tensor)]
        if record and tensors:
            saved = ctx._saved
            ctx._saved = tuple(s._data if isinstance(s, Tensor) else s for s in saved)
            _record(ctx, args, tensors[0])
            ctx._saved = saved
            ctx._outputs = tuple((o._data.shape, o._data.dtype) if isinstance(o, Tensor) else None
                                 for o in outputs)
            skip = {id(t) for t in ctx._non_differentiable}
            for i, o in enumerate(outputs):
                if not isinstance(o, Tensor):
                    continue
                if id(o._data) in skip or o._data.dtype.kind != "f":
                    o.grad_fn, o._requires_grad = None, False
                elif not single:
                    o.grad_fn = _FunctionOutput(ctx, i)
                    o._requires_grad = True
            if not single:  # saved outputs: checked against the tensors the user holds
                ctx._saved_versions = ctx._saved_versions + tuple(
                    (k, o, o._vc[0]) for k, v in enumerate(saved) for o in tensors[1:]
                    if isinstance(v, Tensor) and v._data is o._data)
        return outputs[0] if single else outputs

    def mark_dirty(self, *tensors):
        """Not supported: in-place custom Functions raise NotImplementedError in minigrad."""
        raise NotImplementedError("in-place custom Functions are not supported by minigrad")

    def mark_non_differentiable(self, *tensors):
        """These outputs get no gradient (requires_grad=False), as in PyTorch."""
        self._non_differentiable = tuple(t._data for t in tensors)

    def set_materialize_grads(self, value):
        """With False, backward receives None (not zeros) for outputs that got no gradient."""
        self._materialize = bool(value)

    def _run_backward(self, grad):
        if type(grad) is _Slots:  # several outputs: one gradient (or None) per output
            grads = []
            for i, meta in enumerate(self._outputs):
                g = grad.grads.get(i)
                if g is None and meta is not None and self._materialize:
                    g = np.zeros(meta[0], meta[1])
                grads.append(None if g is None else _wrap(g))
        else:
            grads = [_wrap(grad)]
        with no_grad():  # minigrad does not record backward passes (no double backward)
            result = self.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        # copies: a user's backward may return a tensor it keeps (a saved one, a constant), and
        # the engine may adopt a gradient array as a leaf's .grad and later add into it in place
        return tuple(np.array(g._data) if isinstance(g, Tensor) else g for g in result)

    def name(self):
        """The node's name as PyTorch shows it in ``grad_fn`` (``"<ClassName>Backward"``)."""
        return f"{type(self).__name__}Backward"


class _Slots:
    """The gradients a multi-output Function receives, by output index. The engine sums the
    gradients arriving at a node with ``+``; for such a node, ``+`` merges the slots."""

    __slots__ = ("grads",)

    def __init__(self, grads):
        self.grads = grads

    def __add__(self, other):
        merged = dict(self.grads)
        for i, g in other.grads.items():
            merged[i] = g if i not in merged else merged[i] + g
        return _Slots(merged)


class _FunctionOutput(Node):
    """The grad_fn of output ``index`` of a multi-output Function: hands its gradient to the
    Function's node, in that output's slot."""

    __slots__ = ("function", "index")

    def __init__(self, function, index):
        self.function = function
        self.index = index
        self.next_edges = (function,)
        self.needs_input_grad = (True,)
        self._input_meta = (None,)
        self._tensor_args = (True,)
        self._metadata = None
        self._saved = ()
        self._saved_versions = ()
        self._hooks = None

    def _run_backward(self, grad):
        return (_Slots({self.index: grad}),)

    # PyTorch shows the function's own node for each of its outputs
    def name(self):
        return self.function.name()

    @property
    def next_functions(self):
        return self.function.next_functions

    @property
    def metadata(self):
        return self.function.metadata

    def _as_pytorch_edge(self):
        return (self.function, self.index)


def once_differentiable(fn):
    """Decorator kept for PyTorch compatibility: minigrad backward passes are never recorded."""
    return fn
