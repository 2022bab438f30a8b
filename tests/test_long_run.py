"""Long runs do not leak: memory stays flat over thousands of steps, and graphs are freed by
reference counting alone as soon as ``backward()`` is done with them (no reference cycles that
would wait for the cyclic garbage collector, or leak if a cycle holds a ``__del__``).
"""
import gc
import json
import os
import subprocess
import sys
import textwrap
import weakref

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F

# ============================================================================= RSS over 5,000 steps
_TRAIN = textwrap.dedent(
    r"""
    import gc, json, os, sys
    import minigrad, minigrad.nn as nn, minigrad.nn.functional as F

    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    steps, warmup = int(sys.argv[1]), int(sys.argv[2])
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Dropout(0.2),
                          nn.Linear(64, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 10))
    opt = minigrad.optim.Adam(model.parameters(), lr=1e-3)
    sched = minigrad.optim.lr_scheduler.StepLR(opt, step_size=1000, gamma=0.5)
    x = minigrad.randn(64, 32)
    y = minigrad.randint(0, 10, (64,))
    samples, objects = [], []
    for step in range(1, steps + 1):
        model.train()
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        minigrad.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 50 == 0:  # an evaluation pass too, as a real loop does
            model.eval()
            with minigrad.no_grad():
                model(x).argmax(dim=1)
        if step % 250 == 0:
            samples.append((step, rss()))
        if step in (warmup, steps):
            gc.collect()
            objects.append(len(gc.get_objects()))
    print(json.dumps({"samples": samples, "objects": objects, "loss": loss.item()}))
    """
)


def test_training_memory_is_flat_over_5000_steps():
    """5,000 Adam steps of an MLP with dropout (plus clipping, a scheduler and eval passes): the
    resident memory after a 1,000-step warm-up does not grow by more than 2 MiB by the end, and the
    number of live Python objects does not grow. A leak of one 64x10 float32 array per step would
    add ~10 MiB; one Python object per step would add 4,000 objects."""
    env = {**os.environ, "OMP_NUM_THREADS": "2", "OMP_WAIT_POLICY": "passive"}
    proc = subprocess.run([sys.executable, "-c", _TRAIN, "5000", "1000"], capture_output=True,
                          text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    samples = dict(res["samples"])
    warm, end = samples[1000], samples[5000]
    growth = end - warm
    print(f"RSS after warm-up {warm / 2**20:.1f} MiB, at 5000 steps {end / 2**20:.1f} MiB, growth {growth / 2**10:.0f} KiB")
    assert growth < 2 * 2**20, f"RSS grew {growth / 2**20:.2f} MiB between step 1000 and 5000: {res['samples']}"
    # no steady climb either: the second half grows no more than 1 MiB
    assert samples[5000] - samples[3000] < 2**20, res["samples"]
    obj_warm, obj_end = res["objects"]
    assert obj_end - obj_warm < 200, f"live objects {obj_warm} -> {obj_end}"
    assert np.isfinite(res["loss"])


# ============================================================================= no reference cycles
@pytest.fixture
def no_gc():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _mlp(dropout=0.3):
    minigrad.manual_seed(1)
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(dropout), nn.Linear(16, 16), nn.Tanh(),
                         nn.Linear(16, 4))


