"""The backward pass: from ``loss.backward()`` to ``.grad`` on every leaf.

The graph is the chain of ``grad_fn`` nodes recorded during the forward pass (``function.py``).
``backward`` visits them in topological order, so that a node runs only once the gradients from
all of its consumers have been summed into its buffer:

1. Count, for every node reachable from the roots, how many edges point at it (its dependencies).
   This is an explicit-stack depth-first walk, so a graph thousands of ops deep never meets
   Python's recursion limit.
2. Start with the roots' gradients. Pop a ready node, call its backward, and route each input
   gradient along the node's edges: into another node's buffer (that node becomes ready when its
   last dependency delivered), or into a leaf tensor's ``.grad``.
3. Unless ``retain_graph=True``, free each node's saved arrays right after it ran.

Tensor hooks (``Tensor.register_hook``) cost nothing when there are none: a non-leaf tensor's
hooks live on the node that computed it (``node._hooks``, checked once per node, as
``retain_grad`` always was), and leaf hooks in ``_LEAF_HOOKS``, which is looked at once per
backward call.
"""
import weakref

import numpy as np

from .._dtype import tensor_type_name
from ..tensor import Tensor, _wrap
from ..utils.hooks import RemovableHandle
from .function import Function, Node, _Slots, sync_view
from .grad_mode import _state

__all__ = ["backward", "grad"]


def _count_dependencies(roots):
    deps = {}
    seen = {r for r in roots if isinstance(r, Node)}
    stack = list(seen)  # each root once, however often it is given
    while stack:
        node = stack.pop()
        for e in node.next_edges:
            if isinstance(e, Node):
                deps[e] = deps.get(e, 0) + 1
                if e not in seen:
                    seen.add(e)
                    stack.append(e)
    return deps


class _LeafSink:
    """Adds gradients into leaves' ``.grad`` (and, for ``backward(inputs=...)``, into the
    ``.grad`` of the non-leaf tensors listed there).

    To avoid copying large gradients, a fresh array (not a view, not handed to another tensor in
    this pass) becomes a ``.grad`` as it is. Such an adopted array may still be read by nodes that
    have not run yet (``a + b`` hands the same array to both sides), so a second contribution to
    that tensor in the same pass is added out of place.
    """

    before_hooks = False  # a non-leaf input's .grad gets its gradient after the tensor's hooks

    def __init__(self, inputs=None):
        self.adopted = set()
        self.only = None  # ids of the leaves to fill (backward(inputs=...)), or None for all
        self.nodes = {}  # grad_fn of a non-leaf input -> that tensor
        if inputs is not None:
            self.only = {id(t) for t in inputs if t.grad_fn is None}
            self.nodes = {t.grad_fn: t for t in inputs if t.grad_fn is not None}

    def add(self, leaf, g):
        if self.only is not None and id(leaf) not in self.only:
            return
        _accumulate(leaf, g, self.adopted)

    def add_node(self, node, g):
        t = self.nodes[node]
        hooks = node._hooks
        if hooks is not None and hooks.retain is not None and hooks.retain() is t:
            return  # retain_grad has filled t.grad already (once, not twice)
        _accumulate(t, g, self.adopted)


def _sum(a, b):
    """``a + b`` for gradients, out of place; an array even for 0-d ones (numpy's sum of two
    0-d arrays is a scalar)."""
    total = a + b
    return total if type(total) is np.ndarray or type(total) is _Slots else np.asarray(total)


def _accumulate(t, g, adopted):
    data = t._data
    if g.dtype != data.dtype:
        g = g.astype(data.dtype)
    if g.shape != data.shape:
        g = np.broadcast_to(g, data.shape)  # e.g. a 0-d gradient given for a 1-element tensor
    current = t._grad
    if current is None:
        if g.base is None and g.flags.c_contiguous and g.flags.writeable and id(g) not in adopted:
            adopted.add(id(g))
        else:
            g = np.array(g, order="C")
        t._grad = _wrap(g)
    elif id(current._data) in adopted:
        current._data = _sum(current._data, g)
    else:
        np.add(current._data, g, out=current._data)


