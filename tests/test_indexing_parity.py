"""``x[index]`` and ``x[index] = value`` against PyTorch, on index expressions drawn by a
generator: every kind of index item PyTorch accepts (ints, numpy and tensor integers, 0-d
tensors and arrays, slices with any bounds and steps, None, Ellipsis, True/False, lists, nested
lists, ranges, numpy integer and boolean arrays, integer and boolean tensors, uint8 masks,
float lists), mixed in tuples, alone, or in a list (PyTorch's legacy "sequence as tuple" rule),
over a few shapes (0-d, empty dimensions included). For each expression both libraries must
agree on: the result (values, shape, dtype), whether it is a view (it changes with the tensor
and shares its version counter) or a copy, the warnings, the gradient through it and the names
of the graph's nodes; for writes, the tensor afterwards, its version, the gradients of the
tensor and of a value that requires grad; or the same exception (type and message).
"""
import warnings

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")

SHAPES = [(5,), (3, 4), (2, 3, 4), (2, 1, 3), (4, 0, 2), ()]


# ------------------------------------------------------------------ the generator
def _int(rng, size, bad=0.04):
    """An index into a dimension of ``size``: usually in range, negative half the time."""
    if size == 0 or rng.random() < bad:
        return int(rng.choice([size, size + 2, -size - 1, -size - 3]))
    return int(rng.integers(-size, size))


def _ints(rng, size, n):
    return [_int(rng, size) for _ in range(n)]


def _slice(rng, size):
    def bound():
        return None if rng.random() < 0.35 else int(rng.integers(-size - 2, size + 3))
    r = rng.random()
    step = None if r < 0.5 else (1 if r < 0.65 else (2 if r < 0.8 else (3 if r < 0.95 else
                                                                        int(rng.choice([-1, 0])))))
    return slice(bound(), bound(), step)


def _item(rng, dims_left):
    """One index item as a spec (kind, payload), and the number of dimensions it names."""
    size = dims_left[0] if dims_left else 3
    k = rng.random()
    if k < 0.14:
        return ("int", _int(rng, size)), 1
    if k < 0.17:
        return ("npint", _int(rng, size)), 1
    if k < 0.20:
        return ("int0d", _int(rng, size)), 1
    if k < 0.22:
        return ("np0d", _int(rng, size)), 1
    if k < 0.38:
        return ("slice", _slice(rng, size)), 1
    if k < 0.44:
        return ("none", None), 0
    if k < 0.47:
        return ("bool", bool(rng.random() < 0.7)), 0
    if k < 0.49:
        return ("bool0d", bool(rng.random() < 0.7)), 0
    if k < 0.57:
        n = int(rng.integers(0, 4))
        if rng.random() < 0.25:  # nested: a 2-d index
            return ("list", [_ints(rng, size, 2), _ints(rng, size, 2)]), 1
        return ("list", _ints(rng, size, n)), 1
    if k < 0.60:
        lo = int(rng.integers(-size, size)) if size else 0
        return ("range", range(lo, lo + int(rng.integers(0, 3)))), 1
    if k < 0.65:
        shp = (int(rng.integers(1, 4)),) if rng.random() < 0.7 else (2, 1)
        arr = np.array([_int(rng, size) for _ in range(int(np.prod(shp)))]).reshape(shp)
        return ("nparray", arr.astype(np.int32 if rng.random() < 0.3 else np.int64)), 1
    if k < 0.73:
        shp = (int(rng.integers(1, 4)),) if rng.random() < 0.7 else (1, 2)
        arr = np.array([_int(rng, size) for _ in range(int(np.prod(shp)))]).reshape(shp)
        return ("tensor", arr.astype(np.int32 if rng.random() < 0.3 else np.int64)), 1
    if k < 0.90:  # a boolean mask of the next one or two dimensions (sometimes the wrong size)
        ndim = 1 if len(dims_left) < 2 or rng.random() < 0.6 else 2
        shp = tuple(dims_left[:ndim]) if len(dims_left) >= ndim else (size,)
        if rng.random() < 0.06:
            shp = (shp[0] + 1,) + shp[1:]
        mask = rng.random(shp) < 0.5
        form = rng.choice(["tensor", "tensor", "numpy", "list", "uint8"])
        return ("mask-" + form, mask), ndim
    if k < 0.93:
        return ("floats", [float(v) + 0.5 for v in _ints(rng, size, 2)]), 1
    if k < 0.94:
        return ("float_tensor", np.array([0.0])), 1
    return ("float", 1.0), 1


