"""PyTorch's argument conventions, for every function of minigrad's top level and every Tensor
method, in one place (PyTorch's ``python_arg_parser.cpp`` does this for its C functions):

* **numpy-style keyword aliases**: a parameter named ``dim`` also takes ``axis=``, ``keepdim``
  ``keepdims=``, ``input`` ``x=``/``a=``/``x1=``, ``other`` ``x2=`` (``torch.sum(x, axis=0,
  keepdims=True)``). As in PyTorch, not for the functions PyTorch writes in Python
  (``torch.norm``, ``torch.split`` ...: ``PYTHON_DEFINED``).
* **out=**: where PyTorch has it, ``f(..., out=t)`` computes the result, checks ``t``'s dtype
  by PyTorch's rule for that op (``OUT_RULES``), resizes ``t`` if its shape differs (with
  PyTorch's warning when ``t`` was not empty), writes the result into it and returns ``t``.
  As in PyTorch, that is an error when an argument requires grad (and grad mode is on).
* **the deprecated overloads** ``add(x, 2, y)``, ``addcmul(x, 0.5, a, b)``, ``addmm(beta, x,
  alpha, a, b)`` ...: accepted, with PyTorch's warning (once per process, as PyTorch).

``torch_functions(namespace)`` wraps the top-level functions (``minigrad/__init__.py``),
``torch_method(fn, name)`` a Tensor method (``tensor_methods.install``). A function that needs
none of this is returned as it is, and a wrapped call without keywords costs one extra call.
"""
import functools
import inspect
import numbers
import warnings

import numpy as np

from .._dtype import c_type_name, from_numpy_dtype, scalar_type_name
from .._layout import check_layout, check_memory_format, check_pin_memory
from ..autograd.grad_mode import _state, no_grad
from ..tensor import Tensor
from ._util import return_type

__all__ = ["torch_functions", "torch_method", "OUT_RULES", "PYTHON_DEFINED", "ALIASES"]

# parameter name -> the numpy-style names PyTorch's argument parser also accepts for it
ALIASES = {"dim": ("axis",), "keepdim": ("keepdims",), "input": ("x", "a", "x1"), "other": ("x2",)}

# the functions that PyTorch writes in Python (its argument parser, and so the aliases, do not
# apply to them); tests/test_signatures.py checks this list against the installed PyTorch
PYTHON_DEFINED = frozenset({
    "atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "broadcast_shapes",
    "broadcast_tensors", "cartesian_prod", "cdist", "chain_matmul", "einsum", "get_default_device",
    "get_rng_state",
    "initial_seed", "is_tensor", "load", "manual_seed", "meshgrid", "norm", "save", "seed",
    "set_default_device", "set_default_dtype", "set_default_tensor_type", "set_printoptions",
    "set_rng_state", "split",
    "tensordot", "unique", "unique_consecutive", "unravel_index",
    # Tensor methods written in Python
    "backward", "register_hook", "unflatten",
})

