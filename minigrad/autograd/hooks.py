"""Hooks: ``Tensor.register_hook``, ``Tensor.retain_grad``, and the node hooks
``grad_fn.register_prehook`` / ``register_hook`` (also on a leaf's ``AccumulateGrad``).

They cost nothing when there are none: a non-leaf tensor's hooks and its node's hooks live on
the node (``node._hooks``, checked once per node by the engine), and leaf hooks in
``_LEAF_HOOKS``, which is looked at once per backward call (``with_leaf_hooks``). The order is
PyTorch's: the tensor's hooks, then ``retain_grad``, then the node's pre-hooks; the node runs;
then its post-hooks.
"""
import weakref

import numpy as np

from .._dtype import tensor_type_name
from ..tensor import Tensor, _wrap
from ..utils.hooks import RemovableHandle
from .function import Node, sync_views
from .grad_mode import _state
from .sinks import accumulate, grad_sum

__all__ = ["register_hook", "retain_grad", "with_leaf_hooks", "run_node_hooks",
           "register_node_hook", "run_post_hooks", "register_leaf_prehook",
           "register_leaf_posthook"]


class _TensorHooks:
    """What a non-leaf tensor asked of the gradient its node receives: ``register_hook``
    functions (by handle id, in registration order) and ``retain_grad`` (a weak reference to the
    tensor); and the node's own ``register_prehook`` (``pre``) and ``register_hook`` (``post``)
    functions. Kept on the node (``node._hooks``), so hooks registered before an in-place change
    of the tensor see the gradient of its old value, as in PyTorch."""

    __slots__ = ("hooks", "retain", "pre", "post")

    def __init__(self):
        self.hooks = {}
        self.retain = None
        self.pre = {}
        self.post = {}

    def run(self, grad, adopted):
        """The hooks (in order, each may replace the gradient), then retain_grad's ``.grad``,
        then the node's pre-hooks; returns the gradient the node goes on with."""
        if self.hooks:
            grad = _call_hooks(self.hooks, grad, adopted)
        if self.retain is not None:
            t = self.retain()
            if t is not None:
                accumulate(t, grad, adopted)
        if self.pre:
            grad = _call_hooks(self.pre, grad, adopted, _as_prehook)
        return grad


def _as_prehook(hook):
    """A node pre-hook, ``hook(grad_outputs) -> tuple or None``, as a tensor hook."""
    def call(grad):
        result = hook((grad,))
        return None if result is None else result[0]

    call.__name__ = getattr(hook, "__name__", type(hook).__name__)
    return call


def _node_hooks(node):
    if node._hooks is None:
        node._hooks = _TensorHooks()
    return node._hooks


def _call_hooks(hooks, grad, adopted, adapt=None):
    """Call ``hook(grad)`` for each hook (outside the graph, as PyTorch's engine does); a hook
    returning a tensor replaces the gradient, which must keep its shape and dtype."""
    prev = _state.enabled
    _state.enabled = False
    try:
        for hook in tuple(hooks.values()):
            if adapt is not None:
                hook = adapt(hook)
            value = _wrap(grad)
            result = hook(value)
            if result is None:
                continue
            if not isinstance(result, Tensor):
                raise TypeError(f"expected Tensor, but hook returned '{type(result).__name__}'")
            name = getattr(hook, "__name__", type(hook).__name__)
            if result._data.shape != value._data.shape:
                raise RuntimeError(f"hook '{name}' has changed the size of value")
            if result._data.dtype != value._data.dtype:
                raise RuntimeError(
                    f"hook '{name}' has changed the type of value (was minigrad."
                    f"{tensor_type_name(value._data.dtype)} got minigrad."
                    f"{tensor_type_name(result._data.dtype)})"
                )
            grad = result._data
    finally:
        _state.enabled = prev
    # the hooks may have kept the array (or returned one they keep): it must not become a .grad
    # that later backward passes add into in place
    adopted.add(id(grad))
    return grad


