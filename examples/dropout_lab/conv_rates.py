"""Dropout rates in the convolutional against the fully connected layers of a small CNN.

Article 000's advice: dropout works best in fully connected layers, with p = 0.5; in
convolutional layers it does less, and lower rates are used, 0.2-0.3 (article 004: convolutional
networks mostly rely on BatchNorm instead). Here: examples/train_cnn.py's network (two
convolutions of 16 and 32 channels, each followed by BatchNorm2d, ReLU and 2x2 max pooling, then
a fully connected layer of 64 units; 15 epochs on the digits, half train_cnn's default,
to keep the study to minutes), with dropout at rates 0 to 0.5

* in the convolutional layers only (after each one's BatchNorm and ReLU), as ``nn.Dropout2d``,
  which drops whole feature maps (Tompson et al., 2015), or as ``nn.Dropout`` on single
  activations, as article 004's example applies it to a feature map;
* in the fully connected layer only;
* both, as the article recommends (0.2 in the convolutional layers, 0.5 in the fully connected).

Every configuration is trained with several seeds (each its own split of the digits, initial
weights and masks; the same seed gives every configuration the same split and initial weights,
so configurations are compared seed by seed). The dropout after the first convolution reaches
the second one's BatchNorm: the measure of batchnorm.py (the variance shift) is taken there too.
"""
import numpy as np

from . import figures as fig
from .batchnorm import BAND, lower, reestimate_bn, test_error, variance_ratios
from .nets import CONV_KINDS, cnn_spec, test_set, train_set

NAME = "conv-rates"
SUMMARY = "dropout rates 0-0.5 in a CNN's convolutional against its fully connected layers (seed articles)"
REQUIRES = ("Conv2d", "BatchNorm2d", "MaxPool2d", "Dropout2d")

PLACES = ("conv, Dropout2d", "conv, Dropout", "fully connected")
RECIPE = (0.2, 0.5)  # the articles': 0.2 in the convolutional layers, 0.5 in the fully connected one


def config(quick=False, epochs=None, seeds=None):
    return dict(rates=[0.0, 0.2, 0.5] if quick else [0.0, 0.1, 0.2, 0.3, 0.4, 0.5], channels=16, hidden=64,
                seeds=list(range(seeds or (1 if quick else 4))), epochs=epochs or (2 if quick else 15))


def spec(cfg, place, rate, seed):
    """The network with dropout ``rate`` in ``place`` (one of ``PLACES``, or ``"recipe, KIND"`` for
    RECIPE with that kind of convolutional dropout)."""
    conv, fc, conv_kind = {"conv, Dropout2d": (rate, 0.0, "Dropout2d"), "conv, Dropout": (rate, 0.0, "Dropout"),
                           "fully connected": (0.0, rate, "Dropout2d"),
                           "recipe, Dropout2d": (*RECIPE, "Dropout2d"), "recipe, Dropout": (*RECIPE, "Dropout")}[place]
    return cnn_spec(seed, fc, conv, conv_kind, channels=cfg["channels"], hidden=cfg["hidden"], epochs=cfg["epochs"])


def recipes():
    return [f"recipe, {kind}" for kind in CONV_KINDS]


def configurations(cfg):
    """(place, rate) of every row of the results."""
    return [(place, rate) for place in PLACES for rate in cfg["rates"]] + [(place, None) for place in recipes()]


def jobs(cfg):
    return [spec(cfg, place, rate, seed) for place, rate in configurations(cfg) for seed in cfg["seeds"]]


def measure(model, record, seed):
    """Test error as trained and with BatchNorm re-estimated (dropout off), and each BatchNorm
    layer's median variance ratio (running / test time)."""
    (x_train, _), (x_test, y_test) = train_set(seed), test_set(seed)
    return dict(seed=seed, error=1 - record["test_acc"], train_error=1 - record["train_acc"],
                error_reestimated=test_error(reestimate_bn(model, x_train), x_test, y_test),
                bn_ratio=[float(np.median(r)) for r in variance_ratios(model, x_test)])


def analyse(cfg, runner):
    runner.train(jobs(cfg))
    rows = []
    for place, rate in configurations(cfg):
        specs = [spec(cfg, place, rate, seed) for seed in cfg["seeds"]]
        runs = [measure(runner.model(s), r, s["seed"]) for s, r in zip(specs, runner.train(specs))]
        rows.append(dict(place=place, rate=rate, conv_dropout=specs[0]["conv_dropout"], fc_dropout=specs[0]["dropout"],
                         seeds=runs))
    return dict(rows=rows)


# -------------------------------------------------------------------------------------------------
# statistics
# -------------------------------------------------------------------------------------------------
def row(data, place, rate):
    """The results of (place, rate) (found by position: the rows follow ``configurations``)."""
    return data["results"]["rows"][configurations(data["config"]).index((place, rate))]


def errors(data, place, key="error"):
    """{rate: [error per seed]} of one placement (rate None for a recipe)."""
    rates = [None] if place.startswith("recipe") else data["config"]["rates"]
    return {rate: [s[key] for s in row(data, place, rate)["seeds"]] for rate in rates}


