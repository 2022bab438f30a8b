"""A program run twice, with ``L`` = minigrad and ``L`` = torch, and what differs between the runs.

A ``Program`` is a few lines of Python over named input arrays. Each run makes the inputs leaves
(floating-point ones require grad), executes the lines one by one, and stops at the first line
that raises. ``differences`` then compares, in order:

1. where each run stopped: torch raising means minigrad must raise at the same line an exception
   of the same type (or a subclass); minigrad raising where torch did not is a difference;
2. every output and check variable: type, shape, dtype, values (NaN-aware, float32 tolerances),
   ``requires_grad``;
3. the gradients: the same random upstream gradient is sent back from every floating-point output
   that requires grad in torch; the inputs' ``.grad`` (None in torch may be None or zeros in
   minigrad), or the backward's exception type, are compared.

``Program.source()`` is a self-contained reproduction to paste into a test.
"""
import math
import warnings
from dataclasses import dataclass, field

import numpy as np

import minigrad

import torch

# relative, absolute tolerance by dtype. float32: the kernels' summation orders and numpy's
# transcendental functions differ from PyTorch's by some ulps.
TOLERANCES = {"float32": (2e-5, 2e-6), "float64": (1e-10, 1e-13)}
GRAD_TOLERANCES = {"float32": (1e-4, 1e-5), "float64": (1e-9, 1e-12)}


def _flip0_minigrad(t):
    # a view with a negative stride: minigrad's slicing refuses a negative step (as PyTorch's),
    # so the view is made by the basic-indexing op itself (from_numpy's arrays can have them)
    return minigrad.ops.indexing.BasicView.apply(t, (slice(None, None, -1),), "SliceBackward0")


def _flip0_torch(t):
    return t.flip(0)


def _meta(value):
    """What can be compared of a random result: shape, dtype and requires_grad (nested)."""
    if isinstance(value, (tuple, list)):
        return tuple(_meta(v) for v in value)
    if isinstance(value, (torch.Tensor, minigrad.Tensor)):
        return (tuple(value.shape), dtype_name(value.dtype), value.requires_grad)
    return value


def namespace(L):
    """The names a program's lines may use."""
    flip0 = _flip0_torch if L is torch else _flip0_minigrad
    return {"L": L, "F": L.nn.functional, "flip0": flip0, "math": math, "np": np,
            "_meta": _meta}


@dataclass
class Program:
    """``inputs``: name -> numpy array (leaves; floating-point ones require grad unless named in
    ``no_grad``); ``lines``: statements; ``outputs``: variables compared and backpropagated;
    ``checks``: variables compared only (e.g. an input after an out-of-place op);
    ``backward_from``: the outputs the gradient is sent back from (default: all of them)."""
    inputs: dict
    lines: list
    outputs: list
    checks: list = field(default_factory=list)
    backward_from: list = None
    no_grad: tuple = ()
    grad_seed: int = 0

    def requires_grad(self, name):
        return self.inputs[name].dtype.kind == "f" and name not in self.no_grad

    def source(self):
        """The program as Python that runs it on either library (``L = torch`` or minigrad)."""
        out = ["import numpy as np, math", "import minigrad, torch",
               "L = minigrad  # or torch", "F = L.nn.functional",
               "flip0 = (lambda t: t.flip(0)) if L is torch else (lambda t: minigrad.ops.indexing."
               "BasicView.apply(t, (slice(None, None, -1),), 'SliceBackward0'))"]
        with np.printoptions(threshold=10 ** 6, floatmode="unique"):
            for name, arr in self.inputs.items():
                rg = ", requires_grad=True" if self.requires_grad(name) else ""
                out.append(f"{name} = L.tensor(np.array({arr.tolist()!r}, dtype=np.{arr.dtype})"
                           f".reshape({arr.shape}){rg})")
        out += self.lines
        roots = self.outputs if self.backward_from is None else self.backward_from
        out.append(f"# compared: {', '.join(self.outputs + self.checks)}; "
                   f"backward from: {', '.join(roots)} (grad_seed={self.grad_seed})")
        return "\n".join(out)


@dataclass
class Run:
    scope: dict
    leaves: dict
    failed_at: int  # index of the line that raised, or None
    error: BaseException


_CODE_CACHE = {}


def _compiled(line):
    code = _CODE_CACHE.get(line)
    if code is None:
        if len(_CODE_CACHE) > 50000:
            _CODE_CACHE.clear()
        code = _CODE_CACHE[line] = compile(line, "<program>", "exec")
    return code


def run(L, program):
    scope = namespace(L)
    leaves = {}
    for name, arr in program.inputs.items():
        t = L.tensor(arr.copy())
        if program.requires_grad(name):
            t.requires_grad_()
        leaves[name] = scope[name] = t
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, line in enumerate(program.lines):
            try:
                exec(_compiled(line), scope)  # noqa: S102 - generated test programs
            except Exception as exc:  # noqa: BLE001 - the exception is compared
                return Run(scope, leaves, i, exc)
    return Run(scope, leaves, None, None)


