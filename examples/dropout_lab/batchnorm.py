"""Dropout before or after BatchNorm: the variance shift (Li et al., 2019) and the accuracy.

Article 000 advises: with BatchNorm, put the dropout *after* it. Li et al. (2019) explain why
dropout and BatchNorm can disagree. In training, BatchNorm normalises with the statistics of
each batch and keeps their running averages; in evaluation it normalises with those running
averages. If dropout acts before a BatchNorm layer, the running variance is that of the
*dropped-out* input, while at test time dropout is off and the input varies less: the "variance
shift". For a unit x of mean c and variance v, dropout (keep probability q = 1-p) directly before
BatchNorm gives a running variance of (c² + v)/q - c², so the ratio of the running variance to the
test-time variance is 1/q + (c²/v)·p/q ≥ 1/(1-p). With a weight layer between the dropout and
the next BatchNorm (dropout *after* one BatchNorm is still *before* the next), the shift is
smaller, and the more so, they argue, the wider the layer.

Here: an MLP with two hidden layers of n units (n = 32 to 256), BatchNorm1d in each, dropout p,
and the blocks

* ``after``:  Linear -> BatchNorm1d -> ReLU -> Dropout    (the seed article's advice)
* ``before``: Linear -> Dropout -> BatchNorm1d -> ReLU    (dropout feeds BatchNorm directly)
* ``last``:   Linear -> BatchNorm1d -> ReLU, dropout after the last block only (Li et al.'s
  remedy: no BatchNorm after any dropout)
* ``none``:   no dropout,

trained as train_mlp's network (40 epochs, half its default, to keep the study to minutes).
For each BatchNorm layer and unit: the running variance against the variance of the layer's
input at test time (the test images, evaluation mode), summarised per layer by the median ratio
over its units; and the test error as trained, after re-estimating BatchNorm's statistics on
the training images with dropout off (Li et al.'s other remedy), and after
``minigrad.optim.swa_utils.update_bn``, which (as PyTorch's) runs the model in training mode,
dropout included.
"""
import copy

import numpy as np

import minigrad as torch
import minigrad.nn as nn
from minigrad.optim.swa_utils import update_bn

from . import figures as fig
from .nets import BN_ORDERS, bn_mlp_spec, test_set, train_set

NAME = "batchnorm"
SUMMARY = "Dropout before or after BatchNorm: Li et al.'s variance shift and the accuracy, across widths"
REQUIRES = ("BatchNorm1d",)

ORDERS = ("none",) + BN_ORDERS
BAND = 0.1  # "no shift": a median ratio within 1 ± BAND (what the networks without dropout show)


def config(quick=False, epochs=None, seeds=None):
    return dict(widths=[32, 128] if quick else [32, 64, 128, 256], layers=2, ps=[0.5] if quick else [0.2, 0.5],
                seeds=list(range(seeds or (1 if quick else 3))), epochs=epochs or (5 if quick else 40))


def settings(cfg):
    """(p, order) pairs: no dropout, then each rate with each order."""
    return [(0.0, "none")] + [(p, order) for p in cfg["ps"] for order in BN_ORDERS]


def spec(cfg, p, order, width, seed):
    return bn_mlp_spec(seed, p, order, hidden=width, layers=cfg["layers"], epochs=cfg["epochs"])


def jobs(cfg):
    return [spec(cfg, p, order, w, seed) for p, order in settings(cfg) for w in cfg["widths"] for seed in cfg["seeds"]]


# -------------------------------------------------------------------------------------------------
# BatchNorm's statistics (shared with conv_rates.py)
# -------------------------------------------------------------------------------------------------
def batch_norms(model):
    """The BatchNorm layers of ``model``, in order."""
    return [m for m in model.modules() if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d))]


def bn_inputs(model, x):
    """What each BatchNorm layer receives when ``model`` (in evaluation mode) runs on ``x``, as
    float64 arrays (N, C) or (N, C, H, W)."""
    seen = []
    hooks = [m.register_forward_pre_hook(lambda module, args: seen.append(args[0].numpy().astype(np.float64)))
             for m in batch_norms(model)]
    model.eval()
    try:
        with torch.no_grad():
            model(x)
    finally:
        for hook in hooks:
            hook.remove()
    return seen


