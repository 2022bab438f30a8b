"""``clip_grad_norm_`` and ``clip_grad_value_`` (as ``torch.nn.utils``)."""
import math
import warnings

import numpy as np

from ...tensor import Tensor, _wrap

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_"]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p._grad for p in parameters if p._grad is not None]


def _vector_norm(a, norm_type):
    a = np.abs(a.astype(np.float64, copy=False)).reshape(-1)
    if norm_type == math.inf:
        return a.max() if a.size else 0.0
    if norm_type == -math.inf:
        return a.min() if a.size else math.inf
    if norm_type == 0:
        return float(np.count_nonzero(a))
    return float(np.sum(a ** norm_type) ** (1.0 / norm_type))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale the gradients of ``parameters`` in place so that their total norm (the norm of the
    vector of all gradient elements) is at most ``max_norm``. Returns the total norm before
    clipping, as a 0-d tensor.

    Example::

        >>> model = nn.Linear(2, 1)
        >>> (model(minigrad.full((1, 2), 100.)) ** 2).sum().backward()
        >>> total = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        >>> bool(total > 1), round(nn.utils.parameters_to_vector([p.grad for p in model.parameters()]).norm().item(), 4)
        (True, 1.0)
    """
    grads = _grads(parameters)
    max_norm = float(max_norm)
    norm_type = float(norm_type)
    if not grads:
        return _wrap(np.asarray(0.0, dtype=np.float32))
    norms = [_vector_norm(g._data, norm_type) for g in grads]
    total = _vector_norm(np.asarray(norms), norm_type)
    dtype = grads[0]._data.dtype
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, "
            "so it cannot be clipped. To disable this error and scale the gradients by the "
            "non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    coef = min(max_norm / (total + 1e-6), 1.0) if not math.isnan(total) else math.nan
    for g in grads:
        np.multiply(g._data, dtype.type(coef), out=g._data, casting="unsafe")
        g._vc[0] += 1
    return _wrap(np.asarray(total, dtype=dtype))


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element of ``parameters`` to [-clip_value, clip_value], in place.

    Example::

        >>> w = nn.Parameter(minigrad.tensor([1., 2.]))
        >>> (w * 10).sum().backward()
        >>> nn.utils.clip_grad_value_([w], clip_value=0.5)
        >>> w.grad
        tensor([0.5000, 0.5000])
    """
    clip_value = float(clip_value)
    for g in _grads(parameters):
        np.clip(g._data, -clip_value, clip_value, out=g._data)
        g._vc[0] += 1


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Deprecated spelling of ``clip_grad_norm_`` (with PyTorch's FutureWarning)."""
    warnings.warn("`minigrad.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`minigrad.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)
