"""Every op whose result shares memory with an input is a view to the version counter.

For every public op and argument template of the sweep (``fuzz.catalog``), on float32 inputs
that are contiguous, transposed, strided or expanded views of a non-leaf ``c``, each tensor the
op returns is checked against each tensor input with ``np.shares_memory``. A result that shares
memory with an input must be tracked like PyTorch's views:

* a write into the input (under ``no_grad``) bumps the result's ``_version``, and a write into
  the result bumps the input's;
* after a write into the result, a backward through a node that saved the input raises
  PyTorch's "modified by an inplace operation" error (instead of silently using the new values).

``test_views_are_where_torch_has_them`` compares which results are views with PyTorch: a result
torch returns as a view of its input must share memory in minigrad too (else writes into it do
not reach the input), and the reverse.
"""
import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")

from fuzz import catalog, programs, sweep  # noqa: E402

LAYOUTS = ("contig", "T", "strided", "expanded")
VERSION_ERROR = "one of the variables needed for gradient computation has been modified by an inplace operation"

# results that share memory with an input without sharing its version counter, as in PyTorch
NOT_VIEWS = {
    "data": "Tensor.data shares memory but not the version counter (PyTorch's .data)",
    "numpy": "an ndarray, not a tensor",
    "__array__": "an ndarray, not a tensor",
}

# known defects: ops whose memory-sharing results are not tracked (issue 10 item 4: einsum,
# diagonal and diag were, until Op.apply made every memory-sharing result a view)
UNTRACKED_VIEWS = {
}


def _ops(defects, skip=()):
    """The swept out-of-place ops as test parameters, those in ``defects`` marked xfail."""
    out = []
    for ns, name in catalog.public_ops():
        if (catalog.not_swept_reason(ns, name) or not catalog.kinds_of(ns, name)
                or catalog.is_inplace(name) or name in NOT_VIEWS or name in skip):
            continue
        marks = ()
        if name in defects:
            marks = (pytest.mark.xfail(strict=True, reason=f"issue 10: {defects[name]}"),)
        out.append(pytest.param(ns, name, id=f"{ns}.{name}", marks=marks))
    return out


def _tensors(value):
    if isinstance(value, minigrad.Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _tensors(v)]
    return []


def _array(t):
    return t.detach().numpy()


def _run(program):
    """minigrad's run of the program, or None if it raises."""
    result = programs.run(minigrad, program)
    return None if result.failed_at is not None else result


def _inputs(result):
    """The tensors the op received: c (the non-leaf base of x) and the other inputs."""
    scope = result.scope
    names = ["c"] + [n for n in result.leaves if n != "b"]
    return [(n, scope[n]) for n in names if isinstance(scope.get(n), minigrad.Tensor)]


def _write(t):
    """An in-place write that keeps the values (so the op's later checks see the same data);
    the exception it raised, or None."""
    try:
        with minigrad.no_grad():
            t.copy_(t.detach().clone())
    except Exception as exc:  # noqa: BLE001 - reported
        return exc
    return None


def _shared_pairs(result):
    out = []
    for index, t in enumerate(_tensors(result.scope["r"])):
        for name, u in _inputs(result):
            if t is not u and np.shares_memory(_array(t), _array(u)):
                out.append((index, t, name, u))
    return out


def _write_is_seen(written, label, other, what):
    """A write into ``written`` must bump ``other``'s version (they share memory)."""
    before = other._version
    exc = _write(written)
    if exc is not None:
        return [f"{what}; a write into {label} raised {type(exc).__name__}: {exc}"]
    if other._version == before:
        return [f"{what}, but a write into {label} leaves the other's _version at {before}"]
    return []


def _check_program(program):
    """The problems of one program (a list of strings)."""
    result = _run(program)
    if result is None:
        return []
    problems = []
    for index, t, name, u in _shared_pairs(result):
        what = f"result {index} of `{program.lines[-1]}` shares memory with {name}"
        problems += _write_is_seen(u, name, t, what)
        if np.all(_array(t).strides) or t.numel() <= 1:  # writable (not an expanded view)
            problems += _write_is_seen(t, "it", u, what)
    # a backward through a saved input after a write into a result that shares its memory
    fresh = _run(program)
    c = fresh.scope.get("c")
    pairs = [p for p in _shared_pairs(fresh) if p[2] == "c"]
    if c is not None and c.requires_grad and pairs:
        index, t, _, _ = pairs[0]
        if np.all(_array(t).strides) or t.numel() <= 1:
            saved = c * c  # Mul saves c
            try:
                with minigrad.no_grad():
                    t.add_(1)  # changes the values: the saved c is stale
            except Exception:  # noqa: BLE001 - a refused write is reported above
                return problems
            try:
                saved.sum().backward()
                problems.append(f"result {index} of `{program.lines[-1]}` shares memory with c; "
                                "after a write into it, a backward through c * c used the new "
                                "values without PyTorch's version error")
            except RuntimeError as exc:
                if VERSION_ERROR not in str(exc):
                    problems.append(f"backward raised another error: {exc}")
    return problems


@pytest.mark.parametrize("ns, name", _ops(UNTRACKED_VIEWS))
def test_memory_sharing_results_are_tracked_views(ns, name):
    problems = []
    for layout in LAYOUTS:
        for program in sweep.programs_for(ns, name, layout, "float32", clone_base=True):
            problems += _check_program(program)
    assert not problems, "\n".join(problems[:5])


# ------------------------------------------------------------------ the same views as torch
def _torch_shares(t, u):
    if t.numel() == 0 or u.numel() == 0:
        return False
    a0, a1 = t.untyped_storage().data_ptr(), u.untyped_storage().data_ptr()
    return a0 == a1


# where minigrad copies and PyTorch returns a view (or the reverse), documented
VIEW_PARITY_EXCEPTIONS = {
    "unfold": "Tensor.unfold returns a copy (docs/core_differences.md)",
}
VIEW_PARITY_DEFECTS = {
}


@pytest.mark.parametrize("ns, name", _ops(VIEW_PARITY_DEFECTS, skip=VIEW_PARITY_EXCEPTIONS))
def test_views_are_where_torch_has_them(ns, name):
    problems = []
    for layout in ("contig", "T", "strided"):
        for program in sweep.programs_for(ns, name, layout, "float32", clone_base=True):
            mrun, trun = programs.run(minigrad, program), programs.run(torch, program)
            if mrun.failed_at is not None or trun.failed_at is not None:
                continue
            mouts, touts = _tensors(mrun.scope["r"]), [
                t for t in _flat(trun.scope["r"]) if isinstance(t, torch.Tensor)]
            if len(mouts) != len(touts):
                continue
            for i, (m, t) in enumerate(zip(mouts, touts)):
                for name_u, u in _inputs(mrun):
                    tu = trun.scope[name_u]
                    if m is u or t is tu:
                        continue
                    ms = np.shares_memory(_array(m), _array(u))
                    ts = _torch_shares(t, tu)
                    if ms != ts:
                        problems.append(f"`{program.lines[-1]}` ({layout}): result {i} "
                                        f"{'shares' if ms else 'does not share'} memory with "
                                        f"{name_u}; in torch it {'does' if ts else 'does not'}")
    assert not problems, "\n".join(problems[:5])


def _flat(value):
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _flat(v)]
    return [value]