def _graph_refs(root):
    """Weak references to every node reachable from ``root.grad_fn`` and to the tensors it saved."""
    refs, seen, stack = [], set(), [root.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        refs.append(weakref.ref(node))
        for nxt in getattr(node, "next_edges", ()):
            if not isinstance(nxt, minigrad.Tensor):  # leaves are edges too; they stay alive
                stack.append(nxt)
    return refs


def test_graph_freed_by_refcount_after_backward(no_gc):
    """With the cyclic collector off, every graph node and intermediate tensor is freed as soon
    as the last reference to the output goes away, i.e. by reference counting alone."""
    model = _mlp()
    x = minigrad.randn(32, 8, requires_grad=True)
    h1 = model[0](x)
    h2 = model[1](h1)
    h3 = model[2](h2)
    out = model[5](model[4](model[3](h3)))
    loss = F.cross_entropy(out, minigrad.zeros(32, dtype=minigrad.long))
    node_refs = _graph_refs(loss)
    assert len(node_refs) >= 7
    tensor_refs = [weakref.ref(t) for t in (h1, h2, h3, out, loss)]
    loss.backward()
    del h1, h2, h3, out, loss
    alive_nodes = [r() for r in node_refs if r() is not None]
    alive_tensors = [r() for r in tensor_refs if r() is not None]
    assert not alive_tensors, f"{len(alive_tensors)} intermediate tensors kept alive"
    assert not alive_nodes, f"{len(alive_nodes)} graph nodes kept alive: {[type(n).__name__ for n in alive_nodes]}"
    assert x.grad is not None and all(p.grad is not None for p in model.parameters())


def test_graph_freed_without_backward(no_gc):
    """A forward pass whose result is dropped (an exception, an evaluation without no_grad) frees
    its graph too."""
    model = _mlp()
    out = model(minigrad.randn(4, 8))
    refs = _graph_refs(out) + [weakref.ref(out)]
    del out
    assert all(r() is None for r in refs)


def test_retain_graph_then_free(no_gc):
    model = _mlp(0.0)
    out = model(minigrad.randn(4, 8)).sum()
    refs = _graph_refs(out)
    out.backward(retain_graph=True)
    out.backward()
    del out
    assert all(r() is None for r in refs)


def test_retain_grad_and_hooks_do_not_make_cycles(no_gc):
    model = _mlp(0.0)
    x = minigrad.randn(4, 8, requires_grad=True)
    h = model[0](x)
    h.retain_grad()
    seen = []
    handle = model[3].register_forward_hook(lambda m, i, o: seen.append(o.shape))
    out = model[1:](h).sum()
    refs = _graph_refs(out) + [weakref.ref(h)]
    out.backward()
    assert h.grad is not None and seen
    handle.remove()
    del h, out
    assert all(r() is None for r in refs)


@pytest.mark.parametrize("opt_name", ["SGD", "Adam", "AdamW"])
def test_training_step_makes_no_cyclic_garbage(opt_name):
    """gc.collect() after a training step finds nothing: the step created no reference cycles."""
    model = _mlp()
    kw = {"lr": 0.1, "momentum": 0.9} if opt_name == "SGD" else {"lr": 1e-3}
    opt = getattr(minigrad.optim, opt_name)(model.parameters(), **kw)
    x, y = minigrad.randn(16, 8), minigrad.randint(0, 4, (16,))

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    step()  # the first step creates the optimizer state
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            step()
        with minigrad.no_grad():
            model.eval()
            model(x)
            model.train()
        found = gc.collect()
    finally:
        gc.enable()
    assert found == 0, f"gc.collect() found {found} unreachable objects after training steps"


def test_dataloader_epoch_makes_no_cyclic_garbage():
    from minigrad.utils.data import DataLoader, TensorDataset

    ds = TensorDataset(minigrad.randn(50, 8), minigrad.randint(0, 4, (50,)))
    loader = DataLoader(ds, batch_size=8, shuffle=True)
    model = _mlp()
    opt = minigrad.optim.SGD(model.parameters(), lr=0.1)
    for xb, yb in loader:  # warm-up epoch
        pass
    gc.collect()
    gc.disable()
    try:
        for xb, yb in loader:
            opt.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            opt.step()
        del xb, yb
        found = gc.collect()
    finally:
        gc.enable()
    assert found == 0


def test_save_load_makes_no_cyclic_garbage(tmp_path):
    """Saving and loading a checkpoint leaves no tensor, array or minigrad object in a cycle.
    (numpy's .npy header parser, ``ast.literal_eval``, makes a few closure cycles of its own on
    CPython 3.11 per array read: those are the standard library's, bounded, and ignored here.)"""
    model = _mlp()
    opt = minigrad.optim.Adam(model.parameters())
    F.mse_loss(model(minigrad.randn(2, 8)), minigrad.zeros(2, 4)).backward()
    opt.step()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        minigrad.save({"model": model.state_dict(), "opt": opt.state_dict()}, str(tmp_path / "c.pt"))
        ck = minigrad.load(str(tmp_path / "c.pt"))
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        del ck
        gc.collect()
        garbage = list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()

    def ours(o):
        if isinstance(o, (np.ndarray, minigrad.Tensor, nn.Module, minigrad.optim.Optimizer)):
            return True
        mod = getattr(o, "__module__", None) or getattr(type(o), "__module__", "") or ""
        return mod.startswith("minigrad") or "minigrad" in getattr(getattr(o, "__code__", None), "co_filename", "")

    assert not [o for o in garbage if ours(o)]
    assert all(getattr(o, "__qualname__", "literal_eval").startswith("literal_eval") or type(o).__name__ in ("cell", "tuple")
               for o in garbage), [repr(o)[:80] for o in garbage][:10]
