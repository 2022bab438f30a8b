"""``einsum``: sums of products over labelled dimensions, with PyTorch's equation rules.

The equation is first made explicit (the ellipsis becomes letters, the implicit output is the
labels used once, in alphabetical order) and operands whose dimensions have size 1 where others
have more are expanded (broadcasting, as PyTorch); numpy's ``einsum`` then computes the result.
The gradient of each operand is another einsum of the output gradient with the other operands.
"""
import string

import numpy as np

from .._dtype import scalar_type_name
from ..autograd.function import Op
from ..tensor import Tensor
from .broadcast import expand
from ._util import c_contiguous

__all__ = ["einsum"]

_LETTERS = string.ascii_letters


def _error(msg):
    return RuntimeError(f"einsum(): {msg}")


def _parse(equation, operands):
    """(input label strings, output label string, ellipsis letters) with every ``...`` replaced."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(operands):
        raise _error("fewer operands were provided than specified in the equation")
    if len(terms) < len(operands):
        raise _error("more operands were provided than specified in the equation")
    for ch in eq.replace(",", "").replace("->", "").replace("...", ""):
        if ch not in _LETTERS:
            raise _error(f"invalid subscript given at index {eq.index(ch)} in the equation "
                         f"string, subscripts must be in [a-zA-Z]")
    used = set(lhs) | set(rhs)
    spare = [c for c in _LETTERS if c not in used]
    n_ell = 0
    for term, op in zip(terms, operands):
        if "..." in term:
            n_ell = max(n_ell, op.ndim - (len(term) - 3))
    ell = "".join(spare[:n_ell])
    inputs = []
    for i, (term, op) in enumerate(zip(terms, operands)):
        if "..." in term:
            k = op.ndim - (len(term) - 3)
            if k < 0:
                raise _error(f"the number of subscripts in the equation ({len(term) - 3}) is more "
                             f"than the number of dimensions ({op.ndim}) for operand {i}")
            term = term.replace("...", ell[n_ell - k:])
        elif len(term) != op.ndim:
            raise _error(f"the number of subscripts in the equation ({len(term)}) does not match "
                         f"the number of dimensions ({op.ndim}) for operand {i} and no ellipsis "
                         f"was given")
        inputs.append(term)
    if arrow:
        out = rhs.replace("...", ell)
        for ch in out:
            if out.count(ch) > 1:
                raise _error(f"output subscript {ch} appears more than once in the output")
            if not any(ch in t for t in inputs):
                raise _error(f"output subscript {ch} does not appear in the equation for any "
                             f"input operand")
    else:
        counts = {}
        for t in inputs:
            for ch in t:
                counts[ch] = counts.get(ch, 0) + 1
        out = ell + "".join(sorted(ch for ch, n in counts.items() if n == 1 and ch not in ell))
    return inputs, out


def _sizes(inputs, operands):
    """Each label's size (the largest; others must be 1 or equal, PyTorch's broadcasting)."""
    sizes = {}
    for i, (term, op) in enumerate(zip(inputs, operands)):
        seen = {}
        for ch, n in zip(term, op.shape):
            if ch in seen and seen[ch] != n:
                raise _error(f"subscript {ch} is repeated for operand {i} but the sizes don't "
                             f"match, {n} != {seen[ch]}")
            seen[ch] = n
            prev = sizes.get(ch)
            if prev is not None and prev != n and prev != 1 and n != 1:
                raise _error(f"subscript {ch} has size {n} for operand {i} which does not "
                             f"broadcast with previously seen size {prev}")
            sizes[ch] = n if prev is None or prev == 1 else prev
    return sizes


def _unique(term):
    return "".join(dict.fromkeys(term))


class Einsum(Op):
    @staticmethod
    def forward(ctx, spec, *arrays):
        inputs, out, sizes = spec
        ctx.meta = spec
        ctx.save_for_backward(*arrays)
        if len(arrays) == 1 and len(set(inputs[0])) == len(inputs[0]) and sorted(inputs[0]) == sorted(out):
            # a permutation (or the identity, 0-d included): a view, as PyTorch's
            return np.transpose(arrays[0], [inputs[0].index(ch) for ch in out])
        with np.errstate(all="ignore"):  # inf * 0 is NaN, silently, as in PyTorch
            return np.asarray(np.einsum(",".join(inputs) + "->" + out, *arrays, optimize=len(arrays) > 2))

    @staticmethod
    def backward(ctx, grad):
        inputs, out, sizes = ctx.meta
        arrays = ctx.saved_tensors
        grads = [None]
        for i, term in enumerate(inputs):
            if not ctx.needs_input_grad[i + 1]:
                grads.append(None)
                continue
            others = [t for j, t in enumerate(inputs) if j != i]
            other_arrays = [a for j, a in enumerate(arrays) if j != i]
            labels = _unique(term)
            # labels summed over in this operand alone: the gradient is constant along them
            reachable = "".join(ch for ch in labels if ch in out or any(ch in t for t in others))
            with np.errstate(all="ignore"):
                g = np.einsum(",".join([out] + others) + "->" + reachable, grad, *other_arrays,
                              optimize=len(others) > 1)
            full = np.broadcast_to(
                np.expand_dims(g, tuple(k for k, ch in enumerate(labels) if ch not in reachable)),
                tuple(sizes[ch] for ch in labels))
            if labels == term:
                grads.append(c_contiguous(full.astype(grad.dtype, copy=False)))
            else:  # a repeated label (a diagonal): the gradient lives on that diagonal
                result = np.zeros(arrays[i].shape, grad.dtype)
                np.einsum(term + "->" + labels, result)[...] = full
                grads.append(result)
        return tuple(grads)

    __slots__ = ("meta",)


def einsum(equation, *operands):
    """Sums the products of the elements of ``operands`` over the dimensions named in
    ``equation`` (Einstein notation, as ``numpy.einsum``): ``"ij,jk->ik"`` is a matrix product,
    ``"ii"`` a trace, ``"bij->bji"`` a batched transpose, ``"...ij,...jk"`` broadcasts the
    leading dimensions. Without ``->`` the output has the labels used once, in alphabetical
    order. The operands may also be given as one list. Differentiable in every operand.

    Example::

        >>> a, b = minigrad.ones(2, 3), minigrad.ones(3, 4)
        >>> minigrad.einsum("ij,jk->ik", a, b).shape
        minigrad.Size([2, 4])
        >>> minigrad.einsum("ii", minigrad.tensor([[1., 2.], [3., 4.]]))
        tensor(5.)
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    for i, op in enumerate(operands):
        if not isinstance(op, Tensor):
            raise TypeError(f"einsum(): argument 'operands' must be tuple of Tensors, but found "
                            f"element of type {type(op).__name__} at pos {i}")
    dtypes = {op._data.dtype for op in operands}
    if len(dtypes) > 1:
        first = operands[0]._data.dtype
        other = next(op._data.dtype for op in operands if op._data.dtype != first)
        raise RuntimeError(f"expected scalar type {scalar_type_name(first)} but found "
                           f"{scalar_type_name(other)}")
    inputs, out = _parse(equation, [op._data for op in operands])
    if len(operands) == 1 and operands[0]._data.dtype == np.bool_ and set(inputs[0]) - set(out):
        operands = (operands[0].to(np.int64),)  # a sum of bools counts them, as PyTorch's sum
    sizes = _sizes(inputs, [op._data for op in operands])
    expanded = []
    for term, op in zip(inputs, operands):
        want = tuple(sizes[ch] for ch in term)
        expanded.append(op if op._data.shape == want else expand(op, want))
    return Einsum.apply((tuple(inputs), out, sizes), *expanded)
