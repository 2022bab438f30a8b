"""The graph as PyTorch shows it (``torch.autograd.graph``): what ``grad_fn``, its
``next_functions``, ``metadata`` and node hooks look like from outside.

minigrad's nodes keep one edge per forward argument, pointing at the argument's node or, for a
leaf, at the leaf tensor itself (``function.py``). PyTorch's view differs in two ways, which
this module provides:

* a leaf appears as an ``AccumulateGrad`` node (``next_functions == ()``, ``variable`` the
  leaf), the same object for the same leaf as long as someone holds it, so that a walk with a
  set of visited nodes sees each leaf once;
* ``next_functions`` lists only the arguments that were tensors (a tensor that does not
  require grad shows as ``(None, 0)``; numbers, dims and flags do not show).

Walking ``loss.grad_fn`` down to the leaves therefore gives the same (name, structure) tree in
both frameworks (tests/test_graph_introspection.py compares them op by op).
"""
import weakref

__all__ = ["AccumulateGrad", "accumulate_grad_node", "edges_as_pytorch", "PresentedNode",
           "presented_edges"]

# id(leaf) -> AccumulateGrad; an entry lives as long as its node does (the node holds the leaf,
# so the id cannot be reused meanwhile)
_NODES = weakref.WeakValueDictionary()


class AccumulateGrad:
    """The node PyTorch shows for a leaf that requires grad: where its gradient is accumulated
    into ``.grad``. ``next_functions`` is empty; ``variable`` is the leaf.

    Example::

        >>> w = minigrad.ones(2, requires_grad=True)
        >>> acc = (w * 2).grad_fn.next_functions[0][0]
        >>> acc.name(), acc.next_functions, acc.variable is w
        ('torch::autograd::AccumulateGrad', (), True)
    """

    __slots__ = ("variable", "_metadata", "__weakref__")
    next_functions = ()

    def __init__(self, variable):
        self.variable = variable
        self._metadata = None

    def name(self):
        return "torch::autograd::AccumulateGrad"

    @property
    def metadata(self):
        """A dict for the user's annotations (PyTorch's ``Node.metadata``)."""
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` before the leaf's gradient is accumulated (it may return a
        one-element tuple that replaces the gradient); returns a removable handle."""
        from . import hooks

        return hooks.register_leaf_prehook(self.variable, fn)

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` after the leaf's gradient was accumulated
        (``grad_inputs`` is ``()``, ``grad_outputs`` the gradient); returns a removable handle."""
        from . import hooks

        return hooks.register_leaf_posthook(self.variable, fn)

    def __repr__(self):
        return f"<AccumulateGrad object at {id(self):#x}>"


def accumulate_grad_node(leaf):
    """The ``AccumulateGrad`` of ``leaf`` (the same object while it is alive)."""
    node = _NODES.get(id(leaf))
    if node is None or node.variable is not leaf:
        node = AccumulateGrad(leaf)
        _NODES[id(leaf)] = node
    return node


def edges_as_pytorch(edges, tensor_args, tensor_type, node_type):
    """``next_functions`` from a node's edges: one ``(node, output_nr)`` pair per argument that
    was a tensor, leaves as their ``AccumulateGrad``."""
    out = []
    for edge, is_tensor in zip(edges, tensor_args):
        if is_tensor:
            out.append(_edge(edge, tensor_type, node_type))
    return tuple(out)


def _edge(edge, tensor_type, node_type):
    if isinstance(edge, tensor_type):
        return (accumulate_grad_node(edge), 0)
    if isinstance(edge, node_type):
        while edge.transparent:  # a node PyTorch has no counterpart of: show its input
            edge = next(e for e, t in zip(edge.next_edges, edge._tensor_args) if t)
            if not isinstance(edge, node_type):
                return _edge(edge, tensor_type, node_type)
        return edge._as_pytorch_edge()
    return (None, 0)


# ------------------------------------------------------------------ fused nodes, shown unfused
class PresentedNode:
    """One node of PyTorch's graph for an operation minigrad computes as one fused node (say
    ``cross_entropy``: PyTorch records ``log_softmax`` then ``nll_loss``, minigrad one node
    that does both). It has PyTorch's name and edges, for walking the graph; the gradient flows
    through the fused node, so hooks go there (``register_hook`` here is an error)."""

    __slots__ = ("owner", "spec", "_metadata", "__weakref__")

    def __init__(self, owner, spec):
        self.owner = owner
        self.spec = spec
        self._metadata = None

    def name(self):
        return self.spec[0]

    @property
    def next_functions(self):
        return presented_edges(self.owner, self.spec[1])

    @property
    def metadata(self):
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    def register_hook(self, fn):
        raise NotImplementedError(
            f"{self.spec[0]} is part of minigrad's fused {self.owner.name()} node (which computes "
            "it with its neighbours in one step): register the hook on that node")

    register_prehook = register_hook

    def __repr__(self):
        return f"<{self.spec[0]} object at {id(self):#x}>"


# fused node -> its spec, and the PresentedNodes made for it (by id of the spec they show; the
# specs live as long as their node, so the ids stay theirs)
_SPECS = weakref.WeakKeyDictionary()
_PRESENTED = weakref.WeakKeyDictionary()


def pytorch_spec(node):
    """The node's ``pytorch_graph()`` spec, computed once (None for an ordinary node)."""
    try:
        return _SPECS[node]
    except KeyError:
        spec = _SPECS[node] = node.pytorch_graph()
        return spec


def presented_edges(owner, children):
    """``next_functions`` of a presented node: a child is a nested spec ``(name, children)``
    (a PresentedNode, one object per spec), an int (the fused node's edge for that argument)
    or None (a constant PyTorch wraps in a tensor)."""
    from ..tensor import Tensor
    from .function import Node

    cache = _PRESENTED.get(owner)
    if cache is None:
        cache = _PRESENTED[owner] = {}
    out = []
    for child in children:
        if child is None:
            out.append((None, 0))
        elif isinstance(child, int):
            out.append(_edge(owner.next_edges[child], Tensor, Node))
        else:
            node = cache.get(id(child))
            if node is None:
                node = cache[id(child)] = PresentedNode(owner, child)
            out.append((node, 0))
    return tuple(out)
