"""Automatic differentiation: the graph's nodes, the backward engine, grad modes, gradcheck.

Reading order for how ``loss.backward()`` works: ``function.py`` (what an op records),
``engine.py`` (how the graph is walked), ``sinks.py`` (how gradients reach ``.grad``),
``grad_mode.py`` (``no_grad``); then ``hooks.py`` (``register_hook``, ``retain_grad``).
"""
from . import hooks, sinks  # noqa: F401
from .engine import backward, grad  # noqa: F401
from .function import Function, once_differentiable  # noqa: F401
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled  # noqa: F401
from .gradcheck import GradcheckError, gradcheck  # noqa: F401

__all__ = ["backward", "grad", "Function", "gradcheck", "GradcheckError", "no_grad",
           "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode"]
