"""Monte Carlo dropout's uncertainty (Gal and Ghahramani, 2016), set against a real ensemble.

Leave dropout on at inference (``nn.utils.mc_predict``), run each test image through T random
sub-networks and average their class probabilities. The spread of the T answers measures the
model's uncertainty: it should be larger on the digits the network gets wrong. The same summary
(predictive entropy, mutual information) of a *deep ensemble*, M networks trained independently
(other initial weights and masks, the same data; Lakshminarayanan et al., 2017), shows what MC
dropout approximates at 1/M of the training cost.
"""
import math

import minigrad as torch
import numpy as np
from minigrad.nn.utils import MCPrediction, mc_predict

from . import figures as fig
from .nets import mlp_spec, test_set

NAME = "mc-uncertainty"
SUMMARY = "Monte Carlo dropout's uncertainty, against an ensemble of independently trained networks"
REQUIRES = ()


def config(quick=False, epochs=None, seeds=None):
    return dict(p=0.5, seed=0, members=seeds or (3 if quick else 5), epochs=epochs or (15 if quick else 80),
                passes=20 if quick else 100, bins=30)


def member(cfg, k):
    return mlp_spec(cfg["seed"], cfg["p"], round(cfg["p"] / 5, 10), epochs=cfg["epochs"], init_seed=cfg["seed"] + k)


def jobs(cfg):
    return [member(cfg, k) for k in range(cfg["members"])]


def auroc(scores, positive):
    """The probability that a random positive (misclassified) example scores higher than a random
    negative one, ties counting half: 0.5 means the score does not tell them apart."""
    scores, positive = np.asarray(scores, np.float64), np.asarray(positive, bool)
    pos, neg = scores[positive][:, None], scores[~positive][None, :]
    if pos.size == 0 or neg.size == 0:
        return None
    return float((pos > neg).mean() + 0.5 * (pos == neg).mean())


def summarise(pred, labels, bins):
    """Accuracy, log loss, and how well entropy and mutual information flag the errors."""
    mean = pred.mean.numpy().astype(np.float64)
    y = labels.numpy()
    wrong = mean.argmax(axis=1) != y
    entropy = pred.entropy.numpy().astype(np.float64)
    mi = pred.mutual_information.numpy().astype(np.float64)
    edges = np.linspace(0, math.log(mean.shape[1]), bins + 1)
    return dict(acc=float(1 - wrong.mean()), nll=float(-np.log(np.maximum(mean[np.arange(len(y)), y], 1e-12)).mean()),
                n_wrong=int(wrong.sum()), entropy_correct=float(entropy[~wrong].mean()),
                entropy_wrong=float(entropy[wrong].mean()) if wrong.any() else None,
                mi_correct=float(mi[~wrong].mean()), mi_wrong=float(mi[wrong].mean()) if wrong.any() else None,
                auroc_entropy=auroc(entropy, wrong), auroc_mi=auroc(mi, wrong),
                hist_correct=np.histogram(entropy[~wrong], edges)[0].tolist(),
                hist_wrong=np.histogram(entropy[wrong], edges)[0].tolist(), edges=edges.tolist())


def analyse(cfg, runner):
    x, y = test_set(cfg["seed"])
    models = [runner.model(spec) for spec in jobs(cfg)]
    with torch.no_grad():
        members = torch.stack([m(x).softmax(dim=1) for m in models])  # (M, N, 10), eval mode
    single = MCPrediction.from_probs(members[:1])
    mc = mc_predict(models[0], x, passes=cfg["passes"], generator=torch.Generator().manual_seed(cfg["seed"] + 2))
    ensemble = MCPrediction.from_probs(members)
    return dict(n=len(y), single=summarise(single, y, cfg["bins"]), mc=summarise(mc, y, cfg["bins"]),
                ensemble=summarise(ensemble, y, cfg["bins"]))


