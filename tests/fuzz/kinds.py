"""The sweep's signature kinds: a logical input shape and argument templates each, and the
further inputs (``EXTRAS``) the templates name. See ``catalog`` for which op uses which kind.

In a template, ``x`` is the op's input (made with a layout and dtype: see ``layouts``); other
identifiers listed in ``EXTRAS`` are further inputs made from ``x``'s shape and dtype;
``{shape}``, ``{perm}`` ... are filled in from ``x``'s shape (``shape_fields``). A template
given as a pair ``(function args, method call)`` spells the method form out (None: no method
form); ``meta: `` compares only shape, dtype and requires_grad (random results); ``nd2: `` is
only for inputs of two dimensions or more.
"""
from dataclasses import dataclass

import numpy as np

from .layouts import FLOATS, random_values

# ------------------------------------------------------------------ further inputs
def _d(shape, i, default):
    try:
        return shape[i]
    except IndexError:
        return default


def _same(dtype):
    return lambda s, dt, rng: random_values(s, dt, rng)


def _index_along(dim, unique):
    """int64 indices of ``x``'s shape into dimension ``dim`` (for gather / scatter)."""
    def make(s, dt, rng):
        if not s:
            return np.zeros((), np.int64)
        n = s[dim]
        if n == 0 or 0 in s:
            return np.zeros(s, np.int64)
        if not unique:
            return rng.integers(0, n, size=s).astype(np.int64)
        return np.argsort(rng.random(s), axis=dim).astype(np.int64)
    return make


def _index_vector(dim, unique):
    def make(s, dt, rng):
        n = _d(s, dim, 1)
        if unique:
            return rng.permutation(n)[:2].astype(np.int64)
        return rng.integers(0, n, size=2 if n else 0).astype(np.int64)
    return make


def _float_like(dt):
    return dt if dt in FLOATS else "float32"


def _probabilities(s, dt, rng):
    return rng.uniform(0.0, 1.0, size=s).astype(_float_like(dt))


def _prob_rows(s, dt, rng):
    p = rng.uniform(0.1, 1.0, size=s).astype(_float_like(dt))
    return p / p.sum(axis=-1, keepdims=True) if p.ndim and p.size else p


def _first(s):
    return _d(s, 0, 1)


def _last(s):
    return _d(s, -1, 1)


EXTRAS = {
    # operands of x's dtype and shape, broadcastable shapes, other dtypes
    "y": lambda s, dt, rng: random_values(s, dt, rng),
    "yb": lambda s, dt, rng: random_values(s[-1:], dt, rng),
    "y0": lambda s, dt, rng: random_values((), dt, rng),
    "yt": lambda s, dt, rng: random_values(s[:-2] + s[-2:][::-1], dt, rng),
    "yf64": lambda s, dt, rng: random_values(s, "float64", rng),
    "yf32": lambda s, dt, rng: random_values(s, "float32", rng),
    "yi": lambda s, dt, rng: random_values(s, "int64", rng),
    "ybool": lambda s, dt, rng: random_values(s, "bool", rng),
    "m": lambda s, dt, rng: random_values(s, "bool", rng),
    "yexp": lambda s, dt, rng: random_values((2,) + tuple(s), dt, rng),
    # products: x (n, k) with w (k, 5), v (k,), batches ...
    "w": lambda s, dt, rng: random_values((_last(s), 5), dt, rng),
    "v": lambda s, dt, rng: random_values((_last(s),), dt, rng),
    "wb": lambda s, dt, rng: random_values((_first(s), _last(s), 5), dt, rng),
    "a": lambda s, dt, rng: random_values((_first(s), 4), dt, rng),
    "b": lambda s, dt, rng: random_values((4, _last(s)), dt, rng),
    "va": lambda s, dt, rng: random_values((_first(s),), dt, rng),
    "ba": lambda s, dt, rng: random_values((2, _first(s), 4), dt, rng),
    "bb": lambda s, dt, rng: random_values((2, 4, _last(s)), dt, rng),
    "ta": lambda s, dt, rng: random_values((_first(s), _d(s, 1, 1), 4), dt, rng),
    "tb": lambda s, dt, rng: random_values((_first(s), 4, _last(s)), dt, rng),
    "wl": lambda s, dt, rng: random_values((5, _last(s)), dt, rng),
    "bl": lambda s, dt, rng: random_values((5,), dt, rng),
    # indices
    "i0": _index_along(0, False),
    "i1": _index_along(-1, False),
    "p0": _index_along(0, True),
    "p1": _index_along(-1, True),
    "iv0": _index_vector(0, False),
    "iv1": _index_vector(-1, False),
    "uv0": _index_vector(0, True),
    "ys0": lambda s, dt, rng: random_values(
        (min(2, _first(s)) if s else 1,) + tuple(s[1:]) if s else (), dt, rng),
    "yn0": lambda s, dt, rng: random_values(
        (2 if _first(s) else 0,) + tuple(s[1:]) if s else (), dt, rng),
    "ysel": lambda s, dt, rng: random_values(tuple(s[1:]), dt, rng),
    "yslice": lambda s, dt, rng: random_values((min(1, _first(s)),) + tuple(s[1:]), dt, rng),
    "iflat": lambda s, dt, rng: rng.integers(0, max(1, int(np.prod(s))),
                                             size=3 if int(np.prod(s)) else 0).astype(np.int64),
    "ysorted": lambda s, dt, rng: np.sort(random_values((5,), dt, rng)),
    # losses and statistics
    "tgt": lambda s, dt, rng: rng.integers(0, max(1, _last(s)), size=(_first(s),)).astype(np.int64),
    "yprob": _prob_rows,
    "yp": _probabilities,
    "wc": lambda s, dt, rng: rng.uniform(0.5, 2.0, size=(_last(s),)).astype(_float_like(dt)),
    "yq": lambda s, dt, rng: np.array([0.1, 0.5, 0.9], dtype=_float_like(dt)),
    "yw": lambda s, dt, rng: rng.uniform(0.0, 2.0, size=s).astype(np.float64),
}
# inputs that never require grad (targets, weights, quantiles: torch refuses some gradients there)
NO_GRAD_EXTRAS = {"yp", "yprob", "wc", "yq", "yw"}


