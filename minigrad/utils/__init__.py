"""``minigrad.utils``: data loading (``minigrad.utils.data``) and hook handles
(``minigrad.utils.hooks``).

Only ``hooks`` is imported here: the autograd engine and ``nn.Module`` hand out its handles, and
they sit below ``data`` (which builds batches with the ops); ``import minigrad`` imports
``utils.data`` too."""
from . import hooks  # noqa: F401
