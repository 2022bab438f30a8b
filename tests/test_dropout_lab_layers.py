"""The lab's experiments that need BatchNorm and convolutions (examples/dropout_lab/batchnorm.py and
conv_rates.py): their networks, and their measurements checked against independent computations.
(Their quick forms run in tests/test_documented_numbers.py, which compares them with the stored
results; the command line is tested with the other experiments in tests/test_dropout_study.py.)"""
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

from dropout_lab import batchnorm, conv_rates, figures, jobs, nets  # noqa: E402

TIMEOUT = 900


def names(model):
    return [type(m).__name__ for m in model]


# -------------------------------------------------------------------------------------------------
# the networks
# -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("order, expected", [
    ("after", ["Linear", "BatchNorm1d", "ReLU", "Dropout", "Linear", "BatchNorm1d", "ReLU", "Dropout", "Linear"]),
    ("before", ["Linear", "Dropout", "BatchNorm1d", "ReLU", "Linear", "Dropout", "BatchNorm1d", "ReLU", "Linear"]),
    ("last", ["Linear", "BatchNorm1d", "ReLU", "Linear", "BatchNorm1d", "ReLU", "Dropout", "Linear"]),
])
def test_the_three_orders_of_dropout_and_batchnorm(order, expected):
    model = jobs.build(nets.bn_mlp_spec(0, 0.3, order, hidden=8))
    assert names(model) == expected
    assert all(m.p == 0.3 for m in model if isinstance(m, nn.Dropout))


def test_the_orders_start_from_the_same_weights_and_p0_is_one_network():
    states = [jobs.build(nets.bn_mlp_spec(4, 0.5, order, hidden=8)).state_dict() for order in nets.BN_ORDERS]
    plain = jobs.build(nets.bn_mlp_spec(4, 0.0, "before", hidden=8))
    assert names(plain) == ["Linear", "BatchNorm1d", "ReLU", "Linear", "BatchNorm1d", "ReLU", "Linear"]
    linears = [[v for k, v in s.items() if v.dim() == 2] for s in states]
    linears.append([m.weight for m in plain if isinstance(m, nn.Linear)])
    for other in linears[1:]:
        assert all(minigrad.equal(a, b) for a, b in zip(linears[0], other))
    specs = {jobs.key(nets.bn_mlp_spec(0, 0.0, order)) for order in nets.BN_ORDERS}
    assert len(specs) == 1 and json.loads(specs.pop())["order"] == "none"
    with pytest.raises(ValueError, match="order"):
        nets.bn_mlp_spec(0, 0.5, "sideways")


