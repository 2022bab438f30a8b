"""minigrad.utils.data: datasets, samplers, DataLoader, default_collate, random_split."""
import collections

import numpy as np
import pytest

import minigrad
from minigrad.utils.data import (BatchSampler, DataLoader, Dataset, IterableDataset, RandomSampler,
                                 SequentialSampler, Subset, TensorDataset, default_collate,
                                 random_split)


def _dataset(n=10):
    x = minigrad.arange(n * 2, dtype=minigrad.float32).reshape(n, 2)
    y = minigrad.arange(n)
    return TensorDataset(x, y), x, y


def test_tensor_dataset():
    ds, x, y = _dataset()
    assert len(ds) == 10
    xi, yi = ds[3]
    assert xi.tolist() == [6.0, 7.0] and yi.item() == 3
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(minigrad.zeros(3), minigrad.zeros(4))


@pytest.mark.parametrize("drop_last,expected", [(False, [3, 3, 3, 1]), (True, [3, 3, 3])])
def test_batches_in_order(drop_last, expected):
    ds, x, y = _dataset()
    loader = DataLoader(ds, batch_size=3, drop_last=drop_last)
    batches = list(loader)
    assert [len(b[1]) for b in batches] == expected and len(loader) == len(expected)
    assert isinstance(batches[0], list) and batches[0][0].shape == (3, 2)
    assert np.array_equal(np.concatenate([b[1].numpy() for b in batches]), np.arange(sum(expected)))
    assert batches[0][1].dtype == minigrad.int64


def test_shuffle_is_a_permutation_and_repeatable():
    ds, _, _ = _dataset(50)
    minigrad.manual_seed(0)
    a = np.concatenate([b[1].numpy() for b in DataLoader(ds, batch_size=8, shuffle=True)])
    minigrad.manual_seed(0)
    b = np.concatenate([b[1].numpy() for b in DataLoader(ds, batch_size=8, shuffle=True)])
    assert sorted(a.tolist()) == list(range(50))
    assert np.array_equal(a, b) and not np.array_equal(a, np.arange(50))
    loader = DataLoader(ds, batch_size=50, shuffle=True, generator=minigrad.Generator().manual_seed(1))
    e1, e2 = next(iter(loader))[1].numpy(), next(iter(loader))[1].numpy()
    assert not np.array_equal(e1, e2)  # a new order each epoch
    g1 = DataLoader(ds, batch_size=50, shuffle=True, generator=minigrad.Generator().manual_seed(5))
    g2 = DataLoader(ds, batch_size=50, shuffle=True, generator=minigrad.Generator().manual_seed(5))
    assert np.array_equal(next(iter(g1))[1].numpy(), next(iter(g2))[1].numpy())


def test_fast_path_equals_generic_collation():
    ds, _, _ = _dataset(13)
    fast = [b for b in DataLoader(ds, batch_size=4)]
    slow = [b for b in DataLoader(ds, batch_size=4, collate_fn=lambda s: default_collate(s))]
    for f, s in zip(fast, slow):
        for a, b in zip(f, s):
            assert a.dtype == b.dtype and np.array_equal(a.numpy(), b.numpy())


def test_default_collate_types():
    Point = collections.namedtuple("Point", ["x", "y"])
    assert default_collate([1.5, 2.5]).dtype == minigrad.float64
    assert default_collate([1, 2]).dtype == minigrad.int64
    assert default_collate([True, False]).dtype == minigrad.bool
    assert default_collate(["a", "b"]) == ["a", "b"]
    d = default_collate([{"a": minigrad.zeros(2), "b": 1}, {"a": minigrad.ones(2), "b": 2}])
    assert d["a"].shape == (2, 2) and d["b"].tolist() == [1, 2]
    p = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(p, Point) and p.x.tolist() == [1, 3]
    t = default_collate([(np.zeros(3), 1), (np.ones(3), 2)])
    assert isinstance(t, list) and t[0].shape == (2, 3)
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [1]])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([object(), object()])


def test_default_collate_matches_torch():
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as tc

    batch = [({"x": np.arange(3.0), "n": 1}, 2.5), ({"x": np.arange(3.0) + 1, "n": 2}, 3.5)]
    ours, theirs = default_collate(batch), tc(batch)
    assert type(ours) is type(theirs)
    assert np.array_equal(ours[0]["x"].numpy(), theirs[0]["x"].numpy())
    assert str(ours[1].dtype).split(".")[-1] == str(theirs[1].dtype).split(".")[-1]


def test_custom_dataset_and_batch_size_none():
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": float(i), "y": i * i}

    batches = list(DataLoader(Squares(), batch_size=2))
    assert batches[0]["y"].tolist() == [0, 1] and batches[-1]["x"].tolist() == [4.0]
    assert [b["y"] for b in DataLoader(Squares(), batch_size=None)] == [0, 1, 4, 9, 16]
    with pytest.raises(NotImplementedError):
        Dataset()[0]


def test_iterable_dataset():
    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(7))

    assert [b.tolist() for b in DataLoader(Stream(), batch_size=3)] == [[0, 1, 2], [3, 4, 5], [6]]
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(), shuffle=True)


def test_samplers_and_option_errors():
    ds, _, _ = _dataset()
    assert list(SequentialSampler(ds)) == list(range(10))
    assert sorted(RandomSampler(ds)) == list(range(10))
    assert len(list(RandomSampler(ds, replacement=True, num_samples=25))) == 25
    assert list(BatchSampler(range(5), 2, False)) == [[0, 1], [2, 3], [4]]
    loader = DataLoader(ds, batch_sampler=BatchSampler(SequentialSampler(ds), 4, True))
    assert len(loader) == 2
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(ds, sampler=SequentialSampler(ds), shuffle=True)
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        DataLoader(ds, batch_size=0)
    with pytest.raises(ValueError, match="mutually exclusive with batch_size"):
        DataLoader(ds, batch_size=3, batch_sampler=BatchSampler(range(3), 1, False))
    loader = DataLoader(ds, batch_size=5, num_workers=2)  # workers run in the main process
    assert [b[1].tolist() for b in loader] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]


def test_random_split():
    parts = random_split(range(10), [7, 3], generator=minigrad.Generator().manual_seed(42))
    assert [len(p) for p in parts] == [7, 3]
    assert sorted(list(parts[0]) + list(parts[1])) == list(range(10))
    fr = random_split(range(10), [0.5, 0.3, 0.2])
    assert [len(p) for p in fr] == [5, 3, 2]
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(range(10), [3, 3])
    sub = Subset(range(100), [5, 7])
    assert sub[1] == 7 and len(sub) == 2


def test_training_loop_with_loader():
    minigrad.manual_seed(0)
    x = minigrad.randn(64, 3)
    y = x @ minigrad.tensor([[1.0], [-1.0], [2.0]])
    model = minigrad.nn.Linear(3, 1)
    opt = minigrad.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(20):
        for xb, yb in DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True):
            opt.zero_grad()
            minigrad.nn.functional.mse_loss(model(xb), yb).backward()
            opt.step()
    assert minigrad.nn.functional.mse_loss(model(x), y).item() < 1e-3
