"""The study guide (docs/) stays true to the code: every code link points at a line that holds
what it names (docs/check_references.py), and every runnable Python snippet of the guide and the
README runs. (The docstring examples are tested in test_docstrings.py.)"""
import glob
import importlib.util
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")

_spec = importlib.util.spec_from_file_location("check_references", os.path.join(DOCS, "check_references.py"))
check_references = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_references)


def test_every_code_link_points_at_what_it_names():
    errors, fixed = check_references.check(fix=False)
    assert fixed == 0
    assert not errors, "\n".join(errors) + "\n(run: python docs/check_references.py --fix)"


def test_a_link_to_a_comment_is_caught(tmp_path):
    """The checker must fail on an anchor that lands on a comment mentioning the name when the
    name is defined elsewhere (a link that only looks right)."""
    lines = ["/* mg_gemm_init() is called once */", "", "static void mg_gemm_init(void)"]
    assert check_references.find_line(lines, "mg_gemm_init") == 3
    assert check_references.is_comment(lines[0]) and not check_references.is_comment("#define X 1")
    py = ["class Generator:", "    def next_call(self):", "        pass", "", "def next_call(g=None):"]
    assert check_references.find_line(py, "next_call") == 5
    assert check_references.find_line(py, "next_call", owner="Generator") == 2


def test_a_link_must_land_on_the_definition():
    """A mention of the name (a raise, a call, a local variable, a prototype) is not the
    definition the link names (F.relu's link once pointed at a `raise`)."""
    py = ("def relu(x):\n    if x is None:\n        raise TypeError('relu(): no input')\n"
          "    relu = 1\n    return x\n\n\nclass A:\n    relu = 2\n\n    @property\n"
          "    def relu_(self):\n        return 0\n")
    defs = check_references.python_definitions(py)
    assert sorted(line for line, _ in defs["relu"]) == [1, 9]  # not the raise, not the local
    assert sorted(defs["relu_"]) == [(11, "A"), (12, "A")]  # the decorator line, and the def
    is_def = check_references.is_definition
    assert is_def("MG_FN void mg_relu_fwd_f32(const float *x, float *y,", "mg_relu_fwd_f32")
    assert not is_def("        mg_relu_fwd_f32(x, y, start, end);", "mg_relu_fwd_f32")
    assert not is_def("void mg_gemm_init(void);", "mg_gemm_init")  # a prototype
    assert is_def("#define MG_MR      6", "MG_MR") and is_def("cdef int64_t _chunk = 32768", "_chunk")
    assert not is_def("    _chunk = n", "_chunk")
    assert is_def("MG__DEFINE_SUM_ROWS(mg_sum_rows_f32, float)", "mg_sum_rows_f32")


def test_the_line_report_finds_the_reading_path():
    """docs/lines.py (which CI prints) finds every definition its reading path names."""
    spec = importlib.util.spec_from_file_location("lines", os.path.join(DOCS, "lines.py"))
    lines = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lines)
    text, problems = lines.report()
    assert not problems, text
    assert "minigrad/autograd/engine.py" in text and "kernels (Cython and C)" in text


def _snippets():
    """(page:line, code) of the ```python blocks that are whole programs (they import something)."""
    out = []
    pages = sorted(glob.glob(os.path.join(DOCS, "**", "*.md"), recursive=True)) + [os.path.join(ROOT, "README.md")]
    for page in pages:
        with open(page, encoding="utf-8") as f:
            text = f.read()
        for m in re.finditer(r"```python\n(.*?)```", text, re.S):
            code = m.group(1)
            quick_start = page.endswith("README.md") and \
                text.rfind("\n## ", 0, m.start()) == text.find("\n## Quick start")
            if quick_start:  # test_readme.py runs it and checks what it prints
                continue
            if re.search(r"^import |^from \S+ import ", code, re.M):
                line = text[:m.start()].count("\n") + 1
                out.append((f"{os.path.relpath(page, ROOT)}:{line}", code))
    return out


SNIPPETS = _snippets()


def test_snippets_are_found():
    assert len(SNIPPETS) >= 4
    assert not any('load_digits' in code for _, code in SNIPPETS if _.startswith('README'))


@pytest.mark.parametrize("where,code", SNIPPETS, ids=[w for w, _ in SNIPPETS])
def test_snippet_runs(where, code, tmp_path):
    if "torch_model" in code:  # README's interchange sketch: needs a model in each framework
        pytest.importorskip("torch")
        code = ("import torch, minigrad\nmodel = minigrad.nn.Linear(3, 2)\n"
                "torch_model = torch.nn.Linear(3, 2)\n") + code
    # Snippets meant for the repository root find examples/ there; run them from a directory
    # that has examples/ but not the source tree (whose minigrad/ has no compiled kernels).
    os.symlink(os.path.join(ROOT, "examples"), tmp_path / "examples")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                          cwd=tmp_path)
    assert proc.returncode == 0, f"{where}\n{proc.stderr}"
