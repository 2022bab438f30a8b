"""utils.data's samplers, datasets and package layout against torch.utils.data: the submodules
PyTorch programs import from, lengths, errors (type and text), the structure of what is yielded,
the distributions of the random samplers (not PyTorch's indices: minigrad has its own generator)
and their laziness and repeatability."""
import itertools
import tracemalloc
import warnings

import numpy as np
import pytest
from test_data_parity import _data, _outcome

import minigrad

torch = pytest.importorskip("torch")


def test_submodules_are_importable_as_in_pytorch():
    from minigrad.utils.data._utils.collate import collate, default_collate_fn_map  # noqa: F401
    from minigrad.utils.data.dataloader import DataLoader, default_collate, get_worker_info  # noqa: F401
    from minigrad.utils.data.dataset import (ChainDataset, Dataset, StackDataset,  # noqa: F401
                                             TensorDataset)
    from minigrad.utils.data.distributed import DistributedSampler  # noqa: F401
    from minigrad.utils.data.sampler import (BatchSampler, RandomSampler,  # noqa: F401
                                             WeightedRandomSampler)
    import torch.utils.data as T

    import minigrad.utils.data as M
    left_out = {"DFIterDataPipe", "DataChunk", "IterDataPipe", "MapDataPipe", "_DatasetKind",
                "argument_validation", "functional_datapipe", "guaranteed_datapipes_determinism",
                "non_deterministic", "runtime_validation", "runtime_validation_disabled"}
    assert sorted(set(T.__all__) - left_out) == sorted(M.__all__)
    for module in ("dataset", "sampler", "dataloader", "distributed"):
        theirs = getattr(T, module)
        ours = getattr(M, module)
        for name in ours.__all__:
            assert hasattr(theirs, name), f"{module}.{name} is not in PyTorch"


