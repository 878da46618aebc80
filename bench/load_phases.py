"""Where a load's time goes: wall time of each step of the loader (``analysis/io/validate.py``, issue 12).

Not part of the test suite. From the repository root::

    .venv/bin/python bench/load_phases.py bench/cohorts/r100000-longr     # long form, 100,000 patients
    .venv/bin/python bench/load_phases.py bench/cohorts/r100000 --repeat 3

Wraps the loader's steps (reading each file, the patients, treatments and assessment checks,
duplicates and sorting, building the tables) with a wall-clock timer, in this process, and prints
each step's time of the fastest load (steps nest: ``run`` is the whole load; a step's time includes
the steps it calls). The wrapped methods are restored afterwards.
"""
from __future__ import annotations

import argparse
import time

STEPS = ("run", "read_table", "guard.check", "guard.finish", "patients", "treatments_rows", "assessment_rows",
         "check_ids_and_time", "check_listed", "exclude_exact_duplicates", "finish_assessments",
         "exclude_conflicts", "report", "treatments_frame", "patients_frame")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from analysis import load_dataset
    from analysis.io.identifiers.guard import IdentifierGuard
    from analysis.io.validate import _Loader

    spent: dict[str, float] = {}
    owners = {"guard": IdentifierGuard}
    originals = {}
    for step in STEPS:
        owner, _, name = step.rpartition(".")
        cls = owners.get(owner, _Loader)
        if name in cls.__dict__:
            originals[step] = (cls, name, cls.__dict__[name])

    def wrap(name, real):
        def timed(*a, **k):
            t0 = time.perf_counter()
            try:
                return real(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0
        return timed

    for step, (cls, name, raw) in originals.items():
        if isinstance(raw, staticmethod):
            setattr(cls, name, staticmethod(wrap(step, raw.__func__)))
        else:
            setattr(cls, name, wrap(step, raw))
    best = None
    try:
        for _ in range(args.repeat):
            spent.clear()
            t0 = time.perf_counter()
            load_dataset(args.path)
            wall = time.perf_counter() - t0
            if best is None or wall < best[0]:
                best = (wall, dict(spent))
    finally:
        for cls, name, raw in originals.values():
            setattr(cls, name, raw)
    wall, steps = best
    print(f"{args.path}: load_dataset {wall:.3f} s (best of {args.repeat})")
    for name in STEPS:
        if name in steps:
            print(f"  {name:<26} {steps[name]:7.3f} s")


if __name__ == "__main__":
    main()