def channel_stats(a):
    """Mean and variance (n-1) of each channel of a BatchNorm input: over the batch, and over the
    positions too for (N, C, H, W), as BatchNorm computes them."""
    axes = (0,) if a.ndim == 2 else (0,) + tuple(range(2, a.ndim))
    return a.mean(axis=axes), a.var(axis=axes, ddof=1)


def variance_ratios(model, x):
    """For each BatchNorm layer, each channel's running variance divided by the variance of its
    input on ``x`` in evaluation mode: Li et al.'s variance shift, 1 where there is none."""
    return [m.running_var.numpy().astype(np.float64) / channel_stats(a)[1]
            for m, a in zip(batch_norms(model), bn_inputs(model, x))]


def ratio_summary(ratios):
    """One layer's ratios summarised: median, 10th and 90th percentiles, and Li et al.'s
    statistic, the mean over channels of max(ratio, 1/ratio)."""
    r = np.asarray(ratios, np.float64)
    return dict(median=float(np.median(r)), p10=float(np.percentile(r, 10)), p90=float(np.percentile(r, 90)),
                li=float(np.maximum(r, 1 / r).mean()))


def reestimate_bn(model, images, dropout=False):
    """A copy of ``model`` whose BatchNorm statistics are recomputed in one pass over ``images``
    (plain averages, as ``update_bn``), in evaluation mode.

    ``dropout=False``: only the BatchNorm layers run in training mode, so they see the inputs
    they get at test time (Li et al.'s re-estimation). ``dropout=True``: ``update_bn`` itself,
    which puts the whole model in training mode: dropout is on while the statistics are
    gathered, as in PyTorch's ``torch.optim.swa_utils.update_bn``."""
    model = copy.deepcopy(model)
    if dropout:
        update_bn([images], model)
        return model.eval()
    layers = batch_norms(model)
    momenta = [m.momentum for m in layers]
    model.eval()
    for m in layers:
        m.reset_running_stats()
        m.momentum = None  # a cumulative average: each batch weighs the same
        m.train()
    with torch.no_grad():
        model(images)
    for m, momentum in zip(layers, momenta):
        m.momentum = momentum
    return model.eval()


def test_error(model, x, y):
    with torch.no_grad():
        return float((model.eval()(x).argmax(dim=1) != y).float().mean().item())


# -------------------------------------------------------------------------------------------------
# the experiment
# -------------------------------------------------------------------------------------------------
def formula_check(model, images, p):
    """The first BatchNorm layer of a ``before`` network sees Dropout(Linear(x)), whose input
    Linear(x) is the same in training and evaluation: its running variance should be Li et al.'s
    (c² + v)/q - c², c and v the mean and variance of Linear(x) on the training images. Returns
    the median over units of measured / predicted."""
    c, v = channel_stats(bn_inputs(model, images)[0])
    q = 1 - p
    predicted = (c ** 2 + v) / q - c ** 2
    return float(np.median(batch_norms(model)[0].running_var.numpy().astype(np.float64) / predicted))


def measure(model, record, p, order):
    """Variance ratios and errors of one trained network (``record``: its job's)."""
    seed = record["spec"]["seed"]
    (x_train, _), (x_test, y_test) = train_set(seed), test_set(seed)
    fixed = reestimate_bn(model, x_train)
    torch.manual_seed(1000 + seed)  # update_bn's dropout masks
    updated = reestimate_bn(model, x_train, dropout=True)
    out = dict(seed=seed, train_error=1 - record["train_acc"],
               layers=[ratio_summary(r) for r in variance_ratios(model, x_test)],
               reestimated_layers=[ratio_summary(r) for r in variance_ratios(fixed, x_test)],
               error=test_error(model, x_test, y_test), error_reestimated=test_error(fixed, x_test, y_test),
               error_update_bn=test_error(updated, x_test, y_test))
    if order == "before":
        out["formula"] = formula_check(model, x_train, p)
    return out


def analyse(cfg, runner):
    runner.train(jobs(cfg))
    rows = []
    for p, order in settings(cfg):
        for width in cfg["widths"]:
            specs = [spec(cfg, p, order, width, seed) for seed in cfg["seeds"]]
            runs = [measure(runner.model(s), record, p, order) for s, record in zip(specs, runner.train(specs))]
            rows.append(dict(p=p, order=order, width=width, seeds=runs))
    return dict(rows=rows)


