"""What a profile holds and shows: ``FunctionEvent`` (one call), ``FunctionEventAvg`` (the calls
of one name, summed) and ``EventList`` (a list of either, with ``table()``), in the form of
PyTorch's ``torch.autograd.profiler_util``. Times are in microseconds, as PyTorch's."""
import json

__all__ = ["FunctionEvent", "FunctionEventAvg", "EventList"]


class FunctionEvent:
    """One recorded call: an op (``kind`` "op"), a graph node's backward ("backward"), a kernel
    ("kernel": with ``dtype``, ``variant`` and ``threads``) or a ``record_function`` block
    ("user"). ``cpu_time_total``: its wall time; ``self_cpu_time_total``: minus the time of the
    events nested inside it (on its thread)."""

    def __init__(self, raw, id, origin_ns):
        self.id = id
        self.name = self.key = raw.name
        self.kind = raw.kind
        self.input_shapes = raw.input_shapes
        self.dtype, self.variant, self.threads = raw.dtype, raw.variant, raw.threads
        self.thread = raw.thread
        self.depth = raw.depth
        self.time_range = ((raw.start_ns - origin_ns) / 1e3, (raw.end_ns - origin_ns) / 1e3)
        self.cpu_time_total = (raw.end_ns - raw.start_ns) / 1e3
        self.self_cpu_time_total = (raw.end_ns - raw.start_ns - raw.children_ns) / 1e3
        self.count = 1
        self.cpu_parent = None
        self.cpu_children = []

    @property
    def cpu_time(self):
        return self.cpu_time_total

    def __repr__(self):
        return (f"<FunctionEvent id={self.id} name={self.name} kind={self.kind} "
                f"cpu_time={self.cpu_time_total:.3f}us self={self.self_cpu_time_total:.3f}us "
                f"input_shapes={self.input_shapes}>")


class FunctionEventAvg:
    """The events of one key (a name; with ``group_by_input_shape``, a name and input shapes;
    for kernels, also dtype, variant and thread count), their times summed."""

    def __init__(self, key, first):
        self.key = self.name = key
        self.kind = first.kind
        self.input_shapes = first.input_shapes
        self.dtype, self.variant, self.threads = first.dtype, first.variant, first.threads
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0

    def add(self, event):
        self.count += event.count
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        return self

    @property
    def cpu_time(self):
        return self.cpu_time_total / self.count if self.count else 0.0

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} count={self.count} "
                f"cpu_time_total={self.cpu_time_total:.3f}us "
                f"self_cpu_time_total={self.self_cpu_time_total:.3f}us>")


_SORT_KEYS = ("cpu_time", "cpu_time_total", "self_cpu_time_total", "count")


def _fmt_us(us):
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


class EventList(list):
    """A list of events with PyTorch's ``key_averages()``, ``table()``, ``total_average()`` and
    ``export_chrome_trace()``. ``show_input_shapes``: whether ``table()`` has an Input Shapes
    column (events: yes; averages: when grouped by input shape, as in PyTorch)."""

    def __init__(self, events=(), show_input_shapes=True):
        super().__init__(events)
        self.show_input_shapes = show_input_shapes

    def key_averages(self, group_by_input_shape=False):
        groups = {}
        for e in self:
            key = (e.name,)
            if group_by_input_shape:
                key += (str(e.input_shapes),)
            if e.kind == "kernel":
                key += (e.dtype, e.variant, e.threads)
            if key not in groups:
                groups[key] = FunctionEventAvg(e.name, e)
            groups[key].add(e)
        return EventList(groups.values(), show_input_shapes=group_by_input_shape)

    def total_average(self):
        total = None
        for e in self:
            total = total or FunctionEventAvg("Total", e)
            total.add(e)
        return total

    def table(self, sort_by=None, row_limit=100, max_name_column_width=55, header=None,
              top_level_events_only=False):
        """The events as a text table, PyTorch's columns (Self CPU %, Self CPU, CPU total %,
        CPU total, CPU time avg, # of Calls; Input Shapes when they were grouped by) and
        minigrad's (for kernels: Dtype, Variant, Threads). ``sort_by``: ``"cpu_time"``,
        ``"cpu_time_total"``, ``"self_cpu_time_total"`` or ``"count"`` (largest first)."""
        rows = list(self)
        if top_level_events_only:
            rows = [e for e in rows if getattr(e, "depth", 0) == 0]
        if sort_by is not None:
            if sort_by not in _SORT_KEYS:
                raise ValueError(f"sort_by must be one of {', '.join(_SORT_KEYS)} (got {sort_by!r})")
            rows.sort(key=lambda e: getattr(e, sort_by), reverse=True)
        if row_limit is not None and row_limit > 0:
            rows = rows[:row_limit]
        self_total = sum(e.self_cpu_time_total for e in self) or 1.0
        show_shapes = self.show_input_shapes
        columns = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
                   "# of Calls", "Dtype", "Variant", "Threads"]
        if show_shapes:
            columns.append("Input Shapes")
        body = []
        for e in rows:
            name = e.name if len(e.name) <= max_name_column_width else e.name[:max_name_column_width - 3] + "..."
            cells = [name, f"{100 * e.self_cpu_time_total / self_total:.2f}%",
                     _fmt_us(e.self_cpu_time_total), f"{100 * e.cpu_time_total / self_total:.2f}%",
                     _fmt_us(e.cpu_time_total), _fmt_us(e.cpu_time), str(e.count),
                     e.dtype or "", e.variant or "", "" if e.threads is None else str(e.threads)]
            if show_shapes:
                cells.append(str(e.input_shapes))
            body.append(cells)
        widths = [max([len(c)] + [len(r[i]) for r in body]) for i, c in enumerate(columns)]
        line = "-" * (sum(widths) + 2 * (len(widths) - 1))

        def fmt(cells):
            return "  ".join(c.ljust(w) if i == 0 or i == len(cells) - 1 and show_shapes else c.rjust(w)
                             for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

        out = ([header] if header else []) + [line, fmt(columns), line] + [fmt(r) for r in body]
        out += [line, f"Self CPU time total: {_fmt_us(sum(e.self_cpu_time_total for e in self))}"]
        return "\n".join(out) + "\n"

    def __str__(self):
        return self.table()

    def export_chrome_trace(self, path):
        """Write the events as a Chrome trace (open it in chrome://tracing or Perfetto)."""
        trace = []
        for e in self:
            args = {"kind": e.kind, "Input Dims": e.input_shapes}
            if e.kind == "kernel":
                args.update(dtype=e.dtype, variant=e.variant, threads=e.threads)
            trace.append({"name": e.name, "ph": "X", "ts": e.time_range[0],
                          "dur": e.time_range[1] - e.time_range[0], "pid": 0, "tid": e.thread,
                          "cat": e.kind, "args": args})
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"traceEvents": trace, "displayTimeUnit": "ms"}, f)