class _Capture:
    """For ``autograd.grad``: collects the gradients of chosen tensors, touches no ``.grad``."""

    before_hooks = True  # a non-leaf input's gradient is taken before the tensor's hooks run

    def __init__(self, inputs):
        self.adopted = set()
        self.only = {}  # id(leaf) -> position
        self.nodes = {}  # grad_fn of a non-leaf input -> position
        for i, t in enumerate(inputs):
            if t.grad_fn is None:
                self.only[id(t)] = i
            else:
                self.nodes[t.grad_fn] = i
        self.results = [None] * len(inputs)

    def _put(self, i, g):
        r = self.results[i]
        self.results[i] = g if r is None else _sum(r, g)

    def add(self, leaf, g):
        i = self.only.get(id(leaf))
        if i is not None:
            self._put(i, g)

    def add_node(self, node, g):
        self._put(self.nodes[node], g)


def _needed_nodes(roots, leaf_ids, target_nodes):
    """The nodes from which a target (a leaf in ``leaf_ids`` or a node in ``target_nodes``) can be
    reached through their edges: the only ones a restricted backward must run (as in PyTorch,
    the rest of the graph is neither run nor freed). Iterative post-order, no recursion."""
    needed = set()
    visited = set()
    stack = [(r, False) for r in roots if isinstance(r, Node)]
    while stack:
        node, finished = stack.pop()
        if finished:
            for e in node.next_edges:
                if e is None:
                    continue
                if isinstance(e, Node):
                    if e in needed or e in target_nodes:
                        needed.add(node)
                        break
                elif id(e) in leaf_ids:
                    needed.add(node)
                    break
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        for e in node.next_edges:
            if isinstance(e, Node) and e not in visited:
                stack.append((e, False))
    return needed


def _run(roots, root_grads, retain_graph, sink):
    hooked = _HookedLeaves.wrap(sink, roots) if _LEAF_HOOKS else None
    if hooked is not None:
        sink = hooked
    deps = _count_dependencies(roots)
    targets = sink.nodes
    needed = None if sink.only is None else _needed_nodes(roots, sink.only, targets)
    adopted = sink.adopted
    buffers = {}
    ready = []
    for r, g in zip(roots, root_grads):
        if isinstance(r, Node):
            if needed is not None and r not in needed and r not in targets:
                continue
            if r in buffers:
                buffers[r] = _sum(buffers[r], g)  # the same root twice: its gradients add up
            else:
                buffers[r] = g
                # a root that another root's graph reaches waits for those gradients too
                if not deps.get(r):
                    ready.append(r)
        else:
            sink.add(r, g)
    with np.errstate(all="ignore"):  # inf/NaN propagate silently, as in PyTorch
        while ready:
            node = ready.pop()
            grad = buffers.pop(node)
            hooks = node._hooks  # the tensor's register_hook / retain_grad, or None
            if targets and node in targets:  # a non-leaf in inputs=: as in PyTorch,
                if sink.before_hooks:  # autograd.grad takes its gradient before its hooks run,
                    sink.add_node(node, grad)
                if hooks is not None:
                    grad = hooks.run(grad, adopted)
                if not sink.before_hooks:  # backward(inputs=...) after them
                    sink.add_node(node, grad)
            elif hooks is not None:
                grad = hooks.run(grad, adopted)
            if needed is not None and node not in needed:
                continue
            grads = node._run_backward(grad)
            if type(grads) is not tuple:
                grads = (grads,)
            if not retain_graph:
                node._release()
            for i, (e, g) in enumerate(zip(node.next_edges, grads)):
                if e is None or g is None:
                    continue
                g = _validated(node, i, g)
                if isinstance(e, Node):
                    if needed is not None and e not in needed and e not in targets:
                        continue
                    if e in buffers:
                        buffers[e] = _sum(buffers[e], g)  # never in place: g may be shared
                    else:
                        buffers[e] = g
                    deps[e] -= 1
                    if deps[e] == 0:
                        ready.append(e)
                else:
                    sink.add(e, g)
    if hooked is not None:
        hooked.flush()


