"""Treatment comparisons, estimands and booster analytics on episodes (issue 16): each result is
checked against an independent computation (proportions by hand, statsmodels' Cox fit, hand-built
episodes) and names its estimand or method."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import build_episodes, load_dataset
from analysis import comparisons as C
from analysis.dataset import Dataset
from analysis.definitions import Definitions
from analysis.duration import ESTIMAND_CENSORED, ESTIMAND_COMPOSITE, relief_duration
from analysis.errors import AnalysisError
from analysis.relief import responder_rate


@pytest.fixture(scope="module")
def demo():
    ds = load_dataset(Path(__file__).resolve().parents[2] / "data" / "demo")
    return ds, build_episodes(ds)


def _hand_episodes(definitions=None):
    """A: relief lost on day 10. B: re-treated on day 20 while relieved; its second course is
    censored 30 days later. C: relieved, censored at its last score (day 30). D: no response."""
    a = [("A", 0, 10), ("A", 1, 5), ("A", 10, 9),
         ("B", 0, 10), ("B", 1, 5), ("B", 15, 5), ("B", 21, 2), ("B", 50, 2),
         ("C", 0, 10), ("C", 1, 5), ("C", 30, 5),
         ("D", 0, 10), ("D", 1, 10), ("D", 5, 10)]
    t = [("A", 0, "k"), ("B", 0, "k"), ("B", 20, "k"), ("C", 0, "p"), ("D", 0, "p")]
    ds = Dataset.from_frames(pd.DataFrame(a, columns=["patient_id", "day", "value"]).assign(measure="pain_nrs"),
                             pd.DataFrame(t, columns=["patient_id", "day", "treatment"]))
    return build_episodes(ds, definitions or Definitions())


def test_competing_data_codes_loss_retreatment_and_censoring_by_hand():
    data = C.relief_competing_data(_hand_episodes()).sort_values(["patient_id", "time"])
    got = list(data[["patient_id", "time", "status"]].itertuples(index=False, name=None))
    assert got == [("A", 10.0, 1), ("B", 20.0, 2), ("B", 30.0, 0), ("C", 30.0, 0)]
    # the same whatever the definitions' own strategy
    again = C.relief_competing_data(_hand_episodes(Definitions(retreatment_is_event=True)))
    assert sorted(again["status"]) == [0, 0, 1, 2]


def test_relief_duration_names_its_strategy():
    assert relief_duration(_hand_episodes()).estimand == ESTIMAND_CENSORED
    assert relief_duration(_hand_episodes(Definitions(retreatment_is_event=True))).estimand == ESTIMAND_COMPOSITE
    assert "hypothetical strategy" in ESTIMAND_CENSORED and "composite strategy" in ESTIMAND_COMPOSITE


def test_estimands_side_by_side_on_the_demo(demo):
    _, ep = demo
    tab = C.estimand_comparison(ep)
    assert set(tab["strategy"]) == {"censored", "composite", "competing"}
    assert (tab.groupby("strategy")["estimand"].nunique() == 1).all()
    wide = tab.pivot_table(index=["treatment", "week"], columns="strategy", values="estimate")
    # P(relief lost by t, before re-treatment) <= 1 - KM censored at re-treatment, and <= the composite
    assert (wide["competing"] <= wide["censored"] + 1e-12).all()
    assert (wide["competing"] <= wide["composite"] + 1e-12).all()
    assert ((tab["ci_low"] <= tab["estimate"]) & (tab["estimate"] <= tab["ci_high"])).all()


def test_competing_risks_curves_add_up_to_the_composite(demo):
    _, ep = demo
    cr = C.relief_competing_risks(ep)
    comp = relief_duration(ep.__class__(ep.table, ep.followup, ep.definitions.replace(retreatment_is_event=True),
                                        ep.covariates))
    for key, fit in cr.fits.items():
        both = fit.table.groupby("time")["estimate"].sum()
        km = comp.fits[key].table.set_index("time")["survival"]
        common = both.index.intersection(km.index)
        np.testing.assert_allclose(both.loc[common], 1 - km.loc[common], atol=1e-12)
    assert set(cr.table["cause"]) == {"relief lost", "re-treated first"}


def test_unadjusted_responder_difference_is_difference_of_rates(demo):
    _, ep = demo
    tab = C.responder_comparison(ep, outcomes=["immediate", 4], measures=["RD", "RR"])
    rates = responder_rate(ep).set_index("treatment")["estimate"]
    row = tab[(tab["outcome"] == "immediate response") & (tab["measure"] == "RD")
              & (tab["term"] == "treatment: physical_therapy vs ketamine_booster")].iloc[0]
    assert row["estimate"] == pytest.approx(rates["physical_therapy"] - rates["ketamine_booster"], abs=1e-12)
    rr = tab[(tab["outcome"] == "immediate response") & (tab["measure"] == "RR")
             & (tab["term"] == "treatment: physical_therapy vs ketamine_booster")].iloc[0]
    assert rr["estimate"] == pytest.approx(rates["physical_therapy"] / rates["ketamine_booster"], rel=1e-9)
    w4 = responder_rate(ep, week=4).set_index("treatment")
    row4 = tab[(tab["outcome"] == "response in week 4") & (tab["measure"] == "RD")].iloc[0]
    assert row4["n"] == w4["n"].sum()
    assert set(tab["adjustment"]) == {"unadjusted"} and (tab["note"] == "").all()


def test_adjusted_comparison_uses_the_same_rows_and_names_the_adjustment(demo):
    _, ep = demo
    tab = C.responder_comparison(ep, covariates=["sex", "course_number"], outcomes=["immediate"], measures=["RD"],
                                 reference="ketamine_iv")
    assert set(tab["adjustment"]) == {"unadjusted", "adjusted for sex, course_number"}
    assert tab["term"].str.endswith("vs ketamine_iv").all()
    assert tab.groupby("adjustment")["n"].first().nunique() == 1
    with pytest.raises(AnalysisError, match="Cannot adjust for dose"):
        C.responder_comparison(ep, covariates=["dose"], outcomes=["immediate"])


def test_relief_hazard_model_equals_statsmodels_efron_fit(demo):
    sm = pytest.importorskip("statsmodels.duration.hazard_regression")
    _, ep = demo
    res = C.relief_hazard_model(ep, covariates=["sex"])
    assert res.table["term"].tolist() == ["treatment: ketamine_iv vs ketamine_booster",
                                          "treatment: physical_therapy vs ketamine_booster", "sex: M vs F",
                                          "course_number"]
    assert (res.table["estimand"] == ESTIMAND_CENSORED).all()
    from analysis.duration import relief_duration_data
    data = relief_duration_data(ep, ("treatment",)).merge(ep.table[["episode_id", "sex", "course_number"]],
                                                           on="episode_id")
    x = np.column_stack([data["treatment"] == "ketamine_iv", data["treatment"] == "physical_therapy",
                         data["sex"] == "M", data["course_number"]]).astype(float)
    ref = sm.PHReg(data["time"], x, status=data["event"], ties="efron").fit()
    np.testing.assert_allclose(res.table["coef"], ref.params, rtol=1e-6, atol=1e-9)
    assert res.n == len(data) and res.n_patients == data["patient_id"].nunique()


def test_dose_joined_from_the_treatments_table(demo):
    ds, ep = demo
    ep2 = C.with_treatment_columns(ep, ds.treatments, ["dose_mg_per_kg_h"])
    assert len(ep2.table) == len(ep.table)
    ket = ep2.table[ep2.table["treatment"] != "physical_therapy"]
    assert ket["dose_mg_per_kg_h"].notna().mean() > 0.9
    res = C.relief_hazard_model(ep2, covariates=["dose_mg_per_kg_h"])
    assert "dose_mg_per_kg_h" in res.table["term"].tolist() and res.n_dropped > 0  # physical therapy: no dose


def test_booster_summary_by_course(demo):
    _, ep = demo
    tab = C.booster_summary(ep)
    assert set(tab["course_band"]) == {"1st", "2nd", "3rd+"}
    rr = tab[(tab["statistic"] == "immediate_responder_rate") & (tab["treatment"] == "ketamine_booster")]
    sub = ep.table[(ep.table["treatment"] == "ketamine_booster") & (ep.table["course_number"] >= 3)
                   & ep.table["included"] & ep.table["immediate_relief_pct"].notna()]
    third = rr[rr["course_band"] == "3rd+"].iloc[0]
    assert third["n"] == len(sub)
    assert third["estimate"] == pytest.approx((sub["immediate_relief_pct"] >= 30 - 1e-9).mean(), abs=1e-12)
    assert list(C.course_band([1, 2, 3, 7])) == ["1st", "2nd", "3rd+", "3rd+"]


def test_time_to_next_course_by_hand():
    data = C.time_to_next_course_data(_hand_episodes()).sort_values(["patient_id", "time"])
    got = list(data[["patient_id", "time", "event"]].itertuples(index=False, name=None))
    # A: no next course, censored at its last score (10); B: next course at 20; B's second: censored at
    # its last score (30); C: censored at 30; D: censored at 5
    assert got == [("A", 10.0, 0), ("B", 20.0, 1), ("B", 30.0, 0), ("C", 30.0, 0), ("D", 5.0, 0)]
    km = C.time_to_next_course(_hand_episodes())
    assert set(km.fits) == {("k",), ("p",)}


def _tiny_cohort(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 12))
    rows, trt = [], []
    for i in range(n):
        starts = np.sort(rng.choice(np.arange(0, 300, 10), int(rng.integers(1, 4)), replace=False)).astype(float)
        for s in starts:
            trt.append((f"P{i}", s, rng.choice(["a", "b", "c"][: int(rng.integers(1, 4))])))
            rows.append((f"P{i}", s, float(rng.integers(0, 11))))
            for _ in range(int(rng.integers(0, 5))):
                rows.append((f"P{i}", s + float(rng.integers(1, 60)), float(rng.integers(0, 11))))
    a = pd.DataFrame(rows, columns=["patient_id", "day", "value"]).assign(measure="pain_nrs")
    t = pd.DataFrame(trt, columns=["patient_id", "day", "treatment"])
    p = pd.DataFrame({"patient_id": [f"P{i}" for i in range(n)], "sex": rng.choice(["F", "M", None], n)})
    return build_episodes(Dataset.from_frames(a, t, p))


@pytest.mark.parametrize("seed", range(0, 80, 4))
def test_tiny_cohorts_give_results_or_reasons_never_a_traceback(seed):
    # separation, groups without events or responders, one patient: NaN with a note, or an
    # AnalysisError reason in the document, and no floating-point warning
    import warnings
    ep = _tiny_cohort(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for cov in ([], ["sex"], ["course_number"]):
            doc = C.models_summary(ep, cov)
            json_ready = __import__("json").dumps(doc, allow_nan=False)
            assert json_ready
        C.booster_summary(ep)
        C.time_to_next_course(ep)


def test_subgroup_effects_rows_are_the_comparison_within_each_level(demo):
    _, ep = demo
    tab = C.subgroup_effects(ep, ["sex", "site"], "ketamine_iv", "physical_therapy")
    assert tab["covariate"].tolist() == ["sex", "sex", "site", "site", "site", "All episodes"]
    data = C.responder_data(ep)
    data = data[data["treatment"].isin(["ketamine_iv", "physical_therapy"])]
    for row in tab.itertuples():
        sub = data if row.covariate == "All episodes" else data[data[row.covariate] == row.level]
        p = sub.groupby("treatment")["responder"].mean()
        assert row.estimate == pytest.approx(p["ketamine_iv"] - p["physical_therapy"], abs=1e-12)
        assert row.n == len(sub)
    # one interaction p-value per covariate
    assert tab.groupby("covariate")["interaction_p"].nunique(dropna=False).loc[["sex", "site"]].eq(1).all()
    assert tab.loc[tab["covariate"] == "sex", "interaction_p"].between(0, 1).all()


@pytest.mark.parametrize("retreatment_is_event", [False, True])
def test_models_summary_is_the_same_with_the_relief_duration_handed_over(demo, retreatment_is_event):
    # summarize hands over its relief duration by treatment; the models then do not compute it
    # again, and every number stays the same, under either strategy for re-treatment.
    _, eps = demo
    if retreatment_is_event:
        eps = C.replace(eps, definitions=eps.definitions.replace(retreatment_is_event=True))
    alone = C.models_summary(eps)
    assert C.models_summary(eps, duration=relief_duration(eps, ("treatment",))) == alone
    assert alone["relief_hazard"]["estimand"] == (ESTIMAND_COMPOSITE if retreatment_is_event else ESTIMAND_CENSORED)
