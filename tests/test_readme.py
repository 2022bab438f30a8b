"""README.md's quick start runs and prints what the README says it prints, on 1 and on 2 threads
(the README claims the result does not depend on the thread count)."""
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _readme():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        return f.read()


def _quick_start():
    """(code, expected output) of the README's quick start section."""
    section = _readme().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    printed = re.search(r"prints `([^`]*)`", section).group(1)
    return code, printed


def test_the_quick_start_is_found():
    code, printed = _quick_start()
    assert "import minigrad as torch" in code and "backward()" in code
    assert printed.startswith("loss ")


@pytest.mark.parametrize("threads", ["1", "2"])
def test_quick_start_prints_what_the_readme_shows(threads, tmp_path):
    code, printed = _quick_start()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                          cwd=tmp_path, env=dict(os.environ, OMP_NUM_THREADS=threads))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == printed


def test_the_two_commands_are_there_and_ci_runs_them():
    """The README gives the set-up-and-train command (an editable install, with the plot extra
    that the seed snippets' matplotlib needs) and the test command, and .ci/run runs exactly the
    commands of that block (its readme_commands function extracts them)."""
    text = _readme()
    assert 'pip install -e ".[plot]" && python examples/train_mlp.py' in text
    assert "pip install -r requirements-test.txt && pytest" in text
    ci = os.path.join(ROOT, ".ci", "run")
    extract = (f'eval "$(sed -n "/^readme_commands() {{/,/^}}/p" {ci})"; '
               f'readme_commands {os.path.join(ROOT, "README.md")}')
    commands = subprocess.run(["bash", "-c", extract], capture_output=True, text=True,
                              check=True).stdout.splitlines()
    assert commands == [
        'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[plot]" && python examples/train_mlp.py',
        "pip install -r requirements-test.txt && pytest",
    ]
    with open(ci, encoding="utf-8") as f:
        script = f.read()
    assert 'readme_commands README.md | tee "$WORK/readme.sh"' in script
    assert 'bash -euo pipefail "$WORK/readme.sh"' in script
    assert 'pip install -q "$WORK/src-plain"' in script  # a plain install is checked too