def _cases(lib):
    D = _data(lib)
    ds = D.TensorDataset(lib.arange(10))

    class Count(D.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    class Plain(D.IterableDataset):
        def __iter__(self):
            return iter("ab")

    class Picky(D.Subset):
        def __getitem__(self, i):
            return 0

    loader = D.DataLoader(ds, batch_size=2)
    return {
        "RandomSampler len": lambda: [len(D.RandomSampler(ds)), len(D.RandomSampler(ds, num_samples=25)),
                                      len(D.RandomSampler(ds, replacement=True, num_samples=3))],
        "RandomSampler replacement=1": lambda: D.RandomSampler(ds, replacement=1),
        "RandomSampler num_samples=2.0": lambda: D.RandomSampler(ds, num_samples=2.0),
        "RandomSampler empty": lambda: D.RandomSampler([]),
        "SubsetRandomSampler": lambda: (sorted(D.SubsetRandomSampler([3, 1, 9])), len(D.SubsetRandomSampler([3, 1]))),
        "Weighted len": lambda: len(D.WeightedRandomSampler([1.0, 2.0], 7)),
        "Weighted weights": lambda: D.WeightedRandomSampler([1, 2], 3).weights,
        "Weighted num_samples=0": lambda: D.WeightedRandomSampler([1.0], 0),
        "Weighted num_samples=True": lambda: D.WeightedRandomSampler([1.0], True),
        "Weighted replacement=0": lambda: D.WeightedRandomSampler([1.0], 1, replacement=0),
        "Weighted 2d": lambda: D.WeightedRandomSampler([[1.0, 2.0]], 1),
        "Weighted too many without replacement": lambda: list(D.WeightedRandomSampler([1.0, 2.0], 3, replacement=False)),
        "Weighted without replacement": lambda: sorted(D.WeightedRandomSampler([1.0, 2.0, 0.5], 3, replacement=False)),
        "Weighted negative": lambda: list(D.WeightedRandomSampler([1.0, -2.0], 1, replacement=False)),
        "Weighted all zero": lambda: list(D.WeightedRandomSampler([0.0, 0.0], 3)),
        "BatchSampler drop_last=1": lambda: D.BatchSampler(range(4), 2, 1),
        "BatchSampler batch_size=True": lambda: D.BatchSampler(range(4), True, False),
        "BatchSampler len": lambda: [len(D.BatchSampler(range(n), 3, d)) for n in (0, 5, 6) for d in (False, True)],
        "Distributed no shuffle": lambda: [list(D.DistributedSampler(range(7), num_replicas=3, rank=r, shuffle=False, drop_last=d))
                                           for r in range(3) for d in (False, True)],
        "Distributed tiny": lambda: [list(D.DistributedSampler(range(2), num_replicas=5, rank=r, shuffle=False)) for r in range(5)],
        "Distributed len": lambda: [len(D.DistributedSampler(range(7), num_replicas=3, rank=0, drop_last=d)) for d in (False, True)],
        "Distributed bad rank": lambda: D.DistributedSampler(range(7), num_replicas=3, rank=3),
        "Distributed negative rank": lambda: D.DistributedSampler(range(7), num_replicas=3, rank=-1),
        "StackDataset tuple": lambda: (D.StackDataset(range(3), "abc")[1], len(D.StackDataset(range(3), "abc"))),
        "StackDataset dict": lambda: D.StackDataset(x=range(3), y="abc")[2],
        "StackDataset both": lambda: D.StackDataset(range(3), y="abc"),
        "StackDataset none": lambda: D.StackDataset(),
        "StackDataset sizes": lambda: D.StackDataset(range(3), "ab"),
        "StackDataset getitems": lambda: D.StackDataset(D.Subset(range(10), [4, 5, 6]), y="abc").__getitems__([2, 0]),
        "StackDataset getitems dict": lambda: D.StackDataset(x=D.Subset(range(10), [4, 5]), y="ab").__getitems__([1]),
        "StackDataset loader": lambda: list(D.DataLoader(D.StackDataset(x=range(4), y=[0.5, 1.5, 2.5, 3.5]), batch_size=3)),
        "ChainDataset": lambda: (list(D.ChainDataset([Count(2), Count(3)])), len(D.ChainDataset([Count(2), Count(3)]))),
        "ChainDataset of map-style": lambda: list(D.ChainDataset([Count(2), ds])),
        "ChainDataset len of map-style": lambda: len(D.ChainDataset([ds])),
        "ChainDataset len unknown": lambda: len(D.ChainDataset([Plain()])),
        "IterableDataset add": lambda: (type(Count(1) + Count(2)).__name__, list(Count(1) + Count(2))),
        "Dataset add": lambda: (type(ds + ds).__name__, len(ds + ds)),
        "ConcatDataset empty": lambda: D.ConcatDataset([]),
        "ConcatDataset cumsum": lambda: D.ConcatDataset.cumsum([range(2), range(3)]),
        "Subset overriding getitem": lambda: Picky(range(3), [0]),
        "Subset getitems": lambda: D.Subset(D.TensorDataset(lib.arange(5)), [4, 2]).__getitems__([1, 0]),
        "Subset list index": lambda: D.Subset(D.TensorDataset(lib.arange(5)), [4, 2, 3])[[0, 2]],
        "random_split zero length": lambda: [len(s) for s in D.random_split(range(2), [0.1, 0.9])],
        "random_split default generator": lambda: [len(s) for s in D.random_split(range(7), [2, 5])],
        "default_convert": lambda: D.default_convert([np.arange(2), (np.float32(1.5), "s"), {"a": np.ones(1)}, np.array(["x"]), 3]),
        "default_convert namedtuple": lambda: D.default_convert(_Pair(np.int64(1), 2.0)),
        "get_worker_info in main": lambda: D.get_worker_info(),
        "loader setattr batch_size": lambda: setattr(loader, "batch_size", 3),
        "loader setattr other": lambda: (setattr(loader, "num_workers", 0), loader.num_workers),
        "loader timeout without workers": lambda: list(D.DataLoader(ds, timeout=1.0)),
        "loader context without workers": lambda: D.DataLoader(ds, multiprocessing_context="spawn"),
        "loader bad context": lambda: D.DataLoader(ds, num_workers=1, multiprocessing_context="nope"),
        "loader context object": lambda: D.DataLoader(ds, num_workers=1, multiprocessing_context=3),
        "loader prefetch_factor negative": lambda: D.DataLoader(ds, num_workers=1, prefetch_factor=-1),
        "loader prefetch default": lambda: (D.DataLoader(ds, num_workers=1).prefetch_factor, D.DataLoader(ds).prefetch_factor),
        "loader iterable shuffle": lambda: D.DataLoader(Count(3), shuffle=True),
        "loader iterable sampler": lambda: D.DataLoader(Count(3), sampler=[0]),
        "loader iterable batch_sampler": lambda: D.DataLoader(Count(3), batch_sampler=[[0]]),
        "loader iterable shuffle=False": lambda: list(D.DataLoader(Count(3), shuffle=False, batch_size=2)),
        "loader iterable len": lambda: [len(D.DataLoader(Count(7), batch_size=b, drop_last=d)) for b in (None, 1, 3) for d in (False, True) if b or not d],
        "loader iterable no batching": lambda: list(D.DataLoader(Count(3), batch_size=None)),
        "loader iterable drop_last": lambda: list(D.DataLoader(Count(7), batch_size=3, drop_last=True)),
        "loader iterable unknown len": lambda: len(D.DataLoader(Plain())),
        "loader map unknown len": lambda: len(D.DataLoader(D.Dataset())),
        "loader sampler list": lambda: list(D.DataLoader(ds, sampler=[3, 1], batch_size=None)),
        "loader batch_sampler list": lambda: list(D.DataLoader(ds, batch_sampler=[[3, 1], [0]])),
        "loader sampler + batch": lambda: list(D.DataLoader(ds, sampler=D.SubsetRandomSampler([5]), batch_size=2)),
        "loader collate_fn": lambda: list(D.DataLoader(range(5), batch_size=2, collate_fn=lambda b: sum(b))),
        "loader getitems": lambda: list(D.DataLoader(_Batched(D)(), batch_size=3)),
        "loader getitems no batching": lambda: list(D.DataLoader(_Batched(D)(), batch_size=None))[:2],
        "loader attributes": lambda: [(k, getattr(D.DataLoader(ds), k)) for k in ("batch_size", "drop_last", "num_workers", "timeout", "pin_memory", "persistent_workers", "in_order", "pin_memory_device", "worker_init_fn", "multiprocessing_context", "generator")],
        "loader sampler types": lambda: [type(getattr(D.DataLoader(ds, shuffle=s, batch_size=b), k)).__name__ for s in (False, True) for b in (None, 2) for k in ("sampler", "batch_sampler")],
        "loader shuffle none": lambda: type(D.DataLoader(ds, shuffle=None).sampler).__name__,
    }


class _Pair(tuple):  # a namedtuple without the collections import at each call
    _fields = ("a", "b")

    def __new__(cls, a, b):
        return super().__new__(cls, (a, b))


def _Batched(D):
    class Batched(D.Dataset):
        """A dataset that fetches whole batches (``__getitems__``): the DataLoader must use it."""

        def __len__(self):
            return 5

        def __getitem__(self, i):
            return ("one", i)

        def __getitems__(self, indices):
            return [("batch", i) for i in indices]

    return Batched


@pytest.mark.parametrize("case", sorted(_cases(minigrad)))
def test_behaviour_matches_torch(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _outcome(_cases(minigrad)[case]) == _outcome(_cases(torch)[case])


def test_warnings_match_torch():
    def warned(lib, fn):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fn(_data(lib))
        return [(w.category.__name__, str(w.message).replace("torch", "LIB").replace("minigrad", "LIB")) for w in caught]

    for fn in (lambda D: D.ConcatDataset([range(2)]).cummulative_sizes,
               lambda D: D.random_split(range(2), [0.1, 0.9]),
               lambda D: list(D.DataLoader(range(3), pin_memory=True)),
               lambda D: list(D.DataLoader(range(3), pin_memory=True, pin_memory_device="cuda"))):
        assert warned(minigrad, fn) == warned(torch, fn)


def test_iterable_longer_than_its_len_warns_as_torch():
    messages = []
    for lib in (torch, minigrad):
        D = _data(lib)

        class Liar(D.IterableDataset):
            def __iter__(self):
                return iter(range(5))

            def __len__(self):
                return 2

            def __repr__(self):
                return "Liar"

        loader = D.DataLoader(Liar(), batch_size=None)
        assert len(loader) == 2
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert list(loader) == [0, 1, 2, 3, 4]
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1] and len(messages[1]) == 3


# ---------------------------------------------------------------------- random samplers
def test_random_sampler_with_replacement_is_lazy():
    sampler = minigrad.utils.data.RandomSampler(range(7), replacement=True, num_samples=int(1e10))
    assert len(sampler) == int(1e10)
    tracemalloc.start()
    first = list(itertools.islice(iter(sampler), 1000))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1_000_000  # all the indices would take 80 GB
    assert set(first) == set(range(7))
    loader = minigrad.utils.data.DataLoader(range(7), batch_size=4,
                                            sampler=sampler)
    batches = list(itertools.islice(iter(loader), 3))
    assert len(loader) == 2_500_000_000 and [len(b) for b in batches] == [4, 4, 4]


def test_random_sampler_without_replacement_chains_permutations():
    sampler = minigrad.utils.data.RandomSampler(range(5), num_samples=13)
    order = list(sampler)
    assert len(order) == 13
    assert sorted(order[:5]) == sorted(order[5:10]) == list(range(5))
    assert len(set(order[10:])) == 3


@pytest.mark.parametrize("make", [
    lambda D, g: D.RandomSampler(range(20), generator=g),
    lambda D, g: D.RandomSampler(range(20), replacement=True, num_samples=50, generator=g),
    lambda D, g: D.SubsetRandomSampler(list(range(5, 25)), generator=g),
    lambda D, g: D.WeightedRandomSampler([1.0] * 20, 30, generator=g),
    lambda D, g: D.WeightedRandomSampler([1.0] * 20, 10, replacement=False, generator=g),
], ids=["perm", "replacement", "subset", "weighted", "weighted-no-replacement"])
def test_random_samplers_repeat_under_a_seed_and_change_by_epoch(make):
    D = minigrad.utils.data
    minigrad.manual_seed(3)
    a = list(make(D, None)), list(make(D, None))
    minigrad.manual_seed(3)
    b = list(make(D, None)), list(make(D, None))
    assert a == b and a[0] != a[1]  # repeatable, and a new order for each epoch
    g = minigrad.Generator().manual_seed(11)
    sampler = make(D, g)
    epochs = list(sampler), list(sampler)
    assert epochs[0] != epochs[1]
    again = make(D, minigrad.Generator().manual_seed(11))
    assert (list(again), list(again)) == epochs


def _frequencies(lib, make, draws):
    D = _data(lib)
    lib.manual_seed(0)
    values = np.array(list(make(D)))
    return np.bincount(values, minlength=5) / draws


@pytest.mark.parametrize("make,expected", [
    (lambda D: D.RandomSampler(range(5), replacement=True, num_samples=40_000), [0.2] * 5),
    (lambda D: D.WeightedRandomSampler([1.0, 0.0, 2.0, 3.0, 4.0], 40_000), [0.1, 0.0, 0.2, 0.3, 0.4]),
    (lambda D: D.WeightedRandomSampler(torch.tensor([1.0, 0.0, 2.0, 3.0, 4.0]).numpy(), 40_000), [0.1, 0.0, 0.2, 0.3, 0.4]),
], ids=["uniform", "weighted", "weighted-numpy"])
def test_sampling_distributions_match_torch(make, expected):
    ours = _frequencies(minigrad, make, 40_000)
    theirs = _frequencies(torch, make, 40_000)
    # 40,000 draws: the standard error of a frequency is at most 0.0025; 0.012 is ~5 of them
    np.testing.assert_allclose(ours, expected, atol=0.012)
    np.testing.assert_allclose(theirs, expected, atol=0.012)


def test_weighted_sampler_without_replacement_favours_heavy_indices():
    firsts = []
    for seed in range(300):
        g = minigrad.Generator().manual_seed(seed)
        order = list(minigrad.utils.data.WeightedRandomSampler([1.0, 8.0, 1.0], 3, replacement=False, generator=g))
        assert sorted(order) == [0, 1, 2]
        firsts.append(order[0])
    assert 0.7 < firsts.count(1) / 300 < 0.9  # P(first = 1) = 0.8


def test_distributed_sampler_shuffles_by_seed_and_epoch():
    D = minigrad.utils.data
    parts = [list(D.DistributedSampler(range(10), num_replicas=3, rank=r, seed=5)) for r in range(3)]
    merged = sum(parts, [])
    assert len(merged) == 12 and set(merged) == set(range(10))  # 2 indices padded
    sampler = D.DistributedSampler(range(10), num_replicas=3, rank=0, seed=5)
    first = list(sampler)
    assert first == parts[0] == list(sampler)
    sampler.set_epoch(1)
    assert list(sampler) != first
    with pytest.raises(RuntimeError, match="Requires distributed package to be available"):
        D.DistributedSampler(range(3))
