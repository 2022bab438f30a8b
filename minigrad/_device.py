"""``minigrad.device`` and the default device: minigrad's tensors live on the CPU.

Any device PyTorch knows can be *named* (``device("cuda:0")``, ``device("mps")``), compared and
printed as in PyTorch, so that the usual device-selection code runs unchanged::

    device = "cuda" if torch.cuda.is_available() else "cpu"
    model.to(device)

Placing a tensor anywhere but the CPU fails where PyTorch built without CUDA fails, with its
error (``place``): ``torch.zeros(1, device="cuda")``, ``t.to("cuda")`` and ``t.cuda()`` are
``AssertionError: Torch not compiled with CUDA enabled``. The default device
(``set_default_device``, or ``with device(...)``) is where the factories (``zeros``,
``tensor``, ``randn`` ...) put tensors when they get no ``device=``.
"""
import re
import threading
import warnings

__all__ = ["device", "set_default_device", "get_default_device"]

# PyTorch's device types, in the order its error message lists them
_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
          "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")
_DEVICE_STRING = re.compile(r"([a-z]+)(?::(0|[1-9][0-9]*))?\Z")
_NO_ACCELERATOR = "Cannot access accelerator device when none is available."


def _signature_error(arg):
    name = type(arg).__name__
    return TypeError(
        f"device() received an invalid combination of arguments - got ({name}), but expected one "
        f"of:\n * (minigrad.device device)\n      didn't match because some of the arguments have "
        f"invalid types: (!{name}!)\n * (str type, int index = -1)\n")


class device:
    """A device, as ``torch.device``: a type (``"cpu"``, ``"cuda"``, ``"mps"`` ...) and an
    optional index. Any of PyTorch's device types can be named; minigrad's tensors can only be
    placed on the CPU (elsewhere is PyTorch's error for a build without that device).

    Example::

        >>> minigrad.device("cpu")
        device(type='cpu')
        >>> d = minigrad.device("cuda:0")
        >>> d, str(d), d.type, d.index
        (device(type='cuda', index=0), 'cuda:0', 'cuda', 0)
        >>> minigrad.zeros(2).device
        device(type='cpu')

    Used as a context manager, it is the default device of the factories inside the block.
    """

    __slots__ = ("_type", "_index", "_previous")

    def __init__(self, type=None, index=None):  # noqa: A002 - PyTorch's argument name
        if isinstance(type, device) and index is None:
            self._type, self._index = type._type, type._index
            return
        if isinstance(type, int) and not isinstance(type, bool) and index is None:
            if type < 0:
                raise RuntimeError("Device index must not be negative")
            raise RuntimeError(_NO_ACCELERATOR)  # a bare index names the accelerator
        if not isinstance(type, str):
            raise _signature_error(type)
        if index is not None and (isinstance(index, bool) or not isinstance(index, int)):
            raise TypeError(f"device(): argument 'index' (position 2) must be int, not "
                            f"{builtins_type_name(index)}")
        if not type:
            raise RuntimeError("Device string must not be empty")
        m = _DEVICE_STRING.match(type)
        if m is None or m.group(1) not in _TYPES:
            kind = re.match(r"[a-zA-Z]*", type).group(0)
            if kind in _TYPES:
                raise RuntimeError(f"Invalid device string: '{type}'")
            raise RuntimeError(f"Expected one of {', '.join(_TYPES)} device type at start of "
                               f"device string: {type}")
        kind, own = m.group(1), m.group(2)
        if index is not None:
            if own is not None:
                raise RuntimeError("type (string) must not include an index because index was "
                                   f"passed explicitly: {type}")
            if index < 0:
                raise RuntimeError("Device index must not be negative")
        elif own is not None:
            index = int(own)
        if kind == "mkldnn":
            warnings.warn("'mkldnn' is no longer used as device type. So minigrad.device('mkldnn') "
                          "will be deprecated and removed in the future. Please use other valid "
                          "device types instead.", UserWarning, stacklevel=2)
        self._type, self._index = kind, index

    @property
    def type(self):
        """The device type: ``"cpu"``, ``"cuda"``, ``"mps"`` ..."""
        return self._type

    @property
    def index(self):
        """The device's index (``cuda:1`` has index 1), or None."""
        return self._index

    def __repr__(self):
        if self._index is None:
            return f"device(type='{self._type}')"
        return f"device(type='{self._type}', index={self._index})"

    def __str__(self):
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __eq__(self, other):  # a device equals a device, not a string (as in PyTorch)
        if not isinstance(other, device):
            return False
        return self._type == other._type and self._index == other._index

    def __hash__(self):
        return hash((self._type, self._index))

    def _unordered(self, other):
        raise TypeError("comparison not implemented")

    __lt__ = __le__ = __gt__ = __ge__ = _unordered

    def __reduce__(self):
        return (device, (self._type, self._index) if self._index is not None else (self._type,))

    def __enter__(self):
        self._previous = _default.device
        set_default_device(self)
        return self

    def __exit__(self, *exc):
        _default.device = self._previous