def random_index(rng, shape):
    """An index expression for a tensor of ``shape``: a few items (now and then more than the
    dimensions), maybe an Ellipsis, in a tuple, alone, or in a list."""
    items, left = [], list(shape)
    n = int(rng.integers(1, len(shape) + 2)) if rng.random() < 0.9 else len(shape) + 1
    for _ in range(n):
        spec, used = _item(rng, left)
        items.append(spec)
        left = left[used:]
        if spec[0] in ("mask-numpy", "mask-list") and spec[1].ndim > 1:
            break  # see test_index_arrays_past_the_end_after_a_numpy_mask_are_an_error
    if rng.random() < 0.2:  # (one: two "..." that reach past the end read sizes PyTorch lacks)
        items.insert(int(rng.integers(len(items))), ("ellipsis", None))
    form = rng.random()
    container = "bare" if len(items) == 1 and form < 0.4 else ("list" if form > 0.93 else "tuple")
    return container, items


def build(L, container, items):
    """The index object for library ``L`` (``minigrad`` or ``torch``)."""
    def one(kind, v):
        if kind == "int":
            return v
        if kind == "npint":
            return np.int64(v)
        if kind == "int0d":
            return L.tensor(v)
        if kind == "np0d":
            return np.array(v)
        if kind in ("slice", "range", "list", "nparray", "floats", "float", "bool"):
            return v
        if kind == "none":
            return None
        if kind == "ellipsis":
            return Ellipsis
        if kind == "bool0d":
            return L.tensor(v)
        if kind in ("tensor", "float_tensor"):
            return L.tensor(v)
        if kind == "mask-tensor":
            return L.tensor(v)
        if kind == "mask-numpy":
            return v
        if kind == "mask-list":
            return v.tolist()
        if kind == "mask-uint8":
            return L.tensor(v.astype(np.uint8))
        raise AssertionError(kind)
    objs = [one(k, v) for k, v in items]
    if container == "bare":
        return objs[0]
    return list(objs) if container == "list" else tuple(objs)


def _cases(seed, count, shapes=SHAPES):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        shape = shapes[int(rng.integers(len(shapes)))]
        out.append((shape, random_index(rng, shape), rng))
    return out


# ------------------------------------------------------------------ outcomes in one library
def _names(fn, depth=0):
    """The graph under ``fn`` as nested (name, children) tuples."""
    if fn is None or depth > 12:
        return None
    return (fn.name(), tuple(_names(f, depth + 1) for f, _ in fn.next_functions))


