"""minigrad.profiler: what a training step records (ops, backward nodes, kernels with shapes,
dtype, variant and threads), the table, record_function, schedules, the Chrome trace, the
MINIGRAD_DEBUG printout, and that nothing is installed when no profile records."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad import _ops
from minigrad.autograd import engine, function
from minigrad.optim import optimizer
from minigrad.profiler import (ProfilerAction, ProfilerActivity, profile, record_function,
                               schedule)
from minigrad.profiler import _hooks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _step_setup(dropout=0.5):
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Dropout(dropout), nn.Linear(5, 3))
    opt = minigrad.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x, y = minigrad.randn(4, 6), minigrad.tensor([0, 2, 1, 2])

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def test_training_step_records_ops_backward_nodes_and_kernels():
    step = _step_setup()
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        step()
    events = prof.events()
    by_kind = {}
    for e in events:
        by_kind.setdefault(e.kind, []).append(e.name)
    assert by_kind["op"] == ["Affine", "Relu", "Dropout", "Affine", "CrossEntropyIndex"]
    assert by_kind["backward"] == ["NllLossBackward0", "AddmmBackward0", "NativeDropoutBackward0",
                                   "ReluBackward0", "AddmmBackward0"]
    kernels = by_kind["kernel"]
    for name in ("linear_forward", "matmul", "relu_forward", "dropout_forward", "linear_backward",
                 "sum_rows", "dropout_backward", "relu_backward", "sgd_step"):
        assert name in kernels
    assert by_kind["user"] == ["Optimizer.step#SGD.step"]

    first = next(e for e in events if e.name == "linear_forward")
    assert first.input_shapes == [[4, 6], [5, 6], [5]]
    assert first.dtype == "float32"
    assert first.variant == _ops.gemm_variant()
    assert first.threads == minigrad.get_num_threads()
    relu = next(e for e in events if e.name == "relu_forward")
    assert relu.variant == _ops.rng_variant()
    # nesting: the GEMM inside linear_forward, inside the Affine op; times add up
    matmul = next(e for e in events if e.name == "matmul")
    assert matmul.cpu_parent is first and first.cpu_parent.name == "Affine"
    assert first.cpu_time_total >= matmul.cpu_time_total
    # self time: the total minus the child's (and minus the profiler's own bookkeeping for it)
    assert 0 <= first.self_cpu_time_total <= first.cpu_time_total - matmul.cpu_time_total + 1e-6
    backward = next(e for e in events if e.name == "ReluBackward0")
    assert [c.name for c in backward.cpu_children] == ["relu_backward"]
    assert backward.input_shapes == [[4, 5]]


def test_profiled_step_computes_the_same_as_unprofiled():
    def run(profiled):
        step = _step_setup()  # seeds the generator: the same dropout masks in both runs
        losses = []
        for _ in range(3):
            if profiled:
                with profile():
                    losses.append(step().item())
            else:
                losses.append(step().item())
        return losses

    assert run(True) == run(False)


def test_nothing_is_installed_when_off():
    """Structural zero cost: with no profile recording, the op path is the plain Op.apply, the
    kernels are the compiled functions, and the engine's and optimizer's hooks are None."""
    plain_apply = function.Op.__dict__["apply"]
    plain_kernels = {name: getattr(_ops, name) for name in _hooks.kernel_names()}
    assert engine.backward_hook is None and optimizer.step_hook is None
    assert not hasattr(plain_apply.__func__, "profiled")
    assert all(not hasattr(k, "profiled") for k in plain_kernels.values())
    with profile():
        assert function.Op.__dict__["apply"] is not plain_apply
        assert _ops.matmul is not plain_kernels["matmul"]
        assert engine.backward_hook is not None
    assert function.Op.__dict__["apply"] is plain_apply
    assert function.Function.__dict__["apply"].__func__.__name__ == "apply"
    assert {name: getattr(_ops, name) for name in plain_kernels} == plain_kernels
    assert engine.backward_hook is None and optimizer.step_hook is None


def test_kernel_names_are_the_compute_functions():
    names = _hooks.kernel_names()
    for k in ("matmul", "bmm", "linear_forward", "linear_backward", "relu_forward",
              "dropout_forward", "dropout_backward", "fma", "sgd_step", "uniform_"):
        assert k in names
    for setting in ("set_num_threads", "get_num_threads", "gemm_variant", "rng_variant",
                    "openmp_enabled", "dropout_scale"):
        assert setting not in names


def test_table_columns_sorting_and_row_limit():
    step = _step_setup()
    with profile() as prof:
        for _ in range(2):
            step()
    averages = prof.key_averages()
    table = averages.table(sort_by="self_cpu_time_total", row_limit=5)
    lines = table.splitlines()
    header = lines[1]
    for column in ("Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
                   "# of Calls", "Dtype", "Variant", "Threads"):
        assert column in header
    assert "Input Shapes" not in header
    rows = lines[3:-2]
    assert len(rows) == 5
    top = sorted(averages, key=lambda e: e.self_cpu_time_total, reverse=True)[:5]
    assert [r.split()[0] for r in rows] == [e.key.split()[0] for e in top]
    assert lines[-1].startswith("Self CPU time total:")
    counts = {e.key: e.count for e in averages}
    assert counts["Affine"] == 4 and counts["AddmmBackward0"] == 4 and counts["sgd_step"] == 2
    by_count = averages.table(sort_by="count", row_limit=1).splitlines()[3]
    assert by_count.split()[0] == max(averages, key=lambda e: e.count).key
    shaped = prof.key_averages(group_by_input_shape=True)
    assert "Input Shapes" in shaped.table().splitlines()[1]
    assert len([e for e in shaped if e.key == "Affine"]) == 2  # two layers, two shapes
    with pytest.raises(ValueError, match="sort_by"):
        averages.table(sort_by="nonsense")


def test_record_function_nesting_and_decorator():
    @record_function("decorated")
    def work():
        return minigrad.ones(3).relu()

    with profile() as prof:
        with record_function("outer"):
            with record_function("inner"):
                work()
    events = prof.events()
    names = [e.name for e in events]
    assert names[:3] == ["outer", "inner", "decorated"]
    outer, inner, decorated = events[:3]
    assert inner.cpu_parent is outer and decorated.cpu_parent is inner
    assert outer.cpu_time_total >= inner.cpu_time_total >= decorated.cpu_time_total
    assert any(e.name == "relu_forward" and e.cpu_parent is not None for e in events)
    # outside a profile, record_function does nothing and costs a check
    with record_function("unrecorded"):
        pass
    assert work().tolist() == [1.0, 1.0, 1.0]


def test_schedule_actions_and_profile_steps():
    s = schedule(wait=1, warmup=1, active=2, repeat=1, skip_first=1)
    assert [s(i) for i in range(7)] == [
        ProfilerAction.NONE, ProfilerAction.NONE, ProfilerAction.WARMUP, ProfilerAction.RECORD,
        ProfilerAction.RECORD_AND_SAVE, ProfilerAction.NONE, ProfilerAction.NONE]
    with pytest.raises(ValueError):
        schedule(wait=0, warmup=0, active=0)
    traces = []

    def ready(prof):
        traces.append([e.name for e in prof.events() if e.kind == "user"])

    with profile(schedule=schedule(wait=1, warmup=0, active=2), on_trace_ready=ready) as prof:
        for i in range(6):
            with record_function(f"step{i}"):
                pass
            prof.step()
    assert traces == [["step1", "step2"], ["step4", "step5"]]


def test_chrome_trace(tmp_path):
    step = _step_setup()
    with profile() as prof:
        step()
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    trace = json.loads(path.read_text())["traceEvents"]
    assert len(trace) == len(prof.events())
    kernel = next(t for t in trace if t["name"] == "linear_forward")
    assert kernel["ph"] == "X" and kernel["dur"] >= 0 and kernel["args"]["variant"] == _ops.gemm_variant()


def test_profiles_one_after_the_other_record_their_own_calls():
    with profile() as first:
        minigrad.ones(2).relu()
    with profile() as second:
        minigrad.ones(3).relu()
    assert [e.input_shapes for e in first.events() if e.kind == "kernel"] == [[[2]]]
    assert [e.input_shapes for e in second.events() if e.kind == "kernel"] == [[[3]]]


def test_custom_function_and_errors_inside_a_profile():
    class Double(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = minigrad.ones(2, requires_grad=True)
    with profile() as prof:
        Double.apply(x).sum().backward()
        with pytest.raises(RuntimeError, match="size of tensor a"):
            minigrad.ones(2) + minigrad.ones(3)
    names = [e.name for e in prof.events()]
    assert "Double" in names and "DoubleBackward" in names
    assert x.grad.tolist() == [2.0, 2.0]
    assert engine.backward_hook is None  # uninstalled after the error too


def test_minigrad_debug_2_prints_each_kernel():
    code = ("import minigrad\nx = minigrad.randn(3, 4, requires_grad=True)\n"
            "minigrad.nn.functional.linear(x, minigrad.randn(2, 4)).relu().sum().backward()\n")
    env = dict(os.environ, MINIGRAD_DEBUG="2")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stderr
    lines = out.splitlines()
    assert any(l.startswith("linear_forward") and "[3,4] [2,4]" in l and _ops.gemm_variant() in l
               and l.rstrip().endswith("us") for l in lines), out
    assert any(l.strip().startswith("matmul") for l in lines)
    assert any(l.startswith("relu_backward") for l in lines)
    assert not any("Relu " in l for l in lines)  # ops only at level 3
    env["MINIGRAD_DEBUG"] = "0"
    quiet = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                           check=True).stderr
    assert quiet == ""
