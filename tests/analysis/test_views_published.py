"""analysis/present (formatting, small cells) and analysis/published.py (reference figures, comparison)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.present import formatting, suppression
from analysis.errors import DatasetError
from analysis.published import COMPARISON_COLUMNS, LIMITATIONS, compare_with_published, load_published
from dashboard.uploads import upload_headers


@pytest.mark.parametrize("args, kw, expected", [
    ((0.5412, 0.4701, 0.6123, 212), {}, "54% (95% CI 47\u201361%), n = 212"),
    ((43.21, 40.66, 45.72), {"kind": "percent"}, "43.2% (95% CI 40.7\u201345.7%)"),
    ((-3.2, -6.1, -0.4), {"kind": "percent"}, "-3.2% (95% CI -6.1 to -0.4%)"),
    ((24.0, 22.0, np.nan), {"kind": "days"}, "24 days (95% CI 22\u2013not reached)"),
    ((np.nan, 30.0, np.nan, 5), {"kind": "days"}, "not reached (95% CI 30–not reached), n = 5"),
    ((np.nan, np.nan, np.nan, 0), {}, "not estimable, n = 0"),
])
def test_fmt_estimate(args, kw, expected):
    assert formatting.fmt_estimate(*args, **kw) == expected


def test_fmt_p():
    assert formatting.fmt_p(0.0004) == "p < 0.001"
    assert formatting.fmt_p(0.0312) == "p = 0.031"
    assert formatting.fmt_p(0.5) == "p = 0.50"


def test_suppress_hides_small_groups_and_cells():
    sizes = pd.DataFrame({"treatment": ["a", "b"], "patients": [10, 3], "episodes": [12, 3], "label": ["a", "b"]})
    res = pd.DataFrame({"treatment": ["a", "a", "b"], "week": [1, 2, 1], "estimate": [0.5, 0.4, 0.9],
                        "ci_low": [0.3, 0.1, 0.5], "ci_high": [0.7, 0.8, 1.0], "n": [10, 4, 3],
                        "n_patients": [10, 4, 3]})
    s = suppression.suppress(res, ["treatment"], sizes, 5)
    assert s.shown["treatment"].tolist() == ["a"] and s.shown["week"].tolist() == [1]
    assert s.hidden_groups == ["b"] and s.hidden_cells == 1
    assert "fewer than 5 patients" in s.note
    s1 = suppression.suppress(res, ["treatment"], sizes, 1)
    assert len(s1.shown) == 3 and s1.note == ""


def test_relief_summary_table_formats_the_results():
    im = pd.DataFrame({"treatment": ["a"], "statistic": "m", "estimate": [40.0], "ci_low": [35.0], "ci_high": [45.0],
                       "n": [50], "n_patients": [40], "method": "t", "conf_level": 0.95})
    rr = pd.DataFrame({"treatment": ["a", "a"], "threshold": [30.0, 50.0], "week": np.nan, "successes": [30, 20],
                       "estimate": [0.6, 0.4], "ci_low": [0.46, 0.27], "ci_high": [0.72, 0.54], "n": [50, 50],
                       "n_patients": [40, 40], "method": "wilson", "conf_level": 0.95})
    t = formatting.relief_summary_table(im, rr, ["treatment"])
    row = t.iloc[0]
    assert row["Mean immediate relief (95% CI)"] == "40.0% (95% CI 35.0\u201345.0%)"
    assert row["Responders \u2265 30% (95% CI)"] == "60% (95% CI 46\u201372%) (30/50)"
    assert int(row["n (episodes)"]) == 50 and int(row["patients"]) == 40


def test_upload_headers_reads_csv_and_zip():
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("data/assessments.csv", "Subject;Tag;NRS\nA;1;5\n")
    h = upload_headers({"x.zip": buf.getvalue(), "treatments.csv": b"patient_id,day,treatment\n"})
    assert h == {"assessments.csv": ["Subject", "Tag", "NRS"], "treatments.csv": ["patient_id", "day", "treatment"]}


# ---------------------------------------------------------------------------------------------- published
def test_reference_file_loads_with_citations():
    pub = load_published()
    assert {"zhao2018_immediate", "zhao2018_1to3m", "sigtermans2009_week12"} <= set(pub["id"])
    z = pub.set_index("id").loc["zhao2018_immediate"]
    assert (z.published_value, z.published_ci_low, z.published_ci_high) == (0.69, 0.53, 0.84)
    assert "Curr Pain Headache Rep" in z.citation and z.doi
    s = pub.set_index("id").loc["sigtermans2009_week12"]
    assert "Pain. 2009" in s.citation
    assert len(LIMITATIONS) >= 4


def test_reference_file_errors_say_what_to_fix():
    with pytest.raises(DatasetError, match="lacks the column"):
        load_published(b"id,quantity\nx,y\n")
    good = load_published()
    bad = good.copy()
    bad.loc[0, "statistic"] = "nonsense"
    csv = bad.to_csv(index=False).encode()
    with pytest.raises(DatasetError, match="line 2, column statistic"):
        load_published(csv)


TABLE = pd.DataFrame({
    "treatment": ["ketamine_iv"] * 6,
    "statistic": ["immediate_responder_rate", "responder_rate", "responder_rate", "responder_rate",
                  "median_relief_duration_days", "relief_survival"],
    "week": [np.nan, 4, 8, 12, np.nan, 12],
    "estimate": [0.65, 0.60, 0.30, 0.10, 30.0, 0.04],
    "ci_low": [0.60, 0.50, 0.25, 0.05, 27.0, 0.02],
    "ci_high": [0.70, 0.70, 0.36, 0.15, 33.0, 0.08],
    "n": [400, 200, 150, 100, 250, 250],
})


def test_compare_with_published_verdicts():
    out = compare_with_published(TABLE, load_published(), threshold=30)
    assert list(out.columns) == COMPARISON_COLUMNS
    imm = out[out["id"] == "zhao2018_immediate"].iloc[0]
    assert imm["verdict"] == "includes" and bool(imm["includes"])          # 69% in 60-70%
    weeks = out[out["id"] == "zhao2018_1to3m"].set_index("week")
    assert weeks.loc[4.0, "verdict"] == "includes"                          # 58% in 50-70%
    assert weeks.loc[8.0, "verdict"] == "below"                             # 58% above 25-36%
    assert weeks.loc[12.0, "verdict"] == "below"
    dur = out[out["id"] == "quoted_3_months"].iloc[0]
    assert dur["verdict"] == "below" and "91 days" in dur["verdict_text"]
    sig = out[out["id"] == "sigtermans2009_week12"].iloc[0]
    assert sig["verdict"] == "consistent"                                   # CI 2-8% entirely below 50%
    assert "responders in week 4 (relief \u2265 30%" in weeks.loc[4.0, "dataset_label"]


def test_compare_handles_missing_treatment_and_small_groups():
    t = TABLE.assign(treatment="lidocaine_iv")
    out = compare_with_published(t, load_published(), threshold=30)
    assert set(out["verdict"]) == {"not available"}
    out = compare_with_published(TABLE, load_published(), threshold=30, min_cell_size=5,
                                 group_patients={"ketamine_iv": 3})
    assert set(out["verdict"]) == {"group too small"}
    assert out["estimate"].isna().all()


def test_compare_accepts_a_summary(tmp_path):
    from analysis.dataset import Dataset
    from analysis.definitions import Definitions
    from analysis.summary import summarize
    a = pd.DataFrame({"patient_id": "E1", "day": [-1.0, 1.0, 14.0, 30.0], "measure": "pain_nrs",
                      "value": [8.0, 2.0, 2.0, 3.0]})
    tr = pd.DataFrame({"patient_id": ["E1"], "day": [0.0], "treatment": ["ketamine_iv"]})
    s = summarize(Dataset.from_frames(a, tr), Definitions())
    out = compare_with_published(s)
    assert set(out["verdict"]) == {"group too small"}   # 1 patient < 5
    out = compare_with_published(s, min_cell_size=1)
    imm = out[out["id"] == "zhao2018_immediate"].iloc[0]
    assert imm["n"] == 1 and imm["estimate"] == 1.0
