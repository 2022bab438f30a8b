"""examples/dropout_study.py and its package examples/dropout_lab/: the command line, the parts every
experiment shares, and the computations that can be checked against an independent one. (The
quick form of every experiment runs in tests/test_documented_numbers.py, which also compares its
results with the stored ones.)"""
import itertools
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples")
sys.path.insert(0, EXAMPLES)

import dropout_lab  # noqa: E402
import dropout_study  # noqa: E402
from dropout_lab import ensemble, figures, jobs, mc_uncertainty, mc_vs_scaling, nets  # noqa: E402

TIMEOUT = 900


def run(*args, env=None):
    environment = dict(os.environ, PYTHONIOENCODING="utf-8", **(env or {}))
    return subprocess.run([sys.executable, os.path.join(EXAMPLES, "dropout_study.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT, env=environment)


def ok(proc):
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc.stdout


# -------------------------------------------------------------------------------------------------
# the command line
# -------------------------------------------------------------------------------------------------
def test_help_lists_every_experiment():
    out = ok(run("--help"))
    assert out.startswith("usage:")
    for name in list(dropout_lab.EXPERIMENTS) + ["all", "list"]:
        assert name in out


@pytest.mark.parametrize("name", list(dropout_lab.EXPERIMENTS))
def test_each_experiment_has_the_common_options(name):
    out = ok(run(name, "--help"))
    for option in ("--quick", "--epochs", "--seeds", "--workers", "--json", "--plot"):
        assert option in out
    assert dropout_lab.EXPERIMENTS[name].__doc__.split("\n")[0] in out


def test_list_prints_one_line_per_experiment():
    lines = ok(run("list")).strip().splitlines()
    assert [line.split()[0] for line in lines] == list(dropout_lab.EXPERIMENTS)


@pytest.mark.parametrize("args", [[], ["no-such-experiment"], ["p-sweep", "--workers", "0"],
                                  ["p-sweep", "--epochs", "0"], ["all", "--seeds", "0"]])
def test_bad_command_lines_are_usage_errors(args):
    proc = run(*args)
    assert proc.returncode == 2 and "error:" in proc.stderr


def test_an_experiment_needing_a_missing_layer_is_listed_but_not_run(monkeypatch, capsys):
    fake = type(sys)("fake")
    fake.NAME, fake.SUMMARY, fake.REQUIRES, fake.__doc__ = "fake", "needs a layer", ("NoSuchLayer2d",), "Fake."
    monkeypatch.setitem(dropout_lab.EXPERIMENTS, "fake", fake)
    assert dropout_lab.missing(fake) == ["NoSuchLayer2d"] and "fake" not in dropout_lab.available()
    assert dropout_study.main(["list"]) == 0
    assert "fake            needs a layer [needs nn.NoSuchLayer2d]" in capsys.readouterr().out
    assert dropout_study.main(["fake", "--quick"]) == 2
    assert "needs nn.NoSuchLayer2d" in capsys.readouterr().err


def test_results_do_not_depend_on_the_number_of_workers(tmp_path):
    """Training in two worker processes (one thread each) gives the same weights as in this one."""
    outputs = []
    for workers in (1, 2):
        path = tmp_path / f"w{workers}.json"
        ok(run("p-sweep", "--quick", "--epochs", "2", "--workers", workers, "--json", path))
        outputs.append(json.loads(path.read_text()))
    assert outputs[0] == outputs[1]
    assert len({r["weights_sha256"] for r in outputs[0]["jobs"]}) == 4  # four different networks


def test_the_options_reach_the_configuration(tmp_path):
    path = tmp_path / "r.json"
    out = ok(run("retention", "--quick", "--epochs", "2", "--seeds", "2", "--json", path))
    data = json.loads(path.read_text())
    assert data["config"]["epochs"] == 2 and data["config"]["seeds"] == [0, 1] and data["quick"] is True
    assert {j["spec"]["epochs"] for j in data["jobs"]} == {2}
    assert len(data["jobs"]) == 2 * 3 * 2  # settings x retention values x seeds
    assert "== retention:" in out and "(quick form)" in out and "| retention p |" in out


def test_plot_is_stamped_with_the_fingerprint_of_its_data(tmp_path):
    pytest.importorskip("matplotlib")
    png, path = tmp_path / "c.png", tmp_path / "c.json"
    out = ok(run("conventions", "--quick", "--epochs", "2", "--plot", png, "--json", path))
    assert f"plot written to {png}" in out
    data = json.loads(path.read_text())
    stamp = figures.png_text(png)[figures.FINGERPRINT_KEY]
    assert stamp == figures.fingerprint(data, dropout_lab.EXPERIMENTS["conventions"].plot)
    data["results"]["rows"][0]["test_acc"] += 0.001
    assert stamp != figures.fingerprint(data, dropout_lab.EXPERIMENTS["conventions"].plot)


def test_all_runs_every_experiment_and_draws_every_figure(tmp_path):
    pytest.importorskip("matplotlib")
    path, plots = tmp_path / "all.json", tmp_path / "plots"
    out = ok(run("all", "--quick", "--epochs", "1", "--seeds", "1", "--json", path, "--plot-dir", plots))
    data = json.loads(path.read_text())
    assert list(data) == list(dropout_lab.available())
    for name in data:
        assert f"== {name}:" in out
        png = plots / f"dropout_{name.replace('-', '_')}.png"
        assert png.exists() and figures.png_text(png)[figures.FINGERPRINT_KEY]
    # the networks shared between experiments were trained once: one line per distinct job
    specs = {jobs.key(j["spec"]) for d in data.values() for j in d["jobs"]}
    assert len(specs) < sum(len(d["jobs"]) for d in data.values())


def test_plot_without_matplotlib_is_refused_before_training(tmp_path):
    path = os.path.join(EXAMPLES, "dropout_study.py")
    code = (f"import runpy, sys; sys.modules['matplotlib'] = None; sys.path.insert(0, {EXAMPLES!r}); "
            f"sys.argv = [{path!r}, 'p-sweep', '--quick', '--plot', {str(tmp_path / 'x.png')!r}]; "
            f"runpy.run_path({path!r}, run_name='__main__')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 2
    assert "--plot needs matplotlib" in proc.stderr and "training" not in proc.stderr


# -------------------------------------------------------------------------------------------------
# jobs and networks
# -------------------------------------------------------------------------------------------------
def test_an_mlp_job_is_exactly_train_mlps_run(tmp_path):
    """nets.py's promise: the job of a spec is `train_mlp.py` with the same options."""
    path = tmp_path / "run.json"
    proc = subprocess.run([sys.executable, os.path.join(EXAMPLES, "train_mlp.py"), "--quiet", "--seed", "3",
                           "--epochs", "3", "--dropout", "0.3", "--input-dropout", "0.05", "--hidden", "32",
                           "--json", path], capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
    ok(proc)
    cli = json.loads(path.read_text())
    record = jobs.run_job(nets.mlp_spec(3, 0.3, 0.05, hidden=32, epochs=3))
    for key in ("train_acc", "test_acc", "train_loss", "test_loss"):
        assert record[key] == cli[key]
    assert record["history"] == cli["history"]


def test_jobs_are_deterministic_and_the_hash_pins_the_weights():
    spec = nets.bottleneck_spec(1, units=4, epochs=1)
    a, b = jobs.run_job(spec), jobs.run_job(spec)
    assert jobs.documented(a) == jobs.documented(b)
    assert set(jobs.documented(a)) == {"spec", "train_acc", "test_acc", "train_loss", "test_loss", "weights_sha256"}
    state = {k: v.copy() for k, v in a["state"].items()}
    state["0.weight"][0, 0] = np.nextafter(state["0.weight"][0, 0], np.float32(1))
    assert jobs.weights_sha256(state) != a["weights_sha256"]


def test_the_runner_trains_each_spec_once_and_rebuilds_the_trained_network():
    runner = jobs.Runner(workers=1)
    spec = nets.autoencoder_spec(0, 0.5, hidden=8, epochs=1)
    first = runner.train([spec, spec])
    assert first[0] is first[1] and len(runner.records) == 1
    model = runner.model(spec)
    assert not model.training
    assert jobs.weights_sha256({k: v.numpy() for k, v in model.state_dict().items()}) == first[0]["weights_sha256"]


def test_a_classic_mlp_uses_classic_dropout_and_mc_dropout_switches_it_on():
    spec = nets.mlp_spec(0, 0.5, 0.1, hidden=8, epochs=1, convention="classic")
    model = jobs.build(spec).eval()
    assert [type(m).__name__ for m in model] == ["ClassicDropout", "Linear", "ReLU", "ClassicDropout", "Linear"]
    with minigrad.nn.utils.mc_dropout(model):
        assert model[0].training and model[3].training and not model[1].training
    ones = minigrad.ones(2, 4)
    assert minigrad.equal(nets.ClassicDropout(0.25).eval()(ones), ones * 0.75)
    kept = nets.ClassicDropout(0.25)(minigrad.ones(1000))
    assert set(kept.tolist()) == {0.0, 1.0}  # unscaled in training


# -------------------------------------------------------------------------------------------------
# computations checked against independent ones
# -------------------------------------------------------------------------------------------------
def brute_force_ensemble(model, x, y, p):
    """The AM and NGM of every sub-network by running the model itself once per mask: the hidden
    dropout layer replaced by a fixed mask (scaled by 1/(1-p), as nn.Dropout in training)."""
    drop = next(i for i, m in enumerate(model) if isinstance(m, nn.Dropout))
    k = model[drop - 2].out_features
    am = np.zeros((len(y), 10))
    log_gm = np.zeros((len(y), 10))
    errors, weights = [], []
    for bits in itertools.product([0, 1], repeat=k):
        mask = np.array(bits[::-1], np.float64)  # mask i: bit j of i is unit j
        layers = list(model.double())
        with minigrad.no_grad():
            h = nn.Sequential(*layers[:drop])(x.double())
            logits = nn.Sequential(*layers[drop + 1:])(h * minigrad.from_numpy(mask / (1 - p)))
        logp = logits.log_softmax(dim=1).numpy()
        w = (1 - p) ** mask.sum() * p ** (k - mask.sum())
        am += w * np.exp(logp)
        log_gm += w * logp
        errors.append(float((logp.argmax(axis=1) != y.numpy()).mean()))
        weights.append(w)
    ngm = np.exp(log_gm - log_gm.max(axis=1, keepdims=True))
    return am, ngm / ngm.sum(axis=1, keepdims=True), np.array(errors), np.array(weights)


@pytest.mark.parametrize("arch", ["shallow", "bottleneck"])
def test_the_enumeration_of_sub_networks_matches_running_each_one(arch, monkeypatch):
    monkeypatch.setattr(ensemble, "ROWS_PER_CHUNK", 40)  # several chunks, the last one short
    minigrad.manual_seed(0)
    if arch == "shallow":
        model = nn.Sequential(nn.Linear(64, 3), nn.ReLU(), nn.Dropout(0.3), nn.Linear(3, 10))
    else:
        model = nn.Sequential(nn.Linear(64, 3), nn.ReLU(), nn.Dropout(0.3), nn.Linear(3, 5), nn.ReLU(),
                              nn.Linear(5, 10))
    x, y = nets.test_set(0)
    x, y = x[:12], y[:12]
    am, ngm, scaled, errors, weight = ensemble.enumerate_subnetworks(model, x, y, 0.3)
    assert model[0].weight.dtype == minigrad.float32  # the model itself is not converted
    want_am, want_ngm, want_errors, want_weights = brute_force_ensemble(model, x, y, 0.3)
    np.testing.assert_allclose(am.numpy(), want_am, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ngm.numpy(), want_ngm, rtol=1e-10, atol=1e-15)
    np.testing.assert_array_equal(errors.numpy(), want_errors)
    np.testing.assert_allclose(weight.numpy(), want_weights, rtol=1e-15)
    assert weight.numpy().sum() == pytest.approx(1)
    if arch == "shallow":  # Hinton et al.'s identity: weight scaling is the NGM
        np.testing.assert_allclose(scaled.numpy(), want_ngm, rtol=1e-10)


def test_matching_k_is_where_mc_stays_at_or_below_weight_scaling():
    ks = [1, 2, 5, 10, 20]
    assert mc_vs_scaling.matching_k(ks, 0.03, [0.09, 0.05, 0.03, 0.031, 0.029]) == 20
    assert mc_vs_scaling.matching_k(ks, 0.03, [0.09, 0.05, 0.03, 0.03, 0.029]) == 5
    assert mc_vs_scaling.matching_k(ks, 0.03, [0.09, 0.05, 0.04, 0.04, 0.04]) is None


def test_auroc_counts_pairs_and_ties():
    assert mc_uncertainty.auroc([3, 1, 2, 0], [True, False, True, False]) == 1.0
    assert mc_uncertainty.auroc([0, 1, 2, 3], [True, False, True, False]) == 0.25
    assert mc_uncertainty.auroc([1, 1], [True, False]) == 0.5
    assert mc_uncertainty.auroc([1, 2], [False, False]) is None


def test_png_text_chunks_round_trip(tmp_path):
    pytest.importorskip("matplotlib")
    plt = figures.pyplot()
    figure, ax = plt.subplots()
    ax.plot([0, 1])
    path = tmp_path / "f.png"
    figures.save(figure, path, {"a": 1}, figures.save)
    assert figures.png_text(path)[figures.FINGERPRINT_KEY] == figures.fingerprint({"a": 1}, figures.save)
    figures.add_png_text(path, "extra", "value")
    assert figures.png_text(path)["extra"] == "value"
    assert figures.png_text(path)[figures.FINGERPRINT_KEY] == figures.fingerprint({"a": 1}, figures.save)
    assert figures.fingerprint({"a": 1}, figures.save) != figures.fingerprint({"a": 2}, figures.save)
    assert figures.fingerprint({"a": 1}, figures.save) != figures.fingerprint({"a": 1}, figures.pyplot)
