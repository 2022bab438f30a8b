"""``LBFGS``: limited-memory BFGS (Nocedal, 1980), with an optional strong-Wolfe line search
(Nocedal & Wright, *Numerical Optimization*, algorithms 3.5 and 3.6)."""
import numpy as np

from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor, _wrap
from ._fma import add_scaled
from .optimizer import Optimizer, _check_lr

__all__ = ["LBFGS"]


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1, g2, clipped to
    ``bounds`` (default: between x1 and x2); the middle if the cubic has no minimum."""
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square >= 0:
        d2 = np.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def _strong_wolfe(obj_func, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Find a step ``t`` along ``d`` satisfying the strong Wolfe conditions: first bracket one
    (growing ``t`` by cubic extrapolation), then zoom in by cubic interpolation. Returns
    (loss, flat gradient, t, evaluations)."""
    d_norm = np.abs(d).max()
    g = g.copy()
    f_new, g_new = obj_func(t, d)
    evals = 1
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        # extrapolate: a step between 1.01 t and 10 t
        previous = t
        t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                               bounds=(t + 0.01 * (t - t_prev), t * 10))
        t_prev, f_prev, g_prev, gtd_prev = previous, f_new, g_new.copy(), gtd_new
        f_new, g_new = obj_func(t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # zoom: shrink the bracket until a point satisfies the conditions
    insuf_progress = False
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0],
                               bracket[1], bracket_f[1], bracket_gtd[1])
        # keep t at least 10% of the bracket away from its ends, unless it made progress there
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                t = max(bracket) - eps if abs(t - max(bracket)) < abs(t - min(bracket)) else min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > f + c1 * t * gtd or f_new >= bracket_f[low]:
            bracket[high], bracket_f[high] = t, f_new
            bracket_g[high], bracket_gtd[high] = g_new.copy(), gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low] = t, f_new
            bracket_g[low], bracket_gtd[low] = g_new.copy(), gtd_new
    return bracket_f[low], bracket_g[low], bracket[low], evals


# state entries that PyTorch keeps as tensors (flat vectors, or 0-d in the parameters' dtype)
_TENSOR_STATE = ("d", "t", "H_diag", "prev_flat_grad")
_TENSOR_LIST_STATE = ("old_dirs", "old_stps", "ro", "al")


def _to_state(value):
    if isinstance(value, (np.ndarray, np.generic)):
        return _wrap(np.array(value))
    return value


def _from_state(value):
    if isinstance(value, Tensor):
        data = value._data
        return data.copy() if data.ndim else data.dtype.type(data)
    return value


