"""The examples check every option before they train (examples/arguments.py): a NaN, negative or
out-of-range rate, an impossible thread or worker count, an output path in a missing directory
or naming a directory are argparse usage errors (exit status 2, the option named, no traceback),
and a figure path is reported as the file really written."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
sys.path.insert(0, EXAMPLES)

import arguments  # noqa: E402
import dropout_demo  # noqa: E402
import dropout_study  # noqa: E402
import train_mlp  # noqa: E402

PARSERS = {"train_mlp": train_mlp.parse_args, "dropout_demo": dropout_demo.parse_args,
           "dropout_study": dropout_study.parse_args}


def _usage_error(capsys, parse, argv, option, words):
    with pytest.raises(SystemExit) as exit_info:
        parse(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}:" in err and words in err, err
    assert "Traceback" not in err


BAD = [
    ("train_mlp", ["--lr", "nan"], "--lr", "finite number > 0"),
    ("train_mlp", ["--lr", "inf"], "--lr", "finite number > 0"),
    ("train_mlp", ["--lr", "-0.1"], "--lr", "finite number > 0"),
    ("train_mlp", ["--lr", "0"], "--lr", "finite number > 0"),
    ("train_mlp", ["--lr", "fast"], "--lr", "invalid float value"),
    ("train_mlp", ["--dropout", "nan"], "--dropout", "[0, 1)"),
    ("train_mlp", ["--dropout", "-0.5"], "--dropout", "[0, 1)"),
    ("train_mlp", ["--dropout", "1"], "--dropout", "[0, 1)"),
    ("train_mlp", ["--input-dropout", "nan"], "--input-dropout", "[0, 1)"),
    ("train_mlp", ["--threads", "100000"], "--threads", "between 1 and 1024"),
    ("train_mlp", ["--threads", "0"], "--threads", "at least 1"),
    ("train_mlp", ["--epochs", "0"], "--epochs", "at least 1"),
    ("train_mlp", ["--batch-size", "-3"], "--batch-size", "at least 1"),
    ("train_mlp", ["--json", "/nonexistent-dir/run.json"], "--json", "does not exist"),
    ("train_mlp", ["--plot", "/nonexistent-dir/run.png"], "--plot", "does not exist"),
    ("dropout_demo", ["--p", "nan"], "--p", "[0, 1)"),
    ("dropout_demo", ["--p", "-1"], "--p", "[0, 1)"),
    ("dropout_demo", ["--samples", "0"], "--samples", "at least 1"),
    ("dropout_study", ["p-sweep", "--workers", "100000"], "--workers", "between 1 and 64"),
    ("dropout_study", ["p-sweep", "--seeds", "0"], "--seeds", "at least 1"),
    ("dropout_study", ["p-sweep", "--json", "/nonexistent-dir/r.json"], "--json", "does not exist"),
    ("dropout_study", ["p-sweep", "--plot", "/nonexistent-dir/r.png"], "--plot", "does not exist"),
    ("dropout_study", ["all", "--plot-dir", "/nonexistent-dir/figures"], "--plot-dir", "does not exist"),
]


@pytest.mark.parametrize("script,argv,option,words", BAD, ids=[f"{s} {' '.join(a)}" for s, a, _, _ in BAD])
def test_bad_option_is_a_usage_error(capsys, script, argv, option, words):
    _usage_error(capsys, PARSERS[script], argv, option, words)


def test_a_directory_is_refused_as_an_output_file(capsys, tmp_path):
    _usage_error(capsys, train_mlp.parse_args, ["--plot", str(tmp_path)], "--plot",
                 f"is a directory; give a file name, e.g. {tmp_path / 'run.png'}")
    _usage_error(capsys, train_mlp.parse_args, ["--json", str(tmp_path)], "--json", "is a directory")
    _usage_error(capsys, dropout_study.parse_args, ["p-sweep", "--plot", str(tmp_path)], "--plot",
                 "is a directory")
    afile = tmp_path / "a-file"
    afile.write_text("")
    _usage_error(capsys, dropout_study.parse_args, ["all", "--plot-dir", str(afile)], "--plot-dir",
                 "is not a directory")


def test_good_values_pass_and_a_figure_gets_its_real_name(tmp_path):
    args = train_mlp.parse_args(["--lr", "0.1", "--dropout", "0", "--threads", "2",
                                 "--plot", str(tmp_path / "run"), "--json", str(tmp_path / "m.json")])
    assert args.lr == 0.1 and args.dropout == 0 and args.threads == 2
    assert args.plot == str(tmp_path / "run.png")  # what matplotlib writes for a name without suffix
    assert train_mlp.parse_args(["--plot", str(tmp_path / "f.svg")]).plot == str(tmp_path / "f.svg")
    opts = dropout_study.parse_args(["all", "--plot-dir", str(tmp_path / "new")])
    assert opts.plot_dir == str(tmp_path / "new")
    assert arguments.probability("0.25") == 0.25


def test_errors_come_before_training_and_plot_reports_the_written_file(tmp_path):
    quick = ["--epochs", "1", "--train-size", "40", "--test-size", "40", "--hidden", "8", "--quiet"]
    bad = subprocess.run([sys.executable, os.path.join(EXAMPLES, "train_mlp.py"), *quick,
                          "--json", str(tmp_path / "missing" / "m.json")],
                         capture_output=True, text=True, cwd=str(tmp_path))
    assert bad.returncode == 2 and "dropout" not in bad.stdout
    pytest.importorskip("matplotlib")
    good = subprocess.run([sys.executable, os.path.join(EXAMPLES, "train_mlp.py"), *quick,
                           "--plot", str(tmp_path / "curves")],
                          capture_output=True, text=True, cwd=str(tmp_path), check=True)
    assert f"plot written to {tmp_path / 'curves.png'}" in good.stdout
    assert (tmp_path / "curves.png").is_file() and not (tmp_path / "curves").exists()
