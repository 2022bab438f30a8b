"""Experiments behind the seed articles' claims about dropout, on the bundled handwritten digits.

    python examples/dropout_study.py                      # the full study (a few minutes at most)
    python examples/dropout_study.py --quick              # a fast, rough run (seconds)
    python examples/dropout_study.py --plot study.png --json study.json

(a) How much to drop. The network of examples/train_mlp.py (its defaults: 797 training images,
    1,000 test images) is trained with p in {0, 0.2, 0.5, 0.8} over several seeds: train and test
    accuracy, and the gap between them. The articles recommend p = 0.5 for fully connected layers.

(b) Classic against inverted dropout. Article 004 describes the classic form: keep each unit with
    probability q = 1-p during training, unscaled, and multiply by q at test time. Article 000 and
    PyTorch (nn.Dropout) use inverted dropout: divide the kept units by q during training, and do
    nothing at test time. Both keep the *expected* activation of a layer equal in training and in
    evaluation; we check it by averaging a hidden layer over many masks. Article 000 also says that
    inference multiplies by 1-p. Combined with inverted training, that rule makes every test-time
    activation q times its training-time average (half, for p = 0.5). We train one network with
    each convention, evaluate the inverted one with the classic test-time rule too, and repeat
    that with 2 and 3 hidden layers, to see what the mix costs.

(c) Monte Carlo dropout (Gal and Ghahramani, 2016). Leave dropout on at inference, run each test
    image through T random sub-networks and average their class probabilities. The spread of the
    T answers is a measure of uncertainty: it should be larger on the digits the network gets
    wrong than on those it gets right.

The model-building and training code is examples/train_mlp.py's (imported). docs/dropout.md
explains the maths and quotes this study's numbers.
"""
import argparse
import json
import math
import sys
import time

import numpy as np

import minigrad as torch
import minigrad.nn as nn

import train_mlp  # examples/train_mlp.py: the same network, data split and training loop

P_SWEEP = (0.0, 0.2, 0.5, 0.8)


class ClassicDropout(nn.Module):
    """Dropout as first published (Hinton et al., 2012; Srivastava et al., 2014).

    Training: each element is kept with probability ``1 - p`` and left *unscaled* (the others
    become 0). Evaluation: every element is multiplied by the keep probability ``1 - p``, so that
    it equals the expected training value. Compare ``nn.Dropout`` (inverted dropout), which
    divides by ``1 - p`` in training and is the identity in evaluation.

    Shape: any; the output has the input's shape.

    Example::

        >>> m = ClassicDropout(0.5)
        >>> m(minigrad.ones(2, 4))          # training: entries are 0 or 1
        >>> m.eval()(minigrad.ones(2, 4))   # evaluation: all 0.5
    """

    def __init__(self, p=0.5):
        super().__init__()
        if not 0 <= p < 1:
            raise ValueError(f"dropout probability has to be in [0, 1), but got {p}")
        self.p = p

    def forward(self, x):
        """Training: ``x * mask`` (mask of 0s and 1s, P(1) = 1-p). Evaluation: ``x * (1-p)``."""
        if self.training:
            # The mask is a tensor of 0s and 1s; multiplying by it is differentiable, so autograd
            # gives the backward pass (the gradient is masked the same way) for free.
            keep = (torch.rand_like(x) >= self.p).to(x.dtype)
            return x * keep
        return x * (1 - self.p)

    def extra_repr(self):
        """Shown in ``print(model)``: ``ClassicDropout(p=0.5)``."""
        return f"p={self.p}"


def with_dropout_layers(model, layer):
    """A copy of the structure of ``model`` where every nn.Dropout(p) is replaced by ``layer(p)``.

    The weights are not copied; load them with ``load_state_dict`` (dropout layers have none, so
    the two state dicts have the same keys).
    """
    return nn.Sequential(*[layer(m.p) if isinstance(m, (nn.Dropout, ClassicDropout)) else m for m in model])


def train_args(opts, seed, p, layers=None):
    """train_mlp's command-line defaults, with this study's seed, p and epochs."""
    argv = ["--quiet", "--seed", str(seed), "--dropout", str(p)]
    if layers is not None:
        argv += ["--layers", str(layers)]
    if opts.epochs:
        argv += ["--epochs", str(opts.epochs)]
    if opts.threads:
        argv += ["--threads", str(opts.threads)]
    return train_mlp.parse_args(argv)


