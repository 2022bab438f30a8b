"""Regenerate every number and figure that the examples produce in README.md and docs/.

    python docs/regenerate.py                  # recompute everything, rewrite data, documents, figures
    python docs/regenerate.py --only retention # recompute some sections (comma-separated), render all
    python docs/regenerate.py --render         # rewrite documents and figures from the stored data
    python docs/regenerate.py --check          # recompute everything; report differences, write nothing

Recomputing everything trains about 150 small networks: a few minutes on an idle 2-core machine
(``--workers``: parallel training processes, default one per core). The results do not depend on
the number of workers or threads.

What it maintains:

* ``docs/data/SECTION.json``: the data of each section, with the environment it was computed in:
  ``train_mlp`` (examples/train_mlp.py: its default run and ``--dropout 0`` with seed 0, quoted
  in README.md and drawn in docs/img/train_mlp_dropout*.png; seeds 0-9 in three configurations,
  tabulated in docs/dropout.md), ``dropout_demo`` (examples/dropout_demo.py's expected-output
  check), and one section per experiment of examples/dropout_study.py (its full form, whose
  numbers docs/dropout.md quotes and whose figure is docs/img/dropout_NAME.png, and its quick
  form, which the tests recompute);
* the generated blocks of README.md and docs/dropout.md, between the lines
  ``<!-- generated: NAME ... -->`` and ``<!-- end: NAME -->`` (edit the renderers here or in
  examples/dropout_lab/, not the blocks: they are overwritten);
* the figures, each stamped with the SHA-256 of the data it is drawn from and of the function
  that draws it (a PNG text chunk), so a test can tell a stale figure without comparing pixels.

tests/test_documented_numbers.py checks, in CI time, that the documents and figures show the
stored data, that the quick forms and one full-size network of each section reproduce the stored
records bit for bit, and that dropout_demo's numbers are current; ``--check`` recomputes all.
"""
import argparse
import contextlib
import io
import json
import os
import re
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
DATA = os.path.join(ROOT, "docs", "data")
IMG = os.path.join(ROOT, "docs", "img")
DOCUMENTS = [os.path.join(ROOT, "README.md"), os.path.join(ROOT, "docs", "dropout.md")]
sys.path.insert(0, EXAMPLES)

import dropout_demo  # noqa: E402
import dropout_lab  # noqa: E402
import train_mlp  # noqa: E402
from dropout_lab import figures as fig  # noqa: E402
from dropout_lab.jobs import documented  # noqa: E402
from dropout_lab.nets import mlp_spec  # noqa: E402

BLOCK = re.compile(r"(<!-- generated: (?P<name>[\w-]+)[^\n]*-->\n)(?P<body>.*?)(<!-- end: (?P=name) -->)", re.S)
TIMING = re.compile(r" in [\d.]+ s on \d+ thread\(s\)")  # measured, not reproducible: kept, not checked


def environment():
    """What the exact results depend on: minigrad's kernel variants and numpy's SIMD dispatch."""
    import minigrad._ops as ops

    try:
        from numpy._core._multiarray_umath import __cpu_features__ as cpu
    except ImportError:  # numpy < 2
        from numpy.core._multiarray_umath import __cpu_features__ as cpu
    return dict(gemm=ops.gemm_variant(), rng=ops.rng_variant(), numpy=np.__version__,
                numpy_simd=[f for f in ("AVX2", "FMA3", "AVX512F", "AVX512_SKX") if cpu.get(f)])


