"""benchmarks/run.py: the cases are issue 11's targets; a smoke run of every case (at small sizes,
one call per side, no pauses) runs every library's code, prints the table and writes a JSON row
per case and reference; the script removes the OpenBLAS overrides before numpy loads. It checks
the shape of the results, never a time or a ratio: the machines are shared and noisy."""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "benchmarks", "run.py")


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("minigrad_benchmarks", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cases_are_issue_11s_targets(bench):
    assert bench.GEMM_SIZES == ((256, 1.25), (512, 1.1), (1024, 1.1), (2048, 1.1))
    assert bench.GEMM_SCALING == (1024, 1.8)
    assert bench.DROPOUT_N == 1 << 20
    assert bench.TRAINING == (
        ((784, 512, 512, 10), 0.5, 128, 5, {"jax jit": 0.7, "torch eager": 0.45}),
        ((784, 512, 512, 10), 0.0, 128, 5, {"jax jit": 0.9}),
        ((784, 2048, 2048, 10), 0.5, 256, 1, {"jax jit": 0.8}),
        ((10, 10, 10, 2), 0.0, 1, 200, {"torch eager": 0.5, "jax jit": None}),
    )
    assert (bench.CONV_BATCH, bench.BATCHNORM_SHAPE) == (64, (128, 512))  # issue 14's
    # the pause lets XLA's thread pool (about a second of spinning) go idle
    assert bench.SETTLE_S >= 1.0


@pytest.fixture
def small_cases(bench, monkeypatch):
    """The same cases at sizes that take milliseconds (and one JAX function: compiling is slow)."""
    monkeypatch.setattr(bench, "GEMM_SIZES", ((64, 1.25), (96, 1.1)))
    monkeypatch.setattr(bench, "GEMM_SCALING", (96, 1.8))
    monkeypatch.setattr(bench, "DROPOUT_N", 1 << 12)
    monkeypatch.setattr(bench, "TRAINING", (
        ((20, 16, 16, 4), 0.5, 8, 5, {"jax jit": 0.7, "torch eager": 0.45}),
        ((10, 10, 10, 2), 0.0, 1, 200, {"torch eager": None}),
    ))
    monkeypatch.setattr(bench, "CONV_BATCH", 2)
    monkeypatch.setattr(bench, "BATCHNORM_SHAPE", (4, 8))


def test_every_case_runs_and_the_json_has_a_row_per_target(bench, small_cases, tmp_path, capsys):
    torch = pytest.importorskip("torch")
    jax_present = importlib.util.find_spec("jax") is not None
    import minigrad

    threads = torch.get_num_threads(), minigrad.get_num_threads()
    out = tmp_path / "results.json"
    try:
        assert bench.main(["--smoke", "--json", str(out)]) == 0
    finally:  # the script sets both frameworks' thread counts
        torch.set_num_threads(threads[0])
        minigrad.set_num_threads(threads[1])
    printed = capsys.readouterr().out
    data = json.loads(out.read_text())
    rows = [(r["case"], r["reference"], r["target_ratio"]) for r in data["results"]]
    mlp = "MLP 20-16-16-4 step, batch 8, 2x Dropout(0.5)"
    tiny = "MLP 10-10-10-2 step, batch 1, no dropout"
    expected = [
        ("GEMM f32 64", "numpy @ (OpenBLAS)", 1.25), ("GEMM f32 96", "numpy @ (OpenBLAS)", 1.1),
        ("GEMM f32 96, 2 threads", "minigrad 1 thread", pytest.approx(1 / 1.8)),
        ("dropout fwd 4K f32, training", "np.copyto (memory-bound limit)", 2),
        ("dropout fwd 4K f32, training", "torch F.dropout", pytest.approx(1 / 30)),
        ("ReLU fwd 4K f32 (F.relu on a tensor)", "np.maximum(x, 0)", 1),
        (mlp, "jax jit", 0.7), (mlp, "torch eager", 0.45),
        (tiny, "torch eager", None),
        ("MNIST CNN training step, batch 2", "torch eager", 0.8),
        ("MNIST CNN training step, batch 2", "jax jit", 1.0),
        ("BatchNorm1d(8) fwd+bwd, batch 4", "torch eager", 0.7),
    ]
    if not jax_present:  # its rows are skipped, with a note
        expected = [e for e in expected if e[1] != "jax jit"]
    assert rows == expected
    for r in data["results"]:
        assert r["minigrad_s"] > 0 and r["reference_s"] > 0 and r["ratio"] > 0
        if r["target_ratio"] is None:
            assert r["ok"] is None and r["target"] == "report"
        else:
            assert r["ok"] == (r["ratio"] <= r["target_ratio"])
        assert f"| {r['case']}" in printed
    gemm = [r for r in data["results"] if r["case"].startswith("GEMM")]
    assert all("of peak" in r["note"] for r in gemm)
    assert "speed-up" in gemm[-1]["note"]
    meta = data["meta"]
    assert meta["threads"] == 2 and meta["torch"] == torch.__version__
    assert set(meta["peak_gflops_f32"]) == {"1", "2"} and all(g > 0 for g in meta["peak_gflops_f32"].values())
    assert meta["kernel_variant"] == minigrad._ops.kernel_variant()
    assert "peak float32 (FMA loop)" in printed and "OpenBLAS" in printed


def test_compare_pairs_each_round(bench, monkeypatch):
    """The ratio is the median of the per-round ratios, not the ratio of the medians."""
    times = iter([1.0, 2.0,    # round 1: ours 1, reference 2 -> 0.5
                  10.0, 10.0,  # round 2: a busy moment slows both -> 1.0
                  3.0, 12.0])  # round 3 -> 0.25
    monkeypatch.setattr(bench, "_median_time", lambda fn, repeats, number: next(times))
    monkeypatch.setattr(bench, "SETTLE_S", 0.0)
    ours, ref, ratio = bench.compare(None, None, repeats=3, number=1, rounds=3)
    assert (ours, ref, ratio) == (3.0, 10.0, 0.5)


def test_bad_arguments_are_usage_errors(bench, tmp_path):
    for argv in (["--rounds", "0"], ["--threads", "0"], ["--json", str(tmp_path / "no" / "x.json")]):
        with pytest.raises(SystemExit):
            bench.main(argv)


def _openblas_kernel_of_a_clean_process():
    code = ("import threadpoolctl, numpy; print([l['architecture'] for l in "
            "threadpoolctl.threadpool_info() if l.get('internal_api') == 'openblas'][0])")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          check=True).stdout.strip()


@pytest.mark.parametrize("numpy_first", [False, True], ids=["fresh", "numpy-already-loaded"])
def test_the_script_removes_the_openblas_overrides_before_numpy_loads(numpy_first):
    """Run with OPENBLAS_CORETYPE=Haswell set, OpenBLAS still picks its own kernel for this CPU;
    also when numpy was loaded before the script ran (it then starts itself again)."""
    pytest.importorskip("threadpoolctl")
    want = _openblas_kernel_of_a_clean_process()
    env = {**os.environ, "OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "1048576"}
    if numpy_first:
        code = (f"import numpy, runpy, sys; sys.argv = [{SCRIPT!r}, '--info']; "
                f"runpy.run_path({SCRIPT!r}, run_name='__main__')")
        argv = [sys.executable, "-c", code]
    else:
        argv = [sys.executable, SCRIPT, "--info"]
    out = subprocess.run(argv, capture_output=True, text=True, env=env, check=True).stdout
    assert f" kernel {want} (OPENBLAS_CORETYPE=Haswell, OPENBLAS_L2_SIZE=1048576 removed" in out
    assert "peak float32 (FMA loop)" in out