def _caught(run):
    """(result, warnings) of ``run()``, or (("error", type, message), warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = run()
        except Exception as exc:  # noqa: BLE001 - compared with torch's
            result = ("error", type(exc), str(exc).replace("torch.", "minigrad."))
    said = sorted({(w.category.__name__, str(w.message).split(" (Triggered internally")[0]
                    .replace("torch.", "minigrad.")) for w in caught})
    return result, said


def read_outcome(L, data, container, items, grad_seed):
    def run():
        x = L.tensor(data)
        y = x[build(L, container, items)]
        before = y.numpy().copy()
        is_view = y._base is not None
        with L.no_grad():
            x.add_(1)  # a view sees this, a copy does not; a view shares the version counter
        after = y.numpy().copy()
        version = y._version
        xg = L.tensor(data, requires_grad=True)
        yg = xg[build(L, container, items)]
        g = np.random.default_rng(grad_seed).standard_normal(tuple(yg.shape))
        (yg * L.tensor(g)).sum().backward()
        return (tuple(y.shape), str(y.dtype).split(".")[-1], before, is_view, after, version,
                xg.grad.numpy().copy(), _names(yg.grad_fn))
    return _caught(run)


def write_outcome(L, data, container, items, value_kind, value_data, grad_seed):
    def value(requires_grad):
        if value_kind == "float":
            return float(value_data)
        v = L.tensor(value_data)
        return v.requires_grad_() if requires_grad else v

    def run():
        x = L.tensor(data)
        v0 = x._version
        x[build(L, container, items)] = value(False)
        written = (x.numpy().copy(), x._version - v0)
        leaf = L.tensor(data, requires_grad=True)
        y = leaf * 1
        v = value(True)
        y[build(L, container, items)] = v
        g = np.random.default_rng(grad_seed).standard_normal(tuple(y.shape))
        (y * L.tensor(g)).sum().backward()
        vgrad = None if value_kind == "float" else v.grad.numpy().copy()
        return written + (leaf.grad.numpy().copy(), vgrad, _names(y.grad_fn))
    return _caught(run)


def _is_error(r):
    return isinstance(r, tuple) and len(r) == 3 and isinstance(r[0], str) and r[0] == "error"


def _same(m, t, what, exact=(0, 1, 2, 3, 4, 5)):
    (mr, mw), (tr, tw) = m, t
    assert mw == tw, f"{what}: warnings {mw} != torch's {tw}"
    if _is_error(tr):
        assert _is_error(mr), f"{what}: torch raised {tr[1:]}, minigrad gave a result"
        assert issubclass(mr[1], tr[1]), f"{what}: {mr[1].__name__} != {tr[1].__name__} ({mr[2]} / {tr[2]})"
        assert mr[2] == tr[2], f"{what}: message {mr[2]!r} != torch's {tr[2]!r}"
        return
    assert not _is_error(mr), f"{what}: minigrad raised {mr[1:]}, torch did not"
    assert len(mr) == len(tr)
    for i, (a, b) in enumerate(zip(mr, tr)):
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            assert isinstance(a, np.ndarray) and isinstance(b, np.ndarray), f"{what}: part {i}: {a!r} != torch's {b!r}"
            assert a.shape == b.shape, f"{what}: part {i} shape {a.shape} != {b.shape}"
            if i in exact:
                np.testing.assert_array_equal(a, b, err_msg=f"{what}: part {i}")
            else:  # a gradient summed over a broadcast: the summation order may differ
                np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15, err_msg=f"{what}: part {i}")
        else:
            assert a == b, f"{what}: part {i}: {a!r} != torch's {b!r}"


def _data(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape)


# ------------------------------------------------------------------ the tests
@pytest.mark.parametrize("seed", range(25))
def test_getitem_matches_torch(seed):
    for n, (shape, (container, items), _) in enumerate(_cases(seed, 16)):
        data = _data(shape, seed * 100 + n)
        what = f"x{list(shape)}[{container}: {items}]"
        _same(read_outcome(minigrad, data, container, items, n),
              read_outcome(torch, data, container, items, n), what)


def _value_for(rng, region):
    """A value for a region of shape ``region``: the region's shape, a suffix of it (broadcast),
    with extra leading 1s, a 0-d tensor, a Python float, or a shape that does not fit."""
    k = rng.random()
    if k < 0.35:
        shape = region
    elif k < 0.55:
        shape = region[int(rng.integers(0, len(region) + 1)):]
    elif k < 0.65:
        shape = (1, 1) + tuple(region)
    elif k < 0.75:
        shape = ()
    elif k < 0.9:
        return "float", float(rng.standard_normal())
    else:
        shape = tuple(region[:-1]) + (3 if not region or region[-1] != 3 else 2,)
    return "tensor", rng.standard_normal(shape)


@pytest.mark.parametrize("seed", range(25))
def test_setitem_matches_torch(seed):
    for n, (shape, (container, items), rng) in enumerate(_cases(1000 + seed, 16)):
        data = _data(shape, seed * 100 + n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                region = tuple(torch.tensor(data)[build(torch, container, items)].shape)
            except Exception:  # noqa: BLE001 - the index is an error: any value will do
                region = ()
        kind, value = _value_for(rng, region)
        what = f"x{list(shape)}[{container}: {items}] = {kind}{np.shape(value)}"
        _same(write_outcome(minigrad, data, container, items, kind, value, n),
              write_outcome(torch, data, container, items, kind, value, n), what, exact=(0, 1, 2))


# ------------------------------------------------------------------ what the generator cannot see
def test_range_indices_write_into_the_tensor():
    """The issue's silent wrong answer: a range index wrote into a temporary copy."""
    for L in (minigrad, torch):
        t = L.zeros(3, 4)
        t[range(3), 1] = 5.0
        t[2, range(4)] = 7.0
        assert t.tolist() == [[0, 5, 0, 0], [0, 5, 0, 0], [7, 7, 7, 7]]


