"""Small real data sets bundled with minigrad, so the examples train offline.

``load_digits()``: the UCI optical-recognition handwritten digits (1,797 images of 8x8 pixels,
values 0..16, ten classes), the set scikit-learn ships as ``load_digits``. Licence and attribution:
``data/DIGITS_LICENSE.txt`` (CC BY 4.0).
"""
import os

import numpy as np

from ..tensor import _wrap

__all__ = ["load_digits"]

_DATA = os.path.join(os.path.dirname(__file__), "data")


def load_digits(flatten=True, normalize=True):
    """The handwritten digits as ``(images, targets)`` tensors.

    Args:
        flatten: images as (1797, 64) rows (default) or as (1797, 8, 8).
        normalize: pixel values scaled from 0..16 to 0..1 (default) or kept as counts.

    Returns:
        images: float32 tensor, (1797, 64) or (1797, 8, 8)
        targets: int64 tensor (1797,), the digit 0..9

    Example::

        >>> X, y = minigrad.datasets.load_digits()
        >>> X.shape, y[:5]
        (minigrad.Size([1797, 64]), tensor([0, 1, 2, 3, 4]))
    """
    path = os.path.join(_DATA, "digits.npz")
    with np.load(path, allow_pickle=False) as z:
        images = z["images"].astype(np.float32)
        targets = z["target"].astype(np.int64)
    if normalize:
        images /= 16.0
    if flatten:
        images = images.reshape(len(images), -1)
    return _wrap(images), _wrap(targets)