# ---------------------------------------------------------------------------------- out= rules
# How the dtype of ``out`` may differ from the result's, per op (read from PyTorch 2.13 by
# calling each op with an out of another dtype). "cast": any dtype the result can be cast to
# (PyTorch's canCast: not float to integer, not non-bool to bool); "any": any dtype (the result
# is converted); "factory": the factories take their dtype from ``out``; a string with
# placeholders: the error when the dtypes differ at all ({res}/{out}: Float, Long ...;
# {res_c}/{out_c}: float, long int ...). Ops not listed: "cast". A tuple: one rule per output.
_EXACT = "Expected out tensor to have dtype {res_c}, but got {out_c} instead"
_FOUND = "Found dtype {out} but expected {res}"
_INDICES = (_EXACT, _EXACT)
OUT_RULES = {
    # the elementwise ops that keep their input's dtype
    **dict.fromkeys(["abs", "absolute", "ceil", "fix", "floor", "frac", "lerp", "neg",
                     "negative", "round", "sgn", "sign", "trunc", "bitwise_not"], _FOUND),
    # matrix products, and the ops that write their input's dtype
    **dict.fromkeys(["addmm", "addmv", "addr", "addbmm", "baddbmm", "bmm", "matmul", "mm",
                     "cross", "diag", "gather", "scatter", "scatter_add", "tril", "triu", "norm",
                     "softmax", "log_softmax", "index_add", "take", "take_along_dim", "isin",
                     "argmax", "argmin", "diff", "roll", "flatten", "clone", "msort"], _EXACT),
    **dict.fromkeys(["sort", "topk", "max", "min", "median", "nanmedian", "aminmax"], _INDICES),
    "kthvalue": ("output values must be of same type as input", _EXACT),
    "mode": ("expected scalar type '{res}' but got '{out}' for values output", _EXACT),
    "cummax": ("expected scalar_type {res} but found {out}", _EXACT),
    "cummin": ("expected scalar_type {res} but found {out}", _EXACT),
    "logcumsumexp": "expected scalar_type {res} but found {out}",
    "frexp": ("minigrad.frexp() expects mantissa to have dtype {res_c} but got {out_c}",
              "minigrad.frexp() expects exponent to have dtype int but got {out_c}"),
    "histogram": ("minigrad.histogram: input tensor and hist tensor should have the same dtype, "
                  "but got input {res_c} and hist {out_c}",
                  "minigrad.histogram: input tensor and bin_edges tensor should have the same "
                  "dtype, but got input {res_c} and bin_edges {out_c}"),
    "histc": "minigrad.histogram: input tensor and hist tensor should have the same dtype, but "
             "got input {res_c} and hist {out_c}",
    "amax": "Expected the dtype for input and out to match, but got {res} for input's dtype and "
            "{out} for out's dtype.",
    "amin": "Expected the dtype for input and out to match, but got {res} for input's dtype and "
            "{out} for out's dtype.",
    "dot": "result dtype {out} does not match input dtype {res}",
    "vdot": "result dtype {out} does not match input dtype {res}",
    "inner": "tensordot: Expected the output tensor to have dtype {res}, but got an output tensor "
             "with dtype {out}",
    "tensordot": "tensordot: Expected the output tensor to have dtype {res}, but got an output "
                 "tensor with dtype {out}",
    "mv": "addmv input tensors must have the same dtype, but got {out}, {res}, and {res}",
    "quantile": "quantile() out tensor must be same dtype as the input tensor",
    "nanquantile": "nanquantile() out tensor must be same dtype as the input tensor",
    "multinomial": "multinomial expects Long tensor out, got: {out}",
    "nan_to_num": "nan_to_num: dtype of out: {out} should be same as input: {res}",
    "nonzero": "nonzero: Expected out tensor to have scalar type Long but got scalar type{out}",
    "searchsorted": "minigrad.searchsorted(): output tensor's dtype is wrong, it can only be "
                    "Int(int32) or Long(int64) depending on whether out_int32 flag is True, but "
                    "we got {out}({out_np})",
    "bucketize": "minigrad.searchsorted(): output tensor's dtype is wrong, it can only be "
                 "Int(int32) or Long(int64) depending on whether out_int32 flag is True, but we "
                 "got {out}({out_np})",
    "masked_select": "masked_select(): self and result must have the same scalar type",
    "index_select": "index_select(): self and result must have the same scalar type",
    "all": "all only supports bool tensor for result, got: {out}",
    "any": "any only supports bool tensor for result, got: {out}",
    "isneginf": "isneginf does not support non-boolean outputs.",
    "isposinf": "isposinf does not support non-boolean outputs.",
    "signbit": "signbit does not support non-boolean outputs.",
    "float_power": "the output given to float_power has dtype {out} but the operation's result "
                   "requires dtype {res}",
    "heaviside": "heaviside is not yet implemented for tensors with different dtypes.",
    "where": "Expected out type to be {res} but got {out}",
    "logsumexp": "float",  # a floating-point out of any width
    "ldexp": "cast:ldexp can't be cast to the desired output type {out}",
    "nanmean": "cast",
    **dict.fromkeys(["cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack",
                     "column_stack", "row_stack"],
                    "cast:minigrad.cat(): input types can't be cast to the desired output type "
                    "{out}"),
    **dict.fromkeys(["sum", "nansum", "prod", "cumsum", "cumprod", "outer", "ger", "kron",
                     "bincount", "trace", "std", "var"], "any"),
    **dict.fromkeys(["zeros", "ones", "empty", "full", "eye", "arange", "range", "linspace",
                     "logspace", "rand", "randn", "randint", "randperm", "normal", "bernoulli",
                     "tril_indices", "triu_indices"], "factory"),
}
# the ops PyTorch gives out= (every overload or some): read from its signatures, checked by
# tests/test_signatures.py; each takes its rule from OUT_RULES (default "cast")
OUT_NAMES = frozenset("""
abs absolute acos acosh add addbmm addcdiv addcmul addmm addmv addr all amax amin aminmax any
arange arccos arccosh arcsin arcsinh arctan arctan2 arctanh argmax argmin argsort asin asinh atan
atan2 atanh baddbmm bernoulli bitwise_and bitwise_left_shift bitwise_not bitwise_or
bitwise_right_shift bitwise_xor bmm bucketize cat ceil chain_matmul clamp clamp_max clamp_min clip
column_stack concat concatenate copysign cos cosh cross cummax cummin cumprod cumsum deg2rad diag diff digamma
div divide dot dstack empty eq erf erfc erfinv exp exp2 expm1 eye fix float_power floor floor_divide fmax
fmin fmod frac frexp full gather gcd ge ger greater greater_equal gt heaviside histc histogram hstack hypot index_add
index_copy index_select inner isin isneginf isposinf kron kthvalue lcm ldexp le lerp less less_equal lgamma
linspace log log10 log1p log2 log_softmax logaddexp logaddexp2 logcumsumexp logical_and
logical_not logical_or logical_xor logit logspace logsumexp lt masked_select matmul max maximum
mean median min minimum mm mode msort mul multinomial multiply mv mvlgamma nan_to_num nanmean nanmedian
nanquantile nansum ne neg negative nextafter nonzero norm normal not_equal ones outer polygamma pow prod
quantile rad2deg rand randint randn randperm range reciprocal remainder renorm round row_stack
rsqrt scatter scatter_add scatter_reduce searchsorted sgn sigmoid sign signbit sin sinc sinh
slice_scatter softmax sort sqrt square stack std sub subtract sum take take_along_dim tan tanh tensordot
topk tril triu true_divide trunc var vdot vstack where xlogy zeros
""".split())

