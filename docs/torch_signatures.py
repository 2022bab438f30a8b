"""PyTorch's signatures, read from the installed PyTorch, and their comparison with minigrad's.

Used by docs/coverage.py (the coverage table's "signature" column) and tests/test_signatures.py.

Where PyTorch exposes a Python signature (``inspect.signature``: the functions written in
Python, ``nn.functional``'s mostly, and the classes' ``__init__``), that is the signature. Its C
functions (``torch.sum``, ``Tensor.add`` ...) have none; for them, in this order:

1. PyTorch's argument parser itself: called with arguments it cannot accept, it lists the
   signatures it would have accepted ("expected one of: * (Tensor input, int dim, bool keepdim =
   False, *, Tensor out = None) ..."), exactly, with defaults and the keyword-only marker;
2. the signature lines of the docstring (``sum(input, dim, keepdim=False, *, dtype=None)``);
3. the lambdas of ``torch.overrides.get_testing_overrides()``, which only approximate the names.

``compare(torch_overloads, minigrad_callable)`` then lists what a call valid in PyTorch would
find different in minigrad: a missing parameter, a parameter at another position, another
default, a parameter minigrad requires and PyTorch does not.
"""
import ast
import inspect
import math
import re

import torch

EMPTY = inspect.Parameter.empty
POSITIONAL, KEYWORD, VAR = "positional", "keyword", "var"


class Param:
    """One parameter of one PyTorch overload: ``kind`` is POSITIONAL (by position or by name),
    KEYWORD (by name only) or VAR (``*args``); ``default`` is EMPTY when the parameter is
    required; ``exact_kind`` is False where the source does not say (docstrings of methods often
    leave out the ``*``)."""

    __slots__ = ("name", "kind", "default", "type")

    def __init__(self, name, kind, default=EMPTY, type=""):  # noqa: A002
        self.name, self.kind, self.default, self.type = name, kind, default, type

    def __repr__(self):
        d = "" if self.default is EMPTY else f"={self.default!r}"
        star = "*" if self.kind == VAR else ""
        return f"{star}{self.name}{d}"


class Overload:
    __slots__ = ("params", "source")

    def __init__(self, params, source):
        self.params, self.source = params, source

    @property
    def exact_kind(self):
        return self.source in ("inspect", "parser")

    def __repr__(self):
        out, kw = [], False
        for p in self.params:
            if p.kind == KEYWORD and not kw:
                out.append("*")
                kw = True
            out.append(repr(p))
        return f"({', '.join(out)})"


# ---------------------------------------------------------------------------------- defaults
class TorchObject:
    """A default that is a PyTorch object (``torch.strided``, ``torch.contiguous_format``):
    minigrad's default agrees if it is None or an object of the same name."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text

    def __eq__(self, other):
        if other is None:
            return True
        name = self.text.split(".")[-1]
        return str(other).split(".")[-1] == name or getattr(other, "__name__", None) == name

    __hash__ = object.__hash__


def _arithmetic(text):
    """The value of a small arithmetic expression of numbers (``1./8``), or raise ValueError."""
    def ev(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.Mult, ast.Add, ast.Sub)):
            a, b = ev(node.left), ev(node.right)
            return {ast.Div: a / b if b else math.inf, ast.Mult: a * b, ast.Add: a + b,
                    ast.Sub: a - b}[type(node.op)]
        raise ValueError(text)
    return ev(ast.parse(text, mode="eval").body)


def parse_default(text):
    text = text.strip()
    if text in ("inf", "math.inf", "float('inf')"):
        return math.inf
    if text in ("-inf", "-math.inf"):
        return -math.inf
    if text == "nan":
        return math.nan
    if text.startswith("torch.") or text.startswith("at::"):
        return TorchObject(text)
    if text in ("{}", "[]"):
        return ()
    if text.startswith("[") and text.endswith("]"):
        text = "(" + text[1:-1] + ("," if text[1:-1] and "," not in text else "") + ")"
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        pass
    try:
        return _arithmetic(text)
    except (ValueError, SyntaxError, ZeroDivisionError):
        return TorchObject(text)


def same_default(a, b):
    """PyTorch's default ``a`` and minigrad's ``b`` agree (1 == 1.0, but not True == 1)."""
    if isinstance(a, TorchObject):
        return a == b
    if type(a).__name__ == "Generator" and type(b).__name__ == "Generator":
        return True  # each library's default generator (random_split's generator=)
    if type(a).__module__.split(".")[0] == "torch":  # torch.strided, torch.preserve_format ...
        return b is None or str(b).split(".")[-1] == str(a).split(".")[-1]
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same_default(x, y) for x, y in zip(a, b))
    try:
        return a == b
    except Exception:  # noqa: BLE001
        return False


# ---------------------------------------------------------------------------------- sources
def _from_inspect(sig, drop_self):
    params = []
    for i, p in enumerate(sig.parameters.values()):
        if drop_self and i == 0 and p.name in ("self", "cls"):
            continue
        if p.kind == p.VAR_KEYWORD:
            continue
        kind = {p.POSITIONAL_ONLY: POSITIONAL, p.POSITIONAL_OR_KEYWORD: POSITIONAL,
                p.VAR_POSITIONAL: VAR, p.KEYWORD_ONLY: KEYWORD}[p.kind]
        params.append(Param(p.name, kind, p.default))
    return Overload(params, "inspect")


class _Probe:
    """An argument no PyTorch function accepts: the parser's error then lists its signatures."""


