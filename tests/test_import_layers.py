"""The package's layers import downward only, and no modules import each other in a circle.

The layers, from the bottom (``LAYERS``, in docs/lines.py): the tensor and its graph (dtypes, ``Tensor``, autograd's
nodes, engine and grad modes); the ops (and the factories that make tensors); ``nn``; ``optim``
and the data utilities; the package itself (``minigrad/__init__.py``), which imports them all.

Checked two ways: statically, from the import statements each module runs when it is imported
(its top-level statements, not the bodies of its functions), as a graph that must have no cycle
and no edge to a higher layer; and by importing each layer in a fresh interpreter without the
package's ``__init__`` (which would import everything) and checking what got loaded.
"""
import ast
import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "minigrad")

# the layers (bottom first) are defined once, in docs/lines.py, which reports their sizes
_spec = importlib.util.spec_from_file_location("lines", os.path.join(ROOT, "docs", "lines.py"))
lines = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lines)
LAYERS = lines.LAYERS
layer_of = lines.layer_of

# Circles this branch does not own, each with its reason; the test below fails when one is gone,
# so that its entry is removed.
KNOWN_CYCLES = []  # a circle that must stay gets an entry here, with its reason


def _modules():
    """{module name: path} for every module of the package, and the compiled ``_ops``."""
    mods = {"minigrad._ops": None}
    for folder, _, files in os.walk(PACKAGE):
        for f in files:
            if f.endswith(".py"):
                path = os.path.join(folder, f)
                name = os.path.relpath(path[:-3], ROOT).replace(os.sep, ".")
                mods[name[:-len(".__init__")] if name.endswith(".__init__") else name] = path
    return mods


MODULES = _modules()


def _is_package(name):
    path = MODULES.get(name)
    return path is not None and path.endswith("__init__.py")


def _top_level_imports(tree):
    """The import statements a module runs when imported: those outside functions and classes
    (including those under a module-level ``if`` or ``try``)."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


def _imported(name, node):
    """The minigrad modules an import statement in module ``name`` loads: its target and, for
    ``from pkg import sub``, the submodule; plus the ``__init__`` of every package on the way
    that is not one of ``name``'s own (those are loaded already when ``name`` runs)."""
    targets = []
    if isinstance(node, ast.Import):
        targets = [a.name for a in node.names]
    else:
        if node.level:
            parts = name.split(".") if _is_package(name) else name.split(".")[:-1]
            parts = parts[:len(parts) - (node.level - 1)]
            base = ".".join(parts + ([node.module] if node.module else []))
        else:
            base = node.module
        for a in node.names:
            sub = f"{base}.{a.name}"
            targets.append(sub if sub in MODULES else base)
    out = set()
    for target in targets:
        if target.split(".")[0] != "minigrad":
            continue
        parts = target.split(".")
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            if prefix in MODULES and not (name == prefix or name.startswith(prefix + ".")):
                out.add(prefix)
    return out


def import_graph():
    graph = {}
    for name, path in MODULES.items():
        if path is None:
            graph[name] = set()
            continue
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        graph[name] = set().union(*(_imported(name, n) for n in _top_level_imports(tree))) - {name}
    return graph


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = set()
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.add(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


GRAPH = import_graph()


def test_the_graph_is_the_real_one():
    """The graph has what it must have (so the checks below look at something)."""
    assert len(GRAPH) > 80
    assert "minigrad.tensor" in GRAPH["minigrad.ops.arithmetic"]
    assert "minigrad.autograd.function" in GRAPH["minigrad.ops.arithmetic"]
    assert "minigrad.ops.activation" in GRAPH["minigrad.nn.functional"]
    # a package's __init__ runs when one of its modules is imported from outside it
    assert "minigrad.utils" in GRAPH["minigrad.autograd.hooks"]
    assert "minigrad.autograd" in GRAPH["minigrad.ops.arithmetic"]


def test_the_checker_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_level_import_circle():
    found = [c for c in cycles(GRAPH) if c not in KNOWN_CYCLES]
    assert not found, "modules that import each other in a circle: " + "; ".join(
        " <-> ".join(sorted(c)) for c in found)


def test_known_circles_are_still_there():
    """An entry of KNOWN_CYCLES whose circle is gone must be deleted."""
    present = cycles(GRAPH)
    stale = [c for c in KNOWN_CYCLES if c not in present]
    assert not stale, f"remove from KNOWN_CYCLES: {stale}"


def test_every_module_has_a_layer():
    missing = sorted(n for n in GRAPH if layer_of(n) is None)
    assert not missing, f"modules in no layer (add them to LAYERS): {missing}"


def test_layers_import_downward_only():
    up = sorted(f"{a} ({LAYERS[layer_of(a)][0]}) imports {b} ({LAYERS[layer_of(b)][0]})"
                for a, deps in GRAPH.items() for b in deps if layer_of(b) > layer_of(a))
    assert not up, "\n".join(up)


# ------------------------------------------------------------------ each layer on its own
def _layer_modules(up_to):
    """The modules of the layers up to ``up_to`` (an index), importable by name."""
    return sorted(n for n in GRAPH if n != "minigrad" and layer_of(n) <= up_to
                  and MODULES[n] is not None and not n.endswith("__main__"))


_IMPORT_ALONE = textwrap.dedent("""
    import importlib, json, sys, types
    root = types.ModuleType("minigrad")  # the package without its __init__ (which imports all)
    root.__path__ = [{package!r}]
    sys.modules["minigrad"] = root
    for name in {modules!r}:
        importlib.import_module(name)
    {check}
    print(json.dumps(sorted(m for m in sys.modules if m.startswith("minigrad."))))
""")

_CHECKS = {
    # the core alone: a custom Function's gradient flows through the engine to a leaf
    "tensor and graph": """
    import numpy as np
    from minigrad.tensor import _wrap
    from minigrad.autograd import Function
    class Square(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return _wrap(x.detach().numpy() ** 2)
        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return _wrap(2 * x.detach().numpy() * g.numpy())
    x = _wrap(np.array([1., 2., 3.])).requires_grad_()
    Square.apply(x).backward(_wrap(np.ones(3)))
    assert x.grad.numpy().tolist() == [2., 4., 6.], x.grad
    """,
    # the ops on the core: a tensor's methods and operators, and backward through them
    "ops": """
    from minigrad.creation import tensor
    x = tensor([1., 2., 3.], requires_grad=True)
    ((x * x).sum() + x[0]).backward()
    assert x.grad.tolist() == [3., 4., 6.], x.grad
    """,
    "nn": """
    from minigrad.creation import randn
    from minigrad.nn import Linear, ReLU, Sequential
    Sequential(Linear(3, 2), ReLU())(randn(4, 3)).sum().backward()
    """,
}


@pytest.mark.parametrize("index", range(len(LAYERS) - 1), ids=[name for name, _ in LAYERS[:-1]])
def test_a_layer_imports_and_runs_without_the_layers_above(index):
    layer = LAYERS[index][0]
    modules = _layer_modules(index)
    # the package Python imports (in CI, the installed one, with its compiled kernels; the source
    # tree that the static check reads has no ``_ops`` there)
    package = importlib.util.find_spec("minigrad").submodule_search_locations[0]
    code = _IMPORT_ALONE.format(package=package, modules=modules,
                                check=textwrap.dedent(_CHECKS.get(layer, "")))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    above = [m for m in loaded if layer_of(m) is None or layer_of(m) > index]
    assert not above, f"importing the layer {layer!r} loaded modules of higher layers: {above}"
