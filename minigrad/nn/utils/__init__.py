"""``nn.utils``: gradient clipping, flattening parameters into one vector, Monte Carlo dropout."""
from .clip_grad import clip_grad_norm_, clip_grad_value_  # noqa: F401
from .convert_parameters import parameters_to_vector, vector_to_parameters  # noqa: F401
from .monte_carlo import MCPrediction, mc_dropout, mc_predict  # noqa: F401
