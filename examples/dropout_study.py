"""The dropout lab: published claims about dropout, measured on the bundled handwritten digits.

    python examples/dropout_study.py p-sweep                 # one experiment (a minute or so)
    python examples/dropout_study.py p-sweep --quick         # its fast, rough form (seconds)
    python examples/dropout_study.py retention --json r.json --plot r.png
    python examples/dropout_study.py all --quick             # every experiment
    python examples/dropout_study.py list                    # the experiments, one line each

The experiments (each prints its tables and which of the papers' claims it reproduced):

  p-sweep         accuracy against the dropout probability p, train_mlp's network (seed articles)
  conventions     classic against inverted dropout, and what mixing the two costs (seed articles)
  mc-uncertainty  Monte Carlo dropout's uncertainty (Gal and Ghahramani, 2016), against a real
                  ensemble of independently trained networks
  retention       test error against the retention probability, with the width fixed and with
                  p*n fixed (Srivastava et al., 2014, Fig. 9)
  mc-vs-scaling   Monte Carlo averaging of k sub-networks against weight scaling, as k grows
                  (Srivastava et al., 2014, Fig. 11)
  ensemble        every one of the 2^k sub-networks of a small network: the exact ensemble
                  (arithmetic and normalised geometric mean) against weight scaling and MC dropout
                  (Hinton et al., 2012; Baldi and Sadowski, 2013; Warde-Farley et al., 2013)
  coadaptation    mean activation and sparsity of the hidden units with and without dropout
                  (Srivastava et al., 2014, Fig. 8)

Networks are trained in parallel worker processes (--workers, default: one per core), one kernel
thread each; the results are the same for any number of workers or threads. The code is in
examples/dropout_lab/ (one module per experiment); docs/dropout.md explains each experiment and
quotes its numbers, which docs/regenerate.py keeps up to date.
"""
import argparse
import json
import os
import sys
import time

import arguments  # examples/arguments.py: the option checks the examples share
import dropout_lab

EPILOG = "Run 'dropout_study.py NAME --help' for one experiment's options."


def add_common(p, several):
    p.add_argument("--quick", action="store_true", help="the fast, rough form (fewer seeds and epochs)")
    p.add_argument("--epochs", type=arguments.positive_int, default=None,
                   help="epochs per network (default: the experiment's)")
    p.add_argument("--seeds", type=arguments.positive_int, default=None,
                   help="seeds to average over (default: the experiment's; mc-uncertainty: the ensemble's "
                        "members; conventions, which trains one network per rule, ignores it)")
    p.add_argument("--workers", type=arguments.worker_count, default=None,
                   help="worker processes training networks (default: one per core; 1: in this process; "
                        f"at most {arguments.MAX_WORKERS})")
    p.add_argument("--json", metavar="PATH", type=arguments.output_file,
                   help="write the configuration, the jobs and the results as JSON")
    if several:
        p.add_argument("--plot-dir", metavar="DIR", type=arguments.output_dir,
                       help="save each experiment's figure as DIR/dropout_NAME.png (DIR is created if needed)")
    else:
        p.add_argument("--plot", metavar="PATH", type=arguments.png_path,
                       help="save the figure as a PNG (needs matplotlib; .png is added to a name without a suffix)")


def parse_args(argv=None):
    """The command line: a subcommand (an experiment, ``all`` or ``list``) and its options."""
    parser = argparse.ArgumentParser(description=__doc__, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="NAME")
    for name, module in dropout_lab.EXPERIMENTS.items():
        need = dropout_lab.missing(module)
        note = f" (needs nn.{', nn.'.join(need)}, not in this minigrad)" if need else ""
        p = sub.add_parser(name, help=module.SUMMARY + note, description=module.__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        add_common(p, several=False)
    add_common(sub.add_parser("all", help="every available experiment, one after the other"), several=True)
    sub.add_parser("list", help="list the experiments")
    return parser.parse_args(argv)


def needs_matplotlib(opts):
    return getattr(opts, "plot", None) or getattr(opts, "plot_dir", None)


def main(argv=None):
    """Run the subcommand; returns the exit code."""
    opts = parse_args(argv)
    if opts.command == "list":
        for name, module in dropout_lab.EXPERIMENTS.items():
            need = dropout_lab.missing(module)
            print(f"{name:16}{module.SUMMARY}" + (f" [needs nn.{', nn.'.join(need)}]" if need else ""))
        return 0
    if opts.command != "all" and dropout_lab.missing(dropout_lab.EXPERIMENTS[opts.command]):
        need = dropout_lab.missing(dropout_lab.EXPERIMENTS[opts.command])
        print(f"error: {opts.command} needs nn.{', nn.'.join(need)}, which this minigrad does not have yet",
              file=sys.stderr)
        return 2
    if needs_matplotlib(opts):
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("error: --plot needs matplotlib, which is not installed (pip install matplotlib)",
                  file=sys.stderr)
            return 2
    if getattr(opts, "plot_dir", None):
        os.makedirs(opts.plot_dir, exist_ok=True)
    names = list(dropout_lab.available()) if opts.command == "all" else [opts.command]
    runner = dropout_lab.Runner(opts.workers, log=lambda line: print(line, file=sys.stderr, flush=True))
    everything = {}
    for name in names:
        module = dropout_lab.EXPERIMENTS[name]
        start = time.perf_counter()
        print(f"{name}: training ...", file=sys.stderr, flush=True)
        data = dropout_lab.run(module, runner, quick=opts.quick, epochs=opts.epochs, seeds=opts.seeds)
        form = "quick form" if opts.quick else "full form"
        print(f"== {name}: {module.SUMMARY} ({form}) ==\n")
        for block in module.markdown(data).values():
            print(block + "\n")
        print(f"({time.perf_counter() - start:.0f} s)\n", flush=True)
        everything[name] = data
        path = opts.plot if opts.command != "all" else (
            os.path.join(opts.plot_dir, f"dropout_{name.replace('-', '_')}.png") if opts.plot_dir else None)
        if path:
            module.plot(data, path)
            print(f"plot written to {path}\n")
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(everything if opts.command == "all" else everything[names[0]], f, indent=1)
        print(f"results written to {opts.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
