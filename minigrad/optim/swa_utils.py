"""Stochastic weight averaging (``torch.optim.swa_utils``; Izmailov et al., 2018): an
``AveragedModel`` that keeps a running (or exponential) average of a model's weights, the
``SWALR`` schedule that anneals to a constant SWA learning rate, and ``update_bn``, which
recomputes batch-norm statistics for the averaged weights."""
import copy
import itertools
import math
import warnings

import numpy as np

from .. import creation
from ..autograd.grad_mode import no_grad
from ..nn.modules.module import Module
from ..tensor import Tensor
from ._fma import lerp
from ._scheduler_base import LRScheduler, _format_param

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn",
           "get_ema_avg_fn", "get_swa_avg_fn"]


def _check_decay(decay):
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def _write(tensor, array):
    """Overwrite a tensor's values in place (outside the graph), as ``copy_`` under no_grad."""
    tensor._data[...] = array
    tensor._vc[0] += 1


def get_ema_multi_avg_fn(decay=0.999):
    """An ``AveragedModel(multi_avg_fn=...)`` that keeps the exponential moving average
    ``ema = decay * ema + (1 - decay) * current`` of all parameters at once.

    Example::

        >>> ema = AveragedModel(nn.Linear(2, 1), multi_avg_fn=get_ema_multi_avg_fn(0.9))
    """
    _check_decay(decay)

    def ema_update(ema_param_list, current_param_list, _):
        for p_ema, p_model in zip(ema_param_list, current_param_list):
            if p_ema.is_floating_point():
                lerp(p_ema._data, p_model._data, 1 - decay, out=p_ema._data)
                p_ema._vc[0] += 1
            else:
                _write(p_ema, p_ema._data * decay + p_model._data * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn():
    """An ``AveragedModel(multi_avg_fn=...)`` that keeps the equal-weight running average of all
    parameters at once (SWA).

    Example::

        >>> swa = AveragedModel(nn.Linear(2, 1), multi_avg_fn=get_swa_multi_avg_fn())
    """

    def swa_update(averaged_param_list, current_param_list, num_averaged):
        n = float(num_averaged)
        for p_avg, p_model in zip(averaged_param_list, current_param_list):
            if p_avg.is_floating_point():
                lerp(p_avg._data, p_model._data, 1 / (n + 1), out=p_avg._data)
                p_avg._vc[0] += 1
            else:
                _write(p_avg, p_avg._data + (p_model._data - p_avg._data) / (n + 1))

    return swa_update


def get_ema_avg_fn(decay=0.999):
    """An ``AveragedModel(avg_fn=...)`` for one parameter at a time:
    ``decay * ema + (1 - decay) * current``.

    Example::

        >>> get_ema_avg_fn(0.5)(minigrad.tensor([0.0]), minigrad.tensor([2.0]), 1)
        tensor([1.])
    """
    _check_decay(decay)

    def ema_update(ema_param, current_param, num_averaged):
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn():
    """An ``AveragedModel(avg_fn=...)`` for one parameter at a time: the running mean
    ``averaged + (current - averaged) / (n + 1)``.

    Example::

        >>> get_swa_avg_fn()(minigrad.tensor([0.0]), minigrad.tensor([3.0]), 2)
        tensor([1.])
    """

    def swa_update(averaged_param, current_param, num_averaged):
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


class AveragedModel(Module):
    """A copy of ``model`` whose parameters are averaged over calls of
    ``update_parameters(model)``: an equal-weight running mean (SWA) by default, or what
    ``avg_fn`` (one parameter at a time) or ``multi_avg_fn`` (all at once) computes. The first
    call copies the weights. Buffers (batch-norm statistics) are copied from the model, or
    averaged too with ``use_buffers=True``. ``n_averaged`` (a buffer) counts the updates.

    Example::

        >>> model = nn.Linear(2, 1)
        >>> swa_model = AveragedModel(model)
        >>> for value in (1.0, 3.0):
        ...     with minigrad.no_grad():
        ...         _ = model.weight.fill_(value)
        ...     swa_model.update_parameters(model)
        >>> swa_model.module.weight.tolist(), swa_model.n_averaged.item()
        ([[2.0, 2.0]], 2)
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", creation.tensor(0))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        """The averaged copy's output."""
        return self.module(*args, **kwargs)

    def update_parameters(self, model):
        """Fold ``model``'s current parameters into the average (the first call copies them)."""
        if self.use_buffers:
            ours = list(itertools.chain(self.module.parameters(), self.module.buffers()))
            theirs = list(itertools.chain(model.parameters(), model.buffers()))
        else:
            ours, theirs = list(self.parameters()), list(model.parameters())
        pairs = [(a.detach(), m.detach()) for a, m in zip(ours, theirs)]
        n = int(self.n_averaged.item())
        if n == 0:
            for averaged, current in pairs:
                _write(averaged, current._data)
        elif self.multi_avg_fn is not None:
            self.multi_avg_fn([a for a, _ in pairs], [m for _, m in pairs], self.n_averaged)
        else:
            avg_fn = self.avg_fn if self.avg_fn is not None else get_swa_avg_fn()
            for averaged, current in pairs:
                result = avg_fn(averaged, current, self.n_averaged)
                _write(averaged, result._data if isinstance(result, Tensor) else np.asarray(result))
        if not self.use_buffers:
            for ours_b, theirs_b in zip(self.module.buffers(), model.buffers()):
                _write(ours_b, theirs_b.detach()._data)
        _write(self.n_averaged, self.n_averaged._data + 1)


def _is_batch_norm(module):
    return all(hasattr(module, a) for a in ("running_mean", "reset_running_stats", "momentum"))


def update_bn(loader, model, device=None):
    """Recompute the running statistics of ``model``'s batch-norm layers with one pass over
    ``loader`` (batches, or tuples whose first element is the input), as plain averages over
    the pass (``momentum=None`` while it runs); for an ``AveragedModel``, whose weights no
    batch ever saw.

    Example::

        >>> update_bn([minigrad.randn(4, 2)], nn.Linear(2, 1))  # no batch norm: nothing to do
    """
    with no_grad():
        momenta = {}
        for module in model.modules():
            if _is_batch_norm(module):
                module.reset_running_stats()
                momenta[module] = module.momentum
        if not momenta:
            return
        was_training = model.training
        model.train()
        for module in momenta:
            module.momentum = None
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            if device is not None:
                batch = batch.to(device)
            model(batch)
        for module, momentum in momenta.items():
            module.momentum = momentum
        model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's learning rate to ``swa_lr`` over ``anneal_epochs`` epochs ('cos' or
    'linear'), then hold it: the schedule for the SWA phase of training.

    Example::

        >>> opt = minigrad.optim.SGD([nn.Parameter(minigrad.zeros(1))], lr=1.0)
        >>> scheduler = SWALR(opt, swa_lr=0.1, anneal_epochs=3, anneal_strategy="linear")
        >>> lrs = []
        >>> for epoch in range(5):
        ...     opt.step(); scheduler.step()
        ...     lrs.append(round(scheduler.get_last_lr()[0], 4))
        >>> lrs
        [0.7, 0.4, 0.1, 0.1, 0.1]
    """

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1):
        for value, group in zip(_format_param("swa_lr", optimizer, swa_lr), optimizer.param_groups):
            group["swa_lr"] = value
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self):
        """The learning rates for this epoch: the annealing's start recovered from the current
        rate, moved ``alpha`` of the way to ``swa_lr``."""
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use "
                          "`get_last_lr()`.", UserWarning, stacklevel=2)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        prev_lrs = [self._get_initial_lr(group["lr"], group["swa_lr"], prev_alpha)
                    for group in self.optimizer.param_groups]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [group["swa_lr"] * alpha + lr * (1 - alpha)
                for group, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def _set_anneal_func(self, anneal_strategy):
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else self._linear_anneal

    def state_dict(self):
        """Everything but the optimizer and the annealing function (PyTorch's keys)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict):
        """Restore a state returned by ``state_dict()``."""
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
