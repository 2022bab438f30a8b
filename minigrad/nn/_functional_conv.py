"""The functional forms of the convolution, pooling and normalisation layers, part of
``minigrad.nn.functional`` (imported there). They are written next to their autograd ops, in
``minigrad/ops/convolution.py``, ``pooling.py`` and ``normalization.py``."""
from ..ops.convolution import conv1d, conv2d
from ..ops.normalization import batch_norm, layer_norm
from ..ops.pooling import (
    adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d, adaptive_max_pool2d,
    avg_pool1d, avg_pool2d, max_pool1d, max_pool2d,
)

__all__ = ["conv1d", "conv2d", "batch_norm", "layer_norm", "max_pool1d", "max_pool2d",
           "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
           "adaptive_max_pool1d", "adaptive_max_pool2d"]