VALUES = {  # x[0] = value for an int64 or float32 tensor: conversions and their errors
    "float-into-int": ("int64", 3.7), "bool-into-int": ("int64", True),
    "negative-into-uint8": ("uint8", -1), "overflow-uint8": ("uint8", 300),
    "overflow-int8": ("int8", 200), "big-int": ("int64", 2**70), "float32-overflow": ("float32", 1e39),
    "inf": ("float32", float("inf")), "complex": ("float32", 1j), "str": ("float32", "a"),
    "none": ("float32", None), "list": ("float32", [1.0, 2.0]), "tuple": ("float32", (1.0,)),
    "numpy-array": ("float32", np.ones(2)), "numpy-float32": ("float32", np.float32(2.5)),
    "numpy-float64": ("float32", np.float64(2.5)), "numpy-int": ("float32", np.int64(2)),
    "numpy-bool": ("float32", np.bool_(True)),
}


@pytest.mark.parametrize("name", list(VALUES))
def test_value_conversions_match_torch(name):
    dtype, value = VALUES[name]

    def run(L):
        def go():
            x = L.zeros(2, dtype=getattr(L, dtype))
            x[0] = value
            return x.tolist()
        return _caught(go)
    _same(run(minigrad), run(torch), name)


WRITES = {  # index, value dtype: the dtype rules of copy_ (casts) and index_put_ (must match)
    "basic-casts": (0, "int64"), "basic-0d-casts": (0, "float64-0d"),
    "advanced-must-match": ([0], "int64"), "advanced-0d-must-match": ([0], "float64-0d"),
    "mask-one-element-casts": ("mask", "float64-0d"), "mask-1-element-1d-casts": ("mask", "int64-1"),
    "mask-more-elements-must-match": ("mask", "float64"),
    "two-errors-shape-first": ([0], "int64-5"), "bounds-after-dtype": ([7], "int64"),
    "overlap": ([0], "self-row"),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_write_dtype_rules_match_torch(name):
    index, vkind = WRITES[name]

    def run(L):
        def go():
            x = L.arange(6.0).reshape(2, 3)
            idx = L.tensor([True, False]) if index == "mask" else index
            v = {"int64": L.ones(3, dtype=L.int64), "float64-0d": L.tensor(2.5, dtype=L.float64),
                 "int64-1": L.tensor([4]), "float64": L.ones(3, dtype=L.float64),
                 "int64-5": L.ones(5, dtype=L.int64), "self-row": x[1]}[vkind]
            x[idx] = v
            return x.tolist()
        return _caught(go)
    _same(run(minigrad), run(torch), name)


def test_leaf_and_zero_dim_errors_match_torch():
    cases = ["x = L.zeros(3, requires_grad=True); x[0] = 1.",
             "x = L.zeros(3, requires_grad=True); x[[0]] = 1.",
             "x = L.zeros(3, requires_grad=True); x[...] = 1.",
             "x = L.tensor(1.); x[0]", "x = L.tensor(1.); x[:]", "x = L.tensor(1.); x[0] = 2.",
             "x = L.tensor(1.); x[[0]]", "x = L.zeros(2); del x[0]"]
    for code in cases:
        def run(L):
            def go():
                exec(code, {"L": L})
            return _caught(go)
        _same(run(minigrad), run(torch), code)


def test_every_ellipsis_expands_as_in_torch():
    """PyTorch (unlike numpy) accepts several "..." in one index, each standing for the
    dimensions no other item names."""
    x = np.arange(24.0).reshape(2, 3, 4)
    for index in [(0, Ellipsis, 0, Ellipsis), (Ellipsis, 1, Ellipsis), (Ellipsis, Ellipsis)]:
        got, want = minigrad.tensor(x)[index], torch.tensor(x)[index]
        np.testing.assert_array_equal(got.numpy(), want.numpy())
        assert got._base is not None and want._base is not None


def test_setitem_under_no_grad_and_false_index():
    for L in (minigrad, torch):
        x = L.zeros(3, requires_grad=True)
        with L.no_grad():
            x[0] = 1.0
        assert x.tolist() == [1, 0, 0] and x._version == 1
        y = L.zeros(3)
        y[False] = 5.0  # writes nothing, bumps nothing
        assert y.tolist() == [0, 0, 0] and y._version == 0


def test_value_requiring_grad_makes_the_tensor_require_grad():
    for L in (minigrad, torch):
        v = L.tensor([1.0, 2.0], requires_grad=True)
        z = L.zeros(3, 2)
        z[[0, 2]] = v
        assert z.requires_grad and not z.is_leaf
        (z * L.arange(6.0).reshape(3, 2)).sum().backward()
        assert v.grad.tolist() == [4.0, 6.0]


def test_embedding_style_lookup_backward_uses_the_row_kernel_and_matches():
    """``C[X]`` (a makemore-style lookup) sums the gradients of repeated rows as torch does."""
    rng = np.random.default_rng(0)
    C = rng.standard_normal((27, 10)).astype(np.float32)
    X = rng.integers(0, 27, size=(64, 3))
    g = rng.standard_normal((64, 3, 10)).astype(np.float32)
    grads = []
    for L in (minigrad, torch):
        c = L.tensor(C, requires_grad=True)
        (c[L.tensor(X)] * L.tensor(g)).sum().backward()
        grads.append(c.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


def test_index_arrays_past_the_end_after_a_numpy_mask_are_an_error():
    """A documented difference. PyTorch counts a boolean numpy array or list as one dimension
    when it checks the number of indices, though the mask covers several; an index array that
    then lands past the tensor's last dimension is silently dropped (or named in a misleading
    error). minigrad raises PyTorch's "too many indices" error. (Within the tensor's
    dimensions, both read such a mask as the same mask given as a tensor.)"""
    x = np.arange(24.0).reshape(2, 3, 4)
    mask = np.array([[True, False, True], [False, True, True]])
    np.testing.assert_array_equal(minigrad.tensor(x)[mask, 1].numpy(),
                                  torch.tensor(x)[mask, 1].numpy())
    y = np.zeros((2, 1, 3))
    m = np.ones((2, 1), bool)
    assert tuple(torch.tensor(y)[m, :, [0]].shape) == (2, 3)  # PyTorch: the [0] is dropped
    with pytest.raises(IndexError, match=r"too many indices for tensor of dimension 3 \(got 4\)"):
        minigrad.tensor(y)[m, :, [0]]
