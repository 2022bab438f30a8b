"""examples/train_cnn.py, run as a user would (a subprocess), in the style of test_examples.py: its
options, progress display, --json and --plot, determinism whatever the thread count, and a short
run that learns. No test asserts a timing."""
import json
import re

import pytest

from test_examples import SHORT, is_png, ok, run, run_without_matplotlib


def test_help_lists_train_mlps_options_and_its_own():
    out = ok(run("train_cnn.py", "--help"))
    assert out.startswith("usage:")
    for option in ("--dropout", "--input-dropout", "--hidden", "--layers", "--epochs", "--lr",
                   "--batch-size", "--train-size", "--test-size", "--seed", "--threads", "--json",
                   "--plot", "--quiet", "--channels", "--conv-dropout"):
        assert option in out, f"{option} missing from train_cnn.py --help"
    assert "BatchNorm2d" in out


@pytest.mark.parametrize("args", [["--dropout", "1"], ["--conv-dropout", "-0.1"], ["--channels", "0"],
                                  ["--train-size", "1000", "--test-size", "1000"], ["--epochs", "0"]])
def test_bad_arguments_are_usage_errors(args):
    proc = run("train_cnn.py", *args)
    assert proc.returncode == 2
    assert "error:" in proc.stderr


def test_short_run_prints_epochs_and_writes_json(tmp_path):
    path = tmp_path / "run.json"
    out = ok(run("train_cnn.py", *SHORT, "--json", path))
    assert re.search(r"^epoch +1/2 +train loss [\d.]+ acc [\d.]+ +test loss [\d.]+ acc [\d.]+$", out, re.M)
    assert re.search(r"^epoch +2/2 ", out, re.M)
    assert re.search(r"^cnn dropout 0\.5 \(conv 0\.1, input 0\): train acc [\d.]+, test acc [\d.]+, "
                     r"gap -?[\d.]+ ", out, re.M)
    assert f"metrics written to {path}" in out
    result = json.loads(path.read_text())
    assert [row["epoch"] for row in result["history"]] == [1, 2]
    assert result["config"]["channels"] == 16 and result["config"]["conv_dropout"] == 0.1
    assert result["config"]["hidden"] == 64
    for row in result["history"]:
        assert 0 <= row["test_acc"] <= 1 and row["train_loss"] > 0


def test_is_deterministic_and_independent_of_the_thread_count(tmp_path):
    histories = []
    for i, threads in enumerate((1, 2)):
        path = tmp_path / f"run{i}.json"
        ok(run("train_cnn.py", *SHORT, "--quiet", "--seed", "3", "--threads", threads, "--json", path))
        histories.append(json.loads(path.read_text())["history"])
    assert histories[0] == histories[1]  # every loss and accuracy, bit for bit


def test_learns_the_digits(tmp_path):
    """A short run (5 epochs on 400 images) already classifies most held-out digits."""
    path = tmp_path / "run.json"
    ok(run("train_cnn.py", "--epochs", "5", "--train-size", "400", "--test-size", "300", "--quiet",
           "--json", path))
    result = json.loads(path.read_text())
    assert result["test_acc"] >= 0.85, result["test_acc"]
    assert result["history"][-1]["train_loss"] < result["history"][0]["train_loss"]


def test_plot_writes_a_png_and_needs_matplotlib(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "run.png"
    out = ok(run("train_cnn.py", *SHORT, "--quiet", "--plot", path))
    assert f"plot written to {path}" in out and is_png(path)
    proc = run_without_matplotlib("train_cnn.py", *SHORT, "--plot", tmp_path / "no.png")
    assert proc.returncode == 2 and "--plot needs matplotlib" in proc.stderr
