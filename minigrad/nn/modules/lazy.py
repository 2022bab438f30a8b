"""``LazyModuleMixin``: modules whose parameter shapes are set by their first input
(``torch.nn.modules.lazy``).

A lazy module (``nn.LazyLinear(out_features)``) starts with ``UninitializedParameter``s. Its first
call runs ``initialize_parameters(*input)``, which gives them their shapes and initial values,
and then the module becomes its ordinary class (``cls_to_become``: a ``LazyLinear`` becomes a
``Linear``), so that nothing lazy is left on the path of later calls. Loading a state dict into a
lazy module gives its parameters the checkpoint's shapes (``load_state_dict`` then copies the
values). An optimizer may be built before the first call: it holds the same parameter objects,
which the first call fills in place.
"""
import itertools

from ..parameter import dematerialize, is_lazy
from .module import _LOADING

__all__ = ["LazyModuleMixin"]


class LazyModuleMixin:
    """A mixin for modules that infer their parameters' shapes from their first input.

    A subclass (say ``LazyLinear(LazyModuleMixin, Linear)``) creates ``UninitializedParameter``s
    in ``__init__``, defines ``initialize_parameters(*args, **kwargs)`` (materialise them from
    the input, then initialise them) and sets ``cls_to_become`` (``Linear``).

    Example::

        >>> net = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(2))
        >>> net[0].has_uninitialized_params()
        True
        >>> _ = net(minigrad.zeros(8, 3))
        >>> net
        Sequential(
          (0): Linear(in_features=3, out_features=4, bias=True)
          (1): ReLU()
          (2): Linear(in_features=4, out_features=2, bias=True)
        )
    """

    # modules inheriting from this become this class once their parameters are initialised
    cls_to_become = None

    def __call__(self, *args, **kwargs):
        # PyTorch registers this as the module's first forward pre-hook, removed after one run;
        # here the module changes class (or, without cls_to_become, remembers it ran)
        if not self.__dict__.get("_lazy_initialized"):
            self._infer_parameters(self, args, kwargs)
            if not isinstance(self, LazyModuleMixin):
                return type(self).__call__(self, *args, **kwargs)
            self._lazy_initialized = True
        return super().__call__(*args, **kwargs)

    def _infer_parameters(self, module, args, kwargs=None):
        """Initialise the parameters from the first input, then become ``cls_to_become``."""
        kwargs = kwargs if kwargs else {}
        module.initialize_parameters(*args, **kwargs)
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    def initialize_parameters(self, *args, **kwargs):
        """Give the parameters their shapes from the input (each lazy module defines this)."""
        raise NotImplementedError(
            f"initialize_parameters is not implemented for {self.__class__.__name__}")

    def has_uninitialized_params(self):
        """True while a parameter or buffer has no shape yet."""
        return any(is_lazy(p) for p in itertools.chain(self._parameters.values(),
                                                        self._buffers.values()))

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        # an uninitialised parameter goes into the state dict as it is (it has no data to detach)
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if (is_lazy(param) or keep_vars) else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if (is_lazy(buf) or keep_vars) else buf.detach()

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        # PyTorch's ``_lazy_load_hook``: an uninitialised parameter takes the shape of the
        # initialised one being loaded (whose values are then copied); loading an uninitialised
        # one into it changes nothing
        grown, skipped = [], {}
        for name, param in itertools.chain(self._parameters.items(), self._buffers.items()):
            key = prefix + name
            if key not in state_dict or param is None or not is_lazy(param):
                continue
            value = state_dict[key]
            if is_lazy(value):
                skipped[key] = value
                continue
            grown.append((param, type(param), param.dtype.np))
            param.materialize(tuple(value.shape))
        local = state_dict
        if skipped:
            local = type(state_dict)((k, v) for k, v in state_dict.items() if k not in skipped)
        try:
            super()._load_from_state_dict(local, prefix, local_metadata, strict, missing_keys,
                                          unexpected_keys, error_msgs)
        finally:
            if _LOADING.dry_run:  # the first, checking pass leaves the module as it was
                for param, lazy_class, np_dtype in grown:
                    dematerialize(param, lazy_class, np_dtype)
        for key in skipped:  # not missing: an uninitialised entry for an uninitialised parameter
            if key in missing_keys:
                missing_keys.remove(key)

    def _apply(self, fn):
        # .to(dtype), .double() ...: an uninitialised parameter takes the new dtype, nothing else
        lazy = {k: p for k, p in self._parameters.items() if p is not None and is_lazy(p)}
        for key in lazy:
            self._parameters[key] = None
        try:
            super()._apply(fn)
        finally:
            self._parameters.update(lazy)
        from ...tensor import _wrap
        import numpy as np

        for p in lazy.values():
            probe = fn(_wrap(np.empty(0, p.dtype.np)))
            p._retype(probe.dtype.np)
        return self

    def _replicate_for_data_parallel(self):
        raise RuntimeError(
            "Modules with uninitialized parameters can't be used with `DataParallel`. Run a dummy "
            "forward pass to correctly initialize the modules")