# -------------------------------------------------------------------------------------------------
# sections: compute(runner) -> data; blocks(data) -> {name: text}; figures(data) -> [(path, draw, data)]
# -------------------------------------------------------------------------------------------------
class TrainMLP:
    """examples/train_mlp.py's runs."""

    name = "train_mlp"
    SEEDS = list(range(10))
    CONFIGS = (("plain", 0.0, 0.0, "no dropout (`--dropout 0`)"),
               ("default", 0.5, 0.1, "dropout 0.5 on the hidden layer, 0.1 on the inputs (default)"),
               ("hidden", 0.5, 0.0, "dropout 0.5 on the hidden layer only (`--input-dropout 0`)"))

    def specs(self):
        return [mlp_spec(seed, p, q) for _, p, q, _ in self.CONFIGS for seed in self.SEEDS]

    def compute(self, runner):
        records = runner.train(self.specs())
        seed0 = {name: runner.train([mlp_spec(0, p, q)])[0] for name, p, q, _ in self.CONFIGS}
        figures = {name: dict(history=seed0[name]["history"], config=dict(dropout=p, input_dropout=q))
                   for name, p, q, _ in self.CONFIGS if name != "hidden"}
        return dict(runs=[documented(r) for r in records], figures=figures)

    def runs(self, data, name):
        _, p, q, _ = next(c for c in self.CONFIGS if c[0] == name)
        return [r for r in data["runs"] if r["spec"]["dropout"] == p and r["spec"]["input_dropout"] == q]

    def blocks(self, data, previous):
        plain, default = self.runs(data, "plain"), self.runs(data, "default")
        out = {"train-mlp-output": self.output(data, previous.get("train-mlp-output", "")),
               "train-mlp-readme": self.readme_paragraph(plain, default),
               "train-mlp-seeds": self.seeds_table(data, plain, default)}
        return out

    @staticmethod
    def summary_line(record):
        s = record["spec"]
        return (f"dropout {s['dropout']:g} (input {s['input_dropout']:g}): train acc {record['train_acc']:.3f}, "
                f"test acc {record['test_acc']:.3f}, gap {record['train_acc'] - record['test_acc']:.3f} "
                f"(train loss {record['train_loss']:.4f}, test loss {record['test_loss']:.4f})")

    def output(self, data, previous):
        """train_mlp.py's console output, as the README quotes it (the timings of the previous
        README are kept: they are measurements, not reproducible numbers)."""
        timings = TIMING.findall(previous) or [" in … s on 2 thread(s)"] * 2
        default, plain = self.runs(data, "default")[0], self.runs(data, "plain")[0]
        last = data["figures"]["default"]["history"][-1]
        epochs = default["spec"]["epochs"]
        return ("```\n$ python examples/train_mlp.py\n...\n"
                f"epoch {epochs:3d}/{epochs}  train loss {last['train_loss']:.4f} acc {last['train_acc']:.3f}  "
                f"test loss {last['test_loss']:.4f} acc {last['test_acc']:.3f}\n"
                f"{self.summary_line(default)}{timings[0]}\n"
                "$ python examples/train_mlp.py --dropout 0\n...\n"
                f"{self.summary_line(plain)}{timings[-1]}\n```")

    def readme_paragraph(self, plain, default):
        p0, d0 = plain[0], default[0]
        gaps_plain = [r["train_acc"] - r["test_acc"] for r in plain]
        gaps_default = [r["train_acc"] - r["test_acc"] for r in default]
        every = all(d < p for d, p in zip(gaps_default, gaps_plain))
        fits = "every training image correctly" if p0["train_acc"] == 1 else f"{fig.pct(p0['train_acc'])} of the training images correctly"
        return (f"Without dropout the network classifies {fits} and {fig.pct(1 - p0['test_acc'])} of the test "
                f"images wrongly; with dropout the train–test gap falls from {gaps_plain[0]:.3f} to {gaps_default[0]:.3f} "
                f"and the test accuracy rises to {d0['test_acc']:.3f}. Over seeds 0–9 the mean test accuracy is "
                f"{np.mean([r['test_acc'] for r in plain]):.3f} without dropout and "
                f"{np.mean([r['test_acc'] for r in default]):.3f} with it, and the gap shrinks on "
                f"{'every seed' if every else f'{sum(d < p for d, p in zip(gaps_default, gaps_plain))} of the 10 seeds'} "
                f"({np.mean(gaps_plain):.3f} → {np.mean(gaps_default):.3f} on average; `tests/test_examples.py` "
                "checks the claim on the default run).")

    def seeds_table(self, data, plain, default):
        rows = []
        for name, _, _, label in self.CONFIGS:
            runs = self.runs(data, name)
            test = [r["test_acc"] for r in runs]
            rows.append((label, f"{np.mean([r['train_acc'] for r in runs]):.4f}",
                         f"{np.mean(test):.3f} ({min(test):.3f}-{max(test):.3f})",
                         f"{np.mean([r['train_acc'] - r['test_acc'] for r in runs]):.3f}"))
        table = fig.markdown_table(["", "train acc", "test acc (min-max)", "gap train - test"], rows)
        hidden = self.runs(data, "hidden")
        shrink = [(p["train_acc"] - p["test_acc"]) - (d["train_acc"] - d["test_acc"]) for p, d in zip(plain, default)]
        err_plain, err_default = 1 - np.mean([r["test_acc"] for r in plain]), 1 - np.mean([r["test_acc"] for r in default])
        gain = err_plain - err_default
        from_inputs = np.mean([r["test_acc"] for r in default]) - np.mean([r["test_acc"] for r in hidden])
        return (table + "\n\n"
                f"With dropout, the test error falls from {fig.pct(err_plain)} to {fig.pct(err_default)}, and the gap "
                + (f"shrinks on every one of the 10 seeds (by {min(shrink):.3f} to {max(shrink):.3f})" if min(shrink) > 0
                   else f"shrinks on {sum(s > 0 for s in shrink)} of the 10 seeds")
                + f". About {round(100 * from_inputs / gain) if gain > 0 else 0}% of the gain here ({from_inputs:.3f} of "
                f"{gain:.3f}) comes from the light dropout on the input pixels.")

    def figures(self, data):
        return [(os.path.join(IMG, "train_mlp_dropout05.png"), train_mlp.plot, data["figures"]["default"]),
                (os.path.join(IMG, "train_mlp_dropout0.png"), train_mlp.plot, data["figures"]["plain"])]

    def spot_checks(self, data):
        """Jobs a test can retrain in seconds to check the stored records: seed 0's default run."""
        return [self.runs(data, "default")[0]]


