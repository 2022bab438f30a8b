"""``Optimizer``: the base class of the optimizers (``torch.optim.Optimizer``'s contract).

An optimizer holds ``param_groups`` (a list of dicts: ``'params'`` plus the hyper-parameters of
that group) and ``state`` (per-parameter buffers, keyed by the parameter). Updates are written
straight into the parameters' numpy arrays (no graph is recorded) and bump their version
counters, like PyTorch's in-place updates under ``no_grad``.
"""
import copy
import functools
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from itertools import chain

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..nn.modules.module import typename
from ..tensor import Tensor, _wrap
from ..utils.hooks import RemovableHandle

__all__ = ["Optimizer", "required", "register_optimizer_step_pre_hook",
           "register_optimizer_step_post_hook"]

_global_optimizer_pre_hooks = OrderedDict()
_global_optimizer_post_hooks = OrderedDict()
_HOOK_DICTS = ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks",
               "_optimizer_state_dict_pre_hooks", "_optimizer_state_dict_post_hooks",
               "_optimizer_load_state_dict_pre_hooks", "_optimizer_load_state_dict_post_hooks")


def _register(hooks, hook, prepend=False):
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def register_optimizer_step_pre_hook(hook):
    """Register ``hook(optimizer, args, kwargs)`` to run before every optimizer's ``step``
    (it may return new ``(args, kwargs)``); returns a handle whose ``remove()`` unregisters it.

    Example::

        >>> seen = []
        >>> handle = register_optimizer_step_pre_hook(lambda opt, args, kwargs: seen.append(type(opt).__name__))
        >>> w = nn.Parameter(minigrad.ones(1)); w.grad = minigrad.ones(1)
        >>> minigrad.optim.SGD([w], lr=0.1).step(); handle.remove()
        >>> seen
        ['SGD']
    """
    return _register(_global_optimizer_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    """Register ``hook(optimizer, args, kwargs)`` to run after every optimizer's ``step``;
    returns a handle whose ``remove()`` unregisters it.

    Example::

        >>> handle = register_optimizer_step_post_hook(lambda opt, args, kwargs: None)
        >>> handle.remove()
    """
    return _register(_global_optimizer_post_hooks, hook)


# None, or what runs an optimizer's step while minigrad.profiler records:
# ``step_hook(optimizer, step, args, kwargs)``
step_hook = None


def _hooked_step(step):
    """``step`` wrapped to run the global and the optimizer's step hooks around it, as PyTorch's
    ``Optimizer.profile_hook_step``."""

    @functools.wraps(step)
    def wrapper(*args, **kwargs):
        self = args[0]  # the hooks see the optimizer as args[0], as PyTorch's
        for pre_hook in chain(_global_optimizer_pre_hooks.values(),
                              self._optimizer_step_pre_hooks.values()):
            result = pre_hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{step} must return None or a tuple of (new_args, "
                                       f"new_kwargs), but got {result}.")
                args, kwargs = result
        if step_hook is None:
            out = step(*args, **kwargs)
        else:  # minigrad.profiler records the step
            out = step_hook(self, step, args, kwargs)
        for post_hook in chain(self._optimizer_step_post_hooks.values(),
                               _global_optimizer_post_hooks.values()):
            post_hook(self, args, kwargs)
        return out

    wrapper.hooked = True
    return wrapper


def _step_tensor(value=0.0):
    """A step counter as PyTorch keeps it: a 0-d float32 tensor."""
    return _wrap(np.array(float(value), np.float32))


def _increment(counter):
    """Add 1 to a 0-d state tensor in place and return its new value as a Python float."""
    np.add(counter._data, 1, out=counter._data)
    counter._vc[0] += 1
    return float(counter._data)


def _zeros_state(param):
    return _wrap(np.zeros_like(param._data, order="C"))


def _check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_non_negative(**values):
    """PyTorch's argument errors, ``Invalid <name> value: <value>``, in the order given."""
    for name, value in values.items():
        if not 0.0 <= value:
            raise ValueError(f"Invalid {name} value: {value}")


def _check_betas(betas):
    for i in (0, 1):
        if not 0.0 <= betas[i] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")


class _RequiredParameter:
    """Marks a hyper-parameter without a default (e.g. SGD's lr in old PyTorch)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _cast_state(param, value, key=None, check_shape=True):
    """A copy of one parameter's saved optimizer state, cast to the parameter's dtype (the 'step'
    counter excepted). A tensor of per-element state (momentum, Adam's averages) must have the
    parameter's shape: a state dict saved for other shapes is refused here, rather than broadcast
    silently into wrong updates at the next step."""
    if isinstance(value, np.ndarray):
        value = _wrap(np.array(value))  # e.g. state converted through numpy from another library
    if isinstance(value, Tensor):
        value = value.detach().clone()  # never alias the caller's tensors
        if (check_shape and key != "step" and value._data.ndim
                and value._data.shape != param._data.shape):
            raise ValueError(
                f"loaded optimizer state {key!r} has shape {list(value._data.shape)}, but its "
                f"parameter has shape {list(param._data.shape)}"
            )
        if key != "step" and param.is_floating_point():
            return value.to(param.dtype)  # as PyTorch: every tensor but 'step' takes the dtype
        return value
    if isinstance(value, dict):
        return {k: _cast_state(param, v, k, check_shape) for k, v in value.items()}
    if isinstance(value, Iterable) and not isinstance(value, str):
        return type(value)(_cast_state(param, v, None, check_shape) for v in value)
    return value


class Optimizer:
    """Base class for all optimizers.

    Args:
        params: an iterable of tensors, or of dicts defining parameter groups
            (``[{'params': model.base.parameters()}, {'params': model.head.parameters(), 'lr': 1e-3}]``)
        defaults: the default hyper-parameters of a group

    Example::

        >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
        >>> opt = minigrad.optim.SGD([{"params": model[0].parameters()},
        ...                           {"params": model[2].parameters(), "lr": 1e-3}], lr=0.1)
        >>> [group["lr"] for group in opt.param_groups]
        [0.1, 0.001]
        >>> x, y = minigrad.randn(16, 4), minigrad.randint(0, 2, (16,))
        >>> opt.zero_grad()
        >>> nn.functional.cross_entropy(model(x), y).backward()
        >>> opt.step()
    """

    # group keys that an older state dict may lack, filled in by load_state_dict, and the
    # per-parameter state entries that PyTorch keeps as 0-d float32 tensors (old checkpoints
    # stored numbers): each optimizer lists its own
    _group_defaults = {}
    _scalar_state_keys = ("step",)
    _state_follows_param_shapes = True  # per-element state: refuse a saved state of other shapes

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__ and not getattr(cls.__dict__["step"], "hooked", False):
            cls.step = _hooked_step(cls.__dict__["step"])

    def __init__(self, params, defaults):
        self.defaults = defaults
        for name in _HOOK_DICTS:
            setattr(self, name, OrderedDict())
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                "dicts, but got " + typename(params)
            )
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        # Also what load_state_dict ends with (as in PyTorch): the group keys an older state dict
        # lacks get their defaults, and numbers saved for the scalar state become tensors.
        self.__dict__.update(state)
        for name in _HOOK_DICTS:
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self.defaults.setdefault("differentiable", False)
        for group in self.param_groups:
            for key, default in self._group_defaults.items():
                group.setdefault(key, default)
            for p in group["params"]:
                p_state = self.state.get(p)
                if not p_state:
                    continue
                for key in self._scalar_state_keys:
                    if key in p_state and not isinstance(p_state[key], Tensor):
                        p_state[key] = _step_tensor(p_state[key])

    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += "\n"
            text += f"Parameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    def add_param_group(self, param_group):
        """Add a group of parameters (a dict with ``'params'`` and optional hyper-parameters;
        missing ones take the optimizer's defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        else:
            param_group["params"] = list(params)
        names = []
        plain = []
        for p in param_group["params"]:
            if isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str):
                names.append(p[0])  # named_parameters() given: PyTorch keeps the names
                p = p[1]
            plain.append(p)
        if names:
            if len(names) != len(plain):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["params"] = plain
            param_group["param_names"] = names
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    + typename(param)
                )
            if not self.defaults.get("differentiable", None) and not (
                param.is_leaf or param.retains_grad
            ):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    f"parameter group didn't specify a value of required optimization parameter {name}"
                )
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len({id(p) for p in params}):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, this "
                "will cause an error; see github.com/pytorch/pytorch/issues/40967 for more "
                "information",
                stacklevel=3,
            )
        existing = set()
        for group in self.param_groups:
            existing.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                current = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {current} to the optimizer"
                )
        if any(id(p) in existing for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all optimized parameters: to None (default) or to zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is not None:
                    if set_to_none:
                        p._grad = None
                    else:
                        g = p._grad
                        g.grad_fn = None
                        g._requires_grad = False
                        g._data[...] = 0
                        g._vc[0] += 1

    def step(self, closure=None):
        """Perform one optimization step; ``closure`` re-evaluates the model and returns the
        loss (needed by some optimizers, accepted by all)."""
        raise NotImplementedError

    def _closure_loss(self, closure):
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _grads(self, group):
        """(parameter, its gradient's array, negated if the group maximizes) for the parameters of
        ``group`` that have a gradient: what every update rule walks over."""
        maximize = group.get("maximize", False)
        for p in group["params"]:
            g = p._grad
            if g is not None:
                yield p, (-g._data if maximize else g._data)

    @staticmethod
    def _refuse_differentiable(name, differentiable):
        # PyTorch differentiates through the update for non-leaf parameters; minigrad's updates
        # are written into the arrays, outside the graph
        if differentiable:
            raise RuntimeError(f"minigrad's {name} does not support differentiable=True")

    @staticmethod
    def _refuse_capturable(group, what="params and state_steps", xla=True):
        """PyTorch's error for ``capturable=True`` on the CPU (CUDA graphs), at the first step."""
        if group.get("capturable"):
            devices = ["cuda", "xpu", "hpu", "privateuseone"] + (["xla"] if xla else [])
            raise AssertionError(f"If capturable=True, {what} must be on supported devices: {devices}.")

    # ------------------------------------------------------------------ hooks
    def register_step_pre_hook(self, hook):
        """Register ``hook(optimizer, args, kwargs)`` to run before this optimizer's ``step``; it
        may return new ``(args, kwargs)``. Returns a handle whose ``remove()`` unregisters it.

        Example::

            >>> w = nn.Parameter(minigrad.ones(1)); w.grad = minigrad.ones(1)
            >>> opt = minigrad.optim.SGD([w], lr=0.1)
            >>> handle = opt.register_step_pre_hook(lambda o, args, kwargs: print("stepping"))
            >>> opt.step()
            stepping
        """
        return _register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """Register ``hook(optimizer, args, kwargs)`` to run after this optimizer's ``step``."""
        return _register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """Register ``hook(optimizer)`` to run before ``state_dict()`` builds its result."""
        return _register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """Register ``hook(optimizer, state_dict)`` to run on ``state_dict()``'s result (it may
        return a replacement)."""
        return _register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """Register ``hook(optimizer, state_dict)`` to run before ``load_state_dict`` (it may
        return a replacement state dict)."""
        return _register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """Register ``hook(optimizer)`` to run after ``load_state_dict``."""
        return _register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ------------------------------------------------------------------ state dict
    def state_dict(self):
        """The optimizer's state in PyTorch's format::

            {'state': {0: {'momentum_buffer': tensor(...)}, ...},
             'param_groups': [{'lr': 0.1, ..., 'params': [0, 1, ...]}]}

        Parameters are replaced by their position across all groups.
        """
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        mapping = {}
        start = 0

        def pack(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                mapping.setdefault(id(p), i)
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        groups = [pack(g) for g in self.param_groups]
        state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": state, "param_groups": groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    def load_state_dict(self, state_dict):
        """Load a state from ``state_dict()`` (of this optimizer or of one built the same way,
        e.g. in PyTorch). Tensors are copied and cast to their parameter's dtype ('step'
        counters excepted); group keys an older state dict lacks get their defaults."""
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of "
                "optimizer's group"
            )
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = _cast_state(id_map[k], v,
                                               check_shape=self._state_follows_param_shapes)
            else:
                state[k] = v
        new_groups = []
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
            new_groups.append(saved)
        self.__setstate__({"state": state, "param_groups": new_groups})
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)
