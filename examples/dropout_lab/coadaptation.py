"""Co-adaptation and sparsity: the hidden units with and without dropout (Srivastava et al., 2014,
Section 7.2, Fig. 8).

Dropout is meant to stop units from co-adapting: a unit cannot count on any other being present,
so each must be useful on its own. Srivastava et al. observed a side effect on autoencoders with
256 ReLU units on MNIST: with dropout the hidden activations became sparse, without any sparsity
penalty. Without dropout most units had a mean activation of about 2.0 and the activations a
large mode away from zero; with dropout (p = 0.5) the mean activations were about 0.7 and the
activations had a sharp peak at zero. We measure the same on the digits, for an autoencoder
(64 -> 256 ReLU -> 64) and for train_mlp's classifier (64 -> 256 ReLU -> 10, dropout on the
hidden layer only), each trained with and without dropout 0.5: the mean activation, the fraction
of activations that are exactly zero, and the number of units active per image, on the test
images in evaluation mode.
"""
import numpy as np

import minigrad as torch

from . import figures as fig
from .nets import autoencoder_spec, mlp_spec, test_set

NAME = "coadaptation"
SUMMARY = "mean activation and sparsity of hidden units with and without dropout: Srivastava et al., Fig. 8"
REQUIRES = ()

MODELS = ("autoencoder", "classifier")


def config(quick=False, epochs=None, seeds=None):
    return dict(hidden=256, ps=[0.0, 0.5], seeds=list(range(seeds or (1 if quick else 3))),
                epochs=epochs or (10 if quick else 80), bins=40)


def spec(cfg, model, p, seed):
    if model == "autoencoder":
        return autoencoder_spec(seed, p, hidden=cfg["hidden"], epochs=cfg["epochs"])
    return mlp_spec(seed, p, 0.0, hidden=cfg["hidden"], epochs=cfg["epochs"])


def jobs(cfg):
    return [spec(cfg, m, p, seed) for m in MODELS for p in cfg["ps"] for seed in cfg["seeds"]]


def hidden(model, x):
    """The hidden layer's activations (N, units) in evaluation mode: ReLU(first Linear(x))."""
    with torch.no_grad():
        return model[1](model[0](x)).numpy().astype(np.float64)


def analyse(cfg, runner):
    out = {}
    for name in MODELS:
        rows, first = [], {}
        for p in cfg["ps"]:
            stats = []
            for seed in cfg["seeds"]:
                record = runner.train([spec(cfg, name, p, seed)])[0]
                h = hidden(runner.model(spec(cfg, name, p, seed)), test_set(seed)[0])
                stats.append(dict(seed=seed, mean=float(h.mean()), zero=float((h == 0).mean()),
                                  active_per_image=float((h > 0).sum(axis=1).mean()),
                                  dead=float((h.max(axis=0) == 0).mean()), test_loss=record["test_loss"],
                                  test_acc=record.get("test_acc")))
                if seed == cfg["seeds"][0]:
                    first[p] = h
            rows.append(dict(p=p, seeds=stats))
        # histograms of the first seed's networks, with the same bins for both
        top = max(float(h.max()) for h in first.values())
        unit_edges = np.linspace(0, max(float(h.mean(axis=0).max()) for h in first.values()), cfg["bins"] + 1)
        edges = np.linspace(0, top, cfg["bins"] + 1)
        for row in rows:
            h = first[row["p"]]
            row["hist_unit_means"] = np.histogram(h.mean(axis=0), unit_edges)[0].tolist()
            row["hist_activations"] = np.histogram(h, edges)[0].tolist()
        out[name] = dict(rows=rows, unit_edges=unit_edges.tolist(), edges=edges.tolist())
    return out


def _stat(row, key):
    return fig.mean_std([s[key] for s in row["seeds"]])


def findings(data):
    out = []
    for name in MODELS:
        plain, drop = data["results"][name]["rows"][0], data["results"][name]["rows"][-1]
        out.append(fig.finding(
            f"Dropout makes the hidden activations sparse without a sparsity penalty: more of them are exactly "
            f"zero ({name}).", _stat(drop, "zero")[0] > _stat(plain, "zero")[0],
            f"{fig.pct(_stat(plain, 'zero')[0])} zeros without dropout, {fig.pct(_stat(drop, 'zero')[0])} with "
            f"p = {drop['p']:g}; {_stat(plain, 'active_per_image')[0]:.0f} against "
            f"{_stat(drop, 'active_per_image')[0]:.0f} active units per image"))
        out.append(fig.finding(
            f"Dropout lowers the mean activation of the hidden units (2.0 → 0.7 in the paper; {name}).",
            _stat(drop, "mean")[0] < _stat(plain, "mean")[0],
            f"{_stat(plain, 'mean')[0]:.3f} → {_stat(drop, 'mean')[0]:.3f}"))
    return out


def markdown(data):
    cfg = data["config"]
    rows = []
    for name in MODELS:
        for row in data["results"][name]["rows"]:
            quality = (f"test acc {_stat(row, 'test_acc')[0]:.3f}" if name == "classifier"
                       else f"test MSE {_stat(row, 'test_loss')[0]:.4f}")
            rows.append((name, f"{row['p']:g}", fig.pm(*_stat(row, "mean")),
                         f"{fig.pct(_stat(row, 'zero')[0])} ± {fig.pct(_stat(row, 'zero')[1])}",
                         f"{_stat(row, 'active_per_image')[0]:.0f}", fig.pct(_stat(row, "dead")[0]), quality))
    table = fig.markdown_table(["network", "dropout p", "mean activation", "zeros", "active units per image (of "
                                f"{cfg['hidden']})", "units never active", "quality"], rows)
    seeds = cfg["seeds"]
    note = (f"Hidden layer of {cfg['hidden']} ReLU units on the 1,000 test images, evaluation mode; mean ± standard "
            f"deviation over {fig.seed_range(seeds)} ({cfg['epochs']} epochs).")
    return {"coadaptation": fig.block(table, note, findings(data))}


def plot(data, path):
    plt = fig.pyplot()
    res = data["results"]["autoencoder"]
    figure, axes = plt.subplots(2, 2, figsize=(11, 7))
    for (ax_units, ax_all), row in zip(axes, res["rows"]):
        title = "without dropout" if row["p"] == 0 else f"dropout p = {row['p']:g}"
        ax_units.stairs(row["hist_unit_means"], res["unit_edges"], fill=True, color="C0", alpha=0.6)
        ax_units.set(xlabel="mean activation of a hidden unit", ylabel="units",
                     title=f"autoencoder, {title}: mean {row['seeds'][0]['mean']:.2f}")
        ax_all.stairs(row["hist_activations"], res["edges"], fill=True, color="C1", alpha=0.6)
        ax_all.set(xlabel="activation", ylabel="activations (log scale)", yscale="log",
                   title=f"{title}: {fig.pct(row['seeds'][0]['zero'])} of the activations are 0")
        for ax in (ax_units, ax_all):
            ax.grid(alpha=0.3)
    figure.tight_layout()
    fig.save(figure, path, data, plot)