class DropoutDemo:
    """examples/dropout_demo.py's check that the mean training output is the eval output."""

    name = "dropout_demo"
    LINE = re.compile(r"mean of (\d+) training-mode outputs: +(-?[\d.]+) \(± ([\d.]+) standard error\)\n"
                      r" +evaluation-mode output: +(-?[\d.]+)")

    def compute(self, runner=None):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            dropout_demo.main([])
        samples, mean, stderr, value = self.LINE.search(out.getvalue()).groups()
        return dict(seed=42, samples=int(samples), mean=float(mean), stderr=float(stderr), eval=float(value))

    def blocks(self, data, previous):
        return {"dropout-demo": f"```\n   mean of {data['samples']} training-mode outputs: {data['mean']: .6f} "
                                f"(± {data['stderr']:.6f} standard error)\n   evaluation-mode output:"
                                f"{' ' * 17}{data['eval']: .6f}\n```"}

    def figures(self, data):
        return []


class LabSection:
    """One experiment of examples/dropout_study.py: its full and its quick form."""

    def __init__(self, module):
        self.module = module
        self.name = "lab_" + module.NAME.replace("-", "_")

    def compute(self, runner):
        return dict(full=dropout_lab.run(self.module, runner), quick=dropout_lab.run(self.module, runner, quick=True))

    def blocks(self, data, previous):
        return self.module.markdown(data["full"])

    def figures(self, data):
        return [(os.path.join(IMG, f"dropout_{self.module.NAME.replace('-', '_')}.png"), self.module.plot, data["full"])]

    def spot_checks(self, data):
        return data["full"]["jobs"]


def summary_block(datas):
    """The closing note of docs/dropout.md: every checked claim, by experiment."""
    lines = []
    for module in dropout_lab.EXPERIMENTS.values():
        data = datas.get("lab_" + module.NAME.replace("-", "_"))
        if data is None:
            continue
        found = module.findings(data["full"])
        held = sum(f["holds"] for f in found)
        lines.append(f"* `{module.NAME}`, {module.SUMMARY}: {held} of {len(found)} "
                     f"claim{'s' if len(found) > 1 else ''} reproduced.")
        lines += [f"  * {'✓' if f['holds'] else '✗'} {f['claim']}" for f in found]
    return "\n".join(lines)


SECTIONS = [TrainMLP(), DropoutDemo()] + [LabSection(m) for m in dropout_lab.available().values()]


# -------------------------------------------------------------------------------------------------
# data files, documents, figures
# -------------------------------------------------------------------------------------------------
def data_path(section):
    return os.path.join(DATA, f"{section.name}.json")


def load(section):
    with open(data_path(section), encoding="utf-8") as f:
        return json.load(f)


def save(section, data):
    os.makedirs(DATA, exist_ok=True)
    with open(data_path(section), "w", encoding="utf-8") as f:
        json.dump(dict(environment=environment(), data=data), f, indent=1, ensure_ascii=False)
        f.write("\n")


