"""``minigrad.linalg``: the part of ``torch.linalg`` minigrad has (vector norms)."""
from .ops.norms import norm as _norm
from .ops.norms import vector_norm

__all__ = ["vector_norm", "norm"]


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """A vector norm, as ``torch.linalg.norm`` for the cases that are vector norms.

    With ``ord=None`` it is the Euclidean norm of all the elements (the Frobenius norm of a
    matrix) or along ``dim``; with a numeric ``ord`` and an int ``dim`` (or a 1-D input) it is
    ``vector_norm(A, ord, dim)``. Matrix norms (a numeric ``ord`` over two dimensions, "nuc")
    are not supported.

    Example::

        >>> A = minigrad.tensor([[3., 4.], [0., 0.]])
        >>> minigrad.linalg.norm(A)
        tensor(5.)
        >>> minigrad.linalg.norm(A, ord=1, dim=1)
        tensor([7., 0.])
    """
    if ord is None or ord == "fro":
        if ord == "fro" and A.ndim < 2 and dim is None:
            raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
        return _norm(A, "fro", dim, keepdim, dtype=dtype)
    if isinstance(ord, str) or (dim is None and A.ndim != 1) or (dim is not None and not isinstance(dim, int)):
        raise NotImplementedError("minigrad.linalg.norm supports vector norms only (ord=None, or a "
                                  "numeric ord with an int dim or a 1-D input); matrix norms are "
                                  "not implemented")
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)
