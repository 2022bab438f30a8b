"""Fused loss operations, each one graph node with its own backward.

* ``CrossEntropyIndex``: log-softmax + negative log-likelihood (+ label smoothing, class weights,
  ``ignore_index``, reduction) for class-index targets, computed from the max-shifted logits so
  that logits of ±1e4 neither overflow nor lose the gradient.
* ``CrossEntropyProb``: the same for class-probability targets.
* ``NLL``: negative log-likelihood of given log-probabilities.
* ``PointwiseLoss``: squared (MSE) or absolute (L1) error with its reduction.
* ``BCEWithLogits`` / ``BCE``: binary cross entropy, with its weights and reduction.

Where PyTorch records several nodes for what one fused op computes here (``cross_entropy`` is
PyTorch's ``log_softmax`` then ``nll_loss``), the op's ``pytorch_graph`` shows PyTorch's nodes to
whoever walks ``grad_fn`` (``autograd/graph.py``).

All of them take 2-D ``(M, C)`` arrays for the class losses: ``nn.functional`` moves the class
dimension last and flattens the rest (see ``to_rows`` / ``from_rows``).
"""
import numpy as np

from ..autograd.function import Op
from ._util import sum_to

__all__ = ["CrossEntropyIndex", "CrossEntropyProb", "NLL", "PointwiseLoss", "BCEWithLogits",
           "BCE", "to_rows", "from_rows"]


def to_rows(a):
    """(N, C, d1, ...) -> (N*d1*..., C): one row of class scores per prediction."""
    if a.ndim == 2:
        return a
    if a.ndim == 1:
        return a.reshape(1, -1)
    return np.moveaxis(a, 1, -1).reshape(-1, a.shape[1])


def from_rows(rows, shape):
    """Inverse of ``to_rows`` for an array of the original ``shape``."""
    if len(shape) == 2:
        return rows
    if len(shape) == 1:
        return rows.reshape(shape)
    moved = (shape[0],) + tuple(shape[2:]) + (shape[1],)
    return np.moveaxis(rows.reshape(moved), -1, 1)


def _log_softmax_rows(x):
    # (np.maximum.reduce and np.add.reduce are what x.max() and .sum() call, minus a Python frame)
    shifted = x - np.maximum.reduce(x, axis=1, keepdims=True)
    return shifted - np.log(np.add.reduce(np.exp(shifted), axis=1, keepdims=True))