# -------------------------------------------------------------------------------------------------
# (a) p sweep
# -------------------------------------------------------------------------------------------------
def p_sweep(opts, seeds):
    """(a) Train train_mlp's network for each p in P_SWEEP and each seed. Returns the table
    rows (means and standard deviations over the seeds) and the networks of the first seed."""
    rows, models = [], {}
    for p in P_SWEEP:
        runs = []
        for seed in seeds:
            args = train_args(opts, seed, p)
            torch.manual_seed(seed)
            model = train_mlp.make_model(args.hidden, args.layers, args.dropout, args.input_dropout)
            result = train_mlp.train(args, model)
            runs.append(result)
            if seed == seeds[0]:
                models[p] = model  # kept for (b) and (c)
            print(f"  p={p:g} seed {seed}: train acc {result['train_acc']:.3f}, test acc {result['test_acc']:.3f} "
                  f"({result['seconds']:.1f} s)", file=sys.stderr, flush=True)
        train_acc = np.array([r["train_acc"] for r in runs])
        test_acc = np.array([r["test_acc"] for r in runs])
        rows.append(dict(p=p, input_p=runs[0]["config"]["input_dropout"],
                         train_acc=train_acc.mean(), train_acc_std=train_acc.std(),
                         test_acc=test_acc.mean(), test_acc_std=test_acc.std(),
                         gap=(train_acc - test_acc).mean(), gap_std=(train_acc - test_acc).std(),
                         test_acc_per_seed=test_acc.tolist(), train_acc_per_seed=train_acc.tolist(),
                         seconds=sum(r["seconds"] for r in runs)))
    return rows, models


# -------------------------------------------------------------------------------------------------
# (b) classic vs inverted
# -------------------------------------------------------------------------------------------------
def hidden_activations(model, images):
    """What the first hidden dropout layer receives: ReLU(first Linear(input)), in eval mode."""
    model.eval()
    with torch.no_grad():
        x = images
        for m in model:
            if isinstance(m, (nn.Dropout, ClassicDropout)) and x is not images:
                return x  # the input of the dropout layer that follows the hidden ReLU
            x = m(x) if not isinstance(m, (nn.Dropout, ClassicDropout)) else x
    raise ValueError("model has no hidden dropout layer")


def expected_activation(train_layer, eval_layer, h, masks, chunk=64):
    """Mean over ``masks`` training-mode applications of ``train_layer`` to ``h``, and
    ``eval_layer(h)``. The mean is accumulated in chunks of masks to bound memory."""
    train_layer.train()
    eval_layer.eval()
    total = torch.zeros_like(h)
    with torch.no_grad():
        done = 0
        while done < masks:
            k = min(chunk, masks - done)
            # k copies of h stacked: each copy gets an independent mask in one call
            out = train_layer(h.unsqueeze(0).expand(k, *h.shape).reshape(k * h.shape[0], h.shape[1]))
            total += out.reshape(k, *h.shape).sum(dim=0)
            done += k
        return total / masks, eval_layer(h)


def slope(x, y):
    """Least-squares slope of y = s * x (a line through the origin)."""
    x, y = x.reshape(-1).numpy().astype(np.float64), y.reshape(-1).numpy().astype(np.float64)
    return float((x * y).sum() / (x * x).sum())