def _rows(data, p, order):
    """The rows of (p, order), one per width (found by position: the rows follow ``settings``)."""
    n, i = len(data["config"]["widths"]), settings(data["config"]).index((p, order))
    return data["results"]["rows"][i * n:(i + 1) * n]


def layer_median(row, layer, key="layers"):
    """Mean over seeds of a layer's median ratio."""
    return fig.mean_std([s[key][layer]["median"] for s in row["seeds"]])


def error_stat(row, key="error"):
    return fig.mean_std([s[key] for s in row["seeds"]])


def mean_error(rows, key="error"):
    return float(np.mean([s[key] for r in rows for s in r["seeds"]]))


# -------------------------------------------------------------------------------------------------
# findings, tables, figure
# -------------------------------------------------------------------------------------------------
def findings(data):
    cfg = data["config"]
    ps, widths, layers = cfg["ps"], cfg["widths"], cfg["layers"]
    return shift_findings(data, ps, widths, layers) + accuracy_findings(data, ps)


def shift_findings(data, ps, widths, layers):
    out = []
    before = [(p, r) for p in ps for r in _rows(data, p, "before")]
    first = [(p, layer_median(r, 0)[0]) for p, r in before]
    formula = [s["formula"] for _, r in before for s in r["seeds"]]
    out.append(fig.finding(
        "Dropout directly before BatchNorm makes its running variance larger than the variance it sees at test "
        "time by 1/(1-p) + (c²/v)·p/(1-p) ≥ 1/(1-p), for a unit of mean c and variance v (Li et al., 2019; here: "
        "the first BatchNorm layer of `before`, the median unit's running variance within 5% of the formula's "
        "in every network, and the median ratio at least 1/(1-p)).",
        all(abs(f - 1) <= 0.05 for f in formula) and all(m >= 1 / (1 - p) for p, m in first),
        f"measured / predicted running variance {min(formula):.3f} to {max(formula):.3f} over "
        f"{len(formula)} networks; median ratio " + ", ".join(
            f"{min(m for q, m in first if q == p):.2f}-{max(m for q, m in first if q == p):.2f} at p = {p:g} "
            f"(1/(1-p) = {1 / (1 - p):.2f})" for p in ps)))
    after = {p: {r["width"]: [layer_median(r, k)[0] for k in range(1, layers)] for r in _rows(data, p, "after")}
             for p in ps}
    worst = max(m for p in ps for w in widths for m in after[p][w]) if layers > 1 else 1.0
    first_after = [layer_median(r, 0)[0] for p in ps for r in _rows(data, p, "after")]
    last = max(layer_median(r, k)[0] for p in ps for r in _rows(data, p, "last") for k in range(layers))
    out.append(fig.finding(
        "Dropout after BatchNorm avoids the variance shift (seed article 000; here: every BatchNorm layer's "
        f"median ratio within 1 ± {BAND:g} in `after`).", max(first_after + [worst]) <= 1 + BAND,
        f"the first layer's median ratio is {min(first_after):.2f}-{max(first_after):.2f}, the later layers' "
        f"(whose input comes from a dropout, through a Linear layer) up to {worst:.2f}; with dropout after the "
        f"last BatchNorm only (`last`), at most {last:.2f}"))
    if len(widths) > 1 and layers > 1:
        narrow, wide = widths[0], widths[-1]
        out.append(fig.finding(
            "The variance shift is smaller in wider layers, when a weight layer lies between the dropout and "
            "BatchNorm (Li et al., 2019, on Wide ResNet; here: `after`, the second BatchNorm layer, median ratio "
            f"at n = {wide} below that at n = {narrow} for every rate).",
            all(after[p][wide][0] < after[p][narrow][0] for p in ps),
            "; ".join(f"p = {p:g}: " + ", ".join(f"{after[p][w][0]:.2f} (n = {w})" for w in widths) for p in ps)))
    return out


def paired(data, p, order, key, other_p, other_order, other_key="error"):
    """(mean of a - b, its standard error): a, b the errors of two settings, paired by width and seed."""
    a = [s[key] for r in _rows(data, p, order) for s in r["seeds"]]
    b = [s[other_key] for r in _rows(data, other_p, other_order) for s in r["seeds"]]
    return float(np.mean(a) - np.mean(b)), fig.paired_se(a, b)


