"""``DataLoader`` (``torch.utils.data.dataloader``): batches from a map-style dataset (through a
sampler and a batch sampler) or from an iterable dataset, merged by ``collate_fn``.

Loading happens in the main process. ``num_workers=N`` runs PyTorch's N workers there, one
batch at a time in PyTorch's round-robin order: each worker has its ``get_worker_info()``, its
``worker_init_fn`` call, its own copy of an iterable dataset and its own random state (minigrad's
default generator, Python's ``random`` and numpy's global generator, seeded from the loader's
base seed + the worker id), so the batches are the ones PyTorch's workers would produce (an
iterable dataset that does not split its data by ``get_worker_info()`` yields it N times, as in
PyTorch), without processes.
"""
import copy
import math
import random
import warnings

import numpy as np

from ... import creation
from ...random import Generator, default_generator
from ...tensor import _wrap
from ._utils import worker as _worker
from ._utils.collate import default_collate, default_convert
from ._utils.worker import get_worker_info
from .dataset import IterableDataset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]


class _InfiniteConstantSampler(Sampler):
    """The index sampler of an iterable dataset: ``None`` forever (the dataset decides the end)."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Iterate over a dataset in batches.

    Args:
        dataset: a map-style ``Dataset`` (``__getitem__`` + ``__len__``) or an ``IterableDataset``
        batch_size (int or None): samples per batch (None: no batching). Default: 1
        shuffle (bool): a new random order every epoch. Default: False
        sampler (Sampler or iterable): the order of the indices (exclusive with ``shuffle``)
        batch_sampler (Sampler or iterable): lists of indices, one per batch (exclusive with
            ``batch_size``, ``shuffle``, ``sampler``, ``drop_last``)
        num_workers (int): PyTorch's worker count; minigrad runs the workers in the main
            process (see the module's docstring). Default: 0
        collate_fn: merges a list of samples into a batch. Default: ``default_collate``
            (``default_convert`` when ``batch_size=None``)
        pin_memory (bool): accepted; there is no accelerator to pin for (PyTorch's warning)
        drop_last (bool): drop the last incomplete batch. Default: False
        timeout (float): must be 0 without workers, as in PyTorch
        worker_init_fn: called with each worker's id when its work starts
        multiprocessing_context: checked as PyTorch does (workers only)
        generator (Generator): the source of the shuffling order and of the workers' base seed
        prefetch_factor (int): batches each worker loads ahead (workers only; no effect here)
        persistent_workers (bool): keep the workers (their datasets and random state) between
            epochs; ``worker_init_fn`` then runs once

    Example::

        >>> X, y = minigrad.randn(100, 3), minigrad.randint(0, 2, (100,))
        >>> loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
        >>> [tuple(xb.shape) for xb, yb in loader]
        [(32, 3), (32, 3), (32, 3), (4, 3)]
        >>> len(loader)
        4
    """

    _initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing.let num_workers "
                "> 0 to enable multiprocessing, otherwise set prefetch_factor to None."
            )
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if generator is not None and not isinstance(generator, Generator):
            raise TypeError(f"generator must be a minigrad.Generator, not {type(generator).__name__}")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        if isinstance(dataset, IterableDataset):
            self._dataset_kind = _DatasetKind.Iterable
            if shuffle not in {False, None}:
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = _DatasetKind.Map
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with "
                "drop_last"
            )
        if sampler is None:
            if self._dataset_kind == _DatasetKind.Iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._IterableDataset_len_called = None
        self._iterator = None
        self._initialized = True
        self.check_worker_number_rationality()

    @property
    def multiprocessing_context(self):
        """The multiprocessing context given (only meaningful with workers)."""
        return self._multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context):
        if context is not None:
            if self.num_workers <= 0:
                raise ValueError(
                    "multiprocessing_context can only be used with multi-process loading "
                    f"(num_workers > 0), but got num_workers={self.num_workers}"
                )
            import multiprocessing

            if isinstance(context, str):
                methods = multiprocessing.get_all_start_methods()
                if context not in methods:
                    raise ValueError(
                        "multiprocessing_context option should specify a valid start method in "
                        f"{methods!r}, but got multiprocessing_context={context!r}"
                    )
                context = multiprocessing.get_context(context)
            if not isinstance(context, multiprocessing.context.BaseContext):
                raise TypeError(
                    "multiprocessing_context option should be a valid context object or a string "
                    f"specifying the start method, but got multiprocessing_context={context}"
                )
        self._multiprocessing_context = context

    def __setattr__(self, attr, val):
        if self._initialized and attr in ("batch_size", "batch_sampler", "sampler", "drop_last",
                                          "dataset", "persistent_workers"):
            raise ValueError(f"{attr} attribute should not be set after "
                             f"{self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if self._dataset_kind == _DatasetKind.Iterable:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)

    def __iter__(self):
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = _LoaderIter(self)
            else:
                self._iterator._reset(self)
            return self._iterator
        return _LoaderIter(self)

    def check_worker_number_rationality(self):
        """PyTorch warns here when ``num_workers`` exceeds the CPUs; minigrad's workers are not
        processes, so any number is harmless and nothing is said."""


class _DatasetKind:
    Map = 0
    Iterable = 1


# ====================================================================== fetching
class _MapFetcher:
    """Fetch the samples at an index (or a batch of indices) and collate them."""

    def __init__(self, dataset, auto_collation, collate_fn):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        # TensorDataset + default collation: one fancy index per tensor instead of a stack of rows
        self.gather = (type(dataset) is TensorDataset and collate_fn is default_collate
                       and not any(t._requires_grad for t in dataset.tensors))

    def fetch(self, index):
        if not self.auto_collation:
            return self.collate_fn(self.dataset[index])
        if self.gather:
            return self._gather(index)
        getitems = getattr(self.dataset, "__getitems__", None)
        data = getitems(index) if getitems else [self.dataset[i] for i in index]
        return self.collate_fn(data)

    def _gather(self, indices):
        idx = np.asarray(indices, dtype=np.int64)
        n = len(self.dataset)
        bad = idx[(idx >= n) | (idx < -n)]
        if bad.size:  # PyTorch's message, not numpy's "axis 0"
            raise IndexError(f"index {bad[0]} is out of bounds for dimension 0 with size {n}")
        return [_wrap(np.ascontiguousarray(t._data[idx])) for t in self.dataset.tensors]


class _IterableFetcher:
    """Take the next sample (or ``len(batch)`` samples) from an iterable dataset."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.iterator = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.ended = False

    def fetch(self, index):
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.iterator))
        data = []
        for _ in index:
            try:
                data.append(next(self.iterator))
            except StopIteration:
                self.ended = True
                break
        if not data or (self.drop_last and len(data) < len(index)):
            raise StopIteration
        return self.collate_fn(data)


class _Worker:
    """One of PyTorch's workers, run in the main process: its WorkerInfo, its fetcher and its
    random state, swapped in while it works."""

    def __init__(self, loader, worker_id, base_seed):
        seed = base_seed + worker_id
        dataset = loader.dataset
        if loader._dataset_kind == _DatasetKind.Iterable:
            dataset = copy.copy(dataset)  # each worker iterates its own copy, as in PyTorch
        self.info = _worker.WorkerInfo(id=worker_id, num_workers=loader.num_workers, seed=seed,
                                       dataset=dataset)
        self.rng = (Generator().manual_seed(seed).get_state(), random.Random(seed).getstate(),
                    np.random.RandomState(seed & 0xFFFFFFFF).get_state())
        self.fetcher = None
        with self:
            if loader.worker_init_fn is not None:
                loader.worker_init_fn(worker_id)
        self.start(loader)

    def start(self, loader):
        with self:
            self.fetcher = _make_fetcher(loader, self.info.dataset)

    def __enter__(self):
        self.saved = (default_generator.get_state(), random.getstate(), np.random.get_state(),
                      _worker._set_current(self.info))
        default_generator.set_state(self.rng[0])
        random.setstate(self.rng[1])
        np.random.set_state(self.rng[2])

    def __exit__(self, *exc):
        self.rng = (default_generator.get_state(), random.getstate(), np.random.get_state())
        default_generator.set_state(self.saved[0])
        random.setstate(self.saved[1])
        np.random.set_state(self.saved[2])
        _worker._set_current(self.saved[3])
        return False


def _make_fetcher(loader, dataset):
    if loader._dataset_kind == _DatasetKind.Iterable:
        return _IterableFetcher(dataset, loader._auto_collation, loader.collate_fn, loader.drop_last)
    return _MapFetcher(dataset, loader._auto_collation, loader.collate_fn)


class _LoaderIter:
    """An epoch over a DataLoader: PyTorch's single-process iterator, or its multi-process one
    (in-order, round-robin over the workers still running) with the workers run in turn."""

    def __init__(self, loader):
        if loader.num_workers == 0 and loader.timeout != 0:
            raise AssertionError("_SingleProcessDataLoaderIter requires timeout == 0")
        if loader.pin_memory:
            if loader.pin_memory_device:
                warnings.warn(
                    "pin_memory_device is deprecated, the current accelerator will be used as the "
                    f"device,ignore pin_memory_device='{loader.pin_memory_device}'.", stacklevel=3)
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then "
                          "device pinned memory won't be used.", stacklevel=3)
        self._workers = None
        self._reset(loader, first=True)

    def _reset(self, loader, first=False):
        self._loader = loader
        self._sampler_iter = iter(loader._index_sampler)
        self._num_yielded = 0
        self._len_called = loader._IterableDataset_len_called
        base_seed = int(creation.random_uint64(1, loader.generator)[0] >> np.uint64(1))
        if loader.num_workers == 0:
            self._fetcher = _make_fetcher(loader, loader.dataset)
            return
        if first or not loader.persistent_workers:
            self._workers = [_Worker(loader, i, base_seed) for i in range(loader.num_workers)]
        else:  # persistent workers keep their copies and random state; their iterators restart
            for w in self._workers:
                w.start(loader)
        self._active = list(self._workers)
        self._turn = 0  # position in _active of the worker whose turn it is

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader._index_sampler)

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        if (self._loader._dataset_kind == _DatasetKind.Iterable and self._len_called is not None
                and self._num_yielded > self._len_called):
            msg = (f"Length of IterableDataset {self._loader.dataset} was reported to be "
                   f"{self._len_called}(when accessing len(dataloader)), but "
                   f"{self._num_yielded} samples have been fetched. ")
            if self._loader.num_workers > 0:
                msg += ("For multiprocessing data-loading, this could be caused by not properly "
                        "configuring the IterableDataset replica at each worker. Please see "
                        "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset "
                        "for examples.")
            warnings.warn(msg, stacklevel=2)
        return data

    def _next_data(self):
        if self._workers is None:
            return self._fetcher.fetch(next(self._sampler_iter))
        while self._active:
            index = next(self._sampler_iter)
            worker = self._active[self._turn]
            with worker:
                try:
                    data = worker.fetcher.fetch(index)
                except StopIteration:  # this worker's copy of an iterable dataset is exhausted:
                    del self._active[self._turn]  # the next one takes its turn
                    if self._active:
                        self._turn %= len(self._active)
                    continue
            self._turn = (self._turn + 1) % len(self._active)
            return data
        raise StopIteration

