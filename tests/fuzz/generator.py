"""Random programs for the differential fuzzer: chains of ops over random inputs.

``generate(seed)`` makes a ``Program`` from a seed (the same seed, the same program):

* 1 to 3 input leaves with random shapes (0-d, empty, broadcastable ones), dtypes (float32,
  float64, int64, bool), layouts (contiguous, transposed, strided, flipped, expanded) and values
  (some with NaN, +-inf, -0.0, denormals, the largest finite value);
* 1 to 7 steps, each an op of the sweep's catalog (any namespace and form, in-place ones
  included) called with one of its argument templates, on a value computed so far (and other
  values or fresh inputs as its further operands). The steps are chosen by running torch as the
  program grows: a step torch refuses is usually dropped, sometimes kept as the program's last
  line (then minigrad must raise the same exception type);
* the outputs are every step's result; the gradient is sent back from the results no later
  step uses.

``check(seed)`` runs a program on both libraries. A difference is attributed to the first step
whose result (or gradient) differs, by running the program cut after each step; it is known if a
rule of ``known`` explains it for that step's op (as the sweep would), else it is a finding,
reported with the seed, the program and the shortest prefix that shows it.
"""
import re
import warnings
from dataclasses import dataclass

import numpy as np

import torch

from . import catalog, known
from .layouts import FLOATS, base_and_view, layout_applies, random_values
from .programs import Program, differences, namespace
from .sweep import LAYOUT_SENSITIVE, call_text

SHAPES = [(), (), (0,), (1,), (3,), (4,), (2, 3), (3, 1), (1, 3), (2, 0), (3, 4), (2, 3, 4),
          (3, 1, 4), (1, 1)]
DTYPE_WEIGHTS = {"float32": 0.4, "float64": 0.3, "int64": 0.15, "bool": 0.15}
LAYOUT_WEIGHTS = {"contig": 0.4, "T": 0.15, "strided": 0.15, "flipped": 0.15, "expanded": 0.15}
# ops the fuzzer leaves out, and why
EXCLUDED = {
    "unfold": "returns a copy (documented), so an in-place write on its result diverges by design",
}
OPERAND_EXTRAS = {"y", "yb", "y0", "yf64", "yf32", "yi", "ybool", "yt", "yexp"}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _ops():
    """(ns, name, kind, template) of every call the fuzzer may make: the sweep's templates
    that compare values (not the random ``meta:`` ones) and use ``x``."""
    out = []
    for ns, name in catalog.public_ops():
        if catalog.not_swept_reason(ns, name):
            continue
        for kind_name in catalog.kinds_of(ns, name):
            if kind_name == "cuda":
                continue
            for template in catalog.KINDS[kind_name].templates:
                text = template[0] if isinstance(template, tuple) else template
                method = template[1] if isinstance(template, tuple) else None
                if text.startswith("meta: "):
                    continue
                used = set(_IDENT.findall(text)) | set(_IDENT.findall(method or ""))
                if "x" not in used:
                    continue
                out.append((ns, name, kind_name, template))
    return out


OPS = _ops()


def _pick(rng, weights):
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[rng.choice(len(keys), p=p / p.sum())]


def _input(rng, name):
    """(leaf array, view expression of the leaf ``name``, layout)."""
    dtype = _pick(rng, DTYPE_WEIGHTS)
    shape = SHAPES[rng.integers(len(SHAPES))]
    layouts = [lay for lay in LAYOUT_WEIGHTS if layout_applies(lay, shape)]
    layout = _pick(rng, {lay: LAYOUT_WEIGHTS[lay] for lay in layouts})
    base_shape, view, _ = base_and_view(layout, shape)
    arr = random_values(base_shape, dtype, rng)
    if rng.random() < 0.35 and arr.size:
        specials = random_values(base_shape, dtype, rng, special=True)
        mask = rng.random(base_shape) < 0.3
        arr = np.where(mask, specials, arr).astype(dtype)
    return arr, view.format(b=name), layout


@dataclass
class Step:
    ns: str
    name: str
    x: str       # the pool value the op was applied to
    layout: str  # the layout of the program's inputs it came from (as the sweep names them)
    line: str


def _torch_value(scope, expr):
    return eval(expr, scope)  # noqa: S307 - the generator's own expressions


