"""minigrad keeps numpy's floating-point warnings from its own modules quiet (inf and NaN propagate
silently, as in PyTorch), in a user's program and in this test suite alike."""
import os
import subprocess
import sys

import pytest

from minigrad.autograd import function

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CODE = """
import minigrad
x = minigrad.tensor([0.0, -1.0, 2.0], requires_grad=True)
y = x.log() + x / 0 + x ** 0.5 + minigrad.zeros(0).mean() + x.exp() * 1e38
y.sum().backward()
print(x.grad.tolist())
"""


def test_a_users_program_sees_no_numpy_warnings_from_minigrad():
    proc = subprocess.run([sys.executable, "-W", "default", "-c", CODE], capture_output=True,
                          text=True, check=True)
    assert proc.stderr == ""
    assert proc.stdout.strip()


def test_the_test_suites_filter_is_minigrads_own():
    """pyproject.toml's filterwarnings restores, for the tests, the filter minigrad installs at
    import (pytest drops it): the same messages, category and modules."""
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        filters = tomllib.load(f)["tool"]["pytest"]["ini_options"]["filterwarnings"]
    assert filters == [f"ignore:{function.NUMPY_FP_WARNINGS}:RuntimeWarning:minigrad\\."]
