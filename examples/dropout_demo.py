"""The seed article's DropoutNet, run with minigrad, and a look inside its dropout layer.

    python examples/dropout_demo.py
    python examples/dropout_demo.py --calls 5 --seed 0

The network is the one of the seed article 000 (docs/seed_articles.md), "PyTorch 实现示例":
Linear(10, 10) -> ReLU -> Dropout(0.5) -> Linear(10, 1), seeded with manual_seed(42) and fed
ones((1, 10)). The demo shows four things:

1. In training mode (model.train()) every call draws a new dropout mask, so the outputs differ.
2. In evaluation mode (model.eval()) dropout is the identity, so the outputs agree.
3. What the dropout layer did on each training call: which hidden units it zeroed, and that the
   survivors were multiplied by 1/(1-p) = 2 (inverted dropout).
4. Why that factor: averaged over many masks, the training-mode output equals the evaluation-mode
   output. No rescaling at test time is needed (and none must be applied; see docs/dropout.md).
"""
import argparse
import sys

import minigrad as torch
import minigrad.nn as nn
import minigrad.nn.functional as F

import arguments  # examples/arguments.py: the option checks the examples share


class DropoutNet(nn.Module):
    """The article's network: fc1 -> ReLU -> dropout -> fc2."""

    def __init__(self, input_size=10, hidden_size=10, dropout_p=0.5):
        """Shapes: input (N, input_size) -> hidden (N, hidden_size) -> output (N, 1)."""
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.dropout = nn.Dropout(p=dropout_p)
        self.fc2 = nn.Linear(hidden_size, 1)

    def forward(self, x):
        """(N, input_size) -> (N, 1)."""
        x = F.relu(self.fc1(x))
        x = self.dropout(x)  # training: random units zeroed, the others scaled by 1/(1-p)
        x = self.fc2(x)
        return x


def parse_args(argv=None):
    """The command-line options (``argv``: a list of strings, default ``sys.argv[1:]``)."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=42, help="manual_seed before building the network (default 42, as the article)")
    p.add_argument("--p", type=arguments.probability, default=0.5, help="dropout probability, in [0, 1) (default 0.5)")
    p.add_argument("--calls", type=arguments.positive_int, default=3, help="forward calls in each mode (default 3)")
    p.add_argument("--samples", type=arguments.positive_int, default=20000,
                   help="masks averaged to estimate the expected training output (default 20000)")
    args = p.parse_args(argv)
    return args


def fmt(values):
    """A list of floats as a fixed-width row."""
    return "[" + ", ".join(f"{v:7.4f}" for v in values) + "]"


def main(argv=None):
    """Run the four parts of the demo; returns the exit code."""
    args = parse_args(argv)
    torch.manual_seed(args.seed)
    model = DropoutNet(dropout_p=args.p)
    x = torch.ones((1, 10))

    # A forward hook sees each call's input and output of the dropout layer, without changing
    # the model: this is how we look inside it.
    seen = []
    model.dropout.register_forward_hook(lambda module, inputs, output: seen.append((inputs[0], output)))

    print(f"DropoutNet(p={args.p:g}) after manual_seed({args.seed}), input x = ones((1, 10))\n")
    print("1. Training mode: a new mask at every call, so the outputs differ")
    model.train()
    train_outputs = []
    for i in range(args.calls):
        y = model(x).item()
        train_outputs.append(y)
        print(f"   call {i + 1}: output {y: .6f}")

    print("\n2. Evaluation mode: dropout does nothing, so the outputs agree")
    model.eval()
    eval_outputs = [model(x).item() for _ in range(args.calls)]
    for i, y in enumerate(eval_outputs):
        print(f"   call {i + 1}: output {y: .6f}")
    print(f"   all equal: {len(set(eval_outputs)) == 1}")

    scale = 1.0 / (1.0 - args.p)
    print(f"\n3. Inside the dropout layer (training calls). Kept units are multiplied by "
          f"1/(1-p) = {scale:g}")
    hidden = seen[0][0][0].tolist()  # ReLU(fc1(x)): the same on every call (x and fc1 are fixed)
    print(f"   hidden units h = relu(fc1(x)):  {fmt(hidden)}")
    relu_zero = [j for j, h in enumerate(hidden) if h == 0]
    if relu_zero:
        print(f"   (units {relu_zero} are already 0 after ReLU: dropout cannot change them)")
    for i, (h, out) in enumerate(seen[:args.calls]):
        h, out = h[0].tolist(), out[0].tolist()
        dropped = [j for j in range(len(h)) if h[j] != 0 and out[j] == 0]
        kept = [j for j in range(len(h)) if h[j] != 0 and out[j] != 0]
        ratios = sorted({round(out[j] / h[j], 6) for j in kept})
        print(f"   call {i + 1}: dropout(h) = {fmt(out)}")
        print(f"           zeroed units {dropped}; kept units {kept}, each multiplied by {ratios}")

    print("\n4. Why the factor 1/(1-p): the expected training output equals the evaluation output")
    model.train()
    with torch.no_grad():
        # One batch of identical rows: each row gets its own mask, so this is `samples` calls at once.
        many = model(torch.ones((args.samples, 10)))
    mean, std = many.mean().item(), many.std().item()
    stderr = std / args.samples ** 0.5
    print(f"   mean of {args.samples} training-mode outputs: {mean: .6f} (± {stderr:.6f} standard error)")
    print(f"   evaluation-mode output:                 {eval_outputs[0]: .6f}")
    print(f"   difference: {abs(mean - eval_outputs[0]):.6f}, "
          f"{abs(mean - eval_outputs[0]) / stderr:.1f} standard errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