def generate(seed, max_steps=7):
    """The program for ``seed`` and its steps (for attributing differences)."""
    rng = np.random.default_rng(seed)
    inputs, lines, steps = {}, [], []
    scope = namespace(torch)
    pool = []  # (expression, layout of origin)
    special = flipped = False
    for i in range(int(rng.integers(1, 4))):
        arr, view, layout = _input(rng, f"a{i}")
        flipped = flipped or layout == "flipped"
        inputs[f"a{i}"] = arr
        special = special or (arr.dtype.kind == "f" and not np.all(np.isfinite(arr)))
        t = torch.tensor(arr)
        if arr.dtype.kind == "f":
            t.requires_grad_()
        scope[f"a{i}"] = t
        lines.append(f"v{i} = {view}")
        exec(lines[-1], scope)  # noqa: S102
        pool.append((f"v{i}", layout))
    used = set()
    n_steps = int(rng.integers(1, max_steps + 1))
    extra_count = 0
    for _ in range(n_steps):
        k = len(steps)
        for _attempt in range(6):
            ns, name, kind_name, template = OPS[rng.integers(len(OPS))]
            x_expr, layout = pool[rng.integers(len(pool))]
            x = _torch_value(scope, x_expr)
            if not isinstance(x, torch.Tensor):
                continue
            dtype = str(x.dtype).rsplit(".", 1)[-1]
            if dtype not in DTYPE_WEIGHTS:
                continue
            shape = tuple(x.shape)
            fields = catalog.shape_fields(shape)
            fields["dtype"] = dtype
            text, meta = call_text(ns, name, template, fields)
            if text is None or meta or name in LAYOUT_SENSITIVE or name in EXCLUDED:
                continue
            if flipped and (catalog.is_inplace(name) or "=" in text.split("(")[0]):
                # torch's flip0 is a copy, minigrad's a view: a later in-place write through
                # a view of either would diverge by construction, not by a defect
                continue
            # bind the template's names: x, and its further operands (pool values or new inputs)
            new_inputs, binding = {}, {"x": x_expr}
            for extra in sorted(set(_IDENT.findall(text)) & set(catalog.EXTRAS)):
                if extra in OPERAND_EXTRAS and rng.random() < 0.5 and len(pool) > 1:
                    binding[extra] = pool[rng.integers(len(pool))][0]
                else:
                    extra_count += 1
                    arr = np.asarray(catalog.EXTRAS[extra](shape, dtype, rng))
                    new_inputs[f"e{extra_count}"] = (arr, extra in catalog.NO_GRAD_EXTRAS)
                    binding[extra] = f"e{extra_count}"
            call = _IDENT.sub(lambda m: binding.get(m.group(0), m.group(0)) if m.group(0) in binding
                              else m.group(0), text)
            statement = "=" in call.split("(")[0] and "==" not in call.split("(")[0]
            line = f"{call}; s{k} = {binding['x']}" if statement else f"s{k} = {call}"
            for nm, (arr, _) in new_inputs.items():
                t = torch.tensor(arr)
                if arr.dtype.kind == "f" and not new_inputs[nm][1]:
                    t.requires_grad_()
                scope[nm] = t
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    exec(line, scope)  # noqa: S102
                ok = True
            except Exception:  # noqa: BLE001 - torch refused: usually try another step
                ok = False
            if not ok and rng.random() > 0.15:
                continue
            for nm, (arr, no_grad) in new_inputs.items():
                inputs[nm] = arr
            no_grad_names = [nm for nm, (_, ng) in new_inputs.items() if ng]
            lines.append(line)
            steps.append(Step(ns, name, x_expr, "special" if special else layout, line))
            used.update(v for v in binding.values())
            inputs.setdefault("_no_grad", [])
            inputs["_no_grad"] += no_grad_names
            if not ok:
                return _program(inputs, lines, steps, used, seed), steps
            value = scope[f"s{k}"]
            if isinstance(value, torch.Tensor):
                pool.append((f"s{k}", layout))
            elif isinstance(value, (tuple, list)):
                for j, item in enumerate(value[:3]):
                    if isinstance(item, torch.Tensor):
                        pool.append((f"s{k}[{j}]", layout))
            break
    return _program(inputs, lines, steps, used, seed), steps


def _program(inputs, lines, steps, used, seed):
    no_grad = tuple(inputs.pop("_no_grad", []))
    outputs = [f"s{k}" for k in range(len(steps))]
    sinks = [o for o in outputs if o not in used and not any(u.startswith(o + "[") for u in used)]
    return Program(inputs=inputs, lines=lines, outputs=outputs, backward_from=sinks,
                   no_grad=no_grad, grad_seed=seed)


# ------------------------------------------------------------------ checking a program
@dataclass
class Finding:
    seed: int
    program: Program
    prefix: Program  # the shortest prefix that shows the difference
    step: Step
    differences: list
    explained: list  # the rules that explain each difference (None: unexplained)

    @property
    def unexplained(self):
        return [d for d, r in zip(self.differences, self.explained) if r is None]

    def report(self):
        return (f"fuzz seed {self.seed}: {len(self.unexplained)} unexplained difference(s) at step "
                f"`{self.step.line}`:\n  " + "\n  ".join(self.unexplained)
                + "\n--- shortest program showing it:\n" + self.prefix.source()
                + "\n--- whole program:\n" + self.program.source())


