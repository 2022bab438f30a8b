"""The DataLoader's helpers (``torch.utils.data._utils``): ``collate`` (merging samples into
batches) and ``worker`` (``get_worker_info``)."""
from . import collate, worker  # noqa: F401