def test_a_cnn_job_with_plain_dropout_is_exactly_train_cnns_run(tmp_path):
    """nets.py's promise: the job of a cnn spec (conv_kind Dropout) is train_cnn.py with the same options."""
    path = tmp_path / "run.json"
    proc = subprocess.run([sys.executable, os.path.join(EXAMPLES, "train_cnn.py"), "--quiet", "--seed", "2",
                           "--epochs", "2", "--dropout", "0.3", "--conv-dropout", "0.2", "--input-dropout", "0",
                           "--channels", "4", "--hidden", "16", "--json", path],
                          capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    cli = json.loads(path.read_text())
    record = jobs.run_job(nets.cnn_spec(2, 0.3, 0.2, "Dropout", channels=4, hidden=16, epochs=2))
    for key in ("train_acc", "test_acc", "train_loss", "test_loss"):
        assert record[key] == cli[key]


def test_dropout2d_replaces_the_convolutional_dropout_only():
    spec = nets.cnn_spec(0, 0.5, 0.2, "Dropout2d", channels=4, hidden=8)
    model = jobs.build(spec)
    flatten = names(model).index("Flatten")
    assert [(i < flatten, type(m).__name__, m.p) for i, m in enumerate(model) if "Dropout" in type(m).__name__] == \
        [(True, "Dropout2d", 0.2), (True, "Dropout2d", 0.2), (False, "Dropout", 0.5)]
    plain = jobs.build(nets.cnn_spec(0, 0.5, 0.2, "Dropout", channels=4, hidden=8))
    assert [type(m).__name__ for m in plain if "Dropout" in type(m).__name__] == ["Dropout"] * 3
    assert all(minigrad.equal(a, b) for a, b in zip(model.state_dict().values(), plain.state_dict().values()))
    assert nets.cnn_spec(0, 0.5, 0.0, "Dropout")["conv_kind"] is None
    with pytest.raises(ValueError, match="conv_kind"):
        nets.cnn_spec(0, 0.5, 0.2, "Dropout3d")


# -------------------------------------------------------------------------------------------------
# the measurements
# -------------------------------------------------------------------------------------------------
def bn_forward(x, layer, bn, eps=1e-5):
    """numpy: a Linear layer, then BatchNorm in training mode (the batch's biased variance);
    returns the pre-BatchNorm values and the normalised output."""
    h = x @ layer.weight.detach().numpy().astype(np.float64).T + layer.bias.detach().numpy()
    out = (h - h.mean(0)) / np.sqrt(h.var(0) + eps) * bn.weight.detach().numpy() + bn.bias.detach().numpy()
    return h, out


def test_reestimation_with_dropout_off_gathers_what_batchnorm_sees_at_test_time():
    minigrad.manual_seed(0)
    model = nets.make_bn_mlp(6, 2, 0.5, "before")
    for m in batchnorm.batch_norms(model):  # trained-looking affine parameters
        m.weight.data.uniform_(0.5, 1.5)
        m.bias.data.uniform_(-0.5, 0.5)
    x = minigrad.randn(300, 64)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    fixed = batchnorm.reestimate_bn(model, x)
    assert all(minigrad.equal(before[k], v) for k, v in model.state_dict().items())  # a copy was changed
    assert not any(m.training for m in fixed.modules())
    linears = [m for m in fixed if isinstance(m, nn.Linear)]
    bns = batchnorm.batch_norms(fixed)
    h1, out1 = bn_forward(x.numpy().astype(np.float64), linears[0], bns[0])
    h2, _ = bn_forward(np.maximum(out1, 0), linears[1], bns[1])  # no dropout in between: it was off
    for h, bn in ((h1, bns[0]), (h2, bns[1])):
        np.testing.assert_allclose(bn.running_mean.numpy(), h.mean(0), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(bn.running_var.numpy(), h.var(0, ddof=1), rtol=1e-4)
        assert bn.momentum == 0.1  # restored
    ratios = batchnorm.variance_ratios(fixed, x)
    np.testing.assert_allclose(ratios[0], 1, rtol=1e-4)  # on the same images, no shift left


def test_with_dropout_on_the_running_variance_follows_li_et_als_formula():
    """Dropout(p) directly before BatchNorm: running variance (c² + v)/q - c² for an input of mean c
    and variance v (q = 1 - p); update_bn, which turns dropout on, gathers it."""
    minigrad.manual_seed(1)
    c = np.array([0.0, 1.0, 2.0, -3.0])
    v = np.array([1.0, 1.0, 0.5, 2.0])
    x = minigrad.from_numpy((c + np.sqrt(v) * np.random.default_rng(0).standard_normal((200_000, 4))).astype(np.float32))
    for p in (0.2, 0.5):
        model = nn.Sequential(nn.Dropout(p), nn.BatchNorm1d(4))
        updated = batchnorm.reestimate_bn(model, x, dropout=True)
        q = 1 - p
        np.testing.assert_allclose(updated[1].running_var.numpy(), (c ** 2 + v) / q - c ** 2, rtol=0.02)
        ratios = batchnorm.variance_ratios(updated, x)[0]
        np.testing.assert_allclose(ratios, 1 / q + c ** 2 / v * p / q, rtol=0.02)
        assert np.all(ratios >= 1 / q * 0.98)
        np.testing.assert_allclose(batchnorm.reestimate_bn(model, x)[1].running_var.numpy(), v, rtol=0.02)


def test_variance_ratios_of_a_batchnorm2d_use_the_batch_and_the_positions():
    minigrad.manual_seed(2)
    model = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3)).eval()
    x = minigrad.randn(5, 1, 4, 4)
    with minigrad.no_grad():
        a = model[0](x).numpy().astype(np.float64)
    model[1].running_var.copy_(minigrad.tensor([1.0, 2.0, 4.0]))
    want = np.array([1.0, 2.0, 4.0]) / a.transpose(1, 0, 2, 3).reshape(3, -1).var(axis=1, ddof=1)
    (got,) = batchnorm.variance_ratios(model, x)
    np.testing.assert_allclose(got, want, rtol=1e-5)
    assert not model[1]._forward_pre_hooks  # the hooks are removed


def test_ratio_summary():
    s = batchnorm.ratio_summary([0.5, 1.0, 2.0, 4.0, 1.0])
    assert s["median"] == 1.0 and s["li"] == pytest.approx((2 + 1 + 2 + 4 + 1) / 5)
    assert s["p10"] < s["median"] < s["p90"]


def test_paired_standard_errors_and_the_rates_tied_for_best():
    assert figures.paired_se([0.02, 0.03, 0.04], [0.01, 0.02, 0.03]) == pytest.approx(0, abs=1e-15)  # 0.01 apart
    assert figures.paired_se([0.02, 0.04], [0.02, 0.02]) == pytest.approx(0.01)
    assert figures.paired_se([0.05], [0.01]) == 0.0
    errs = {0.0: [0.030, 0.034, 0.032], 0.2: [0.020, 0.022, 0.024], 0.5: [0.021, 0.025, 0.023]}
    # 0.5 is 0.001 worse on average, with a paired standard error of 0.0012: tied; 0.0 is 0.01 worse
    assert conv_rates.tied_best(errs) == [0.2, 0.5]
    errs[0.5] = [0.026, 0.028, 0.027]
    assert conv_rates.tied_best(errs) == [0.2]
