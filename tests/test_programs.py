"""Whole programs of the kinds PyTorch tutorials teach, run unchanged under PyTorch and under
minigrad by module aliasing alone (``import torch`` finds minigrad): a polynomial fit with a
custom ``autograd.Function``, a character-level MLP language model (embedding lookup by
indexing, ``F.cross_entropy``, manual SGD on ``p.data``, sampling with ``multinomial`` from a
seeded ``Generator``), and the ``nn_tutorial`` refactoring sequence (manual weights, then
``nn.Module``, ``nn.Linear``, ``optim``, ``TensorDataset``/``DataLoader``, ``fit()``/``get_data()``).

The programs are written for this test in the style of those tutorials (none is copied). Where
the two libraries compute the same thing (same initial values, same batches), the losses must
agree to rounding; where a program draws its own random numbers (PyTorch's and minigrad's
generators differ), both must learn comparably.
"""
import contextlib
import math
import sys

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")

_ALIASES = {"torch": "minigrad", "torch.nn": "minigrad.nn",
            "torch.nn.functional": "minigrad.nn.functional", "torch.optim": "minigrad.optim",
            "torch.autograd": "minigrad.autograd", "torch.utils": "minigrad.utils",
            "torch.utils.data": "minigrad.utils.data"}


@contextlib.contextmanager
def _torch_is(lib):
    """``import torch`` (and its submodules) gives ``lib``: PyTorch itself, or minigrad."""
    if lib is torch:
        yield
        return
    import importlib

    saved = {name: sys.modules.get(name) for name in _ALIASES}
    try:
        for name, target in _ALIASES.items():
            sys.modules[name] = importlib.import_module(target)
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def run(source, lib, **inputs):
    """Run a program's source with ``torch`` being ``lib``; its global variables afterwards."""
    env = {"__name__": "__program__", **inputs}
    with _torch_is(lib):
        exec(compile(source, "<program>", "exec"), env)
    return env


# ------------------------------------------------------------------ 1. a polynomial fit
POLYNOMIAL = '''
import math
import torch


class Cubic(torch.autograd.Function):
    """P3(t) = (5 t^3 - 3 t) / 2, with its derivative written by hand."""

    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        return 0.5 * (5 * t ** 3 - 3 * t)

    @staticmethod
    def backward(ctx, grad_output):
        (t,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * t ** 2 - 1)


dtype = torch.float64
x = torch.linspace(-math.pi, math.pi, 1000, dtype=dtype)
y = torch.sin(x)

# y ~ a + b * P3(c + d * x), from a fixed start
a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, dtype=dtype, requires_grad=True)

lr = 5e-6
losses = []
for step in range(400):
    y_pred = a + b * Cubic.apply(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    losses.append(loss.item())
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= lr * p.grad
            p.grad = None
coefficients = [p.item() for p in (a, b, c, d)]
'''


def test_polynomial_fit_with_a_custom_function():
    t = run(POLYNOMIAL, torch)
    m = run(POLYNOMIAL, minigrad)
    assert t["losses"][-1] < t["losses"][0] / 3
    np.testing.assert_allclose(m["losses"], t["losses"], rtol=1e-9)
    np.testing.assert_allclose(m["coefficients"], t["coefficients"], rtol=1e-9, atol=1e-12)


# ------------------------------------------------------------------ 2. a character-level MLP
MAKEMORE = '''
import torch
import torch.nn.functional as F

words = WORDS
chars = sorted(set("".join(words)))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
vocab = len(itos)

# bigram counts first, the classic warm-up
N = torch.zeros((vocab, vocab), dtype=torch.int32)
for w in words:
    cs = ["."] + list(w) + ["."]
    for c1, c2 in zip(cs, cs[1:]):
        N[stoi[c1], stoi[c2]] += 1
P = (N + 1).float()
P /= P.sum(1, keepdim=True)
bigram_nll = 0.0
count = 0
for w in words:
    cs = ["."] + list(w) + ["."]
    for c1, c2 in zip(cs, cs[1:]):
        bigram_nll -= torch.log(P[stoi[c1], stoi[c2]]).item()
        count += 1
bigram_nll /= count

block_size = 3


def build_dataset(words):
    X, Y = [], []
    for w in words:
        context = [0] * block_size
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    return torch.tensor(X), torch.tensor(Y)


X, Y = build_dataset(words)

g = torch.Generator().manual_seed(2147483647)
if INIT is None:
    C = torch.randn((vocab, 10), generator=g)
    W1 = torch.randn((30, 64), generator=g) * 0.2
    b1 = torch.randn(64, generator=g) * 0.01
    W2 = torch.randn((64, vocab), generator=g) * 0.01
    b2 = torch.zeros(vocab)
else:
    C, W1, b1, W2, b2 = (torch.tensor(a) for a in INIT)
parameters = [C, W1, b1, W2, b2]
n_params = sum(p.nelement() for p in parameters)
for p in parameters:
    p.requires_grad = True

losses = []
for i in range(STEPS):
    ix = torch.randint(0, X.shape[0], (32,), generator=g) if BATCHES is None else torch.tensor(BATCHES[i])
    emb = C[X[ix]]
    h = torch.tanh(emb.view(-1, 30) @ W1 + b1)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, Y[ix])
    losses.append(loss.item())
    for p in parameters:
        p.grad = None
    loss.backward()
    lr = 0.1 if i < STEPS // 2 else 0.05
    for p in parameters:
        p.data += -lr * p.grad

with torch.no_grad():
    emb = C[X]
    h = torch.tanh(emb.view(-1, 30) @ W1 + b1)
    full_loss = F.cross_entropy(h @ W2 + b2, Y).item()

    samples = []
    g = torch.Generator().manual_seed(2147483647 + 10)
    for _ in range(8):
        out = []
        context = [0] * block_size
        while True:
            emb = C[torch.tensor([context])]
            h = torch.tanh(emb.view(1, -1) @ W1 + b1)
            probs = F.softmax(h @ W2 + b2, dim=1)
            ix = torch.multinomial(probs, num_samples=1, generator=g).item()
            context = context[1:] + [ix]
            if ix == 0 or len(out) > 20:
                break
            out.append(itos[ix])
        samples.append("".join(out))
'''


