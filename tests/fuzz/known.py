"""What the sweep and the fuzzer know about the differences from PyTorch they find.

Each ``Rule`` explains differences: its ``case`` pattern is matched against the case id
(``namespace.name-layout-dtype``), ``call`` against the line that calls the op, ``message``
against the difference reported by ``programs.differences``.

* ``DEFECTS``: minigrad bugs (issue 10). A case they explain is an expected failure, marked
  ``xfail(strict=True)``; fixing the bug makes the case pass and the strict xfail fail, so the
  rule (and the case's entry in ``known_failures.txt``) must then go.
* ``DOCUMENTED``: deliberate differences, each written in docs/core_differences.md (``doc`` is a
  phrase that must appear there; tests/test_op_sweep.py checks it). A difference they explain
  is not a failure.
"""
import re
from dataclasses import dataclass


@dataclass
class Rule:
    name: str
    reason: str
    message: str
    case: str = r".*"
    call: str = r".*"
    doc: str = None
    fuzz_only: bool = False  # found by the fuzzer only (no sweep case needs the rule)

    def matches(self, case_id, message, call):
        return (re.search(self.case, case_id) is not None
                and re.search(self.call, call) is not None
                and re.search(self.message, message, re.S) is not None)


_TORCH_DTYPE_REFUSAL = (r"(not implemented for '|does not support bool|Boolean inputs not supported|"
                        r"Autograd not support dtype|expected input to have floating|"
                        r"dtype is not supported|may not be a boolean|did not match (Long|Double|Float|Bool)|"
                        r"with two bool tensors|but bool is not|Expected self.dtype|"
                        r"integral tensor|expected scalar type|Found dtype|"
                        r"can't be cast to the desired output type|only supports floating|"
                        r"result type \w+ can't be cast)")

DEFECTS = [
    Rule("dtype-refusal",
         "issue 10 item 12 (class): computes on input dtypes PyTorch refuses, or refuses them "
         "with another exception",
         r"torch (raised )?\w+: .*" + _TORCH_DTYPE_REFUSAL),
    Rule("result-dtype", "issue 10 (class): the result's dtype differs from PyTorch's type "
         "promotion (bool sums, bool scalars with integer tensors, dtype= on empty inputs)",
         r"^(r|c|r\[\d\]): dtype \w+ != torch's \w+"),
    Rule("expanded-write-gradient",
         "issue 10: the gradient through a write into an expand()ed view (x[i] = v) still "
         "reaches the elements that share the overwritten memory (PyTorch: 0)",
         r"^grad of \w+: \d+ of \d+ values differ",
         case=r"\.(__setitem__|masked_fill_|index_put_|index_fill_|fill_|zero_)-expanded-"),
    Rule("special-values",
         "issue 10 item 6 (class): values or gradients at NaN, +-inf, -0.0, denormals or the "
         "largest finite value differ from PyTorch's (masks that multiply, intermediates that "
         "overflow, branches that drop NaN)",
         r"^(r|c|r\[\d\]|grad of \w+): (\d+ of \d+ values differ|shape |torch has None, "
         r"minigrad nonzero)", case=r"-special-"),
    Rule("missed-version-error",
         "issue 10 item 4 (class): a tensor saved for backward and then changed in place is not "
         "detected: PyTorch raises its version error, minigrad computes with whatever it kept",
         r"^backward: torch raised RuntimeError: one of the variables needed for gradient "
         r"computation has been modified by an inplace operation.*; minigrad did not$", fuzz_only=True),
    Rule("engine-crash",
         "issue 10 (engine): backward crashes inside minigrad (KeyError on a node, numpy "
         "scalars from 0-d gradients: 'return arrays must be of ArrayType', IndexError)",
         r"^backward: minigrad raised (KeyError|IndexError|TypeError|ValueError|AttributeError)", fuzz_only=True),
    Rule("histogram-edges",
         "issue 10: histc/histogram put a value near a bin edge into the neighbouring bin "
         "(the bin index is not computed as PyTorch's (x - min) * bins / (max - min))",
         r"^r(\[0\])?: \d+ of \d+ values differ", case=r"\.(histc|histogram)-", fuzz_only=True),
    Rule("var-no-degrees-of-freedom",
         "issue 10: var/std with correction >= the number of elements: NaN gradients where "
         "PyTorch's are 0", r"^grad of \w+: \d+ of \d+ values differ",
         case=r"\.(var|std|var_mean|std_mean)-", call=r"correction=2|unbiased", fuzz_only=True),
    Rule("wrong-exception-type",
         "issue 10 (class): a Python or numpy exception (AttributeError, IndexError 'tuple index "
         "out of range', ValueError, UFuncTypeError, TypeError) escapes where PyTorch raises "
         "its own error",
         r"minigrad raised (AttributeError|IndexError|ValueError|UFuncTypeError|TypeError|"
         r"RuntimeError|OverflowError|NotImplementedError): .*; torch (?!did not)\w+"),
    Rule("accepts-invalid-arguments",
         "issue 10 (class): accepts arguments PyTorch refuses (a list for varargs, varargs for "
         "a list, an int for a tuple of dims, a missing required argument, shapes or ranges "
         "PyTorch checks)",
         r"torch raised (TypeError|RuntimeError|IndexError|ValueError): .*; minigrad did not$"),
    Rule("refuses-valid-arguments",
         "issue 10 (class): raises on arguments PyTorch accepts",
         r"minigrad raised \w+: .*; torch did not$"),
]

