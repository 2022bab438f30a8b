"""The default generator is seeded per process, as PyTorch's (issue 17, item 5): a process that
does not call ``manual_seed`` draws numbers of its own, a new ``Generator()`` starts from
67280421310721, and ``manual_seed`` makes runs repeatable across processes."""
import subprocess
import sys

import pytest

import minigrad

torch = pytest.importorskip("torch")


def _fields(lib):
    """In a new process: (initial seed, a new Generator's seed, three draws), then after
    manual_seed(5): (initial seed, three draws)."""
    code = ("import {lib} as L\nprint(repr((L.initial_seed(), L.Generator().initial_seed(), "
            "L.rand(3).tolist())))\nL.manual_seed(5)\nprint(repr((L.initial_seed(), L.rand(3).tolist())))"
            ).format(lib=lib)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    unseeded, seeded = (eval(line) for line in out.stdout.splitlines())
    return unseeded, seeded


@pytest.mark.parametrize("lib", ["minigrad", "torch"])
def test_each_process_starts_from_its_own_seed_until_manual_seed(lib):
    (seed_a, new_a, draw_a), (s5_a, seeded_a) = _fields(lib)
    (seed_b, new_b, draw_b), (s5_b, seeded_b) = _fields(lib)
    assert seed_a != seed_b and draw_a != draw_b  # 2**-63: not a flaky test
    assert 0 <= seed_a < 2 ** 64 and 0 <= seed_b < 2 ** 64
    assert new_a == new_b == 67280421310721  # a new Generator() has PyTorch's fixed seed
    assert s5_a == s5_b == 5 and seeded_a == seeded_b  # manual_seed repeats a run


def test_a_new_generator_starts_where_pytorchs_does():
    assert minigrad.Generator().initial_seed() == torch.Generator().initial_seed() == 67280421310721
    a = minigrad.rand(4, generator=minigrad.Generator())
    b = minigrad.rand(4, generator=minigrad.Generator().manual_seed(67280421310721))
    assert minigrad.equal(a, b)


def test_the_default_generator_was_seeded_from_the_system_in_this_process():
    # (unless a test before this one called manual_seed: seed() chooses a new random seed)
    s = minigrad.seed()
    assert s == minigrad.initial_seed() and s != 67280421310721
    assert minigrad.seed() != s
