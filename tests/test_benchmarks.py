"""benchmarks/run.py: a smoke run of every case (one block each, no waiting) checks that the script
runs, prints the table and writes a JSON with a row per case and target. It checks the shape of
the results, never a time or a ratio: the machines are shared and noisy."""
import importlib.util
import json
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "benchmarks", "run.py")


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("minigrad_benchmarks", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.SETTLE_S = 0.0  # no pauses between libraries: this run measures nothing
    return module


def test_every_case_runs_and_the_json_has_a_row_per_target(bench, tmp_path, capsys):
    torch = pytest.importorskip("torch")
    import minigrad

    threads = torch.get_num_threads(), minigrad.get_num_threads()
    out = tmp_path / "results.json"
    try:
        assert bench.main(["--repeats", "1", "--rounds", "1", "--json", str(out)]) == 0
    finally:  # the script sets both frameworks' thread counts
        torch.set_num_threads(threads[0])
        minigrad.set_num_threads(threads[1])
    printed = capsys.readouterr().out
    data = json.loads(out.read_text())
    cases = [(r["case"], r["reference"]) for r in data["results"]]
    expected = [
        ("matmul f32 256x256", "numpy @"), ("matmul f32 256x256, 2 threads", "minigrad 1 thread"),
        ("matmul f32 512x512", "numpy @"), ("matmul f32 512x512, 2 threads", "minigrad 1 thread"),
        ("matmul f32 1024x1024", "numpy @"), ("matmul f32 1024x1024, 2 threads", "minigrad 1 thread"),
        ("dropout fwd 1M f32, training", "torch F.dropout"),
        ("dropout fwd 1M f32, training", "np.copyto (memory-bound limit)"),
        ("relu fwd 1M f32 (kernel)", "np.maximum(x, 0)"),
        ("relu fwd 1M f32 (F.relu on a tensor)", "np.maximum(x, 0)"),
        ("MLP 784-512-512-10 step, batch 128, 2x Dropout(0.5)", "torch"),
        ("MLP 784-512-512-10 step, batch 128, no dropout", "torch"),
        ("tiny MLP 10-10-1 step, batch 1", "torch"),
    ]
    assert cases == expected
    for r in data["results"]:
        assert r["minigrad_s"] > 0 and r["reference_s"] > 0 and r["ratio"] > 0
        assert r["ok"] == (r["ratio"] <= r["target_ratio"])
        assert f"| {r['case']}" in printed
    assert data["meta"]["threads"] == 2 and data["meta"]["torch"] == torch.__version__
    targets = {(r["case"], r["reference"]): r["target_ratio"] for r in data["results"]}
    assert targets[("dropout fwd 1M f32, training", "torch F.dropout")] == pytest.approx(1 / 30)
    assert targets[("matmul f32 1024x1024, 2 threads", "minigrad 1 thread")] == pytest.approx(1 / 1.7)
    assert "speed-up" in [r for r in data["results"] if r["reference"] == "minigrad 1 thread"][0]["note"]


def test_compare_pairs_each_round(bench, monkeypatch):
    """The ratio is the median of the per-round ratios, not the ratio of the medians."""
    times = iter([1.0, 2.0,    # round 1: ours 1, reference 2 -> 0.5
                  10.0, 10.0,  # round 2: a busy moment slows both -> 1.0
                  3.0, 12.0])  # round 3 -> 0.25
    monkeypatch.setattr(bench, "_median_time", lambda fn, repeats, number: next(times))
    ours, ref, ratio = bench.compare(None, None, repeats=3, number=1, rounds=3)
    assert (ours, ref, ratio) == (3.0, 10.0, 0.5)


def test_bad_arguments_are_usage_errors(bench):
    with pytest.raises(SystemExit):
        bench.main(["--rounds", "0"])
