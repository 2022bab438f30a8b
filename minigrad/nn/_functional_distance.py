"""``F.normalize`` and the distances of ``minigrad.nn.functional`` (``pairwise_distance``,
``cosine_similarity``, ``pdist``: the ops of ``ops/distance.py``, which PyTorch also has at top
level)."""
from ..ops.clamping import clamp_min
from ..ops.distance import cosine_similarity, pairwise_distance, pdist
from ..ops.norms import norm

__all__ = ["normalize", "pairwise_distance", "cosine_similarity", "pdist"]


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input`` divided by its p-norm along ``dim`` (at least ``eps``), so that the slices along
    ``dim`` have norm 1.

    Example::

        >>> F.normalize(minigrad.tensor([[3., 4.], [0., 0.]]))
        tensor([[0.6000, 0.8000],
                [0.0000, 0.0000]])
    """
    denom = clamp_min(norm(input, p, dim, keepdim=True), eps).expand_as(input)
    if out is None:
        return input / denom
    from ..ops.arithmetic import div
    from ..ops._arg_parser import write_out
    return write_out("div", div(input.detach(), denom.detach()), out, None)
