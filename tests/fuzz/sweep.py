"""The sweep's cases: one op (namespace, name), one input layout, one dtype; each case is the
programs of every template of every kind of the op (see ``catalog``)."""
import re
import zlib

import numpy as np

from . import catalog
from .layouts import DTYPES, LAYOUTS, base_and_view, layout_applies, random_values
from .programs import Program

# layouts where introspection of the memory layout itself differs by construction: torch's
# "flipped" input is a copy (torch has no negative strides)
LAYOUT_SENSITIVE = {"stride", "is_contiguous"}

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _split_first(args):
    """``"x, 0, keepdim=True"`` -> ``("x", "0, keepdim=True")`` (the first top-level argument)."""
    depth = 0
    for i, ch in enumerate(args):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            return args[:i].strip(), args[i + 1:].strip()
    return args.strip(), ""


def call_text(ns, name, template, fields):
    """The expression that calls ``(ns, name)`` with ``template``, or None if the template has no
    form for that namespace. Returns (text, meta)."""
    fn_args, method = template if isinstance(template, tuple) else (template, "")
    meta = fn_args.startswith("meta: ")
    fn_args = fn_args[len("meta: "):] if meta else fn_args
    if fn_args.startswith("nd2: "):  # only for inputs of two dimensions or more
        if int(fields["ndim"]) < 2:
            return None, meta
        fn_args = fn_args[len("nd2: "):]
    fn_args = fn_args.format(**fields)
    if ns == "Tensor":
        if method is None:
            return None, meta
        if method:
            text = method.format(name=name, **fields)
        else:
            first, rest = _split_first(fn_args)
            if not _IDENT.fullmatch(first):
                return None, meta
            text = f"{first}.{name}({rest})"
    else:
        text = f"{catalog.NAMESPACES[ns][1]}{name}({fn_args})"
    return text, meta


def _values_for(kind, dtype, shape, rng, special):
    if special:
        return random_values(shape, dtype, rng, special=True)
    ranges = {"positive": (0.5, 4.0), "prob": (0.05, 0.95), "unit": (0.05, 0.95),
              "nonneg": (0.0, 4.0)}
    if kind.values in ranges:
        low, high = ranges[kind.values]
        if dtype == "int64":
            return rng.integers(int(low) if kind.values != "positive" else 1, int(high) + 3,
                                size=shape).astype(np.int64)
        return random_values(shape, dtype, rng, low=low, high=high)
    return random_values(shape, dtype, rng)


def case_id(ns, name, layout, dtype):
    return f"{ns}.{name}-{layout}-{dtype}"


def _uses_x(template):
    text = template[0] if isinstance(template, tuple) else template
    method = template[1] if isinstance(template, tuple) else None
    return "x" in set(_IDENT.findall(text)) | set(_IDENT.findall(method or ""))


def layouts_for(ns, name):
    """The layouts swept for an op: all of them, but only the three shapes (3-4, 0-d, empty) for
    ops that take no tensor (factories)."""
    kinds = [catalog.KINDS[k] for k in catalog.kinds_of(ns, name)]
    if not any(_uses_x(t) for k in kinds for t in k.templates):
        return ("contig", "0d", "empty")
    if name in LAYOUT_SENSITIVE:
        return tuple(lay for lay in LAYOUTS if lay != "flipped")
    return LAYOUTS


def all_cases():
    """Every (ns, name, layout, dtype) the sweep runs."""
    cases = []
    for ns, name in catalog.public_ops():
        if catalog.not_swept_reason(ns, name) or not catalog.kinds_of(ns, name):
            continue
        for layout in layouts_for(ns, name):
            for dtype in DTYPES:
                cases.append((ns, name, layout, dtype))
    return cases


def programs_for(ns, name, layout, dtype, clone_base=False):
    """The programs of one case: one per applicable template. ``clone_base``: the op's input
    is a view of ``c = b.clone()`` (a non-leaf) for out-of-place ops too."""
    inplace = catalog.is_inplace(name)
    programs = []
    for kind_name in catalog.kinds_of(ns, name):
        kind = catalog.KINDS[kind_name]
        if not layout_applies(layout, kind.shape):
            continue
        base_shape, view, shape = base_and_view(layout, kind.shape)
        fields = catalog.shape_fields(shape)
        fields["dtype"] = dtype
        for ti, template in enumerate(kind.templates):
            text, meta = call_text(ns, name, template, fields)
            if text is None:
                continue
            seed = zlib.crc32(f"{ns}.{name}/{kind_name}/{ti}/{layout}/{dtype}".encode())
            rng = np.random.default_rng(seed)
            inputs = {"b": _values_for(kind, dtype, base_shape, rng, layout == "special")}
            used = set(_IDENT.findall(text))
            no_grad = []
            for extra, make in catalog.EXTRAS.items():
                if extra in used:
                    inputs[extra] = np.asarray(make(shape, dtype, rng))
                    if extra in catalog.NO_GRAD_EXTRAS:
                        no_grad.append(extra)
            if inplace or clone_base:
                lines = ["c = b.clone()", "x = " + view.format(b="c")]
            else:
                lines = ["x = " + view.format(b="b")]
            statement = "=" in text.split("(")[0] and "==" not in text.split("(")[0]
            if meta:
                lines.append(f"r = _meta({text})")
            elif statement:  # x[...] = value
                lines += [text, "r = x"]
            else:
                lines.append(f"r = {text}")
            outputs = ["r"]
            checks = []
            backward_from = None
            if inplace and not meta and layout != "flipped":
                # the written tensor; torch's flipped input is a copy, which writes don't reach.
                # The gradient goes back from c alone, which holds what was written.
                outputs.append("c")
                backward_from = ["c"]
            if not inplace:
                checks.append("x")  # an out-of-place op leaves its input alone
            programs.append(Program(inputs=inputs, lines=lines, outputs=outputs, checks=checks,
                                    no_grad=tuple(no_grad), grad_seed=seed,
                                    backward_from=backward_from))
    return programs


class KnownDefect(AssertionError):
    """A case fails only in ways a ``known.DEFECTS`` rule explains (an expected failure)."""


def run_case(ns, name, layout, dtype):
    """Run a case: (unexplained differences as printable reports, names of the defect rules
    that explain the others)."""
    from . import known
    from .programs import differences

    unexplained, defects = [], set()
    cid = case_id(ns, name, layout, dtype)
    for program in programs_for(ns, name, layout, dtype):
        found = differences(program)
        for message, rule in zip(found, known.explain_all(cid, found, program.lines[-1])):
            if rule is None:
                unexplained.append(f"{message}\n--- program:\n{program.source()}")
            elif rule in known.DEFECTS:
                defects.add(rule.name)
    return unexplained, defects