def _validated(node, index, g):
    """The gradient ``node`` returned for its input ``index``, checked against that input's
    shape and dtype (recorded with the node), as PyTorch's engine validates every gradient: a
    backward that gets either wrong fails here, at once, not somewhere downstream. A custom
    ``Function`` is treated as in PyTorch (a gradient that broadcasts to the input is summed
    down, another dtype is cast); minigrad's own ops must return exactly the input's."""
    meta = node._input_meta[index]
    if meta is None:  # (a multi-output Function's slots)
        return g
    if type(g) is not np.ndarray:
        g = np.asarray(g)  # a numpy scalar (arithmetic on 0-d arrays gives them)
    shape, dtype = meta
    if g.shape != shape:
        if isinstance(node, Function) and _reducible(g.shape, shape):
            g = _sum_down(g, shape)
        else:
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {index} - got "
                f"{list(g.shape)} but expected shape compatible with {list(shape)}"
            )
    if g.dtype != dtype:
        if not isinstance(node, Function):
            raise RuntimeError(
                f"Function {node.name()} returned an invalid gradient at index {index} - "
                f"expected dtype {np.dtype(dtype).name} but got {g.dtype.name}"
            )
        g = g.astype(dtype)
    return g


def _reducible(grad_shape, shape):
    """Whether ``shape`` broadcasts to ``grad_shape`` (then the gradient sums down to it)."""
    if len(shape) > len(grad_shape):
        return False
    return all(s == 1 or s == g for s, g in zip(shape[::-1], grad_shape[::-1]))


def _sum_down(g, shape):
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                      if s == 1 and g.shape[lead + i] != 1)
    return g.sum(axis=axes).reshape(shape)


def _root_grads(outputs, grad_outputs, caller):
    grads = []
    for i, (t, g) in enumerate(zip(outputs, grad_outputs)):
        if not t._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        if g is None:
            if t._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            grads.append(np.ones(t._data.shape, dtype=t._data.dtype))
            continue
        if isinstance(g, Tensor):
            g = g._data
        g = np.asarray(g)
        if g.shape != t._data.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {_size(g.shape)} and "
                f"output[{i}] has a shape of {_size(t._data.shape)}."
            )
        # A private copy: the engine may hand this array to a leaf as its .grad.
        grads.append(np.array(g, dtype=t._data.dtype, order="C"))
    return grads


def _size(shape):
    return f"minigrad.Size({list(shape)})"


