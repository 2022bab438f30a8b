"""Training jobs: each experiment's networks, trained once and shared.

A *job* trains one network. It is described by a small dict, its *spec* (``{"kind": "mlp",
"seed": 0, "dropout": 0.5, ...}``), and the spec fixes everything: the kind's ``build`` makes
the network after ``manual_seed(spec["init_seed"])``, its ``train`` trains it. Jobs are therefore
independent and deterministic, so a ``Runner`` trains them in parallel worker processes (one
kernel thread each: minigrad's results do not depend on the thread count) and gets the same
weights as one process would; it keeps every trained network, so experiments that need the same
network (train_mlp's default run appears in four of them) train it once.

A job's *record* is what the documentation keeps of it: the spec, the final metrics and the
SHA-256 of the trained weights, which pins them down bit for bit.
"""
import hashlib
import json
import multiprocessing
import os
import sys
import time

import minigrad as torch

KINDS = {}  # kind name -> (build(spec) -> model, train(spec, model) -> metrics dict)


def kind(name, build):
    """Register a kind of job: ``@kind("mlp", build_fn)`` on its training function."""
    def register(train):
        KINDS[name] = (build, train)
        return train
    return register


def key(spec):
    """The spec as a canonical string: equal specs, one job."""
    return json.dumps(spec, sort_keys=True)


def weights_sha256(state):
    """SHA-256 of a state dict (names, dtypes, shapes and bytes, in order): equal only for
    bit-identical weights."""
    h = hashlib.sha256()
    for name, array in state.items():
        h.update(f"{name} {array.dtype.str} {array.shape}\n".encode())
        h.update(array.tobytes())
    return h.hexdigest()


def build(spec):
    """The untrained network of ``spec``, with the initial weights the job starts from."""
    torch.manual_seed(spec["init_seed"])
    return KINDS[spec["kind"]][0](spec)


def run_job(spec):
    """Train the network of ``spec``; returns its record, plus ``state`` (the trained weights as
    numpy arrays), ``history`` if the kind keeps one, and ``seconds`` (these three are not
    documented: the first two are large, the time is not reproducible)."""
    _import_kinds()
    model = build(spec)
    start = time.perf_counter()
    metrics = KINDS[spec["kind"]][1](spec, model)
    seconds = time.perf_counter() - start
    state = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    record = dict(spec=spec, **metrics, weights_sha256=weights_sha256(state))
    record.update(state=state, seconds=seconds)
    return record


def documented(record):
    """The part of a record that the data files keep."""
    return {k: v for k, v in record.items() if k not in ("state", "history", "seconds")}


def _import_kinds():
    """Every module that registers kinds (a worker process starts with none imported)."""
    from . import nets  # noqa: F401


def _worker_init(path):
    sys.path[:0] = [p for p in path if p not in sys.path]
    torch.set_num_threads(1)


class Runner:
    """Trains jobs, ``workers`` at a time (1: in this process), and remembers every network.

    ``runner.train(specs)`` returns the records in the order of ``specs``; ``runner.model(spec)``
    the trained network (in eval mode), rebuilt from the kept weights; ``runner.map(fn, items)``
    runs other work (an analysis per network) in the same way.
    """

    def __init__(self, workers=None, log=None):
        self.workers = workers or os.cpu_count() or 1
        self.log = log  # a function of one string, for progress lines; None: quiet
        self.records = {}

    def train(self, specs):
        todo = []
        for spec in specs:
            if key(spec) not in self.records and key(spec) not in map(key, todo):
                todo.append(spec)
        if todo:
            self._run(todo)
        return [self.records[key(spec)] for spec in specs]

    def _run(self, todo):
        for i, record in enumerate(self.map(run_job, todo), 1):
            self.records[key(record["spec"])] = record
            if self.log:
                self.log(f"  [{i}/{len(todo)}] {describe(record['spec'])}: {summary(record)} "
                         f"({record['seconds']:.1f} s)")

    def map(self, fn, items):
        """``fn(item)`` for each item, in order, in up to ``workers`` processes (one kernel thread
        each; ``fn`` must be a module-level function). A generator."""
        workers = min(self.workers, len(items))
        threads = torch.get_num_threads()
        if workers <= 1:
            torch.set_num_threads(1)  # as in the workers: these networks are too small for two
            try:
                yield from map(fn, items)
            finally:
                torch.set_num_threads(threads)
            return
        # spawn, not fork: a forked child of a process whose OpenMP pool has run can hang
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers, initializer=_worker_init, initargs=(list(sys.path),)) as pool:
            yield from pool.imap(fn, items)

    def model(self, spec):
        """The trained network of ``spec`` (trained now if it was not), in eval mode."""
        return trained_model(spec, self.train([spec])[0]["state"])


def trained_model(spec, state):
    """The network of ``spec`` with the weights ``state`` (numpy arrays), in eval mode."""
    _import_kinds()
    model = KINDS[spec["kind"]][0](spec)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    return model.eval()


def describe(spec):
    """A spec in one line, for progress messages."""
    return " ".join(f"{k}={v}" for k, v in spec.items())


def summary(record):
    """The metrics of a record in one line."""
    parts = [f"{k} {record[k]:.4f}" for k in ("train_acc", "test_acc", "train_loss", "test_loss") if k in record]
    return ", ".join(parts)
