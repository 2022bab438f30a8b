"""Every public op of minigrad against PyTorch 2.13 on 0-d, empty and non-contiguous inputs.

The ops are not listed by hand: ``fuzz.catalog.public_ops()`` enumerates ``minigrad.*``,
``minigrad.linalg.*``, ``minigrad.nn.functional.*`` and ``minigrad.Tensor``'s methods,
properties and operators, and each is swept with the argument templates of its signature kinds
(``fuzz.catalog.KIND_OF``) or listed in ``fuzz.catalog.NOT_SWEPT`` with a reason; a new op in
neither fails ``test_every_public_op_is_swept_or_listed``.

A case is one op, one input layout (contiguous, 0-d, empty, transposed, strided slice, flipped
view, expanded, special values) and one dtype (float32, float64, int64, bool). Every template
of the op's kinds runs on both libraries (``fuzz.programs.differences``): the same shape, dtype,
values (NaN-aware, float32 tolerances), ``requires_grad``, input left unchanged, error type, and
the same gradients for a random upstream gradient.

Differences a deliberate, documented deviation explains (``fuzz.known.DOCUMENTED``, each in
docs/core_differences.md) pass. Cases that fail because of a known defect (issue 10) are listed
in ``fuzz/known_failures.txt`` and marked ``xfail(strict=True)``: the case must fail with only
those known differences, and fixing the defect makes it pass and the xfail fail, so the entry
goes (``python -m fuzz.baseline`` rewrites the list).
"""
import os
import re

import pytest

pytest.importorskip("torch")

from fuzz import baseline, catalog, known, sweep  # noqa: E402

KNOWN_FAILURES = baseline.load()
_RULES = {r.name: r for r in known.DEFECTS}


def _params():
    out = []
    for case in sweep.all_cases():
        cid = sweep.case_id(*case)
        marks = ()
        if cid in KNOWN_FAILURES:
            reasons = "; ".join(_RULES[n].reason for n in sorted(KNOWN_FAILURES[cid]) if n in _RULES)
            marks = (pytest.mark.xfail(strict=True, raises=sweep.KnownDefect, reason=reasons),)
        out.append(pytest.param(*case, id=cid, marks=marks))
    return out


@pytest.mark.parametrize("ns, name, layout, dtype", _params())
def test_op_matches_torch(ns, name, layout, dtype):
    unexplained, defects = sweep.run_case(ns, name, layout, dtype)
    assert not unexplained, (f"{len(unexplained)} difference(s) from torch; the first:\n"
                             + unexplained[0])
    cid = sweep.case_id(ns, name, layout, dtype)
    listed = KNOWN_FAILURES.get(cid, set())
    assert defects <= listed, (
        f"{cid} fails with known defects {sorted(defects - listed)} that known_failures.txt "
        "does not list for it")
    if defects:
        raise sweep.KnownDefect(f"{cid}: {sorted(defects)}")


# ------------------------------------------------------------------ the registry is complete
def test_every_public_op_is_swept_or_listed():
    missing = [f"{ns}.{name}" for ns, name in catalog.public_ops()
               if not catalog.kinds_of(ns, name) and not catalog.not_swept_reason(ns, name)]
    assert not missing, ("public ops neither swept (catalog.KIND_OF) nor listed with a reason "
                         f"(catalog.NOT_SWEPT): {missing}")


def test_every_swept_op_has_a_callable_template():
    """A kind whose templates give no call for an op's namespace would sweep nothing."""
    empty = []
    for ns, name in catalog.public_ops():
        if catalog.not_swept_reason(ns, name) or not catalog.kinds_of(ns, name):
            continue
        if not any(sweep.programs_for(ns, name, layout, "float32")
                   for layout in sweep.layouts_for(ns, name)):
            empty.append(f"{ns}.{name}")
    assert not empty, f"ops whose kinds make no call in their namespace: {empty}"


def test_catalog_has_no_stale_names():
    names = {name for _, name in catalog.public_ops()}
    stale_kinds = sorted(n for n in catalog.KIND_OF if n not in names)
    stale_skips = sorted(str(k) for k in catalog.NOT_SWEPT
                         if (k[1] if isinstance(k, tuple) else k) not in names)
    assert not stale_kinds, f"KIND_OF names no public op has: {stale_kinds}"
    assert not stale_skips, f"NOT_SWEPT names no public op has: {stale_skips}"


def test_every_swept_op_exists_in_torch():
    import torch
    import torch.nn.functional as TF

    spaces = {"minigrad": torch, "linalg": torch.linalg, "F": TF, "Tensor": torch.Tensor}
    absent = sorted(f"{ns}.{name}" for ns, name in catalog.public_ops()
                    if catalog.kinds_of(ns, name) and not catalog.not_swept_reason(ns, name)
                    and not hasattr(spaces[ns], name))
    assert not absent, f"swept ops without a torch counterpart to compare with: {absent}"


# ------------------------------------------------------------------ the rules
def test_documented_deviations_are_in_the_docs():
    path = os.path.join(os.path.dirname(__file__), "..", "docs", "core_differences.md")
    with open(path) as f:
        text = " ".join(f.read().split())
    missing = [r.name for r in known.DOCUMENTED
               if " ".join(r.doc.replace("\\n", " ").split()) not in text]
    assert not missing, f"documented rules whose phrase is not in core_differences.md: {missing}"


def test_known_failures_name_existing_cases_and_rules():
    cases = {sweep.case_id(*c) for c in sweep.all_cases()}
    stale = sorted(c for c in KNOWN_FAILURES if c not in cases)
    unknown_rules = sorted({r for rules in KNOWN_FAILURES.values() for r in rules} - set(_RULES))
    assert not stale, f"known_failures.txt lists cases the sweep does not run: {stale[:20]}"
    assert not unknown_rules, f"known_failures.txt names rules known.py lacks: {unknown_rules}"


def test_every_defect_rule_is_still_needed():
    used = {r for rules in KNOWN_FAILURES.values() for r in rules}
    unused = sorted(r.name for r in known.DEFECTS if r.name not in used and not r.fuzz_only)
    assert not unused, f"defect rules no known failing case needs (fixed? remove them): {unused}"


def test_rules_compile():
    for rule in known.DEFECTS + known.DOCUMENTED:
        for pattern in (rule.message, rule.case, rule.call):
            re.compile(pattern)