def _words():
    """A small made-up corpus of name-like words (syllables drawn from a fixed seed)."""
    rng = np.random.default_rng(1)
    onsets = ["b", "d", "k", "l", "m", "n", "r", "s", "t", "v", "z", "br", "st", "kl"]
    vowels = ["a", "e", "i", "o", "u", "ia", "ea"]
    codas = ["", "", "n", "r", "l", "s", "th"]
    words = set()
    while len(words) < 150:
        n = int(rng.integers(1, 4))
        words.add("".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(n)) + rng.choice(codas))
    return sorted(words)


def test_char_mlp_trains_the_same_from_the_same_start():
    """Same initial weights and batches: the same losses step by step (float32 rounding)."""
    words = _words()
    base = run(MAKEMORE, torch, WORDS=words, INIT=None, BATCHES=None, STEPS=0)
    init = [p.detach().numpy().copy() for p in base["parameters"]]
    rng = np.random.default_rng(3)
    batches = [rng.integers(0, len(base["Y"]), size=32) for _ in range(60)]
    t = run(MAKEMORE, torch, WORDS=words, INIT=init, BATCHES=batches, STEPS=60)
    m = run(MAKEMORE, minigrad, WORDS=words, INIT=init, BATCHES=batches, STEPS=60)
    np.testing.assert_allclose(m["losses"], t["losses"], rtol=2e-4)
    assert m["full_loss"] == pytest.approx(t["full_loss"], rel=2e-4)
    assert m["bigram_nll"] == pytest.approx(t["bigram_nll"], rel=1e-6)
    assert m["n_params"] == t["n_params"]


def test_char_mlp_with_its_own_random_numbers_learns_as_well():
    words = _words()
    results = {}
    for lib in (torch, minigrad):
        results[lib.__name__] = run(MAKEMORE, lib, WORDS=words, INIT=None, BATCHES=None, STEPS=300)
    t, m = results["torch"], results["minigrad"]
    uniform = math.log(t["vocab"])
    for r in (t, m):
        assert r["full_loss"] < uniform - 0.6  # far below guessing
        assert len(r["samples"]) == 8 and all(set(s) <= set("".join(words)) for s in r["samples"])
    assert abs(m["full_loss"] - t["full_loss"]) < 0.25


