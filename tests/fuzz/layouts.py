"""Input values and layouts for the sweep and the fuzzer.

A program's input is a leaf made from a numpy array (the *base*), and the tensor an op sees is
an expression of that leaf (``view_text``): the leaf itself, or a transposed, strided, flipped
or expanded view of it. torch has no negative strides, so ``flip0(b)`` is a view with a negative
stride in minigrad (made by its basic-indexing op: slicing with a negative step is an error, as
in PyTorch) and ``b.flip(0)`` (a copy with the same values) in torch; either way the values and
the gradient that reaches the leaf are the same.
"""
import numpy as np

DTYPES = ("float32", "float64", "int64", "bool")
FLOATS = ("float32", "float64")

# layout -> what the op's input is (an expression of the leaf ``b``)
LAYOUTS = ("contig", "0d", "empty", "T", "strided", "flipped", "expanded", "special")


def _specials(dtype):
    """Values where ops go wrong: NaN, +-inf, -0.0, denormals, the largest finite value."""
    if dtype in FLOATS:
        fi = np.finfo(dtype)
        return np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, fi.smallest_subnormal,
                         -fi.smallest_subnormal, 1.0, -1.0, 0.5, fi.max, -2.5, fi.tiny, 3.0],
                        dtype=dtype)
    if dtype == "int64":
        # (not -2**63: torch.gcd/lcm die of SIGFPE on it)
        return np.array([0, -1, 1, 2, -7, 2 ** 31, -(2 ** 31) - 1, 2 ** 62, -(2 ** 62), 5],
                        dtype=np.int64)
    return np.array([True, False, False, True], dtype=np.bool_)


def random_values(shape, dtype, rng, special=False, low=-2.0, high=2.0):
    """An array of ``shape`` and ``dtype``: uniform floats in [low, high), small integers, random
    bools; with ``special``, the special values of the dtype in a random order (cycled)."""
    n = int(np.prod(shape, dtype=np.int64))
    if special:
        pool = _specials(dtype)
        flat = pool[rng.integers(0, len(pool), size=n)]
        return flat.reshape(shape)
    if dtype in FLOATS:
        return rng.uniform(low, high, size=shape).astype(dtype)
    if dtype == "int64":
        return rng.integers(int(low) - 3, int(high) + 4, size=shape).astype(np.int64)
    return rng.integers(0, 2, size=shape).astype(np.bool_)


def layout_applies(layout, shape):
    """Whether ``layout`` can make an input of logical shape ``shape``."""
    if layout == "T":
        return len(shape) >= 2
    if layout in ("strided", "flipped", "expanded"):
        return len(shape) >= 1
    return True


def base_and_view(layout, shape):
    """(shape of the leaf's array, expression of the leaf ``{b}`` that has the layout, logical
    shape of the op's input)."""
    shape = tuple(shape)
    if layout == "0d":
        return (), "{b}", ()
    if layout == "empty":
        empty = (0,) + shape[1:] if shape else (0,)
        return empty, "{b}", empty
    if layout == "T":
        swapped = shape[:-2] + (shape[-1], shape[-2])
        return swapped, "{b}.transpose(-2, -1)", shape
    if layout == "strided":
        return shape[:-1] + (2 * shape[-1],), "{b}[..., ::2]", shape
    if layout == "flipped":
        return shape, "flip0({b})", shape
    if layout == "expanded":
        return (1,) + shape[1:], "{b}.expand(" + ", ".join(map(str, shape)) + ")", shape
    return shape, "{b}", shape  # contig, special