def lower(difference):
    """'lower by 0.49 ± 0.15 points' (a difference of error rates and its standard error)."""
    d, se = difference
    return f"{'lower' if d < 0 else 'higher'} by {100 * abs(d):.2f} ± {100 * se:.2f} points"


def accuracy_findings(data, ps):
    """Per rate: each claim holds if the difference of the mean test errors, paired by width and
    seed, goes the claimed way by more than one standard error."""
    out = []
    n = len(data["config"]["widths"]) * len(data["config"]["seeds"])
    mean = {(p, o): mean_error(_rows(data, p, o)) for p in ps for o in BN_ORDERS}
    none = mean_error(_rows(data, 0.0, "none"))
    where = f"here: by more than one standard error, the {n} networks (widths × seeds) paired"
    for p in ps:
        d = paired(data, p, "after", "error", p, "before")
        out.append(fig.finding(
            f"With BatchNorm, dropout after it gives a lower test error than dropout before it (seed article 000; "
            f"p = {p:g}; {where}).", d[0] + d[1] < 0,
            f"{fig.pct(mean[p, 'after'], 2)} after, {fig.pct(mean[p, 'before'], 2)} before: {lower(d)}"))
    for p in ps:
        d = paired(data, p, "before", "error", 0.0, "none")
        out.append(fig.finding(
            f"Dropout and BatchNorm together do worse than BatchNorm alone (Li et al.'s question; dropout {p:g} "
            f"before BatchNorm; {where}).", d[0] - d[1] > 0,
            f"{fig.pct(mean[p, 'before'], 2)} against {fig.pct(none, 2)} without dropout: {lower(d)}"))
    for p in ps:
        d = paired(data, p, "last", "error", p, "before")
        out.append(fig.finding(
            f"Dropout only after the last BatchNorm layer does better than dropout before BatchNorm (Li et al., "
            f"2019; p = {p:g}; {where}).", d[0] + d[1] < 0,
            f"{fig.pct(mean[p, 'last'], 2)} against {fig.pct(mean[p, 'before'], 2)}: {lower(d)} (no dropout: "
            f"{fig.pct(none, 2)})"))
    for p in ps:
        d = paired(data, p, "before", "error_reestimated", p, "before")
        ratio = max(layer_median(r, k, "reestimated_layers")[0] for r in _rows(data, p, "before")
                    for k in range(data["config"]["layers"]))
        out.append(fig.finding(
            "Re-estimating BatchNorm's statistics on the training data with dropout off removes the shift and "
            f"lowers the test error of networks with dropout before BatchNorm (Li et al., 2019; p = {p:g}; {where}).",
            d[0] + d[1] < 0,
            f"the median ratios fall to at most {ratio:.2f}; the error goes from {fig.pct(mean[p, 'before'], 2)} to "
            f"{fig.pct(mean_error(_rows(data, p, 'before'), 'error_reestimated'), 2)}, {lower(d)} (recomputed by "
            f"update_bn, dropout on, which keeps the shift: "
            f"{fig.pct(mean_error(_rows(data, p, 'before'), 'error_update_bn'), 2)})"))
    return out


def shift_table(data):
    cfg = data["config"]
    rows = []
    for p, order in settings(cfg):
        cells = []
        for r in _rows(data, p, order):
            cells.append(" / ".join(f"{layer_median(r, k)[0]:.2f}" for k in range(cfg["layers"])))
        li = max(s["layers"][k]["li"] for r in _rows(data, p, order) for s in r["seeds"] for k in range(cfg["layers"]))
        rows.append((f"{p:g}", f"`{order}`", *cells, f"{li:.2f}"))
    return fig.markdown_table(["p", "order", *[f"n = {w}" for w in cfg["widths"]], "Li et al.'s max(r, 1/r), largest"],
                              rows)


