"""float64 gradcheck (finite differences vs backward) for every differentiable op.

One test id per op/case. Inputs are random but kept away from the kinks of non-smooth ops
(relu, abs, max, clamp ...) so that finite differences are meaningful there.
"""
import numpy as np
import pytest

import minigrad
from minigrad.autograd import gradcheck

F64 = minigrad.float64


def _rand(shape, seed, low=-2.0, high=2.0, away_from=None, positive=False, shift=0.0):
    rng = np.random.default_rng(seed)
    a = rng.uniform(low, high, size=shape) + shift
    if positive:
        a = np.abs(a) + 0.5
    if away_from is not None:
        # push values at least 0.05 away from each kink
        for k in np.atleast_1d(away_from):
            close = np.abs(a - k) < 0.05
            a[close] = k + 0.1 * np.sign(a[close] - k + 1e-12)
    return a


def _t(shape, seed=0, **kw):
    return minigrad.tensor(_rand(shape, seed, **kw), dtype=F64, requires_grad=True)


def _distinct(shape, seed=0):
    """Values that are pairwise well separated (no ties for max/min/sort-like ops)."""
    n = int(np.prod(shape))
    rng = np.random.default_rng(seed)
    vals = rng.permutation(n) * 0.3 - n * 0.15 + 0.05
    return minigrad.tensor(vals.reshape(shape), dtype=F64, requires_grad=True)


# (id, function, inputs factory). The factory returns a tuple of inputs.
CASES = []


def case(name, fn, inputs, **gradcheck_kwargs):
    CASES.append(pytest.param(fn, inputs, gradcheck_kwargs, id=name))


def shapes(*ss, **kw):
    return lambda: tuple(_t(s, seed=i, **kw) for i, s in enumerate(ss))


# ------------------------------------------------------------------ arithmetic + broadcasting
BINARY_SHAPES = {
    "same": ((3, 4), (3, 4)),
    "col_row": ((3, 1), (1, 4)),
    "3d_vec": ((2, 3, 4), (4,)),
    "vec_3d": ((4,), (2, 3, 4)),
    "scalar0d_left": ((), (2, 3)),
    "scalar0d_right": ((2, 3), ()),
    "lead1": ((1, 3, 1), (2, 1, 4)),
    "both0d": ((), ()),
}
for op_name, op in [("add", lambda a, b: a + b), ("sub", lambda a, b: a - b),
                    ("mul", lambda a, b: a * b), ("div", lambda a, b: a / b),
                    ("maximum", minigrad.maximum), ("minimum", minigrad.minimum),
                    ("add_alpha", lambda a, b: minigrad.add(a, b, alpha=2.5)),
                    ("sub_alpha", lambda a, b: minigrad.sub(a, b, alpha=-1.5))]:
    for sname, (sa, sb) in BINARY_SHAPES.items():
        if op_name == "div":
            case(f"{op_name}-{sname}", op, lambda sa=sa, sb=sb: (_t(sa, 1), _t(sb, 2, positive=True)))
        elif op_name in ("maximum", "minimum"):
            case(f"{op_name}-{sname}", op, lambda sa=sa, sb=sb: (_t(sa, 1), _t(sb, 2, shift=0.0123)))
        else:
            case(f"{op_name}-{sname}", op, shapes(sa, sb))

case("add-python-scalar", lambda a: a + 2.5, shapes((3, 4)))
case("radd-python-scalar", lambda a: 2.5 + a, shapes((3, 4)))
case("sub-python-scalar", lambda a: a - 3, shapes((3, 4)))
case("rsub-python-scalar", lambda a: 3 - a, shapes((3, 4)))
case("mul-python-scalar", lambda a: a * -1.5, shapes((3, 4)))
case("rmul-python-scalar", lambda a: 2 * a, shapes((3, 4)))
case("div-python-scalar", lambda a: a / 3.0, shapes((3, 4)))
case("rdiv-python-scalar", lambda a: 3.0 / a, shapes((3, 4), positive=True))
case("neg", lambda a: -a, shapes((3, 4)))
case("neg-method", lambda a: a.neg(), shapes((2, 3)))
case("pos", lambda a: +a * 1.0, shapes((2, 3)))
case("pow-int", lambda a: a ** 3, shapes((3, 4)))
case("pow-float", lambda a: a ** 2.5, shapes((3, 4), positive=True))
case("pow-negative", lambda a: a ** -1.5, shapes((3, 4), positive=True))
case("pow-zero-exponent", lambda a: a ** 0, shapes((3, 4)))
case("rpow", lambda a: 2.0 ** a, shapes((3, 4)))
case("pow-tensor-tensor", lambda a, b: a ** b, lambda: (_t((3, 4), 1, positive=True), _t((3, 4), 2)))
case("pow-tensor-broadcast", lambda a, b: a ** b, lambda: (_t((3, 1), 1, positive=True), _t((4,), 2)))
case("pow-method", lambda a: a.pow(2), shapes((3,)))
case("square", lambda a: a.square(), shapes((3, 4)))
case("self-mul", lambda a: a * a, shapes((3, 4)))
case("self-sub", lambda a: a - a * 2, shapes((3,)))
# a float32 round trip loses precision: finite differences need a large eps
case("float32-to-64-cast", lambda a: a.float().double() * 2, shapes((3,)), eps=1e-2, atol=1e-4)
case("to-dtype", lambda a: a.to(minigrad.float32).to(minigrad.float64), shapes((2, 2)), eps=1e-2, atol=1e-4)
case("float32-input", lambda a: (a * a).double(), lambda: (_t((3,), 0).float().detach().requires_grad_(),),
     eps=1e-2, atol=1e-3)
