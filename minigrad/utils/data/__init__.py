"""``minigrad.utils.data`` (``torch.utils.data``): datasets (``dataset``), samplers (``sampler``),
``DataLoader`` (``dataloader``), ``default_collate``/``default_convert`` (``_utils.collate``) and
``get_worker_info``; ``DistributedSampler`` (``distributed``) splits a dataset between processes.

Shuffling draws from the loader's ``generator`` or from the default generator, so
``minigrad.manual_seed`` makes the batch order repeatable (minigrad's order, not PyTorch's).
"""
from . import dataloader, dataset, distributed, sampler  # noqa: F401
from ._utils.collate import default_collate, default_convert
from ._utils.worker import get_worker_info
from .dataloader import DataLoader
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, StackDataset, Subset,
                      TensorDataset, random_split)
from .distributed import DistributedSampler
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler,
                      WeightedRandomSampler)

__all__ = ["BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset",
           "DistributedSampler", "IterableDataset", "RandomSampler", "Sampler",
           "SequentialSampler", "StackDataset", "Subset", "SubsetRandomSampler", "TensorDataset",
           "WeightedRandomSampler", "default_collate", "default_convert", "get_worker_info",
           "random_split"]