def accuracy_table(data):
    cfg = data["config"]
    rows = []
    for p, order in settings(cfg):
        runs = _rows(data, p, order)
        rows.append((f"{p:g}", f"`{order}`", *[f"{fig.pct(error_stat(r)[0])} ± {fig.pct(error_stat(r)[1])}" for r in runs],
                     fig.pct(mean_error(runs), 2), fig.pct(mean_error(runs, "error_reestimated"), 2),
                     fig.pct(mean_error(runs, "error_update_bn"), 2), fig.pct(mean_error(runs, "train_error"), 2)))
    return fig.markdown_table(["p", "order", *[f"n = {w}" for w in cfg["widths"]], "mean", "BN re-estimated, dropout off",
                               "`update_bn` (dropout on)", "training error"], rows)


def markdown(data):
    cfg = data["config"]
    found = findings(data)
    n_shift = len(shift_findings(data, cfg["ps"], cfg["widths"], cfg["layers"]))
    setup = (f"{cfg['layers']} hidden layers of n units, {cfg['epochs']} epochs, mean over "
             f"{fig.seed_range(cfg['seeds'])}")
    shift_note = (f"Running variance / test-time variance of each BatchNorm layer's input (layer 1 / layer 2), the "
                  f"median over its units; {setup}. 1: no shift. The last column: the largest, over widths, seeds and "
                  "layers, of the mean over units of max(ratio, 1/ratio), the statistic of Li et al.'s Fig. 1.")
    accuracy_note = (f"Test error on the 1,000 test digits, {setup} (± standard deviation over seeds); mean: over "
                     "widths and seeds; then the same networks after recomputing BatchNorm's statistics on the 797 "
                     "training images, with dropout off (only BatchNorm in training mode) or with "
                     "`minigrad.optim.swa_utils.update_bn`, which puts the whole model in training mode, dropout "
                     "included, as PyTorch's does; last, the error on the training images as trained (mean).")
    return {"batchnorm-shift": fig.block(shift_table(data), shift_note, found[:n_shift]),
            "batchnorm-accuracy": fig.block(accuracy_table(data), accuracy_note, found[n_shift:])}


def plot(data, path):
    plt = fig.pyplot()
    cfg = data["config"]
    widths, ps = cfg["widths"], cfg["ps"]
    figure, axes = plt.subplots(len(ps), 2, figsize=(12, 4.4 * len(ps)), squeeze=False)
    styles = {"none": ("C7", "o"), "after": ("C0", "s"), "before": ("C3", "^"), "last": ("C2", "D")}
    top = 1.15 * max(max(s["error"], s["error_reestimated"]) for r in data["results"]["rows"] for s in r["seeds"])
    for (ax_shift, ax_err), p in zip(axes, ps):
        for order in ORDERS:
            rows = _rows(data, 0.0 if order == "none" else p, order)
            color, marker = styles[order]
            for k in range(cfg["layers"]):
                stats = [layer_median(r, k) for r in rows]
                ax_shift.errorbar(widths, [m for m, _ in stats], yerr=[s for _, s in stats], color=color, marker=marker,
                                  ls="-" if k == 0 else ":", capsize=3, mfc=color if k == 0 else "none",
                                  label=f"{order}, BatchNorm {k + 1}")
            fig.seeds_and_mean(ax_err, widths, [[s["error"] for s in r["seeds"]] for r in rows], color, order, marker)
            ax_err.plot(widths, [mean_error([r], "error_reestimated") for r in rows], marker, color=color, ms=9,
                        mfc="none", ls=":")
        ax_shift.axhline(1 / (1 - p), color="k", lw=0.8, ls="--")
        ax_shift.text(widths[0], 1 / (1 - p), " 1/(1-p)", va="bottom", fontsize=8)
        ax_shift.axhline(1, color="k", lw=0.5)
        fig.error_axis(ax_err, top=top)
        for ax in (ax_shift, ax_err):
            ax.set_xscale("log")
            ax.minorticks_off()
            ax.set_xticks(widths, [str(w) for w in widths])
            ax.set_xlabel("units per hidden layer n")
        ax_shift.set(ylim=(0, None), ylabel="running / test-time variance (median unit)",
                     title=f"variance shift, p = {p:g} (filled: BatchNorm 1, hollow: 2)")
        ax_shift.legend(fontsize=7, ncol=2, loc="lower right")
        ax_shift.grid(alpha=0.3)
        ax_err.set_title(f"test error, p = {p:g} (rings: BatchNorm re-estimated, dropout off)", fontsize=10)
        ax_err.legend(fontsize=8)
    figure.tight_layout()
    fig.save(figure, path, data, plot)
