"""Classic against inverted dropout, and what goes wrong when the two are mixed.

Article 004 describes the classic form: keep each unit with probability q = 1-p during training,
unscaled, and multiply by q at test time. Article 000 and PyTorch (nn.Dropout) use inverted
dropout: divide the kept units by q during training, and do nothing at test time. Both keep the
*expected* activation of a layer equal in training and in evaluation; we check it by averaging a
hidden layer over many masks. Article 000 also says that inference multiplies by 1-p: combined
with inverted training, that rule makes every test-time activation q times its training-time
average. We train one network with each convention from the same initial weights, evaluate the
inverted one with the classic test-time rule too, and repeat that with 2 and 3 hidden layers to
see what the mix costs as it compounds.
"""
import minigrad as torch
import minigrad.nn as nn
import numpy as np

from . import figures as fig
from .nets import ClassicDropout, mlp_spec, test_set, with_dropout_layers

NAME = "conventions"
SUMMARY = "classic against inverted dropout, and the cost of mixing them"
REQUIRES = ()


def config(quick=False, epochs=None, seeds=None):
    return dict(p=0.5, seed=0, depths=[1, 2, 3], epochs=epochs or (15 if quick else 80),
                masks=200 if quick else 2000, images=50 if quick else 100, points=1000)


def spec(cfg, layers=1, convention="inverted"):
    return mlp_spec(cfg["seed"], cfg["p"], round(cfg["p"] / 5, 10), layers=layers, epochs=cfg["epochs"],
                    convention=convention)


def jobs(cfg):
    return [spec(cfg, layers) for layers in cfg["depths"]] + [spec(cfg, convention="classic")]


def hidden_activations(model, images):
    """What the first hidden dropout layer receives, ReLU(first Linear(input)), in eval mode."""
    with torch.no_grad():
        x = images
        for i, m in enumerate(model):
            if isinstance(m, nn.Dropout) and i > 0:
                return x
            x = x if isinstance(m, nn.Dropout) else m(x)
    raise ValueError("model has no hidden dropout layer")


def expected_activation(layer, h, masks, chunk=64):
    """The mean of ``layer(h)`` in training mode over ``masks`` masks, and ``layer(h)`` in eval
    mode. ``chunk`` masks at a time: copies of h stacked along dim 0, each with its own mask."""
    total = torch.zeros_like(h)
    with torch.no_grad():
        layer.train()
        done = 0
        while done < masks:
            k = min(chunk, masks - done)
            stacked = h.unsqueeze(0).expand(k, *h.shape).reshape(k * h.shape[0], h.shape[1])
            total += layer(stacked).reshape(k, *h.shape).sum(dim=0)
            done += k
        return total / masks, layer.eval()(h)


def slope(x, y):
    """Least-squares slope of y = s * x (a line through the origin)."""
    x, y = x.reshape(-1).numpy().astype(np.float64), y.reshape(-1).numpy().astype(np.float64)
    return float((x * y).sum() / (x * x).sum())


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        scores = model(x)
        return nn.functional.cross_entropy(scores, y).item(), (scores.argmax(dim=1) == y).float().mean().item()


def analyse(cfg, runner):
    p = cfg["p"]
    x_test, y_test = test_set(cfg["seed"])
    inverted = runner.model(spec(cfg))
    classic = runner.model(spec(cfg, convention="classic"))
    mixed = with_dropout_layers(inverted, ClassicDropout)  # inverted weights, classic test-time rule
    mixed.load_state_dict(inverted.state_dict())
    h = hidden_activations(inverted, x_test[:cfg["images"]])
    torch.manual_seed(cfg["seed"] + 1)  # the masks below
    inverted_mean, inverted_eval = expected_activation(nn.Dropout(p), h, cfg["masks"])
    classic_mean, classic_eval = expected_activation(ClassicDropout(p), h, cfg["masks"])
    rows = []
    for name, model, mean, ev in (("inverted", inverted, inverted_mean, inverted_eval),
                                  ("classic", classic, classic_mean, classic_eval),
                                  ("mixed", mixed, inverted_mean, classic_eval)):
        loss, acc = evaluate(model, x_test, y_test)
        n = cfg["points"]
        rows.append(dict(name=name, ratio=slope(ev, mean), test_acc=acc, test_loss=loss,
                         eval_values=ev.reshape(-1)[:n].tolist(), train_means=mean.reshape(-1)[:n].tolist()))
    depth = []
    for layers in cfg["depths"]:
        model = runner.model(spec(cfg, layers))
        model_mixed = with_dropout_layers(model, ClassicDropout)
        model_mixed.load_state_dict(model.state_dict())
        (inverted_loss, inverted_acc), (mixed_loss, mixed_acc) = (evaluate(model, x_test, y_test),
                                                                  evaluate(model_mixed, x_test, y_test))
        depth.append(dict(layers=layers, inverted_acc=inverted_acc, mixed_acc=mixed_acc,
                          inverted_loss=inverted_loss, mixed_loss=mixed_loss))
    return dict(rows=rows, depth=depth)


