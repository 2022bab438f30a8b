"""Train a small convolutional network with BatchNorm and dropout on the 8x8 handwritten digits.

    python examples/train_cnn.py                       # conv dropout 0.1 after BatchNorm, dense 0.5
    python examples/train_cnn.py --dropout 0           # no dropout at all
    python examples/train_cnn.py --json run.json --plot run.png

The same data, split, options, progress display and outputs as examples/train_mlp.py (whose code
this one imports), with a CNN instead of the MLP:

    image 1x8x8 -> [Dropout(Q)]
      -> Conv2d(1, C, 3, padding=1) -> BatchNorm2d -> ReLU -> [Dropout(R)] -> MaxPool2d(2)    4x4
      -> Conv2d(C, 2C, 3, padding=1) -> BatchNorm2d -> ReLU -> [Dropout(R)] -> MaxPool2d(2)   2x2
      -> Flatten -> [Linear -> ReLU -> Dropout(P)] x layers -> Linear -> 10 scores

It tries the seed articles' advice on convolutional networks (docs/seed_articles.md):
  * dropout helps less in convolutional layers, so they get a low rate R (--conv-dropout, default
    P/5 = 0.1) and the fully connected layer the usual P = 0.5;
  * with BatchNorm, dropout goes *after* it (BatchNorm -> ReLU -> Dropout), so that BatchNorm's
    batch statistics are not computed on dropped-out values (in evaluation, when dropout is off,
    they would no longer match);
  * BatchNorm itself regularises: compare --dropout 0 with the default.

``import minigrad as torch``: the code is plain PyTorch. The layers run on minigrad's compiled
kernels (im2col + GEMM convolution, pooling, fused batch norm; docs/kernels/conv.md, norm.md).
"""
import sys

import minigrad as torch
import minigrad.nn as nn

import arguments  # examples/arguments.py: the option checks the examples share
import train_mlp


def parse_args(argv=None):
    """train_mlp.py's options, with this network's defaults, plus --channels and --conv-dropout."""
    p = train_mlp.build_parser(__doc__)
    p.add_argument("--channels", type=arguments.positive_int, default=16, metavar="C",
                   help="channels of the first convolution (the second has 2C; default 16)")
    p.add_argument("--conv-dropout", type=arguments.probability, default=None, metavar="R",
                   help="dropout after each convolution's BatchNorm and ReLU (default P/5)")
    p.set_defaults(hidden=64, epochs=30, lr=0.05, input_dropout=0.0)
    args = p.parse_args(argv)
    if args.conv_dropout is None:
        args.conv_dropout = args.dropout / 5
    return train_mlp.check_args(p, args)


def make_model(channels, hidden, layers, p, p_conv, p_input=0.0):
    """The CNN above; dropout layers with probability 0 are left out (as in train_mlp.py)."""
    def dropout(q):
        return [nn.Dropout(q)] if q > 0 else []

    c1, c2 = channels, 2 * channels
    blocks = [nn.Unflatten(1, (1, 8, 8))] + dropout(p_input)
    for c_in, c_out in ((1, c1), (c1, c2)):
        blocks += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU()]
        blocks += dropout(p_conv) + [nn.MaxPool2d(2)]
    blocks.append(nn.Flatten())
    width = c2 * 2 * 2
    for _ in range(layers):
        blocks += [nn.Linear(width, hidden), nn.ReLU()] + dropout(p)
        width = hidden
    blocks.append(nn.Linear(width, 10))
    return nn.Sequential(*blocks)


def main(argv=None):
    """Train the CNN, print the summary, write the JSON and the plot if asked."""
    args = parse_args(argv)

    def build():
        torch.manual_seed(args.seed)  # the initial weights and the dropout masks
        return make_model(args.channels, args.hidden, args.layers, args.dropout,
                          args.conv_dropout, args.input_dropout)

    return train_mlp.run(args, build, f"cnn dropout {args.dropout:g} (conv {args.conv_dropout:g}, "
                                      f"input {args.input_dropout:g})")


if __name__ == "__main__":
    sys.exit(main())
