"""Dashboard re-run timing (issue 6: a filter change re-runs a page in <= 0.3 s of server time).

Run by hand from the repository root (not part of the test suite)::

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
sys.path.insert(0, str(ROOT))

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


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=5, help="back-and-forth repetitions per widget (default 5)")
    p.add_argument("--pages", default=",".join(PAGES), help="comma-separated pages (default: all)")
    args = p.parse_args(argv)
    pages = [x for x in args.pages.split(",") if x]
    import logging
    logging.getLogger("streamlit").setLevel(logging.ERROR)
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
