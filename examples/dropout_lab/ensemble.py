"""Dropout as an ensemble, made exact: every sub-network of a small network, evaluated.

A dropout network with k droppable units holds 2^k sub-networks (one per mask) that share their
weights. "Dropout trains an ensemble and weight scaling averages it" (both seed articles; Hinton
et al., 2012) can be checked exactly when k is small: evaluate all 2^k sub-networks on the test
set and form the ensemble's prediction in two ways, each sub-network weighted by the probability
of its mask,

* the arithmetic mean of their class probabilities (AM: the expected prediction, which Monte
  Carlo dropout estimates by sampling), and
* their normalised geometric mean (NGM: the geometric mean, renormalised to sum to 1),

then compare both with weight scaling (one pass in eval mode) and with Monte Carlo dropout.
Hinton et al. note that with dropout only on the last hidden layer, before a softmax, weight
scaling computes the NGM *exactly*; Baldi and Sadowski (2013) analyse how well the NGM
approximates the AM; Warde-Farley et al. (2013) measured the weight-scaling approximation in
deeper rectifier networks. Two networks with k = 16 (65,536 sub-networks):

* ``shallow``: 64 -> 16 ReLU units, dropout 0.5 -> 10 (the exact case);
* ``bottleneck``: 64 -> 16 ReLU units, dropout 0.5 -> 32 ReLU units -> 10, where another
  nonlinear layer follows the dropout and weight scaling is an approximation.

The enumeration runs in float64 with minigrad's kernels.
"""
import copy

import numpy as np

import minigrad as torch
from minigrad.nn.utils import mc_predict

from . import figures as fig
from .jobs import key, trained_model
from .nets import bottleneck_spec, mlp_spec, test_set

NAME = "ensemble"
SUMMARY = "all 2^k sub-networks: the exact ensemble against weight scaling and MC dropout"
REQUIRES = ()

ARCHS = ("shallow", "bottleneck")
ROWS_PER_CHUNK = 1 << 16  # (masks x test images) rows per step of the enumeration


def config(quick=False, epochs=None, seeds=None):
    return dict(units=8 if quick else 16, p=0.5, wide=32, seeds=list(range(seeds or (1 if quick else 3))),
                epochs=epochs or (10 if quick else 80), mc_passes=[1, 10, 100] if quick else [1, 10, 100, 1000],
                bins=40)


def spec(cfg, arch, seed):
    if arch == "shallow":
        return mlp_spec(seed, cfg["p"], 0.0, hidden=cfg["units"], epochs=cfg["epochs"])
    return bottleneck_spec(seed, cfg["units"], cfg["p"], wide=cfg["wide"], epochs=cfg["epochs"])


def jobs(cfg):
    return [spec(cfg, arch, seed) for arch in ARCHS for seed in cfg["seeds"]]


