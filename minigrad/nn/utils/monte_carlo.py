"""Monte Carlo dropout (Gal and Ghahramani, 2016): keep dropout on at inference and average.

``mc_dropout(model)`` switches on the dropout modules only, for the length of a ``with`` block;
``mc_predict(model, x, passes=T)`` runs ``T`` such stochastic passes and returns the predictive
mean of the softmax, its entropy and the mutual information between the prediction and the
sub-network (BALD, Houlsby et al., 2011), per example. docs/dropout.md explains the quantities.
"""
import contextlib
import numbers
from typing import NamedTuple

from ... import random as _random
from ...autograd.grad_mode import no_grad
from ...tensor import Tensor
from ..modules.dropout import _DropoutNd
from ..modules.module import Module

__all__ = ["mc_dropout", "mc_predict", "MCPrediction"]

# mc_predict's default number of rows per forward call when it stacks passes (about 8 MB per
# hidden layer of width 64 in float32): large batches amortise the per-call overhead, and a bound
# keeps the memory of a (passes x examples) batch in check.
ROWS_PER_CALL = 1 << 15


class MCPrediction(NamedTuple):
    """What ``mc_predict`` returns, for ``T`` passes over ``N`` examples and ``C`` classes (the
    model's output is ``(N, C)`` or ``(N, C, d1, ...)``; ``*`` below stands for ``d1, ...``).
    Entropies are in nats.

    * ``mean``: ``(N, C, *)``, the predictive distribution ``p̄ = (1/T) Σ_t softmax(f_t(x))``
      (the class dimension is dim 1, as for ``CrossEntropyLoss``);
    * ``entropy``: ``(N, *)``, the predictive entropy ``H[p̄] = -Σ_c p̄_c log p̄_c``: total
      uncertainty, from 0 up to ``log C``;
    * ``mutual_information``: ``(N, *)``, ``H[p̄] - (1/T) Σ_t H[p_t]`` (BALD): the part of the
      uncertainty that comes from the disagreement between sub-networks (the model's, or
      epistemic, uncertainty), 0 when every pass gives the same distribution;
    * ``probs``: ``(T, N, C, *)``, every pass's softmax, pass by pass.
    """

    mean: Tensor
    entropy: Tensor
    mutual_information: Tensor
    probs: Tensor

    @classmethod
    def from_probs(cls, probs):
        """The summary of ``T`` predictive distributions ``probs`` ``(T, N, C, *)``, however they
        were sampled: the passes of ``mc_predict``, or the members of an ensemble of networks.

        Example::

            >>> probs = minigrad.tensor([[[1.0, 0.0]], [[0.0, 1.0]]])  # two passes disagree fully
            >>> pred = MCPrediction.from_probs(probs)
            >>> pred.mean, pred.entropy, pred.mutual_information
            (tensor([[0.5000, 0.5000]]), tensor([0.6931]), tensor([0.6931]))
        """
        if not isinstance(probs, Tensor) or probs.dim() < 3:
            raise ValueError("MCPrediction.from_probs() expects probabilities of shape (T, N, C, ...)")
        mean = probs.mean(dim=0)
        entropy = -mean.xlogy(mean).sum(dim=1)  # xlogy: 0 log 0 = 0
        expected_entropy = -probs.xlogy(probs).sum(dim=2).mean(dim=0)
        # H[p̄] ≥ mean_t H[p_t] (entropy is concave); rounding can make the difference -1e-8
        return cls(mean, entropy, (entropy - expected_entropy).clamp(min=0), probs)


