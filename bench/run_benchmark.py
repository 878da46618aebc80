"""Registry-scale benchmark (issue 6): loading, the full summary and Kaplan-Meier at 1k-100k patients.

Run from the repository root (``make bench`` does exactly this)::

    .venv/bin/python bench/run_benchmark.py                      # 1,000 / 10,000 / 100,000 patients
    .venv/bin/python bench/run_benchmark.py --quick              # 1,000 / 10,000 patients, 1 repeat
    .venv/bin/python bench/run_benchmark.py --sizes 1000,50000 --repeat 1 --out /tmp/bench.md

Cohorts are written by the demo generator (``data/generate_demo.py --shape registry --no-truth``:
about 30 assessment rows and 3 treatment courses per patient, as issue 6 asks) into
``bench/cohorts/r<N>/`` (CSV) and ``bench/cohorts/r<N>-parquet/`` and reused on later runs
(``--shape demo`` writes ``p<N>``, the demo model's ~21 rows and ~2.1 courses). SYNTHETIC data.
Every measurement runs in a fresh subprocess, so peak memory (``ru_maxrss`` of that child,
from ``os.wait4``) never mixes steps. Per size it measures:

* **load CSV** - ``load_dataset(folder)`` (parse + validate + canonical tables), timed inside the
  child after the imports; reference: ``pyarrow.csv.read_csv`` of the same three files, as a user
  calls it (the issue's reference), and beside it the stricter one, ``read_csv`` on the memory pool
  the loader itself uses (jemalloc): columns "loader's pool" (docs/performance.md, "Two references").
* **load Parquet** - the same with the ``.parquet`` files; reference: ``pyarrow.parquet.read_table``.
* **load CSV long form** - the same cohort with its scores in long form (``bench/cohorts/r<N>-longr``:
  one row per score, ``patient_id, day, measure, value``, empty scores left out, rows in random order,
  the treatments and patients files copied unchanged); reference: ``pyarrow.csv.read_csv`` of the
  same three files.
* **summarize process** - the whole ``python -m analysis summarize PATH`` process (interpreter start
  and imports included), wall time from spawn to exit; no reference. Beside it, **summarize() after
  loading**: the analysis part alone (``summarize(ds).to_text()`` timed in-process after the load).
* **Kaplan-Meier** - ``analysis.survival.kaplan_meier`` (log-log intervals + median with its
  interval) on 10 x patients random durations with ties and censoring (1,000,000 at 100,000
  patients); reference: ``lifelines.KaplanMeierFitter.fit`` + median + median interval.

Imports are never inside a timed step (except the whole-process row). Times are the best of
``--repeat`` runs (default 5; single runs on a VM vary up to 2x); a step and its reference run
interleaved (ours, reference, ours, ...) so both see the same machine; peak memory is the largest
seen. ``CPU s`` is user + system time of the child. Two checks run at the end: KM vs lifelines
(survival and interval bounds equal to 1e-8), and the fast path on the largest cohort restricted
to 1,000 patients vs the same 1,000 patients written to their own files and loaded separately
(the summary tables and the episode tables must agree exactly).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COHORTS = ROOT / "bench" / "cohorts"
GENERATOR = ROOT / "data" / "generate_demo.py"
PY = sys.executable
SEED = 2026
KM_PER_PATIENT = 10
CHECK_PATIENTS = 1000
TABLES = ("assessments", "treatments", "patients")

# Issue 6 targets.
TARGET_LOAD_RATIO = 3.0
TARGET_SUMMARY_WALL_S = 5.0
TARGET_SUMMARY_PEAK_MIB = 2048.0
TARGET_KM_RATIO = 1.0
TARGET_SIZE = 100_000
# Issue 12: at 1,000 patients loading is interactive, so its target is absolute (no ratio needed).
TARGET_SMALL_LOAD_S = 0.1
SMALL_SIZE = 1_000


def load_target(n: int, wall: float, ratio: float) -> tuple[str, bool]:
    """The loading target at ``n`` patients and whether it is met (issue 6; issue 12 at 1,000)."""
    if n <= SMALL_SIZE:
        return f"<= {TARGET_SMALL_LOAD_S:g} s", wall <= TARGET_SMALL_LOAD_S
    return f"ratio <= {TARGET_LOAD_RATIO:g}", ratio <= TARGET_LOAD_RATIO


# --------------------------------------------------------------------------------------------
# Child side: one measurement per process, result as one JSON line on stdout
# --------------------------------------------------------------------------------------------
def _timed(fn, *args):
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - w0, time.process_time() - c0


def _warm_imports() -> None:
    """Imports that pyarrow does lazily on the first Parquet read (kept out of every timed step)."""
    import pyarrow.dataset  # noqa: F401
    import pyarrow.parquet  # noqa: F401


def child_load(path: str) -> dict:
    from analysis import load_dataset
    _warm_imports()
    ds, wall, cpu = _timed(load_dataset, path)
    return {"wall": wall, "cpu": cpu, "rows_long": ds.n_scores, "patients": len(ds.patients)}


def child_pyarrow_csv(path: str) -> dict:
    import pyarrow.csv as pacsv

    def read():
        return {n: pacsv.read_csv(os.path.join(path, f"{n}.csv")) for n in TABLES}
    tabs, wall, cpu = _timed(read)
    return {"wall": wall, "cpu": cpu, "rows": {n: t.num_rows for n, t in tabs.items()}}


def child_pyarrow_csv_same_pool(path: str) -> dict:
    """``read_csv`` on the memory pool the loader uses (jemalloc, where pyarrow has it): the stricter
    reference. pyarrow's default pool (mimalloc) hands freed memory back at once, and on a VM that
    reports free pages to its host every new page is slow to come back; the loader switches pools for
    that reason (analysis/load.py), so the plain ``read_csv`` can be slower than it would be on a
    machine where memory is cheap (docs/performance.md, "Two references")."""
    import pyarrow as pa
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:
        pass
    return child_pyarrow_csv(path)


def child_pyarrow_parquet(path: str) -> dict:
    import pyarrow.parquet as pq
    _warm_imports()

    def read():
        return {n: pq.read_table(os.path.join(path, f"{n}.parquet")) for n in TABLES}
    tabs, wall, cpu = _timed(read)
    return {"wall": wall, "cpu": cpu, "rows": {n: t.num_rows for n, t in tabs.items()}}


def _km_data(n: int):
    import numpy as np
    rng = np.random.default_rng(SEED)
    # Days with one decimal (many ties: ~10,000 distinct times), about 30% censored.
    t = np.round(rng.exponential(60.0, n), 1) + 0.1
    e = (rng.random(n) < 0.7).astype(int)
    return t, e


def child_km(n: str) -> dict:
    from analysis.survival import kaplan_meier
    t, e = _km_data(int(n))

    def fit():
        r = kaplan_meier(t, e, conf_type="log-log", conf_level=0.95)
        return r, r.median
    (res, med), wall, cpu = _timed(fit)
    return {"wall": wall, "cpu": cpu, "median": [med.estimate, med.ci_low, med.ci_high]}


def child_lifelines(n: str) -> dict:
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times
    t, e = _km_data(int(n))

    def fit():
        kmf = KaplanMeierFitter(alpha=0.05).fit(t, e)
        return kmf, kmf.median_survival_time_, median_survival_times(kmf.confidence_interval_)
    (kmf, med, med_ci), wall, cpu = _timed(fit)
    return {"wall": wall, "cpu": cpu, "median": [float(med), *map(float, med_ci.to_numpy().ravel())]}


def child_check_km(n: str) -> dict:
    """KM vs lifelines: survival and log-log (exponential Greenwood) bounds at every time."""
    import numpy as np
    from lifelines import KaplanMeierFitter
    from analysis.survival import kaplan_meier
    t, e = _km_data(int(n))
    ours = kaplan_meier(t, e, conf_type="log-log").table.set_index("time")
    kmf = KaplanMeierFitter(alpha=0.05).fit(t, e)
    ref = kmf.survival_function_.iloc[:, 0]
    ci = kmf.confidence_interval_
    ref = ref.reindex(ours.index)
    lo = ci.iloc[:, 0].reindex(ours.index)
    hi = ci.iloc[:, 1].reindex(ours.index)
    d_s = float(np.nanmax(np.abs(ours["survival"].to_numpy() - ref.to_numpy())))
    fin = np.isfinite(ours["ci_low"].to_numpy())      # log-log is undefined where S = 1 or 0
    d_lo = float(np.max(np.abs(ours["ci_low"].to_numpy()[fin] - lo.to_numpy()[fin])))
    d_hi = float(np.max(np.abs(ours["ci_high"].to_numpy()[fin] - hi.to_numpy()[fin])))
    return {"max_abs_diff": max(d_s, d_lo, d_hi), "times": int(len(ours))}


def child_summarize(path: str) -> dict:
    """Fallback for the summarize process when the CLI has no ``summarize`` command yet."""
    from analysis import load_dataset
    from analysis.summary import summarize
    text = summarize(load_dataset(path)).to_text()
    return {"chars": len(text)}


def child_summarize_only(path: str) -> dict:
    """``summarize`` + its text in-process, after loading (the analysis part of the CLI process)."""
    from analysis import load_dataset
    from analysis.summary import summarize
    ds = load_dataset(path)
    text, wall, cpu = _timed(lambda: summarize(ds).to_text())
    return {"wall": wall, "cpu": cpu, "chars": len(text)}


def child_check_subset(big: str, small: str) -> dict:
    """Fast path on the big cohort restricted to the small cohort's patients == small cohort alone."""
    import numpy as np
    import pandas as pd
    from analysis import load_dataset
    from analysis.episodes import build_episodes
    from analysis.summary import summarize
    ds_big, ds_small = load_dataset(big), load_dataset(small)
    ids = ds_small.patients["patient_id"].tolist()
    ep_big, ep_small = build_episodes(ds_big), build_episodes(ds_small)
    s_big = summarize(ep_big, filters={"patient_id": ids}).table
    s_small = summarize(ep_small).table
    diff = (s_big[["estimate", "ci_low", "ci_high", "n"]].to_numpy(float)
            - s_small[["estimate", "ci_low", "ci_high", "n"]].to_numpy(float))
    max_diff = float(np.nanmax(np.abs(diff))) if diff.size else 0.0
    same_nan = bool((np.isnan(s_big[["estimate", "ci_low", "ci_high"]].to_numpy(float))
                     == np.isnan(s_small[["estimate", "ci_low", "ci_high"]].to_numpy(float))).all())
    drop = ["episode_id"]
    tb = ep_big.table[ep_big.table["patient_id"].isin(ids)].drop(columns=drop).reset_index(drop=True)
    ts = ep_small.table.drop(columns=drop).reset_index(drop=True)
    fb = ep_big.followup[ep_big.followup["patient_id"].isin(ids)].drop(columns=drop).reset_index(drop=True)
    fs = ep_small.followup.drop(columns=drop).reset_index(drop=True)
    try:
        pd.testing.assert_frame_equal(tb, ts, check_dtype=False, check_categorical=False)
        pd.testing.assert_frame_equal(fb, fs, check_dtype=False)
        episodes_equal = True
    except AssertionError:
        episodes_equal = False
    return {"summary_max_abs_diff": max_diff, "summary_rows": int(len(s_small)), "same_nan": same_nan,
            "episodes_equal": episodes_equal, "episodes": int(len(ts)), "followup_rows": int(len(fs))}


