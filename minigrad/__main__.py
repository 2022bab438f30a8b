"""``python -m minigrad``: what this build of minigrad is and how it will run."""
import os
import platform

import numpy as np

from . import __version__, _ops, get_num_threads


def info():
    chosen = os.environ.get("MINIGRAD_KERNELS", "").strip()
    level = _ops.kernel_variant()
    lines = [
        f"minigrad {__version__}",
        f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}",
        f"OpenMP compiled in: {'yes' if _ops.openmp_enabled() else 'no (serial kernels)'}",
        f"threads: {get_num_threads()} (OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')})",
        # MINIGRAD_KERNELS=generic|avx2|avx512 picks the variant of every family below.
        f"kernel variant: {level} "
        + (f"(MINIGRAD_KERNELS={chosen})" if chosen else "(MINIGRAD_KERNELS unset: the best this CPU supports)"),
        f"CPU supports: {', '.join(_ops.available_kernel_variants())}",
        f"matmul kernel: {_ops.gemm_variant()}",
        f"random/elementwise kernel: {_ops.rng_variant()}",
        f"fma kernel: {_ops.fma_variant()}",
        f"layer kernels (normalisation, pooling, direct conv): {_ops.layers_variant()}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(info())