# Used by the fuzzer, which finds it when one backward root depends on another (a view of a
# tensor changed in place): the gradients come out right when the same roots are summed into
# one loss (tests/test_regressions_issue10.py has the small cases).
DEPENDENT_ROOTS = Rule(
    "dependent-roots",
    "issue 10 (engine): backward from several roots of which one is the same tensor as, or an "
    "ancestor of, another drops gradients, raises KeyError or 'backward through the graph a "
    "second time'", r".*", case="fuzzer")

DOCUMENTED = [
    Rule("torch-backward-raises",
         "PyTorch's backward raises (no derivative for in-place acosh_/asinh_/atanh_, bool "
         "operands in pow/atan2, dist with p=0, a wrapped-number assert); minigrad's gradient is "
         "the exact one",
         r"backward: torch raised \w+: (the derivative for 'inplace version of (acosh|asinh|"
         r"atanh)' is not implemented|Subtraction, the `-` operator, with a bool tensor|"
         r"Negation, the `-` operator, on a bool tensor|Expected a proper Tensor but got None|"
         r"false INTERNAL ASSERT FAILED).*; minigrad did not$",
         doc="PyTorch's backward raises"),
    Rule("bool-pow", "bool ** bool gives numpy's int8 (PyTorch: bool or an error)",
         r"dtype int8 != torch's bool", case=r"\.(pow|pow_|__pow__|__rpow__|__ipow__)-.*-bool$",
         doc="`bool_tensor ** bool`"),
    Rule("ldexp-gradient", "ldexp with negative integer exponents: PyTorch's gradient is 0",
         r"^grad of \w+: \d+ of \d+ values differ", case=r"\.ldexp-",
         doc="`ldexp` with negative integer exponents"),
    Rule("torch-expanded-median",
         "PyTorch's median/kthvalue/nanmedian/mode of an expand()ed tensor are wrong (its "
         "in-place selection runs on the overlapping memory); minigrad's are right",
         r"^r\[\d\]: \d+ of \d+ values differ",
         case=r"\.(median|nanmedian|kthvalue|mode)-expanded-", doc="of an `expand()`ed tensor"),
    Rule("polygamma-poles", "polygamma at its poles is +-inf (PyTorch: its series' values)",
         r"^r: \d+ of \d+ values differ", case=r"\.polygamma-", doc="at its poles"),
    Rule("torch-int-requires-grad",
         "masked_fill_/index_fill_/fill_/x[i] = v of an integer tensor with a float value that requires "
         "grad: PyTorch marks the integer result as requiring grad; minigrad does not (integer "
         "tensors cannot require grad)",
         r"^r: requires_grad False != torch's True$",
         case=r"\.(masked_fill_?|index_fill_?|fill_|__setitem__)-.*-(int64|bool)$",
         doc="marks the integer result"),
    Rule("scatter-reduce-ties",
         "scatter_reduce amax/amin with include_self=False: PyTorch counts an excluded equal "
         "original value among the ties", r"^grad of \w+: \d+ of \d+ values differ",
         case=r"\.scatter_reduce_?-", call=r"include_self=False", doc="counts it among the ties"),
    Rule("rtruediv-reciprocal",
         "Tensor.__rtruediv__ (other / x) divides in the promoted dtype; PyTorch multiplies "
         "other by x.reciprocal() computed in x's dtype (float32 precision for a float64 other)",
         r"^r: \d+ of \d+ values differ", case=r"\.__rtruediv__-",
         doc="x.reciprocal()"),
    Rule("rounding-amplified",
         "a discontinuous op (fmod, remainder, floor, round, xlogy at 0 ...) of a value computed "
         "in float32 turns a last-bit difference of that value into a large one",
         r"^(r|grad of \w+): \d+ of \d+ values differ",
         case=r"\.(fmod|fmod_|remainder|remainder_|floor|ceil|round|trunc|frac|fix|"
              r"floor_divide|__mod__|__rmod__|__floordiv__|__rfloordiv__|__imod__|xlogy|xlogy_|"
              r"sign|sgn|div|divide|histc|histogram|bucketize|searchsorted)-.*-float32$",
         call=r"\bs\d", doc="amplify the last-bit differences"),
    Rule("norm-zero-count",
         "norm(x, 0) counts the nonzero entries: of a value computed in float32 that is exactly 0 "
         "in one library and a rounding residue in the other (cross(v, v) ...), the count differs",
         r"^r: \d+ of \d+ values differ", case=r"\.norm-.*-float32$", call=r"norm\(s\d+, 0\)",
         doc="amplify the last-bit differences", fuzz_only=True),
    Rule("std-equal-values",
         "var/std of float32 are computed in float64: equal values give exactly 0 (and a zero "
         "gradient) where PyTorch's float32 rounding can leave a tiny variance",
         r"^grad of \w+: \d+ of \d+ values differ", case=r"\.(std|var|std_mean|var_mean)-.*-float32$",
         doc="computed in float64"),
    Rule("vander-gradient", "vander: PyTorch's backward raises (an in-place modification)",
         r"backward: torch raised RuntimeError: one of the variables needed for gradient "
         r"computation has been modified by an inplace operation.*; minigrad did not$",
         case=r"\.vander-", doc="and `vander`"),
    Rule("torch-kron-stale-operand",
         "kron: an operand changed in place after the product; PyTorch's backward reads its new "
         "values with no version error, minigrad's uses the forward's (the fuzzer shows the "
         "difference at the next step that the gradient flows through, such as a .to copy)",
         r"^grad of \w+: \d+ of \d+ values differ", case=r"\.to-", call=r"\.to\(",
         doc="escapes the check", fuzz_only=True),
    Rule("python-scalar-operands", "Python numbers are operands where PyTorch wants tensors",
         r"torch (raised )?TypeError: \w+\(\): argument '(other|exponent|input|values|end|weight)'"
         r" \(position \d\) must be Tensor, not (int|float|bool)",
         doc="Python numbers and lists are operands"),
    Rule("floor-divide-gradient", "`//` has a zero gradient (PyTorch: no derivative)",
         r"backward: torch raised RuntimeError: derivative for aten::floor_divide_? is not "
         r"implemented; minigrad did not", doc="zero gradient for `//`"),
    Rule("remainder-gradient", "`2.0 % x` has the exact gradient (PyTorch: no derivative)",
         r"backward: torch raised RuntimeError: derivative for aten::remainder is not "
         r"implemented; minigrad did not", doc="the exact one for `%`"),
    Rule("non-differentiable", "non-differentiable ops return tensors that do not require grad",
         r"^(r(\[\d\])?: requires_grad False != torch's True|r\[2\]: False != True)$",
         case=r"\.(heaviside|nextafter|unique|unique_consecutive|bernoulli|poisson|histogram|"
              r"normal|searchsorted|bucketize|bincount)-",
         doc="Non-differentiable ops"),
    Rule("tie-indices", "among equal values the index of median/kthvalue/mode may differ",
         r"^r\[1\]: \d+ of \d+ values differ",
         case=r"\.(median|nanmedian|kthvalue|mode|topk)-",
         doc="may differ from PyTorch's"),
]


def explain_all(case_id, messages, call=""):
    """The rule for each message. A variable whose dtype or shape differs also differs in its
    values: its other messages are explained by the rule that explains that one."""
    rules = [explain(case_id, m, call) for m in messages]
    cause = {}
    for m, r in zip(messages, rules):
        var, _, rest = m.partition(": ")
        if r is not None and rest.startswith(("dtype ", "shape ")):
            cause.setdefault(var, r)
    return [r if r is not None else cause.get(m.partition(": ")[0]) for m, r in zip(messages, rules)]


def explain(case_id, message, call=""):
    """The rule that explains a difference: a documented one first, else a defect; or None.
    (The fuzzer's results ``s3``, ``s3[1]`` are read as the sweep's ``r``, ``r[1]``.)"""
    message = re.sub(r"^s\d+", "r", message)
    for rule in DOCUMENTED:
        if rule.matches(case_id, message, call):
            return rule
    for rule in DEFECTS:
        if rule.matches(case_id, message, call):
            return rule
    return None
