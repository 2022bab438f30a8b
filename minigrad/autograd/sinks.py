"""Where the backward pass puts the gradients that reach the graph's leaves (its *sink*):

* ``LeafSink``, for ``backward()``: added into each leaf's ``.grad`` (``accumulate``); with
  ``backward(inputs=...)``, only into those tensors' ``.grad``;
* ``Capture``, for ``autograd.grad()``: collected for the chosen tensors, no ``.grad`` touched.

A sink has ``add(leaf, grad)`` for a leaf tensor, ``add_node(node, grad)`` for a non-leaf tensor
listed in ``inputs`` (reached through the node that computed it), and ``finish()``.
"""
import numpy as np

from ..tensor import _wrap
from .function import _Slots

__all__ = ["LeafSink", "Capture", "accumulate", "grad_sum"]


def grad_sum(a, b):
    """``a + b`` for gradients, out of place; an array even for 0-d ones (numpy's sum of two
    0-d arrays is a scalar)."""
    total = a + b
    return total if type(total) is np.ndarray or type(total) is _Slots else np.asarray(total)


def accumulate(t, g, adopted):
    """Add the gradient array ``g`` into ``t.grad``.

    To avoid copying large gradients, a fresh array (not a view, not handed to another tensor in
    this pass: ``adopted`` holds their ids) becomes a ``.grad`` as it is. Such an adopted array
    may still be read by nodes that have not run yet (``a + b`` hands the same array to both
    sides), so a second contribution to that tensor in the same pass is added out of place.
    """
    data = t._data
    if g.dtype != data.dtype:
        g = g.astype(data.dtype)
    if g.shape != data.shape:
        g = np.broadcast_to(g, data.shape)  # e.g. a 0-d gradient given for a 1-element tensor
    current = t._grad
    if current is None:
        flags = g.flags  # (a new object at each access)
        if g.base is None and flags.c_contiguous and flags.writeable and id(g) not in adopted:
            adopted.add(id(g))
        else:
            g = np.array(g, order="C")
        t._grad = _wrap(g)
    elif id(current._data) in adopted:
        current._data = grad_sum(current._data, g)
    else:
        np.add(current._data, g, out=current._data)


class LeafSink:
    """``backward()``'s sink: gradients into leaves' ``.grad`` (and, for
    ``backward(inputs=...)``, into the ``.grad`` of the non-leaf tensors listed there)."""

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
        accumulate(leaf, g, self.adopted)

    def add_node(self, node, g):
        t = self.nodes[node]
        hooks = node._hooks
        if hooks is not None and hooks.retain is not None and hooks.retain() is t:
            return  # retain_grad has filled t.grad already (once, not twice)
        accumulate(t, g, self.adopted)

    def finish(self):
        pass


class Capture:
    """``autograd.grad()``'s sink: collects the gradients of chosen tensors, touches no
    ``.grad``."""

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
        self.results[i] = g if r is None else grad_sum(r, g)

    def add(self, leaf, g):
        i = self.only.get(id(leaf))
        if i is not None:
            self._put(i, g)

    def add_node(self, node, g):
        self._put(self.nodes[node], g)

    def finish(self):
        pass
