"""Dashboard re-run timing (issue 6: a filter change re-runs a page in <= 0.3 s of server time).

Run by hand from the repository root (not part of the test suite), in the .venv where ``make setup``
installed the project in editable mode (the app imports ``analysis`` and ``dashboard`` as installed)::

    .venv/bin/python bench/dashboard_timing.py                 # every page, 5 repetitions
    .venv/bin/python bench/dashboard_timing.py --repeat 9 --pages pain_relief,relief_duration

For each page of the dashboard it opens the page on the SYNTHETIC demo cohort with
``streamlit.testing.v1.AppTest`` (the same script runner as the server, without a browser), then
changes a sidebar widget back and forth and times ``at.run()``:

* **threshold** - the responder-threshold slider 30% <-> 50%;
* **treatment** - the treatment filter "all" <-> ketamine_iv only.

"warm" = both states were visited before, so the analyses and figures come from the cache (the
situation of a clinician flipping between views); "cold" = the first visit of a state (the
analysis runs; the cache of the process is cleared once per page first). Times are wall seconds of
``at.run()`` (server-side script run; the browser's drawing is not included). The table shows the
median (and the maximum) of the repetitions.

``--data PATH`` times every page on that dataset folder instead (e.g. the 100,000-patient registry
cohort of the benchmark, ``bench/cohorts/r100000``; issue 6: every page renders in <= 3 s after the
first load). The app is started on the folder through ``CRPS_OUTCOMES_DATA`` (as a clinic would start
it); the dataset is loaded once (timed: "load"), then for each page:

* **first** - the first render with every analysis cache of dashboard/cache.py cleared (the episodes,
  the page's analyses and its figures are computed; the loaded dataset is kept);
* **cold** - the same with the episodes kept (what opening another page costs after the first);
* **warm** - re-renders with nothing changed (everything from the cache): median (max) of ``--repeat``;
* **threshold** - the first render after moving the responder threshold 30% -> 50%.

Wall seconds and, in brackets for first/cold, CPU seconds of the process (the script thread plus
any helper threads; the machine may be shared, so CPU time is the steadier number). ``--best N`` keeps
the best (lowest wall time) of N repetitions of first/cold/threshold.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")

APP = str(ROOT / "dashboard" / "app.py")
PAGES = ["data", "overview", "pain_relief", "relief_over_time", "relief_duration", "secondary", "published",
         "export"]


def _app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    return at.run()


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _check(at, page: str) -> None:
    if at.exception:
        raise SystemExit(f"{page}: {[e.value for e in at.exception]}")


def measure_page(page: str, repeat: int) -> dict:
    import streamlit as st

    st.cache_data.clear()
    _clear_analyses(keep_episodes=False)
    at = _app()
    at.switch_page(f"content/{page}.py").run()
    _check(at, page)
    out = {}

    def thr(v):
        return lambda: at.sidebar.slider(key="def_threshold").set_value(v).run()

    def tx(v):
        return lambda: at.sidebar.multiselect(key="flt_treatment").set_value(v).run()

    for name, a, b in (("threshold", thr(50.0), thr(30.0)), ("treatment", tx(["ketamine_iv"]), tx([]))):
        cold = _timed(a)          # first visit of the other state: computed
        _timed(b)                 # back: cached since the page opened
        warm = []
        for _ in range(repeat):
            warm.append(_timed(a))
            warm.append(_timed(b))
        _check(at, page)
        out[name] = (cold, statistics.median(warm), max(warm))
    return out


def _timed_cpu(fn) -> tuple[float, float]:
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def _clear_analyses(keep_episodes: bool) -> None:
    """Empty the analysis and figure caches of dashboard/cache.py (every cached function but the loaders, and
    the episodes with ``keep_episodes``); the loaded dataset stays cached."""
    from dashboard import cache

    keep = {"load_demo", "_load_folder", "load_upload"} | ({"_episodes", "_episode_set"} if keep_episodes else set())
    for name, fn in vars(cache).items():
        if name not in keep and callable(getattr(fn, "clear", None)) and hasattr(fn, "__wrapped__"):
            fn.clear()


def measure_dataset_page(at, page: str, repeat: int, best: int) -> dict:
    def open_page():
        at.switch_page(f"content/{page}.py").run()
        _check(at, page)

    def thr(v):
        at.sidebar.slider(key="def_threshold").set_value(v).run()
        _check(at, page)

    out = {"first": None, "cold": None, "threshold": None}
    for _ in range(best):
        at.switch_page("content/data.py")            # leave the page (nothing rendered yet)
        _clear_analyses(keep_episodes=False)
        first = _timed_cpu(open_page)
        _clear_analyses(keep_episodes=True)
        cold = _timed_cpu(open_page)
        warm = [_timed(lambda: at.run()) for _ in range(repeat)]
        _check(at, page)
        t = _timed_cpu(lambda: thr(50.0))
        thr(30.0)
        for k, v in (("first", first), ("cold", cold), ("threshold", t)):
            if out[k] is None or v[0] < out[k][0]:
                out[k] = v
        out.setdefault("warm", []).extend(warm)
    return out


def main_dataset(path: Path, pages: list[str], repeat: int, best: int) -> int:
    os.environ["CRPS_OUTCOMES_DATA"] = str(path.resolve())
    import streamlit as st

    st.cache_data.clear()
    from streamlit.testing.v1 import AppTest

    import plotly.graph_objects  # noqa: F401  (imports are not part of "load")

    at = AppTest.from_file(APP, default_timeout=600)
    load = _timed_cpu(at.run)
    _check(at, "load")
    caption = " ".join(str(c.value) for c in at.sidebar.caption)
    if path.resolve().name not in caption:
        raise SystemExit(f"the app did not open {path}: sidebar says {caption!r}")
    rows = []
    for page in pages:
        rows.append((page, measure_dataset_page(at, page, repeat, best)))
        print(f"  measured {page}", file=sys.stderr, flush=True)
    print(f"\nDashboard on {path} (s): wall (CPU). load = first run of the app (reads and checks the files, "
          f"then opens Overview); first = page with empty analysis caches; cold = episodes cached; "
          f"warm = median (max) of {len(rows[0][1]['warm']) if rows else 0} re-renders; threshold = first render "
          f"after 30% -> 50%. Best of {best}.\n")
    print(f"load (first app run, incl. Overview): {load[0]:.2f} ({load[1]:.2f})\n")
    print("| page | first | cold | warm | threshold 30->50 | <= 3 s |")
    print("|---|---:|---:|---:|---:|---|")
    for page, r in rows:
        f, c, t, w = r["first"], r["cold"], r["threshold"], r["warm"]
        worst = max(f[0], c[0], t[0], max(w))
        print(f"| {page} | {f[0]:.2f} ({f[1]:.2f}) | {c[0]:.2f} ({c[1]:.2f}) | {statistics.median(w):.2f} "
              f"({max(w):.2f}) | {t[0]:.2f} ({t[1]:.2f}) | {'yes' if worst <= 3.0 else '**no**'} |")
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=5, help="back-and-forth repetitions per widget (default 5)")
    p.add_argument("--pages", default=",".join(PAGES), help="comma-separated pages (default: all)")
    p.add_argument("--data", type=Path, help="time every page on this dataset folder (e.g. bench/cohorts/r100000, written by make bench)")
    p.add_argument("--best", type=int, default=1, help="with --data: best of N for first/cold/threshold (default 1)")
    args = p.parse_args(argv)
    pages = [x for x in args.pages.split(",") if x]
    import logging
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    if args.data is not None:
        if not args.data.is_dir():
            raise SystemExit(f"--data {args.data}: not a folder")
        sys.argv[1:] = []    # the app reads --data from its own arguments too; use the environment variable
        return main_dataset(args.data, pages, args.repeat, args.best)
    # Warm-up: imports, the demo cohort, Plotly's first figure.
    _app()
    rows = []
    for page in pages:
        r = measure_page(page, args.repeat)
        rows.append((page, r))
        print(f"  measured {page}", file=sys.stderr, flush=True)
    print(f"\nServer time of at.run() after a sidebar change, demo cohort (s); warm = median of {2 * args.repeat} "
          "re-runs (max)\n")
    print("| page | threshold warm | threshold cold | treatment warm | treatment cold |")
    print("|---|---:|---:|---:|---:|")
    for page, r in rows:
        t, f = r["threshold"], r["treatment"]
        print(f"| {page} | {t[1]:.3f} ({t[2]:.3f}) | {t[0]:.3f} | {f[1]:.3f} ({f[2]:.3f}) | {f[0]:.3f} |")
    worst = max(max(r["threshold"][1], r["treatment"][1]) for _, r in rows)
    print(f"\nslowest warm median: {worst:.3f} s (target <= 0.300 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
