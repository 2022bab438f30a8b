"""Check the source references in the study guide (docs/**/*.md).

    python docs/check_references.py          # report broken references; exit 1 if any
    python docs/check_references.py --fix    # also move line anchors to where the name now is

The guide cites code as Markdown links with a line anchor, for example
[`_run`](../minigrad/autograd/engine.py#L144): the file must exist, and the line must be the
definition of the name in the link text (its last dotted part, without "()"): ``def name``,
``class name``, ``name =``, a ``cdef``/``cpdef`` function or declaration, a C function
definition (at the start of a line, not a prototype), a ``#define``, or a C function or struct
made by a ``*DEFINE*(name, ...)`` macro. For ``Owner.name`` where ``Owner`` is a class of that
file, the definition must be inside that class. A mention (a call, a comment) is not enough.
Code moves as minigrad evolves; ``--fix`` moves each anchor to the definition (the first one,
the owner's where there is one), so the guide stays clickable. A name with no definition in the
file is an error that needs a human: the text around it is probably out of date too.

Links without a line anchor need only an existing file.
"""
import argparse
import ast
import glob
import os
import re
import sys

DOCS = os.path.dirname(os.path.abspath(__file__))
LINK = re.compile(r"\[([^\]]+)\]\(([^)#\s]+)(?:#L(\d+))?\)")


def dotted(text):
    """`nn.Module.__call__()` -> ['nn', 'Module', '__call__']."""
    text = text.strip().strip("`").strip()
    text = re.sub(r"\(.*\)$", "", text)
    return [part.strip() for part in re.split(r"[.:]", text) if part.strip()]


def identifier(text):
    """`minigrad.nn.Module.__call__()` -> '__call__'; `_ops.linear_forward` -> 'linear_forward'."""
    return dotted(text)[-1]


def definition_patterns(name):
    """Regular expressions for lines that define ``name`` in Cython or C (and in Python given as
    bare lines), best first."""
    word = re.escape(name)
    return [
        rf"^(?:async\s+)?(?:def|class)\s+{word}\b",                       # module-level def/class
        rf"^\s+(?:async\s+)?(?:def|class)\s+{word}\b",                    # methods, nested
        rf"^\s*c(?:p)?def\s+(?:[\w\[\]\*]+\s+)*\**{word}\s*(?:[(:=\[]|$)",     # cdef function/variable
        rf"^\s*cdef\s+class\s+{word}\b",
        rf"^\s*#\s*define\s+{word}\b",                                     # C macro
        rf"^[A-Za-z_][\w\s\*]*?\b{word}\s*\((?!.*;\s*$)",                    # C function definition
        rf"^\s*[A-Z_][A-Z0-9_]*DEFINE\w*\(\s*{word}\b",                     # made by a DEFINE macro
        rf"^(?:typedef\s+)?struct\s+{word}\b[^;]*$|^\}}\s*{word}\s*;",          # C struct / typedef
        rf"^[A-Za-z_][\w\s\*]*?\b{word}\s*(?:\[[^\]]*\])?\s*=(?!=)",            # C global variable
        rf"^(?:\w+\s*,\s*)*{word}\s*(?:,\s*\w+\s*)*(?::[^=]*)?=(?!=)",         # module-level name =
    ]


def is_definition(line, name):
    """True if ``line`` defines ``name`` (Cython, C, or a bare Python line: see the module
    docstring); comments never do."""
    if is_comment(line) or re.match(r"^\s*(return|if|else|while|for|switch|case)\b", line):
        return False
    return any(re.search(p, line) for p in definition_patterns(name))


def python_definitions(text):
    """{name: [(line, enclosing class or None)]} of a Python module, from its syntax tree:
    functions and classes (at any depth), and names assigned at module level or in a class
    body (``name = ...``, ``a, name = ...``, ``name: T = ...``)."""
    defs = {}

    def visit(body, owner, in_function=False):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
                defs.setdefault(node.name, []).append((node.lineno, owner))
                if first != node.lineno:  # a decorated definition: its decorator line too
                    defs[node.name].append((first, owner))
                if isinstance(node, ast.ClassDef):
                    visit(node.body, node.name)
                else:
                    visit(node.body, owner, in_function=True)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and not in_function:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for t in ast.walk(target):
                        if isinstance(t, ast.Name):
                            defs.setdefault(t.id, []).append((node.lineno, owner))
            elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
                for field in ("body", "orelse", "finalbody"):
                    visit(getattr(node, field, []) or [], owner, in_function)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body, owner, in_function)

    visit(ast.parse(text).body, None)
    return defs


