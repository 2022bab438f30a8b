"""How many lines each layer of minigrad has, and how many the reading path has: a report to
watch (``.ci/run`` prints it), not a limit.

    python docs/lines.py            # layers, then the reading path
    python docs/lines.py --files    # also every file, by layer

"code" counts the lines that are not blank, not comments and not docstrings.

The layers (``LAYERS``, which tests/test_import_layers.py also checks: each imports only the ones
below it) and the reading path (``READING_PATH``: the code that one training step of
``examples/train_mlp.py`` runs, which docs/training_step.md follows) are defined here.
"""
import argparse
import ast
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (layer, the modules in it: a name stands for itself and its submodules), bottom first
LAYERS = [
    ("tensor and graph", ["minigrad._ops", "minigrad._version", "minigrad._dtype", "minigrad._device",
                          "minigrad.random", "minigrad.parallel", "minigrad._tensor_str",
                          "minigrad.tensor", "minigrad.autograd", "minigrad.utils.hooks",
                          "minigrad.cuda", "minigrad.backends", "minigrad.accelerator"]),
    ("ops", ["minigrad.creation", "minigrad.ops", "minigrad.linalg"]),
    ("nn", ["minigrad.nn"]),
    ("optim and data", ["minigrad.optim", "minigrad.utils.data", "minigrad.datasets",
                        "minigrad.serialization", "minigrad._serialization", "minigrad.safetensors",
                        "minigrad.profiler"]),
    ("package", ["minigrad", "minigrad.__main__"]),
]
# ``minigrad.utils`` (the package's __init__) imports only ``hooks``, which the engine and
# nn.Module use: it is in the bottom layer, below its submodule ``data``.
PACKAGE_INITS_IN_LAYER = {"minigrad.utils": "tensor and graph"}

# The code one training step runs (docs/training_step.md): Python (file, names; "Class.method"
# for a method, a class name for the whole class), then the kernels: the Cython wrappers, and the
# C functions and macros found by name anywhere in minigrad/csrc/.
READING_PATH = [
    ("minigrad/tensor.py", ["_wrap", "Tensor", "_autograd"]),
    ("minigrad/ops/tensor_methods.py", ["_operator", "install"]),
    ("minigrad/autograd/function.py", ["Node", "Op", "_record"]),
    ("minigrad/autograd/engine.py", ["backward", "_run", "_count_dependencies", "_start",
                                     "_root_grads"]),
    ("minigrad/autograd/sinks.py", ["accumulate", "LeafSink"]),
    ("minigrad/autograd/grad_mode.py", ["_GradState", "no_grad"]),
    ("minigrad/ops/linalg.py", ["Affine", "affine"]),
    ("minigrad/ops/activation.py", ["Relu", "relu"]),
    ("minigrad/ops/dropout.py", ["Dropout", "dropout"]),
    ("minigrad/ops/loss.py", ["to_rows", "_log_softmax_rows", "_reduce", "_row_coefficients",
                              "CrossEntropyIndex"]),
    ("minigrad/ops/reduction.py", ["_expand_back", "_add_reduce", "Sum", "Mean", "sum", "mean"]),
    ("minigrad/nn/modules/module.py", ["Module.__init__", "Module.__setattr__", "Module.__getattr__",
                                       "Module.__call__", "Module.named_parameters",
                                       "Module.parameters", "Module.train", "Module.eval"]),
    ("minigrad/nn/modules/container.py", ["Sequential.__init__", "Sequential.forward"]),
    ("minigrad/nn/modules/linear.py", ["Linear"]),
    ("minigrad/nn/modules/activation.py", ["ReLU"]),
    ("minigrad/nn/modules/dropout.py", ["_DropoutNd", "Dropout"]),
    ("minigrad/nn/modules/loss.py", ["_Loss", "_WeightedLoss", "CrossEntropyLoss"]),
    ("minigrad/nn/functional.py", ["linear", "relu", "dropout"]),
    ("minigrad/nn/_arg_checks.py", ["is_layer_case"]),
    ("minigrad/nn/_functional_loss.py", ["cross_entropy"]),
    ("minigrad/nn/parameter.py", ["Parameter"]),
    ("minigrad/optim/optimizer.py", ["Optimizer.__init__", "Optimizer.add_param_group",
                                     "Optimizer.zero_grad"]),
    ("minigrad/optim/sgd.py", ["SGD"]),
    ("minigrad/_ops_gemm.pxi", ["matmul", "sum_rows", "linear_forward", "linear_backward"]),
    ("minigrad/_ops_elementwise.pxi", ["relu_forward", "relu_backward"]),
    ("minigrad/_ops_dropout.pxi", ["dropout_forward", "dropout_backward"]),
    ("minigrad/_ops_optim.pxi", ["sgd_step"]),
    # the C kernels: GEMM (packing, micro-kernels, macro-kernel, the parallel plan), column sums,
    # ReLU, dropout (and the Philox generator it draws from)
    ("minigrad/csrc", [r"mg_ukr_f32\w*", r"mg_pack_\w+", r"mg_macro_kernel", r"mg_step_geometry",
                       r"mg_choose_grid", r"mg_gemm\w*", r"MG_DEFINE_GENERIC_UKR",
                       r"MG__DEFINE_SUM_ROWS", r"mg\w*relu\w*", r"MG\w*RELU\w*",
                       r"mg\w*dropout\w*", r"MG\w*DROPOUT\w*", r"mg_philox\w*", r"mg__gen\w*",
                       r"mg__block\w*", r"mg__blocks", r"mg_sgd\w*"]),
]