def _reduce(per_row, reduction, denom, out_shape):
    if reduction == "none":
        return per_row.reshape(out_shape)
    total = per_row.sum()
    if reduction == "sum":
        return np.asarray(total, dtype=per_row.dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(total / denom, dtype=per_row.dtype)


def _row_coefficients(grad, reduction, denom, n_rows, dtype, any_valid=True):
    """d(reduced loss)/d(per-row loss), one value per row."""
    if reduction == "none":
        return grad.reshape(-1).astype(dtype, copy=False)
    g = grad.reshape(())
    if reduction == "mean":
        if denom == 0 and not any_valid:
            # every target ignored: the loss is NaN and no gradient flows (PyTorch); when the
            # rows kept all weigh 0, the gradient is 0/0 = NaN for them (also PyTorch's)
            return np.zeros(n_rows, dtype=dtype)
        with np.errstate(divide="ignore", invalid="ignore"):
            g = g / denom
    return np.full(n_rows, g, dtype=dtype)


class CrossEntropyIndex(Op):
    """Cross entropy of logit rows ``x`` (M, C) against class indices ``target`` (M,).

    loss_i = (1 - eps) * w[t_i] * (-log p_i[t_i]) + eps / C * sum_c w_c * (-log p_i[c])
    (zero for ignored rows); 'mean' divides by sum_i w[t_i] over the rows not ignored.
    """

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction, eps, out_shape, in_ndim=2):
        ctx.shape = (in_ndim, reduction, eps, weight is not None)
        m, c = x.shape
        logp = _log_softmax_rows(x)
        if ignore_index is None and weight is None and eps == 0 and reduction == "mean" and m:
            # The common case, for a caller that has checked that every target is a class index
            # (F.cross_entropy's fast path; it passes ignore_index=None): the formulas below with
            # nothing ignored and w_t = 1, in fewer array passes and with the same bits (a
            # product by 1.0 is exact, and denom = m).
            denom = x.dtype.type(m)
            loss = np.asarray((-logp[np.arange(m), target]).sum() / denom, dtype=x.dtype)
            ctx.save_for_backward(logp)
            ctx.meta = (target, None, None, None, reduction, eps, denom)
            return loss
        valid = target != ignore_index
        tc = np.where(valid, target, 0)
        rows = np.arange(m)
        w_t = (weight[tc] if weight is not None else np.ones(m, x.dtype)) * valid
        # ignored rows are selected out, not multiplied by 0: their logits may be NaN or inf
        zero = np.zeros((), x.dtype)
        nll = np.where(valid, -logp[rows, tc] * w_t, zero)
        denom = w_t.sum()
        loss = _reduce(nll, reduction, denom, out_shape)
        if eps > 0:
            per_class = logp * weight if weight is not None else logp
            smooth = np.where(valid, -per_class.sum(axis=1), zero)
            loss = (1 - eps) * loss + _reduce(smooth, reduction, denom, out_shape) * (eps / c)
            loss = np.asarray(loss, dtype=x.dtype)
        ctx.save_for_backward(logp)
        ctx.meta = (tc, w_t, valid, weight, reduction, eps, denom)
        return loss

    @staticmethod
    def backward(ctx, grad):
        (logp,) = ctx.saved_tensors
        tc, w_t, valid, weight, reduction, eps, denom = ctx.meta
        m, c = logp.shape
        p = np.exp(logp)
        if w_t is None:  # forward's common case: the same steps as below with w_t = 1, eps = 0
            scale = logp.dtype.type(grad.reshape(()) / denom)
            dx = p * scale
            dx[np.arange(m), tc] -= scale
            return dx, None, None, None, None, None, None, None
        coef = _row_coefficients(grad, reduction, denom, m, logp.dtype, valid.any())
        zero = np.zeros((), logp.dtype)
        nll_scale = np.where(valid, coef * w_t * (1 - eps), zero)[:, None]
        dx = p * nll_scale  # (an ignored row of NaN logits gets NaN here, as in PyTorch)
        dx[np.arange(m), tc] -= nll_scale[:, 0]
        if eps > 0:
            w = weight if weight is not None else np.ones(c, logp.dtype)
            smooth_scale = (coef * valid * (eps / c))[:, None]
            dx += smooth_scale * (p * w.sum() - w)
        return dx.astype(logp.dtype, copy=False), None, None, None, None, None, None, None

    def pytorch_graph(self):
        in_ndim, reduction, eps, weighted = self.shape
        logp = ("LogSoftmaxBackward0", [0])
        loss = _nll_spec(logp, in_ndim, reduction)
        if not eps:
            return loss
        # label smoothing: PyTorch adds a second term, from the same log_softmax
        per_class = logp if not weighted else ("MulBackward0", [logp, None])
        smooth = ("MaskedFillBackward0", [("NegBackward0", [("SumBackward1", [per_class])])])
        if reduction == "sum":
            smooth = ("SumBackward0", [smooth])
        elif reduction == "mean":
            smooth = ("DivBackward0", [("SumBackward0", [smooth]), None])
        return ("AddBackward0", [("MulBackward1", [loss]), ("MulBackward1", [smooth])])

    __slots__ = ("meta", "shape")


def _nll_spec(input_spec, in_ndim, reduction):
    """PyTorch's nodes for nll_loss of an input of ``in_ndim`` dimensions: ``nll_loss2d`` from
    3-D on, on the input viewed as 4-D (except a 4-D one), its 'none' result viewed back."""
    if in_ndim < 3:
        return ("NllLossBackward0", [input_spec])
    viewed = in_ndim != 4
    loss = ("NllLoss2DBackward0", [("ViewBackward0", [input_spec]) if viewed else input_spec])
    return ("ViewBackward0", [loss]) if viewed and reduction == "none" else loss