RULES = {"inverted": ("inverted (`nn.Dropout`)", "`h / (1-p)`", "`h`"),
         "classic": ("classic (`ClassicDropout`)", "`h`", "`h · (1-p)`"),
         "mixed": ("mixed (article 000's text)", "`h / (1-p)`", "`h · (1-p)`")}


def findings(data):
    rows = {r["name"]: r for r in data["results"]["rows"]}
    q = 1 - data["config"]["p"]
    depth = data["results"]["depth"]
    drops = [d["inverted_acc"] - d["mixed_acc"] for d in depth]
    return [
        fig.finding("Inverted and classic dropout both keep the expected activation equal in training "
                    "and at test time (articles 000 and 004).",
                    abs(rows["inverted"]["ratio"] - 1) < 0.01 and abs(rows["classic"]["ratio"] - 1) < 0.01,
                    f"E[train] / eval = {rows['inverted']['ratio']:.3f} (inverted) and "
                    f"{rows['classic']['ratio']:.3f} (classic)"),
        fig.finding(f"Article 000's two rules together make training activations 1/(1-p) = {1 / q:g} times the "
                    "test-time ones, and cost more with every layer.",
                    abs(rows["mixed"]["ratio"] - 1 / q) < 0.02 and all(a < b for a, b in zip(drops, drops[1:])),
                    f"E[train] / eval = {rows['mixed']['ratio']:.3f}; the mix loses "
                    + ", ".join(f"{d:.3f}" for d in drops) + " test accuracy with "
                    + ", ".join(str(d["layers"]) for d in depth) + " hidden layers"),
    ]


def markdown(data):
    cfg, res = data["config"], data["results"]
    table = fig.markdown_table(
        ["convention", "training: kept units", "test time", "E[train] / eval", "test acc", "test loss"],
        [(*RULES[r["name"]], f"{r['ratio']:.3f}", f"{r['test_acc']:.3f}", f"{r['test_loss']:.3f}")
         for r in res["rows"]])
    note = (f"p = {cfg['p']:g} (inputs {cfg['p'] / 5:g}), seed {cfg['seed']}, {cfg['epochs']} epochs. E[train] / eval: "
            f"the mean of the first hidden layer over {cfg['masks']:,} masks in training mode against its "
            f"evaluation-mode value (slope of a least-squares line through the origin, over "
            f"{cfg['images']} test images × 256 units).")
    depth = fig.markdown_table(
        ["hidden layers", "test acc, inverted (correct)", "test acc, mixed", "test loss, inverted",
         "test loss, mixed"],
        [(d["layers"], f"{d['inverted_acc']:.3f}", f"{d['mixed_acc']:.3f}", f"{d['inverted_loss']:.3f}",
          f"{d['mixed_loss']:.3f}") for d in res["depth"]])
    return {"conventions": table + "\n\n" + note,
            "conventions-depth": depth + "\n\n" + fig.findings_markdown(findings(data))}


def plot(data, path):
    plt = fig.pyplot()
    res = data["results"]
    figure, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.3))
    hi = max(max(r["eval_values"]) for r in res["rows"])
    ax.plot([0, hi], [0, hi], "k-", lw=0.8, label="E[train] = eval")
    styles = {"inverted": dict(marker="o", mfc="none", ms=7, color="C0"),
              "classic": dict(marker=".", ms=4, color="C1"),
              "mixed": dict(marker="^", ms=4, color="C2", alpha=0.6)}
    for r in res["rows"]:  # inverted: rings, classic: dots inside them, so both stay visible
        ax.plot(r["eval_values"], r["train_means"], ls="none", label=f"{r['name']}: slope {r['ratio']:.2f}",
                **styles[r["name"]])
    ax.set(xlabel="hidden activation at test time (eval mode)",
           ylabel=f"mean over {data['config']['masks']:,} training masks", title="expected activation")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    layers = [d["layers"] for d in res["depth"]]
    x = np.arange(len(layers))
    ax2.bar(x - 0.2, [1 - d["inverted_acc"] for d in res["depth"]], 0.4, label="inverted (correct)", color="C0")
    ax2.bar(x + 0.2, [1 - d["mixed_acc"] for d in res["depth"]], 0.4, label="mixed test-time rule", color="C2")
    fig.error_axis(ax2)
    ax2.set(xticks=x, xticklabels=layers, xlabel="hidden layers (the same weights, two test-time rules)",
            title="the cost of mixing the conventions")
    ax2.legend()
    figure.tight_layout()
    fig.save(figure, path, data, plot)