# ------------------------------------------------------------------ counting
def _docstring_lines(tree):
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                lines.update(range(body[0].lineno, body[0].end_lineno + 1))
    return lines


def _code_lines(path, text):
    """The numbers (from 1) of the lines that are code: not blank, comment or docstring."""
    lines = text.split("\n")
    if path.endswith(".py"):
        try:
            skip = _docstring_lines(ast.parse(text))
        except SyntaxError:
            skip = set()
        return {i for i, line in enumerate(lines, 1)
                if line.strip() and not line.strip().startswith("#") and i not in skip}
    if path.endswith((".pyx", ".pxi")):  # Cython: # comments, docstrings as in Python
        code, in_doc = set(), None
        for i, line in enumerate(lines, 1):
            s = line.strip()
            if in_doc:
                if in_doc in s:
                    in_doc = None
                continue
            if s.startswith(('"""', "'''")):
                quote = s[:3]
                if s.count(quote) == 1:
                    in_doc = quote
                continue
            if s and not s.startswith("#"):
                code.add(i)
        return code
    code, in_comment = set(), False  # C: /* */ and // comments
    for i, line in enumerate(lines, 1):
        rest, has_code = line, False
        while rest:
            if in_comment:
                end = rest.find("*/")
                if end < 0:
                    rest = ""
                else:
                    rest, in_comment = rest[end + 2:], False
                continue
            start = rest.find("/*")
            line_comment = rest.find("//")
            if line_comment >= 0 and (start < 0 or line_comment < start):
                has_code |= bool(rest[:line_comment].strip())
                break
            if start < 0:
                has_code |= bool(rest.strip())
                break
            has_code |= bool(rest[:start].strip())
            rest, in_comment = rest[start + 2:], True
        if has_code:
            code.add(i)
    return code


