"""The backward pass: from ``loss.backward()`` to ``.grad`` on every leaf.

The graph is the chain of ``grad_fn`` nodes recorded during the forward pass (``function.py``).
``_run`` visits them in topological order, so that a node runs only once the gradients from all
of its consumers have been summed into its buffer:

1. Count, for every node reachable from the roots, how many edges point at it (its dependencies).
   This is an explicit-stack depth-first walk, so a graph thousands of ops deep never meets
   Python's recursion limit.
2. Start with the roots' gradients. Pop a ready node, call its backward, and pass each input
   gradient along the node's edges: into another node's buffer (that node becomes ready when its
   last dependency delivered), or into a leaf tensor's ``.grad`` (the *sink*, ``sinks.py``).
3. Unless ``retain_graph=True``, free each node's saved arrays right after it ran.

What PyTorch adds around that loop is kept out of it: tensor hooks and ``retain_grad``
(``hooks.py``), ``backward(inputs=...)`` (which runs only the nodes that lead to the inputs:
``_needed_nodes``) and ``autograd.grad`` (a sink that collects instead of accumulating).
"""
import warnings

import numpy as np

from ..tensor import Tensor, _wrap
from . import anomaly_mode
from .function import Function, Node, sync_views
from .hooks import run_node_hooks, run_post_hooks, with_leaf_hooks
from .sinks import Capture, LeafSink, grad_sum

__all__ = ["backward", "grad"]


# None, or what runs each node's backward while minigrad.profiler records (``hook(node, grad)``)
backward_hook = None


def _run(roots, root_grads, retain_graph, sink):
    """Run the backward pass from ``roots`` (nodes, or leaf tensors) with their gradients."""
    sink = with_leaf_hooks(sink, roots)  # a leaf with hooks gets the sum of its gradients
    needed = _needed_nodes(roots, sink)  # backward(inputs=...): only what leads to them
    deps = _count_dependencies(roots)
    buffers, ready = _start(roots, root_grads, needed, deps, sink)  # node -> gradient; runnable
    to_leaf, hook = sink.add, backward_hook  # (looked up once, not per node)
    checked = anomaly_mode._state.enabled  # anomaly detection: NaN checks, forward tracebacks
    with np.errstate(all="ignore"):  # inf/NaN propagate silently, as in PyTorch
        while ready:
            node = ready.pop()
            grad = buffers.pop(node)
            if node._hooks is not None or sink.nodes:
                grad = run_node_hooks(node, grad, sink)  # register_hook, retain_grad, inputs=
            if needed is not None and node not in needed:
                continue
            if checked:
                grads = anomaly_mode.run_backward_checked(node, grad)
            elif hook is None:
                grads = node._run_backward(grad)
            else:
                grads = hook(node, grad)  # the profiler's, when it records
            grads = _validated(node, grads)  # as PyTorch's validate_outputs
            if node._hooks is not None and node._hooks.post:
                grads = run_post_hooks(node, grad, grads)  # grad_fn.register_hook
            if not retain_graph:
                node._release()  # free what it saved for backward
            for edge, g in zip(node.next_edges, grads):
                if edge is None or g is None:
                    continue
                if not isinstance(edge, Node):
                    to_leaf(edge, g)  # a leaf tensor: into its .grad
                elif needed is None or edge in needed or edge in sink.nodes:
                    # summed out of place: g may be shared (a + b hands one array to both)
                    buffers[edge] = grad_sum(buffers[edge], g) if edge in buffers else g
                    deps[edge] -= 1
                    if deps[edge] == 0:  # its last gradient has arrived
                        ready.append(edge)
    sink.finish()


def _count_dependencies(roots):
    """For each node reachable from ``roots``: how many edges point at it."""
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


def _start(roots, root_grads, needed, deps, sink):
    """The buffers and the ready stack the pass starts from: a root node holds its gradient (the
    sum, for a node given twice) and is ready, unless another root's graph reaches it (then it
    waits for those gradients too); a root that is a leaf goes to the sink."""
    buffers, ready = {}, []
    for r, g in zip(roots, root_grads):
        if isinstance(r, Node):
            if needed is not None and r not in needed and r not in sink.nodes:
                continue
            if r in buffers:
                buffers[r] = grad_sum(buffers[r], g)
            else:
                buffers[r] = g
                if not deps.get(r):
                    ready.append(r)
        else:
            sink.add(r, g)
    return buffers, ready


def _validated(node, grads):
    """The gradients ``node``'s backward returned (a tuple, one per argument), each checked
    against its input's shape and dtype (recorded with the node), as PyTorch's engine validates
    every gradient: a backward that gets either wrong fails here, at once, not somewhere
    downstream. A custom ``Function`` is treated as in PyTorch (a gradient that broadcasts to the
    input is summed down, another dtype is cast); minigrad's own ops must return exactly the
    input's."""
    if type(grads) is not tuple:
        grads = (grads,)
    checked = list(grads)
    for index, (meta, g) in enumerate(zip(node._input_meta, grads)):
        if meta is None or g is None:  # (no gradient wanted; a multi-output Function's slots)
            continue
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
        checked[index] = g
    return tuple(checked)


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


def _needed_nodes(roots, sink):
    """With ``inputs=`` (``sink.only`` is not None): the nodes from which an input (a leaf in
    ``sink.only`` or a node in ``sink.nodes``) can be reached through their edges, the only ones
    a restricted backward must run (as in PyTorch, the rest of the graph is neither run nor
    freed); otherwise None (all run). Iterative post-order, no recursion."""
    if sink.only is None:
        return None
    leaf_ids, target_nodes = sink.only, sink.nodes
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


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
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
    if grad_variables is not None:  # PyTorch 0.3's name
        warnings.warn("`grad_variables` is deprecated. Use `grad_tensors` instead.",
                      FutureWarning, stacklevel=2)
        if grad_tensors is not None:
            raise RuntimeError("`grad_tensors` and `grad_variables` (deprecated) arguments both "
                               "passed to `backward()`. Please only use `grad_tensors`.")
        grad_tensors = grad_variables
    tensors = sync_views(_as_tuple(tensors))
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
        inputs = sync_views(_as_tuple(inputs))
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    roots = [t.grad_fn if t.grad_fn is not None else t for t in tensors]
    _run(roots, grads, bool(retain_graph), LeafSink(inputs))


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
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
    if is_grads_batched:
        raise NotImplementedError("minigrad does not support is_grads_batched=True (vmap)")
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to True). "
                      "To accumulate gradient for other parts of the graph, please use "
                      "minigrad.autograd.backward.", FutureWarning, stacklevel=2)
    outputs = sync_views(_as_tuple(outputs))
    inputs = sync_views(_as_tuple(inputs))
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    for i, t in enumerate(inputs):
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _root_grads(outputs, grad_outputs, "grad")
    capture = Capture(inputs)
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