case("clone", lambda a: a.clone() * 2, shapes((2, 3)))
case("where", lambda a, b: minigrad.where(a > 0, a, b), shapes((3, 4), (3, 4)))
case("where-broadcast", lambda a, b: minigrad.where(a > 0, a, b), shapes((3, 4), (4,)))
case("where-scalar", lambda a: minigrad.where(a > 0, a, 0.5), shapes((3, 4)))
case("where-method", lambda a, b: a.where(a > 0, b), shapes((3, 4), (1, 4)))
case("clamp-both", lambda a: a.clamp(-0.5, 0.7), shapes((4, 5), away_from=[-0.5, 0.7]))
case("clamp-min", lambda a: a.clamp(min=0.3), shapes((4, 5), away_from=[0.3]))
case("clamp-max", lambda a: minigrad.clamp(a, max=0.3), shapes((4, 5), away_from=[0.3]))
case("clamp-tensor-bounds", lambda a, lo: a.clamp(min=lo), lambda: (_t((3, 4), 1), _t((4,), 2, shift=0.0123)))
case("sign-zero-grad", lambda a: a.sign() * a, shapes((3, 4), away_from=[0]))
case("div-floor-zero-grad", lambda a, b: minigrad.div(a, b, rounding_mode="floor") + a,
     lambda: (_t((5,), 1, away_from=[-1, 0, 1]), _t((5,), 2, positive=True).detach() * 0 + 1))
