"""Stand-ins for ``torch.backends`` flags that PyTorch scripts commonly set."""
from types import SimpleNamespace

cudnn = SimpleNamespace(deterministic=True, benchmark=False, enabled=False)
mps = SimpleNamespace(is_available=lambda: False)
