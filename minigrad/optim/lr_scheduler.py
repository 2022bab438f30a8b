"""Learning-rate schedulers (``torch.optim.lr_scheduler``), one family per file, all exported from
here: the ``LRScheduler`` base and the schedules given by a function (``LambdaLR``,
``MultiplicativeLR``) in ``_scheduler_base.py``; the decays (``StepLR``, ``MultiStepLR``,
``ConstantLR``, ``LinearLR``, ``ExponentialLR``, ``PolynomialLR``, ``CosineAnnealingLR``) in
``_decay.py``; the cyclic ones (``CyclicLR``, ``OneCycleLR``, ``CosineAnnealingWarmRestarts``, which
also cycle the momentum) in ``_cyclic.py``; the combinations (``SequentialLR``,
``ChainedScheduler``) in ``_composite.py``; ``ReduceLROnPlateau`` in ``_plateau.py``. Each computes
with PyTorch's floating-point formulas, so the learning rates are PyTorch's to the last bit.

``scheduler.step()`` derives the next rate from the current one (the "chainable form");
``scheduler.step(epoch)`` is deprecated, as in PyTorch, and uses the closed form where one exists.
"""
from ._scheduler_base import (EPOCH_DEPRECATION_WARNING, LambdaLR, LRScheduler,  # noqa: F401
                              MultiplicativeLR, _LRScheduler)
from ._decay import (ConstantLR, CosineAnnealingLR, ExponentialLR, LinearLR,
                     MultiStepLR, PolynomialLR, StepLR)
from ._plateau import ReduceLROnPlateau
from ._cyclic import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
from ._composite import ChainedScheduler, SequentialLR

__all__ = ["LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR", "LinearLR",
           "ExponentialLR", "SequentialLR", "CosineAnnealingLR", "ChainedScheduler",
           "ReduceLROnPlateau", "CyclicLR", "CosineAnnealingWarmRestarts", "OneCycleLR",
           "PolynomialLR", "LRScheduler"]