def shape_fields(shape):
    """The ``{...}`` fields of a template, from the logical shape of ``x``."""
    shape = tuple(shape)
    nd = len(shape)
    letters = "abcdefgh"[:nd]
    return {
        "shape": repr(shape),
        "rev_shape": repr(tuple(reversed(shape))),
        "perm": repr(tuple(range(nd - 1, -1, -1))),
        "exp_shape": repr((2,) + shape),
        "tile": repr((2,) * max(nd, 1)),
        "numel": str(int(np.prod(shape, dtype=np.int64))),
        "ndim": str(nd),
        "sub": letters,
        "rsub": letters[::-1],
        "unflat": repr((1, shape[0]) if nd else (1,)),
        "values": repr(np.zeros(shape).tolist()),
    }


# ------------------------------------------------------------------ kinds
@dataclass
class Kind:
    shape: tuple
    templates: list
    values: str = "default"   # default | positive | prob | nonneg | unit
    dtypes: tuple = ("float32", "float64", "int64", "bool")


SCALARS = ["x, 2", "x, 0.5", "x, -1.5", "x, True"]
KINDS = {
    "unary": Kind((3, 4), ["x"]),
    "binary": Kind((3, 4), ["x, y", "x, yb", "x, y0", "y0, x", "x, yf64", "x, yi", "x, ybool",
                            "nd2: x, yt.mT"]),
    "scalar": Kind((3, 4), SCALARS),
    "alpha": Kind((3, 4), ["x, y, alpha=2", "x, yb, alpha=0.5", "x, 2, alpha=3"]),
    "rounding": Kind((3, 4), ["x, y, rounding_mode='floor'", "x, y, rounding_mode='trunc'",
                              "x, 2, rounding_mode='floor'", "x, -1.5, rounding_mode='trunc'"]),
    "reduce": Kind((3, 4), ["x", "x, 0", "x, dim=-1, keepdim=True", "x, -1, True"]),
    "dtype_arg": Kind((3, 4), ["x, dtype=L.float64", "x, 0, dtype=L.float32",
                               "x, -1, dtype=L.int64"]),
    "correction": Kind((3, 4), ["x, correction=0", "x, 0, unbiased=False", "x, dim=(0, 1)",
                                "x, dim=-1, correction=2, keepdim=True"]),
    "int": Kind((3, 4), ["x, 0", "x, 1", "x, -1", "x, 2"]),
    "int2": Kind((3, 4), ["x, 0, -1", "x, -1, 0", "x, 0, 1", "x, 1, 1"]),
    "int3": Kind((3, 4), ["x, 0, 0, 1", "x, -1, 1, 2", "x, 1, 0, 1"]),
    "shape_arg": Kind((3, 4), ["x, {rev_shape}", "x, (-1,)", "x, {exp_shape}", "x, {perm}",
                               "x, *{rev_shape}", "x, *{perm}", "x, {tile}"]),
    "clamp": Kind((3, 4), ["x, -0.5, 0.5", "x, min=0", "x, max=0", "x, yb, y", "x, min=y0",
                           "x, 1, -1"]),
    "lerp": Kind((3, 4), ["x, y, 0.5", "x, y, yb", "x, yb, y0"]),
    "addc": Kind((3, 4), ["x, y, yb", "x, y, yb, value=0.5", "x, y0, y"]),
    "where": Kind((3, 4), [("m, x, y", "x.where(m, y)"), ("m, x, 0.5", "x.where(m, 0.5)"),
                           ("m, x, yb", "x.where(m, yb)")]),
    "mask": Kind((3, 4), ["x, m, 0.5", "x, m, y0", "x, m, y", "x, m"]),
    "mm": Kind((3, 4), ["x, w", "x, v", "nd2: x, yt.mT", "x, w.double()"]),
    "vv": Kind((4,), ["x, y", "x, y0", "x, yf64"]),
    "bmm": Kind((2, 3, 4), ["x, wb", "x, w", "x, v"]),
    "addmm": Kind((3, 5), ["x, a, b", "x, a, b, beta=0.5, alpha=2", "x, a, b, beta=0"]),
    "addmv": Kind((3,), ["x, a, b[:, 0]", "x, a, b[:, 0], alpha=0.5"]),
    "addr": Kind((3, 4), ["x, va, y[0]", "x, va, y[0], beta=2"]),
    "addbmm": Kind((3, 5), ["x, ba, bb", "x, ba, bb, alpha=0.5"]),
    "baddbmm": Kind((2, 3, 5), ["x, ta, tb", "x, ta, tb, beta=0.5"]),
    "linear": Kind((2, 3, 4), ["x, wl", "x, wl, bl", "x, y[0]"]),
    "cdist": Kind((3, 4), ["x, wl", "x, wl, 1.0", "x, wl, 0.0"]),
    "cross": Kind((4, 3), ["x, y", "x, y, dim=-1", "x, y, 0"]),
    "tensordot": Kind((3, 4), ["x, y, {ndim}", "x, w, 1", "x, w, ([1], [0])"]),
    "einsum": Kind((3, 4), [("'{sub}->{sub}', x", None), ("'{sub}->{rsub}', x", None),
                            ("'{sub}->', x", None), ("'{sub},{sub}->{sub}', x, y", None),
                            ("'...->...', x", None)]),
    "sequence": Kind((3, 4), [("[x, y]", None), ("(x, y), 0", None), ("[x, y], -1", None),
                              ("[x]", None), ("x, y", None), ("x", None), ("[x, yf64]", None)]),
    "gather": Kind((3, 4), ["x, 0, i0", "x, -1, i1", "x, 1, i1"]),
    "take_along": Kind((3, 4), ["x, i0, 0", "x, i1, dim=-1", "x, i1"]),
    "scatter": Kind((3, 4), ["x, 0, p0, y", "x, -1, p1, 0.5", "x, 0, p0, y, reduce='add'",
                             "x, -1, p1, y, reduce='multiply'"]),
    "scatter_add": Kind((3, 4), ["x, 0, i0, y", "x, -1, i1, y"]),
    "scatter_reduce": Kind((3, 4), ["x, 0, i0, y, 'sum'", "x, -1, i1, y, 'amax'",
                                    "x, 0, i0, y, 'mean', include_self=False",
                                    "x, -1, i1, y, 'prod'", "x, 0, i0, y, 'amin', include_self=False"]),
    "index_select": Kind((3, 4), ["x, 0, iv0", "x, -1, iv1"]),
    "index_add": Kind((3, 4), ["x, 0, iv0, yn0", "x, 0, iv0, yn0, alpha=2"]),
    "index_copy": Kind((3, 4), ["x, 0, uv0, ys0"]),
    "index_fill": Kind((3, 4), ["x, 0, iv0, 0.5", "x, -1, iv1, -2", "x, 0, iv0, y0"]),
    "index_put": Kind((3, 4), ["x, (iv0,), yn0", "x, (iv0,), y0, accumulate=True"]),
    "take": Kind((3, 4), ["x, iflat"]),
    "select_scatter": Kind((3, 4), ["x, ysel, 0, 0", "x, ysel, 0, -1"]),
    "slice_scatter": Kind((3, 4), ["x, yslice", "x, yslice, 0, 0, 1"]),
    "sort": Kind((3, 4), ["x", "x, 0", "x, -1, True", "x, stable=True", "x, dim=0, descending=True"]),
    "topk": Kind((3, 4), ["x, 1", "x, 2, 0", "x, 1, largest=False", "x, 1, -1, True"]),
    "search": Kind((3, 4), [("ysorted, x", None), ("ysorted, x, right=True", None),
                            ("ysorted, x, side='right'", None), ("ysorted, 0.5", None)]),
    "bucketize": Kind((3, 4), ["x, ysorted", "x, ysorted, right=True", "x, ysorted, out_int32=True"]),
    "unique": Kind((3, 4), ["x", "x, return_inverse=True, return_counts=True", "x, dim=0",
                            "x, sorted=True, return_inverse=True"]),
    "isin": Kind((3, 4), ["x, y", "x, yb", "x, yb, invert=True"]),
    "histc": Kind((3, 4), ["x", "x, bins=4, min=-1, max=1", "x, 3"]),
    "histogram": Kind((3, 4), ["x, 4", "x, 3, range=(-1.0, 1.0)", "x, 4, density=True"]),
    "bincount": Kind((6,), ["x", "x, minlength=8", "x, yw"], values="nonneg"),
    "quantile": Kind((3, 4), ["x, 0.5", "x, 0.25, dim=0", "x, yq", "x, 0.5, -1, True",
                              "x, 0.3, interpolation='nearest'", "x, 0.3, 0, interpolation='midpoint'"]),
    "cov": Kind((3, 4), ["x", "x, correction=0"]),
    "trapezoid": Kind((3, 4), ["x", "x, dx=0.5", "x, y", "x, dim=0"]),
    "diff": Kind((3, 4), ["x", "x, 2", "x, dim=0", "x, 1, -1, yb[:1]"]),
    "renorm": Kind((3, 4), ["x, 2, 0, 1.0", "x, 1, -1, 0.5"]),
    "nan_to_num": Kind((3, 4), ["x", "x, 0.0, 1.0, -1.0", "x, nan=2.0"]),
    "logit": Kind((3, 4), ["x", "x, 0.1"], values="unit"),
    "round": Kind((3, 4), ["x", "x, decimals=1", "x, decimals=-1"]),
    "mvlgamma": Kind((3, 4), ["x, 1", "x, 2"], values="positive"),
    "polygamma": Kind((3, 4), [("0, x", "x.polygamma(0)"), ("1, x", "x.polygamma(1)"),
                               ("2, x", "x.polygamma(2)")]),
    "norm": Kind((3, 4), ["x", "x, 1", "x, 'fro'", "x, 2, 0", "x, math.inf", "x, p=2, dim=-1, keepdim=True",
                          "x, 0", "x, -math.inf, 1"]),
    "vector_norm": Kind((3, 4), ["x", "x, 1", "x, math.inf", "x, 2, 0", "x, 0", "x, 3, -1, True"]),
    "dist": Kind((3, 4), ["x, y", "x, y, 1", "x, yb, math.inf", "x, y, 0"]),
    "heaviside": Kind((3, 4), ["x, y", "x, y0", "x, yb"]),
    "ldexp": Kind((3, 4), ["x, yi", "x, y"]),
    "close": Kind((3, 4), ["x, y", "x, x", "x, y, rtol=1.0", "x, x, equal_nan=True", "x, yb"]),
    "factory": Kind((3, 4), [("{shape}", None), ("*{shape}", None), ("{shape}, dtype=L.{dtype}", None),
                             ("size={shape}", None)]),
    "full": Kind((3, 4), [("{shape}, 1.5", None), ("{shape}, 2, dtype=L.{dtype}", None),
                          ("{shape}, True", None), ("{shape}, 7", None)]),
    "arange": Kind((3, 4), [("5", None), ("1, 4, 0.5", None), ("0, 3, dtype=L.{dtype}", None),
                            ("5.0", None), ("3, -1, -1", None), ("0", None)]),
    "linspace": Kind((3, 4), [("0, 1, 5", None), ("-1, 1, 0", None), ("0, 1, 3, dtype=L.{dtype}", None),
                              ("1, 2, 1", None)]),
    "eye": Kind((3, 4), [("3", None), ("3, 4", None), ("0", None), ("2, dtype=L.{dtype}", None)]),
    "tri_indices": Kind((3, 4), [("3, 4", None), ("3, 4, 1", None), ("0, 0", None), ("3, 3, -1", None)]),
    "tensor_ctor": Kind((3, 4), [("{values}", None), ("{values}, dtype=L.{dtype}", None),
                                 ("1.5", None), ("[True, False]", None), ("np.zeros({shape}, '{dtype}')", None)]),
    "scalar_tensor": Kind((3, 4), [("1.5", None), ("2, dtype=L.{dtype}", None), ("True", None)]),
    "like": Kind((3, 4), ["x", "x, dtype=L.float64", "x, dtype=L.int64"]),
    "full_like": Kind((3, 4), ["x, 2.5", "x, 2, dtype=L.int64", "x, True"]),
    "randint_like": Kind((3, 4), ["meta: x, 5", "meta: x, 1, 3"]),
    "new": Kind((3, 4), ["x, {shape}", "x, (2,)", "x, (2,), dtype=L.float64", "x, 0"]),
    "new_full": Kind((3, 4), ["x, (2,), 1.5", "x, {shape}, 2", "x, (2,), True"]),
    "new_tensor": Kind((3, 4), ["x, [1, 2]", "x, [1.5]", "x, 3"]),
    "to": Kind((3, 4), ["x, L.float64", "x, L.int64", "x, dtype=L.bool", "x, 'cpu'", "x, yf64",
                        "x, L.float32, copy=True"]),
    "type": Kind((3, 4), ["x", "x, L.float64", "x, 'torch.LongTensor'"]),
    "as_other": Kind((3, 4), ["x, y", "x, yf64", "x, yexp", "x, yb"]),
    "pointwise_loss": Kind((3, 4), ["x, y", "x, y, reduction='sum'", "x, y, reduction='none'",
                                    "x, yb"]),
    "prob_loss": Kind((3, 4), ["x, yp", "x, yp, reduction='sum'", "x, yp, reduction='none'",
                               "x, yp, yp"], values="prob"),
    "logits_loss": Kind((3, 4), ["x, yp", "x, yp, reduction='none'", "x, yp, pos_weight=wc",
                                 "x, yp, weight=wc"]),
    "class_loss": Kind((3, 4), ["x, tgt", "x, tgt, ignore_index=1", "x, tgt, reduction='sum'",
                                "x, tgt, weight=wc", "x, tgt, reduction='none'"]),
    "cross_entropy": Kind((3, 4), ["x, yprob", "x, tgt, label_smoothing=0.1",
                                   "x, tgt, weight=wc, ignore_index=0"]),
    "dropout": Kind((3, 4), ["x, 0.0", "x, 0.5, False", "x, p=0.0, training=True", "x, 1.0",
                             "x, 0.5, training=False, inplace=True", "x, 1.5"]),
    "dropout_meta": Kind((3, 4), ["meta: x", "meta: x, 0.5", "meta: x, 0.2, True"]),
    "random_meta": Kind((3, 4), ["meta: x"]),
    "random_fill": Kind((3, 4), ["meta: x", "meta: x, 0.5"]),
    "multinomial": Kind((3, 4), ["meta: x, 2", "meta: x, 3, True", "meta: x, 5"], values="positive"),
    "bernoulli": Kind((3, 4), ["meta: x", "x.clamp(0, 0)", "meta: x, 0.5"], values="prob"),
    "normal": Kind((3, 4), [("meta: x, 1.0", None), ("meta: 0.0, 1.0, (2, 3)", None),
                            ("meta: x, yp", None), ("0.5, 0.0, {shape}", None)]),
    "rand_factory": Kind((3, 4), [("meta: {shape}", None), ("meta: *{shape}", None),
                                  ("meta: {shape}, dtype=L.float64", None)]),
    "randint": Kind((3, 4), [("meta: 5, {shape}", None), ("meta: 1, 3, (2,)", None),
                             ("meta: 3, (2,), dtype=L.{dtype}", None)]),
    "randperm": Kind((3, 4), [("meta: 5", None), ("meta: 0", None), ("meta: 3, dtype=L.{dtype}", None)]),
    "activation": Kind((3, 4), ["x, 0.2", "x, 2.0, 1.0", "x, inplace=False"]),
    "gelu": Kind((3, 4), ["x, approximate='tanh'", "x, approximate='none'", "x, approximate='x'"]),
    "softmax": Kind((3, 4), ["x, 0", "x, -1", "x, dim=-1, dtype=L.float64", "x, 1"]),
    "one_hot": Kind((6,), ["x", "x, 8", "x, 2"], values="nonneg"),
    "getitem": Kind((3, 4), [("x, 0", "x[0]"), ("x, -1", "x[-1]"), ("x, 1:", "x[1:]"),
                             ("x, ...", "x[..., 0]"), ("x, None", "x[None]"), ("x, m", "x[m]"),
                             ("x, iv0", "x[iv0]"), ("x, ()", "x[()]"), ("x, iv1", "x[:, iv1]"),
                             ("x, 5", "x[5]"), ("x, 1::2", "x[1::2, ::2]"), ("x, mask0", "x[x > 0]")]),
    "setitem": Kind((3, 4), [("x, 0", "x[0] = 1.5"), ("x, m", "x[m] = y0"),
                             ("x, iv0", "x[iv0] = 2"), ("x, ...", "x[...] = y"),
                             ("x, :1", "x[:1] = yb"), ("x, ()", "x[()] = 0.5"),
                             ("x, 5", "x[5] = 1")]),
    "fill": Kind((3, 4), ["x, 1.5", "x, y0", "x, True", "x, -3"]),
    "copy": Kind((3, 4), ["x, y", "x, yb", "x, yf64", "x, ybool", "x, y0"]),
    "attr": Kind((3, 4), [("x", "x.{name}")]),
    "call0": Kind((3, 4), [("x", "x.{name}()")]),
    "vander": Kind((4,), ["x", "x, 3", "x, N=3, increasing=True"]),
    "unflatten": Kind((3, 4), ["x, 0, {unflat}", "x, -1, (2, -1)", "x, 1, (-1,)"]),
    "unfold": Kind((3, 4), ["x, 0, 2, 1", "x, -1, 2, 2", "x, 0, 5, 1"]),
    "shapes": Kind((3, 4), [("{shape}, (1,)", None), ("(2, 1), (1, 3)", None), ("(2,), (3,)", None)]),
    "types": Kind((3, 4), [("L.float32, L.int64", None), ("L.bool, L.{dtype}", None)]),
    "result_type": Kind((3, 4), [("x, y", None), ("x, 2.5", None), ("x, yf64", None), ("2, x", None)]),
    "fill_diagonal": Kind((3, 4), ["x, 1.5", "x, 2, wrap=True"]),
    "repeat_interleave": Kind((3, 4), ["x, 2", "x, 2, 0", "x, iv0.abs() + 0 * 1, 0", "x, 3, dim=-1"]),
    "split": Kind((3, 4), ["x, 2", "x, [1, 2]", "x, 2, -1", "x, [1, 3], 1"]),
    "flip": Kind((3, 4), ["x, 0", "x, (0, 1)", "x, [-1]", "x, 0, 1", "x, ()"]),
    "roll": Kind((3, 4), ["x, 1", "x, 1, 0", "x, (1, -2), (0, 1)", "x, -5, -1"]),
    "rot90": Kind((3, 4), ["x", "x, 1", "x, 2, (0, 1)", "x, -1, [1, 0]", "x, 1, (0, 0)"]),
    "movedim": Kind((3, 4), ["x, 0, -1", "x, (0, 1), (1, 0)", "x, 0, 0"]),
    "meshgrid": Kind((3,), [("x, y", None), ("x, y, indexing='xy'", None), ("[x, y]", None),
                            ("x", None)]),
    "nonzero": Kind((3, 4), ["x", "x, as_tuple=True"]),
    "aminmax": Kind((3, 4), ["x", "x, dim=0", "x, dim=-1, keepdim=True"]),
    "diag_embed": Kind((3, 4), ["x", "x, 1", "x, 0, 0, 2", "x, -1, -2, -1"]),
    "logsumexp": Kind((3, 4), ["x, 0", "x, -1, True", "x, (0, 1)", "x, ()"]),
    "median": Kind((3, 4), ["x", "x, 0", "x, -1, True"]),
    "requires_grad_": Kind((3, 4), ["x", "x, False"]),
    "new_meta": Kind((3, 4), ["meta: x, {shape}", "meta: x, (2,)", "meta: x, (2,), dtype=L.int64"]),
    "iter": Kind((3, 4), [("x", "list(x)")]),
    "cuda": Kind((3, 4), ["x"]),
}


