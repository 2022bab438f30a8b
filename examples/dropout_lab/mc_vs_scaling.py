"""Monte Carlo model averaging against weight scaling (Srivastava et al., 2014, Section 7.5, Fig. 11).

At test time a dropout network is usually evaluated once, with every unit on and the weights
scaled (in inverted dropout: nothing to do, ``model.eval()``). The alternative is to sample k
sub-networks and average their predicted probabilities (``nn.utils.mc_predict``). Srivastava et
al. found on MNIST that around k = 50 the Monte Carlo average becomes as good as weight scaling,
and beyond that slightly better, but well within one standard deviation. Here: train_mlp's
network with one and with two hidden layers (dropout 0.5, inputs 0.1), several seeds, and for
each network several independent series of k sampled masks.
"""
import numpy as np

import minigrad as torch
from minigrad.nn.utils import mc_predict

from . import figures as fig
from .nets import mlp_spec, test_set

NAME = "mc-vs-scaling"
SUMMARY = "Monte Carlo averaging of k sub-networks against weight scaling: Srivastava et al., Fig. 11"
REQUIRES = ()

KS = (1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200)


def config(quick=False, epochs=None, seeds=None):
    max_k = 20 if quick else 200
    return dict(p=0.5, depths=[1, 2], seeds=list(range(seeds or (1 if quick else 3))),
                epochs=epochs or (15 if quick else 80), ks=[k for k in KS if k <= max_k],
                repeats=2 if quick else 5)


def spec(cfg, layers, seed):
    return mlp_spec(seed, cfg["p"], round(cfg["p"] / 5, 10), layers=layers, epochs=cfg["epochs"])


def jobs(cfg):
    return [spec(cfg, layers, seed) for layers in cfg["depths"] for seed in cfg["seeds"]]


def mc_errors(model, x, y, ks, generator):
    """Test error of the average of the first k sampled sub-networks, for each k in ``ks``."""
    probs = mc_predict(model, x, passes=max(ks), generator=generator).probs.numpy().astype(np.float64)
    running = np.cumsum(probs, axis=0)  # running[k-1]: k times the mean of the first k passes
    labels = y.numpy()
    return [float((running[k - 1].argmax(axis=1) != labels).mean()) for k in ks]


def analyse(cfg, runner):
    out = []
    for layers in cfg["depths"]:
        per_seed = []
        for seed in cfg["seeds"]:
            x, y = test_set(seed)
            model = runner.model(spec(cfg, layers, seed))
            with torch.no_grad():
                scaled = float((model(x).argmax(dim=1) != y).float().mean().item())
            series = [mc_errors(model, x, y, cfg["ks"], torch.Generator().manual_seed(1000 * seed + rep + 1))
                      for rep in range(cfg["repeats"])]
            per_seed.append(dict(seed=seed, scaled_error=scaled, mc_error=series))
        out.append(dict(layers=layers, seeds=per_seed))
    return dict(depths=out)


def curves(depth):
    """Mean over seeds of: the weight-scaled error, the MC error at each k (mean over the
    series), and the standard deviation of the MC error over the series."""
    scaled = np.mean([s["scaled_error"] for s in depth["seeds"]])
    errors = np.array([s["mc_error"] for s in depth["seeds"]])  # (seeds, repeats, ks)
    mean = errors.mean(axis=(0, 1))
    std = errors.std(axis=1, ddof=1).mean(axis=0) if errors.shape[1] > 1 else np.zeros_like(mean)
    return float(scaled), mean, std


def matching_k(ks, scaled, mean):
    """The smallest k from which the mean MC error stays at or below the weight-scaled error."""
    for i, k in enumerate(ks):
        if all(m <= scaled + 1e-12 for m in mean[i:]):
            return k
    return None


def within_std_k(ks, scaled, mean, std):
    """The smallest k from which the mean MC error stays within one standard deviation (over the
    series) above the weight-scaled error."""
    for i, k in enumerate(ks):
        if all(m <= scaled + s + 1e-12 for m, s in zip(mean[i:], std[i:])):
            return k
    return None