def enumerate_subnetworks(model, x, y, p):
    """Every sub-network of ``model`` (a Sequential whose only dropout layer follows its first
    hidden layer and precedes a Linear layer) on (x, y), in float64. Returns, as tensors: the AM
    and the NGM of the class probabilities (each mask weighted by its probability), the
    weight-scaled prediction, each sub-network's error rate, and each mask's probability.

    The Linear layer after the dropout gives every mask's pre-activations in one product: for
    mask m, ``z_m = b + Σ_j m_j h_j W[:, j] / (1-p)``, so ``Z = M @ A`` with ``A[j] = h_j W[:, j] /
    (1-p)`` for all test images side by side. The NGM needs only the mean of the logits (its
    normaliser cancels: ``NGM ∝ exp(Σ_m P(m) log p_m) ∝ exp(Σ_m P(m) z_m)``); the AM needs each
    mask's softmax."""
    layers = list(copy.deepcopy(model).double())
    drop = next(i for i, m in enumerate(layers) if isinstance(m, torch.nn.Dropout))
    first, linear, rest = (torch.nn.Sequential(*layers[:drop]), layers[drop + 1],
                           torch.nn.Sequential(*layers[drop + 2:]))
    q = 1 - p
    with torch.no_grad():
        h = first(x.double()).numpy()                            # (N, k): the units dropout acts on
        n, k = h.shape
        w, b = linear.weight.detach().numpy(), linear.bias.detach().numpy()  # (d, k), (d,)
        d = w.shape[0]
        a = torch.from_numpy(np.ascontiguousarray((h.T[:, :, None] * w.T[:, None, :] / q).reshape(k, n * d)))
        bits = (np.arange(1 << k)[:, None] >> np.arange(k)) & 1  # (2^k, k): mask i = the bits of i
        masks = torch.from_numpy(bits.astype(np.float64))
        kept = bits.sum(axis=1)
        weight = torch.from_numpy(q ** kept * p ** (k - kept))   # P(mask)
        labels = y.numpy()
        am, mean_logits = np.zeros((n, 10)), np.zeros((n, 10))
        errors = []
        chunk = max(1, ROWS_PER_CHUNK // n)
        for start in range(0, 1 << k, chunk):
            c = min(chunk, (1 << k) - start)
            z = (masks[start:start + c] @ a).numpy().reshape(c, n, d)
            z += b
            if len(rest):
                z = rest(torch.from_numpy(z.reshape(c * n, d))).numpy().reshape(c, n, 10)
            # weighted sums over the masks: numpy's sum along axis 0 adds the masks in order
            w_chunk = weight.numpy()[start:start + c, None, None]
            mean_logits += (w_chunk * z).sum(axis=0)
            errors.append((z.argmax(axis=2) != labels).mean(axis=1))
            z -= z.max(axis=2, keepdims=True)                    # softmax, in place
            np.exp(z, out=z)
            z /= z.sum(axis=2, keepdims=True)
            am += (w_chunk * z).sum(axis=0)
        ngm = torch.from_numpy(mean_logits).softmax(dim=1)
        scaled = rest(linear(torch.from_numpy(h))).softmax(dim=1)  # weight scaling, in float64
    return torch.from_numpy(am), ngm, scaled, torch.from_numpy(np.concatenate(errors)), weight


def _enumerate(item):
    """``enumerate_subnetworks`` for one trained network (in a worker process): item is (spec,
    weights, p); returns numpy arrays."""
    spec, state, p = item
    x, y = test_set(spec["seed"])
    return [t.numpy() for t in enumerate_subnetworks(trained_model(spec, state), x, y, p)]


def tv(a, b):
    """Mean total variation distance between two (N, C) sets of distributions."""
    return float(0.5 * (a - b).abs().sum(dim=1).mean().item())


def error(probs, y):
    return float((probs.argmax(dim=1) != y).double().mean().item())


def confidence(probs):
    """The mean probability of the predicted class."""
    return float(probs.max(dim=1).values.mean().item())


def agreement(a, b):
    return float((a.argmax(dim=1) == b.argmax(dim=1)).double().mean().item())


def analyse(cfg, runner):
    specs = jobs(cfg)
    # the enumerations are the long part: one per network, in the runner's worker processes
    exact = runner.map(_enumerate, [(s, runner.train([s])[0]["state"], cfg["p"]) for s in specs])
    exact = {key(s): [torch.from_numpy(a) for a in arrays] for s, arrays in zip(specs, exact)}
    out = {}
    for arch in ARCHS:
        runs = []
        for seed in cfg["seeds"]:
            x, y = test_set(seed)
            model = runner.model(spec(cfg, arch, seed))
            am, ngm, scaled64, sub_errors, weight = exact[key(spec(cfg, arch, seed))]
            with torch.no_grad():
                scaled = model(x).softmax(dim=1).double()  # minigrad's eval mode, float32
            mc = {}
            for t in cfg["mc_passes"]:
                g = torch.Generator().manual_seed(100 * seed + t)
                mean = mc_predict(model, x, passes=t, generator=g).mean.double()
                mc[str(t)] = dict(error=error(mean, y), tv_am=tv(mean, am), tv_ngm=tv(mean, ngm),
                                  agree_am=agreement(mean, am))
            sub, w = sub_errors.numpy(), weight.numpy()
            hist = np.histogram(sub, bins=cfg["bins"], range=(0, 1), weights=w)[0]
            runs.append(dict(
                seed=seed, subnetworks=len(sub),
                error=dict(scaled=error(scaled, y), am=error(am, y), ngm=error(ngm, y)),
                confidence=dict(scaled=confidence(scaled), am=confidence(am), ngm=confidence(ngm)),
                subnetwork_error=dict(mean=float((sub * w).sum()), best=float(sub.min()), worst=float(sub.max()),
                                      better_than_am=float(w[sub < error(am, y)].sum()), hist=hist.tolist()),
                tv=dict(scaled_ngm=tv(scaled, ngm), scaled_am=tv(scaled, am), ngm_am=tv(ngm, am)),
                agree=dict(scaled_ngm=agreement(scaled, ngm), scaled_am=agreement(scaled, am),
                           ngm_am=agreement(ngm, am)),
                max_abs_scaled_ngm=dict(float64=float((scaled64 - ngm).abs().max().item()),
                                        float32=float((scaled - ngm).abs().max().item())),
                mc=mc))
        out[arch] = runs
    return out


def _avg(runs, get):
    return float(np.mean([get(r) for r in runs]))


def findings(data):
    res, cfg = data["results"], data["config"]
    shallow, deep = res["shallow"], res["bottleneck"]
    t_max = str(cfg["mc_passes"][-1])
    exact = max(r["max_abs_scaled_ngm"]["float64"] for r in shallow)
    out = [fig.finding(
        "With dropout only before the softmax layer, weight scaling computes the normalised geometric mean of "
        "all 2^k sub-networks exactly (Hinton et al., 2012).", exact < 1e-9,
        f"largest difference over {len(shallow)} network{'s' if len(shallow) > 1 else ''} × 1,000 digits × 10 classes: {exact:.1e} in float64 "
        f"({max(r['max_abs_scaled_ngm']['float32'] for r in shallow):.1e} for minigrad's float32 eval mode)")]
    for arch, runs in (("shallow", shallow), ("bottleneck", deep)):
        agree = _avg(runs, lambda r: r["agree"]["ngm_am"])
        out.append(fig.finding(
            f"The normalised geometric mean makes the same decisions as the arithmetic mean, the expected "
            f"prediction (Baldi and Sadowski, 2013; {arch}; here: the same class for at least 99% of the digits).",
            agree >= 0.99,
            f"the same class for {fig.pct(agree)} of the digits (at least {fig.pct(min(r['agree']['ngm_am'] for r in runs))} "
            f"for each network); errors {fig.pct(_avg(runs, lambda r: r['error']['ngm']))} (NGM) and "
            f"{fig.pct(_avg(runs, lambda r: r['error']['am']))} (AM)"))
        tv_ngm_am = _avg(runs, lambda r: r["tv"]["ngm_am"])
        out.append(fig.finding(
            f"The normalised geometric mean gives probabilities close to the arithmetic mean's (Baldi and Sadowski, "
            f"2013; {arch}; here: a mean total variation distance of at most 0.05).",
            tv_ngm_am <= 0.05,
            f"mean total variation {tv_ngm_am:.3f}: the geometric mean is the more confident, a mean probability of "
            f"{_avg(runs, lambda r: r['confidence']['ngm']):.3f} for its predicted class against "
            f"{_avg(runs, lambda r: r['confidence']['am']):.3f} for the AM"))
    agree = _avg(deep, lambda r: r["agree"]["scaled_ngm"])
    out.append(fig.finding(
        "When another nonlinear layer follows the dropout, weight scaling is no longer exact but stays a good "
        "approximation of the geometric mean (Warde-Farley et al., 2013; here: the same class for at least 99% "
        "of the digits).", agree >= 0.99,
        f"bottleneck: the same class for {fig.pct(agree)}, mean total variation "
        f"{_avg(deep, lambda r: r['tv']['scaled_ngm']):.3f} (shallow: {_avg(shallow, lambda r: r['tv']['scaled_ngm']):.1e})"))
    for arch, runs in (("shallow", shallow), ("bottleneck", deep)):
        scaled, am = _avg(runs, lambda r: r["error"]["scaled"]), _avg(runs, lambda r: r["error"]["am"])
        out.append(fig.finding(
            f"Weight scaling is about as accurate as the true model average (Srivastava et al., 2014; {arch}; "
            "here: test errors within 0.5 percentage points).", abs(scaled - am) <= 0.005,
            f"{fig.pct(scaled)} against {fig.pct(am)}, per network " + ", ".join(
                f"{fig.pct(r['error']['scaled'])}/{fig.pct(r['error']['am'])}" for r in runs)))
    for arch, runs in (("shallow", shallow), ("bottleneck", deep)):
        out.append(fig.finding(
            f"The ensemble is better than its members: its error is below that of a typical sub-network ({arch}).",
            all(r["error"]["am"] < r["subnetwork_error"]["mean"] for r in runs),
            f"AM {fig.pct(_avg(runs, lambda r: r['error']['am']))}, a random sub-network "
            f"{fig.pct(_avg(runs, lambda r: r['subnetwork_error']['mean']))} on average (the best one "
            f"{fig.pct(_avg(runs, lambda r: r['subnetwork_error']['best']))})"))
    both = shallow + deep
    decreasing = all(all(r["mc"][str(a)]["tv_am"] > r["mc"][str(b)]["tv_am"]
                         for a, b in zip(cfg["mc_passes"], cfg["mc_passes"][1:])) for r in both)
    out.append(fig.finding(
        "Monte Carlo dropout estimates the arithmetic mean: its distance to the exact AM shrinks as passes are "
        "added (Gal and Ghahramani, 2016).", decreasing,
        "mean total variation to the AM " + ", ".join(
            f"{_avg(both, lambda r, t=t: r['mc'][str(t)]['tv_am']):.4f} ({t} pass{'es' if t > 1 else ''})"
            for t in cfg["mc_passes"]) + f"; with {t_max} passes the same class as the AM for "
        f"{fig.pct(_avg(both, lambda r: r['mc'][t_max]['agree_am']))} of the digits"))
    return out


def markdown(data):
    res, cfg = data["results"], data["config"]
    rows = []
    for arch in ARCHS:
        runs = res[arch]
        rows.append((arch, fig.pct(_avg(runs, lambda r: r["error"]["scaled"])),
                     fig.pct(_avg(runs, lambda r: r["error"]["ngm"])), fig.pct(_avg(runs, lambda r: r["error"]["am"])),
                     *[fig.pct(_avg(runs, lambda r, t=t: r["mc"][str(t)]["error"])) for t in cfg["mc_passes"]],
                     fig.pct(_avg(runs, lambda r: r["subnetwork_error"]["mean"])),
                     f"{_avg(runs, lambda r: r['tv']['scaled_ngm']):.1e}", f"{_avg(runs, lambda r: r['tv']['ngm_am']):.4f}"))
    table = fig.markdown_table(
        ["network", "weight scaling", "NGM (exact)", "AM (exact)", *[f"MC, {t}" for t in cfg["mc_passes"]],
         "a random sub-network", "TV(scaling, NGM)", "TV(NGM, AM)"], rows)
    seeds = cfg["seeds"]
    note = (f"Test error, mean over {fig.seed_range(seeds)}, of networks with k = {cfg['units']} droppable units "
            f"({2 ** cfg['units']:,} sub-networks; dropout {cfg['p']:g}, {cfg['epochs']} epochs). NGM, AM: the "
            "normalised geometric and the arithmetic mean of all sub-networks' probabilities, each weighted by the "
            "probability of its mask. MC, T: Monte Carlo dropout with T passes. TV: mean total variation distance "
            "between two predictive distributions (0: equal, 1: disjoint).")
    return {"ensemble": fig.block(table, note, findings(data))}


def plot(data, path):
    plt = fig.pyplot()
    res, cfg = data["results"], data["config"]
    figure, axes = plt.subplots(2, 2, figsize=(11, 8))
    edges = np.linspace(0, 1, cfg["bins"] + 1)
    ts = cfg["mc_passes"]
    for row, arch in zip(axes, ARCHS):
        run = res[arch][0]
        ax = row[0]
        ax.stairs(run["subnetwork_error"]["hist"], edges, fill=True, alpha=0.4, color="C7",
                  label=f"the {run['subnetworks']:,} sub-networks")
        # wide and faint first, thin and dotted last: lines that coincide stay visible
        for key, label, color, ls, lw, alpha in (("am", "AM (exact ensemble)", "C0", "-", 5, 0.35),
                                                 ("scaled", "weight scaling", "C3", "--", 2, 1),
                                                 ("ngm", "NGM", "k", ":", 1.5, 1)):
            ax.axvline(run["error"][key], color=color, ls=ls, lw=lw, alpha=alpha,
                       label=f"{label}: {fig.pct(run['error'][key])}")
        ax.set(xlabel="test error", ylabel="probability of the mask", xlim=(0, 1),
               title=f"{arch}, seed {run['seed']}: each sub-network's test error")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        ax = row[1]
        runs = res[arch]
        ax.plot(ts, [_avg(runs, lambda r, t=t: r["mc"][str(t)]["tv_am"]) for t in ts], "o-", color="C0",
                label="MC dropout, T passes")
        for key, label, color, ls, lw, alpha in (("scaled_am", "weight scaling", "C3", "-", 5, 0.35),
                                                 ("ngm_am", "NGM", "k", ":", 1.5, 1)):
            value = _avg(runs, lambda r, k=key: r["tv"][k])
            ax.axhline(max(value, 1e-6), color=color, ls=ls, lw=lw, alpha=alpha, label=f"{label}: {value:.4f}")
        ax.set(xscale="log", yscale="log", xlabel="T, Monte Carlo passes",
               ylabel="mean total variation distance to the AM", title=f"{arch}: distance to the exact ensemble")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    figure.tight_layout()
    fig.save(figure, path, data, plot)
