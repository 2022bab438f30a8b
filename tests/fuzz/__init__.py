"""Differential testing of minigrad against PyTorch 2.13 through the public API only.

* ``programs``: a program is a few lines of Python run twice, with ``L`` bound to minigrad and
  to torch, on the same input arrays; ``compare`` checks what the two runs computed (shape,
  dtype, values NaN-aware, ``requires_grad``, error types) and then the gradients.
* ``layouts``: the input values (float32/float64/int64/bool, NaN/inf/-0.0/denormals) and
  layouts (0-d, empty, transposed, strided, flipped, expanded) of a program's tensors.
* ``catalog``: every public op of ``minigrad``, ``minigrad.Tensor`` and
  ``minigrad.nn.functional``, each assigned to the signature kinds (``kinds``: argument
  templates and the further inputs they name) that call it, or listed as not callable by the
  sweep with a reason.
* ``sweep``: the op sweep's cases (op x layout x dtype) and their programs; ``baseline``
  rewrites ``known_failures.txt``, the cases that fail today because of a known defect.
* ``known``: the mismatches that are known defects (issue 10) or documented deviations.
* ``generator``: random programs (chains of ops) for the fuzzer.

Used by tests/test_op_sweep.py, tests/test_view_tracking.py, tests/test_fuzz.py.
"""
