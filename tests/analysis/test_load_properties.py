"""Property-based tests: whatever bytes a clinic throws at the loader, it either loads with an exact
report (every row used or excluded, counts adding up per file) or raises DatasetError, never
anything else."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import DatasetError, load_files
from analysis.definitions import KNOWN_MEASURES

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HEADERS = [
    ["patient_id", "day", "pain_nrs"],
    ["patient_id", "day", "measure", "value"],
    ["patient_id", "date", "pain_nrs", "phq9"],
    ["Patient_ID ", "DAY", "PGIC", "regions_affected", "site"],
    ["patient_id", "datetime", "treatment", "pain_nrs"],
    ["patient_id", "day", "treatment"],
    ["patient_id"],
    ["day", "pain_nrs"],
]
CELLS = ["", " ", "P1", "P2", "p1", "0", "1", "1.5", "0,25", "7", "10", "11", "-3", "1e3", "inf", "NA", "nan",
         "x", "pain_nrs", "phq9", "pgic", "ketamine_iv", "2024-01-01", "2024-02-30", "2024-01-03T06:00",
         "é", "Zürich", '"', '""', "a;b", "a,b", "\t", "\n", "\r\n", "\x00", "😀"]

cell = st.one_of(st.sampled_from(CELLS), st.text(max_size=6))


@st.composite
def csv_texts(draw):
    header = draw(st.sampled_from(HEADERS))
    delim = draw(st.sampled_from([",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    rows = draw(st.lists(st.lists(cell, min_size=max(0, len(header) - 1), max_size=len(header) + 1), max_size=12))

    def field(c):
        if draw(st.booleans()) or any(ch in c for ch in (delim, '"', "\n", "\r")):
            return '"' + c.replace('"', '""') + '"'
        return c
    lines = [delim.join(header)] + [delim.join(field(c) for c in r) for r in rows]
    text = newline.join(lines) + draw(st.sampled_from(["", newline, newline * 3]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


def check_exact(ds) -> None:
    ex = ds.report.exclusions
    assert list(ex.columns) == ["file", "line", "column", "value", "reason"]
    assert set(ex["file"]) <= set(ds.report.files)
    for name, c in ds.report.files.items():
        mine = ex[ex["file"] == name]
        assert c.rows_read == c.rows_used + c.rows_excluded
        assert c.rows_excluded == len(mine)
        assert c.rows_used >= 0
        assert mine["line"].is_unique and (mine["line"] >= 2).all()
        assert (mine["reason"].str.len() > 0).all()
    a = ds.assessments
    assert list(a.columns) == ["patient_id", "day", "measure", "value"]
    assert not a.isna().any().any()
    assert not a.duplicated(["patient_id", "day", "measure"]).any()
    for m, spec in KNOWN_MEASURES.items():
        v = a.loc[a["measure"] == m, "value"]
        assert (v >= spec["min"]).all() and (spec["max"] is None or (v <= spec["max"]).all())
    assert np.isfinite(a["day"]).all()
    assert list(ds.treatments.columns[:3]) == ["patient_id", "day", "treatment"]
    assert set(a["patient_id"]) <= set(ds.patients["patient_id"])


def load_or_refuse(files: dict[str, bytes]) -> None:
    try:
        ds = load_files(files)
    except DatasetError as e:
        assert str(e)  # a message, never empty
        return
    check_exact(ds)


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes(data):
    load_or_refuse({"assessments.csv": data})


@SETTINGS
@given(csv_texts())
def test_random_malformed_csv(data):
    load_or_refuse({"assessments.csv": data})


@SETTINGS
@given(csv_texts(), csv_texts(), csv_texts())
def test_random_three_files(a, t, p):
    load_or_refuse({"assessments.csv": a, "treatments.csv": t, "patients.csv": p})


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["P1", "P2", "P3", ""]), st.sampled_from(["0", "1", "2.5", "x"]),
                          st.sampled_from(["pain_nrs", "phq9", "pgic", ""]),
                          st.sampled_from(["0", "1", "5", "7", "11", "28", "", "seven"])), min_size=1, max_size=25),
       st.sampled_from(["\n", "\r\n"]))
def test_well_formed_rows_are_all_counted_at_their_lines(rows, newline):
    # No quoting, no blank rows: every data row is read, and is either used or excluded at line i + 2.
    rows = [r for r in rows if any(r)]
    text = newline.join(["patient_id,day,measure,value"] + [",".join(r) for r in rows]) + newline
    try:
        ds = load_files({"assessments.csv": text.encode()})
    except DatasetError as e:
        assert "no usable assessment rows" in str(e)
        report = e.report
    else:
        check_exact(ds)
        report = ds.report
    assert report.files["assessments.csv"].rows_read == len(rows)
    assert set(report.exclusions["line"]) <= set(range(2, len(rows) + 2))
