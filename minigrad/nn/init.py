"""``nn.init``: fill parameters in place with PyTorch's initialisation schemes.

Every function works under ``no_grad`` (it may be applied to parameters that require grad),
returns the tensor it filled, and draws from the default generator unless ``generator=`` is given
(so ``minigrad.manual_seed`` makes model initialisation repeatable).

Example::

    >>> w = nn.Parameter(minigrad.empty(3, 5))
    >>> nn.init.kaiming_uniform_(w, a=math.sqrt(5))   # what nn.Linear does
    >>> nn.init.zeros_(nn.Parameter(minigrad.empty(3)))
"""
import math
import warnings

import numpy as np

from ..creation import fill_normal, fill_uniform

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_",
           "zeros_", "eye_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
           "kaiming_normal_", "orthogonal_"]


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (``relu``: √2, ``tanh``: 5/3, ``selu``: 3/4,
    ``leaky_relu``: √(2 / (1 + slope²)), linear and sigmoid: 1).

    Example::

        >>> nn.init.calculate_gain("leaky_relu", 0.2)
        1.3867504905630728
    """
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                  "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif (not isinstance(param, bool) and isinstance(param, int)) or isinstance(param, float):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    """(fan_in, fan_out) of a weight (out_features, in_features, *kernel)."""
    if tensor.dim() < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"
        )
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid = ["fan_in", "fan_out"]
    if mode not in valid:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor, fill):
    """Write ``fill(array)`` into the tensor's memory without recording a graph."""
    data = tensor._data
    if data.flags.c_contiguous:
        fill(data)
    else:
        tmp = np.empty(data.shape, data.dtype)
        fill(tmp)
        data[...] = tmp
    tensor._vc[0] += 1
    return tensor


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill ``tensor`` in place with values drawn from U(a, b); returns it.

    Example::

        >>> w = nn.init.uniform_(minigrad.empty(1000), a=-0.1, b=0.1)
        >>> bool(w.min() >= -0.1 and w.max() < 0.1)
        True
    """
    return _fill(tensor, lambda arr: fill_uniform(arr, generator, a, b))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill ``tensor`` in place with values drawn from N(mean, std²); returns it.

    Example::

        >>> w = nn.init.normal_(minigrad.empty(10000), mean=1., std=0.1)
        >>> round(w.mean().item(), 2), round(w.std().item(), 2)
        (1.0, 0.1)
    """
    return _fill(tensor, lambda arr: fill_normal(arr, generator, mean, std))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill ``tensor`` in place with values from N(mean, std²) truncated to [a, b] (out-of-range
    draws are redrawn); returns it.

    Example::

        >>> w = nn.init.trunc_normal_(minigrad.empty(1000), std=1., a=-0.5, b=0.5)
        >>> bool(w.abs().max() <= 0.5)
        True
    """

    def fill(arr):
        flat = arr.reshape(-1)
        todo = np.arange(flat.size)
        while todo.size:
            draw = fill_normal(np.empty(todo.size, np.float64), generator, mean, std)
            flat[todo] = draw
            todo = todo[(draw < a) | (draw > b)]
        np.clip(flat, a, b, out=flat)

    return _fill(tensor, fill)


def constant_(tensor, val):
    """Fill ``tensor`` in place with the value ``val``; returns it.

    Example::

        >>> nn.init.constant_(minigrad.empty(3), 0.3)
        tensor([0.3000, 0.3000, 0.3000])
    """
    return _fill(tensor, lambda arr: arr.fill(val))


def ones_(tensor):
    """Fill ``tensor`` in place with ones; returns it.

    Example::

        >>> nn.init.ones_(minigrad.empty(2))
        tensor([1., 1.])
    """
    return constant_(tensor, 1)


def zeros_(tensor):
    """Fill ``tensor`` in place with zeros; returns it (works on parameters: no graph is recorded).

    Example::

        >>> b = nn.Parameter(minigrad.ones(2))
        >>> nn.init.zeros_(b)
        Parameter containing:
        tensor([0., 0.], requires_grad=True)
    """
    return constant_(tensor, 0)


def eye_(tensor):
    """Fill a 2-d ``tensor`` in place with the identity matrix; returns it.

    Example::

        >>> nn.init.eye_(minigrad.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _fill(tensor, lambda arr: np.copyto(arr, np.eye(*arr.shape, dtype=arr.dtype)))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot initialisation: fill ``tensor`` with U(-a, a), a = gain * √(6 / (fan_in + fan_out));
    returns it.

    Example::

        >>> w = nn.init.xavier_uniform_(minigrad.empty(30, 20))
        >>> bool(w.abs().max() <= (6 / 50) ** 0.5)
        True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot initialisation: fill ``tensor`` with N(0, std²), std = gain * √(2 / (fan_in + fan_out));
    returns it.

    Example::

        >>> w = nn.init.xavier_normal_(minigrad.empty(300, 200))
        >>> round(w.std().item(), 2)
        0.06
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    fan = _calculate_correct_fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def _zero_elements(tensor):
    if 0 in tuple(tensor.shape):
        warnings.warn("Initializing zero-element tensors is a no-op")
        return True
    return False


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He initialisation: fill ``tensor`` with U(-bound, bound), bound = gain * √(3 / fan), where
    gain = calculate_gain(nonlinearity, a) and fan is fan_in or fan_out (``mode``); returns it.
    ``nn.Linear`` uses ``kaiming_uniform_(weight, a=math.sqrt(5))``.

    Example::

        >>> w = nn.init.kaiming_uniform_(minigrad.empty(64, 100), nonlinearity="relu")
        >>> bool(w.abs().max() <= (2 ** 0.5) * (3 / 100) ** 0.5)
        True
    """
    if _zero_elements(tensor):
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He initialisation: fill ``tensor`` with N(0, std²), std = gain / √fan (see
    ``kaiming_uniform_``); returns it.

    Example::

        >>> w = nn.init.kaiming_normal_(minigrad.empty(500, 200), mode="fan_in", nonlinearity="relu")
        >>> round(w.std().item(), 2)  # √2 / √200
        0.1
    """
    if _zero_elements(tensor):
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def orthogonal_(tensor, gain=1, generator=None):
    """Fill ``tensor`` with a (semi-)orthogonal matrix (QR of a normal matrix), times ``gain``;
    returns it.

    Example::

        >>> q = nn.init.orthogonal_(minigrad.empty(3, 3, dtype=minigrad.float64))
        >>> minigrad.allclose(q @ q.T, minigrad.eye(3, dtype=minigrad.float64))
        True
    """
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = fill_normal(np.empty((rows, cols), np.float64), generator)
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, lambda arr: np.copyto(arr, (gain * q).reshape(arr.shape), casting="unsafe"))


# PyTorch's deprecated names without the trailing underscore
def _deprecated(fn):
    def wrapper(*args, **kwargs):
        warnings.warn(f"nn.init.{fn.__name__[:-1]} is now deprecated in favor of nn.init.{fn.__name__}.",
                      FutureWarning, stacklevel=2)
        return fn(*args, **kwargs)

    wrapper.__doc__ = fn.__doc__
    return wrapper


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
