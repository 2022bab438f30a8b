"""Samplers (``torch.utils.data.sampler``): the orders in which a ``DataLoader`` visits a map-style
dataset's indices, and ``BatchSampler``, which groups them into batches.

The random samplers draw from their ``generator``, or, without one, from a generator seeded by
one draw of the default generator each epoch (as PyTorch's do), so ``minigrad.manual_seed``
makes the order repeatable. They yield indices as they go: ``RandomSampler(replacement=True,
num_samples=10**10)`` draws 32 indices at a time and never holds them all.
"""
import numpy as np

from ... import creation
from ...ops.sampling import multinomial
from ...random import Generator
from ..._dtype import float64
from ...tensor import Tensor

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]

_DRAW_CHUNK = 32  # indices drawn at a time with replacement (PyTorch's chunk)


class Sampler:
    """Base class of index samplers: iterables of dataset indices (define ``__iter__``, and
    ``__len__`` when known), to pass to ``DataLoader(sampler=...)``. The ``data_source``
    argument that PyTorch 1.x samplers passed up is accepted and ignored (PyTorch 2 refuses it).

    Example::

        >>> class Reverse(Sampler):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter(range(self.n - 1, -1, -1))
        ...     def __len__(self):
        ...         return self.n
        >>> ds = TensorDataset(minigrad.arange(4))
        >>> [b[0].tolist() for b in DataLoader(ds, batch_size=2, sampler=Reverse(4))]
        [[3, 2], [1, 0]]
    """

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    """The indices 0, 1, ..., len(data_source) - 1, in order (a ``DataLoader``'s default).

    Example::

        >>> list(SequentialSampler(range(4)))
        [0, 1, 2, 3]
    """

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


def _epoch_generator(generator):
    """The generator to draw one epoch from: the given one, or a fresh one seeded by a draw of the
    default generator (so that the epoch's draws do not interleave with other random calls)."""
    if generator is not None:
        return generator
    seed = int(creation.random_uint64(1)[0] >> np.uint64(1))
    return Generator().manual_seed(seed)


class RandomSampler(Sampler):
    """A random permutation of the indices, a new one per epoch; ``num_samples`` larger than the
    dataset chains permutations. With ``replacement=True``, ``num_samples`` independent uniform
    draws, made lazily (32 at a time).

    Example::

        >>> sorted(RandomSampler(range(5)))
        [0, 1, 2, 3, 4]
        >>> len(list(RandomSampler(range(5), replacement=True, num_samples=8)))
        8
        >>> endless = iter(RandomSampler(range(5), replacement=True, num_samples=10**10))
        >>> 0 <= next(endless) < 5
        True
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={self.num_samples}"
            )

    @property
    def num_samples(self):
        """The number of indices one epoch yields (the dataset's length unless ``num_samples`` was given)."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        generator = _epoch_generator(self.generator)
        total = self.num_samples
        if self.replacement:
            for _ in range(total // _DRAW_CHUNK):
                yield from creation.randint(0, n, (_DRAW_CHUNK,), generator=generator).tolist()
            if total % _DRAW_CHUNK:
                yield from creation.randint(0, n, (total % _DRAW_CHUNK,), generator=generator).tolist()
            return
        for _ in range(total // n):
            yield from creation.randperm(n, generator=generator).tolist()
        if total % n:
            yield from creation.randperm(n, generator=generator).tolist()[:total % n]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a random order (a new one per epoch), e.g. a validation split
    drawn from one dataset.

    Example::

        >>> sampler = SubsetRandomSampler([10, 20, 30], generator=minigrad.Generator().manual_seed(0))
        >>> sorted(sampler), len(sampler)
        ([10, 20, 30], 3)
    """

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in creation.randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probabilities proportional to ``weights`` (with
    replacement by default; without, each index at most once), e.g. to rebalance classes.

    Example::

        >>> sampler = WeightedRandomSampler([0.0, 1.0, 3.0], num_samples=6)
        >>> draws = list(sampler)
        >>> len(draws), 0 in draws, sampler.weights.dtype
        (6, False, minigrad.float64)
    """

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if (not isinstance(num_samples, int) or isinstance(num_samples, bool)
                or num_samples <= 0):
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={num_samples}"
            )
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        weights = creation.as_tensor(weights.detach() if isinstance(weights, Tensor) else weights,
                                     dtype=float64)
        if weights.dim() != 1:
            raise ValueError(f"weights should be a 1d sequence but given weights have shape "
                             f"{tuple(weights.shape)}")
        self.weights = weights
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        drawn = multinomial(self.weights, self.num_samples, self.replacement, generator=self.generator)
        yield from drawn.tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size`` (the last one shorter, unless
    ``drop_last``).

    Example::

        >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
        >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=True))
        [[0, 1], [2, 3]]
    """

    def __init__(self, sampler, batch_size, drop_last):
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        batch = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else (n + self.batch_size - 1) // self.batch_size