# ------------------------------------------------------------------ comparison of values
def dtype_name(d):
    return str(d).rsplit(".", 1)[-1]


def _close(m, t, dtype, tolerances):
    """Indices where arrays ``m`` and ``t`` (same shape) differ beyond the dtype's tolerance."""
    if dtype in tolerances:
        rtol, atol = tolerances[dtype]
        m = m.astype(np.float64)
        t = t.astype(np.float64)
        finite = np.abs(t[np.isfinite(t)])
        # sums and products cancel: an error relative to the largest element is rounding too
        scale = float(finite.max()) if finite.size else 0.0
        with np.errstate(invalid="ignore", over="ignore"):
            ok = ((m == t) | (np.abs(m - t) <= atol + rtol * np.maximum(np.abs(t), scale / 64))
                  | (np.isnan(m) & np.isnan(t)))
    else:
        ok = m == t
    return np.argwhere(~np.asarray(ok))


def _describe(arr):
    flat = arr.reshape(-1)
    return np.array2string(flat[:12], precision=9) + (" ..." if flat.size > 12 else "")


def tensor_differences(m, t, what, tolerances=TOLERANCES, grad_flag=True):
    if not isinstance(m, minigrad.Tensor):
        return [f"{what}: minigrad gave {type(m).__name__}, torch a Tensor"]
    problems = []
    md, td = dtype_name(m.dtype), dtype_name(t.dtype)
    if md != td:
        problems.append(f"{what}: dtype {md} != torch's {td}")
    if tuple(m.shape) != tuple(t.shape):
        return problems + [f"{what}: shape {tuple(m.shape)} != torch's {tuple(t.shape)}"]
    if grad_flag and m.requires_grad != t.requires_grad:
        problems.append(f"{what}: requires_grad {m.requires_grad} != torch's {t.requires_grad}")
    if td in ("float16", "bfloat16", "complex64", "complex128"):
        return problems + [f"{what}: torch dtype {td} not comparable"]
    ma = np.asarray(m.detach().numpy())
    ta = t.detach().numpy(force=True)  # (force: torch's ZeroTensor gradients)
    bad = _close(ma, ta, td, tolerances)
    if len(bad):
        problems.append(f"{what}: {len(bad)} of {ta.size} values differ, first at "
                        f"{tuple(int(i) for i in bad[0])}: {ma[tuple(bad[0])]!r} != torch's "
                        f"{ta[tuple(bad[0])]!r}\n    minigrad {_describe(ma)}\n    torch    {_describe(ta)}")
    return problems


def _program_tolerances(scope, tolerances):
    """A float64 value computed from float32 ones has float32's precision: float32 tolerances
    for everything when the program made any float32 tensor."""
    if any(isinstance(v, torch.Tensor) and v.dtype == torch.float32 for v in _all_tensors(scope)):
        return {"float32": tolerances["float32"], "float64": tolerances["float32"]}
    return tolerances


def value_differences(m, t, what, tolerances=TOLERANCES):
    if isinstance(t, torch.Tensor):
        return tensor_differences(m, t, what, tolerances)
    if isinstance(t, torch.Size):
        return [] if tuple(t) == tuple(m) and isinstance(m, tuple) else [f"{what}: {m!r} != {t!r}"]
    if isinstance(t, torch.dtype):
        return [] if dtype_name(m) == dtype_name(t) else [f"{what}: {m!r} != {t!r}"]
    if isinstance(t, (tuple, list)):
        if not isinstance(m, (tuple, list)):
            return [f"{what}: minigrad gave {type(m).__name__}, torch {type(t).__name__}"]
        if len(m) != len(t):
            return [f"{what}: {len(m)} items != torch's {len(t)}"]
        problems = []
        for i, (a, b) in enumerate(zip(m, t)):
            problems += value_differences(a, b, f"{what}[{i}]", tolerances)
        return problems
    if isinstance(t, (bool, int, float)) or t is None:
        if type(m) is not type(t):
            return [f"{what}: minigrad gave {type(m).__name__} {m!r}, torch {type(t).__name__} {t!r}"]
        if isinstance(t, float) and (math.isnan(t) or math.isnan(m)):
            return [] if math.isnan(t) and math.isnan(m) else [f"{what}: {m!r} != {t!r}"]
        if isinstance(t, float):
            return [] if math.isclose(m, t, rel_tol=1e-5, abs_tol=1e-6) else [f"{what}: {m!r} != {t!r}"]
        return [] if m == t else [f"{what}: {m!r} != {t!r}"]
    if isinstance(t, np.ndarray):
        if not isinstance(m, np.ndarray):
            return [f"{what}: minigrad gave {type(m).__name__}, torch an ndarray"]
        return tensor_differences(minigrad.from_numpy(np.ascontiguousarray(m)),
                                  torch.from_numpy(np.ascontiguousarray(t)), what)
    if isinstance(t, torch.device):
        return [] if str(m) == str(t) else [f"{what}: {m!r} != {t!r}"]
    return [] if repr(m) == repr(t).replace("torch", "minigrad") else [f"{what}: {m!r} != {t!r}"]