# id(leaf) -> (weak reference to the leaf, {handle id: hook}); entries go when the leaf dies.
# _LEAF_POST_HOOKS: id(leaf) -> {handle id: hook} of its AccumulateGrad's post-hooks (the leaf
# has an entry in _LEAF_HOOKS too, so that the engine looks for them)
_LEAF_HOOKS = {}
_LEAF_POST_HOOKS = {}


def _leaf_hooks(t):
    key = id(t)
    entry = _LEAF_HOOKS.get(key)
    if entry is None or entry[0]() is not t:
        def forget(ref, key=key, registry=_LEAF_HOOKS, post=_LEAF_POST_HOOKS):
            current = registry.get(key)  # (the globals may be gone at exit)
            if current is not None and current[0] is ref:
                del registry[key]
                post.pop(key, None)

        entry = (weakref.ref(t, forget), {})
        _LEAF_HOOKS[key] = entry
        _LEAF_POST_HOOKS.pop(key, None)
    return entry[1]


def with_leaf_hooks(sink, roots):
    """The sink for a backward pass from ``roots``: ``sink`` itself, or, when leaves with hooks
    can receive a gradient, ``_HookedLeaves`` in front of it."""
    if not _LEAF_HOOKS:
        return sink
    hooked = _HookedLeaves.wrap(sink, roots)
    return sink if hooked is None else hooked


def run_node_hooks(node, grad, sink):
    """What happens to a node's gradient before its backward runs: the hooks and ``retain_grad``
    of the tensor it computed, and, if that tensor is one of ``inputs=``, its gradient taken by
    the sink (``autograd.grad`` before the hooks, ``backward(inputs=...)`` after them, as in
    PyTorch). Returns the gradient the node goes on with."""
    hooks = node._hooks
    if sink.nodes and node in sink.nodes:
        if sink.before_hooks:
            sink.add_node(node, grad)
        if hooks is not None:
            grad = hooks.run(grad, sink.adopted)
        if not sink.before_hooks:
            sink.add_node(node, grad)
    elif hooks is not None:
        grad = hooks.run(grad, sink.adopted)
    return grad


class _HookedLeaves:
    """A sink in front of the real one when leaves with hooks take part in a backward pass: as
    in PyTorch, a leaf's hooks run once, on the sum of all the gradients it receives (then the
    result is accumulated), so those gradients are held until the last one arrived."""

    def __init__(self, sink, pending):
        self.sink = sink
        self.adopted = sink.adopted
        self.only = sink.only
        self.nodes = sink.nodes
        self.before_hooks = sink.before_hooks
        self.pending = pending  # id(leaf) -> [leaf, hooks, gradients still to come, sum so far]

    @classmethod
    def wrap(cls, sink, roots):
        """The wrapper, or None if no leaf with hooks can receive a gradient in this pass."""
        counts = {}
        stack = []
        for r in roots:
            if isinstance(r, Node):
                stack.append(r)
            elif id(r) in _LEAF_HOOKS:
                counts[id(r)] = counts.get(id(r), 0) + 1
        seen = set(stack)
        while stack:
            for e in stack.pop().next_edges:
                if isinstance(e, Node):
                    if e not in seen:
                        seen.add(e)
                        stack.append(e)
                elif e is not None and id(e) in _LEAF_HOOKS:
                    counts[id(e)] = counts.get(id(e), 0) + 1
        pending = {}
        only = sink.only
        for key, n in counts.items():
            ref, hooks = _LEAF_HOOKS[key]
            post = _LEAF_POST_HOOKS.get(key)
            leaf = ref()
            if (hooks or post) and leaf is not None and (only is None or key in only):
                pending[key] = [leaf, hooks, n, None, post]
        return cls(sink, pending) if pending else None

    def add(self, leaf, g):
        p = self.pending.get(id(leaf))
        if p is None or p[0] is not leaf:
            self.sink.add(leaf, g)
            return
        p[3] = g if p[3] is None else grad_sum(p[3], g)
        p[2] -= 1
        if p[2] == 0:
            self._deliver(p)

    def add_node(self, node, g):
        self.sink.add_node(node, g)

    def _deliver(self, p):
        del self.pending[id(p[0])]
        grad = _call_hooks(p[1], p[3], self.adopted) if p[1] else p[3]
        self.sink.add(p[0], grad)
        if p[4]:  # AccumulateGrad's post-hooks: (grad_inputs, grad_outputs), after accumulating
            _call_post(p[4], (), (_wrap(grad),))

    def finish(self):
        """After the pass: leaves some of whose gradients never came (their producers did not
        run, e.g. ``backward(inputs=...)``) get the sum of those that did."""
        for p in list(self.pending.values()):
            if p[3] is not None:
                self._deliver(p)
        self.sink.finish()


