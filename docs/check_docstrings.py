"""List minigrad's public classes, functions and methods that have no docstring (or no example).

    python docs/check_docstrings.py              # the names without a docstring, by module
    python docs/check_docstrings.py --examples   # also those whose docstring shows no example
    python docs/check_docstrings.py --json PATH  # everything as JSON

"Public" means: reachable from ``minigrad`` and its public submodules (the names a user would
type: ``minigrad.zeros``, ``minigrad.nn.Linear``, ``minigrad.Tensor.backward`` ...), not starting
with an underscore, and defined in minigrad itself (names re-exported from Python or numpy are
skipped). A method counts as documented if it, or the method it overrides, has a docstring
(``inspect.getdoc``), as in Python's ``help()``. An object reachable under several names is
reported once, under the first name found.
"""
import argparse
import importlib
import inspect
import json
import sys

MODULES = [
    "minigrad", "minigrad.nn", "minigrad.nn.functional", "minigrad.nn.init", "minigrad.nn.utils",
    "minigrad.optim", "minigrad.optim.lr_scheduler", "minigrad.optim.swa_utils", "minigrad.autograd",
    "minigrad.optim.optimizer", "minigrad.utils.data",
    "minigrad.datasets", "minigrad.random", "minigrad.parallel", "minigrad.serialization", "minigrad.cuda",
    "minigrad.backends", "minigrad.linalg", "minigrad.utils.hooks", "minigrad.safetensors",
    "minigrad.accelerator",
]


def public_names(module):
    """The module's ``__all__``, or its names without a leading underscore."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in dir(module) if not n.startswith("_")]
    return [n for n in names if not n.startswith("_")]


def ours(obj):
    """True if ``obj`` is defined in minigrad (not re-exported from Python or numpy)."""
    return (getattr(obj, "__module__", None) or "").startswith("minigrad")


def walk():
    """Yield (qualified name, kind, object) for every public callable, once per object."""
    seen = set()
    for modname in MODULES:
        try:
            module = importlib.import_module(modname)
        except ImportError:
            continue
        for name in public_names(module):
            obj = getattr(module, name, None)
            if obj is None or inspect.ismodule(obj) or not ours(obj) or id(obj) in seen:
                continue
            if inspect.isclass(obj):
                seen.add(id(obj))
                yield f"{modname}.{name}", "class", obj
                for attr, member in vars(obj).items():
                    if attr.startswith("_") and attr != "__init__" or attr == "__init__":
                        continue
                    if isinstance(member, (staticmethod, classmethod)):
                        member = member.__func__
                    if isinstance(member, property):
                        kind = "property"
                    elif inspect.isfunction(member):
                        kind = "method"
                    else:
                        continue
                    if id(member) in seen:
                        continue
                    seen.add(id(member))
                    yield f"{modname}.{name}.{attr}", kind, (obj, attr)
            elif callable(obj):
                seen.add(id(obj))
                yield f"{modname}.{name}", "function", obj


def docstring(kind, obj):
    """The docstring ``help()`` would show (inherited for methods), or None."""
    if kind in ("method", "property"):
        cls, attr = obj
        return inspect.getdoc(getattr(cls, attr, None)) if kind == "method" else inspect.getdoc(vars(cls)[attr])
    return inspect.getdoc(obj) if kind == "function" else obj.__doc__


def main(argv=None):
    """Print the lists; returns 0."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--examples", action="store_true", help="also list docstrings without an example")
    ap.add_argument("--json", metavar="PATH", help="write the lists as JSON")
    args = ap.parse_args(argv)
    missing, no_example, total = [], [], 0
    for qualname, kind, obj in walk():
        total += 1
        doc = docstring(kind, obj)
        if not doc or not doc.strip():
            missing.append((qualname, kind))
        elif kind in ("class", "function") and "example" not in doc.lower() and ">>>" not in doc:
            no_example.append((qualname, kind))
    print(f"{total} public objects; {len(missing)} without a docstring; "
          f"{len(no_example)} classes/functions whose docstring has no example")
    print("\nwithout a docstring:")
    for qualname, kind in missing:
        print(f"  {kind:9} {qualname}")
    if args.examples:
        print("\nclasses and functions whose docstring has no example:")
        for qualname, kind in no_example:
            print(f"  {kind:9} {qualname}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(total=total, missing=missing, no_example=no_example), f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