def stored():
    """{section name: data} from docs/data/."""
    return {s.name: load(s)["data"] for s in SECTIONS if os.path.exists(data_path(s))}


def render(datas, texts):
    """The documents with their generated blocks rendered from ``datas``: {path: new text}.
    ``texts``: {path: current text}. Raises if a document has a block that no section renders."""
    out = {}
    for path, text in texts.items():
        previous = {m.group("name"): m.group("body") for m in BLOCK.finditer(text)}
        blocks = {}
        for section in SECTIONS:
            if section.name in datas:
                blocks.update(section.blocks(datas[section.name], previous))
        blocks["lab-summary"] = summary_block(datas)

        def fill(m, blocks=blocks, path=path):
            if m.group("name") not in blocks:
                raise KeyError(f"{os.path.relpath(path, ROOT)}: no data renders the block {m.group('name')!r}")
            return m.group(1) + blocks[m.group("name")].rstrip("\n") + "\n" + m.group(4)

        out[path] = BLOCK.sub(fill, text)
    return out


def read_documents():
    texts = {}
    for path in DOCUMENTS:
        with open(path, encoding="utf-8") as f:
            texts[path] = f.read()
    return texts


def without_timings(text):
    return TIMING.sub(" in … s", text)


def draw(path, draw_fn, data):
    """Draw a figure and stamp it with the fingerprint of (data, draw_fn)."""
    draw_fn(data, path)
    if fig.png_text(path).get(fig.FINGERPRINT_KEY) != fig.fingerprint(data, draw_fn):
        fig.add_png_text(path, fig.FINGERPRINT_KEY, fig.fingerprint(data, draw_fn))


def stale_figures(datas):
    """(path, reason) of each figure that is missing or not drawn from the stored data."""
    out = []
    for section in SECTIONS:
        if section.name not in datas:
            continue
        for path, draw_fn, data in section.figures(datas[section.name]):
            if not os.path.exists(path):
                out.append((path, "missing"))
            elif fig.png_text(path).get(fig.FINGERPRINT_KEY) != fig.fingerprint(data, draw_fn):
                out.append((path, "drawn from other data (or by another version of its drawing function)"))
    return out


def compare(old, new, where=""):
    """Differences between two JSON values, as readable lines (empty: equal)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for k in sorted(set(old) | set(new)):
            if k not in old or k not in new:
                out.append(f"{where}/{k}: only in {'new' if k not in old else 'stored'}")
            else:
                out += compare(old[k], new[k], f"{where}/{k}")
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [line for i, (a, b) in enumerate(zip(old, new)) for line in compare(a, b, f"{where}[{i}]")]
    return [] if old == new else [f"{where}: stored {str(old)[:80]}, now {str(new)[:80]}"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--render", action="store_true", help="only render documents and figures from the stored data")
    mode.add_argument("--check", action="store_true", help="recompute and compare with the stored data; write nothing")
    parser.add_argument("--only", help="comma-separated sections to recompute: " + ", ".join(s.name for s in SECTIONS))
    parser.add_argument("--workers", type=int, default=None, help="training processes (default: one per core)")
    opts = parser.parse_args(argv)
    names = [s.name for s in SECTIONS]
    only = opts.only.split(",") if opts.only else names
    unknown = [n for n in only if n not in names]
    if unknown:
        parser.error(f"unknown sections {unknown}; choose from {names}")
    datas = stored()
    if not opts.render:
        runner = dropout_lab.Runner(opts.workers, log=lambda line: print(line, file=sys.stderr, flush=True))
        differences = []
        for section in SECTIONS:
            if section.name not in only:
                continue
            start = time.perf_counter()
            print(f"{section.name} ...", file=sys.stderr, flush=True)
            data = json.loads(json.dumps(section.compute(runner)))  # as stored: tuples become lists
            print(f"{section.name}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
            if opts.check:
                differences += [f"{section.name}{line}" for line in compare(datas.get(section.name), data)]
            else:
                save(section, data)
                datas[section.name] = data
        if opts.check:
            print("\n".join(differences) if differences else "the stored data are up to date")
            return 1 if differences else 0
    for path, draw_fn, data in [f for s in SECTIONS if s.name in datas for f in s.figures(datas[s.name])]:
        draw(path, draw_fn, data)
    for path, text in render(datas, read_documents()).items():
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    print(f"rendered {', '.join(os.path.relpath(p, ROOT) for p in DOCUMENTS)} and the figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