def tied_best(errs):
    """The rates whose mean error is within one paired standard error of the lowest mean."""
    best = min(errs, key=lambda r: np.mean(errs[r]))
    low = np.mean(errs[best])
    return [r for r in errs if np.mean(errs[r]) - low <= fig.paired_se(errs[r], errs[best])]


def mean(values):
    return float(np.mean(values))


# -------------------------------------------------------------------------------------------------
# findings, tables, figure
# -------------------------------------------------------------------------------------------------
def findings(data):
    return rate_findings(data) + shift_findings(data)


def shift_findings(data):
    """Li et al.'s variance shift where a convolutional dropout feeds the second BatchNorm."""
    top = max(data["config"]["rates"])
    out = []
    for place in PLACES[:2]:
        runs = row(data, place, top)["seeds"]
        ratio = mean([s["bn_ratio"][1] for s in runs])
        before, after = [s["error"] for s in runs], [s["error_reestimated"] for s in runs]
        d, se = mean(after) - mean(before), fig.paired_se(after, before)
        out.append(fig.finding(
            f"A convolutional dropout shifts the variance of the next BatchNorm, and re-estimating BatchNorm's "
            f"statistics with dropout off lowers the test error (Li et al., 2019; here, with nn.{place.split(', ')[1]} "
            f"at p = {top:g}: a median ratio above 1 + {BAND:g}, and the error lower by more than one standard "
            "error, paired by seed).", ratio > 1 + BAND and d + se < 0,
            f"median ratio {ratio:.2f}; the error goes from {fig.pct(mean(before), 2)} to {fig.pct(mean(after), 2)}, "
            + lower((d, se))))
    return out


def rate_findings(data):
    rates = data["config"]["rates"]
    fc = errors(data, "fully connected")
    out = []
    gains = {place: mean(errors(data, place)[0.0]) - min(mean(v) for v in errors(data, place).values())
             for place in PLACES}
    out.append(fig.finding(
        "Dropout works best in fully connected layers; in convolutional layers it does less (article 000; here: "
        "the best rate in the fully connected layer lowers the mean test error more than the best rate in the "
        "convolutional layers, with either kind of dropout).",
        all(gains["fully connected"] > gains[p] for p in PLACES[:2]),
        "the best rate lowers it by " + ", ".join(f"{100 * gains[p]:.2f} points ({p})" for p in PLACES)
        + f", from {fig.pct(mean(fc[0.0]), 2)} without dropout"))
    if 0.5 in fc:
        tied = tied_best(fc)
        out.append(fig.finding(
            "p = 0.5 for fully connected layers (articles 000 and 004; here: 0.5 within one standard error "
            "(paired by seed) of the rate with the lowest mean test error, and no dropout not).",
            0.5 in tied and 0.0 not in tied,
            f"{fig.pct(mean(fc[0.5]), 2)} at 0.5, {fig.pct(mean(fc[0.0]), 2)} without dropout; within one "
            f"standard error of the best: {', '.join(f'{r:g}' for r in sorted(tied))}"))
    for place in PLACES[:2]:
        conv = errors(data, place)
        tied = tied_best(conv)
        moderate = [r for r in (0.2, 0.3) if r in conv]
        if not moderate or 0.5 not in conv:
            continue
        out.append(fig.finding(
            f"0.2-0.3 for convolutional layers (article 000; here, with nn.{place.split(', ')[1]}: 0.2 or 0.3 "
            "within one standard error of the rate with the lowest mean test error, and neither no dropout nor "
            "0.5).", any(r in tied for r in moderate) and 0.0 not in tied and 0.5 not in tied,
            ", ".join(f"{fig.pct(mean(conv[r]), 2)} at {r:g}" for r in rates)
            + f"; within one standard error of the best: {', '.join(f'{r:g}' for r in sorted(tied))}"))
    best = {place: min(mean(v) for v in errors(data, place).values()) for place in PLACES[:2]}
    out.append(fig.finding(
        "Dropping whole feature maps (nn.Dropout2d) regularises convolutional layers better than dropping single "
        "activations (Tompson et al., 2015; here: the lower mean test error at the best rate).",
        best["conv, Dropout2d"] < best["conv, Dropout"],
        f"{fig.pct(best['conv, Dropout2d'], 2)} with nn.Dropout2d, {fig.pct(best['conv, Dropout'], 2)} with nn.Dropout"))
    conv_rate, fc_rate = RECIPE
    if conv_rate in rates and fc_rate in rates:
        both = {kind: mean(errors(data, f"recipe, {kind}")[None]) for kind in CONV_KINDS}
        alone = {kind: min(mean(errors(data, f"conv, {kind}")[conv_rate]), mean(fc[fc_rate])) for kind in CONV_KINDS}
        out.append(fig.finding(
            f"The articles' recipe, {conv_rate:g} in the convolutional layers and {fc_rate:g} in the fully connected "
            f"one, does better than either alone (here: a lower mean test error, with either kind of dropout).",
            all(both[k] < alone[k] for k in CONV_KINDS),
            "; ".join(f"nn.{k}: {fig.pct(both[k], 2)} against {fig.pct(mean(errors(data, f'conv, {k}')[conv_rate]), 2)} "
                      f"(convolutional only) and {fig.pct(mean(fc[fc_rate]), 2)} (fully connected only)" for k in CONV_KINDS)))
    return out