CHILDREN = {"load": child_load, "pyarrow_csv": child_pyarrow_csv, "pyarrow_csv_same_pool": child_pyarrow_csv_same_pool,
            "pyarrow_parquet": child_pyarrow_parquet,
            "km": child_km, "lifelines": child_lifelines, "check_km": child_check_km,
            "summarize": child_summarize, "summarize_only": child_summarize_only,
            "check_subset": child_check_subset}


# --------------------------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------------------------
def run_child_rusage(argv: list[str], capture_json: bool = True) -> dict:
    """Run one process; its JSON result plus ``proc_wall``, ``proc_cpu`` and ``peak_mib`` (ru_maxrss)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out_path = COHORTS / f".child-{os.getpid()}.out"
    err_path = COHORTS / f".child-{os.getpid()}.err"
    with open(out_path, "wb") as fo, open(err_path, "wb") as fe:
        w0 = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=fo, stderr=fe)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - w0
        proc.returncode = os.waitstatus_to_exitcode(status)
    out = out_path.read_text(errors="replace")
    err = err_path.read_text(errors="replace")
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed ({proc.returncode}):\n{err[-3000:]}")
    res = json.loads(out.strip().splitlines()[-1]) if capture_json else {}
    res.update(proc_wall=wall, proc_cpu=ru.ru_utime + ru.ru_stime, peak_mib=ru.ru_maxrss / 1024.0)
    return res


def measure(kind: str, *args, repeat: int = 1) -> dict:
    """Best-of-``repeat`` of a child measurement (min times, max peak memory)."""
    runs = [run_child_rusage([PY, str(Path(__file__).resolve()), "--child", kind, *map(str, args)])
            for _ in range(max(1, repeat))]
    best = min(runs, key=lambda r: r.get("wall", r["proc_wall"]))
    best = dict(best)
    best["peak_mib"] = max(r["peak_mib"] for r in runs)
    return best


def measure_pair(kinds: tuple[str, ...], *args, repeat: int = 1) -> tuple[dict, ...]:
    """:func:`measure` of several kinds (ours, then the references) with their runs interleaved
    (ours, reference, ours, ...): this VM's speed drifts over minutes, and runs side by side see the
    same machine."""
    runs = {kind: [] for kind in kinds}
    for _ in range(max(1, repeat)):
        for kind in kinds:
            runs[kind].append(run_child_rusage([PY, str(Path(__file__).resolve()), "--child", kind,
                                                *map(str, args)]))
    out = []
    for kind in kinds:
        best = dict(min(runs[kind], key=lambda r: r.get("wall", r["proc_wall"])))
        best["peak_mib"] = max(r["peak_mib"] for r in runs[kind])
        out.append(best)
    return tuple(out)


def has_summarize_command() -> bool:
    r = subprocess.run([PY, "-m", "analysis", "summarize", "--help"], cwd=ROOT, capture_output=True,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return r.returncode == 0


def measure_summarize(path: Path, repeat: int, cli: bool) -> dict:
    if cli:
        argv = [PY, "-m", "analysis", "summarize", str(path)]
    else:
        argv = [PY, str(Path(__file__).resolve()), "--child", "summarize", str(path)]
    runs = []
    for _ in range(max(1, repeat)):
        r = run_child_rusage(argv, capture_json=False)
        runs.append(r)
    best = dict(min(runs, key=lambda r: r["proc_wall"]))
    best["peak_mib"] = max(r["peak_mib"] for r in runs)
    return best


def cohort_dir(n: int, fmt: str, shape: str) -> Path:
    prefix = "r" if shape == "registry" else "p"      # p<N>: the demo shape (earlier recorded runs)
    return COHORTS / (f"{prefix}{n}" if fmt == "csv" else f"{prefix}{n}-{fmt}")


def ensure_cohort(n: int, fmt: str, shape: str = "registry") -> Path:
    out = cohort_dir(n, fmt, shape)
    stamp = out / ".complete"
    cmd = [PY, str(GENERATOR), "--patients", str(n), "--seed", str(SEED), "--out", str(out),
           "--format", fmt, "--shape", shape, "--no-truth"]
    if stamp.exists() and stamp.read_text() == " ".join(cmd[1:]):
        return out
    print(f"  generating {out.relative_to(ROOT)} ...", file=sys.stderr, flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    stamp.write_text(" ".join(cmd[1:]))
    return out


def ensure_long_cohort(wide: Path) -> Path:
    """The long form of a wide CSV cohort, rows shuffled (seed SEED), in ``<wide>-longr``.

    One row per score: ``patient_id, day, measure, value``; empty scores are left out. The cells are
    copied as text (read with ``dtype=str``), so the scores are exactly those of the wide file; the
    rows are in random order because a registry export sorted by measure or by patient is not a given
    (issue 12), and the loader must sort them itself. Reused while ``.complete`` matches.
    """
    out = wide.with_name(wide.name + "-longr")
    stamp = out / ".complete"
    key = f"long form of {wide.name}, rows shuffled with seed {SEED}"
    if stamp.exists() and stamp.read_text() == key:
        return out
    print(f"  writing {out.relative_to(ROOT)} ...", file=sys.stderr, flush=True)
    # In a child process: a child's peak memory (ru_maxrss) starts at its parent's when it is forked,
    # so the ~2 GiB of this melt in the benchmark's own process would show in every later measurement.
    run_child_rusage([PY, str(Path(__file__).resolve()), "--child", "write_long", str(wide), str(out)])
    stamp.write_text(key)
    return out


def child_write_long(wide: str, out: str) -> dict:
    """The work of :func:`ensure_long_cohort` (in a child process of its own)."""
    import numpy as np
    import pandas as pd

    wide, out = Path(wide), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    a = pd.read_csv(wide / "assessments.csv", dtype=str, keep_default_na=False)
    m = a.melt(id_vars=["patient_id", "day"], var_name="measure", value_name="value")
    m = m[m["value"] != ""]
    m = m.iloc[np.random.default_rng(SEED).permutation(len(m))]
    m.to_csv(out / "assessments.csv", index=False)
    for name in ("treatments", "patients"):
        (out / f"{name}.csv").write_bytes((wide / f"{name}.csv").read_bytes())
    return {"rows": int(len(m))}


CHILDREN["write_long"] = child_write_long


def write_subset(src: Path, dst: Path, n: int) -> Path:
    """The first ``n`` patients of a CSV cohort, copied line by line (bytes unchanged) to ``dst``."""
    dst.mkdir(parents=True, exist_ok=True)
    ids = {f"P{i:06d}".encode() for i in range(1, n + 1)}
    for name in TABLES:
        with open(src / f"{name}.csv", "rb") as fi, open(dst / f"{name}.csv", "wb") as fo:
            fo.write(fi.readline())
            fo.writelines(line for line in fi if line.split(b",", 1)[0] in ids)
    return dst


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 ** 2:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    vers = {}
    for mod in ("pandas", "numpy", "pyarrow", "scipy", "lifelines"):
        try:
            vers[mod] = __import__(mod).__version__
        except Exception:  # pragma: no cover - optional
            vers[mod] = "not installed"
    return {"cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "cpu": cpu, "ram": mem, "python": platform.python_version(), "os": platform.platform(),
            "versions": vers, "loadavg": os.getloadavg()}


def _f(x, nd=2):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    return f"{x:.{nd}f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000", help="patients per cohort, comma-separated")
    ap.add_argument("--quick", action="store_true", help="sizes 1000,10000 and one repeat (about a minute)")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement, best time kept (default 5)")
    ap.add_argument("--shape", choices=("registry", "demo"), default="registry",
                    help="generator shape: registry (default; ~30 assessment rows and ~3 courses per patient, "
                         "as issue 6 asks) or demo (~21 and ~2.1)")
    ap.add_argument("--no-parquet", action="store_true", help="skip the Parquet loading rows")
    ap.add_argument("--no-long", action="store_true", help="skip the long-form loading rows")
    ap.add_argument("--no-check", action="store_true", help="skip the agreement checks")
    ap.add_argument("--load-only", action="store_true",
                    help="only the loading rows (no summarize, no Kaplan-Meier, no checks)")
    ap.add_argument("--out", type=Path, help="also write the machine, table and checks as Markdown here")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        kind, *rest = args.child
        print(json.dumps(CHILDREN[kind](*rest)))
        return 0

    sizes = [1000, 10000] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    repeat = 1 if args.quick else args.repeat
    COHORTS.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    info = machine()
    cli = has_summarize_command()
    print(f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['ram']} RAM, Python {info['python']}, "
          + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
          + f"; load average at start {info['loadavg'][0]:.1f}", file=sys.stderr)

    rows = []       # (patients, step, rows, wall, cpu, peak, ref_name, ref_wall, ref_peak, ratio, target, met)
    for n in sizes:
        print(f"{n} patients", file=sys.stderr, flush=True)
        csv_dir = ensure_cohort(n, "csv", args.shape)
        pq_dir = None if args.no_parquet else ensure_cohort(n, "parquet", args.shape)
        ours, ref, same = measure_pair(("load", "pyarrow_csv", "pyarrow_csv_same_pool"), csv_dir, repeat=repeat)
        a_rows = ref["rows"]["assessments"]
        ratio = ours["wall"] / ref["wall"]
        rows.append(dict(n=n, step="load CSV + validate", rows=a_rows, wall=ours["wall"], cpu=ours["cpu"],
                         peak=ours["peak_mib"], ref="pyarrow.csv.read_csv", ref_wall=ref["wall"],
                         ref_peak=ref["peak_mib"], ratio=ratio, same_wall=same["wall"],
                         **dict(zip(("target", "met"), load_target(n, ours["wall"], ratio)))))
        if pq_dir is not None:
            oursp, refp = measure_pair(("load", "pyarrow_parquet"), pq_dir, repeat=repeat)
            ratio = oursp["wall"] / refp["wall"]
            rows.append(dict(n=n, step="load Parquet + validate", rows=a_rows, wall=oursp["wall"],
                             cpu=oursp["cpu"], peak=oursp["peak_mib"], ref="pyarrow.parquet.read_table",
                             ref_wall=refp["wall"], ref_peak=refp["peak_mib"], ratio=ratio, target="-", met=None))
        if not args.no_long:
            long_dir = ensure_long_cohort(csv_dir)
            oursl, refl, samel = measure_pair(("load", "pyarrow_csv", "pyarrow_csv_same_pool"), long_dir,
                                              repeat=repeat)
            ratio = oursl["wall"] / refl["wall"]
            rows.append(dict(n=n, step="load CSV long form + validate", rows=refl["rows"]["assessments"],
                             wall=oursl["wall"], cpu=oursl["cpu"], peak=oursl["peak_mib"],
                             ref="pyarrow.csv.read_csv", ref_wall=refl["wall"], ref_peak=refl["peak_mib"],
                             ratio=ratio, same_wall=samel["wall"],
                             **dict(zip(("target", "met"), load_target(n, oursl["wall"], ratio)))))
        if args.load_only:
            continue
        s = measure_summarize(csv_dir, repeat, cli)
        met = (s["proc_wall"] <= TARGET_SUMMARY_WALL_S and s["peak_mib"] <= TARGET_SUMMARY_PEAK_MIB) \
            if n == TARGET_SIZE else None
        rows.append(dict(n=n, step="summarize process" + ("" if cli else " (python -c)"), rows=a_rows,
                         wall=s["proc_wall"], cpu=s["proc_cpu"], peak=s["peak_mib"], ref="-", ref_wall=None,
                         ref_peak=None, ratio=None,
                         target=f"<= {TARGET_SUMMARY_WALL_S:g} s, <= {TARGET_SUMMARY_PEAK_MIB / 1024:g} GiB"
                         if n == TARGET_SIZE else "-", met=met))
        so = measure("summarize_only", csv_dir, repeat=repeat)
        rows.append(dict(n=n, step="summarize() after loading", rows=a_rows, wall=so["wall"], cpu=so["cpu"],
                         peak=so["peak_mib"], ref="-", ref_wall=None, ref_peak=None, ratio=None, target="-",
                         met=None))
        nkm = KM_PER_PATIENT * n
        k, kl = measure_pair(("km", "lifelines"), nkm, repeat=repeat)
        ratio = k["wall"] / kl["wall"]
        rows.append(dict(n=n, step=f"Kaplan-Meier ({nkm:,} durations)", rows=nkm, wall=k["wall"], cpu=k["cpu"],
                         peak=k["peak_mib"], ref="lifelines KaplanMeierFitter", ref_wall=kl["wall"],
                         ref_peak=kl["peak_mib"], ratio=ratio,
                         target=f"ratio <= {TARGET_KM_RATIO:g}" if nkm >= 1_000_000 else "-",
                         met=(ratio <= TARGET_KM_RATIO) if nkm >= 1_000_000 else None))

    checks = []
    if not (args.no_check or args.load_only):
        big_n = max(sizes)
        km_n = KM_PER_PATIENT * big_n
        print("checks", file=sys.stderr, flush=True)
        c = measure("check_km", km_n)
        checks.append(f"Kaplan-Meier vs lifelines on {km_n:,} durations ({c['times']:,} distinct times): "
                      f"max |difference| of survival and log-log bounds = {c['max_abs_diff']:.1e} "
                      f"({'OK' if c['max_abs_diff'] <= 1e-8 else 'FAIL'}, tolerance 1e-8)")
        if big_n > CHECK_PATIENTS:
            big_dir = cohort_dir(big_n, "csv", args.shape)
            small = write_subset(big_dir, big_dir.with_name(f"{big_dir.name}-first{CHECK_PATIENTS}"), CHECK_PATIENTS)
            c = measure("check_subset", big_dir, small)
            ok = c["episodes_equal"] and c["same_nan"] and c["summary_max_abs_diff"] <= 1e-9
            checks.append(f"summarize on the {big_n:,}-patient cohort filtered to its first {CHECK_PATIENTS:,} "
                          f"patients vs those patients loaded from their own files: episode tables "
                          f"({c['episodes']:,} episodes, {c['followup_rows']:,} follow-up scores) "
                          f"{'identical' if c['episodes_equal'] else 'DIFFER'}, summary ({c['summary_rows']} rows) "
                          f"max |difference| {c['summary_max_abs_diff']:.1e} ({'OK' if ok else 'FAIL'})")

    header = ["patients", "step", "rows", "time s", "CPU s", "peak MiB", "reference", "ref time s",
              "ref peak MiB", "ratio", "ref s, loader's pool", "ratio, loader's pool", "M rows/s", "target", "met",
              "met, loader's pool"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        mrs = r["rows"] / r["wall"] / 1e6 if r["wall"] > 0 else float("nan")
        met = "-" if r["met"] is None else ("yes" if r["met"] else "**no**")
        same = r.get("same_wall")
        same_ratio = r["wall"] / same if same else None
        same_met = "-" if same is None or r["met"] is None else \
            ("yes" if load_target(r["n"], r["wall"], same_ratio)[1] else "**no**")
        lines.append("| " + " | ".join([f"{r['n']:,}", r["step"], f"{r['rows']:,}", _f(r["wall"]), _f(r["cpu"]),
                                        _f(r["peak"], 0), r["ref"], _f(r["ref_wall"], 3), _f(r["ref_peak"], 0),
                                        _f(r["ratio"], 1), _f(same, 3), _f(same_ratio, 1), _f(mrs, 2), r["target"],
                                        met, same_met]) + " |")
    # Growth exponent between consecutive sizes: log(time ratio) / log(rows ratio); 1 = linear.
    growth = []
    def key(step):
        return step.split(" (")[0]
    for step in dict.fromkeys(key(r["step"]) for r in rows):
        rs = [r for r in rows if key(r["step"]) == step]
        ex = [f"{a['n']:,}->{b['n']:,}: {math.log(b['wall'] / a['wall']) / math.log(b['rows'] / a['rows']):.2f}"
              for a, b in zip(rs, rs[1:]) if b["rows"] > a["rows"] and a["wall"] > 0 and b["wall"] > 0]
        if ex:
            growth.append(f"{step}: " + ", ".join(ex))
    elapsed = time.perf_counter() - t_start
    la = os.getloadavg()
    text = "\n".join([
        f"Machine: {info['cpus']} CPUs, {info['cpu']}, {info['ram']} RAM; Python {info['python']}; "
        + ", ".join(f"{k} {v}" for k, v in info["versions"].items()),
        f"Load average at start / end: {info['loadavg'][0]:.1f} / {la[0]:.1f}; best of {repeat} run(s); "
        f"benchmark took {elapsed:.0f} s; cohorts: generator shape '{args.shape}'",
        "",
        *lines,
        "",
        "Growth exponent of time vs rows between sizes (1 = linear, 2 = quadratic; small sizes are "
        "dominated by fixed costs):",
        *[f"- {g}" for g in growth],
        "",
        "Checks:",
        *([f"- {c}" for c in checks] or ["- skipped"]),
    ])
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