_OUT_TYPES = {}


def _out_type(result):
    """PyTorch returns ``torch.return_types.max_out(values=..., indices=...)`` for an out tuple."""
    cls = type(result)
    if cls not in _OUT_TYPES:
        _OUT_TYPES[cls] = return_type(cls.__name__ + "_out", cls._fields) if hasattr(cls, "_fields") else tuple
    return _OUT_TYPES[cls]


def _can_cast(src, dst):
    """PyTorch's canCast: not from floating to integral (bool included), not to bool."""
    if src.kind == "f" and dst.kind in "iub":
        return False
    if src.kind != "b" and dst.kind == "b":
        return False
    return True


def _dtype_error(name, rule, res, out):
    """The error (or None) for writing a result of dtype ``res`` into an ``out`` of dtype
    ``out`` (numpy dtypes) under ``rule``."""
    if rule == "any" or rule == "factory":
        return None
    if rule == "float":
        if out.kind == "f":
            return None
        return RuntimeError(f"{name}(): Expected floating point type for result tensor, but got: "
                            f"{scalar_type_name(out)}")
    if rule is None or rule.startswith("cast"):
        if _can_cast(res, out):
            return None
        template = rule[5:] if rule and rule.startswith("cast:") else \
            "result type {res} can't be cast to the desired output type {out}"
        exc = TypeError if "cat()" in template else RuntimeError
        return exc(_fill(template, res, out))
    if res == out:
        return None
    return RuntimeError(_fill(rule, res, out))