def _cell(values, tied):
    m, s = fig.mean_std(values)
    text = f"{fig.pct(m, 2)} ± {fig.pct(s, 2)}"
    return f"**{text}**" if tied else text


def markdown(data):
    cfg = data["config"]
    by_place = {place: errors(data, place) for place in PLACES}
    tied = {place: tied_best(by_place[place]) for place in PLACES}
    rows = [(f"{rate:g}", *[_cell(by_place[p][rate], rate in tied[p]) for p in PLACES]) for rate in cfg["rates"]]
    conv_rate, fc_rate = RECIPE
    rows.append((f"{conv_rate:g} conv. + {fc_rate:g} f.c.",
                 *[_cell(errors(data, f"recipe, {k}")[None], False) for k in CONV_KINDS], "–"))
    table = fig.markdown_table(["rate", "convolutional, nn.Dropout2d", "convolutional, nn.Dropout",
                                "fully connected, nn.Dropout"], rows)
    note = (f"Test error of train_cnn.py's network ({cfg['channels']} and {2 * cfg['channels']} channels, "
            f"{cfg['hidden']} fully connected units, {cfg['epochs']} epochs), mean ± standard deviation over "
            f"{fig.seed_range(cfg['seeds'])}, dropout in the named layers only (last row: in both). Bold: within one "
            "standard error of the column's lowest mean, the differences paired by seed.")
    bn_rows = []
    for rate in cfg["rates"]:
        cells = []
        for place in PLACES:
            runs = row(data, place, rate)["seeds"]
            cells += [f"{mean([s['bn_ratio'][1] for s in runs]):.2f}", fig.pct(mean([s["error_reestimated"] for s in runs]), 2)]
        bn_rows.append((f"{rate:g}", *cells))
    bn_table = fig.markdown_table(["rate", *[f"{p}: {what}" for p in PLACES for what in
                                            ("BatchNorm 2 ratio", "error, BN re-estimated")]], bn_rows)
    bn_note = ("The second convolution's BatchNorm: its running variance / the variance of its input at test time "
               "(median channel, mean over seeds), and the mean test error after re-estimating both BatchNorm "
               "layers' statistics on the training images with dropout off (batchnorm.py's `reestimate_bn`).")
    return {"conv-rates": fig.block(table, note, rate_findings(data)),
            "conv-rates-batchnorm": fig.block(bn_table, bn_note, shift_findings(data))}


def plot(data, path):
    plt = fig.pyplot()
    cfg = data["config"]
    rates = cfg["rates"]
    figure, (ax_err, ax_bn) = plt.subplots(1, 2, figsize=(11, 4.2))
    styles = {"conv, Dropout2d": ("C0", "s", -0.008), "conv, Dropout": ("C2", "^", 0.0),
              "fully connected": ("C3", "o", 0.008)}
    top = 1.25 * max(s["error"] for r in data["results"]["rows"] for s in r["seeds"])
    for place, (color, marker, dx) in styles.items():
        errs = errors(data, place)
        fig.seeds_and_mean(ax_err, [r + dx for r in rates], [errs[r] for r in rates], color, place, marker)
        ax_bn.plot(rates, [mean([s["bn_ratio"][1] for s in row(data, place, rate)["seeds"]]) for rate in rates],
                   marker + "-", color=color, label=place)
    conv_rate, fc_rate = RECIPE
    for kind, color, marker in (("Dropout2d", "C0", "s"), ("Dropout", "C2", "^")):
        values = errors(data, f"recipe, {kind}")[None]
        ax_err.errorbar([fc_rate + 0.04], [mean(values)], yerr=[fig.mean_std(values)[1]], marker=marker, color=color,
                        mfc="none", ms=9, capsize=3, ls="none",
                        label=f"{conv_rate:g} conv. ({kind}) + {fc_rate:g} f.c.")
    fig.error_axis(ax_err, top=top)
    ax_err.set(xlabel="dropout rate p", xticks=rates,
               title=f"train_cnn's network, {cfg['epochs']} epochs, {fig.seed_range(cfg['seeds'])}")
    ax_err.legend(fontsize=8)
    ax_bn.axhline(1, color="k", lw=0.5)
    ax_bn.set(xlabel="dropout rate p", xticks=rates, ylim=(0, None), ylabel="running / test-time variance (median)",
              title="variance shift at the second convolution's BatchNorm")
    ax_bn.grid(alpha=0.3)
    ax_bn.legend(fontsize=8)
    figure.tight_layout()
    fig.save(figure, path, data, plot)
