"""``minigrad.profiler``: what runs in a training step, op by op and kernel by kernel, in the form
of ``torch.profiler``.

    >>> from minigrad.profiler import profile, record_function
    >>> with profile() as prof:
    ...     with record_function("train_step"):
    ...         loss = model(x).sum()
    ...         loss.backward()
    >>> print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=10))

It records each op's forward (named after its class: ``Affine``, ``Relu``, ``CrossEntropyIndex``),
each graph node's backward (``AddmmBackward0``, as ``grad_fn`` names it), each kernel call of
``minigrad._ops`` (``linear_forward``, ``relu_backward`` ... with its input shapes, dtype, the
kernel variant that ran and the thread count), optimizer steps (``Optimizer.step#SGD.step``) and
``record_function`` blocks. Nothing is installed while no profile records, so the profiler costs
nothing when off (``_hooks.py`` says how). ``MINIGRAD_DEBUG=2`` in the environment prints every
kernel as it runs, through the same hooks.

Differences from PyTorch: input shapes are always recorded (``record_shapes`` is accepted); CPU
only (``ProfilerActivity.CUDA`` is accepted and records nothing more); ``profile_memory``,
``with_stack``, ``with_flops`` and ``with_modules`` are accepted and ignored.
"""
import enum
import functools
import os

from . import _hooks
from ._events import EventList, FunctionEvent, FunctionEventAvg

__all__ = ["profile", "record_function", "ProfilerActivity", "ProfilerAction", "schedule",
           "EventList", "FunctionEvent", "FunctionEventAvg"]


class ProfilerActivity(enum.Enum):
    """What to profile: minigrad runs on the CPU only."""

    CPU = 0
    CUDA = 1


