"""How much to drop: train_mlp's network with p in {0, 0.2, 0.5, 0.8}.

The network of examples/train_mlp.py (64-256-10, its defaults: 797 training and 1,000 test
images, 80 epochs) is trained with dropout p after the hidden layer and p/5 on the input pixels,
over several seeds: train and test accuracy, and the gap between them. The seed articles
recommend p = 0.5 for fully connected layers.
"""
from . import figures as fig
from .nets import mlp_spec

NAME = "p-sweep"
SUMMARY = "accuracy against the dropout probability p, train_mlp's network"
REQUIRES = ()


def config(quick=False, epochs=None, seeds=None):
    return dict(ps=[0.0, 0.2, 0.5, 0.8], input_fraction=0.2, seeds=list(range(seeds or (1 if quick else 3))),
                epochs=epochs or (15 if quick else 80))


def jobs(cfg):
    return [mlp_spec(seed, p, round(p * cfg["input_fraction"], 10), epochs=cfg["epochs"])
            for p in cfg["ps"] for seed in cfg["seeds"]]


def analyse(cfg, runner):
    records = runner.train(jobs(cfg))
    rows = []
    for i, p in enumerate(cfg["ps"]):
        runs = records[i * len(cfg["seeds"]):(i + 1) * len(cfg["seeds"])]
        train = [r["train_acc"] for r in runs]
        test = [r["test_acc"] for r in runs]
        rows.append(dict(p=p, input_p=runs[0]["spec"]["input_dropout"], train_acc=train, test_acc=test,
                         gap=[a - b for a, b in zip(train, test)]))
    return dict(rows=rows)


def findings(data):
    rows = {r["p"]: r for r in data["results"]["rows"]}
    test = {p: fig.mean_std(r["test_acc"])[0] for p, r in rows.items()}
    best = max(test, key=test.get)
    half = 0.5 in test and 0.0 in test and test[0.5] > test[0.0]
    return [
        fig.finding("Dropout with p = 0.5 on a fully connected layer raises the test accuracy (seed "
                    "articles).", half, f"test accuracy {test.get(0.5, float('nan')):.3f} with p = 0.5 "
                    f"against {test.get(0.0, float('nan')):.3f} without dropout; the best p tried is {best:g}"),
    ]


def markdown(data):
    cfg, rows = data["config"], data["results"]["rows"]
    table = fig.markdown_table(
        ["p", "input p", "train acc", "test acc", "gap (train - test)"],
        [(f"{r['p']:g}", f"{r['input_p']:g}", f"{fig.mean_std(r['train_acc'])[0]:.3f}",
          fig.pm(*fig.mean_std(r["test_acc"])), fig.pm(*fig.mean_std(r["gap"]))) for r in rows])
    seeds = cfg["seeds"]
    note = (f"Mean ± standard deviation over {fig.seed_range(seeds)} ({cfg['epochs']} epochs; each seed "
            f"has its own split of the digits, initial weights and masks).")
    return {"p-sweep": fig.block(table, note, findings(data))}


def plot(data, path):
    plt = fig.pyplot()
    rows = data["results"]["rows"]
    ps = [r["p"] for r in rows]
    figure, ax = plt.subplots(figsize=(6, 4.2))
    fig.seeds_and_mean(ax, ps, [[1 - a for a in r["test_acc"]] for r in rows], "C1", "test error", "s", "--")
    fig.seeds_and_mean(ax, ps, [[1 - a for a in r["train_acc"]] for r in rows], "C0", "training error")
    fig.error_axis(ax, "error rate", top=max(0.08, 1.2 * max(1 - min(r["test_acc"]) for r in rows)))
    ax.set(xlabel="dropout probability p (hidden layer; inputs p/5)", xticks=ps,
           title=f"train_mlp's network, {data['config']['epochs']} epochs, {fig.seed_range(data['config']['seeds'])}")
    ax.legend()
    figure.tight_layout()
    fig.save(figure, path, data, plot)
