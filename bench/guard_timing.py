"""Loading time with the identifier guard, wide and long form, against pyarrow.csv.read_csv (issue 15).

Not part of the test suite. From the repository root::

    .venv/bin/python bench/guard_timing.py                 # 1,000 and 100,000 patients, best of 5
    .venv/bin/python bench/guard_timing.py --sizes 1000 --repeat 3
    .venv/bin/python bench/guard_timing.py --before /tmp/old-checkout   # also time another checkout

The wide-form cohorts are those of ``bench/run_benchmark.py`` (``bench/cohorts/r<N>``, generated if
missing); the long form (``r<N>-long``: patient_id, day, measure, value; empty scores left out) is
written from them. Each measurement runs in a fresh process, the steps interleaved (ours, then the
reference), best wall time of ``--repeat`` kept; the guard's own time is the main thread's CPU time
in ``IdentifierGuard.check`` and ``IdentifierGuard.finish`` (``analysis/io/identifiers/guard.py``;
``_Loader.guard`` and ``_Loader.finish_guard`` in a checkout from before issue 12), codes the later
checks reuse included.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run_benchmark():
    """bench/run_benchmark.py, the sibling script that writes the cohorts (bench/ is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_benchmark", ROOT / "bench" / "run_benchmark.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def child(kind: str, path: str) -> dict:
    if kind == "reference":
        import pyarrow.csv as pacsv
        t0 = time.perf_counter()
        for name in ("assessments", "treatments", "patients"):
            pacsv.read_csv(os.path.join(path, name + ".csv"))
        return {"wall": time.perf_counter() - t0}
    from analysis import load_dataset
    try:  # the loader split by responsibility (issue 12)
        from analysis.io.identifiers.guard import IdentifierGuard as owner
        steps = ("check", "finish")
    except ImportError:  # a checkout from before (--before)
        from analysis.load import _Loader as owner
        steps = ("guard", "finish_guard")
    spent = [0.0]
    for name in steps:
        real = getattr(owner, name, None)
        if real is None:
            continue

        def timed(self, *a, real=real):
            t0 = time.thread_time()
            try:
                return real(self, *a)
            finally:
                spent[0] += time.thread_time() - t0
        setattr(owner, name, timed)
    t0 = time.perf_counter()
    load_dataset(path)
    return {"wall": time.perf_counter() - t0, "guard": spent[0]}


def long_form(wide: Path) -> Path:
    import shutil

    import pandas as pd
    out = wide.with_name(wide.name + "-long")
    if (out / ".complete").exists():
        return out
    out.mkdir(exist_ok=True)
    a = pd.read_csv(wide / "assessments.csv", dtype=str, keep_default_na=False)
    m = a.melt(id_vars=["patient_id", "day"], var_name="measure", value_name="value")
    m[m["value"] != ""].to_csv(out / "assessments.csv", index=False)
    for f in ("treatments.csv", "patients.csv"):
        shutil.copy(wide / f, out / f)
    (out / ".complete").write_text("long form of " + wide.name)
    return out


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,100000")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--before", help="another checkout (its root folder) to time the same way")
    args = ap.parse_args()
    ensure_cohort = _run_benchmark().ensure_cohort
    codes = {"after": str(ROOT)} | ({"before": args.before} if args.before else {})
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    for n in (int(s) for s in args.sizes.split(",")):
        wide = ensure_cohort(n, "csv")
        for form, path in (("wide", wide), ("long", long_form(wide))):
            best: dict = {}
            for _ in range(args.repeat):
                for label, code in list(codes.items()) + [("read_csv", str(ROOT))]:
                    kind = "reference" if label == "read_csv" else "load"
                    out = json.loads(subprocess.run(
                        [sys.executable, __file__, "--child", kind, str(path)], capture_output=True, text=True,
                        check=True, env=dict(os.environ, PYTHONPATH=code), cwd=code).stdout)
                    if label not in best or out["wall"] < best[label]["wall"]:
                        best[label] = out
            ref = best["read_csv"]["wall"]
            parts = [f"{label} {b['wall']:.3f} s ({b['wall'] / ref:.2f}x, guard {b['guard'] * 1000:.1f} ms)"
                     for label, b in best.items() if label != "read_csv"]
            print(f"{n:,} patients, {form} form: read_csv {ref:.3f} s | " + " | ".join(parts), flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