class ProfilerAction(enum.Enum):
    """What ``profile`` does at a step of its ``schedule``."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(*, wait, warmup, active, repeat=0, skip_first=0):
    """PyTorch's profiling schedule: after ``skip_first`` steps, cycles of ``wait`` idle steps,
    ``warmup`` steps and ``active`` recorded steps (the last one ``RECORD_AND_SAVE``: the trace
    is handed to ``on_trace_ready``), ``repeat`` times (0: for ever).

    Example::

        >>> s = schedule(wait=1, warmup=1, active=2)
        >>> [s(i).name for i in range(5)]
        ['NONE', 'WARMUP', 'RECORD', 'RECORD_AND_SAVE', 'NONE']
    """
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise ValueError("Invalid profiler schedule arguments")

    def action(step):
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        cycle = wait + warmup + active
        if repeat > 0 and step // cycle >= repeat:
            return ProfilerAction.NONE
        pos = step % cycle
        if pos < wait:
            return ProfilerAction.NONE
        if pos < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if pos < cycle - 1 else ProfilerAction.RECORD_AND_SAVE

    return action


class profile:
    """Record what runs inside ``with profile() as prof:`` (or between ``prof.start()`` and
    ``prof.stop()``), as ``torch.profiler.profile``.

    Args:
        activities: ``[ProfilerActivity.CPU]`` (the default; CUDA is accepted, there is none).
        schedule: a ``schedule(...)``; then only its active steps are recorded, and
            ``prof.step()`` marks the end of each step.
        on_trace_ready: called with the profile at the end of each active cycle.
        record_shapes, profile_memory, with_stack, with_flops, with_modules: accepted
            (shapes are always recorded; the rest is not measured).

    Example::

        >>> lin = minigrad.nn.Linear(4, 3)
        >>> with profile() as prof:
        ...     lin(minigrad.randn(2, 4)).sum().backward()
        >>> [e.name for e in prof.events() if e.kind == "kernel"][:1]
        ['linear_forward']
    """

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None,
                 record_shapes=False, profile_memory=False, with_stack=False, with_flops=False,
                 with_modules=False, experimental_config=None, execution_trace_observer=None,
                 acc_events=False, use_cuda=None, custom_trace_id_callback=None):
        self.activities = set(activities) if activities else {ProfilerActivity.CPU}
        self.schedule = schedule
        self.on_trace_ready = on_trace_ready
        self.step_num = 0
        self._raw = []
        self._events = None
        self._recording = False
        self._running = False

    # ---------------------------------------------------------------- running
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        if self._running:
            raise RuntimeError("this profile is already running")
        self._running = True
        self.step_num = 0
        self._raw = []
        self._events = None
        if self._action() in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE):
            self._start_recording()

    def stop(self):
        if not self._running:
            return
        was_recording = self._recording
        self._stop_recording()
        self._running = False
        if was_recording and self.schedule is not None and self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def step(self):
        """End of a training step: with a schedule, start or stop recording as it says."""
        if not self._running:
            return
        previous = self._action()
        self.step_num += 1
        current = self._action()
        if previous == ProfilerAction.RECORD_AND_SAVE:
            self._stop_recording()
            if self.on_trace_ready is not None:
                self.on_trace_ready(self)
        if current in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE):
            if not self._recording:
                self._raw = []  # a new active cycle: its own trace
                self._events = None
                self._start_recording()
        elif self._recording:
            self._stop_recording()

    def _action(self):
        return ProfilerAction.RECORD if self.schedule is None else self.schedule(self.step_num)

    def _start_recording(self):
        self._recording = True
        _hooks.add_listener(self)

    def _stop_recording(self):
        if self._recording:
            self._recording = False
            _hooks.remove_listener(self)

    def on_event(self, event):
        self._raw.append(event)

    # ---------------------------------------------------------------- results
    def events(self):
        """Every recorded call, in the order they started (an ``EventList``)."""
        if self._events is None:
            raw = sorted(self._raw, key=lambda e: e.start_ns)
            origin = raw[0].start_ns if raw else 0
            events = [FunctionEvent(r, i, origin) for i, r in enumerate(raw)]
            by_raw = {id(r): e for r, e in zip(raw, events)}
            for r, e in zip(raw, events):
                parent = by_raw.get(id(r.parent)) if r.parent is not None else None
                if parent is not None:
                    e.cpu_parent = parent
                    parent.cpu_children.append(e)
            self._events = EventList(events)
        return self._events

    def key_averages(self, group_by_input_shape=False):
        """The events summed by name (and by input shapes with ``group_by_input_shape``; kernels
        also by dtype, variant and thread count)."""
        return self.events().key_averages(group_by_input_shape)

    def export_chrome_trace(self, path):
        """Write the trace in Chrome's format (chrome://tracing, Perfetto)."""
        self.events().export_chrome_trace(path)

    def table(self, *args, **kwargs):
        return self.key_averages().table(*args, **kwargs)


class record_function:
    """Time a block under a name of yours, as ``torch.profiler.record_function``: a context manager
    (``with record_function("forward"):``) or a decorator (``@record_function("step")``). Blocks
    nest; an op or kernel inside counts towards the block's total, not its self time. Costs one
    check when no profile records.

    Example::

        >>> with profile() as prof:
        ...     with record_function("outer"):
        ...         with record_function("inner"):
        ...             pass
        >>> [(e.name, e.cpu_parent.name if e.cpu_parent else None) for e in prof.events()]
        [('outer', None), ('inner', 'outer')]
    """

    def __init__(self, name, args=None):
        self.name = name
        self.args = args
        self._span = None

    def __enter__(self):
        if _hooks.installed():
            self._span = _hooks.span(self.name)
            self._span.__enter__()
        return self

    def __exit__(self, *exc):
        if self._span is not None:
            self._span.__exit__(*exc)
            self._span = None
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)

        return wrapper


# MINIGRAD_DEBUG=2: print every kernel as it runs (=3: ops and backward nodes too)
_DEBUG = _hooks.debug_level(os.environ.get("MINIGRAD_DEBUG"))
if _DEBUG >= 2:
    _hooks.add_listener(_hooks.DebugPrinter(_DEBUG))