def count(path, spans=None):
    """(lines, code lines) of a file, or of the given (first, last) line spans in it."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        text = f.read()
    code = _code_lines(path, text)
    if spans is None:
        return text.count("\n") + (not text.endswith("\n")), len(code)
    wanted = set()
    for first, last in spans:
        wanted.update(range(first, last + 1))
    return len(wanted), len(code & wanted)


# ------------------------------------------------------------------ finding definitions
def _python_span(tree, name):
    """(first, last) line of ``name`` (``f``, ``Class`` or ``Class.method``) in a module."""
    scope = tree.body
    node = None
    for part in name.split("."):
        node = next((n for n in scope if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                     and n.name == part), None)
        if node is None:
            return None
        scope = node.body
    first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
    return first, node.end_lineno


def _cython_span(lines, name):
    """A ``def``/``cdef`` function of a .pyx/.pxi file: its line and the indented lines after it."""
    pattern = re.compile(rf"^(c?p?def)\s[^(]*?\b{re.escape(name)}\s*\(")
    for i, line in enumerate(lines):
        if pattern.match(line):
            last = i
            for j in range(i + 1, len(lines)):
                if lines[j].strip() and not lines[j].startswith((" ", "\t")):
                    break
                if lines[j].strip():
                    last = j
            return i + 1, last + 1
    return None


def _c_spans(lines, pattern):
    """The C functions and macros whose name matches ``pattern``: (first, last) line each."""
    spans = []
    macro = re.compile(rf"^\s*#\s*define\s+({pattern})\b")
    function = re.compile(rf"^[A-Za-z_][\w \t\*]*?\b({pattern})\s*\(")
    i = 0
    while i < len(lines):
        line = lines[i]
        if macro.match(line):
            j = i
            while lines[j].rstrip().endswith("\\") and j + 1 < len(lines):
                j += 1
            spans.append((i + 1, j + 1))
            i = j + 1
            continue
        if function.match(line) and not line.rstrip().endswith(";") and not line.lstrip().startswith(("return", "if", "else")):
            depth, opened, j = 0, False, i
            while j < len(lines):
                depth += lines[j].count("{") - lines[j].count("}")
                opened |= "{" in lines[j]
                if opened and depth <= 0:
                    break
                if not opened and lines[j].rstrip().endswith(";"):
                    break  # a declaration
                j += 1
            if opened:
                spans.append((i + 1, j + 1))
                i = j + 1
                continue
        i += 1
    return spans


def reading_path():
    """[(file, names, lines, code, missing names)] for the entries of READING_PATH."""
    out = []
    for path, names in READING_PATH:
        if path == "minigrad/csrc":
            for header in sorted(glob.glob(os.path.join(ROOT, path, "*.h"))):
                rel = os.path.relpath(header, ROOT)
                with open(header, encoding="utf-8") as f:
                    lines = f.read().split("\n")
                spans = [s for n in names for s in _c_spans(lines, n)]
                if spans:
                    found = sorted({m for n in names for m in re.findall(rf"\b{n}\b", "\n".join(
                        lines[a - 1] for a, _ in spans))})
                    out.append((rel, found, *count(rel, spans), []))
            continue
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            text = f.read()
        if path.endswith(".py"):
            tree = ast.parse(text)
            spans = {n: _python_span(tree, n) for n in names}
        else:
            lines = text.split("\n")
            spans = {n: _cython_span(lines, n) for n in names}
        missing = [n for n, s in spans.items() if s is None]
        out.append((path, names, *count(path, [s for s in spans.values() if s]), missing))
    return out


# ------------------------------------------------------------------ layers
def layer_of(module):
    if module in PACKAGE_INITS_IN_LAYER:
        return [layer for layer, _ in LAYERS].index(PACKAGE_INITS_IN_LAYER[module])
    best, best_len = None, -1
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best_len:
                best, best_len = i, len(p)
    return best


def python_files():
    """{module name: path relative to the root} of the package's Python modules."""
    out = {}
    for folder, _, files in os.walk(os.path.join(ROOT, "minigrad")):
        for f in sorted(files):
            if f.endswith(".py"):
                rel = os.path.relpath(os.path.join(folder, f), ROOT)
                name = rel[:-3].replace(os.sep, ".")
                out[name[:-len(".__init__")] if name.endswith(".__init__") else name] = rel
    return out


def kernel_files():
    return sorted(os.path.relpath(p, ROOT) for p in
                  glob.glob(os.path.join(ROOT, "minigrad", "_ops*.py[xi]"))
                  + glob.glob(os.path.join(ROOT, "minigrad", "*.pxd"))
                  + glob.glob(os.path.join(ROOT, "minigrad", "csrc", "*.[ch]")))


def by_layer():
    """[(layer, [(file, lines, code)])], the Python layers bottom first, then the kernels."""
    groups = [(name, []) for name, _ in LAYERS] + [("kernels (Cython and C)", [])]
    for module, path in sorted(python_files().items(), key=lambda kv: kv[1]):
        layer = layer_of(module)
        groups[len(LAYERS) if layer is None else layer][1].append((path, *count(path)))
    groups[-1][1].extend((path, *count(path)) for path in kernel_files())
    return groups


def report(files=False):
    rows = ["minigrad, lines by layer (code: not blank, comment or docstring)",
            f"  {'layer':<28}{'files':>6}{'lines':>8}{'code':>8}"]
    total = [0, 0, 0]
    for layer, entries in by_layer():
        lines, code = sum(e[1] for e in entries), sum(e[2] for e in entries)
        rows.append(f"  {layer:<28}{len(entries):>6}{lines:>8}{code:>8}")
        total = [total[0] + len(entries), total[1] + lines, total[2] + code]
        if files:
            rows += [f"      {path:<46}{n:>8}{c:>8}" for path, n, c in entries]
    rows.append(f"  {'all':<28}{total[0]:>6}{total[1]:>8}{total[2]:>8}")
    rows += ["", "the reading path (one training step of examples/train_mlp.py, docs/training_step.md)",
             f"  {'file':<34}{'lines':>8}{'code':>8}  definitions"]
    lines = code = 0
    problems = []
    for path, names, n, c, missing in reading_path():
        shown = ", ".join(names) if len(", ".join(names)) < 60 else ", ".join(names)[:57] + "..."
        rows.append(f"  {path:<34}{n:>8}{c:>8}  {shown}")
        lines, code = lines + n, code + c
        problems += [f"{path}: {m}" for m in missing]
    rows.append(f"  {'all':<34}{lines:>8}{code:>8}")
    if problems:
        rows.append("  not found (update READING_PATH in docs/lines.py): " + "; ".join(problems))
    return "\n".join(rows), problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", action="store_true", help="list every file under its layer")
    args = parser.parse_args(argv)
    text, problems = report(args.files)
    print(text)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