def findings(data):
    ks = data["config"]["ks"]
    out = []
    for depth in data["results"]["depths"]:
        scaled, mean, std = curves(depth)
        k_star = matching_k(ks, scaled, mean)
        name = f"{depth['layers']} hidden layer{'s' if depth['layers'] > 1 else ''}"
        out.append(fig.finding(
            f"About 50 sampled networks are needed before MC averaging is as good as weight scaling ({name}; "
            "here: from some k between 25 and 100 on).", k_star is not None and 25 <= k_star <= 100,
            (f"at or below it from k = {k_star} on" if k_star else f"not at or below it for k ≤ {ks[-1]}")
            + f", within one standard deviation from k = {within_std_k(ks, scaled, mean, std)} on (k = 1: "
            f"{fig.pct(mean[0], 2)}; k = 50: {fig.pct(mean[ks.index(50)], 2) if 50 in ks else '–'}; weight scaling "
            f"{fig.pct(scaled, 2)})"))
        diff = mean[-1] - scaled
        out.append(fig.finding(
            f"With more samples MC averaging is slightly better than weight scaling, within one standard "
            f"deviation ({name}).", diff <= 0 and abs(diff) <= max(std[-1], 1e-12),
            f"at k = {ks[-1]}: {fig.pct(mean[-1], 2)} ± {fig.pct(std[-1], 2)} against {fig.pct(scaled, 2)}"))
    return out


def markdown(data):
    cfg = data["config"]
    ks = cfg["ks"]
    shown = [k for k in ks if k in (1, 2, 5, 10, 20, 50, 100, 200)]
    rows = []
    for depth in data["results"]["depths"]:
        scaled, mean, std = curves(depth)
        rows.append((depth["layers"], fig.pct(scaled, 2),
                     *[f"{fig.pct(mean[ks.index(k)], 2)} ± {fig.pct(std[ks.index(k)], 2)}" for k in shown],
                     matching_k(ks, scaled, mean) or f"> {ks[-1]}", within_std_k(ks, scaled, mean, std) or f"> {ks[-1]}"))
    table = fig.markdown_table(["hidden layers", "weight scaling", *[f"MC, k = {k}" for k in shown],
                                "MC ≤ scaling from k =", "MC ≤ scaling + 1 std from k ="], rows)
    seeds = cfg["seeds"]
    note = (f"Test error, mean over {fig.seed_range(seeds)} (dropout {cfg['p']:g}, inputs {cfg['p'] / 5:g}, "
            f"{cfg['epochs']} epochs) and over {cfg['repeats']} independent series of sampled masks per network; "
            "± is the standard deviation over the series.")
    return {"mc-vs-scaling": fig.block(table, note, findings(data))}


def plot(data, path):
    plt = fig.pyplot()
    cfg = data["config"]
    ks = cfg["ks"]
    depths = data["results"]["depths"]
    figure, axes = plt.subplots(1, len(depths), figsize=(5.5 * len(depths), 4.2), sharey=True, squeeze=False)
    top = 1.1 * max(curves(d)[1][0] for d in depths)
    for ax, depth in zip(axes[0], depths):
        scaled, mean, std = curves(depth)
        ax.fill_between(ks, mean - std, mean + std, color="C0", alpha=0.25, lw=0)
        ax.plot(ks, mean, "o-", color="C0", ms=3, label="MC average of k sub-networks (± std)")
        ax.axhline(scaled, color="C3", ls="--", label="weight scaling (eval mode)")
        ax.set_xscale("log")
        ax.set_xticks(fig.log_ticks(ks), [str(k) for k in fig.log_ticks(ks)])
        fig.error_axis(ax, top=top)
        ax.set(xlabel="k, sampled sub-networks", title=f"{depth['layers']} hidden layer(s), {len(depth['seeds'])} seeds")
        ax.legend()
    figure.tight_layout()
    fig.save(figure, path, data, plot)
