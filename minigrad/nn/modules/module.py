"""``nn.Module``: the base class of every layer and model (``torch.nn.Module``'s contract).

A module keeps three registries, filled by plain attribute assignment:

* ``_parameters``: learnable tensors (``self.weight = nn.Parameter(...)``);
* ``_buffers``: tensors that are state but not learned (``self.register_buffer("mean", t)``);
* ``_modules``: child modules (``self.fc = nn.Linear(2, 3)``).

Everything else (``parameters()``, ``state_dict()``, ``train()``, ``repr``) walks these registries
in registration order, which is what makes the keys and the printed tree match PyTorch's.

Speed: ``__call__`` goes straight to ``forward`` when the module has no hooks, and registered
names are looked up by ``__getattr__`` only after the normal attribute lookup missed.
"""
import itertools
import numbers
import threading
import warnings
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

import numpy as np

from ...autograd.grad_mode import no_grad
from ...tensor import Size, Tensor, _wrap
from ...utils.hooks import RemovableHandle
from ..parameter import Buffer, Parameter

__all__ = ["Module", "typename"]

_setattr = object.__setattr__


class _LoadingState(threading.local):
    dry_run = False  # True during load_state_dict's first pass, which only collects errors


_LOADING = _LoadingState()


def typename(obj):
    """The type name PyTorch's messages use: ``minigrad.FloatTensor`` for tensors, else the
    qualified class name (``int``, ``minigrad.nn.modules.linear.Linear``)."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(type(obj), "__module__", "") or ""
    qualname = type(obj).__qualname__
    if module in ("", "builtins"):
        return qualname
    return f"{module}.{qualname}"


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it did not find and the keys it did not use."""

    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _addindent(text, spaces):
    """Indent every line but the first (how a child's repr nests inside its parent's)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    first = lines.pop(0)
    return first + "\n" + "\n".join(" " * spaces + line for line in lines)


class Module:
    """Base class for all neural network modules; subclass it and define ``forward``.

    Example::

        >>> import minigrad.nn as nn
        >>> import minigrad.nn.functional as F
        >>> class Net(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc1 = nn.Linear(4, 8)
        ...         self.fc2 = nn.Linear(8, 1)
        ...     def forward(self, x):
        ...         return self.fc2(F.relu(self.fc1(x)))
        >>> net = Net()
        >>> [name for name, _ in net.named_parameters()]
        ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
        >>> net(minigrad.randn(3, 4)).shape
        minigrad.Size([3, 1])
    """

    _version = 1
    training: bool
    dump_patches = False
    call_super_init = False

    def __init__(self, *args, **kwargs):
        if not self.call_super_init and kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                f"'{next(iter(kwargs))}'"
            )
        if not self.call_super_init and args:
            raise TypeError(
                f"{type(self).__name__}.__init__() takes 1 positional argument but "
                f"{len(args) + 1} were given"
            )
        _setattr(self, "training", True)
        _setattr(self, "_parameters", {})
        _setattr(self, "_buffers", {})
        _setattr(self, "_non_persistent_buffers_set", set())
        _setattr(self, "_modules", {})
        _setattr(self, "_forward_hooks", OrderedDict())
        _setattr(self, "_forward_pre_hooks", OrderedDict())

    def forward(self, *input):
        """The computation of this module; every subclass defines it."""
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    # ------------------------------------------------------------------ calling
    def __call__(self, *args, **kwargs):
        if self._forward_pre_hooks or self._forward_hooks:
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    def _call_with_hooks(self, args, kwargs):
        for hook in tuple(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook in tuple(self._forward_hooks.values()):
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    def register_forward_pre_hook(self, hook):
        """Call ``hook(module, args)`` before every forward; it may return replacement args (a tuple, or
        a single value). Returns a handle whose ``.remove()`` unregisters the hook.

        Example::

            >>> lin = nn.Linear(2, 2)
            >>> h = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
            >>> minigrad.equal(lin(minigrad.ones(1, 2)), lin.bias.detach().unsqueeze(0))
            True
            >>> h.remove()
        """
        handle = RemovableHandle(self._forward_pre_hooks)
        self._forward_pre_hooks[handle.id] = hook
        return handle

    def register_forward_hook(self, hook):
        """Call ``hook(module, args, output)`` after every forward; it may return a new output. Returns a
        handle whose ``.remove()`` unregisters the hook.

        Example::

            >>> seen = []
            >>> net = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
            >>> h = net[0].register_forward_hook(lambda m, args, out: seen.append(tuple(out.shape)))
            >>> _ = net(minigrad.zeros(5, 4))
            >>> seen
            [(5, 3)]
            >>> h.remove()
        """
        handle = RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        return handle

    # ------------------------------------------------------------------ registration
    def register_buffer(self, name, tensor, persistent=True):
        """Add a tensor that is module state but not a parameter (e.g. running statistics).

        Buffers appear in ``buffers()`` and, if ``persistent``, in the ``state_dict``; they are
        converted by ``to()`` but not trained.

        Example::

            >>> class Norm(nn.Module):
            ...     def __init__(self, num_features):
            ...         super().__init__()
            ...         self.register_buffer("running_mean", minigrad.zeros(num_features))
            >>> m = Norm(3)
            >>> m.running_mean
            tensor([0., 0., 0.])
            >>> list(m.state_dict()), list(m.parameters())
            (['running_mean'], [])
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {typename(name)}")
        if "." in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{typename(tensor)}' object to buffer '{name}' "
                "(minigrad Tensor or None required)"
            )
        if isinstance(tensor, Buffer):
            persistent = tensor.__dict__.get("persistent", persistent)
            tensor = _wrap(tensor._data)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def register_parameter(self, name, param):
        """Add a parameter (a ``nn.Parameter`` or None) under ``name`` (the same as assigning
        ``self.<name> = parameter``).

        Example::

            >>> m = nn.Module()
            >>> m.register_parameter("scale", nn.Parameter(minigrad.ones(2)))
            >>> [name for name, _ in m.named_parameters()]
            ['scale']
        """
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {typename(name)}")
        if "." in name:
            raise KeyError('parameter name can\'t contain "."')
        if name == "":
            raise KeyError('parameter name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is None:
            self._parameters[name] = None
        elif not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{typename(param)}' object to parameter '{name}' "
                "(minigrad.nn.Parameter or None required)"
            )
        elif param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                f"created explicitly. To express '{name}' as a function of another Tensor, compute "
                "the value in the forward() method."
            )
        else:
            self._parameters[name] = param

    def add_module(self, name, module):
        """Add a child module under ``name`` (the same as assigning ``self.<name> = module``, for names
        that are not identifiers).

        Example::

            >>> m = nn.Module()
            >>> m.add_module("fc", nn.Linear(2, 2))
            >>> m
            Module(
              (fc): Linear(in_features=2, out_features=2, bias=True)
            )
        """
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {typename(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    def register_module(self, name, module):
        """Alias of ``add_module``."""
        self.add_module(name, module)

    def get_submodule(self, target):
        """The descendant named by a dotted path such as ``"encoder.0"`` ("" is the module itself).

        Example::

            >>> net = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU(), nn.Linear(3, 1)))
            >>> net.get_submodule("1.1")
            Linear(in_features=3, out_features=1, bias=True)
        """
        if target == "":
            return self
        mod = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(f"{mod._get_name()} has no attribute `{item}`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return mod

    def get_parameter(self, target):
        """The parameter named by a dotted path such as ``"fc.weight"``.

        Example::

            >>> net = nn.Sequential(nn.Linear(2, 3))
            >>> net.get_parameter("0.bias").shape
            minigrad.Size([3])
        """
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise AttributeError(f"{mod._get_name()} has no attribute `{name}`")
        param = getattr(mod, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def get_buffer(self, target):
        """The buffer named by a dotted path such as ``"norm.running_mean"``."""
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise AttributeError(f"{mod._get_name()} has no attribute `{name}`")
        if name not in mod._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return mod._buffers[name]

    # ------------------------------------------------------------------ attribute protocol
    def __getattr__(self, name):
        # Only reached when normal lookup failed: registered names live in the registries.
        d = self.__dict__
        if "_parameters" in d:
            params = d["_parameters"]
            if name in params:
                return params[name]
            buffers = d["_buffers"]
            if name in buffers:
                return buffers[name]
            modules = d["_modules"]
            if name in modules:
                return modules[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            _remove_from(name, d, self._buffers, self._modules, self._non_persistent_buffers_set)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{typename(value)}' as parameter '{name}' "
                    "(minigrad.nn.Parameter or None expected)"
                )
            self.register_parameter(name, value)
        else:
            modules = d.get("_modules")
            if isinstance(value, Module):
                if modules is None:
                    raise AttributeError("cannot assign module before Module.__init__() call")
                _remove_from(name, d, self._parameters, self._buffers,
                             self._non_persistent_buffers_set)
                modules[name] = value
            elif modules is not None and name in modules:
                if value is not None:
                    raise TypeError(
                        f"cannot assign '{typename(value)}' as child module '{name}' "
                        "(minigrad.nn.Module or None expected)"
                    )
                modules[name] = value
            else:
                buffers = d.get("_buffers")
                if isinstance(value, Buffer) or (buffers is not None and name in buffers):
                    if value is not None and not isinstance(value, Tensor):
                        raise TypeError(
                            f"cannot assign '{typename(value)}' as buffer '{name}' "
                            "(minigrad.nn.Buffer, minigrad.Tensor or None expected)"
                        )
                    if isinstance(value, Buffer):
                        persistent = value.__dict__.get("persistent", True)
                    else:
                        persistent = name not in self._non_persistent_buffers_set
                    if buffers is None:
                        raise AttributeError("cannot assign buffer before Module.__init__() call")
                    self.register_buffer(name, value, persistent)
                else:
                    _setattr(self, name, value)

    def __delattr__(self, name):
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def __dir__(self):
        attrs = dir(self.__class__)
        keys = (list(self.__dict__) + attrs + list(self._parameters) + list(self._modules)
                + list(self._buffers))
        return sorted(k for k in set(keys) if not k[:1].isdigit())

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("_forward_hooks", OrderedDict())
        self.__dict__.setdefault("_forward_pre_hooks", OrderedDict())
        self.__dict__.setdefault("_non_persistent_buffers_set", set())

    # ------------------------------------------------------------------ iteration
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """Yield ``(name, module)`` for this module and every descendant, depth first; a module reachable
        by several paths is yielded once (unless ``remove_duplicate=False``).

        Example::

            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
            >>> [name for name, _ in net.named_modules()]
            ['', '0', '1']
        """
        if memo is None:
            memo = set()
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub_prefix = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub_prefix, remove_duplicate)

    def modules(self):
        """This module and every descendant (each once), depth first.

        Example::

            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
            >>> [type(m).__name__ for m in net.modules()]
            ['Sequential', 'Linear', 'ReLU']
        """
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        """Yield ``(name, child)`` for the direct children (each once).

        Example::

            >>> net = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU()))
            >>> [name for name, _ in net.named_children()]
            ['0', '1']
        """
        memo = set()
        for name, module in self._modules.items():
            if module is not None and module not in memo:
                memo.add(module)
                yield name, module

    def children(self):
        """The direct children (each once), not their descendants.

        Example::

            >>> net = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.ReLU()))
            >>> [type(m).__name__ for m in net.children()]
            ['Linear', 'Sequential']
        """
        for _, module in self.named_children():
            yield module

    def _named_members(self, get_members, prefix="", recurse=True, remove_duplicate=True):
        memo = set()
        if recurse:
            modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
        else:
            modules = [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in get_members(module):
                if value is None or value in memo:
                    continue
                if remove_duplicate:
                    memo.add(value)
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """Yield ``(name, parameter)`` pairs such as ``("0.weight", Parameter)``; a parameter shared by
        several modules appears once (at its first name). ``recurse=False``: this module's own only.

        Example::

            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
            >>> [(name, tuple(p.shape)) for name, p in net.named_parameters()]
            [('0.weight', (3, 2)), ('0.bias', (3,)), ('2.weight', (1, 3)), ('2.bias', (1,))]
        """
        return self._named_members(lambda m: m._parameters.items(), prefix, recurse,
                                   remove_duplicate)

    def parameters(self, recurse=True):
        """The module's parameters (each once), e.g. for an optimizer.

        Example::

            >>> net = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
            >>> sum(p.numel() for p in net.parameters())
            13
            >>> opt = minigrad.optim.SGD(net.parameters(), lr=0.1)
        """
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """Yield ``(name, buffer)`` pairs (dotted names, as ``named_parameters``).

        Example::

            >>> m = nn.Module()
            >>> m.register_buffer("steps", minigrad.zeros(1))
            >>> [name for name, _ in m.named_buffers()]
            ['steps']
        """
        return self._named_members(lambda m: m._buffers.items(), prefix, recurse,
                                   remove_duplicate)

    def buffers(self, recurse=True):
        """The module's buffers (each once)."""
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    # ------------------------------------------------------------------ modes and gradients
    def train(self, mode=True):
        """Set training mode (``mode=True``) or evaluation mode on this module and every descendant:
        layers such as dropout behave differently in each. Returns self.

        Example::

            >>> net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
            >>> net.train().training, net[1].training
            (True, True)
        """
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self):
        """Set evaluation mode (``train(False)``): dropout becomes the identity. Returns self.

        Example::

            >>> net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
            >>> net.eval()[1].training
            False
        """
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` on every parameter (e.g. ``False`` to freeze the module). Returns self.

        Example::

            >>> lin = nn.Linear(2, 2).requires_grad_(False)
            >>> [p.requires_grad for p in lin.parameters()]
            [False, False]
        """
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all parameters: to None (default) or, with ``set_to_none=False``, to
        zeros.

        Example::

            >>> lin = nn.Linear(2, 1)
            >>> lin(minigrad.ones(1, 2)).sum().backward()
            >>> lin.zero_grad()
            >>> lin.weight.grad is None
            True
        """
        for p in self.parameters():
            if p._grad is not None:
                if set_to_none:
                    p._grad = None
                else:
                    g = p._grad
                    g.grad_fn = None
                    g._requires_grad = False
                    g._data[...] = 0
                    g._vc[0] += 1

    def apply(self, fn):
        """Call ``fn`` on every descendant (children first) and then on this module; returns self.
        Typical use: custom initialisation.

        Example::

            >>> def init_weights(m):
            ...     if isinstance(m, nn.Linear):
            ...         nn.init.zeros_(m.bias)
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
            >>> _ = net.apply(init_weights)
            >>> net[0].bias
            Parameter containing:
            tensor([0., 0., 0.], requires_grad=True)
        """
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ dtype and device
    def _apply(self, fn):
        for module in self.children():
            module._apply(fn)
        with no_grad():
            for key, param in self._parameters.items():
                if param is None:
                    continue
                new = fn(param)
                if new._data is not param._data:
                    param._data = new._data  # keep the Parameter object: optimizers hold it
                    param._vc[0] += 1
                if param._grad is not None:
                    g = fn(param._grad)
                    param._grad = _wrap(g._data)
            for key, buf in self._buffers.items():
                if buf is not None:
                    self._buffers[key] = fn(buf)
        return self

    def to(self, *args, **kwargs):
        """Convert the floating-point parameters and buffers to a dtype (``model.to(minigrad.float64)``),
        in place (the Parameter objects stay the same, so an optimizer keeps working); devices other
        than the CPU are an error. Returns self.

        Example::

            >>> lin = nn.Linear(2, 2).to(minigrad.float64)
            >>> lin.weight.dtype
            minigrad.float64
            >>> lin.to("cpu") is lin
            True
        """
        dtype = kwargs.pop("dtype", None)
        device = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() received an invalid combination of arguments: {sorted(kwargs)}")
        from ..._device import device as _device_cls, place as _place
        from ..._dtype import dtype as _dtype_cls, to_dtype

        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, (str, _device_cls)):
                device = a
            elif isinstance(a, bool) or isinstance(a, numbers.Number):
                raise TypeError(f"to() received an invalid argument: {a!r}")
            else:
                dtype = a
        if device is not None:
            _place(device, "to")
        if dtype is None:
            return self
        dtype = to_dtype(dtype) if not isinstance(dtype, _dtype_cls) else dtype
        if not dtype.is_floating_point:
            raise TypeError(
                "nn.Module.to only accepts floating point or complex dtypes, but got desired "
                f"dtype={dtype}"
            )
        return self._apply(lambda t: t.to(dtype) if t.is_floating_point() else t)

    def float(self):
        """Cast the floating-point parameters and buffers to float32; returns self.

        Example::

            >>> nn.Linear(2, 2).double().float().weight.dtype
            minigrad.float32
        """
        from ... import _dtype

        return self.to(_dtype.float32)

    def double(self):
        """Cast the floating-point parameters and buffers to float64; returns self.

        Example::

            >>> nn.Linear(2, 2).double().bias.dtype
            minigrad.float64
        """
        from ... import _dtype

        return self.to(_dtype.float64)

    def half(self):
        """An error: minigrad has no float16 dtype."""
        raise RuntimeError("minigrad has no float16 dtype: Module.half() is not supported")

    def bfloat16(self):
        """An error: minigrad has no bfloat16 dtype."""
        raise RuntimeError("minigrad has no bfloat16 dtype: Module.bfloat16() is not supported")

    def type(self, dst_type):
        """Cast all parameters and buffers to ``dst_type``; returns self."""
        return self._apply(lambda t: t.type(dst_type))

    def cpu(self):
        """Parameters already live on the CPU: returns self."""
        return self

    def cuda(self, device=None):
        """An error: minigrad runs on the CPU only (PyTorch's error for a build without CUDA)."""
        from ..._device import place

        place("cuda" if device is None else device, "to")

    def share_memory(self):
        """Returns self (kept for PyTorch compatibility; minigrad has no shared-memory tensors for multiprocessing)."""
        return self

    # ------------------------------------------------------------------ state dict
    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        extra = getattr(type(self), "get_extra_state", None)
        if extra is not None and extra is not Module.get_extra_state:
            destination[prefix + "_extra_state"] = self.get_extra_state()

    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """An ``OrderedDict`` of every parameter and persistent buffer by dotted name
        (``"fc1.weight"``), in registration order. The values are detached tensors that share
        memory with the module (unless ``keep_vars=True``, which returns the parameters).

        Example::

            >>> list(nn.Linear(2, 1).state_dict())
            ['weight', 'bias']
        """
        if args:  # PyTorch's deprecated positional form: (destination, prefix, keep_vars)
            warnings.warn(
                "Positional args are being deprecated, use kwargs instead. Refer to "
                "https://pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module.state_dict"
                " for details.",
                FutureWarning,
                stacklevel=2,
            )
            if destination is None:
                destination = args[0]
            if len(args) > 1 and prefix == "":
                prefix = args[1]
            if len(args) > 2 and keep_vars is False:
                keep_vars = args[2]
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        # Each module's version, keyed by its prefix without the trailing dot, as PyTorch stores it:
        # _load_from_state_dict receives it back as local_metadata.
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = {"version": self._version}
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".",
                                  keep_vars=keep_vars)
        return destination

    def get_extra_state(self):
        """Override (with ``set_extra_state``) to store extra, non-tensor state in the ``state_dict`` under
        ``"_extra_state"``; the base class has none.

        Example::

            >>> class Counter(nn.Module):
            ...     def __init__(self):
            ...         super().__init__()
            ...         self.calls = 0
            ...     def get_extra_state(self):
            ...         return {"calls": self.calls}
            ...     def set_extra_state(self, state):
            ...         self.calls = state["calls"]
            >>> c = Counter()
            >>> c.calls = 5
            >>> c2 = Counter()
            >>> _ = c2.load_state_dict(c.state_dict())
            >>> c2.calls
            5
        """
        raise RuntimeError(
            "Reached a code path in Module.get_extra_state() that should never be called."
        )

    def set_extra_state(self, state):
        """Restore the extra state returned by ``get_extra_state`` (override both; see there)."""
        raise RuntimeError(
            "Reached a code path in Module.set_extra_state() that should never be called."
        )

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        """Copy this module's own entries of ``state_dict`` (not its children's); PyTorch's signature,
        so subclasses written for PyTorch can override it. ``local_metadata`` is this module's entry
        of ``state_dict._metadata`` (``{"version": ...}``) plus ``assign_to_params_buffers``."""
        persistent = {k: v for k, v in self._buffers.items()
                      if k not in self._non_persistent_buffers_set}
        local_state = {k: v for k, v in itertools.chain(self._parameters.items(), persistent.items())
                       if v is not None}
        assign = local_metadata.get("assign_to_params_buffers", False)
        for name, param in local_state.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = _checkpoint_tensor(state_dict[key], key, error_msgs)
            if value is None:
                continue
            if param._data.ndim == 0 and value._data.shape == (1,):
                value = value[0]  # PyTorch's backward compatibility with 0.3-era checkpoints
            if value._data.shape != param._data.shape:
                error_msgs.append(
                    f"size mismatch for {key}: copying a param with shape {Size(value._data.shape)} "
                    f"from checkpoint, the shape in current model is {Size(param._data.shape)}."
                )
                continue
            if _LOADING.dry_run:
                continue  # the first pass of load_state_dict only looks for errors
            try:
                with no_grad():
                    if assign:
                        if isinstance(param, Parameter):
                            if not isinstance(value, Parameter):
                                value = Parameter(value, requires_grad=param._requires_grad)
                            else:
                                value.requires_grad_(param._requires_grad)
                        setattr(self, name, value)
                    else:
                        param.copy_(value)  # in place: optimizers keep pointing at `param`
            except Exception as exc:
                error_msgs.append(
                    f'While copying the parameter named "{key}", whose dimensions in the model are '
                    f"{param.size()} and whose dimensions in the checkpoint are {value.size()}, an "
                    f"exception occurred : {exc.args}."
                )
        extra_key = prefix + "_extra_state"
        extra = getattr(type(self), "set_extra_state", Module.set_extra_state)
        if extra is not Module.set_extra_state:
            if extra_key in state_dict:
                if not _LOADING.dry_run:
                    self.set_extra_state(state_dict[extra_key])
            elif strict:
                missing_keys.append(extra_key)
        elif strict and extra_key in state_dict:
            unexpected_keys.append(extra_key)
        if strict:
            for key in state_dict:
                if key.startswith(prefix) and key != extra_key:
                    head = key[len(prefix):].split(".", 1)
                    if len(head) > 1:
                        if head[0] not in self._modules:
                            unexpected_keys.append(key)
                    elif head[0] not in local_state:
                        unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy parameters and buffers from ``state_dict`` into this module (in place).

        Values may be minigrad tensors or numpy arrays; they are converted to the dtype of the
        parameter they are copied into (``assign=True`` instead puts the checkpoint's tensors
        themselves into the module, keeping each parameter's ``requires_grad``).
        With ``strict=True`` (default) the keys must match ``self.state_dict()`` exactly: missing
        or unexpected keys and shape mismatches raise a RuntimeError listing all of them; a model
        that does not fit is left unchanged. Returns
        ``_IncompatibleKeys(missing_keys, unexpected_keys)`` (also for ``strict=False``).

        Example::

            >>> src, dst = nn.Linear(2, 1), nn.Linear(2, 1)
            >>> dst.load_state_dict(src.state_dict())
            <All keys matched successfully>
            >>> minigrad.equal(dst.weight, src.weight)
            True
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = OrderedDict(state_dict)
        if metadata is not None:
            state_dict._metadata = metadata

        def load(module, local_state_dict, prefix=""):
            local_metadata = {} if metadata is None else dict(metadata.get(prefix[:-1], {}))
            if assign:
                local_metadata["assign_to_params_buffers"] = assign
            # strict=True here as in PyTorch: missing and unexpected keys are always collected (and
            # returned); only the raising below depends on `strict`.
            module._load_from_state_dict(local_state_dict, prefix, local_metadata, True,
                                         missing_keys, unexpected_keys, error_msgs)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    child_state = {k: v for k, v in local_state_dict.items()
                                   if k.startswith(child_prefix)}
                    load(child, child_state, child_prefix)

        # Two passes: the first only collects the errors (missing or unexpected keys, shape
        # mismatches) and copies nothing, so that a state dict that does not fit leaves the model
        # exactly as it was (PyTorch copies the tensors that fit before raising; we do not leave
        # a half-loaded model behind). The second pass copies.
        for dry_run in (True, False):
            missing_keys, unexpected_keys, error_msgs = [], [], []
            previous = _LOADING.dry_run
            _LOADING.dry_run = dry_run
            try:
                load(self, state_dict)
            finally:
                _LOADING.dry_run = previous
            if strict:
                if unexpected_keys:
                    error_msgs.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                        ", ".join(f'"{k}"' for k in unexpected_keys)))
                if missing_keys:
                    error_msgs.insert(0, "Missing key(s) in state_dict: {}. ".format(
                        ", ".join(f'"{k}"' for k in missing_keys)))
            if error_msgs:
                raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                    type(self).__name__, "\n\t".join(error_msgs)))
        del load
        return _IncompatibleKeys(missing_keys, unexpected_keys)

    # ------------------------------------------------------------------ printing
    def _get_name(self):
        return type(self).__name__

    def extra_repr(self):
        """The text inside this module's parentheses in ``repr`` (override in layers).

        Example::

            >>> nn.Linear(2, 3).extra_repr()
            'in_features=2, out_features=3, bias=True'
        """
        return ""

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({key}): " + _addindent(repr(module), 2)
                       for key, module in self._modules.items()]
        lines = extra_lines + child_lines
        main = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main += extra_lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"


def _checkpoint_tensor(value, key, error_msgs):
    """``value`` as a tensor (numpy arrays are accepted, as minigrad tensors), or None after adding
    PyTorch's error message for anything else."""
    if isinstance(value, Tensor):
        value.shape  # noqa: B018 - an uninitialised parameter raises PyTorch's error here
        return value
    if isinstance(value, (np.ndarray, np.generic)):
        from ...creation import as_tensor

        try:
            return as_tensor(np.asarray(value))
        except (TypeError, ValueError) as exc:
            error_msgs.append(f'While copying the parameter named "{key}": {exc}')
            return None
    error_msgs.append(
        f'While copying the parameter named "{key}", expected minigrad.Tensor or Tensor-like '
        f"object from checkpoint but received {type(value)}"
    )
    return None


def _remove_from(name, *containers):
    for c in containers:
        if name in c:
            if isinstance(c, dict):
                del c[name]
            else:
                c.discard(name)
