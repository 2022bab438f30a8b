"""The dropout lab: experiments that reproduce published claims about dropout on the bundled digits.

Each experiment is a module with the same parts, so that ``examples/dropout_study.py`` runs any of
them and ``docs/regenerate.py`` documents all of them:

* ``NAME``, ``SUMMARY``; ``REQUIRES``: the ``minigrad.nn`` layers it needs (an experiment whose
  layers this minigrad lacks is listed as unavailable rather than run);
* ``config(quick, epochs, seeds)``: every parameter, as a dict (``quick``: a small, fast form);
* ``jobs(config)``: the networks to train (``jobs.py``: specs, trained in parallel, shared);
* ``analyse(config, runner)``: the measurements, as a dict of plain numbers and lists;
* ``findings(data)``: the papers' claims, each with whether this run reproduced it;
* ``markdown(data)``: the tables and findings (printed, and quoted in docs/dropout.md);
* ``plot(data, path)``: the figure.

``data`` is what ``run`` returns and the data files keep: ``{"experiment", "quick", "config",
"jobs", "results"}``. A new experiment (Dropout before or after BatchNorm, dropout in the
convolutional layers of a CNN: they need ``nn.BatchNorm1d`` and ``nn.Conv2d``) is a new module
added to ``MODULES``, with its own kinds of job registered in it (see ``nets.py``).
"""
import minigrad.nn as nn

from . import coadaptation, conventions, ensemble, mc_uncertainty, mc_vs_scaling, p_sweep, retention
from .jobs import Runner, documented

MODULES = (p_sweep, conventions, mc_uncertainty, retention, mc_vs_scaling, ensemble, coadaptation)
EXPERIMENTS = {m.NAME: m for m in MODULES}

__all__ = ["EXPERIMENTS", "Runner", "available", "missing", "run"]


def missing(module):
    """The layers ``module`` needs that ``minigrad.nn`` does not have (empty: it can run)."""
    return [name for name in module.REQUIRES if not hasattr(nn, name)]


def available():
    """The experiments this minigrad can run, by name."""
    return {name: m for name, m in EXPERIMENTS.items() if not missing(m)}


def run(module, runner, quick=False, epochs=None, seeds=None):
    """Run one experiment: its config, the records of its jobs, its results."""
    cfg = module.config(quick=quick, epochs=epochs, seeds=seeds)
    records = runner.train(module.jobs(cfg))
    results = module.analyse(cfg, runner)
    return dict(experiment=module.NAME, quick=quick, config=cfg, jobs=[documented(r) for r in records],
                results=results)
