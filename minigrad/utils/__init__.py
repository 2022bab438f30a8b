"""``minigrad.utils``: data loading (``minigrad.utils.data``)."""
from . import data  # noqa: F401
