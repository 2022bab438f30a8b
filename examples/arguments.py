"""Command-line argument types shared by the examples: each checks a value when it is parsed, so a
bad option is an argparse usage error (exit status 2, the option named) before any training
starts, never a traceback or a NaN run at the end of it.

    p.add_argument("--lr", type=arguments.positive_float)
    p.add_argument("--plot", type=arguments.png_path)

The output paths are checked as far as can be before writing: the directory exists and is
writable, and the path is not a directory. ``png_path`` returns the path the figure will really
have: matplotlib saves ``run`` as ``run.png``, so the suffix is added here and the message that
reports the file names it.
"""
import argparse
import math
import os

__all__ = ["probability", "positive_float", "positive_int", "thread_count", "worker_count",
           "output_file", "png_path", "output_dir", "MAX_THREADS", "MAX_WORKERS"]

MAX_THREADS = 1024  # minigrad.set_num_threads refuses more (OpenMP would crash asking for them)
MAX_WORKERS = 64  # worker processes, each training networks: more is a typo, not a machine


def _number(text, kind):
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid {kind.__name__} value: {text!r}") from None


def probability(text):
    """A dropout probability: a number in [0, 1) (1 would drop everything; NaN is refused)."""
    p = _number(text, float)
    if not 0 <= p < 1:  # (False for NaN)
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text}")
    return p


def positive_float(text):
    """A finite number > 0 (a learning rate)."""
    x = _number(text, float)
    if not (x > 0 and math.isfinite(x)):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return x


def positive_int(text):
    """An integer >= 1 (a size, a count of epochs or seeds)."""
    n = _number(text, int)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return n


def _bounded_int(text, limit, what):
    n = positive_int(text)
    if n > limit:
        raise argparse.ArgumentTypeError(f"must be between 1 and {limit} {what}, got {text}")
    return n


def thread_count(text):
    """Kernel threads: 1 to MAX_THREADS."""
    return _bounded_int(text, MAX_THREADS, "(minigrad's thread limit)")


def worker_count(text):
    """Worker processes: 1 to MAX_WORKERS."""
    return _bounded_int(text, MAX_WORKERS, "processes")


def output_file(text, example="run.json"):
    """A file to write: not a directory, in a directory that exists and is writable."""
    if not text:
        raise argparse.ArgumentTypeError("must be a file name")
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(
            f"{text} is a directory; give a file name, e.g. {os.path.join(text, example)}")
    folder = os.path.dirname(os.path.abspath(text))
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"directory {os.path.dirname(text) or '.'} does not exist")
    if not os.access(folder, os.W_OK):
        raise argparse.ArgumentTypeError(f"directory {os.path.dirname(text) or '.'} is not writable")
    return text


def png_path(text):
    """A figure file: as ``output_file``; without a suffix, ``.png`` is added (what matplotlib
    would write), so that the path reported afterwards is the file's real name."""
    if text and not os.path.isdir(text) and not os.path.splitext(text)[1]:
        text += ".png"
    return output_file(text, "run.png")


def output_dir(text):
    """A directory to write into: an existing writable directory, or a new one whose parent
    exists (the caller creates it)."""
    if not text:
        raise argparse.ArgumentTypeError("must be a directory name")
    if os.path.exists(text) and not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text} exists and is not a directory")
    target = text if os.path.isdir(text) else os.path.dirname(os.path.abspath(text))
    if not os.path.isdir(target):
        raise argparse.ArgumentTypeError(f"directory {os.path.dirname(text) or '.'} does not exist")
    if not os.access(target, os.W_OK):
        raise argparse.ArgumentTypeError(f"directory {target} is not writable")
    return text
