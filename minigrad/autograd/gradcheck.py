"""``gradcheck``: compare backward's gradients with finite differences (``torch.autograd.gradcheck``).

For every input that requires grad and every element of it, the numerical Jacobian column is
(f(x + eps) - f(x - eps)) / (2 eps); the analytical Jacobian comes from one backward pass per
output element. Use float64 inputs: in float32 the finite differences are too noisy.
"""
import warnings

import numpy as np

from ..tensor import Tensor, _wrap
from .engine import grad as _grad
from .grad_mode import no_grad

__all__ = ["gradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` (with ``raise_exception=True``, the default) when the analytical and
    numerical gradients differ; a ``RuntimeError``.

    Example::

        >>> class Wrong(minigrad.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         return x * 2
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         return grad * 3   # should be 2
        >>> x = minigrad.tensor([1.], dtype=minigrad.float64, requires_grad=True)
        >>> try:
        ...     minigrad.autograd.gradcheck(Wrong.apply, (x,))
        ... except minigrad.autograd.GradcheckError:
        ...     print("mismatch found")
        mismatch found
    """


def _as_tuple(x):
    if isinstance(x, list):  # torch accepts a list of inputs as well as a tuple or one tensor
        return tuple(x)
    return x if isinstance(x, tuple) else (x,)


def _outputs(fn, inputs):
    return tuple(o for o in _as_tuple(fn(*inputs)) if isinstance(o, Tensor))


def _numerical_jacobians(fn, inputs, diff_idx, eps):
    """jac[o][i]: array (numel of input i, numel of output o)."""
    with no_grad():
        outs = _outputs(fn, inputs)
        jac = [[np.zeros((inputs[i]._data.size, o._data.size)) for i in diff_idx] for o in outs]
        for col, i in enumerate(diff_idx):
            data = inputs[i]._data  # perturbed in place, element by element (any layout)
            for j, where in enumerate(np.ndindex(data.shape)):
                orig = data[where].item()
                data[where] = orig + eps
                plus = [o._data.astype(np.float64).reshape(-1) for o in _outputs(fn, inputs)]
                data[where] = orig - eps
                minus = [o._data.astype(np.float64).reshape(-1) for o in _outputs(fn, inputs)]
                data[where] = orig
                for k in range(len(outs)):
                    jac[k][col][j] = (plus[k] - minus[k]) / (2 * eps)
    return jac


def _analytical_jacobians(fn, inputs, diff_idx):
    outs = _outputs(fn, inputs)
    diff_inputs = [inputs[i] for i in diff_idx]
    jac = [[np.zeros((inputs[i]._data.size, o._data.size)) for i in diff_idx] for o in outs]
    for k, o in enumerate(outs):
        if not o.requires_grad:
            continue
        for m in range(o._data.size):
            seed = np.zeros(o._data.size, dtype=o._data.dtype)
            seed[m] = 1
            grads = _grad(o, diff_inputs, _wrap(seed.reshape(o._data.shape)),
                          retain_graph=True, allow_unused=True)
            for col, g in enumerate(grads):
                if g is not None:
                    jac[k][col][:, m] = g._data.reshape(-1)
    return jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False, check_forward_ad=False,
              check_backward_ad=True, fast_mode=False, masked=None):
    """True if ``func``'s backward agrees with finite differences at ``inputs``. (minigrad has
    no forward-mode AD: ``check_forward_ad`` and ``check_batched_forward_grad`` must stay False.)

    Example::

        >>> x = minigrad.randn(3, 4, dtype=minigrad.float64, requires_grad=True)
        >>> minigrad.autograd.gradcheck(lambda t: t.tanh().sum(1), (x,))
        True
    """
    if check_forward_ad or check_batched_forward_grad:
        raise NotImplementedError("minigrad has no forward-mode automatic differentiation")
    if not check_backward_ad:
        return True
    inputs = _as_tuple(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not diff_idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of them have requires_grad=True.")
    for i in diff_idx:
        if inputs[i]._data.dtype != np.float64:
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or "
                "complex. This check will likely fail if all the inputs are not of double precision "
                "floating point or complex. ",  # (sic: torch's text ends with a space)
                UserWarning,
                stacklevel=2,
            )
    numerical = _numerical_jacobians(func, inputs, diff_idx, eps)
    analytical = _analytical_jacobians(func, inputs, diff_idx)
    for k, (num_row, ana_row) in enumerate(zip(numerical, analytical)):
        for col, (n, a) in enumerate(zip(num_row, ana_row)):
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                msg = (
                    f"Jacobian mismatch for output {k} with respect to input {diff_idx[col]},\n"
                    f"numerical:{n}\nanalytical:{a}\n"
                )
                if raise_exception:
                    raise GradcheckError(msg)
                return False
    return True
