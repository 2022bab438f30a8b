"""The numbers and figures that README.md and docs/ quote from the examples are what the code produces.

docs/regenerate.py computes them (train_mlp.py's runs, dropout_demo.py's check, every experiment
of dropout_study.py), keeps them in docs/data/, and renders them into the documents' generated
blocks and into the figures. Recomputing all of it takes minutes, so the checks here are chosen
to run in CI time and still fail when anything documented has gone stale:

1. the documents show exactly the stored data (rendering is instant; only the README's timings,
   which are measurements, are exempt);
2. every figure carries the fingerprint of the stored data and of the function that draws it;
3. the quick form of every experiment, recomputed, equals its stored quick results bit for bit:
   the same code paths as the full form (every configuration kind, the analysis, the findings)
   on fewer and shorter runs, so a change in minigrad or in an experiment shows here;
4. one full-size network of each section, retrained, equals its stored record bit for bit
   (metrics and the SHA-256 of the weights): the full form's training is current;
5. dropout_demo.py's numbers, recomputed in full (a second).

What these cannot see: a change that alters only full-size networks other than the retrained
ones while leaving every quick form unchanged. ``python docs/regenerate.py --check`` recomputes
everything. The exact comparisons (3-5) need the kernels and numpy SIMD level the data were
computed with (numpy on a CPU with other SIMD instructions rounds exp and log differently in the
last bits: docs/README.md); on such a machine they are skipped, saying why. minigrad's own kernels
give the same bits on every CPU.
"""
import copy
import importlib.util
import os

import pytest

import minigrad

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("regenerate", os.path.join(ROOT, "docs", "regenerate.py"))
regenerate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regenerate)

import dropout_lab  # noqa: E402  (regenerate put examples/ on the path)
from dropout_lab import jobs  # noqa: E402

STORED = regenerate.stored()
SECTIONS = {s.name: s for s in regenerate.SECTIONS}
FIX = "run: python docs/regenerate.py (or --only SECTION); see its --help"


def same_environment(section):
    """Skip, saying why, on a machine whose numpy rounds differently from the one that computed
    the stored data: another SIMD level of numpy's exp and log. minigrad's kernel variants are
    recorded but not compared: every variant gives the same bits (tests/test_kernel_variants.py),
    so data computed with AVX-512 kernels must be reproduced by the generic ones. (numpy's version
    is recorded but not compared either: if a new numpy computes other bits, the test fails and
    the data must be regenerated.)"""
    keys = ("numpy_simd",)
    stored = {k: regenerate.load(section)["environment"][k] for k in keys}
    now = {k: regenerate.environment()[k] for k in keys}
    if stored != now:
        pytest.skip(f"docs/data/{section.name}.json was computed with {stored}, this machine runs {now}: "
                    "exact results differ in the last bits")


def test_every_section_has_stored_data():
    assert sorted(STORED) == sorted(SECTIONS), FIX


# -------------------------------------------------------------------------------------------------
# 1-2: documents and figures show the stored data
# -------------------------------------------------------------------------------------------------
def test_the_documents_show_the_stored_numbers():
    texts = regenerate.read_documents()
    rendered = regenerate.render(STORED, texts)
    for path, text in texts.items():
        assert regenerate.without_timings(rendered[path]) == regenerate.without_timings(text), \
            f"{os.path.relpath(path, ROOT)} differs from the stored data: {FIX} --render"


def test_every_rendered_block_is_in_a_document():
    texts = "".join(regenerate.read_documents().values())
    shown = {m.group("name") for m in regenerate.BLOCK.finditer(texts)}
    made = {"lab-summary"} | {name for s in regenerate.SECTIONS for name in s.blocks(STORED[s.name], {})}
    assert made == shown


def test_the_figures_are_drawn_from_the_stored_data():
    assert regenerate.stale_figures(STORED) == [], FIX + " --render"
    assert len([f for s in regenerate.SECTIONS for f in s.figures(STORED[s.name])]) == 2 + len(dropout_lab.available())