def findings(data):
    res, cfg = data["results"], data["config"]
    mc, ens, single = res["mc"], res["ensemble"], res["single"]
    return [
        fig.finding("MC dropout's predictive entropy is higher on the digits the network gets wrong "
                    "(Gal and Ghahramani, 2016): an AUROC of 0.8 or more for telling errors apart.",
                    (mc["auroc_entropy"] or 0) >= 0.8,
                    f"AUROC {mc['auroc_entropy']:.2f}; mean entropy {mc['entropy_wrong']:.3f} (wrong) against "
                    f"{mc['entropy_correct']:.3f} (correct)" if mc["n_wrong"] else "no errors to compare"),
        fig.finding("MC dropout's uncertainty flags the errors better than the single network's own softmax "
                    "entropy (Gal and Ghahramani's motivation: a single softmax can be confidently wrong).",
                    (mc["auroc_entropy"] or 0) > (single["auroc_entropy"] or 0),
                    f"AUROC {mc['auroc_entropy']:.3f} (MC entropy), {mc['auroc_mi']:.3f} (MC mutual information) "
                    f"against {single['auroc_entropy']:.3f} (one network's entropy)"),
        fig.finding("Averaging the MC passes is at least as accurate as the deterministic (weight-scaled) "
                    "network (Gal and Ghahramani, 2016).", mc["acc"] >= single["acc"],
                    f"test accuracy {mc['acc']:.3f} ({cfg['passes']} passes) against {single['acc']:.3f}, "
                    f"{abs(mc['n_wrong'] - single['n_wrong'])} digit(s) apart (the binomial standard error of one "
                    f"accuracy is {math.sqrt(single['acc'] * (1 - single['acc']) / res['n']):.3f})"),
        fig.finding(f"An ensemble of {cfg['members']} independently trained networks is more accurate and "
                    "better calibrated than MC dropout of one (Lakshminarayanan et al., 2017).",
                    ens["acc"] >= mc["acc"] and ens["nll"] <= mc["nll"],
                    f"test accuracy {ens['acc']:.3f} against {mc['acc']:.3f}, log loss {ens['nll']:.3f} "
                    f"against {mc['nll']:.3f}"),
    ]


def markdown(data):
    res, cfg = data["results"], data["config"]

    def number(v, digits=3):
        return "–" if v is None else f"{v:.{digits}f}"

    rows = [(label, f"{r['acc']:.3f}", f"{r['nll']:.3f}", r["n_wrong"], number(r["entropy_correct"]),
             number(r["entropy_wrong"]), number(r["auroc_entropy"], 2),
             number(r["auroc_mi"], 2) if r is not res["single"] else "– (MI = 0)")
            for label, r in (("one network, eval mode", res["single"]),
                             (f"MC dropout, {cfg['passes']} passes", res["mc"]),
                             (f"ensemble of {cfg['members']} networks", res["ensemble"]))]
    table = fig.markdown_table(["prediction", "test acc", "log loss", "errors", "entropy (correct)",
                                "entropy (wrong)", "AUROC entropy", "AUROC MI"], rows)
    note = (f"p = {cfg['p']:g} (inputs {cfg['p'] / 5:g}), seed {cfg['seed']}, {cfg['epochs']} epochs, {res['n']:,} "
            "test digits. AUROC: the probability that a misclassified digit gets a higher score than a correct "
            "one (0.5: no better than chance). MI: mutual information (BALD), 0 for a single network. The "
            "MC passes also apply the input dropout, since every dropout layer is on.")
    return {"mc-uncertainty": fig.block(table, note, findings(data))}


def plot(data, path):
    plt = fig.pyplot()
    res, cfg = data["results"], data["config"]
    figure, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    for ax, key, title in ((axes[0], "mc", f"MC dropout, {cfg['passes']} passes of one network"),
                           (axes[1], "ensemble", f"ensemble of {cfg['members']} networks")):
        r = res[key]
        edges = np.array(r["edges"])
        for counts, label, color in ((r["hist_correct"], f"correct ({res['n'] - r['n_wrong']})", "C0"),
                                     (r["hist_wrong"], f"misclassified ({r['n_wrong']})", "C3")):
            counts = np.array(counts, np.float64)
            if counts.sum():
                density = counts / counts.sum() / np.diff(edges)
                ax.stairs(density, edges, lw=2, color=color, label=label)
        auc = "–" if r["auroc_entropy"] is None else f"{r['auroc_entropy']:.2f}"
        ax.set(xlabel="predictive entropy (nats)", ylabel="density (area 1 per histogram)",
               title=f"{title}: AUROC {auc}")
        ax.grid(alpha=0.3)
        ax.legend()
    ax = axes[2]
    labels = ["one network\n(eval mode)", f"MC dropout\n({cfg['passes']} passes)", f"ensemble\n({cfg['members']} networks)"]
    errors = [1 - res[k]["acc"] for k in ("single", "mc", "ensemble")]
    n = res["n"]
    # binomial standard error of an error rate measured on n test digits
    ax.bar(range(3), errors, yerr=[math.sqrt(e * (1 - e) / n) for e in errors], capsize=4, color=["C7", "C0", "C2"])
    fig.error_axis(ax, top=max(0.06, 1.5 * max(errors)))
    ax.set(xticks=range(3), xticklabels=labels, title="test error (± binomial standard error)")
    figure.tight_layout()
    fig.save(figure, path, data, plot)
