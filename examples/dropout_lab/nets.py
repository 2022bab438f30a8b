"""The networks of the lab, the kinds of job that train them, and classic dropout.

* ``mlp``: examples/train_mlp.py's network and training loop (797 training and 1,000 test digits,
  split by the seed; SGD with momentum, cosine learning rate, batches of 20), with any width,
  depth and dropout. A job with ``init_seed == seed`` is exactly
  ``python examples/train_mlp.py --seed S --dropout P --input-dropout Q --hidden H --layers L
  --epochs E``; another ``init_seed`` changes the initial weights and the dropout masks but keeps
  the data split and the batch order (the members of an ensemble). ``convention: "classic"``
  swaps every ``nn.Dropout`` for ``ClassicDropout``.
* ``bottleneck``: 64 -> k units with dropout -> 64 -> 10, the smallest network in which dropout is
  followed by another nonlinear layer (exact ensembles, ``ensemble.py``).
* ``autoencoder``: 64 -> 256 ReLU units [-> dropout] -> 64, trained to reproduce its input (the
  setting of Srivastava et al.'s Fig. 8).
"""
import math

import minigrad as torch
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.utils.data import DataLoader, TensorDataset

import train_mlp  # examples/train_mlp.py (examples/ is on the path of whoever imports dropout_lab)

from .jobs import kind


class ClassicDropout(nn.Dropout):
    """Dropout as first published (Hinton et al., 2012; Srivastava et al., 2014).

    Training: each element is kept with probability ``1 - p`` and left *unscaled* (the others
    become 0). Evaluation: every element is multiplied by the keep probability ``1 - p``, so that
    it equals the expected training value. Compare ``nn.Dropout`` (inverted dropout), which
    divides by ``1 - p`` in training and is the identity in evaluation. A subclass of
    ``nn.Dropout``, so ``nn.utils.mc_dropout`` switches it on like any dropout layer.

    Shape: any; the output has the input's shape.

    Example::

        >>> m = ClassicDropout(0.5)
        >>> m(minigrad.ones(2, 4))          # training: entries are 0 or 1
        >>> m.eval()(minigrad.ones(2, 4))   # evaluation: all 0.5
    """

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
    """A copy of the structure of ``model`` (a Sequential) where every dropout layer of
    probability p is replaced by ``layer(p)``. The weights are not copied; load them with
    ``load_state_dict`` (dropout layers have none, so the two state dicts have the same keys)."""
    return nn.Sequential(*[layer(m.p) if isinstance(m, nn.Dropout) else m for m in model])


# -------------------------------------------------------------------------------------------------
# mlp: train_mlp's network
# -------------------------------------------------------------------------------------------------
def mlp_spec(seed, dropout, input_dropout, hidden=256, layers=1, epochs=80, init_seed=None,
             convention="inverted"):
    """The canonical spec of an ``mlp`` job (every field given, so equal jobs have equal keys)."""
    return dict(kind="mlp", seed=seed, init_seed=seed if init_seed is None else init_seed,
                hidden=hidden, layers=layers, dropout=dropout, input_dropout=input_dropout,
                epochs=epochs, convention=convention)


def mlp_args(spec):
    """train_mlp's options for an ``mlp`` spec."""
    return train_mlp.parse_args(["--quiet", "--seed", str(spec["seed"]), "--dropout", repr(spec["dropout"]),
                                 "--input-dropout", repr(spec["input_dropout"]), "--hidden", str(spec["hidden"]),
                                 "--layers", str(spec["layers"]), "--epochs", str(spec["epochs"])])


def build_mlp(spec):
    model = train_mlp.make_model(spec["hidden"], spec["layers"], spec["dropout"], spec["input_dropout"])
    return with_dropout_layers(model, ClassicDropout) if spec["convention"] == "classic" else model


@kind("mlp", build_mlp)
def train_classifier(spec, model):
    """train_mlp.train: the final train and test accuracy and loss (and the per-epoch history)."""
    result = train_mlp.train(mlp_args(spec), model)
    return {k: result[k] for k in ("train_acc", "test_acc", "train_loss", "test_loss", "history")}


def test_set(seed):
    """(images, labels) of the 1,000 test digits of the split of ``seed``."""
    args = train_mlp.parse_args(["--seed", str(seed)])
    return train_mlp.split(args.train_size, args.test_size, seed)[1]


def train_set(seed):
    """(images, labels) of the 797 training digits of the split of ``seed``."""
    args = train_mlp.parse_args(["--seed", str(seed)])
    return train_mlp.split(args.train_size, args.test_size, seed)[0]


# -------------------------------------------------------------------------------------------------
# bottleneck: dropout followed by another nonlinear layer
# -------------------------------------------------------------------------------------------------
def bottleneck_spec(seed, units, dropout=0.5, wide=64, epochs=80):
    return dict(kind="bottleneck", seed=seed, init_seed=seed, units=units, wide=wide, dropout=dropout,
                epochs=epochs)


def build_bottleneck(spec):
    return nn.Sequential(nn.Linear(64, spec["units"]), nn.ReLU(), nn.Dropout(spec["dropout"]),
                         nn.Linear(spec["units"], spec["wide"]), nn.ReLU(), nn.Linear(spec["wide"], 10))


@kind("bottleneck", build_bottleneck)
def train_bottleneck(spec, model):
    """train_mlp's training loop and data, with this network."""
    args = mlp_args(mlp_spec(spec["seed"], spec["dropout"], 0.0, epochs=spec["epochs"]))
    result = train_mlp.train(args, model)
    return {k: result[k] for k in ("train_acc", "test_acc", "train_loss", "test_loss")}


# -------------------------------------------------------------------------------------------------
# autoencoder
# -------------------------------------------------------------------------------------------------
def autoencoder_spec(seed, dropout, hidden=256, epochs=80):
    return dict(kind="autoencoder", seed=seed, init_seed=seed, hidden=hidden, dropout=dropout, epochs=epochs)


def build_autoencoder(spec):
    layers = [nn.Linear(64, spec["hidden"]), nn.ReLU()]
    if spec["dropout"] > 0:
        layers.append(nn.Dropout(spec["dropout"]))
    return nn.Sequential(*layers, nn.Linear(spec["hidden"], 64))


@kind("autoencoder", build_autoencoder)
def train_autoencoder(spec, model):
    """Squared reconstruction error, with train_mlp's optimizer, schedule, batches and split."""
    args = mlp_args(mlp_spec(spec["seed"], spec["dropout"], 0.0, epochs=spec["epochs"]))
    (x_train, _), (x_test, _) = train_mlp.split(args.train_size, args.test_size, args.seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda epoch: 0.5 * (1 + math.cos(math.pi * epoch / args.epochs)))
    loader = DataLoader(TensorDataset(x_train), batch_size=args.batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(args.seed))
    for _ in range(args.epochs):
        model.train()
        for (images,) in loader:
            optimizer.zero_grad()
            loss = F.mse_loss(model(images), images)
            loss.backward()
            optimizer.step()
        scheduler.step()
    model.eval()
    with torch.no_grad():
        return dict(train_loss=F.mse_loss(model(x_train), x_train).item(),
                    test_loss=F.mse_loss(model(x_test), x_test).item())