# ------------------------------------------------------------------ 3. the nn_tutorial sequence
NN_TUTORIAL = '''
import math
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

x_train, y_train, x_valid, y_valid = map(torch.tensor, DATA)
n, features = x_train.shape
classes = int(y_train.max()) + 1
bs, lr, epochs = 32, 0.5, 3
results = {}


def start(shape):
    """The initial weights: the tutorial's random ones, or fixed ones given to compare runs."""
    if START is None:
        return torch.randn(*shape) / math.sqrt(shape[0])
    return torch.tensor(START[shape])


# 1. by hand: weights, log_softmax, negative log-likelihood, accuracy
weights = start((features, classes))
weights.requires_grad_()
bias = torch.zeros(classes, requires_grad=True)


def log_softmax(x):
    return x - x.exp().sum(-1).log().unsqueeze(-1)


def model(xb):
    return log_softmax(xb @ weights + bias)


def nll(input, target):
    return -input[range(target.shape[0]), target].mean()


def accuracy(out, yb):
    preds = torch.argmax(out, dim=1)
    return (preds == yb).float().mean()


for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        xb, yb = x_train[i * bs:i * bs + bs], y_train[i * bs:i * bs + bs]
        loss = nll(model(xb), yb)
        loss.backward()
        with torch.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()
results["manual"] = (nll(model(x_valid), y_valid).item(), accuracy(model(x_valid), y_valid).item())

# 2. F.cross_entropy does log_softmax and nll in one go
loss_func = F.cross_entropy
results["cross_entropy_same"] = abs(loss_func(xb @ weights + bias, yb).item() - nll(model(xb), yb).item())


# 3. an nn.Module with nn.Parameters
class Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.weights = nn.Parameter(start((features, classes)))
        self.bias = nn.Parameter(torch.zeros(classes))

    def forward(self, xb):
        return xb @ self.weights + self.bias


model = Logistic()
for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        xb, yb = x_train[i * bs:i * bs + bs], y_train[i * bs:i * bs + bs]
        loss = loss_func(model(xb), yb)
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= p.grad * lr
            model.zero_grad()
results["module"] = loss_func(model(x_valid), y_valid).item()


# 4. nn.Linear, 5. optim.SGD
class LinearLogistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(features, classes)
        if START is not None:
            with torch.no_grad():
                self.lin.weight.copy_(torch.tensor(START[(features, classes)]).t())
                self.lin.bias.zero_()

    def forward(self, xb):
        return self.lin(xb)


def get_model():
    model = LinearLogistic()
    return model, optim.SGD(model.parameters(), lr=lr)


model, opt = get_model()
for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        xb, yb = x_train[i * bs:i * bs + bs], y_train[i * bs:i * bs + bs]
        loss = loss_func(model(xb), yb)
        loss.backward()
        opt.step()
        opt.zero_grad()
results["optim"] = loss_func(model(x_valid), y_valid).item()

# 6. TensorDataset and DataLoader, 7. fit() and get_data()
train_ds = TensorDataset(x_train, y_train)
valid_ds = TensorDataset(x_valid, y_valid)


def get_data(train_ds, valid_ds, bs):
    return (DataLoader(train_ds, batch_size=bs, shuffle=SHUFFLE),
            DataLoader(valid_ds, batch_size=bs * 2))


def loss_batch(model, loss_func, xb, yb, opt=None):
    loss = loss_func(model(xb), yb)
    if opt is not None:
        loss.backward()
        opt.step()
        opt.zero_grad()
    return loss.item(), len(xb)


def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    history = []
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_batch(model, loss_func, xb, yb, opt)
        model.eval()
        with torch.no_grad():
            losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
        history.append(np.sum(np.multiply(losses, nums)) / np.sum(nums))
    return history


train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
model, opt = get_model()
results["fit"] = fit(epochs, model, loss_func, opt, train_dl, valid_dl)
'''


def _blobs(seed=0, n=400, features=20, classes=5):
    """Gaussian blobs: a small classification problem with a fixed seed."""
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((classes, features)) * 1.5
    y = rng.integers(0, classes, size=n)
    x = (centers[y] + rng.standard_normal((n, features))).astype(np.float32)
    return x[:300], y[:300], x[300:], y[300:]


def test_nn_tutorial_sequence_gives_the_same_losses_from_the_same_start():
    data = _blobs()
    start = {(20, 5): (np.random.default_rng(7).standard_normal((20, 5)) / math.sqrt(20)).astype(np.float32)}
    t = run(NN_TUTORIAL, torch, DATA=data, START=start, SHUFFLE=False)["results"]
    m = run(NN_TUTORIAL, minigrad, DATA=data, START=start, SHUFFLE=False)["results"]
    assert t["fit"][-1] < 0.5
    np.testing.assert_allclose(m["manual"], t["manual"], rtol=1e-4)
    assert m["cross_entropy_same"] < 1e-5 and t["cross_entropy_same"] < 1e-5
    assert m["module"] == pytest.approx(t["module"], rel=1e-4)
    assert m["optim"] == pytest.approx(t["optim"], rel=1e-4)
    np.testing.assert_allclose(m["fit"], t["fit"], rtol=1e-4)


def test_nn_tutorial_sequence_with_its_own_random_numbers_learns_as_well():
    data = _blobs(seed=1)
    t = run(NN_TUTORIAL, torch, DATA=data, START=None, SHUFFLE=True)["results"]
    m = run(NN_TUTORIAL, minigrad, DATA=data, START=None, SHUFFLE=True)["results"]
    for r in (t, m):
        assert r["manual"][1] > 0.8 and r["fit"][-1] < 0.6
    assert abs(m["fit"][-1] - t["fit"][-1]) < 0.15
    assert abs(m["manual"][0] - t["manual"][0]) < 0.15


def test_aliasing_leaves_the_real_torch_in_place():
    run("import torch\nname = torch.__name__", minigrad)
    import torch as again
    assert again is torch and sys.modules["torch.nn"] is torch.nn