def find_line(lines, name, owner=None, methods_first=False):
    """1-based line of the best definition of ``name`` in ``lines`` (inside the class ``owner``
    when that class is defined there), or None."""
    if owner is not None:
        start = next((i for i, line in enumerate(lines, 1)
                      if re.match(rf"\s*(?:cdef\s+)?class\s+{re.escape(owner)}\b", line)), None)
        if start is not None:
            found = find_line(lines[start:], name, methods_first=True)
            if found is not None and in_class(lines, start + found, owner):
                return start + found
    patterns = definition_patterns(name)
    if methods_first:  # inside a class: its methods before later module-level functions
        patterns[0], patterns[1] = patterns[1], patterns[0]
    for pattern in patterns:
        for i, line in enumerate(lines, 1):
            if is_definition(line, name) and re.search(pattern, line):
                return i
    return None


def _python_lines(defs, name, owner, class_names):
    """The definitions of ``name`` a link may point at (inside ``owner`` when ``owner`` is a
    class of the file), best first: in the owner, then at module level, then the others."""
    found = defs.get(name, [])
    if owner in class_names:
        return [line for line, cls in found if cls == owner]
    return sorted((line for line, cls in found), key=lambda line: (
        next(cls for ln, cls in found if ln == line) is not None, line))


def is_comment(line):
    """True for a comment line of Python/Cython (``# ...``, but not ``#define``) or C (``/* ...``,
    `` * ...``, ``// ...``)."""
    stripped = line.lstrip()
    if stripped.startswith("#"):
        return not re.match(r"#\s*(define|include|if|ifdef|ifndef|endif|else|undef)\b", stripped)
    return stripped.startswith(("/*", "*", "//"))


def in_class(lines, n, owner):
    """False if line n lies inside a Python class other than `owner` (when `owner` is a class
    defined in this file); True otherwise."""
    if owner is None or not any(re.match(rf"\s*class\s+{re.escape(owner)}\b", l) for l in lines):
        return True
    for line in reversed(lines[:n - 1]):
        m = re.match(r"class\s+(\w+)", line)
        if m:
            return m.group(1) == owner
    return False


def check(fix=False):
    """Check every link of every page; with ``fix``, rewrite moved anchors. Returns
    (error messages, number of anchors moved)."""
    errors, fixed = [], 0
    for md in sorted(glob.glob(os.path.join(DOCS, "**", "*.md"), recursive=True)):
        with open(md, encoding="utf-8") as f:
            text = f.read()
        new_text, cache = text, {}

        def replace(m):
            """The checked (or re-anchored) text of one link."""
            nonlocal fixed
            label, target, line = m.group(1), m.group(2), m.group(3)
            if re.match(r"^[a-z]+://", target) or target.startswith("mailto:"):
                return m.group(0)
            path = os.path.normpath(os.path.join(os.path.dirname(md), target))
            where = f"{os.path.relpath(md, DOCS)}: [{label}]({target}{'#L' + line if line else ''})"
            if not os.path.exists(path):
                errors.append(f"{where}: no such file")
                return m.group(0)
            if line is None or os.path.isdir(path):
                return m.group(0)
            if path not in cache:
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                defs = python_definitions(text) if path.endswith(".py") else None
                cache[path] = (text.splitlines(), defs)
            (lines, defs), name = cache[path], identifier(label)
            parts = dotted(label)
            owner = parts[-2] if len(parts) > 1 else None
            n = int(line)
            if defs is not None:
                classes = {nm for nm, where in defs.items()
                           if any(re.match(rf"\s*class\s+{re.escape(nm)}\b", lines[ln - 1]) for ln, _ in where)}
                candidates = _python_lines(defs, name, owner, classes)
                found = candidates[0] if candidates else None
                ok = n in candidates
            else:
                found = find_line(lines, name, owner)
                ok = 1 <= n <= len(lines) and is_definition(lines[n - 1], name) and in_class(lines, n, owner)
            if ok:
                return m.group(0)
            if found is None:
                errors.append(f"{where}: no definition of '{name}' in "
                              f"{os.path.relpath(path, os.path.dirname(DOCS))}")
                return m.group(0)
            if fix:
                fixed += 1
                return f"[{label}]({target}#L{found})"
            errors.append(f"{where}: '{name}' is defined at line {found}, not {n} (run with --fix)")
            return m.group(0)

        new_text = LINK.sub(replace, text)
        if fix and new_text != text:
            with open(md, "w", encoding="utf-8") as f:
                f.write(new_text)
    return errors, fixed


def main(argv=None):
    """Run the check; returns 1 if a reference is broken, else 0."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fix", action="store_true", help="rewrite line anchors that moved")
    args = ap.parse_args(argv)
    errors, fixed = check(args.fix)
    if fixed:
        print(f"moved {fixed} line anchors")
    for e in errors:
        print(e)
    print(f"{len(errors)} broken references")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