class CrossEntropyProb(Op):
    """Cross entropy of logit rows ``x`` (M, C) against class probabilities ``target`` (M, C):
    loss_i = -sum_c w_c * q_ic * log p_ic with q = (1 - eps) * target + eps / C; 'mean'
    divides by M. Differentiable in x, target and the class weights w (as PyTorch)."""

    @staticmethod
    def forward(ctx, x, target, weight, reduction, eps, out_shape, in_ndim=2):
        m, c = x.shape
        logp = _log_softmax_rows(x)
        q = target * (1 - eps) + eps / c if eps > 0 else target
        wq = q * weight if weight is not None else q
        per_row = -(logp * wq).sum(axis=1)
        ctx.save_for_backward(logp, q)
        ctx.meta = (weight, reduction, eps)
        return _reduce(per_row.astype(x.dtype, copy=False), reduction, m if m else np.nan,
                       out_shape)

    @staticmethod
    def backward(ctx, grad):
        logp, q = ctx.saved_tensors
        weight, reduction, eps = ctx.meta
        m, c = logp.shape
        coef = _row_coefficients(grad, reduction, m, m, logp.dtype)[:, None]
        need_x, need_t, need_w = ctx.needs_input_grad[:3]
        w = weight if weight is not None else 1.0
        dx = dt = dw = None
        if need_x:
            wq = q * w
            dx = coef * (np.exp(logp) * wq.sum(axis=1, keepdims=True) - wq)
            dx = dx.astype(logp.dtype, copy=False)
        if need_t:
            dt = (-coef * (1 - eps) * w * logp).astype(logp.dtype, copy=False)
        if need_w and weight is not None:
            dw = (-(coef * q * logp).sum(axis=0)).astype(logp.dtype, copy=False)
        return dx, dt, dw, None, None, None, None

    def pytorch_graph(self):
        # PyTorch: -(log_softmax(x) [* weight] * target).sum(1), then the reduction
        weight, reduction, _ = self.meta
        per_class = ("LogSoftmaxBackward0", [0])
        if weight is not None:
            shown = ("ViewBackward0", [2]) if self.needs_input_grad[2] else None
            per_class = ("MulBackward0", [per_class, shown])
        product = ("MulBackward0", [per_class, 1])
        if reduction == "none":
            return ("NegBackward0", [("SumBackward1", [product])])
        total = ("NegBackward0", [("SumBackward0", [product])])
        return total if reduction == "sum" else ("DivBackward1", [total])

    __slots__ = ("meta",)


class NLL(Op):
    """Negative log-likelihood of log-probability rows ``x`` (M, C) at class indices ``target``:
    loss_i = -w[t_i] * x_i[t_i] (0 for ignored rows); 'mean' divides by sum_i w[t_i]."""

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction, out_shape, in_ndim=2):
        ctx.shape = (in_ndim, reduction)
        m = x.shape[0]
        valid = target != ignore_index
        tc = np.where(valid, target, 0)
        w_t = (weight[tc] if weight is not None else np.ones(m, x.dtype)) * valid
        per_row = np.where(valid, -x[np.arange(m), tc] * w_t, np.zeros((), x.dtype))
        denom = w_t.sum()
        ctx.meta = (x.shape, tc, w_t, valid, reduction, denom)
        return _reduce(per_row, reduction, denom, out_shape)

    @staticmethod
    def backward(ctx, grad):
        shape, tc, w_t, valid, reduction, denom = ctx.meta
        coef = _row_coefficients(grad, reduction, denom, shape[0], grad.dtype, valid.any())
        dx = np.zeros(shape, dtype=grad.dtype)
        dx[np.arange(shape[0]), tc] = np.where(valid, -coef * w_t, np.zeros((), grad.dtype))
        return dx, None, None, None, None, None, None

    def pytorch_graph(self):
        return _nll_spec(0, *self.shape)

    __slots__ = ("meta", "shape")


