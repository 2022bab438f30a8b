"""DataLoader with num_workers > 0: minigrad runs PyTorch's workers in the main process; the batches
(which worker made which, in which order), get_worker_info(), worker_init_fn and the sharding of
iterable datasets are compared with PyTorch's real worker processes."""
import random

import numpy as np
import pytest
from test_data_parity import _data, _describe

import minigrad

torch = pytest.importorskip("torch")

# PyTorch warns when a loader has more worker processes than this machine has CPUs
pytestmark = [pytest.mark.filterwarnings("ignore:This DataLoader will create:UserWarning"),
              # JAX (imported by the benchmark tests in the same process) warns on every fork;
              # minigrad's kernels are fork-safe (tests/test_threads.py)
              pytest.mark.filterwarnings("ignore:os.fork\\(\\) was called:RuntimeWarning")]


def _map_dataset(lib):
    D = _data(lib)

    class WhoLoads(D.Dataset):
        def __len__(self):
            return 11

        def __getitem__(self, i):
            info = D.get_worker_info()
            return i, -1 if info is None else info.id, -1 if info is None else info.num_workers

    return WhoLoads()


def _sharded(lib, n=10):
    D = _data(lib)

    class Sharded(D.IterableDataset):
        """Each worker takes every num_workers-th item, as PyTorch's documentation shows."""

        def __iter__(self):
            info = D.get_worker_info()
            if info is None:
                return iter(range(n))
            return iter(range(info.id, n, info.num_workers))

    return Sharded()


def _uneven(lib):
    D = _data(lib)

    class Uneven(D.IterableDataset):
        """Worker k yields 3 * k + 1 items tagged with its id: the workers run out at different times."""

        def __iter__(self):
            info = D.get_worker_info()
            k = 0 if info is None else info.id
            return iter([(k, j) for j in range(3 * k + 1)])

    return Uneven()


def _not_sharded(lib):
    D = _data(lib)

    class Everything(D.IterableDataset):
        def __iter__(self):
            return iter(range(4))

    return Everything()


def _init_sets_start(lib):
    """worker_init_fn configures each worker's copy of the dataset (``get_worker_info().dataset``)."""
    D = _data(lib)

    class Ranged(D.IterableDataset):
        start = 0

        def __iter__(self):
            return iter(range(self.start, self.start + 3))

    def init(worker_id):
        D.get_worker_info().dataset.start = 100 * (worker_id + 1)

    return Ranged(), init


CASES = {
    "map 2 workers": lambda lib: dict(dataset=_map_dataset(lib), batch_size=3, num_workers=2),
    "map 3 workers no batching": lambda lib: dict(dataset=_map_dataset(lib), batch_size=None, num_workers=3),
    "map drop_last": lambda lib: dict(dataset=_map_dataset(lib), batch_size=4, drop_last=True, num_workers=2),
    "iterable sharded": lambda lib: dict(dataset=_sharded(lib), batch_size=2, num_workers=3),
    "iterable sharded drop_last": lambda lib: dict(dataset=_sharded(lib), batch_size=2, drop_last=True, num_workers=3),
    "iterable sharded no batching": lambda lib: dict(dataset=_sharded(lib), batch_size=None, num_workers=2),
    "iterable uneven": lambda lib: dict(dataset=_uneven(lib), batch_size=2, num_workers=3),
    "iterable not sharded": lambda lib: dict(dataset=_not_sharded(lib), batch_size=3, num_workers=2),
    "iterable worker_init_fn": lambda lib: dict(zip(("dataset", "worker_init_fn"), _init_sets_start(lib)),
                                                batch_size=2, num_workers=2),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_batches_match_torch_workers(case):
    ours = [_describe(b) for b in _data(minigrad).DataLoader(**CASES[case](minigrad))]
    theirs = [_describe(b) for b in _data(torch).DataLoader(**CASES[case](torch))]
    assert ours == theirs


def test_each_worker_has_its_own_random_state():
    """Random numbers drawn in a worker come from that worker's stream, seeded by the loader's
    base seed + the worker id (as PyTorch seeds its workers); the main process's stream is left
    as if no worker had drawn."""
    D = minigrad.utils.data

    class Noisy(D.Dataset):
        def __len__(self):
            return 8

        def __getitem__(self, i):
            return minigrad.rand(()).item(), random.random(), float(np.random.rand()), D.get_worker_info().seed

    def run(seed):
        minigrad.manual_seed(seed)
        batches = list(D.DataLoader(Noisy(), batch_size=2, num_workers=2))
        return batches, minigrad.rand(()).item()

    first, after = run(0)
    again, after_again = run(0)
    assert [_describe(b) for b in first] == [_describe(b) for b in again] and after == after_again
    seeds = [b[3].tolist() for b in first]
    assert seeds[0][0] + 1 == seeds[1][0] and seeds[0] == seeds[2]  # base_seed + worker id
    minigrad.manual_seed(0)
    D.DataLoader(Noisy(), batch_size=2, num_workers=2)  # no iteration, no draw
    iterator = iter(D.DataLoader(Noisy(), batch_size=2, num_workers=2))  # draws the base seed
    del iterator
    assert minigrad.rand(()).item() == after  # the workers' draws did not touch the main stream
    # within a worker, the three sources advance from batch to batch
    assert first[0][0].tolist() != first[2][0].tolist() and first[0][1].tolist() != first[2][1].tolist()


def test_worker_init_fn_runs_per_worker_and_epoch_unless_persistent():
    D = minigrad.utils.data
    calls = []

    def init(worker_id):
        calls.append((worker_id, D.get_worker_info().num_workers))

    for persistent, expected in ((False, 6), (True, 3)):
        calls.clear()
        loader = D.DataLoader(range(9), batch_size=2, num_workers=3, worker_init_fn=init,
                              persistent_workers=persistent)
        epochs = [[b.tolist() for b in loader] for _ in range(2)]
        assert epochs[0] == epochs[1] == [[0, 1], [2, 3], [4, 5], [6, 7], [8]]
        assert len(calls) == expected and sorted(set(calls)) == [(0, 3), (1, 3), (2, 3)]
    assert D.get_worker_info() is None


def test_persistent_workers_restart_their_iterable_copies():
    D = minigrad.utils.data
    loader = D.DataLoader(_sharded(minigrad, 6), batch_size=None, num_workers=2, persistent_workers=True)
    assert [list(loader), list(loader)] == [[0, 1, 2, 3, 4, 5]] * 2


def test_an_error_in_a_worker_leaves_the_main_state_clean():
    D = minigrad.utils.data

    class Broken(D.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            if i == 2:
                raise KeyError("bad sample")
            return i

    minigrad.manual_seed(1)
    expected = minigrad.rand(3).tolist()
    minigrad.manual_seed(1)
    loader = D.DataLoader(Broken(), batch_size=None, num_workers=2, generator=minigrad.Generator())
    with pytest.raises(KeyError, match="bad sample"):
        list(loader)
    assert D.get_worker_info() is None
    assert minigrad.rand(3).tolist() == expected
