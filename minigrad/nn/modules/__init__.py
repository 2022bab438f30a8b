"""The layers of ``minigrad.nn``, one family per file (as ``torch/nn/modules/``)."""
from .activation import (  # noqa: F401
    ELU, GELU, SELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softmin, Softplus, Tanh,
)
from .container import ModuleDict, ModuleList, ParameterList, Sequential  # noqa: F401
from .dropout import (  # noqa: F401
    AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout,
)
from .flatten import Flatten, Unflatten  # noqa: F401
from .linear import Identity, Linear  # noqa: F401
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss,  # noqa: F401
                   MSELoss, NLLLoss, SmoothL1Loss)
from .module import Module  # noqa: F401
