"""Check the source references in the study guide (docs/**/*.md).

    python docs/check_references.py          # report broken references; exit 1 if any
    python docs/check_references.py --fix    # also move line anchors to where the name now is

The guide cites code as Markdown links with a line anchor, for example
[`_run`](../minigrad/autograd/engine.py#L144): the file must exist, and the name in the link
text (its last dotted part, without "()") must appear on that line, in code rather than in a
comment (unless comments are the only place it appears). Code moves as minigrad
evolves; ``--fix`` looks the name up again (``def name``, ``class name``, ``name =``, or any
mention) and rewrites the anchor, so the guide stays clickable. A name that is no longer in the
file is an error that needs a human: the text around it is probably out of date too.

Links without a line anchor need only an existing file.
"""
import argparse
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


def find_line(lines, name, owner=None, methods_first=False):
    """1-based line of the best definition of `name` in `lines` (after the definition of
    `owner`, a class, when that is found), or None."""
    if owner is not None:
        start = find_line(lines, owner)
        if start is not None and re.search(rf"\bclass\s+{re.escape(owner)}\b", lines[start - 1]):
            found = find_line(lines[start:], name, methods_first=True)
            if found is not None:
                return start + found
    word = re.escape(name)
    patterns = [rf"^(?:cdef\s+|cpdef\s+|async\s+)?(?:def|class)\s+{word}\b",       # module level first
                rf"^\s*(?:cdef\s+|cpdef\s+|async\s+)?(?:def|class)\s+{word}\b",   # then methods
                rf"^\s*#\s*define\s+{word}\b",
                rf"^\s*(?:cdef\s+)?[\w\s\*]*\b{word}\s*\(",   # C / cdef functions
                rf"^\s*{word}\s*=",
                rf"\b{word}\b"]
    if methods_first:  # inside a class: its methods before later module-level functions
        patterns[0], patterns[1] = patterns[1], patterns[0]
    for pattern in patterns:
        for i, line in enumerate(lines, 1):
            if not is_comment(line) and re.search(pattern, line):
                return i
    for i, line in enumerate(lines, 1):  # only mentioned in comments
        if re.search(rf"\b{word}\b", line):
            return i
    return None


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
                    cache[path] = f.read().splitlines()
            lines, name = cache[path], identifier(label)
            parts = dotted(label)
            owner = parts[-2] if len(parts) > 1 else None
            n = int(line)
            found = find_line(lines, name, owner)
            if 1 <= n <= len(lines) and re.search(rf"\b{re.escape(name)}\b", lines[n - 1]) \
                    and in_class(lines, n, owner) and (n == found or not is_comment(lines[n - 1])):
                return m.group(0)
            if found is None:
                errors.append(f"{where}: '{name}' is not in {os.path.relpath(path, os.path.dirname(DOCS))}")
                return m.group(0)
            if fix:
                fixed += 1
                return f"[{label}]({target}#L{found})"
            errors.append(f"{where}: '{name}' is at line {found}, not {n} (run with --fix)")
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