class PointwiseLoss(Op):
    """Element-wise loss of ``d = input - target``, reduced: ``kind`` "mse" (d²), "l1" (|d|),
    "smooth_l1" (0.5 d² / beta where |d| < beta, else |d| - 0.5 beta) or "huber"
    (0.5 d² where |d| < delta, else delta (|d| - 0.5 delta)); ``param`` is beta or delta."""

    @staticmethod
    def forward(ctx, a, b, reduction, kind, param=None):
        diff = a - b
        if kind == "mse":
            out = diff * diff
        elif kind == "l1":
            out = np.abs(diff)
        else:
            ad = np.abs(diff)
            quad = ad < param
            if kind == "smooth_l1":
                out = np.where(quad, 0.5 * diff * diff / param, ad - 0.5 * param)
            else:
                out = np.where(quad, 0.5 * diff * diff, param * (ad - 0.5 * param))
            out = out.astype(diff.dtype, copy=False)
        ctx.save_for_backward(diff)
        ctx.meta = (np.shape(a), np.shape(b), reduction, kind, param)
        if reduction == "none":
            return out
        if reduction == "sum":
            return np.asarray(out.sum(), dtype=out.dtype)
        if out.size == 0:
            return np.asarray(np.nan, dtype=out.dtype)
        return np.asarray(out.mean(), dtype=out.dtype)

    @staticmethod
    def backward(ctx, grad):
        (diff,) = ctx.saved_tensors
        sa, sb, reduction, kind, param = ctx.meta
        if kind == "mse":
            # PyTorch's order, (2 / n * diff) * grad: 2 * diff alone overflows at float32's max
            norm = 2.0 / diff.size if reduction == "mean" and diff.size else 2.0
            d = (np.asarray(norm, diff.dtype) * diff) * grad
        else:  # sign(NaN) counts as 0, as PyTorch's sgn: a NaN element gives a zero gradient
            if reduction == "mean" and diff.size:
                grad = grad / diff.size
            sign = np.asarray(np.sign(diff))
            sign = np.where(np.isnan(sign), np.zeros((), sign.dtype), sign)
            # (smooth L1 and Huber: a NaN takes the quadratic branch, so its gradient is NaN)
            if kind == "smooth_l1":
                sign = np.where(np.abs(diff) >= param, sign, diff / param)
            elif kind == "huber":
                sign = np.where(np.abs(diff) >= param, param * sign, diff)
            d = grad * sign
        d = d.astype(diff.dtype, copy=False)
        need_a, need_b = ctx.needs_input_grad[:2]
        return (sum_to(d, sa) if need_a else None, sum_to(-d, sb) if need_b else None,
                None, None, None)

    def name(self):
        return {"mse": "MseLossBackward0", "l1": "L1LossBackward0",
                "smooth_l1": "SmoothL1LossBackward0", "huber": "HuberLossBackward0"}[self.meta[3]]

    __slots__ = ("meta",)


def _softplus_neg(x):
    """log(1 + exp(-x)), stable for any x: max(-x, 0) + log1p(exp(-|x|))."""
    return np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))


def _weighted_reduce(loss, weight, reduction):
    """The element losses times ``weight`` (broadcast; PyTorch multiplies in place, so the loss
    keeps its dtype), reduced."""
    if weight is not None:
        loss = (loss * weight).astype(loss.dtype, copy=False)
    if reduction == "sum":
        return np.asarray(loss.sum(), dtype=loss.dtype)
    if reduction == "mean":
        return np.asarray(loss.mean() if loss.size else np.nan, dtype=loss.dtype)
    return loss


def _element_grad(grad, shape, weight, reduction, dtype):
    """d(reduced loss)/d(element loss), times the weight: an array of the element losses' shape."""
    if reduction == "none":
        g = grad
    else:
        n = int(np.prod(shape))
        g = np.broadcast_to(grad / n if reduction == "mean" and n else grad, shape)
    if weight is not None:
        g = g * weight
    return np.asarray(g, dtype=dtype)


