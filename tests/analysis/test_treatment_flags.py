"""A sheet that marks the visits at which the treatment was given with a Yes in a column named after it
('Infusion', 'Ketamine given') gives those visits as treatment courses, not a covariate and no relief."""
from __future__ import annotations

import pytest

from clinic_checks import check_rate, group, roles
from analysis import load_files
from analysis.io.propose import inspect


def _sheet(flag_header: str, yes: str, no: str = "") -> dict:
    """Three patients, a visit with the treatment and one four weeks after; the third patient's second
    visit says No. Week-4 pain: 8 -> 4 (50%), 6 -> 5 (16.7%), 9 -> 3 (66.7%)."""
    rows = [("P1", "2024-01-10", yes, 8), ("P1", "2024-02-07", "", 4),
            ("P2", "2024-02-01", yes, 6), ("P2", "2024-02-29", "", 5),
            ("P3", "2024-03-05", yes, 9), ("P3", "2024-04-02", no, 3)]
    text = f"Study ID,Age,Visit date,{flag_header},Pain NRS\n" + "".join(
        f"{p},{40 + i},{d},{f},{s}\n" for i, (p, d, f, s) in enumerate(rows))
    return {"visits.csv": text.encode()}


@pytest.mark.parametrize("header,yes,no,label", [
    ("Infusion", "Yes", "No", "Infusion"),
    ("Infusion", "yes", "", "Infusion"),
    ("Ketamine given", "x", "", "Ketamine infusion"),
    ("Ketamine given", "X", "-", "Ketamine infusion"),
    ("Lidocaine infusion", "Ja", "Nein", "Lidocaine infusion"),
    ("Treatment given", "1", "0", "Treatment given"),
    ("Infusion", "Oui", "Non", "Infusion"),
])
def test_each_yes_is_an_administration_of_the_treatment_the_column_names(header, yes, no, label):
    files = _sheet(header, yes, no)
    assert roles(files)[("visits.csv", header)] == "treatment"
    assert any(f"is read as the treatment {label!r}" in n for n in inspect(files).notes)
    ds = load_files(files)
    t = ds.treatments
    assert t["treatment"].tolist() == [label] * 3 and t["day"].tolist() == [0.0, 0.0, 0.0]
    assert ds.report.exclusions.empty
    # The week-4 scores relieve from the baseline on the treatment day: 2 of 3 reach 30%.
    check_rate(group(ds)["responder_rate_by_week"]["4"], 2, 3)


@pytest.mark.parametrize("header,cells", [
    ("Infusion", ("1", "2", "3")),           # the infusion's number, not a yes
    ("Infusion", ("Yes", "Maybe", "")),      # a word that is neither yes nor no
    ("Infusion", ("No", "No", "")),          # no Yes at all
    ("Smoker", ("Yes", "No", "Yes")),        # a yes/no column that names no treatment
])
def test_other_columns_are_not_read_as_treatments(header, cells):
    text = f"Study ID,Visit date,{header},Pain NRS\n" + "".join(
        f"P{i},2024-01-1{i},{c},{5 + i}\n" for i, c in enumerate(cells))
    assert roles({"v.csv": text.encode()})[("v.csv", header)] != "treatment"
