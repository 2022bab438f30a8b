"""``minigrad.nn``: modules (layers, containers, losses), ``functional``, ``init`` and
``Parameter``, with PyTorch's API (``import minigrad.nn as nn``).

Example::

    >>> import minigrad.nn as nn
    >>> model = nn.Sequential(nn.Linear(10, 10), nn.ReLU(), nn.Dropout(0.5), nn.Linear(10, 1))
"""
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter  # noqa: F401
from .modules import *  # noqa: F401,F403
from . import functional, init, utils  # noqa: F401
from .modules.module import Module  # noqa: F401
