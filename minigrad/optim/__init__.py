"""``minigrad.optim``: optimizers (``SGD``, ``Adam``, ``AdamW``) and ``lr_scheduler``.

Example::

    >>> optimizer = minigrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    >>> for x, y in loader:
    ...     optimizer.zero_grad()
    ...     loss_fn(model(x), y).backward()
    ...     optimizer.step()
"""
from . import lr_scheduler  # noqa: F401
from .adam import Adam  # noqa: F401
from .adamw import AdamW  # noqa: F401
from .optimizer import Optimizer  # noqa: F401
from .sgd import SGD  # noqa: F401

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "lr_scheduler"]