class BCEWithLogits(Op):
    """-w * [pw * y * log σ(x) + (1 - y) * log(1 - σ(x))], reduced, in one node as in PyTorch:
    the element loss is (1 - y) * x + (1 + (pw - 1) * y) * log(1 + exp(-x)), never overflowing.
    (minigrad also gives ``weight`` and ``pos_weight`` a gradient; PyTorch refuses them.)"""

    edge_args = (0, 1)  # PyTorch's graph shows input and target

    @staticmethod
    def forward(ctx, x, y, pos_weight, weight=None, reduction="none"):
        sp = _softplus_neg(x)
        if pos_weight is None:
            out = (1 - y) * x + sp
        else:
            out = (1 - y) * x + (1 + (pos_weight - 1) * y) * sp
        out = out.astype(y.dtype, copy=False)  # PyTorch: (1 - y).mul_(x)..., the target's dtype
        ctx.save_for_backward(x, y, pos_weight, weight, out)
        ctx.meta = (np.shape(x), np.shape(y), np.shape(pos_weight), np.shape(weight), reduction)
        return _weighted_reduce(out, weight, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, y, pw, w, loss = ctx.saved_tensors
        sx, sy, spw, sw, reduction = ctx.meta
        need_x, need_y, need_pw, need_w = ctx.needs_input_grad[:4]
        g = _element_grad(grad, loss.shape, w, reduction, loss.dtype)
        e = np.exp(-np.abs(x))
        sig = np.where(x >= 0, 1 / (1 + e), e / (1 + e))  # σ(x) without overflow
        dx = dy = dpw = dw = None
        if need_x:
            d = sig - y if pw is None else sig * (pw * y + 1 - y) - pw * y
            dx = sum_to((g * d).astype(x.dtype, copy=False), sx)
        if need_y or need_pw:
            sp = _softplus_neg(x)  # -log σ(x)
            if need_y:
                if pw is None:
                    d = -x  # = -log(1 - σ(x)) + log σ(x), exactly, and ±inf at x = ∓inf (PyTorch)
                else:
                    spx = _softplus_neg(-x)  # -log(1 - σ(x)), stable (x + sp is inf - inf at -inf)
                    d = pw * sp - spx
                dy = sum_to((g * d).astype(y.dtype, copy=False), sy)
            if need_pw:
                dpw = sum_to((g * y * sp).astype(pw.dtype, copy=False), spw)
        if need_w:
            dw = sum_to((_element_grad(grad, loss.shape, None, reduction, loss.dtype) * loss)
                        .astype(w.dtype, copy=False), sw)
        return dx, dy, dpw, dw, None

    def name(self):
        return "BinaryCrossEntropyWithLogitsBackward0"

    __slots__ = ("meta",)


class BCE(Op):
    """-w * [y * log x + (1 - y) * log(1 - x)], reduced, in one node as in PyTorch, with the
    logs clamped at -100 and the gradient's denominator x(1 - x) clamped at 1e-12."""

    edge_args = (0, 1)  # PyTorch's graph shows input and target

    @staticmethod
    def forward(ctx, x, y, weight=None, reduction="none"):
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(x), -100)
            log_1mx = np.maximum(np.log1p(-x), -100)
        out = (-(y * log_x + (1 - y) * log_1mx)).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, y, weight, out)
        ctx.meta = (np.shape(x), np.shape(y), np.shape(weight), reduction)
        return _weighted_reduce(out, weight, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, y, w, loss = ctx.saved_tensors
        sx, sy, sw, reduction = ctx.meta
        need_x, need_y, need_w = ctx.needs_input_grad[:3]
        g = _element_grad(grad, loss.shape, w, reduction, loss.dtype)
        dx = dy = dw = None
        if need_x:
            dx = g * (x - y) / np.maximum((1 - x) * x, 1e-12)
            dx = sum_to(dx.astype(g.dtype, copy=False), sx)
        if need_y:
            with np.errstate(divide="ignore"):  # unclamped, as PyTorch: ±inf at x = 0 or 1
                d = np.log1p(-x) - np.log(x)
            dy = sum_to((g * d).astype(g.dtype, copy=False), sy)
        if need_w:
            dw = sum_to((_element_grad(grad, loss.shape, None, reduction, loss.dtype) * loss)
                        .astype(w.dtype, copy=False), sw)
        return dx, dy, dw, None

    def name(self):
        return "BinaryCrossEntropyBackward0"

    __slots__ = ("meta",)
