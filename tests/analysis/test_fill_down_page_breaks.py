"""A Crystal Reports CSV export laid out by patient: the id on the group header row only, the detail rows
leave it empty, a ``Page k of n`` footer closes each page and the page header (the column titles) repeats
on the next (analysis/io/fill_down.py ``PAGE_LABEL``; docs/data-format.md, "A patient id written once per
patient").

Before: the footer cell ``Page 1 of 2`` was read as an id and filled down over the next page's rows, which
became a patient of that name (34 patients for 32 in a reviewer's report); and ``Visit Type`` (``Ketamine
Infusion`` / ``Follow-up Visit``), the sessions when the id is on every row, was not read once the id was
filled down ("This dataset has no treatments").

Numbers by hand: KC-1 8 -> 3, KC-2 6 -> 2, KC-3 7 -> 2 (pre and post scores of the infusion row): immediate
relief 62.5%, 66.7%, 71.4%; KC-1's follow-up on 4/1/2024 (NRS 8) is on the page after the break and stays KC-1's.
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.io import fill_down
from clinic_checks import columns, group, relief

HEADER = '"Patient ID","Visit Date/Time","Visit Type","Pre NRS","Post NRS","NRS"'


def _row(*cells) -> str:
    return ",".join(f'"{c}"' for c in list(cells) + [""] * (6 - len(cells)))


def _report(footer: str = "Page {k} of 2") -> bytes:
    lines = [_row("Ketamine Infusion Clinic - Pain Outcomes by Patient"), _row("Printed: 6/3/2024 10:22:14AM"),
             HEADER,
             _row("KC-1"), _row("", "3/4/2024 9:00:00AM", "Ketamine Infusion", "8.00", "3.00"),
             _row("", "3/11/2024 10:00:00AM", "Follow-up Visit", "", "", "4.00"),
             _row(footer.format(k=1)), HEADER,
             _row("", "4/1/2024 10:00:00AM", "Follow-up Visit", "", "", "8.00"),
             _row("", "", "Sessions: 1", "8.00", "3.00", "6.00"),
             _row("KC-2"), _row("", "3/5/2024 9:00:00AM", "Ketamine Infusion", "6.00", "2.00"),
             _row("", "3/19/2024 10:00:00AM", "Follow-up Visit", "", "", "3.00"),
             _row("", "", "Sessions: 1", "6.00", "2.00", "3.00"),
             _row("KC-3"), _row("", "3/6/2024 9:00:00AM", "Ketamine Infusion", "7.00", "2.00"),
             _row("", "3/13/2024 10:00:00AM", "Follow-up Visit", "", "", "5.00"),
             _row("", "", "Sessions: 1", "7.00", "2.00", "5.00"),
             _row(footer.format(k=2))]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_a_page_label_is_no_id_and_the_rows_after_it_take_the_id_above_the_break():
    pid = np.array(["A", "", "Page 1 of 2", "", "B", "", "- 2 -", ""], dtype=object)
    filled, was_filled, reason = fill_down.fill_ids(pid, np.array([False, True, False, True, False, True, False,
                                                                   True]))
    assert filled.tolist() == ["A", "A", "", "A", "B", "B", "", "B"]
    assert reason.tolist() == ["", "", fill_down.R_PAGE_LABEL, "", "", "", fill_down.R_PAGE_LABEL, ""]


@pytest.mark.parametrize("label", ["Page 5 of 8", "Page 5", "Page: 5", "Seite 2 von 8", "Página 2 de 8", "- 5 -",
                                   "Printed: 6/3/2024 10:22:14AM", "Report run on 6/3/2024 10:22", "Stand: 01.03.2024"])
def test_page_numbers_and_print_stamps_are_page_labels(label):
    assert fill_down.page_labels(np.array([label], dtype=object)).tolist() == [True]


@pytest.mark.parametrize("pid", ["KC-0200", "P005", "Page", "Standard", "PG-12", "5", "Printed"])
def test_ids_are_not_page_labels(pid):
    assert fill_down.page_labels(np.array([pid], dtype=object)).tolist() == [False]


@pytest.mark.parametrize("footer", ["Page {k} of 2", "Seite {k} von 2", "- {k} -"])
def test_a_report_broken_over_pages_has_its_three_patients_and_the_follow_up_after_the_break_is_the_first(footer):
    ds = load_files({"report.csv": _report(footer)})
    assert sorted(ds.patients["patient_id"]) == ["KC-1", "KC-2", "KC-3"]
    a = ds.assessments
    kc1 = a[(a["patient_id"] == "KC-1") & (a["value"] == 8.0)]
    assert len(kc1) == 2          # the pre score of 3/4 and the follow-up of 4/1, after the page break
    g = group(ds)
    assert g["patients"] == 3 and g["episodes_used"] == 3
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(8, 3), relief(6, 2), relief(7, 2)]))


def test_a_visit_type_naming_the_sessions_is_the_treatment_once_the_id_is_filled_down():
    col = columns({"report.csv": _report()})[("report.csv", "Visit Type")]
    assert col.role == "treatment"
    assert col.codes["Ketamine Infusion"] == "Ketamine" and col.codes["Follow-up Visit"] == ""
    ds = load_files({"report.csv": _report()})
    assert sorted(ds.treatments["patient_id"]) == ["KC-1", "KC-2", "KC-3"]
    assert set(ds.treatments["treatment"]) == {"Ketamine"}