def register_hook(t, hook):
    """``Tensor.register_hook``: see there."""
    if not t._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if t.grad_fn is None:
        hooks = _leaf_hooks(t)
    else:
        sync_views((t,))
        hooks = _node_hooks(t.grad_fn).hooks
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def retain_grad(t):
    """``Tensor.retain_grad()``: ask the engine to fill ``t.grad`` though ``t`` is not a leaf."""
    sync_views((t,))
    _node_hooks(t.grad_fn).retain = weakref.ref(t)


def register_node_hook(node, fn, post):
    """``grad_fn.register_hook`` (post) / ``register_prehook``: see ``Node``."""
    hooks = _node_hooks(node)
    table = hooks.post if post else hooks.pre
    handle = RemovableHandle(table)
    table[handle.id] = fn
    return handle


def _call_post(hooks, grad_inputs, grad_outputs):
    prev = _state.enabled
    _state.enabled = False
    try:
        for hook in tuple(hooks.values()):
            result = hook(grad_inputs, grad_outputs)
            if result is not None:
                if len(result) != len(grad_inputs):
                    name = getattr(hook, "__name__", type(hook).__name__)
                    raise RuntimeError(f"hook '{name}' has returned an incorrect number of values "
                                       f"(got {len(result)}, but expected {len(grad_inputs)})")
                grad_inputs = tuple(result)
    finally:
        _state.enabled = prev
    return grad_inputs


def run_post_hooks(node, grad, grads):
    """A node's post-hooks, after it ran: they see (and may replace) the gradients it computed
    for its tensor arguments (``grad_inputs``, as ``next_functions``) and the gradient it
    received (``grad_outputs``). Returns the gradients, one per argument."""
    grads = list(grads if type(grads) is tuple else (grads,))
    shown = node.edge_args  # the arguments PyTorch's node lists, as next_functions does
    where = list(shown) if shown is not None else [
        i for i, is_tensor in enumerate(node._tensor_args) if is_tensor]
    inputs = tuple(None if i >= len(grads) or grads[i] is None else _wrap(grads[i]) for i in where)
    outputs = (_wrap(grad),) if isinstance(grad, np.ndarray) else (grad,)
    new = _call_post(node._hooks.post, inputs, outputs)
    for i, g in zip(where, new):
        if i < len(grads):
            grads[i] = None if g is None else (g._data if isinstance(g, Tensor) else g)
    return tuple(grads)


def register_leaf_prehook(leaf, fn):
    """``AccumulateGrad.register_prehook``: a hook on the leaf's summed gradient."""
    hooks = _leaf_hooks(leaf)
    call = _as_prehook(fn)
    handle = RemovableHandle(hooks)
    hooks[handle.id] = call
    return handle


def register_leaf_posthook(leaf, fn):
    """``AccumulateGrad.register_hook``: called after the leaf's gradient was accumulated."""
    _leaf_hooks(leaf)
    post = _LEAF_POST_HOOKS.setdefault(id(leaf), {})
    handle = RemovableHandle(post)
    post[handle.id] = fn
    return handle