def _grad_outputs(value):
    """The floating-point tensors requiring grad in a (possibly nested) result, with paths."""
    if isinstance(value, (torch.Tensor, minigrad.Tensor)):
        return [((), value)] if value.requires_grad and value.is_floating_point() else []
    if isinstance(value, (tuple, list)):
        return [((i,) + p, v) for i, item in enumerate(value) for p, v in _grad_outputs(item)]
    return []


def _all_tensors(scope):
    for v in scope.values():
        if isinstance(v, (tuple, list)):
            yield from (x for x in v if isinstance(x, torch.Tensor))
        elif isinstance(v, torch.Tensor):
            yield v


def _at(value, path):
    for i in path:
        value = value[i]
    return value


def _error_name(exc):
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"


def error_differences(m_exc, t_exc, where):
    if t_exc is None and m_exc is None:
        return []
    if t_exc is None:
        return [f"{where}: minigrad raised {_error_name(m_exc)}; torch did not"]
    if m_exc is None:
        return [f"{where}: torch raised {_error_name(t_exc)}; minigrad did not"]
    if not isinstance(m_exc, type(t_exc)):
        return [f"{where}: minigrad raised {_error_name(m_exc)}; torch {_error_name(t_exc)}"]
    return []


def differences(program, upstream="normal"):
    """The list of differences between the two runs of ``program`` (empty: the same)."""
    mrun, trun = run(minigrad, program), run(torch, program)
    if trun.failed_at is not None or mrun.failed_at is not None:
        if mrun.failed_at != trun.failed_at:
            where = min(i for i in (mrun.failed_at, trun.failed_at) if i is not None)
            m_exc = mrun.error if mrun.failed_at == where else None
            t_exc = trun.error if trun.failed_at == where else None
            return error_differences(m_exc, t_exc, f"line {where + 1} `{program.lines[where]}`")
        # both raised at the same line: what the tensors hold after a failed op is unspecified
        # (torch's in-place integer division writes some elements before raising)
        return error_differences(mrun.error, trun.error,
                                 f"line {trun.failed_at + 1} `{program.lines[trun.failed_at]}`")
    problems = []
    names = [n for n in program.outputs + program.checks if n in trun.scope]
    tolerances = _program_tolerances(trun.scope, TOLERANCES)
    for name in names:
        problems += value_differences(mrun.scope.get(name), trun.scope[name], name, tolerances)
    if problems:
        return problems
    roots = program.outputs if program.backward_from is None else program.backward_from
    return grad_differences(program, mrun, trun, [n for n in roots if n in trun.scope], upstream)


def upstream_gradient(shape, dtype, rng, upstream):
    if upstream == "ones":
        return np.ones(shape, dtype=dtype)
    g = rng.standard_normal(shape).astype(dtype)
    if upstream == "special" and g.size:
        g.reshape(-1)[rng.integers(0, g.size, size=max(1, g.size // 3))] = rng.choice(
            [np.inf, -np.inf, 0.0, np.nan])
    return g


def grad_differences(program, mrun, trun, output_names, upstream="normal"):
    touts, mouts = [], []
    for name in output_names:
        for path, t in _grad_outputs(trun.scope[name]):
            if any(t is seen for seen in touts):
                continue  # the same tensor twice (an in-place op returns its input)
            touts.append(t)
            mouts.append(_at(mrun.scope[name], path))
    if not touts:
        return []
    rng = np.random.default_rng(program.grad_seed)
    grads = [upstream_gradient(tuple(t.shape), dtype_name(t.dtype), rng, upstream) for t in touts]
    t_exc = m_exc = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            torch.autograd.backward(touts, [torch.from_numpy(g.copy()) for g in grads])
        except Exception as exc:  # noqa: BLE001
            t_exc = exc
        try:
            minigrad.autograd.backward(mouts, [minigrad.tensor(g.copy()) for g in grads])
        except Exception as exc:  # noqa: BLE001
            m_exc = exc
    problems = error_differences(m_exc, t_exc, "backward")
    if problems or t_exc is not None:
        return problems
    # a float64 gradient that went through float32 arithmetic has float32's precision
    tolerances = _program_tolerances(trun.scope, GRAD_TOLERANCES)
    for name, t in trun.leaves.items():
        if not t.requires_grad or not t.is_leaf:  # (an in-place op may have given it a history)
            continue
        m = mrun.leaves[name]
        if t.grad is None:
            if m.grad is not None and np.any(m.grad.numpy()):
                problems.append(f"grad of {name}: torch has None, minigrad nonzero "
                                f"{_describe(m.grad.numpy())}")
        elif m.grad is None:
            problems.append(f"grad of {name}: minigrad has None, torch "
                            f"{_describe(t.grad.numpy(force=True))}")
        else:
            problems += tensor_differences(m.grad, t.grad, f"grad of {name}", tolerances,
                                           grad_flag=False)
    return problems
