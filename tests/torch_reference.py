"""Shared by the op test files (tests/test_ops_*.py): the same values and gradients as torch in
float32 and float64, and the same exceptions (type, and message with "torch." read as
"minigrad.")."""
import warnings

import numpy as np

import minigrad
from minigrad.autograd import gradcheck


def error_of(lib, code):
    """(exception type, message) that ``code`` raises with ``L`` bound to ``lib``, or (None, None)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(code, {"L": lib, "np": np})
    except Exception as exc:  # noqa: BLE001
        return type(exc), str(exc).replace("torch.", "minigrad.")
    return None, None


def assert_same_error(torch, code):
    t_type, t_msg = error_of(torch, code)
    assert t_type is not None, "the case must be an error in torch"
    m_type, m_msg = error_of(minigrad, code)
    assert m_type is not None, f"minigrad accepted: {code}"
    assert issubclass(m_type, t_type), f"{m_type.__name__} != {t_type.__name__}: {m_msg}"
    assert m_msg == t_msg


def to_float64(arrays):
    """The float32 arrays among ``arrays`` as float64 (others unchanged)."""
    return [a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype == np.float32 else a
            for a in arrays]


def check_parity_float32_and_64(fn, arrays):
    """check_parity on the inputs as given, then with the float32 ones as float64."""
    from test_torch_parity import check_parity  # here: test_torch_parity imports this module
    check_parity(fn, arrays)
    check_parity(fn, to_float64(arrays))


def gradcheck_float64(fn, arrays):
    """minigrad's finite-difference gradient check of ``fn`` at ``arrays`` made float64 tensors
    that require grad."""
    inputs = [minigrad.tensor(a.astype(np.float64), requires_grad=True) for a in arrays]
    return gradcheck(fn, tuple(inputs))


# the op modules whose ops (those the no-warnings tests run) silence numpy themselves
# (np.errstate), so no RuntimeWarning may come from them. (arithmetic.py and reduction.py are not
# here: the sums and divisions inside lerp, addcdiv, prod ... rely on minigrad's warnings filter.)
_QUIET_OP_MODULES = tuple("ops/" + m for m in (
    "_elementwise.py", "rounding.py", "pointwise.py", "comparison.py", "floating_point.py",
    "trigonometric.py", "special_functions.py", "activation.py", "cumulative.py", "statistics.py",
    "min_max.py", "shape.py", "joining.py", "einsum.py", "inplace_variants.py"))


def warnings_from_quiet_ops(caught):
    """The recorded warnings (``warnings.catch_warnings(record=True)``) raised in those modules,
    as ``file:line: message`` strings (an empty list is the pass)."""
    return [f"{w.filename}:{w.lineno}: {w.message}" for w in caught
            if w.filename.replace("\\", "/").endswith(_QUIET_OP_MODULES)]