@contextlib.contextmanager
def mc_dropout(model):
    """A context manager that puts the dropout modules of ``model`` in training mode (and only
    them) for the length of a ``with`` block: Monte Carlo dropout.

    Every module that is an instance of the dropout base class (``nn.Dropout``, ``Dropout1d``,
    ``Dropout2d``, ``Dropout3d``, ``AlphaDropout``, ``FeatureAlphaDropout``, and your subclasses
    of them) draws a new mask at every call; every other module keeps its mode, so after
    ``model.eval()`` a normalisation layer keeps using its running statistics. On exit, also
    through an exception, every module of ``model`` gets back the mode it had on entry, so
    nested blocks and a model already in training mode come out as they went in. Only the
    ``training`` flags change (``Module.train`` is not called), so the block runs no user code.

    ``model.eval()`` first is the usual set-up: with the model in training mode, the other
    modules stay in training mode too (a BatchNorm would normalise with the batch's statistics).

    Example::

        >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 2)).eval()
        >>> with mc_dropout(model):
        ...     model[2].training, model[0].training, model.training
        (True, False, False)
        >>> model[2].training
        False
    """
    if not isinstance(model, Module):
        raise TypeError(f"mc_dropout() expects an nn.Module, got {type(model).__name__}")
    modes = [(module, module.training) for module in model.modules()]
    try:
        for module, _ in modes:
            if isinstance(module, _DropoutNd):
                module.training = True
        yield model
    finally:
        for module, training in modes:
            module.training = training


def mc_predict(model, x, passes=100, generator=None, *, batch_passes=None):
    """Monte Carlo dropout prediction: ``passes`` forward passes of ``x`` with dropout on (as in
    ``mc_dropout``) and everything else in its current mode, without gradients; returns an
    ``MCPrediction``: the mean of the passes' softmax ``(N, C, *)``, its entropy ``(N, *)``, the
    mutual information (BALD) ``(N, *)`` and the passes' probabilities ``(T, N, C, *)``.

    Args:
        model (nn.Module): returns scores (logits) ``(N, C)`` or ``(N, C, d1, ...)`` for ``x``.
        x (Tensor): a batch ``(N, ...)``, examples along dim 0.
        passes (int): the number ``T`` of sampled sub-networks (default 100).
        generator (minigrad.Generator, optional): draw every mask from it instead of the default
            generator (which is then left untouched): the same generator state gives the same
            result. Without it, ``minigrad.manual_seed`` makes the result repeatable. (A dropout
            module built with its own ``generator=`` keeps drawing from that one.)
        batch_passes (int, optional): how many passes share one forward call. ``k > 1`` stacks
            ``k`` copies of ``x`` along dim 0 and runs the ``k·N`` rows at once, so every copy gets
            its own masks; this is only valid for a model that treats each row independently.
            ``1`` is a plain loop of ``T`` calls. Default: as many passes as fit in 32,768 rows
            when every module of ``model`` is one whose forward is known to be row-independent
            in its current mode (``Sequential``, ``Linear``, ``Identity``, ``Flatten`` and
            ``Unflatten`` after dim 0, element-wise activations, softmax over dim ≥ 1, the dropout
            modules); 1 otherwise, e.g. for a module with its own ``forward`` (which could mix the
            rows) or a BatchNorm in training mode (which does).

    The two ways agree: in both, every mask bit of every pass is an independent draw, so the
    estimates have the same distribution, and given the same masks they are equal bit for bit
    (minigrad's kernels give each row the same result whatever the batch). They differ only in
    which random numbers go to which pass, so each ``batch_passes`` is repeatable on its own.

    Example::

        >>> _ = minigrad.manual_seed(0)
        >>> model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 3)).eval()
        >>> x = minigrad.randn(5, 4)
        >>> pred = mc_predict(model, x, passes=20, generator=minigrad.Generator().manual_seed(1))
        >>> pred.mean.shape, pred.entropy.shape, pred.mutual_information.shape, pred.probs.shape
        (minigrad.Size([5, 3]), minigrad.Size([5]), minigrad.Size([5]), minigrad.Size([20, 5, 3]))
        >>> bool((pred.mutual_information <= pred.entropy).all()), model[2].training
        (True, False)
    """
    if not isinstance(model, Module):
        raise TypeError(f"mc_predict() expects an nn.Module, got {type(model).__name__}")
    if not isinstance(x, Tensor):
        raise TypeError(f"mc_predict(): x must be a Tensor, got {type(x).__name__}")
    if x.dim() == 0:
        raise ValueError("mc_predict(): x must have a batch dimension (dim 0), got a 0-d tensor")
    passes = _positive_int(passes, "passes")
    if batch_passes is not None:
        batch_passes = _positive_int(batch_passes, "batch_passes")
    draw = contextlib.nullcontext() if generator is None else _random._drawing_from(generator)
    with mc_dropout(model), draw, no_grad():
        if batch_passes is None:
            batch_passes = _default_batch_passes(model, x.shape[0], passes)
        probs = _sample(model, x, passes, batch_passes)
    return MCPrediction.from_probs(probs)


