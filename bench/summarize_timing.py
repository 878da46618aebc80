"""Timing of ``python -m analysis summarize`` at registry scale, with and without the models (issue 12).

Run from the repository root (not part of the test suite)::

    .venv/bin/python bench/summarize_timing.py                          # 1,000 / 10,000 / 100,000 patients
    .venv/bin/python bench/summarize_timing.py --sizes 100000 --repeat 5 --out /tmp/summarize.md

Cohorts: those of ``bench/run_benchmark.py`` (``bench/cohorts/r<N>``, SYNTHETIC, written by the demo
generator with ``--shape registry`` when missing). Per size, the default ``summarize`` (with the
treatment-comparison models of issue 16) and ``summarize --no-models`` run alternately, ``--repeat``
times each, every run in a fresh process, so both see the same state of the machine:

* **process**: the whole ``python -m analysis summarize PATH --json`` process (interpreter start,
  imports, loading, analysis, output), wall time from spawn to exit, its CPU time (user + system:
  less sensitive than wall time to other processes on the machine) and its peak memory
  (``ru_maxrss`` of that child);
* **phases**: one more process per run that does the same steps in-process and times each: imports,
  ``load_dataset``, ``build_episodes``, ``summarize(..., models=False)`` (the descriptive statistics
  and the log-rank test), the models (``comparisons.models_summary`` as ``summarize`` calls it:
  responder comparison, hazard model, estimands with the competing risks) and the JSON output.

The table shows the range (min-max) over the repeats; the target of issue 12 is the whole process at
100,000 patients in at most 5 s and 2 GiB. The load average of the machine is printed at the start
and the end: on a shared machine single runs vary by 2x or more.
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import sys
import time
from pathlib import Path

from run_benchmark import (PY, ROOT, TARGET_SIZE, TARGET_SUMMARY_PEAK_MIB, TARGET_SUMMARY_WALL_S, ensure_cohort,
                           run_child_rusage)

PHASES = ("imports", "load", "episodes", "descriptive", "responders", "hazard", "estimands", "json")


# --------------------------------------------------------------------------------------------
# Child side: the steps of summarize, each timed, as one JSON line on stdout
# --------------------------------------------------------------------------------------------
def child_phases(path: str, models: str) -> dict:
    t0 = time.perf_counter()
    from analysis import comparisons, load_dataset
    from analysis.definitions import Definitions
    from analysis.episodes import build_episodes
    from analysis.summary import summarize
    out = {"imports": time.perf_counter() - t0}

    def timed(name, fn, *args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        out[name] = out.get(name, 0.0) + time.perf_counter() - start
        return result

    ds = timed("load", load_dataset, path)
    episodes = timed("episodes", build_episodes, ds, Definitions())
    summary = timed("descriptive", summarize, episodes, models=False)
    doc = None
    if models == "models":
        # the parts of models_summary, timed where models_summary calls them (the private helpers, or
        # a checkout from before them, the public functions)
        for name, attrs in (("responders", ["responder_comparison"]),
                            ("hazard", ["_relief_hazard_model", "relief_hazard_model"]),
                            ("estimands", ["_estimand_comparison", "estimand_comparison"])):
            attr = next(a for a in attrs if hasattr(comparisons, a))
            original = getattr(comparisons, attr)
            setattr(comparisons, attr, lambda *a, _f=original, _n=name, **k: timed(_n, _f, *a, **k))
        handed_over = "duration" in inspect.signature(comparisons.models_summary).parameters
        doc = comparisons.models_summary(episodes, [], None,
                                         **({"duration": summary.duration} if handed_over else {}))
    start = time.perf_counter()
    text = json.dumps({**summary.to_dict(), "models": doc}, indent=2)
    out["json"] = time.perf_counter() - start
    out["chars"] = len(text)
    return out


# --------------------------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------------------------
def _range(values, fmt="{:.2f}") -> str:
    lo, hi = min(values), max(values)
    return fmt.format(lo) if fmt.format(lo) == fmt.format(hi) else f"{fmt.format(lo)}-{fmt.format(hi)}"


def _load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def run(sizes, repeat: int) -> list[str]:
    lines = [f"summarize timing, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {platform.node()}, "
             f"{os.cpu_count()} CPUs; load average at start {_load_average()}", "",
             "| patients | models | process wall s | process CPU s | peak MiB | " + " | ".join(PHASES) + " | met? |",
             "|---|---|---|---|---|" + "---|" * len(PHASES) + "---|"]
    for n in sizes:
        path = ensure_cohort(n, "csv")
        runs = {"models": [], "no-models": []}
        for _ in range(repeat):
            for mode in runs:
                argv = [PY, "-m", "analysis", "summarize", str(path), "--json"]
                proc = run_child_rusage(argv + (["--no-models"] if mode == "no-models" else []), capture_json=False)
                phases = run_child_rusage([PY, str(Path(__file__).resolve()), "--child", "phases", str(path), mode])
                runs[mode].append({**phases, "proc_wall": proc["proc_wall"], "proc_cpu": proc["proc_cpu"],
                                   "peak_mib": proc["peak_mib"]})
                print(f"  {n:,} {mode}: {proc['proc_wall']:.2f} s, {proc['peak_mib']:.0f} MiB", file=sys.stderr,
                      flush=True)
        for mode, rs in runs.items():
            wall = [r["proc_wall"] for r in rs]
            peak = [r["peak_mib"] for r in rs]
            cells = [_range([r.get(p, 0.0) for r in rs]) if any(p in r for r in rs) else "-" for p in PHASES]
            met = "-"
            if n == TARGET_SIZE and mode == "models":
                ok = min(wall) <= TARGET_SUMMARY_WALL_S and max(peak) <= TARGET_SUMMARY_PEAK_MIB
                met = ("yes" if ok else "no") + (" (every run)" if ok and max(wall) <= TARGET_SUMMARY_WALL_S else "")
            cpu = [r["proc_cpu"] for r in rs]
            lines.append(f"| {n:,} | {'yes' if mode == 'models' else 'no'} | {_range(wall)} | {_range(cpu)} | "
                         f"{_range(peak, '{:.0f}')} | " + " | ".join(cells) + f" | {met} |")
    lines += ["", f"load average at end {_load_average()}; {repeat} runs each, min-max; phases in seconds, "
              "timed in a separate process (imports = the analysis package, after the interpreter started)"]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="patients per cohort, comma-separated")
    ap.add_argument("--repeat", type=int, default=3, help="runs per size and mode (default 3)")
    ap.add_argument("--out", help="also write the table (Markdown) to this file")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        print(json.dumps({"phases": child_phases}[kind](*rest)))
        return 0
    lines = run([int(s) for s in args.sizes.split(",")], args.repeat)
    text = "\n".join(lines)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
