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
"""
import weakref

import numpy as np

from ..tensor import Tensor, _wrap
from .function import Node, sync_view

__all__ = ["backward", "grad"]


def _count_dependencies(roots):
    deps = {}
    stack = [r for r in roots if isinstance(r, Node)]
    seen = set(stack)
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
        _accumulate(self.nodes[node], g, self.adopted)


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
        current._data = current._data + g
    else:
        np.add(current._data, g, out=current._data)


class _Capture:
    """For ``autograd.grad``: collects the gradients of chosen tensors, touches no ``.grad``."""

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
        self.results[i] = g if r is None else r + g

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
                buffers[r] = buffers[r] + g
            else:
                buffers[r] = g
                ready.append(r)
        else:
            sink.add(r, g)
    with np.errstate(all="ignore"):  # inf/NaN propagate silently, as in PyTorch
        while ready:
            node = ready.pop()
            grad = buffers.pop(node)
            if node._retained is not None:
                t = node._retained()
                if t is not None:
                    _accumulate(t, grad, adopted)
            if targets and node in targets:
                sink.add_node(node, grad)
            if needed is not None and node not in needed:
                continue
            grads = node._run_backward(grad)
            if type(grads) is not tuple:
                grads = (grads,)
            if not retain_graph:
                node._release()
            for e, g in zip(node.next_edges, grads):
                if e is None or g is None:
                    continue
                if isinstance(e, Node):
                    if needed is not None and e not in needed and e not in targets:
                        continue
                    if e in buffers:
                        buffers[e] = buffers[e] + g  # never in place: g may be shared
                    else:
                        buffers[e] = g
                    deps[e] -= 1
                    if deps[e] == 0:
                        ready.append(e)
                else:
                    sink.add(e, g)


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
    each leaf's ``.grad`` (as ``torch.autograd.backward``)."""
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
    (as ``torch.autograd.grad``)."""
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


def _retain(t):
    """``Tensor.retain_grad()``: ask the engine to fill ``t.grad`` though ``t`` is not a leaf."""
    _synced((t,))
    t.grad_fn._retained = weakref.ref(t)
