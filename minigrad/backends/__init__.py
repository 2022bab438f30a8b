"""Stand-ins for ``torch.backends``: the flags PyTorch scripts commonly set (they change nothing
in minigrad) and the availability checks, answered as by PyTorch built for the CPU only::

    if torch.backends.mps.is_available():
        device = "mps"
"""
from types import SimpleNamespace


def _false():
    return False


def _none():
    return None


# PyTorch's defaults; minigrad's kernels are deterministic whatever these say
cudnn = SimpleNamespace(enabled=True, benchmark=False, deterministic=False, allow_tf32=True,
                        is_available=_false, version=_none)
mps = SimpleNamespace(is_available=_false, is_built=_false)
cuda = SimpleNamespace(is_built=_false, matmul=SimpleNamespace(allow_tf32=False))
