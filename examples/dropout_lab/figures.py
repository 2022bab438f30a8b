"""What every experiment's output shares: tables, statistics, figures, and the fingerprint that ties
a committed figure to the data it was drawn from.

Figures follow three rules: error rates are drawn on axes that start at 0 (so a difference
looks as large as it is, next to the error bars); every seed's value is drawn, with the mean
and the standard deviation over seeds; markers that may coincide get shapes that stay visible on
top of each other (a hollow ring around a dot).
"""
import hashlib
import inspect
import json
import math
import struct
import zlib

import numpy as np

FINGERPRINT_KEY = "minigrad-figure-data-sha256"


# -------------------------------------------------------------------------------------------------
# statistics and text
# -------------------------------------------------------------------------------------------------
def mean_std(values):
    """(mean, standard deviation with n-1) of a list; the deviation is 0 for one value."""
    values = np.asarray(values, dtype=np.float64)
    return float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0


def pct(x, digits=1):
    """0.0234 -> '2.3%'."""
    return f"{100 * x:.{digits}f}%"


def pm(mean, std, digits=3):
    """'0.977 ± 0.004'."""
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


def seed_range(seeds):
    """'seed 0' or 'seeds 0-2'."""
    return f"seed {seeds[0]}" if len(seeds) == 1 else f"seeds {seeds[0]}-{seeds[-1]}"


def markdown_table(headers, rows):
    """A Markdown table (readable as text, too)."""
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def block(table, note, findings):
    """A generated block of docs/dropout.md: the table, the note under it, the checked claims."""
    return "\n\n".join([table, note, findings_markdown(findings)])


def findings_markdown(findings):
    """The list of a paper's claims and whether this run reproduced each, with the evidence."""
    return "\n".join(f"* **{'Reproduced' if f['holds'] else 'Not reproduced'}**: {f['claim']} "
                     f"Here: {f['evidence']}." for f in findings)


def finding(claim, holds, evidence):
    """One checked claim: ``claim`` (a sentence, the paper's), ``holds`` (bool), ``evidence``."""
    return dict(claim=claim, holds=bool(holds), evidence=evidence)


# -------------------------------------------------------------------------------------------------
# figures
# -------------------------------------------------------------------------------------------------
def pyplot():
    """matplotlib.pyplot, drawing to files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def error_axis(ax, label="test error", top=None):
    """An axis of error rates in percent, from 0."""
    from matplotlib.ticker import PercentFormatter

    ax.set_ylim(0, top)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
    ax.set_ylabel(label)
    ax.grid(alpha=0.3)


def seeds_and_mean(ax, xs, per_seed, color, label, marker="o", ls="-"):
    """Every seed's value as a faint dot, the mean ± std over seeds as a line with error bars."""
    for x, values in zip(xs, per_seed):
        ax.plot([x] * len(values), values, marker, color=color, alpha=0.35, ms=3, ls="none")
    stats = [mean_std(v) for v in per_seed]
    ax.errorbar(xs, [m for m, _ in stats], yerr=[s for _, s in stats], marker=marker, color=color,
                ls=ls, capsize=3, label=label)


def canonical_json(data):
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def fingerprint(data, draw):
    """SHA-256 of the data a figure is drawn from and of the function that draws it: the figure
    is up to date if its stored fingerprint equals this (independent of matplotlib's version,
    which changes the PNG's bytes)."""
    h = hashlib.sha256(canonical_json(data).encode())
    h.update(inspect.getsource(draw).encode())
    return h.hexdigest()


def save(fig, path, data, draw):
    """Write ``fig`` as a PNG at ``path``, with the fingerprint of (data, draw) inside it."""
    plt = pyplot()
    fig.savefig(path, dpi=100, metadata={FINGERPRINT_KEY: fingerprint(data, draw)})
    plt.close(fig)


def png_text(path):
    """The tEXt chunks of a PNG file, as a dict (no image library needed)."""
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file")
    out, pos = {}, 8
    while pos < len(blob):
        length, kind = struct.unpack(">I4s", blob[pos:pos + 8])
        body = blob[pos + 8:pos + 8 + length]
        if kind == b"tEXt":
            k, _, v = body.partition(b"\0")
            out[k.decode("latin-1")] = v.decode("latin-1")
        pos += 12 + length
    return out


def add_png_text(path, key, value):
    """Insert a tEXt chunk into a PNG written by someone else (before its IEND chunk)."""
    with open(path, "rb") as f:
        blob = f.read()
    body = key.encode("latin-1") + b"\0" + value.encode("latin-1")
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    end = blob.rindex(b"IEND") - 4
    with open(path, "wb") as f:
        f.write(blob[:end] + chunk + blob[end:])


def log_ticks(ks):
    """Tick positions for a log axis of counts: the ones in ``ks`` among 1, 2, 5, 10, 20, 50 ..."""
    nice = [m * 10 ** e for e in range(int(math.log10(max(ks))) + 1) for m in (1, 2, 5)]
    return [k for k in nice if k in ks]
