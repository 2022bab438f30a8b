"""Shared test setup.

The tests exercise the *installed* minigrad (with its compiled kernels): the checkout itself after
the README's editable install (``pip install -e .``), or a copy installed with ``pip install .``.
Python puts the current directory first on ``sys.path`` for ``python -c ...`` and
``python -m ...``, so in the second case a child process started from the checkout's root would
import the source tree instead, which then has no compiled kernels. The whole session therefore
runs from an empty temporary directory (which also keeps files the tests write out of the
checkout); tests locate files of the checkout from ``__file__``.
"""
import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _run_outside_the_checkout(tmp_path_factory):
    previous = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))
    yield
    os.chdir(previous)
