"""``RemovableHandle``: what ``register_hook`` and ``register_forward_hook`` return (as
``torch.utils.hooks``)."""

__all__ = ["RemovableHandle"]


class RemovableHandle:
    """A registered hook's handle: ``handle.remove()`` unregisters it (calling it again does
    nothing); as a context manager, the hook is removed on leaving the ``with`` block.

    Example::

        >>> x = minigrad.ones(2, requires_grad=True)
        >>> handle = x.register_hook(lambda grad: grad * 2)
        >>> x.sum().backward()
        >>> x.grad
        tensor([2., 2.])
        >>> handle.remove()
    """

    _next_id = 0

    def __init__(self, hooks_dict):
        self._hooks = hooks_dict
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self):
        """Unregister the hook (a no-op if it was removed already)."""
        self._hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