def conventions(opts, seed, inverted_model, p=0.5):
    """(b) Inverted, classic and mixed dropout: expected activations, test accuracy and loss,
    and the mixed rule's cost with 1, 2 and 3 hidden layers. Returns (rows, depth rows, p)."""
    args = train_args(opts, seed, p)
    # Classic dropout, trained from the same initial weights and the same random stream as the
    # inverted network (ClassicDropout draws its masks from the same default generator).
    torch.manual_seed(seed)
    classic_model = with_dropout_layers(
        train_mlp.make_model(args.hidden, args.layers, args.dropout, args.input_dropout), ClassicDropout)
    train_mlp.train(args, classic_model)
    # The mixed network: the weights learned with inverted dropout, evaluated with classic
    # test-time scaling (every dropout layer multiplies by 1-p in eval mode): article 000's text.
    mixed_model = with_dropout_layers(inverted_model, ClassicDropout)
    mixed_model.load_state_dict(inverted_model.state_dict())

    _, (x_test, y_test) = train_mlp.split(args.train_size, args.test_size, seed)
    loss_fn = nn.CrossEntropyLoss()
    h = hidden_activations(inverted_model, x_test[:opts.units_images])
    torch.manual_seed(seed + 1)
    inverted_mean, inverted_eval = expected_activation(nn.Dropout(p), nn.Dropout(p), h, opts.masks)
    classic_mean, classic_eval = expected_activation(ClassicDropout(p), ClassicDropout(p), h, opts.masks)
    # mixed: inverted training rule, classic test-time rule
    mixed_mean, mixed_eval = inverted_mean, ClassicDropout(p).eval()(h)
    rows = []
    for name, train_rule, test_rule, model, mean, ev in (
            ("inverted (nn.Dropout)", "kept x / (1-p)", "x", inverted_model, inverted_mean, inverted_eval),
            ("classic (ClassicDropout)", "kept x", "x * (1-p)", classic_model, classic_mean, classic_eval),
            ("mixed (article 000)", "kept x / (1-p)", "x * (1-p)", mixed_model, mixed_mean, mixed_eval)):
        test_loss, test_acc = train_mlp.evaluate(model, x_test, y_test, loss_fn)
        rows.append(dict(name=name, train_rule=train_rule, test_rule=test_rule,
                         ratio=slope(ev, mean), test_acc=test_acc, test_loss=test_loss,
                         points=(ev.reshape(-1)[:2000].tolist(), mean.reshape(-1)[:2000].tolist())))

    # The mix scales every dropout layer's output by 1-p at test time; in a deeper network the
    # errors compound (and the biases, which are not scaled, shift each layer's operating point).
    depth = [dict(layers=args.layers, inverted_acc=rows[0]["test_acc"], mixed_acc=rows[2]["test_acc"],
                  inverted_loss=rows[0]["test_loss"], mixed_loss=rows[2]["test_loss"])]
    for layers in (2, 3):
        deep_args = train_args(opts, seed, p, layers=layers)
        torch.manual_seed(seed)
        deep = train_mlp.make_model(deep_args.hidden, deep_args.layers, deep_args.dropout, deep_args.input_dropout)
        train_mlp.train(deep_args, deep)
        deep_mixed = with_dropout_layers(deep, ClassicDropout)
        deep_mixed.load_state_dict(deep.state_dict())
        inverted_loss, inverted_acc = train_mlp.evaluate(deep, x_test, y_test, loss_fn)
        mixed_loss, mixed_acc = train_mlp.evaluate(deep_mixed, x_test, y_test, loss_fn)
        depth.append(dict(layers=layers, inverted_acc=inverted_acc, mixed_acc=mixed_acc,
                          inverted_loss=inverted_loss, mixed_loss=mixed_loss))
    return rows, depth, p


# -------------------------------------------------------------------------------------------------
# (c) Monte Carlo dropout
# -------------------------------------------------------------------------------------------------
def mc_dropout(opts, seed, model, p=0.5):
    """(c) Monte Carlo dropout on the test set: accuracy, and predictive entropy and variance
    for the correctly and the wrongly classified digits."""
    args = train_args(opts, seed, p)
    _, (x_test, y_test) = train_mlp.split(args.train_size, args.test_size, seed)
    torch.manual_seed(seed + 2)
    model.train()  # dropout stays ON at inference: each pass is another random sub-network
    with torch.no_grad():
        probs = torch.stack([model(x_test).softmax(dim=1) for _ in range(opts.passes)])  # (T, N, 10)
        model.eval()
        det_pred = model(x_test).argmax(dim=1)  # the ordinary, deterministic prediction
    mean_probs = probs.mean(dim=0)  # (N, 10): the MC estimate of the predictive distribution
    pred = mean_probs.argmax(dim=1)
    # Predictive entropy H = -sum_c p_c log p_c of the averaged distribution: 0 when all T passes
    # agree with certainty, up to log(10) = 2.30 when the probability is spread over all classes.
    entropy = -(mean_probs * mean_probs.clamp(min=1e-12).log()).sum(dim=1)
    # Variance across passes of the probability of the predicted class.
    winner = probs[:, torch.arange(len(pred)), pred]  # (T, N): each pass's probability of `pred`
    variance = winner.var(dim=0)
    wrong = (pred != y_test).numpy()
    ent, var = entropy.numpy().astype(np.float64), variance.numpy().astype(np.float64)
    return dict(passes=opts.passes, n=len(wrong), mc_acc=float(1 - wrong.mean()),
                det_acc=(det_pred == y_test).float().mean().item(),
                n_correct=int((~wrong).sum()), n_wrong=int(wrong.sum()),
                entropy_correct=float(ent[~wrong].mean()), entropy_wrong=float(ent[wrong].mean()) if wrong.any() else None,
                variance_correct=float(var[~wrong].mean()), variance_wrong=float(var[wrong].mean()) if wrong.any() else None,
                auroc_entropy=auroc(ent[wrong], ent[~wrong]),
                entropy_values_correct=ent[~wrong].tolist(), entropy_values_wrong=ent[wrong].tolist())


