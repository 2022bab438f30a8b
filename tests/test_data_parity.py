"""utils.data against torch.utils.data: default_collate for every sample type, DataLoader option
validation (type and text of the errors), len(), drop_last, batch_sampler, random_split with
fractions, and repeatable shuffling with a generator."""
from collections import OrderedDict, namedtuple
from importlib import import_module

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")

Point = namedtuple("Point", "x y")
BATCHES = {
    "str": ["a", "b"], "bytes": [b"a", b"b"], "int": [1, 2], "float": [1.5, 2.0], "bool": [True, False],
    "tuple": [(1, 2.0), (3, 4.0)], "list": [[1, 2], [3, 4]],
    "dict": [{"a": 1, "b": [1.0, 2.0]}, {"a": 2, "b": [3.0, 4.0]}],
    "odict": [OrderedDict(a=1, b="x"), OrderedDict(a=2, b="y")],
    "namedtuple": [Point(1, 2.0), Point(3, 4.0)],
    "ndarray32": [np.ones(2, np.float32), np.zeros(2, np.float32)], "ndarray64": [np.ones(2), np.zeros(2)],
    "ndarray0d": [np.array(1.0), np.array(2.0)], "np.int32": [np.int32(3), np.int32(4)],
    "np.float64": [np.float64(1.5), np.float64(2)], "np.bool_": [np.bool_(True), np.bool_(False)],
    "none": [None, None], "ragged": [[1, 2], [3]], "ndarray-str": [np.array(["a"]), np.array(["b"])],
}


def _data(lib):
    return import_module(lib.__name__ + ".utils.data")


def _describe(value):
    """A library-neutral description: tensors by dtype name and values."""
    if hasattr(value, "numpy") and hasattr(value, "dtype"):
        return ("tensor", str(value.dtype).split(".")[-1], value.numpy().tolist())
    if isinstance(value, dict):
        return (type(value).__name__, [(k, _describe(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_describe(v) for v in value])
    return (type(value).__name__, value)  # the type too: an np.int64 is not an int


def _outcome(fn):
    try:
        return _describe(fn())
    except Exception as exc:  # noqa: BLE001 - the type and the text are what is compared
        return ("error", type(exc).__name__, str(exc).replace("torch", "minigrad"))


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_default_collate_matches_torch(name):
    batch = BATCHES[name]
    assert _outcome(lambda: _data(minigrad).default_collate(batch)) == \
        _outcome(lambda: _data(torch).default_collate(batch))


def _loader_cases(lib):
    D = _data(lib)
    ds = D.TensorDataset(lib.arange(10))
    seq = D.SequentialSampler(ds)
    batches = D.BatchSampler(seq, 3, False)
    return {
        "batch_size=0": lambda: D.DataLoader(ds, batch_size=0),
        "batch_size=-1": lambda: D.DataLoader(ds, batch_size=-1),
        "batch_size=1.5": lambda: D.DataLoader(ds, batch_size=1.5),
        "shuffle+sampler": lambda: D.DataLoader(ds, sampler=seq, shuffle=True),
        "batch_sampler+batch_size": lambda: D.DataLoader(ds, batch_sampler=batches, batch_size=2),
        "batch_sampler+drop_last": lambda: D.DataLoader(ds, batch_sampler=batches, drop_last=True),
        "batch_size=None+drop_last": lambda: D.DataLoader(ds, batch_size=None, drop_last=True),
        "num_workers=-1": lambda: D.DataLoader(ds, num_workers=-1),
        "timeout=-1": lambda: D.DataLoader(ds, timeout=-1),
        "prefetch_factor without workers": lambda: D.DataLoader(ds, prefetch_factor=2),
        "persistent_workers without workers": lambda: D.DataLoader(ds, persistent_workers=True),
        "drop_last='x'": lambda: D.DataLoader(ds, drop_last="x"),
        "len": lambda: [len(D.DataLoader(ds, batch_size=3)), len(D.DataLoader(ds, batch_size=3, drop_last=True)),
                        len(D.DataLoader(ds, batch_size=None)), len(D.DataLoader(ds, batch_sampler=batches))],
        "batches drop_last": lambda: list(D.DataLoader(ds, batch_size=4, drop_last=True)),
        "batch_size=None": lambda: list(D.DataLoader(ds, batch_size=None))[:3],
        "batch_sampler": lambda: list(D.DataLoader(ds, batch_sampler=batches)),
        "collate of plain list": lambda: list(D.DataLoader([1, 2, 3], batch_size=2)),
        "random_split fractions": lambda: [len(s) for s in D.random_split(range(10), [0.33, 0.33, 0.34])],
        "random_split fraction > 1": lambda: D.random_split(range(10), [-0.5, 1.5]),
        "random_split sum": lambda: D.random_split(range(10), [3, 3]),
        "num_samples=0": lambda: D.RandomSampler(ds, num_samples=0),
        "BatchSampler(batch_size=0)": lambda: D.BatchSampler(seq, 0, False),
        "ConcatDataset cumulative_sizes": lambda: D.ConcatDataset([ds, ds]).cumulative_sizes,
        "ConcatDataset indexing": lambda: [D.ConcatDataset([ds, ds])[i] for i in (0, 9, 10, -1, -20)],
        "ConcatDataset index too negative": lambda: D.ConcatDataset([ds, ds])[-21],
        "ConcatDataset of an IterableDataset": lambda: D.ConcatDataset([ds, _Counting(D)]),
        "IterableDataset batches": lambda: list(D.DataLoader(_Counting(D), batch_size=2, drop_last=True)),
    }


def _Counting(D):
    class Counting(D.IterableDataset):
        def __iter__(self):
            return iter(range(5))

    return Counting()


@pytest.mark.parametrize("case", sorted(_loader_cases(minigrad)))
def test_dataloader_behaviour_matches_torch(case):
    assert _outcome(_loader_cases(minigrad)[case]) == _outcome(_loader_cases(torch)[case])


def test_generator_makes_shuffling_repeatable():
    D = _data(minigrad)
    ds = D.TensorDataset(minigrad.arange(50))

    def order(seed):
        loader = D.DataLoader(ds, batch_size=8, shuffle=True, generator=minigrad.Generator().manual_seed(seed))
        return [b[0].tolist() for b in loader]

    first = order(7)
    assert first == order(7) and first != order(8)
    assert sorted(sum(first, [])) == list(range(50))
    a = D.random_split(range(20), [0.5, 0.5], generator=minigrad.Generator().manual_seed(1))
    b = D.random_split(range(20), [0.5, 0.5], generator=minigrad.Generator().manual_seed(1))
    assert [list(s) for s in a] == [list(s) for s in b]
