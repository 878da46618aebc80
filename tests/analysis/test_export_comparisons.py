"""The export carries the treatment comparisons (issue 16): models, estimands, boosters, their
charts, with small treatments left out of the models and small cells suppressed."""
from __future__ import annotations

from pathlib import Path

import pytest

from analysis import export, load_dataset
from analysis import comparisons as C
from analysis.episodes import build_episodes

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.fixture(scope="module")
def results():
    return export.compute_results(load_dataset(DEMO))


def test_export_has_the_comparison_tables_and_charts(results):
    for name in ("comparison_responders", "comparison_relief_hazard", "comparison_relief_hazard_ph",
                 "relief_estimands", "booster_summary", "time_to_next_course"):
        assert name in results.tables and len(results.tables[name]), name
    names = [c.name for c in results.charts]
    assert "comparison_hazard_ratios" in names and "comparison_responders_rd" in names
    # the numbers are the API's
    ep = build_episodes(load_dataset(DEMO))
    api = C.relief_hazard_model(ep).table
    assert results.tables["comparison_relief_hazard"]["hazard_ratio"].tolist() == pytest.approx(
        api["hazard_ratio"].tolist(), rel=1e-12)
    assert set(results.tables["relief_estimands"]["strategy"]) == {"censored", "composite", "competing"}


def test_small_treatments_are_left_out_of_the_models_and_small_cells_suppressed():
    # with a minimum cell size above the smallest treatment, that treatment leaves the models
    from analysis.definitions import Definitions
    ds = load_dataset(DEMO)
    ep = build_episodes(ds)
    per = ep.included.groupby("treatment")["patient_id"].nunique()
    m = int(per.min()) + 1
    res = export.compute_results(ds, Definitions(min_cell_size=m))
    small = per.idxmin()
    assert any(small in w and "leave out" in w for w in res.warnings)
    terms = " ".join(res.tables["comparison_responders"]["term"])
    assert small not in terms
    boost = res.tables["booster_summary"]
    assert boost.loc[boost["suppressed"], "estimate"].isna().all()