def auroc(pos, neg):
    """Probability that a random misclassified digit has a higher score than a random correct one
    (ties count half): 0.5 means the score does not tell them apart, 1 that it separates them."""
    if len(pos) == 0 or len(neg) == 0:
        return None
    pos, neg = np.asarray(pos)[:, None], np.asarray(neg)[None, :]
    return float((pos > neg).mean() + 0.5 * (pos == neg).mean())


# -------------------------------------------------------------------------------------------------
# output
# -------------------------------------------------------------------------------------------------
def report(study):
    """Print the three tables."""
    a, b, c = study["p_sweep"], study["conventions"], study["mc_dropout"]
    seeds = study["seeds"]
    print(f"(a) dropout probability p (train_mlp defaults, {study['epochs']} epochs; "
          f"mean ± std over seeds {', '.join(map(str, seeds))})")
    print("    p    input p   train acc       test acc        gap (train - test)")
    for r in a:
        print(f"    {r['p']:<4g} {r['input_p']:<9g} {r['train_acc']:.3f} ± {r['train_acc_std']:.3f}   "
              f"{r['test_acc']:.3f} ± {r['test_acc_std']:.3f}   {r['gap']:.3f} ± {r['gap_std']:.3f}")
    print(f"\n(b) classic vs inverted dropout (p = {study['conventions_p']:g}, seed {seeds[0]}); E[train]/eval: "
          f"mean hidden activation over {study['masks']} masks in training mode, divided by its eval-mode value")
    print("    convention                 training: kept units   test time    E[train]/eval   test acc   test loss")
    for r in b:
        print(f"    {r['name']:<26} {r['train_rule']:<22} {r['test_rule']:<12} {r['ratio']:<15.3f} "
              f"{r['test_acc']:<10.3f} {r['test_loss']:.4f}")
    print("    the mix in deeper networks (the same weights, evaluated with each test-time rule):")
    print("    hidden layers   test acc: inverted   mixed     test loss: inverted   mixed")
    for r in study["depth"]:
        print(f"    {r['layers']:<15} {r['inverted_acc']:<20.3f} {r['mixed_acc']:<9.3f} "
              f"{r['inverted_loss']:<21.4f} {r['mixed_loss']:.4f}")
    print(f"\n(c) Monte Carlo dropout (p = 0.5, seed {seeds[0]}): {c['passes']} passes with dropout on, "
          f"probabilities averaged, {c['n']} test digits")
    print(f"    accuracy: MC average {c['mc_acc']:.3f}, deterministic (eval mode) {c['det_acc']:.3f}")
    print("                      count   predictive entropy   variance of the winning probability")
    print(f"    correct          {c['n_correct']:5d}   {c['entropy_correct']:.4f}               {c['variance_correct']:.5f}")
    if c["n_wrong"]:
        print(f"    misclassified    {c['n_wrong']:5d}   {c['entropy_wrong']:.4f}               {c['variance_wrong']:.5f}")
        print(f"    a misclassified digit has the higher entropy in {c['auroc_entropy']:.0%} of "
              "(misclassified, correct) pairs (AUROC)")
    else:
        print("    misclassified        0   (no errors: nothing to compare)")