def _fill(template, res, out):
    return template.format(res=scalar_type_name(res), out=scalar_type_name(out),
                           res_c=c_type_name(res), out_c=c_type_name(out), out_np=out.name)


def _requires_grad(values):
    for v in values:
        if isinstance(v, Tensor):
            if v._requires_grad:
                return True
        elif isinstance(v, (list, tuple)):
            if _requires_grad(v):
                return True
    return False


def write_out(name, result, out, rule):
    """Write ``result`` (a tensor) into ``out`` by PyTorch's rules; returns ``out``."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    data = result._data if isinstance(result, Tensor) else np.asarray(result)
    err = _dtype_error(name, rule, data.dtype, out._data.dtype)
    if err is not None:
        raise err
    if out._data.shape != data.shape:
        if out._data.size:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out._data.shape)}, which does not match the required output shape "
                f"{list(data.shape)}. This behavior is deprecated, and in a future PyTorch "
                "release outputs will not be resized unless they have zero elements. You can "
                "explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
                "t.resize_(0).", UserWarning, stacklevel=4)
        out._data = np.empty(data.shape, out._data.dtype)
    np.copyto(out._data, data, casting="unsafe")
    out._vc[0] += 1
    return out


def _call_with_out(fn, name, rule, args, kwargs, out):
    if _state.enabled and (_requires_grad(args) or _requires_grad(kwargs.values())
                           or _requires_grad((out,))):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    if rule == "factory":
        if not isinstance(out, Tensor):
            raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
        dtype = kwargs.get("dtype")
        if dtype is None:
            kwargs["dtype"] = from_numpy_dtype(out._data.dtype)
        elif from_numpy_dtype(out._data.dtype) is not dtype and name != "normal":
            raise RuntimeError(f"dtype {scalar_type_name(dtype.np)} does not match dtype of out "
                               f"parameter ({scalar_type_name(out._data.dtype)})")
    with no_grad():
        result = fn(*args, **kwargs)
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)):
            raise TypeError(f"{name}(): argument 'out' must be tuple of Tensors, not "
                            f"{type(out).__name__}")
        if len(out) != len(result):
            raise RuntimeError(f"{name}(): expected {len(result)} output tensors, got {len(out)}")
        rules = rule if isinstance(rule, tuple) else (rule,) * len(result)
        written = [write_out(name, r, o, k) for r, o, k in zip(result, out, rules)]
        return _out_type(result)(*written)
    if isinstance(rule, tuple):
        rule = rule[0]
    return write_out(name, result, out, rule)


# ---------------------------------------------------------------------------------- deprecated
_Number = numbers.Number


def _is_number(x):
    return isinstance(x, _Number) and not isinstance(x, Tensor)


def _rewrite(kind, args):
    """The deprecated overload ``args`` match, as (args, keywords), or None."""
    n = len(args)
    if kind == "alpha":  # add/sub(Tensor self, Scalar alpha, Tensor other)
        if n == 3 and _is_number(args[1]) and isinstance(args[2], Tensor):
            return (args[0], args[2]), {"alpha": args[1]}
    elif kind == "value":  # addcmul/addcdiv(Tensor self, Scalar value, Tensor t1, Tensor t2)
        if n == 4 and _is_number(args[1]) and isinstance(args[2], Tensor):
            return (args[0], args[2], args[3]), {"value": args[1]}
    elif kind == "beta":  # addmm & co: (Scalar beta, Tensor self, [Scalar alpha,] Tensor, Tensor)
        if n in (4, 5) and _is_number(args[0]) and isinstance(args[1], Tensor):  # function
            beta, self, rest = args[0], args[1], args[2:]
        elif n in (4, 5) and isinstance(args[0], Tensor) and _is_number(args[1]):  # method
            beta, self, rest = args[1], args[0], args[2:]
        else:
            return None
        if n == 5 and _is_number(rest[0]):
            return (self, rest[1], rest[2]), {"beta": beta, "alpha": rest[0]}
        if n == 4:
            return (self, rest[0], rest[1]), {"beta": beta}
    return None


# op -> (kind, the deprecated signature, the one to use instead), in PyTorch's words
_DEPRECATED = {}
for _op, _kind, _old, _new in (
        ("add", "alpha", "Tensor input, Number alpha, Tensor other",
         "Tensor input, Tensor other, *, Number alpha = 1"),
        ("sub", "alpha", "Tensor input, Number alpha, Tensor other",
         "Tensor input, Tensor other, *, Number alpha = 1"),
        ("addcmul", "value", "Tensor input, Number value, Tensor tensor1, Tensor tensor2",
         "Tensor input, Tensor tensor1, Tensor tensor2, *, Number value = 1"),
        ("addcdiv", "value", "Tensor input, Number value, Tensor tensor1, Tensor tensor2",
         "Tensor input, Tensor tensor1, Tensor tensor2, *, Number value = 1"),
        ("addmm", "beta", "Number beta, Tensor input, Number alpha, Tensor mat1, Tensor mat2",
         "Tensor input, Tensor mat1, Tensor mat2, *, Number beta = 1, Number alpha = 1"),
        ("addmv", "beta", "Number beta, Tensor input, Number alpha, Tensor mat, Tensor vec",
         "Tensor input, Tensor mat, Tensor vec, *, Number beta = 1, Number alpha = 1"),
        ("addr", "beta", "Number beta, Tensor input, Number alpha, Tensor vec1, Tensor vec2",
         "Tensor input, Tensor vec1, Tensor vec2, *, Number beta = 1, Number alpha = 1"),
        ("addbmm", "beta", "Number beta, Tensor input, Number alpha, Tensor batch1, Tensor batch2",
         "Tensor input, Tensor batch1, Tensor batch2, *, Number beta = 1, Number alpha = 1"),
        ("baddbmm", "beta", "Number beta, Tensor input, Number alpha, Tensor batch1, Tensor batch2",
         "Tensor input, Tensor batch1, Tensor batch2, *, Number beta = 1, Number alpha = 1")):
    _DEPRECATED[_op] = (_kind, _old, _new)
    _DEPRECATED[_op + "_"] = (_kind, _old, _new)

_warned_deprecated = [False]


def _warn_deprecated(name, method, keywords):
    """PyTorch's warning for the deprecated overload that matched (``keywords``: what it
    became)."""
    if _warned_deprecated[0]:  # PyTorch warns once per process, for all of them
        return
    _warned_deprecated[0] = True
    _, old, new = _DEPRECATED[name]
    if "beta" in keywords and "alpha" not in keywords:
        old = old.replace("Number alpha, ", "")
    news = [new]
    if name in ("addmm", "baddbmm") and not method:  # PyTorch also suggests its out_dtype form
        a, b = new.split(", *, ")
        news.append(f"{a}, minigrad.dtype out_dtype, *, {b}")
    if method:  # the method's signature has no `input`
        old = old.replace("Tensor input, ", "").replace(", Tensor input", "")
        news = [n.replace("Tensor input, ", "") for n in news]
    elif not name.endswith("_"):
        old, news = old + ", *, Tensor out = None", [n + ", Tensor out = None" for n in news]
    instead = "".join(f"\n\t{name}({n})" for n in news)
    warnings.warn(f"This overload of {name} is deprecated:\n\t{name}({old})\nConsider using one "
                  f"of the following signatures instead:{instead}", UserWarning, stacklevel=3)


# ---------------------------------------------------------------------------------- names
# Where PyTorch's name for a parameter differs from that of minigrad's function (which may serve
# two PyTorch names: torch.dot and Tensor.dot call it `tensor`, minigrad's `dot` `other`):
# PyTorch's name -> minigrad's, for the top-level function or the Tensor method.
KEYWORD_RENAMES = {
    "dropout": {"train": "training"}, "promote_types": {"type1": "a", "type2": "b"},
    "split": {"tensor": "input"}, "swapdims": {"dim0": "axis0", "dim1": "axis1"},
    "dot": {"tensor": "other"},
}  # (and a top-level function whose tensor minigrad calls `self` or `t`: PyTorch's `input`)
METHOD_KEYWORD_RENAMES = {
    "dot": {"tensor": "other"}, "copy_": {"other": "src"},
    "split": {"split_size": "split_size_or_sections"},
    "swapdims": {"dim0": "axis0", "dim1": "axis1"},
    "swapaxes": {"axis0": "dim0", "axis1": "dim1"},  # (Tensor.swapaxes is minigrad's transpose)
}
# PyTorch's keyword-only arguments about memory that minigrad's functions need not see: checked
# here (layout: strided only; pin_memory: False only; memory_format: contiguous or preserve)
_FACTORY = ("layout", "pin_memory")
EXTRA_KEYWORDS = {
    **dict.fromkeys(["arange", "empty", "eye", "full", "linspace", "logspace", "ones", "rand",
                     "randint", "randn", "randperm", "zeros", "normal", "range", "empty_like",
                     "full_like", "ones_like", "rand_like", "randint_like", "randn_like",
                     "zeros_like"], _FACTORY),  # (PyTorch's docs leave some out; its parser not)
    "clone": ("memory_format",),
}
METHOD_EXTRA_KEYWORDS = {
    **dict.fromkeys(["bool", "byte", "char", "cpu", "double", "float", "int", "long",
                     "short", "type"], ("memory_format",)),
    **dict.fromkeys(["new_empty", "new_full", "new_ones", "new_tensor", "new_zeros"], _FACTORY),
}
_CHECKS = {"layout": check_layout, "memory_format": check_memory_format}
# PyTorch functions that take out= (and more) positionally: their parameters in order
TORCH_POSITIONALS = {"norm": ("input", "p", "dim", "keepdim", "out", "dtype"),
                     "tensordot": ("a", "b", "dims", "out")}


# ---------------------------------------------------------------------------------- wrappers
def _alias_table(fn, method):
    """(alias, parameter) pairs for the parameters of ``fn`` that have numpy-style aliases."""
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return ()
    if method:
        params = params[1:]  # the tensor itself
    return tuple((alias, p) for p in params if p in ALIASES for alias in ALIASES[p])


def _rename(name, kwargs, aliases, params):
    """Rename the aliases in ``kwargs`` to their parameters. A keyword that is neither is
    PyTorch's error, which names the first keyword that is not a parameter's own name."""
    if params is not None:
        names = [k for k in kwargs if k not in params]
        if names and any(all(k != alias for alias, _ in aliases) for k in names):
            raise TypeError(f"{name}() got an unexpected keyword argument '{names[0]}'")
    for alias, param in aliases:
        if alias in kwargs:
            if param in kwargs:
                raise TypeError(f"{name}() got multiple values for argument '{param}'")
            kwargs[param] = kwargs.pop(alias)


def _signature(fn, renames, extras, has_out, positionals=None):
    """``fn``'s signature as PyTorch spells it: renamed parameters, the extra keywords, out (by
    position too where PyTorch takes it so: ``TORCH_POSITIONALS``)."""
    sig = inspect.signature(fn)
    back = {v: k for k, v in renames.items()}
    params = [p.replace(name=back.get(p.name, p.name)) for p in sig.parameters.values()]
    if positionals:
        by_name = {p.name: p for p in params}
        by_name.setdefault("out", inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY,
                                                    default=None))
        ordered = [by_name.pop(n).replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD)
                   for n in positionals]
        params = ordered + list(by_name.values())
    tail = [p for p in params if p.kind == p.VAR_KEYWORD]
    params = [p for p in params if p.kind != p.VAR_KEYWORD]
    have = {p.name for p in params}
    for extra in tuple(extras) + (("out",) if has_out else ()):
        if extra not in have:
            default = False if extra == "pin_memory" else None
            params.append(inspect.Parameter(extra, inspect.Parameter.KEYWORD_ONLY, default=default))
    return sig.replace(parameters=params + tail)


def _parameter_names(fn, renames, extras):
    """The keywords the wrapper takes, or None if any (``**kwargs``)."""
    params = inspect.signature(fn).parameters.values()
    if any(p.kind == p.VAR_KEYWORD for p in params):
        return None
    names = {p.name for p in params if p.kind != p.VAR_POSITIONAL}
    return frozenset(names | set(renames) | set(extras) | {"out"})


def _wrap(fn, name, aliases, out_rule, deprecated, method, renames=None, extras=(),
          positionals=None):
    renames = renames or {}
    if not (aliases or renames or extras or positionals or deprecated) and out_rule is False:
        return fn
    has_out = out_rule is not False
    params = _parameter_names(fn, renames, extras) if aliases else None
    if params is not None and not has_out:
        params = params - {"out"}
    kept = positionals.index("out") if positionals else 0  # minigrad's own positionals

    def wrapper(*args, **kwargs):
        if positionals and len(args) > kept:  # out= (and what follows) given by position
            kwargs.update(zip(positionals[kept:], args[kept:]))
            args = args[:kept]
        if kwargs:
            for torch_name, ours in renames.items():
                if torch_name in kwargs:
                    kwargs[ours] = kwargs.pop(torch_name)
            if aliases:
                _rename(name, kwargs, aliases, params)
            for extra in extras:
                if extra in kwargs:
                    value = kwargs.pop(extra)
                    if extra == "pin_memory":
                        check_pin_memory(value)
                    else:
                        _CHECKS[extra](value, name)
            if has_out and "out" in kwargs:
                out = kwargs.pop("out")
                if out is not None:
                    if deprecated is not None:
                        found = _rewrite(deprecated, args)
                        if found is not None:
                            args, extra = found
                            _warn_deprecated(name, method, extra)
                            kwargs.update(extra)
                    return _call_with_out(fn, name, out_rule, args, kwargs, out)
        if deprecated is not None and len(args) >= 3:
            found = _rewrite(deprecated, args)
            if found is not None:
                args, extra = found
                _warn_deprecated(name, method, extra)
                kwargs.update(extra)
        return fn(*args, **kwargs)

    functools.update_wrapper(wrapper, fn)
    wrapper.__name__ = wrapper.__qualname__ = name
    wrapper.__signature__ = _signature(fn, renames, extras, has_out, positionals)
    return wrapper


def torch_functions(namespace):
    """``{name: function}`` for the public functions of ``namespace`` (a dict: the top level),
    each with PyTorch's conventions; a function that needs none is returned unchanged."""
    out = {}
    for name, fn in namespace.items():
        if name.startswith("_") or inspect.isclass(fn) or not inspect.isfunction(fn):
            continue
        aliases = () if name in PYTHON_DEFINED else _alias_table(fn, method=False)
        rule = OUT_RULES.get(name) if name in OUT_NAMES else False
        deprecated = _DEPRECATED[name][0] if name in _DEPRECATED else None
        renames = dict(KEYWORD_RENAMES.get(name, {}))
        first = next(iter(inspect.signature(fn).parameters), None)
        if name.endswith("_") and first in ("self", "t"):  # an in-place op (also a method)
            renames["input"] = first
        out[name] = _wrap(fn, name, aliases, rule, deprecated, method=False, renames=renames,
                          extras=EXTRA_KEYWORDS.get(name, ()),
                          positionals=TORCH_POSITIONALS.get(name))
    return out


def torch_method(fn, name):
    """``fn`` as the Tensor method ``name``, with PyTorch's aliases, parameter names, extra
    keywords and deprecated overloads (methods have no out=)."""
    if name.startswith("_") or not inspect.isfunction(fn):
        return fn
    aliases = () if name in PYTHON_DEFINED else _alias_table(fn, method=True)
    deprecated = _DEPRECATED[name][0] if name in _DEPRECATED else None
    return _wrap(fn, name, aliases, False, deprecated, method=True,
                 renames=METHOD_KEYWORD_RENAMES.get(name), extras=METHOD_EXTRA_KEYWORDS.get(name, ()))