def _as_tuple(x):
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _synced(tensors):
    """The tensors, with the history of views whose base changed in place brought up to date."""
    for t in tensors:
        if isinstance(t, Tensor) and t._base is not None and t._base.grad_fn is not t._base_fn:
            sync_view(t)
    return tensors


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Compute the gradients of ``tensors`` with respect to the graph's leaves, adding them into
    each leaf's ``.grad`` (as ``torch.autograd.backward``).

    Args:
        tensors (Tensor or sequence of Tensor): the roots (e.g. losses).
        grad_tensors (sequence of Tensor or None, optional): the gradients with respect to each
            root (None for a one-element root: 1).
        retain_graph (bool, optional): keep the graph for another backward pass.
        inputs (sequence of Tensor, optional): accumulate only into these tensors' ``.grad``.

    Example::

        >>> x = minigrad.tensor([1., 2.], requires_grad=True)
        >>> a, b = (x * 2).sum(), (x * x).sum()
        >>> minigrad.autograd.backward([a, b])
        >>> x.grad
        tensor([4., 6.])
    """
    if create_graph:
        raise NotImplementedError("minigrad does not support create_graph=True (higher-order gradients)")
    tensors = _synced(_as_tuple(tensors))
    if grad_tensors is None:
        grad_tensors = (None,) * len(tensors)
    else:
        grad_tensors = _as_tuple(grad_tensors) if not isinstance(grad_tensors, (list, tuple)) else tuple(grad_tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(
            f"got {len(grad_tensors)} tensors and {len(tensors)} gradients"
        )
    grads = _root_grads(tensors, grad_tensors, "backward")
    if inputs is not None:
        inputs = _synced(_as_tuple(inputs))
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    roots = [t.grad_fn if t.grad_fn is not None else t for t in tensors]
    _run(roots, grads, bool(retain_graph), _LeafSink(inputs))


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None, materialize_grads=False):
    """Return the gradients of ``outputs`` with respect to ``inputs`` without touching ``.grad``
    (as ``torch.autograd.grad``): a tuple with one tensor per input.

    An input the outputs do not depend on is an error unless ``allow_unused=True`` (its gradient is
    then None, or zeros with ``materialize_grads=True``). ``create_graph=True`` (higher-order
    gradients) is not supported.

    Example::

        >>> x = minigrad.tensor([1., 2., 3.], requires_grad=True)
        >>> y = (x ** 2).sum()
        >>> minigrad.autograd.grad(y, x)
        (tensor([2., 4., 6.]),)
        >>> x.grad is None
        True
    """
    if create_graph:
        raise NotImplementedError("minigrad does not support create_graph=True (higher-order gradients)")
    outputs = _synced(_as_tuple(outputs))
    inputs = _synced(_as_tuple(inputs))
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    for i, t in enumerate(inputs):
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _root_grads(outputs, grad_outputs, "grad")
    capture = _Capture(inputs)
    roots = [t.grad_fn if t.grad_fn is not None else t for t in outputs]
    _run(roots, grads, bool(retain_graph), capture)
    result = []
    for i, (t, g) in enumerate(zip(inputs, capture.results)):
        if g is None:
            if materialize_grads:
                g = np.zeros_like(t._data)
            elif not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior."
                )
            else:
                result.append(None)
                continue
        result.append(_wrap(np.array(np.broadcast_to(g, t._data.shape), dtype=t._data.dtype)))
    return tuple(result)


# ------------------------------------------------------------------ tensor hooks
class _TensorHooks:
    """What a non-leaf tensor asked of the gradient its node receives: ``register_hook``
    functions (by handle id, in registration order) and ``retain_grad`` (a weak reference to the
    tensor). Kept on the node (``node._hooks``), so hooks registered before an in-place change
    of the tensor see the gradient of its old value, as in PyTorch."""

    __slots__ = ("hooks", "retain")

    def __init__(self):
        self.hooks = {}
        self.retain = None

    def run(self, grad, adopted):
        """The hooks (in order, each may replace the gradient), then retain_grad's ``.grad``
        (always last, as in PyTorch); returns the gradient the node goes on with."""
        if self.hooks:
            grad = _call_hooks(self.hooks, grad, adopted)
        if self.retain is not None:
            t = self.retain()
            if t is not None:
                _accumulate(t, grad, adopted)
        return grad


def _node_hooks(node):
    if node._hooks is None:
        node._hooks = _TensorHooks()
    return node._hooks


def _call_hooks(hooks, grad, adopted):
    """Call ``hook(grad)`` for each hook (outside the graph, as PyTorch's engine does); a hook
    returning a tensor replaces the gradient, which must keep its shape and dtype."""
    prev = _state.enabled
    _state.enabled = False
    try:
        for hook in tuple(hooks.values()):
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


# id(leaf) -> (weak reference to the leaf, {handle id: hook}); entries go when the leaf dies
_LEAF_HOOKS = {}


def _leaf_hooks(t):
    key = id(t)
    entry = _LEAF_HOOKS.get(key)
    if entry is None or entry[0]() is not t:
        def forget(ref, key=key, registry=_LEAF_HOOKS):  # (the global may be gone at exit)
            current = registry.get(key)
            if current is not None and current[0] is ref:
                del registry[key]

        entry = (weakref.ref(t, forget), {})
        _LEAF_HOOKS[key] = entry
    return entry[1]


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
            leaf = ref()
            if hooks and leaf is not None and (only is None or key in only):
                pending[key] = [leaf, hooks, n, None]
        return cls(sink, pending) if pending else None

    def add(self, leaf, g):
        p = self.pending.get(id(leaf))
        if p is None or p[0] is not leaf:
            self.sink.add(leaf, g)
            return
        p[3] = g if p[3] is None else _sum(p[3], g)
        p[2] -= 1
        if p[2] == 0:
            self._deliver(p)

    def add_node(self, node, g):
        self.sink.add_node(node, g)

    def _deliver(self, p):
        del self.pending[id(p[0])]
        self.sink.add(p[0], _call_hooks(p[1], p[3], self.adopted))

    def flush(self):
        """After the pass: leaves some of whose gradients never came (their producers did not
        run, e.g. ``backward(inputs=...)``) get the sum of those that did."""
        for p in list(self.pending.values()):
            if p[3] is not None:
                self._deliver(p)


def register_hook(t, hook):
    """``Tensor.register_hook``: see there."""
    if not t._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if t.grad_fn is None:
        hooks = _leaf_hooks(t)
    else:
        _synced((t,))
        hooks = _node_hooks(t.grad_fn).hooks
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def _retain(t):
    """``Tensor.retain_grad()``: ask the engine to fill ``t.grad`` though ``t`` is not a leaf."""
    _synced((t,))
    _node_hooks(t.grad_fn).retain = weakref.ref(t)
