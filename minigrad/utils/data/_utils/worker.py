"""``get_worker_info`` (``torch.utils.data._utils.worker``): inside a DataLoader worker, which
worker this is. minigrad's DataLoader runs its workers in the main process, one after the other
(see ``dataloader.py``); while one of them fetches data, ``get_worker_info()`` describes it."""
import dataclasses

__all__ = ["WorkerInfo", "get_worker_info"]

_current = None  # the WorkerInfo of the worker running now, or None in the main process


@dataclasses.dataclass
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker: its ``id`` (0 .. ``num_workers`` - 1),
    ``num_workers``, its ``seed`` and its copy of the ``dataset``.

    Example::

        >>> info = WorkerInfo(id=0, num_workers=2, seed=7, dataset=None)
        >>> info.id, info.num_workers
        (0, 2)
    """

    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str = "thread"


def get_worker_info():
    """The ``WorkerInfo`` of the DataLoader worker that calls it, or ``None`` in the main
    process; an ``IterableDataset`` uses it to give each worker its share of the data.

    Example::

        >>> get_worker_info() is None
        True
    """
    return _current


def _set_current(info):
    global _current
    previous, _current = _current, info
    return previous