def _prefix(program, steps, k):
    """The program cut after step ``k`` (its result the only output)."""
    n_inputs = len(program.lines) - len(steps)
    lines = program.lines[:n_inputs + k + 1]
    return Program(inputs=program.inputs, lines=lines, outputs=[f"s{k}"],
                   no_grad=program.no_grad, grad_seed=program.grad_seed)


def _only_gradients(found):
    return all(d.startswith(("grad of", "backward:")) for d in found)


def _one_root(program, upstream):
    """The program with its several backward roots summed into one loss (each root times its
    upstream gradient, which become inputs): the same gradients, from a single root."""
    from .programs import dtype_name, run, upstream_gradient, _grad_outputs

    result = run(torch, program)
    rng = np.random.default_rng(program.grad_seed)
    inputs, terms = dict(program.inputs), []
    for name in program.backward_from:
        if name not in result.scope:
            continue
        for path, t in _grad_outputs(result.scope[name]):
            g = f"g{len(terms)}"
            inputs[g] = upstream_gradient(tuple(t.shape), dtype_name(t.dtype), rng, upstream)
            terms.append(f"({name}{''.join(f'[{i}]' for i in path)} * {g}).sum()")
    lines = program.lines + ["_loss = " + (" + ".join(terms) if terms else "0")]
    no_grad = tuple(program.no_grad) + tuple(n for n in inputs if n.startswith("g"))
    return Program(inputs=inputs, lines=lines, outputs=[], backward_from=["_loss"],
                   no_grad=no_grad, grad_seed=program.grad_seed)


def _program_case_id(program, upstream):
    """The case id of a difference no single step shows: "fuzzer-special-" when the program
    computes special values (so that the special-values rule may explain it)."""
    from .programs import run

    result = run(torch, program)
    special = upstream == "special" or any(
        isinstance(v, torch.Tensor) and v.numel() and _has_special_values(v)
        for value in list(result.scope.values())
        for v in (value if isinstance(value, (tuple, list)) else [value]))
    return "fuzzer-special-" if special else "fuzzer"


def _has_special_values(t):
    a = t.detach().numpy()
    if a.dtype.kind == "f":
        fi = np.finfo(a.dtype)
        with np.errstate(invalid="ignore"):
            return bool(np.any(~np.isfinite(a) | (np.abs(a) < np.sqrt(fi.tiny))
                               | (np.abs(a) > np.sqrt(fi.max))))
    if a.dtype.kind in "iu":
        return bool(np.any(np.abs(a.astype(np.float64)) > 2.0 ** 31))
    return False


def _case_id(step, prefix, upstream):
    """The sweep's case id for the step's op (its input's dtype from a torch run of the
    program up to that step), so that the sweep's rules apply."""
    from .programs import run

    result = run(torch, Program(inputs=prefix.inputs, lines=prefix.lines[:-1], outputs=[],
                                no_grad=prefix.no_grad))
    layout = "special" if upstream == "special" else step.layout
    try:
        x = eval(step.x, result.scope)  # noqa: S307 - the generator's own expression
        dtype = str(x.dtype).rsplit(".", 1)[-1]
    except Exception:  # noqa: BLE001 - the input itself failed: no dtype to name
        dtype = "float32"
    # any value of the program so far with the sweep's special values (NaN, inf, zeros, values
    # whose squares underflow or overflow, integers past 2**31) makes the step's case "special"
    # (its differences may come from those values flowing into this step or its gradient)
    for value in list(result.scope.values()):
        values = value if isinstance(value, (tuple, list)) else [value]
        for v in values:
            if isinstance(v, torch.Tensor) and v.numel() and _has_special_values(v):
                layout = "special"
    return f"{step.ns}.{step.name}-{layout}-{dtype}"


def check(seed, upstream=None):
    """None if the program of ``seed`` runs the same on both libraries, else a ``Finding``."""
    program, steps = generate(seed)
    if upstream is None:
        upstream = "special" if seed % 5 == 0 else "normal"
    found = differences(program, upstream=upstream)
    if not found:
        return None
    step, prefix, local = None, program, found
    for k in range(len(steps)):
        candidate = _prefix(program, steps, k)
        local_found = differences(candidate, upstream=upstream)
        if local_found:
            step, prefix, local = steps[k], candidate, local_found
            break
    if step is None:  # no step's result alone differs: the roots together do
        if _only_gradients(found) and len(program.backward_from or ()) > 1 \
                and not differences(_one_root(program, upstream), upstream=upstream):
            explained = [known.DEPENDENT_ROOTS] * len(found)
        else:
            explained = known.explain_all(_program_case_id(program, upstream), found)
        return Finding(seed, program, program, Step("?", "?", "?", "?", "?"), found, explained)
    cid = _case_id(step, prefix, upstream)
    explained = known.explain_all(cid, local, step.line)
    return Finding(seed, program, prefix, step, local, explained)