case("div-trunc", lambda a: minigrad.div(a * 3, 2.0, rounding_mode="trunc") + a, shapes((4,), away_from=[0, 2/3, -2/3, 4/3, -4/3]))
case("remainder", lambda a, b: a % b, lambda: (_t((3, 4), 1, low=0.1, high=0.9), _t((4,), 2, low=1.0, high=1.5)))
case("remainder-negative", lambda a: minigrad.remainder(a, -1.5), shapes((5,), away_from=[-1.5, 0, 1.5]))
case("rmod", lambda a: 2.0 % a, lambda: (_t((4,), 1, low=1.2, high=1.8),))
case("floordiv-op", lambda a: a // 0.7 + a, shapes((4,), away_from=[-1.4, -0.7, 0, 0.7, 1.4]))
case("clip", lambda a: a.clip(-1, 1), shapes((4, 5), away_from=[-1, 1]))

# ------------------------------------------------------------------ pointwise
case("exp", lambda a: a.exp(), shapes((3, 4)))
case("log", lambda a: a.log(), shapes((3, 4), positive=True))
case("log1p", lambda a: a.log1p(), shapes((3, 4), positive=True))
case("sqrt", lambda a: a.sqrt(), shapes((3, 4), positive=True))
case("abs", lambda a: a.abs(), shapes((3, 4), away_from=[0]))
case("abs-builtin", lambda a: abs(a), shapes((3, 4), away_from=[0]))
case("sin", lambda a: a.sin(), shapes((3, 4)))
case("cos", lambda a: a.cos(), shapes((3, 4)))
case("sigmoid", lambda a: a.sigmoid(), shapes((3, 4)))
case("sigmoid-large", lambda a: (a * 20).sigmoid(), shapes((3, 4)))
case("tanh", lambda a: a.tanh(), shapes((3, 4)))
case("relu", lambda a: a.relu(), shapes((3, 4), away_from=[0]))
case("relu-fn", lambda a: minigrad.relu(a), shapes((2, 3, 4), away_from=[0]))
case("relu-noncontiguous", lambda a: a.t().relu(), shapes((3, 4), away_from=[0]))
for d in (0, 1, -1):
    case(f"softmax-dim{d}", lambda a, d=d: a.softmax(d), shapes((3, 4)))
    case(f"log_softmax-dim{d}", lambda a, d=d: a.log_softmax(d), shapes((3, 4)))
case("softmax-3d", lambda a: minigrad.softmax(a, dim=1), shapes((2, 3, 4)))
case("log_softmax-3d", lambda a: minigrad.log_softmax(a, dim=1), shapes((2, 3, 4)))
case("softmax-large-values", lambda a: (a * 300).softmax(-1), shapes((2, 5)))
case("log_softmax-large-values", lambda a: (a * 300).log_softmax(-1), shapes((2, 5)))
case("softmax-0d", lambda a: a.softmax(0), shapes(()))
case("softmax-noncontiguous", lambda a: a.t().softmax(1), shapes((3, 4)))

# ------------------------------------------------------------------ reductions
for dim, kd in [(None, False), (0, False), (1, True), (-1, False), ((0, 2), False),
                ((0, 2), True), ((-1, 0), False), ((), False)]:
    name = f"dim{dim}-keepdim{kd}".replace(" ", "")
    if dim is None:
        case("sum-all", lambda a: a.sum(), shapes((2, 3, 4)))
        case("mean-all", lambda a: a.mean(), shapes((2, 3, 4)))
        continue
    case(f"sum-{name}", lambda a, dim=dim, kd=kd: a.sum(dim, keepdim=kd), shapes((2, 3, 4)))
    case(f"mean-{name}", lambda a, dim=dim, kd=kd: a.mean(dim, keepdim=kd), shapes((2, 3, 4)))
case("std-zero-spread-row", lambda a: (a * minigrad.tensor([[1.0], [0.0]], dtype=F64)).std(1) * 3, shapes((2, 3)))
case("sum-0d", lambda a: a.sum(), shapes(()))
case("sum-0d-dim0", lambda a: a.sum(0), shapes(()))
case("sum-fn-kw", lambda a: minigrad.sum(a, dim=1, keepdim=True), shapes((3, 4)))
case("mean-fn", lambda a: minigrad.mean(a, 0), shapes((3, 4)))
case("max-all", lambda a: a.max(), lambda: (_distinct((3, 4)),))
case("min-all", lambda a: a.min(), lambda: (_distinct((3, 4)),))
case("max-all-ties", lambda a: (a * 0 + 1).max() + a.sum(), shapes((2, 2)))
for d, kd in [(0, False), (1, False), (-1, True), (1, True)]:
    case(f"max-dim{d}-keepdim{kd}", lambda a, d=d, kd=kd: a.max(d, keepdim=kd)[0], lambda: (_distinct((3, 4, 2)),))
    case(f"min-dim{d}-keepdim{kd}", lambda a, d=d, kd=kd: a.min(dim=d, keepdim=kd).values, lambda: (_distinct((3, 4, 2)),))
case("max-elementwise", lambda a, b: minigrad.max(a, b), lambda: (_t((3, 4), 1), _t((3, 4), 2, shift=0.0123)))
case("amax-dims", lambda a: a.amax((0, 2)), lambda: (_distinct((3, 4, 2)),))
case("amax-keepdim", lambda a: a.amax(1, keepdim=True), lambda: (_distinct((3, 4, 2)),))
case("amin-dims", lambda a: minigrad.amin(a, (1, 2)), lambda: (_distinct((3, 4, 2)),))
case("amax-all", lambda a: a.amax(), lambda: (_distinct((3, 4)),))
for fn_name in ("var", "std"):
    case(f"{fn_name}-all", lambda a, f=fn_name: getattr(a, f)(), shapes((3, 4)))
    case(f"{fn_name}-dim", lambda a, f=fn_name: getattr(a, f)(1), shapes((3, 4)))
    case(f"{fn_name}-dim-keepdim", lambda a, f=fn_name: getattr(a, f)(0, keepdim=True), shapes((3, 4)))
    case(f"{fn_name}-unbiased-false", lambda a, f=fn_name: getattr(a, f)(1, unbiased=False), shapes((3, 4)))
    case(f"{fn_name}-empty-dims-means-all", lambda a, f=fn_name: getattr(a, f)(()), shapes((3, 4)))
    case(f"{fn_name}-correction0", lambda a, f=fn_name: getattr(a, f)((0, 1), correction=0), shapes((3, 4, 2)))

# ------------------------------------------------------------------ matmul
MATMUL_SHAPES = {
    "1d-1d": ((4,), (4,)),
    "1d-2d": ((4,), (4, 3)),
    "2d-1d": ((3, 4), (4,)),
    "2d-2d": ((3, 4), (4, 5)),
    "1d-3d": ((4,), (2, 4, 3)),
    "3d-1d": ((2, 3, 4), (4,)),
    "3d-2d": ((2, 3, 4), (4, 5)),
    "2d-3d": ((3, 4), (2, 4, 5)),
    "3d-3d": ((2, 3, 4), (2, 4, 5)),
    "broadcast-batch": ((2, 1, 3, 4), (1, 3, 4, 2)),
    "4d-2d": ((2, 2, 3, 4), (4, 2)),
    "batch1-vs-batch3": ((1, 3, 4), (3, 4, 2)),
}
for name, (sa, sb) in MATMUL_SHAPES.items():
    case(f"matmul-{name}", lambda a, b: a @ b, shapes(sa, sb))
case("matmul-fn", lambda a, b: minigrad.matmul(a, b), shapes((3, 4), (4, 2)))
case("matmul-transposed-operands", lambda a, b: a.t() @ b.t(), shapes((4, 3), (2, 4)))
case("matmul-only-left-grad", lambda a: a @ minigrad.ones(4, 2, dtype=F64), shapes((3, 4)))
case("addmm-beta-0", lambda c, a, b: minigrad.addmm(c, a, b, beta=0), shapes((3, 2), (3, 4), (4, 2)))
case("mm", lambda a, b: a.mm(b), shapes((3, 4), (4, 5)))
case("bmm", lambda a, b: minigrad.bmm(a, b), shapes((2, 3, 4), (2, 4, 5)))
case("dot", lambda a, b: a.dot(b), shapes((5,), (5,)))
case("mv", lambda a, b: a.mv(b), shapes((3, 5), (5,)))
case("outer", lambda a, b: minigrad.outer(a, b), shapes((3,), (4,)))
case("linear-bias", lambda x, w, b: minigrad.nn.functional.linear(x, w, b), shapes((5, 4), (3, 4), (3,)))
case("linear-nobias", lambda x, w: minigrad.nn.functional.linear(x, w), shapes((5, 4), (3, 4)))
case("linear-3d-input", lambda x, w, b: minigrad.nn.functional.linear(x, w, b), shapes((2, 5, 4), (3, 4), (3,)))
case("linear-1d-input", lambda x, w, b: minigrad.nn.functional.linear(x, w, b), shapes((4,), (3, 4), (3,)))

# ------------------------------------------------------------------ shape ops
case("reshape", lambda a: a.reshape(4, 6), shapes((2, 3, 4)))
case("reshape-tuple-infer", lambda a: a.reshape((-1, 2)), shapes((2, 3, 4)))
case("reshape-noncontiguous", lambda a: a.t().reshape(-1), shapes((3, 4)))
case("view", lambda a: a.view(6, 4), shapes((2, 3, 4)))
case("view-as", lambda a, b: a.view_as(b) * b, shapes((2, 6), (3, 4)))
case("reshape-as", lambda a, b: a.reshape_as(b) * b, shapes((2, 6), (3, 4)))
case("flatten", lambda a: a.flatten(), shapes((2, 3, 4)))
case("flatten-range", lambda a: a.flatten(1, 2), shapes((2, 3, 4, 2)))
case("flatten-fn", lambda a: minigrad.flatten(a, start_dim=1), shapes((2, 3, 4)))
case("flatten-0d", lambda a: a.flatten(), shapes(()))
case("unflatten", lambda a: a.unflatten(1, (3, 4)), shapes((2, 12)))
case("squeeze-all", lambda a: a.squeeze(), shapes((1, 3, 1, 4)))
case("squeeze-dim", lambda a: a.squeeze(2), shapes((1, 3, 1, 4)))
case("squeeze-dim-not-1", lambda a: a.squeeze(1), shapes((1, 3, 1, 4)))
case("squeeze-tuple", lambda a: a.squeeze((0, 2)), shapes((1, 3, 1, 4)))
case("unsqueeze", lambda a: a.unsqueeze(1), shapes((3, 4)))
case("unsqueeze-neg", lambda a: a.unsqueeze(-1), shapes((3, 4)))
case("transpose", lambda a: a.transpose(0, 2), shapes((2, 3, 4)))
case("transpose-neg", lambda a: minigrad.transpose(a, -1, -2), shapes((2, 3, 4)))
case("swapaxes", lambda a: a.swapaxes(0, 1), shapes((2, 3)))
case("permute", lambda a: a.permute(2, 0, 1), shapes((2, 3, 4)))
case("permute-tuple", lambda a: a.permute((1, 2, 0)), shapes((2, 3, 4)))
case("t", lambda a: a.t(), shapes((3, 4)))
case("T", lambda a: a.T, shapes((2, 3, 4)))
case("mT", lambda a: a.mT, shapes((2, 3, 4)))
case("expand", lambda a: a.expand(2, 3, 4), shapes((3, 1)))
case("expand-minus1", lambda a: a.expand(-1, 4), shapes((3, 1)))
case("expand-as", lambda a, b: a.expand_as(b) * b, shapes((1, 4), (3, 4)))
case("broadcast_to", lambda a: minigrad.broadcast_to(a, (2, 3, 4)), shapes((4,)))
case("cat-dim0", lambda a, b: minigrad.cat([a, b]), shapes((2, 3), (4, 3)))
case("cat-dim1", lambda a, b, c: minigrad.cat((a, b, c), dim=1), shapes((2, 3), (2, 1), (2, 2)))
case("cat-neg-dim", lambda a, b: minigrad.cat([a, b], -1), shapes((2, 3), (2, 2)))
case("cat-one-no-grad", lambda a: minigrad.cat([a, minigrad.ones(2, 3, dtype=F64)]), shapes((1, 3)))
case("concat", lambda a, b: minigrad.concat([a, b]), shapes((2,), (3,)))
case("stack-dim0", lambda a, b: minigrad.stack([a, b]), shapes((2, 3), (2, 3)))
case("stack-dim-last", lambda a, b: minigrad.stack([a, b], dim=-1), shapes((2, 3), (2, 3)))
case("stack-dim1", lambda a, b, c: minigrad.stack((a, b, c), 1), shapes((2, 3), (2, 3), (2, 3)))
case("split-size", lambda a: a.split(2)[1] * 3, shapes((5, 3)))
case("split-sizes", lambda a: minigrad.split(a, [1, 2], dim=1)[1], shapes((2, 3)))
case("split-sum-all", lambda a: sum((p * (i + 1)).sum() for i, p in enumerate(a.split(2, 1))), shapes((2, 5)))
case("chunk", lambda a: a.chunk(3)[2], shapes((7, 2)))
case("unbind", lambda a: a.unbind(1)[1] * a.unbind(1)[0], shapes((2, 3)))
case("iter-rows", lambda a: minigrad.stack([r * (i + 1) for i, r in enumerate(a)]), shapes((3, 2)))

# ------------------------------------------------------------------ indexing
IDX = {
    "int": 1,
    "neg-int": -1,
    "slice": slice(1, 3),
    "slice-step": (slice(None), slice(None, None, 2)),
    "negative-bounds": slice(-3, -1),
    "steps-2d": (slice(None, None, 2), slice(1, 4, 2)),
    "none": (None, 1),
    "ellipsis": (Ellipsis, 1),
    "ellipsis-none": (0, Ellipsis, None),
    "int-int": (1, 2),
    "int-slice": (1, slice(1, None)),
    "int-array": ([0, 2, 2],),
    "int-array-repeated": ([1, 1, 1, 0],),
    "int-array-pair": ([0, 1, 2, 2], [3, 0, 3, 3]),
    "int-array-and-slice": (slice(None), [0, 0, 3]),
    "int-array-2d": (np.array([[0, 1], [2, 2]]),),
    "bool-mask-rows": (np.array([True, False, True]),),
}
for name, idx in IDX.items():
    case(f"getitem-{name}", lambda a, idx=idx: a[idx], shapes((3, 4)))
case("embedding", lambda w: minigrad.nn.functional.embedding(minigrad.tensor([[0, 2], [1, 1]]), w),
     shapes((3, 4)))


def _tensor_idx_cases():
    def idx_target(a):
        idx = minigrad.arange(3)
        target = minigrad.tensor([3, 0, 3])
        return a[idx, target]

    def mask_elems(a):
        return a[a > 0]

    def long_tensor(a):
        return a[minigrad.tensor([2, 0, 2, 2])]

    def scalar_tensor_index(a):
        return a[minigrad.tensor(1)]

    return {"idx-target": idx_target, "mask-elems": mask_elems, "long-tensor": long_tensor,
            "0d-tensor-index": scalar_tensor_index}


for name, fn in _tensor_idx_cases().items():
    case(f"getitem-{name}", fn, shapes((3, 4), away_from=[0]))
case("getitem-3d-mixed", lambda a: a[1:, ..., [0, 2]], shapes((3, 2, 4)))
case("getitem-0d-from-1d", lambda a: a[2] * a[0], shapes((4,)))

# ------------------------------------------------------------------ in-place ops on non-leaves
case("add_", lambda a, b: (a * 1).add_(b), shapes((3, 4), (4,)))
case("add_-alpha", lambda a, b: (a * 1).add_(b, alpha=-2.0), shapes((3, 4), (3, 4)))
case("add_-scalar", lambda a: (a * 2).add_(3.0), shapes((3, 4)))
case("sub_", lambda a, b: (a * 1).sub_(b), shapes((3, 4), (3, 1)))
case("mul_", lambda a, b: (a * 1).mul_(b), shapes((3, 4), (3, 4)))
case("mul_-self-value", lambda a: (a + 0).mul_(a), shapes((3, 4)))
case("div_", lambda a, b: (a * 1).div_(b), lambda: (_t((3, 4), 1), _t((4,), 2, positive=True)))
case("iadd", lambda a, b: _iadd(a, b), shapes((3, 4), (3, 4)))
case("imul-twice", lambda a: _imul_twice(a), shapes((2, 3)))
case("clamp_", lambda a: (a * 1).clamp_(-0.5, 0.5), shapes((3, 4), away_from=[-0.5, 0.5]))
case("relu_", lambda a: (a * 1).relu_(), shapes((3, 4), away_from=[0]))
case("fill_", lambda a: (a * 1)[0].fill_(2.0) if False else (a * 1).fill_(2.0) + a, shapes((3, 4)))
case("fill_-tensor", lambda a, v: (a * 1).fill_(v), shapes((3, 4), ()))
case("zero_", lambda a: (a * 1).zero_() + a * 2, shapes((3, 4)))
case("copy_", lambda a, b: (a * 1).copy_(b), shapes((3, 4), (3, 4)))
case("lt_", lambda a, b: (a * 1).lt_(b) * a + b, shapes((3, 4), (4,)))
case("copy_-broadcast", lambda a, b: (a * 1).copy_(b) * a, shapes((3, 4), (4,)))
case("setitem-tensor", lambda a, b: _setitem(a, 1, b), shapes((3, 4), (4,)))
case("setitem-slice", lambda a, b: _setitem(a, (slice(None), slice(0, 2)), b), shapes((3, 4), (3, 2)))
case("setitem-scalar", lambda a: _setitem(a, (0, 1), 5.0), shapes((3, 4)))
case("setitem-mask", lambda a: _setitem(a, a > 0, 0.0), shapes((3, 4), away_from=[0]))
case("setitem-int-array", lambda a, b: _setitem(a, ([0, 2], [1, 3]), b), shapes((3, 4), (2,)))


# in-place through views of non-leaves (CopySlices) and views whose base changed (AsStrided)
case("view-iadd-column", lambda a, b: _view_iadd(a, b), shapes((3, 4), (3,)))
case("view-mul_-row-by-grad-tensor", lambda a, b: _view_mul_row(a, b), shapes((3, 4), (4,)))
case("view-transpose-relu_", lambda a: _view_t_relu(a), shapes((3, 4), away_from=[0]))
case("view-of-view-mul_", lambda a: _view_of_view(a), shapes((4, 5)))
case("view-reshape-add_", lambda a, b: _view_reshape_add(a, b), shapes((2, 6), (12,)))
case("view-setitem", lambda a, b: _view_setitem(a, b), shapes((3, 4), (2,)))
case("stale-view-after-base-mul_", lambda a, b: _stale_view(a, b), shapes((3, 4), (3, 4)))
case("buffer-view-add_", lambda w: _buffer_view(w), shapes((4,)))


def _view_iadd(a, b):
    y = a * 1.5
    y[:, 1] += b
    return y


def _view_mul_row(a, b):
    y = a.exp()
    z = y * 1
    z[2].mul_(b)
    return z


def _view_t_relu(a):
    y = a * 2
    y.t().relu_()
    return y


def _view_of_view(a):
    y = a * 1
    v = y[1:]
    v[:, ::2].mul_(v[:, 1::2].sum(1, keepdim=True))
    return y


def _view_reshape_add(a, b):
    y = a * 1
    y.view(12).add_(b * b)
    return y


def _view_setitem(a, b):
    y = a * 1
    y[1][[0, 3]] = b
    return y


def _stale_view(a, b):
    y = a * 1
    v = y[1]  # made before the in-place change of its base
    y.mul_(b)
    return v * v


def _buffer_view(w):
    buf = minigrad.zeros(3, 4, dtype=F64)
    u = buf[1]
    buf[1].add_(w)
    return u * buf.sum()


def _iadd(a, b):
    y = a * 2
    y += b
    return y


def _imul_twice(a):
    y = a * 2
    y *= a
    y *= 2
    return y


def _setitem(a, index, value):
    y = a * 1.5
    y[index] = value
    return y


# ------------------------------------------------------------------ dropout (fixed generator)
def _dropout(a, p):
    g = minigrad.Generator().manual_seed(3)
    return minigrad.ops.dropout(a, p, training=True, generator=g)


case("dropout-p0.3", lambda a: _dropout(a, 0.3), shapes((4, 5)))
case("dropout-p1", lambda a: _dropout(a, 1.0), shapes((4, 5)))
case("dropout-inplace-nonleaf", lambda a: minigrad.ops.dropout(
    a * 1, 0.5, inplace=True, generator=minigrad.Generator().manual_seed(7)), shapes((4, 5)))


# ------------------------------------------------------------------ activations (tests/test_activations.py
# compares them with torch; here each op class gets its float64 gradient check)
case("pointwise-hardtanh", lambda a: minigrad.nn.functional.hardtanh(a, -0.3, 0.3),
     shapes((3, 4), away_from=[-0.3, 0.3]))
case("glu", lambda a: minigrad.nn.functional.glu(a, 1), shapes((3, 4)))
case("prelu-per-channel", lambda a, w: minigrad.prelu(a, w), shapes((3, 4, 2), (4,), away_from=[0]))
case("rrelu-training", lambda a: (minigrad.manual_seed(5), minigrad.rrelu(a, training=True))[1],
     shapes((3, 4), away_from=[0]))


# ------------------------------------------------------------------ margin losses and distances
# (tests/test_losses_more.py compares them with torch)
case("soft_margin_loss", lambda a: minigrad.nn.functional.soft_margin_loss(
    a, minigrad.tensor([[1., -1., 1., -1.]] * 3, dtype=F64), reduction="sum"), shapes((3, 4)))
case("multi_margin_loss-p2", lambda a: minigrad.nn.functional.multi_margin_loss(
    a, minigrad.tensor([1, 0, 3]), p=2, reduction="none"), shapes((3, 4)))
case("multilabel_margin_loss", lambda a: minigrad.nn.functional.multilabel_margin_loss(
    a, minigrad.tensor([[1, 0, -1, 2], [3, 3, -1, 0], [-1, 0, 0, 0]])), shapes((3, 4)))
case("pdist", lambda a: minigrad.pdist(a), shapes((4, 3)))
case("cosine_similarity", lambda a, b: minigrad.cosine_similarity(a, b), shapes((3, 4), (3, 4)))


# ------------------------------------------------------------------ padding (tests/test_padding.py)
case("pad-constant-crop", lambda a: minigrad.nn.functional.pad(a, (2, -1, -1, 1)), shapes((1, 3, 4)))
case("pad-reflect", lambda a: minigrad.nn.functional.pad(a, (2, 1, 1, 2), mode="reflect"), shapes((1, 3, 4)))


# ------------------------------------------------------------------ gather / scatter / masked_fill
_LONG = minigrad.int64
case("gather-dim0", lambda a: a.gather(0, minigrad.tensor([[0, 2, 1, 0], [2, 2, 0, 1]])), shapes((3, 4)))
case("gather-dim1-repeated", lambda a: minigrad.gather(a, 1, minigrad.tensor([[3, 3, 0], [1, 1, 1]])), shapes((3, 4)))
case("gather-smaller-index", lambda a: a.gather(-1, minigrad.tensor([[1], [0]])), shapes((3, 4)))
case("gather-0d", lambda a: a.gather(0, minigrad.tensor(0)), shapes(()))
case("gather-int32-index", lambda a: a.gather(1, minigrad.tensor([[2, 0]], dtype=minigrad.int32)), shapes((2, 3)))
case("scatter-src", lambda a, s: a.scatter(1, minigrad.tensor([[2, 0], [1, 3]]), s), shapes((3, 4), (2, 3)))
case("scatter-src-dim0", lambda a, s: minigrad.scatter(a, 0, minigrad.tensor([[1, 0, 2, 1]]), s), shapes((3, 4), (1, 4)))
case("scatter-value", lambda a: a.scatter(0, minigrad.tensor([[1, 0, 2, 1]]), 0.5), shapes((3, 4)))
case("scatter-only-src", lambda s: minigrad.zeros(2, 3, dtype=F64).scatter(1, minigrad.tensor([[2], [0]]), s), shapes((2, 2)))
case("scatter_add", lambda a, s: a.scatter_add(1, minigrad.tensor([[0, 0, 3], [1, 1, 1]]), s), shapes((2, 4), (2, 3)))
case("scatter_add-dim0-bigger-src", lambda a, s: minigrad.scatter_add(a, 0, minigrad.tensor([[1, 1], [0, 1]]), s), shapes((2, 3), (3, 3)))
case("masked_fill", lambda a: a.masked_fill(a > 0.5, 2.0), shapes((3, 4), away_from=[0.5]))
case("masked_fill-broadcast-mask", lambda a: a.masked_fill(minigrad.tensor([True, False, False, True]), -1.0), shapes((3, 4)))
case("masked_fill-value-tensor", lambda a, v: minigrad.masked_fill(a, a < 0, v), lambda: (_t((3, 4), 0, away_from=[0]), _t((), 1)))
case("masked_fill-mask-bigger", lambda a: a.masked_fill(minigrad.ones(2, 3, 4, dtype=minigrad.bool).tril(), 0.0), shapes((3, 4)))
case("masked_fill_", lambda a, v: (a * 1).masked_fill_(a > 0, v), lambda: (_t((3, 4), 0, away_from=[0]), _t((), 1)))

# ------------------------------------------------------------------ repeat / flip / roll / tril / triu
case("repeat", lambda a: a.repeat(2, 3), shapes((2, 3)))
case("repeat-more-dims", lambda a: a.repeat(2, 1, 3), shapes((2, 3)))
case("repeat-tuple", lambda a: a.repeat((1, 2, 2)), shapes((3, 1, 2)))
case("repeat-0d", lambda a: a.repeat(4), shapes(()))
case("flip", lambda a: a.flip(0) * a, shapes((3, 4)))
case("flip-dims", lambda a: minigrad.flip(a, (0, 2)), shapes((2, 3, 4)))
case("flip-neg", lambda a: a.flip(-1), shapes((2, 3)))
case("roll-flat", lambda a: a.roll(2) * a, shapes((3, 4)))
case("roll-dim", lambda a: a.roll(-1, 1), shapes((3, 4)))
case("roll-dims", lambda a: minigrad.roll(a, (1, 5), (0, 2)), shapes((2, 3, 4)))
case("tril", lambda a: a.tril(), shapes((4, 4)))
case("tril-offset-batch", lambda a: minigrad.tril(a, diagonal=-1), shapes((2, 3, 4)))
case("triu", lambda a: a.triu(1), shapes((3, 5)))
case("triu-fn-neg", lambda a: minigrad.triu(a, -1), shapes((4, 3)))

# ------------------------------------------------------------------ cumsum, sort, topk, norm, clamp_min/max
case("cumsum-dim0", lambda a: a.cumsum(0), shapes((3, 4)))
case("cumsum-dim-neg", lambda a: minigrad.cumsum(a, dim=-1), shapes((2, 3, 4)))
case("cumsum-0d", lambda a: a.cumsum(0), shapes(()))
case("cumsum-dtype", lambda a: a.float().cumsum(1, dtype=minigrad.float64), shapes((2, 3)), eps=1e-2, atol=1e-4)
case("sort", lambda a: a.sort().values, lambda: (_distinct((3, 4)),))
case("sort-dim0-desc", lambda a: minigrad.sort(a, 0, descending=True)[0], lambda: (_distinct((3, 4)),))
case("sort-stable-3d", lambda a: a.sort(dim=1, stable=True).values * 2, lambda: (_distinct((2, 3, 4)),))
case("sort-0d", lambda a: a.sort().values, shapes(()))
case("topk", lambda a: a.topk(2).values, lambda: (_distinct((3, 5)),))
case("topk-smallest-dim0", lambda a: minigrad.topk(a, 2, dim=0, largest=False)[0], lambda: (_distinct((3, 4)),))
case("topk-all", lambda a: a.topk(4, sorted=False).values, lambda: (_distinct((2, 4)),))
case("topk-0d", lambda a: a.topk(1).values, shapes(()))
case("norm", lambda a: a.norm(), shapes((3, 4)))
case("norm-dim", lambda a: a.norm(dim=1), shapes((3, 4)))
case("norm-fro-keepdim", lambda a: minigrad.norm(a, "fro", (0, 2), keepdim=True), shapes((2, 3, 4)))
case("norm-p1", lambda a: a.norm(1, 0), shapes((3, 4), away_from=[0]))
case("norm-p3", lambda a: a.norm(3), shapes((3, 4), away_from=[0]))
case("norm-p1.5", lambda a: a.norm(1.5, -1), shapes((3, 4), away_from=[0]))
case("norm-p0.5", lambda a: a.norm(0.5, 1), shapes((3, 4), away_from=[0]))
case("norm-inf", lambda a: a.norm(float("inf"), 1), lambda: (_distinct((3, 4)),))
case("norm-neg-inf", lambda a: minigrad.linalg.vector_norm(a, float("-inf")), lambda: (_distinct((3, 4)),))
case("norm-p0-zero-grad", lambda a: a.norm(0) + a.sum(), shapes((3, 4)))
case("norm-dtype", lambda a: a.float().norm(dtype=minigrad.float64), shapes((3,)), eps=1e-2, atol=1e-4)
case("vector_norm", lambda a: minigrad.linalg.vector_norm(a, 2, dim=(0, 1)), shapes((2, 3, 4)))
case("linalg-norm", lambda a: minigrad.linalg.norm(a, dim=0), shapes((3, 4)))
case("clamp_min", lambda a: a.clamp_min(0.3), shapes((4, 5), away_from=[0.3]))
case("clamp_max-tensor", lambda a, b: minigrad.clamp_max(a, b), lambda: (_t((3, 4), 1), _t((4,), 2, shift=0.0123)))
case("clamp_min_", lambda a: (a * 1).clamp_min_(-0.2), shapes((4, 5), away_from=[-0.2]))

# the wider op surface (rounding, pointwise maths, reductions, shapes); more in test_ops_more.py
case("frac", lambda a: a.frac(), shapes((3, 4), away_from=[-2, -1, 0, 1, 2]))
case("reciprocal", lambda a: a.reciprocal(), shapes((3, 4), positive=True))
case("rsqrt", lambda a: a.rsqrt(), shapes((3, 4), positive=True))
case("exp2", lambda a: minigrad.exp2(a), shapes((3, 4)))
case("log2", lambda a: a.log2(), shapes((3, 4), positive=True))
case("log10", lambda a: minigrad.log10(a), shapes((3, 4), positive=True))
case("expm1", lambda a: a.expm1(), shapes((3, 4)))
case("tan", lambda a: minigrad.tan(a * 0.5), shapes((3, 4)))
case("fmod", lambda a, b: minigrad.fmod(a * 3, b), lambda: (_t((3, 4), 0), _t((4,), 1, positive=True, shift=0.013)))
case("nan_to_num", lambda a: a.nan_to_num(), shapes((3, 4)))
case("prod-zeros", lambda a: (a * (a > 0.5)).prod(1), shapes((3, 4)))
case("cumprod-zeros", lambda a: (a * (a > 0.5)).cumprod(1), shapes((3, 4)))
case("logsumexp", lambda a: minigrad.logsumexp(a, (0, 1)), shapes((3, 4)))
case("index_select", lambda a: a.index_select(1, minigrad.tensor([3, 0, 3])), shapes((3, 4)))
case("einsum-matmul", lambda a, b: minigrad.einsum("ij,jk->ik", a, b), shapes((2, 3), (3, 4)))
case("einsum-diagonal-broadcast", lambda a, b: minigrad.einsum("ii,...i->...", a, b), shapes((3, 3), (2, 1, 3)))
case("asin", lambda a: (a * 0.4).asin(), shapes((3, 4)))
case("acos", lambda a: (a * 0.4).acos(), shapes((3, 4)))
case("atan", lambda a: a.atan(), shapes((3, 4)))
case("sinh-cosh", lambda a: a.sinh() + a.cosh(), shapes((3, 4)))
case("asinh-acosh-atanh", lambda a: a.asinh() + (a.abs() + 1.1).acosh() + (a * 0.4).atanh(), shapes((3, 4)))
case("erf-erfc", lambda a: a.erf() + a.erfc() * 2, shapes((3, 4)))
case("logit", lambda a: (a * 0.2 + 0.5).logit(), shapes((3, 4)))
case("deg2rad-rad2deg", lambda a: a.deg2rad() + a.rad2deg(), shapes((3, 4)))
case("atan2", lambda a, b: minigrad.atan2(a, b), lambda: (_t((3, 4), 0), _t((4,), 1, positive=True)))
case("hypot", lambda a, b: minigrad.hypot(a, b), lambda: (_t((3, 4), 0), _t((3, 1), 1, positive=True)))
case("logaddexp", lambda a, b: minigrad.logaddexp(a, b) + minigrad.logaddexp2(b, a), shapes((3, 4), (4,)))
case("xlogy", lambda a, b: minigrad.xlogy(a, b), lambda: (_t((3, 4), 0), _t((4,), 1, positive=True)))
case("median", lambda a: a.median(), lambda: (_distinct((3, 4)),))
case("logcumsumexp", lambda a: a.logcumsumexp(1), shapes((3, 4)))
case("sinc", lambda a: a.sinc(), shapes((3, 4)))
case("copysign", lambda a, b: minigrad.copysign(a, b), shapes((3, 4), (4,), away_from=[0]))
case("nanmedian", lambda a: a.nanmedian(), lambda: (_distinct((3, 4)),))
case("lgamma", lambda a: a.lgamma(), shapes((3, 4), positive=True))
case("digamma-polygamma", lambda a: a.digamma() + minigrad.polygamma(1, a), shapes((3, 4), positive=True))
case("erfinv", lambda a: (a * 0.4).erfinv(), shapes((3, 4)))
case("scatter_reduce-prod", lambda a, b: a.scatter_reduce(1, minigrad.tensor([[0, 2, 0, 1], [1, 1, 2, 2]]), b, "prod"), shapes((2, 3), (2, 4)))

# ------------------------------------------------------------------ convolution, pooling, normalisation
# (more cases, against PyTorch too, in test_conv.py, test_pooling.py and test_normalization.py)
F_ = minigrad.nn.functional
case("conv2d", lambda x, w, b: F_.conv2d(x, w, b, stride=2, padding=1, groups=2), shapes((2, 4, 5, 5), (4, 2, 3, 3), (4,)))
case("conv2d-reflect-pad", lambda x, m=minigrad.nn.Conv2d(2, 2, 3, padding=1, padding_mode="reflect", dtype=F64): m(x), shapes((1, 2, 4, 4)))
case("max_pool2d-avg_pool2d", lambda x: F_.max_pool2d(x, 2).sum() + F_.avg_pool2d(x, 3, 1, 1).sum(), lambda: (_distinct((1, 2, 4, 4)),))
case("batch_norm-layer_norm", lambda x, w: F_.batch_norm(x, None, None, w, None, True) + F_.layer_norm(x, (3,), w), shapes((4, 3), (3,)))

# ------------------------------------------------------------------ compositions
case("mlp", lambda x, w1, w2: ((x @ w1).tanh() @ w2).log_softmax(1), shapes((4, 3), (3, 5), (5, 2)))
case("shared-subexpression", lambda a: (lambda e: e * e + e.sum())(a.exp()), shapes((3,)))
case("multiple-outputs-tuple", lambda a: (a.sum(0), a.max(1).values), lambda: (_distinct((3, 4)),))


@pytest.mark.filterwarnings("ignore:Input #0 requires gradient and is not a double")
@pytest.mark.parametrize("fn,make_inputs,kwargs", CASES)
def test_gradcheck(fn, make_inputs, kwargs):
    inputs = make_inputs()
    kw = dict(eps=1e-6, atol=1e-5, rtol=1e-3)
    kw.update(kwargs)
    assert gradcheck(fn, inputs, **kw)


def test_every_op_class_is_covered():
    """Every Op subclass in minigrad.ops must be exercised by some gradcheck case above."""
    from minigrad.autograd.function import Op

    seen = set()
    orig = Op.apply.__func__

    def spy(cls, *args):
        seen.add(cls.__name__)
        return orig(cls, *args)

    Op.apply = classmethod(spy)
    try:
        for p in CASES:
            fn, make_inputs, _ = p.values
            inputs = make_inputs()
            fn(*inputs)
    finally:
        Op.apply = classmethod(orig)

    def subclasses(c):
        for s in c.__subclasses__():
            yield s
            yield from subclasses(s)

    # loss ops (minigrad/ops/loss.py) are tested with nn's tests
    all_ops = {c.__name__ for c in subclasses(Op)
               if c.__module__.startswith("minigrad.ops") and c.__module__ != "minigrad.ops.loss"}
    missing = all_ops - seen
    assert not missing, f"ops without a gradcheck case: {sorted(missing)}"