def builtins_type_name(value):
    t = type(value)
    return t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


cpu = device("cpu")


class _Default(threading.local):
    device = None  # None: the CPU


_default = _Default()


def set_default_device(device_):
    """The device the factories (``zeros``, ``tensor``, ``randn`` ...) use when given none, as
    ``torch.set_default_device``. ``None`` restores the CPU. Naming CUDA is accepted; creating a
    tensor there is PyTorch's error for a build without CUDA.

    Example::

        >>> minigrad.set_default_device("cpu")
        >>> minigrad.get_default_device()
        device(type='cpu')
        >>> minigrad.set_default_device(None)
    """
    _default.device = None if device_ is None else device(device_)


def get_default_device():
    """The default device of the factories (``device(type='cpu')`` unless changed); for a
    device no tensor can be placed on, PyTorch's error (it makes a tensor to find out).

    Example::

        >>> minigrad.get_default_device()
        device(type='cpu')
    """
    d = _default.device
    if d is None:
        return cpu
    place(d)
    return d


# what PyTorch built for the CPU only says when a tensor is placed on another device
_NOT_COMPILED = {
    "cuda": "Torch not compiled with CUDA enabled",
    "xpu": "Torch not compiled with XPU enabled",
    "mtia": "Torch not compiled with MTIA enabled. Ensure you have `import "
            "mtia.host_runtime.torch_mtia.dynamic_library` in your python src file and include "
            "`//mtia/host_runtime/torch_mtia:torch_mtia` as your target dependency!",
}
_BACKENDS = {"mps": "MPS", "hip": "HIP", "xla": "XLA", "ipu": "IPU", "vulkan": "Vulkan",
             "ve": "VE", "fpga": "FPGA", "maia": "MAIA", "lazy": "Lazy"}


def place(where, how="factory"):
    """Check that a tensor can be placed on ``where`` (a device, a string, an index, or None for
    the default device); raise PyTorch's error (a build without that device) otherwise.

    how: "factory" (``zeros(..., device=)``, ``empty``), "to" (``t.to()``, ``tensor(...,
    device=)``), "load" (``load(map_location=)``): PyTorch's messages differ between them.
    """
    if where is None:
        where = _default.device
        if where is None:
            return cpu
    d = where if isinstance(where, device) else device(where)
    kind = d._type
    if kind == "cpu":
        return d
    if how == "load" and kind == "cuda":
        raise RuntimeError(
            "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
            "False. If you are running on a CPU-only machine, please use torch.load with "
            "map_location=torch.device('cpu') to map your storages to the CPU.")
    if kind in _NOT_COMPILED:
        raise AssertionError(_NOT_COMPILED[kind])
    if kind in ("hpu", "privateuseone"):
        raise ModuleNotFoundError(f"No module named 'minigrad.{kind}'")
    if kind == "meta":
        raise NotImplementedError("minigrad has no 'meta' device: its tensors always hold their "
                                  "data, on the CPU")
    if kind in _BACKENDS and (how == "factory" or kind == "lazy"):
        raise NotImplementedError(
            f"Could not run 'aten::empty.memory_format' with arguments from the "
            f"'{_BACKENDS[kind]}' backend. This could be because the operator doesn't exist for "
            "this backend, or was omitted during the selective/custom build process (if using "
            "custom build).")
    raise RuntimeError(f"PyTorch is not linked with support for {kind} devices")
