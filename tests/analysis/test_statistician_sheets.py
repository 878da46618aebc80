"""A statistician's analysis-ready sheet, as R's ``write.csv`` or pandas' ``to_csv`` saves it (docs/data-format.md,
"Clinic exports": the header row; score columns named for their visits; derived outcomes).

One row per course: ``nrs_pre``, ``nrs_post``, ``nrs_w1``, ``nrs_w4``, ``nrs_w12`` beside the course's date, and what
was computed from them (``days_to_relapse``, ``relapse``). Reviewer's case 06: refused for R's unnamed row-name
column; without it, the week columns were not placed (the reviewer set offset_days 7/28/84 by hand) and
``days_to_relapse`` was proposed as a measure, ``relapse`` as a covariate.
"""
from __future__ import annotations

import pytest

from clinic_checks import group
from analysis import load_files
from analysis.errors import DatasetError
from analysis.io.propose import inspect
from analysis.io.score_columns import visit_of
from analysis.io.tables import read_table

HEADER = ["study_id", "treatment", "date_first_infusion", "nrs_pre", "nrs_post", "nrs_w1", "nrs_w4", "nrs_w12",
          "days_to_relapse", "relapse"]
ROWS = [["P1", "ketamine", "2023-03-07", "8", "4", "5", "6", "8", "28", "1"],
        ["P2", "ketamine", "2023-04-11", "6", "3", "3", "3", "4", "84", "0"],
        ["P3", "ketamine", "2023-05-02", "5", "4", "NA", "4", "5", "7", "1"]]


def csv(header: list, rows: list, row_names: str | None = None) -> bytes:
    """``row_names``: "r" as R writes them ("" over "1", "2", ...), "pandas" as to_csv writes its index (0, 1, ...)."""
    def q(v):
        return f'"{v}"' if not v.isdigit() and v != "NA" else v
    lines = []
    for i, r in enumerate([header] + rows):
        cells = [q(v) for v in r]
        if row_names == "r":
            cells = ['""' if i == 0 else f'"{i}"'] + cells
        elif row_names == "pandas":
            cells = ["" if i == 0 else str(i - 1)] + cells
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("row_names", ["r", "pandas"])
def test_an_unnamed_first_column_numbering_the_rows_is_row_names_not_data(row_names):
    t = read_table("analysis_ready.csv", csv(HEADER, ROWS, row_names))
    assert t.header == HEADER and t.column(0).tolist() == ["P1", "P2", "P3"]
    assert t.notes == [f"analysis_ready.csv: the first column has no name and numbers the rows "
                       f"{1 if row_names == 'r' else 0}, {2 if row_names == 'r' else 1}, ... {3 if row_names == 'r' else 2} "
                       "(R's write.csv writes its row names so, pandas its index): row numbers, not data, so it is not read."]
    assert "an unnamed first column of row numbers (not read)" in t.describe()


@pytest.mark.parametrize("first", [["7", "3", "9"], ["1", "2", "4"], ["a", "b", "c"], ["2", "3", "4"]])
def test_an_unnamed_first_column_of_anything_else_is_still_refused(first):
    data = ("," + ",".join(HEADER) + "\n" + "\n".join(",".join([f] + r) for f, r in zip(first, ROWS)) + "\n").encode()
    with pytest.raises(DatasetError, match="column 1 has values but no header name"):
        read_table("analysis_ready.csv", data)


@pytest.mark.parametrize("header, visit", [
    ("nrs_w4", 28.0), ("nrs_wk4", 28.0), ("nrs_week4", 28.0), ("nrs_week_4", 28.0), ("NRS_W12", 84.0),
    ("nrs_m3", 91.0), ("nrs_d7", 7.0), ("nrs_4w", 28.0), ("NRS week 4", 28.0), ("NRS W4", 28.0)])
def test_a_visit_suffix_after_an_underscore_is_the_visit_as_week_4_is(header, visit):
    assert visit_of(header) == ("at", visit)


@pytest.mark.parametrize("header", ["nrs_pre", "NRS_baseline"])
def test_a_baseline_suffix_after_an_underscore_is_the_baseline(header):
    assert visit_of(header) == ("before_start", None)


@pytest.mark.parametrize("header", ["PHQ9_1", "EQ5D_5L", "pain_avg_7d", "pain_last_7_days", "nrs_post", "pain_30m"])
def test_names_with_underscores_that_name_no_visit_stay_none(header):
    assert visit_of(header) is None


@pytest.mark.parametrize("row_names", [None, "r"])
def test_the_sheet_loads_with_its_week_columns_at_their_visits_and_its_derived_outcomes_unread(row_names):
    """Each row: baseline before the start, post-infusion the immediate score, weeks 1, 4 and 12 after the date.
    Immediate relief: P1 8 -> 4 (50 %), P2 6 -> 3 (50 %), P3 5 -> 4 (20 %): mean 40 %. Week 4 (>= 30 % relief):
    P1 25 % no, P2 50 % yes, P3 20 % no."""
    files = {"analysis_ready.csv": csv(HEADER, ROWS, row_names)}
    p = inspect(files)
    cols = {c.header: c.column for fp in p.files for c in fp.columns}
    assert [cols[h].offset_days for h in ("nrs_w1", "nrs_w4", "nrs_w12")] == [7.0, 28.0, 84.0]
    assert cols["nrs_pre"].timing == "before_start"
    assert (cols["days_to_relapse"].role, cols["relapse"].role) == ("ignore", "ignore")
    assert any("'days_to_relapse' looks like a time to an event derived from the scores" in n for n in p.notes)
    assert not p.review
    ds = load_files(files)
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(40.0)
    assert (g["responder_rate_by_week"]["4"]["n"], g["responder_rate_by_week"]["4"]["estimate"]) == \
        (3, pytest.approx(1 / 3))
    assert sorted(ds.assessments["measure"].unique()) == ["pain_nrs"]
    assert list(ds.patients.columns) == ["patient_id"]


def test_our_format_saved_by_rs_write_csv_loads_without_its_row_names():
    """assessments.csv and treatments.csv written by write.csv(x, file) with its default row.names = TRUE.
    P1 8 -> 4 (50 %), P2 6 -> 3 (50 %)."""
    files = {"assessments.csv": b'"","patient_id","day","measure","value"\n"1","P1",-1,"pain_nrs",8\n'
                                b'"2","P1",0.2,"pain_nrs",4\n"3","P2",-1,"pain_nrs",6\n"4","P2",0.2,"pain_nrs",3\n',
             "treatments.csv": b'"","patient_id","day","treatment"\n"1","P1",0,"ketamine"\n"2","P2",0,"ketamine"\n'}
    ds = load_files(files)
    assert group(ds)["immediate_relief_pct"]["estimate"] == pytest.approx(50.0)
    assert "assessments.csv: the first column has no name and numbers the rows (R's row names, pandas' index): row " \
           "numbers, not data, so it is not read." in ds.report.notes