class LBFGS(Optimizer):
    r"""L-BFGS, as PyTorch's (``torch.optim.LBFGS``): each ``step(closure)`` runs up to
    ``max_iter`` quasi-Newton iterations, re-evaluating the model through ``closure`` (which
    clears the gradients, computes the loss, calls ``backward()`` and returns the loss). The
    inverse Hessian is approximated from the last ``history_size`` steps by the two-loop
    recursion; the step length is ``lr`` (the first iteration's is scaled by the gradient's L1
    norm), or found by a strong-Wolfe line search with ``line_search_fn='strong_wolfe'``.

    Args:
        params: the parameters to optimize (one group only)
        lr (float): step length. Default: 1
        max_iter (int): iterations per ``step``. Default: 20
        max_eval (int): closure evaluations per ``step``. Default: ``max_iter * 5 // 4``
        tolerance_grad (float): stop when the gradient's largest element is at most this. Default: 1e-7
        tolerance_change (float): stop when the loss or the step changes less. Default: 1e-9
        history_size (int): steps remembered. Default: 100
        line_search_fn (str or None): ``'strong_wolfe'`` or None. Default: None

    All parameters are flattened into one vector, so the state (``'d'``, ``'old_dirs'`` ...) is
    kept under the first parameter, as in PyTorch.

    Example::

        >>> w = nn.Parameter(minigrad.tensor([3., -1.]))
        >>> optimizer = minigrad.optim.LBFGS([w], line_search_fn="strong_wolfe")
        >>> def closure():
        ...     optimizer.zero_grad()
        ...     loss = ((w - minigrad.tensor([1., 2.])) ** 2).sum() + (w[0] * w[1] - 2) ** 2
        ...     loss.backward()
        ...     return loss
        >>> _ = optimizer.step(closure)
        >>> [round(v, 4) for v in w.tolist()]
        [1.0, 2.0]
    """

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7,
                 tolerance_change=1e-9, history_size=100, line_search_fn=None):
        _check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                        tolerance_change=tolerance_change, history_size=history_size,
                        line_search_fn=line_search_fn)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    _state_follows_param_shapes = False  # its vectors are flat, over all the parameters

    def _flat_grad(self):
        return np.concatenate([(p._grad._data if p._grad is not None else np.zeros(p._data.shape, p._data.dtype)).ravel()
                               for p in self._params])

    def _add_grad(self, step_size, update):
        """``p += step_size * update`` over the flattened parameters (PyTorch's ``add_(alpha=)``)."""
        offset = 0
        for p in self._params:
            d = p._data
            add_scaled(d, step_size, update[offset:offset + d.size].reshape(d.shape), out=d)
            p._vc[0] += 1
            offset += d.size

    def _directional_evaluate(self, closure, x, t, d):
        self._add_grad(t, d)
        loss = float(closure())
        flat_grad = self._flat_grad()
        for p, saved in zip(self._params, x):
            p._data[...] = saved
            p._vc[0] += 1
        return loss, flat_grad

    def step(self, closure):
        """Run up to ``max_iter`` iterations; ``closure`` (required) re-evaluates the model and
        returns the loss. Returns the loss of the first evaluation."""
        group = self.param_groups[0]
        lr = float(group["lr"])
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        def evaluate():
            with enable_grad():
                return closure()

        orig_loss = evaluate()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if np.abs(flat_grad).max() <= tolerance_grad:
            return orig_loss
        scalar = flat_grad.dtype.type  # 0-d values in the parameters' dtype, as PyTorch's
        d, t, H_diag, prev_flat_grad = (_from_state(state.get(k)) for k in _TENSOR_STATE)
        old_dirs, old_stps, ro = (None if state.get(k) is None else [_from_state(v) for v in state[k]]
                                  for k in ("old_dirs", "old_stps", "ro"))
        prev_loss = state.get("prev_loss")
        opt_cond = False
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s)
                if ys > 1e-10:  # a curvature pair that keeps the approximation positive definite
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(scalar(1.0) / ys)
                    H_diag = ys / y.dot(y)
                # the two-loop recursion: d = -H g
                al = [None] * history_size
                if state.get("al") is not None:
                    al = [_from_state(a) for a in state["al"]]
                q = -flat_grad
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    add_scaled(q, -al[i], old_dirs[i], out=q)
                d = r = q * H_diag
                for i in range(len(old_dirs)):
                    be_i = old_dirs[i].dot(r) * ro[i]
                    add_scaled(r, al[i] - be_i, old_stps[i], out=r)
                state["al"] = [_to_state(a) for a in al]
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            if state["n_iter"] == 1:
                t = min(1.0, scalar(1.0) / np.abs(flat_grad).sum()) * lr
            else:
                t = lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:  # not a descent direction
                break
            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = [p._data.copy() for p in self._params]
                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    lambda t_, d_: self._directional_evaluate(evaluate, x_init, t_, d_),
                    t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = np.abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                if n_iter != max_iter:
                    loss = float(evaluate())
                    flat_grad = self._flat_grad()
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals
            if (n_iter == max_iter or current_evals >= max_eval or opt_cond
                    or np.abs(d * t).max() <= tolerance_change
                    or abs(loss - prev_loss) < tolerance_change):
                break
        state.update({k: _to_state(v) for k, v in zip(_TENSOR_STATE, (d, t, H_diag, prev_flat_grad))})
        for key, values in zip(("old_dirs", "old_stps", "ro"), (old_dirs, old_stps, ro)):
            state[key] = [_to_state(v) for v in values]
        state["prev_loss"] = prev_loss
        return orig_loss
