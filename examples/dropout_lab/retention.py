"""Test error against the retention probability (Srivastava et al., 2014, Section 7.3, Fig. 9).

Srivastava et al. write p for the probability of *keeping* a unit (retention; PyTorch's dropout
probability is 1-p). They varied it in two ways, on MNIST, without input dropout:

(a) the width n of the hidden layers fixed: a small p leaves few units at each step, and the
    network underfits (its training error rises too); the test error is flat for
    0.4 <= p <= 0.8 and rises again towards p = 1 (no dropout);
(b) p·n fixed, so that the expected number of units kept is the same for every p (n = pn/p):
    small p now does much better than in (a) (2.7% -> 1.7% at p = 0.1); p near 0.6 was best
    and the usual 0.5 close to it.

Here: train_mlp's one-hidden-layer network, n = 256 in (a) and p·n = 64 in (b) (from 640 units
at p = 0.1 to 64 at p = 1), no input dropout, on the digits.
"""
from . import figures as fig
from .nets import mlp_spec

NAME = "retention"
SUMMARY = "test error against the retention probability, width or p·n fixed: Srivastava et al., Fig. 9"
REQUIRES = ()

SETTINGS = ("fixed n", "fixed pn")


def config(quick=False, epochs=None, seeds=None):
    return dict(retention=[0.2, 0.5, 1.0] if quick else [round(0.1 * i, 1) for i in range(1, 11)],
                n=256, pn=64, seeds=list(range(seeds or (1 if quick else 3))),
                epochs=epochs or (10 if quick else 80))


def width(cfg, setting, r):
    return cfg["n"] if setting == "fixed n" else round(cfg["pn"] / r)


def spec(cfg, setting, r, seed):
    return mlp_spec(seed, round(1 - r, 10), 0.0, hidden=width(cfg, setting, r), epochs=cfg["epochs"])


def jobs(cfg):
    return [spec(cfg, s, r, seed) for s in SETTINGS for r in cfg["retention"] for seed in cfg["seeds"]]


def analyse(cfg, runner):
    out = {}
    for setting in SETTINGS:
        rows = []
        for r in cfg["retention"]:
            records = runner.train([spec(cfg, setting, r, seed) for seed in cfg["seeds"]])
            rows.append(dict(retention=r, hidden=width(cfg, setting, r),
                             train_error=[1 - x["train_acc"] for x in records],
                             test_error=[1 - x["test_acc"] for x in records]))
        out[setting] = rows
    return out


def _means(rows, key):
    return {row["retention"]: fig.mean_std(row[key])[0] for row in rows}


def findings(data):
    res = data["results"]
    test_n, train_n = _means(res["fixed n"], "test_error"), _means(res["fixed n"], "train_error")
    test_pn = _means(res["fixed pn"], "test_error")
    lowest = min(test_n)
    middle = [r for r in test_n if 0.4 <= r <= 0.8]
    out = []
    if middle and lowest < 0.4:
        out.append(fig.finding(
            "With the width fixed, a small retention probability underfits: the training error rises and "
            "the test error is the highest.",
            train_n[lowest] > max(train_n[r] for r in middle) and test_n[lowest] > max(test_n[r] for r in middle),
            f"at p = {lowest:g}: training error {fig.pct(train_n[lowest])}, test error {fig.pct(test_n[lowest])}; "
            f"for 0.4 ≤ p ≤ 0.8 at most {fig.pct(max(train_n[r] for r in middle))} and "
            f"{fig.pct(max(test_n[r] for r in middle))}"))
        spread = max(test_n[r] for r in middle) - min(test_n[r] for r in middle)
        out.append(fig.finding(
            "With the width fixed, the test error is flat for 0.4 ≤ p ≤ 0.8 (here: within 1 percentage "
            "point, 10 of the 1,000 test digits).", spread <= 0.01,
            f"from {fig.pct(min(test_n[r] for r in middle))} to {fig.pct(max(test_n[r] for r in middle))}"))
    if 1.0 in test_n and middle:
        out.append(fig.finding(
            "With the width fixed, the test error rises again as p approaches 1 (no dropout).",
            test_n[1.0] > min(test_n[r] for r in middle),
            f"{fig.pct(test_n[1.0])} at p = 1 against {fig.pct(min(test_n[r] for r in middle))} at best in 0.4-0.8"))
    if lowest in test_pn:
        out.append(fig.finding(
            "Keeping p·n fixed instead makes small retention probabilities much better (2.7% → 1.7% at "
            "p = 0.1 in the paper).", test_pn[lowest] < test_n[lowest],
            f"at p = {lowest:g}: {fig.pct(test_n[lowest])} with n = {data['config']['n']} → "
            f"{fig.pct(test_pn[lowest])} with n = {width(data['config'], 'fixed pn', lowest)}"))
    best = min(test_pn, key=test_pn.get)
    if 0.5 in test_pn:
        out.append(fig.finding(
            "With p·n fixed, p near 0.6 is best and the default 0.5 is close to it (here: best p within "
            "0.4-0.8, and p = 0.5 within 0.5 percentage points of the best).",
            0.4 <= best <= 0.8 and test_pn[0.5] <= test_pn[best] + 0.005,
            f"best p = {best:g} ({fig.pct(test_pn[best])}); p = 0.5: {fig.pct(test_pn[0.5])}"))
    return out


def markdown(data):
    cfg, res = data["config"], data["results"]
    rows = []
    for a, b in zip(res["fixed n"], res["fixed pn"]):
        rows.append((f"{a['retention']:g}", f"{1 - a['retention']:g}", a["hidden"],
                     fig.pct(fig.mean_std(a["train_error"])[0]),
                     f"{fig.pct(fig.mean_std(a['test_error'])[0])} ± {fig.pct(fig.mean_std(a['test_error'])[1])}",
                     b["hidden"], fig.pct(fig.mean_std(b["train_error"])[0]),
                     f"{fig.pct(fig.mean_std(b['test_error'])[0])} ± {fig.pct(fig.mean_std(b['test_error'])[1])}"))
    table = fig.markdown_table(["retention p", "nn.Dropout p", "n (fixed n)", "train error", "test error",
                                f"n (pn = {cfg['pn']})", "train error", "test error"], rows)
    seeds = cfg["seeds"]
    note = (f"One hidden layer, no input dropout, {cfg['epochs']} epochs; mean ± standard deviation over "
            f"{fig.seed_range(seeds)}.")
    return {"retention": fig.block(table, note, findings(data))}


def plot(data, path):
    plt = fig.pyplot()
    cfg, res = data["config"], data["results"]
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    top = 1.15 * max(max(row["test_error"]) for s in SETTINGS for row in res[s])
    for ax, setting, title in ((axes[0], "fixed n", f"(a) n = {cfg['n']} fixed"),
                               (axes[1], "fixed pn", f"(b) p·n = {cfg['pn']} fixed")):
        rs = [row["retention"] for row in res[setting]]
        fig.seeds_and_mean(ax, rs, [row["test_error"] for row in res[setting]], "C1", "test error", "s", "--")
        fig.seeds_and_mean(ax, rs, [row["train_error"] for row in res[setting]], "C0", "training error")
        fig.error_axis(ax, "error rate", top=top)
        ax.set(xlabel="retention probability p (keep; nn.Dropout(1 - p))", title=title)
        ax.legend()
    figure.tight_layout()
    fig.save(figure, path, data, plot)