def _sample(model, x, passes, batch_passes):
    """The passes' softmax, ``(T, N, C, *)``: ``batch_passes`` passes per forward call."""
    n = x.shape[0]
    probs, done = None, 0
    while done < passes:
        k = min(batch_passes, passes - done)
        rows = x if k == 1 else x.unsqueeze(0).expand(k, *x.shape).reshape(k * n, *x.shape[1:])
        out = model(rows)
        if not isinstance(out, Tensor) or out.dim() < 2 or out.shape[0] != k * n:
            got = tuple(out.shape) if isinstance(out, Tensor) else type(out).__name__
            raise RuntimeError(f"mc_predict(): the model must return scores (N, C, ...) for an input "
                               f"of N = {k * n} rows, got {got}")
        chunk = out.reshape(k, n, *out.shape[1:]).softmax(dim=2)
        if probs is None:
            if k == passes:
                return chunk
            probs = chunk.new_empty((passes, *chunk.shape[1:]))
        probs[done:done + k] = chunk
        done += k
    return probs


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"mc_predict(): {name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"mc_predict(): {name} must be at least 1, got {value}")
    return int(value)


def _default_batch_passes(model, n, passes):
    """``batch_passes`` when the caller gives none (see ``mc_predict``)."""
    if not all(_row_independent(module) for module in model.modules()):
        return 1
    return max(1, min(passes, ROWS_PER_CALL // max(n, 1)))


def _row_independent(module):
    """True if ``module``'s own forward, in its current mode, computes each row of its output
    from the same row of its input alone (so that stacking copies of a batch is the same as
    running them one by one). Unknown modules, and subclasses that override ``forward``, are
    not: the answer must never be a wrong yes."""
    from .. import modules as m

    def is_plain(cls):  # an instance of cls that still uses cls's forward
        return isinstance(module, cls) and type(module).forward is cls.forward

    if isinstance(module, _DropoutNd):  # element- or (sample, channel)-wise masks
        return type(module).forward in {c.forward for c in (m.Dropout, m.Dropout1d, m.Dropout2d,
                                                            m.Dropout3d, m.AlphaDropout,
                                                            m.FeatureAlphaDropout)}
    if is_plain(m.Sequential):
        return True
    if isinstance(module, (m.ModuleList, m.ModuleDict)) and type(module).forward is Module.forward:
        return True  # containers without a forward of their own (their owner decides)
    if any(is_plain(cls) for cls in (m.Linear, m.Identity, m.ReLU, m.ELU, m.GELU, m.SELU, m.LeakyReLU,
                                     m.Sigmoid, m.SiLU, m.Softplus, m.Tanh)):
        return True
    if any(is_plain(cls) for cls in (m.Softmax, m.Softmin, m.LogSoftmax)):
        return isinstance(module.dim, int) and (module.dim > 0 or module.dim == -1)
    if is_plain(m.Flatten):
        return module.start_dim > 0
    if is_plain(m.Unflatten):
        return isinstance(module.dim, int) and module.dim > 0
    for name in ("Conv1d", "Conv2d", "Conv3d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d"):
        cls = getattr(m, name, None)  # layers minigrad may not have yet
        if cls is not None and is_plain(cls):
            return True
    for name in ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d"):
        cls = getattr(m, name, None)
        if cls is not None and is_plain(cls):
            # eval mode with running statistics: a fixed affine map per channel. Otherwise the
            # batch's own statistics mix the rows.
            return not module.training and getattr(module, "running_mean", None) is not None
    return False