def plot(study, path):
    """Draw the three panels (a), (b), (c) into a PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
    a = study["p_sweep"]
    ps = [r["p"] for r in a]
    ax = axes[0]
    ax.errorbar(ps, [r["train_acc"] for r in a], yerr=[r["train_acc_std"] for r in a], marker="o", label="train", capsize=3)
    ax.errorbar(ps, [r["test_acc"] for r in a], yerr=[r["test_acc_std"] for r in a], marker="s", ls="--", label="test", capsize=3)
    for r in a:
        ax.annotate(f"gap {r['gap']:.3f}", (r["p"], r["test_acc"]), textcoords="offset points", xytext=(0, -14),
                    ha="center", fontsize=8)
    ax.set(xlabel="dropout probability p (hidden; inputs p/5)", ylabel="accuracy",
           title="(a) accuracy against p", xticks=ps)
    ax.grid(alpha=0.3)
    ax.legend()

    ax = axes[1]
    hi = 0.0
    for r, marker in zip(study["conventions"], ("o", "x", "^")):
        ev, mean = r["points"]
        hi = max(hi, max(ev), max(mean))
        ax.plot(ev, mean, marker, ms=3, alpha=0.5, label=f"{r['name']}: slope {r['ratio']:.2f}")
    ax.plot([0, hi], [0, hi], "k-", lw=0.8, label="E[train] = eval")
    ax.set(xlabel="activation at test time (eval mode)", ylabel=f"mean over {study['masks']} training masks",
           title="(b) expected hidden activation")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)

    ax = axes[2]
    c = study["mc_dropout"]
    bins = np.linspace(0, math.log(10), 31)
    ax.hist(c["entropy_values_correct"], bins=bins, density=True, histtype="step", lw=2,
            label=f"correct ({c['n_correct']})")
    if c["n_wrong"]:
        ax.hist(c["entropy_values_wrong"], bins=bins, density=True, histtype="step", lw=2,
                label=f"misclassified ({c['n_wrong']})")
    ax.set(xlabel="predictive entropy (nats)", ylabel="density (area 1 per histogram)",
           title=f"(c) MC dropout uncertainty, {c['passes']} passes")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def parse_args(argv=None):
    """The command-line options, with --quick's smaller defaults filled in."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="a fast, rough run: 1 seed, 15 epochs, 20 MC passes, 200 masks")
    p.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    p.add_argument("--seeds", type=int, default=None, help="seeds in the p sweep (default 3; 1 with --quick)")
    p.add_argument("--epochs", type=int, default=None, help="epochs per network (default train_mlp's; 15 with --quick)")
    p.add_argument("--passes", type=int, default=None, help="MC dropout passes (default 100; 20 with --quick)")
    p.add_argument("--masks", type=int, default=None, help="masks averaged in (b) (default 2000; 200 with --quick)")
    p.add_argument("--threads", type=int, default=None, help="kernel threads (results do not depend on it)")
    p.add_argument("--json", metavar="PATH", help="write all results as JSON")
    p.add_argument("--plot", metavar="PATH", help="save the three panels as a PNG (needs matplotlib)")
    opts = p.parse_args(argv)
    quick = opts.quick
    if opts.seeds is None:
        opts.seeds = 1 if quick else 3
    if opts.epochs is None and quick:
        opts.epochs = 15
    if opts.passes is None:
        opts.passes = 20 if quick else 100
    if opts.masks is None:
        opts.masks = 200 if quick else 2000
    opts.units_images = 50 if quick else 100  # test images whose hidden units are averaged in (b)
    for name in ("seeds", "passes", "masks"):
        if getattr(opts, name) < 1:
            p.error(f"--{name} must be at least 1")
    if opts.epochs is not None and opts.epochs < 1:
        p.error("--epochs must be at least 1")
    if opts.threads is not None and opts.threads < 1:
        p.error("--threads must be at least 1")
    return opts


def main(argv=None):
    """Run (a), (b), (c); print, and write the JSON and the plot if asked. Returns the exit code."""
    opts = parse_args(argv)
    if opts.plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("error: --plot needs matplotlib, which is not installed (pip install matplotlib)",
                  file=sys.stderr)
            return 2
    start = time.perf_counter()
    seeds = list(range(opts.seed, opts.seed + opts.seeds))
    print("training the p sweep ...", file=sys.stderr, flush=True)
    sweep, models = p_sweep(opts, seeds)
    print("classic vs inverted ...", file=sys.stderr, flush=True)
    conv, depth, conv_p = conventions(opts, seeds[0], models[0.5])
    print("MC dropout ...", file=sys.stderr, flush=True)
    mc = mc_dropout(opts, seeds[0], models[0.5])
    study = dict(seeds=seeds, epochs=train_args(opts, seeds[0], 0.5).epochs, masks=opts.masks, quick=opts.quick,
                 p_sweep=sweep, conventions=conv, depth=depth, conventions_p=conv_p, mc_dropout=mc)
    study["seconds"] = time.perf_counter() - start
    report(study)
    print(f"\n({study['seconds']:.0f} s)")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(study, f, indent=1)
        print(f"results written to {opts.json}")
    if opts.plot:
        plot(study, opts.plot)
        print(f"plot written to {opts.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