def _scaled(value, factor):
    """Every measured float in a JSON value times ``factor`` (ints, strings, and the settings
    under "spec" and "config" unchanged)."""
    if isinstance(value, float):
        return value * factor
    if isinstance(value, dict):
        return {k: v if k in ("spec", "config") else _scaled(v, factor) for k, v in value.items()}
    if isinstance(value, list):
        return [_scaled(v, factor) for v in value]
    return value


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_a_changed_number_shows_in_the_documents_and_the_figures(name):
    """The checks above can fail: data of a section with every float 1% larger renders other text
    in that section's blocks and leaves its figures stale."""
    section = SECTIONS[name]
    changed = dict(STORED, **{name: _scaled(copy.deepcopy(STORED[name]), 1.01)})
    before = section.blocks(STORED[name], {})
    after = section.blocks(changed[name], {})
    assert all(before[block] != after[block] for block in before)
    stale = {path for path, _ in regenerate.stale_figures(changed)}
    assert stale == {path for path, _, _ in section.figures(STORED[name])}


# -------------------------------------------------------------------------------------------------
# 3: the quick forms
# -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(dropout_lab.available()))
def test_the_quick_form_reproduces_the_stored_quick_results(name):
    module = dropout_lab.EXPERIMENTS[name]
    section = SECTIONS["lab_" + name.replace("-", "_")]
    same_environment(section)
    data = dropout_lab.run(module, dropout_lab.Runner(workers=1), quick=True)
    data = regenerate.json.loads(regenerate.json.dumps(data))
    differences = regenerate.compare(STORED[section.name]["quick"], data)
    assert not differences, "\n".join(differences[:20]) + "\n" + FIX
    findings = module.findings(data)
    assert findings and all(set(f) == {"claim", "holds", "evidence"} for f in findings)
    assert all(block.strip() for block in module.markdown(data).values())


# -------------------------------------------------------------------------------------------------
# 4: one full-size network per section
# -------------------------------------------------------------------------------------------------
def _cost(spec):
    """Training time, roughly: epochs x weights."""
    return spec["epochs"] * sum(p.numel() for p in jobs.build(spec).parameters())


def _spot_checks():
    """(section, stored record) pairs: for each section the cheapest stored full-size job with
    dropout that no earlier section checks already (sections share networks)."""
    seen, out = set(), []
    for section in regenerate.SECTIONS:
        if not hasattr(section, "spot_checks") or section.name not in STORED:
            continue
        candidates = [r for r in section.spot_checks(STORED[section.name])
                      if r["spec"]["dropout"] > 0 and jobs.key(r["spec"]) not in seen]
        if candidates:
            record = min(candidates, key=lambda r: _cost(r["spec"]))
            seen.add(jobs.key(record["spec"]))
            out.append(pytest.param(section.name, record, id=section.name))
    return out


@pytest.mark.parametrize("name, stored", _spot_checks())
def test_a_full_size_network_reproduces_its_stored_record(name, stored):
    same_environment(SECTIONS[name])
    threads = minigrad.get_num_threads()
    minigrad.set_num_threads(1)  # as docs/regenerate.py's workers (the result does not depend on it)
    try:
        record = jobs.run_job(stored["spec"])
    finally:
        minigrad.set_num_threads(threads)
    assert jobs.documented(record) == stored, FIX
    if name == "train_mlp":  # the README's epoch line and both figures come from its history
        assert record["history"] == STORED[name]["figures"]["default"]["history"], FIX


def test_the_stored_results_follow_from_the_stored_records():
    """For the experiments whose results are functions of the records alone (no trained weights
    needed), recomputing them from the stored records gives the stored results."""

    class Records:
        def __init__(self, records):
            self.records = {jobs.key(r["spec"]): r for r in records}

        def train(self, specs):
            return [self.records[jobs.key(s)] for s in specs]

    for name in ("p-sweep", "retention"):
        full = STORED["lab_" + name.replace("-", "_")]["full"]
        results = dropout_lab.EXPERIMENTS[name].analyse(full["config"], Records(full["jobs"]))
        assert regenerate.json.loads(regenerate.json.dumps(results)) == full["results"]


# -------------------------------------------------------------------------------------------------
# 5: dropout_demo
# -------------------------------------------------------------------------------------------------
def test_dropout_demo_numbers_are_current():
    same_environment(SECTIONS["dropout_demo"])
    assert regenerate.DropoutDemo().compute() == STORED["dropout_demo"], FIX