_PARSER_SIG = re.compile(r"^\s*\* \((.*)\)\s*$|but expected \((.*)\)\s*$", re.M)


def _parser_overloads(fn, self_arg):
    pre = () if self_arg is None else (self_arg,)
    texts = []
    for args, kwargs in (((_Probe(),) * 12, {}), ((_Probe(),) * 12, {"__probe__": 1}),
                         ((_Probe(),), {}), ((_Probe(),) * 2, {})):
        try:
            fn(*pre, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001  (the error is the answer)
            msg = str(exc)
            if "expected one of" in msg or "but expected (" in msg:
                texts = [a or b for a, b in _PARSER_SIG.findall(msg)]
                break
            if re.search(r"takes no arguments \(\d+ given\)", msg):
                return [Overload([], "parser")]
    overloads = []
    for text in texts:
        params, kw = [], False
        for item in _split(text):
            if item == "*":
                kw = True
                continue
            m = re.match(r"^(.*?)\s*(\w+)\s*(?:=\s*(.*))?$", item)
            if not m:
                continue
            type_, name, default = m.group(1), m.group(2), m.group(3)
            params.append(Param(name, KEYWORD if kw else POSITIONAL,
                                EMPTY if default is None else parse_default(default), type_))
        overloads.append(Overload(params, "parser"))
    return overloads


def _required_names(fn, self_arg):
    """The parser's names for the required parameters ("missing 1 required positional
    arguments: \"input\""), when nothing better is known (an overload with those alone)."""
    try:
        fn(*(() if self_arg is None else (self_arg,)))
    except Exception as exc:  # noqa: BLE001
        m = re.search(r"missing \d+ required positional arguments?: (.*)$", str(exc))
        if m:
            names = re.findall(r'"(\w+)"', m.group(1))
            return [Overload([Param(n, POSITIONAL) for n in names], "parser-names")]
    return []


def _split(text):
    """Split a parameter list at the commas outside brackets."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def _balanced(text):
    """The text before the ``)`` that closes an already open ``(``, if the rest of the line is
    empty or a ``-> result`` annotation; else None (prose, not a signature)."""
    depth = 1
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            rest = text[i + 1:].strip()
            return text[:i] if not rest or rest.startswith("->") else None
    return None


def _doc_overloads(fn, name, is_method=False):
    doc = getattr(fn, "__doc__", None) or ""
    found = []
    pattern = re.compile(r"^\s*(?:\.\. function:: )?(?:torch\.)?(?:Tensor\.)?" + re.escape(name)
                         + r"\((.*)$", re.M)
    for m in pattern.finditer(doc):
        inside = _balanced(m.group(1))
        if inside is None:
            continue
        params, kw = [], False
        for item in _split(inside):
            item = re.sub(r"\s*\((?:int|float|tuple|list|Tensor|bool|sequence)[^)]*\)\s*$", "", item)
            if item == "*":
                kw = True
                continue
            if item.startswith("*"):
                params.append(Param(item[1:].split("=")[0].strip(), VAR))
                kw = True
                continue
            if item.startswith("..."):
                continue
            name_, _, default = item.partition("=")
            name_ = name_.split(":")[0].strip()  # ``input: Tensor`` (annotated docstrings)
            if not name_.isidentifier():
                params = None
                break
            params.append(Param(name_, KEYWORD if kw else POSITIONAL,
                                parse_default(default) if default else EMPTY))
        if params is not None:
            for i, p in enumerate(params):  # ``range(start=0, end)``: not a real default
                if p.kind == POSITIONAL and p.default is not EMPTY and any(
                        q.kind == POSITIONAL and q.default is EMPTY for q in params[i + 1:]):
                    p.default = EMPTY
            if is_method and params and params[0].name in ("input", "self"):
                params = params[1:]  # (some method docstrings name the tensor itself)
            found.append(Overload(params, "doc"))
    return found


_OVERRIDES = None


def _override_overloads(fn, is_method):
    global _OVERRIDES
    if _OVERRIDES is None:
        _OVERRIDES = torch.overrides.get_testing_overrides()
    lam = _OVERRIDES.get(fn)
    if lam is None:
        return []
    ov = _from_inspect(inspect.signature(lam), drop_self=False)
    if is_method and ov.params:
        ov.params = ov.params[1:]  # the tensor (the lambdas call it self or input)
    ov.source = "overrides"
    return [ov]


# named tensors, storages, streams: overloads minigrad does not mean to accept
_SKIPPED_TYPES = ("tuple of names", "Dimname", "name ", "Storage", "Stream", "DimnameList")


def torch_overloads(obj, name, is_method):
    """The signatures under which PyTorch accepts a call of ``obj`` (a list of ``Overload``),
    or [] where none can be found. Classes: their ``__init__``'s."""
    if inspect.isclass(obj):
        try:
            ov = _from_inspect(inspect.signature(obj), drop_self=False)
        except (TypeError, ValueError):
            return []
        return [] if ov.params and all(p.kind == VAR for p in ov.params) else [ov]
    if not callable(obj):
        return []
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        sig = None
    if sig is not None:
        ov = _from_inspect(sig, drop_self=is_method)
        if not ov.params or not all(p.kind == VAR for p in ov.params):
            return [ov]
        return _doc_overloads(obj, name, is_method)
    found = _parser_overloads(obj, torch.empty(0) if is_method else None)
    if not found:
        found = _doc_overloads(obj, name, is_method)
    if not found:
        found = _override_overloads(obj, is_method)
    if not found:
        found = _required_names(obj, torch.empty(0) if is_method else None)
    return [o for o in found
            if not any(any(t in (p.type + " ") for t in _SKIPPED_TYPES) for p in o.params)]


def minigrad_signature(obj, is_method):
    """minigrad's signature of ``obj`` (a list of inspect.Parameter, self dropped) or None."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    if params and is_method:
        params = params[1:]  # a Tensor method is an op whose first parameter is the tensor
    return params


def compare_one(ov, params):
    """What a call valid for PyTorch's overload ``ov`` finds different in minigrad's ``params``
    (a list of strings, empty when they agree)."""
    problems = []
    by_name = {p.name: p for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    var_kw = any(p.kind == p.VAR_KEYWORD for p in params)
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD,
                                                  p.VAR_POSITIONAL)]
    tpos = 0
    for tp in ov.params:
        mp = by_name.get(tp.name)
        if tp.kind == VAR:
            if not any(p.kind == p.VAR_POSITIONAL for p in params):
                problems.append(f"'*{tp.name}' not accepted")
            continue
        if tp.kind == POSITIONAL:
            index = tpos
            tpos += 1
            if tp.name == "self":
                continue  # (a scalar overload: PyTorch's name for it, positional in practice)
            slot = positional[index] if index < len(positional) else (
                positional[-1] if positional and positional[-1].kind == positional[-1].VAR_POSITIONAL
                else None)
            if slot is not None and slot.kind == slot.VAR_POSITIONAL:
                continue  # minigrad takes it among its *args
            if mp is None:
                if not var_kw:
                    problems.append(f"no parameter '{tp.name}'")
                continue
            if ov.exact_kind and (slot is None or slot.name != tp.name):
                where = "keyword-only" if mp.kind == mp.KEYWORD_ONLY else "at another position"
                problems.append(f"'{tp.name}' is {where}")
        elif mp is None:
            if not var_kw:
                problems.append(f"no parameter '{tp.name}'")
            continue
        elif mp.kind == mp.POSITIONAL_ONLY:
            problems.append(f"'{tp.name}' is positional-only")
        if tp.default is not EMPTY:
            if mp.default is EMPTY:
                problems.append(f"'{tp.name}' is required (PyTorch's default: {tp.default!r})")
            elif not same_default(tp.default, mp.default):
                problems.append(f"default of '{tp.name}': {mp.default!r} (PyTorch: {tp.default!r})")
    names = {tp.name for tp in ov.params}
    for i, tp in enumerate(tp for tp in ov.params if tp.kind == POSITIONAL):
        if tp.name == "self" and i < len(positional):
            names.add(positional[i].name)
    for p in params:
        if (p.default is EMPTY and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD,
                                               p.KEYWORD_ONLY) and p.name not in names):
            problems.append(f"requires '{p.name}'")
    return problems


def compare(overloads, obj, is_method):
    """(status, details): "agrees", "differs" (with the problems of the closest PyTorch overload
    for each overload minigrad does not accept) or "unknown" (no signature on one side)."""
    params = minigrad_signature(obj, is_method)
    if params is None or not overloads:
        return "unknown", []
    problems = []
    for ov in overloads:
        found = compare_one(ov, params)
        if found:
            problems.append(f"{ov}: " + "; ".join(found))
    return ("differs", problems) if problems else ("agrees", [])


# ---------------------------------------------------------------------------------- known
_DOC_WRONG = ("PyTorch's docstring names the argument otherwise than its argument parser does; "
              "minigrad follows the parser (checked by calling PyTorch)")
_DIM_DOC = ("PyTorch's docstring says dim=None, but its parser's default is -1 and it refuses "
            "None (checked by calling); minigrad's default is -1")
_SPLITS = ("PyTorch's overloads name the second argument after its type (sections, indices, "
           "tensor_indices_or_sections); minigrad's one function takes each of them by position")
_OUT_DTYPE = ("out_dtype (a product computed into another dtype, for mixed precision) is not "
              "supported")
_UNBIASED = ("unbiased=None stands for PyTorch's default (True, i.e. correction=1) so that "
             "correction= can be told apart; PyTorch refuses None, minigrad also accepts it")
_OTHER_BY_POSITION = "other is taken by position in dim's place, and by keyword, as in PyTorch"
_FROM = "`from` is a Python keyword: no Python function can take from=; minigrad takes it by position"
KNOWN_DIFFERENCES = {
    **dict.fromkeys(["torch.addmm", "torch.baddbmm", "torch.bmm", "torch.mm"], _OUT_DTYPE),
    "torch.arange": ("PyTorch's overloads call the first argument end (arange(end)) or start; "
                     "minigrad's takes both by position and by keyword"),
    "torch.broadcast_to": _DOC_WRONG,
    # get_testing_overrides' lambda: PyTorch takes input= and split_sizes= (checked by calling it)
    **dict.fromkeys(["torch.split_with_sizes", "Tensor.split_with_sizes"], _DOC_WRONG),
    "torch.selu": ("PyTorch's overrides table gives torch.selu an inplace parameter, but torch.selu "
                   "takes the input only (selu(x, 0.2) and selu(x, inplace=False) are TypeErrors, "
                   "checked by calling); minigrad's does the same (F.selu has inplace)"),
    **dict.fromkeys(["torch.dsplit", "torch.hsplit", "torch.vsplit", "torch.tensor_split",
                     "Tensor.dsplit", "Tensor.hsplit", "Tensor.vsplit", "Tensor.tensor_split"],
                    _SPLITS),
    **dict.fromkeys(["torch.dtype", "torch.layout", "torch.memory_format"],
                    "PyTorch's cannot be constructed; minigrad's constructor is internal"),
    "torch.isin": ("the scalar overloads call the arguments element / test_element; minigrad's "
                   "elements / test_elements take numbers too"),
    **dict.fromkeys(["torch.kthvalue", "torch.topk", "Tensor.kthvalue", "Tensor.topk",
                     "Tensor.mode"], _DIM_DOC),
    **dict.fromkeys(["torch.max", "torch.min", "Tensor.max", "Tensor.min"], _OTHER_BY_POSITION),
    "torch.randint_like": ("the overload randint_like(input, high) reads its second argument as "
                           "high; so does minigrad's (input, low=0, high=None)"),
    "torch.repeat_interleave": ("the one-argument overload repeat_interleave(repeats) works by "
                                "position and by keyword"),
    **dict.fromkeys(["F.conv1d", "F.conv2d"],
                    "PyTorch's overload with a string padding defaults to 'valid', the same as the "
                    "int overload's default 0, which minigrad's has"),
    **dict.fromkeys(["torch.scatter", "Tensor.scatter"],
                    "value is taken by position in src's place, and by keyword"),
    "torch.set_num_threads": "PyTorch takes no keyword here; minigrad's positional n does the same",
    **dict.fromkeys(["torch.std", "torch.var", "torch.std_mean", "torch.var_mean", "Tensor.std",
                     "Tensor.var"], _UNBIASED),
    **dict.fromkeys(["Tensor.bmm", "Tensor.dot", "Tensor.index_copy", "Tensor.logical_and",
                     "Tensor.logical_or", "Tensor.logical_xor", "Tensor.masked_scatter",
                     "Tensor.matmul", "Tensor.mul", "Tensor.mul_", "Tensor.take",
                     "Tensor.type_as"], _DOC_WRONG),
    **dict.fromkeys(["Tensor.random_", "Tensor.uniform_"], _FROM),
    "torch.full_like": ("PyTorch's docstring and testing overrides list out=; its parser refuses "
                        "it (checked by calling)"),
    **dict.fromkeys(["torch.relu", "torch.rrelu", "torch.threshold"],
                    "PyTorch's testing overrides list inplace=; torch.relu & co refuse it (checked "
                    "by calling; nn.functional's forms take it)"),
}
