"""A patient 'Status' column is no medication record's action column (analysis/io/column_words.py, the "action"
words; analysis/io/courses.py looks_like_actions; docs/data-format.md, the role `action`)."""
from __future__ import annotations

import numpy as np
import pytest

from clinic_checks import check_rate, columns, group, relief
from analysis import load_files
from analysis.io.column_words import has_word
from analysis.io.courses import looks_like_actions

COHORT = {"A": (8, 4, 5), "B": (6, 5, 6), "C": (10, 5, 8)}   # baseline, post (day 1), week 4
STATUS = {"A": "Active", "B": "Completed", "C": "Withdrawn"}


def _visits() -> bytes:
    rows = ["Patient,Status,Date,Treatment,NRS"]
    for i, (pid, (b, p, w4)) in enumerate(COHORT.items()):
        s = STATUS[pid]
        rows += [f"{pid},{s},2024-03-{1 + i:02d},,{b}", f"{pid},{s},2024-03-{4 + i:02d},Ketamine,",
                 f"{pid},{s},2024-03-{5 + i:02d},,{p}", f"{pid},{s},2024-04-{1 + i:02d},,{w4}"]
    return ("\n".join(rows) + "\n").encode()


def test_a_patient_status_column_is_a_covariate_and_the_visit_sheet_loads():
    """Active / Completed / Withdrawn: a covariate, not the MAR's action (which refused the sheet: "none of the
    actions ... is known to start an administration"). Relief by hand at day 1: A 50%, B 16.7%, C 50%."""
    files = {"v.csv": _visits()}
    col = columns(files)[("v.csv", "Status")]
    assert col.role == "covariate"
    g = group(load_files(files))
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx((relief(8, 4) + relief(6, 5) + relief(10, 5)) / 3)
    check_rate(g["responder_rate_by_week"]["4"], 1, 3)


@pytest.mark.parametrize("name, action", [("Status", False), ("Statut", False), ("Admin Status", True),
                                          ("Administration Status", True), ("MAR_Status", True),
                                          ("Patient Status", False), ("MAR Action", True)])
def test_only_a_status_named_for_the_administration_is_the_action_by_its_name(name, action):
    assert has_word("action", name) is action


@pytest.mark.parametrize("cells, actions", [
    (["New Bag", "Rate Change", "Stopped"], True),
    (["Given", "Not Given", "Held"], True),
    (["Given", "Not Given"], True),                    # under a bare 'Status': the MAR's actions
    (["Given", "Refused", "Missed"], True),
    (["Active", "Completed", "Withdrawn"], False),     # a patient's status
    (["Active", "Completed"], False),
    (["Screen fail", "Lost to follow-up", "Completed"], False),
])
def test_a_bare_status_column_is_the_action_column_by_its_cells(cells, actions):
    assert looks_like_actions(np.array(cells, dtype=object), name="Status") is actions


def test_given_and_not_given_alone_are_no_actions_under_another_name():
    """A sheet's 'Infusion' column of Given / Not given is its yes/no, not a MAR."""
    assert not looks_like_actions(np.array(["Given", "Not given"], dtype=object), name="Infusion")
    assert not looks_like_actions(np.array(["Given", "Not given"], dtype=object))
    assert looks_like_actions(np.array(["Given", "Not given", "Refused"], dtype=object))


def test_a_mar_whose_bare_status_says_given_or_not_given_reads_it_as_the_action():
    """A medication record with a bare 'Status' of Given / Not Given: the proposal passes the column's name to
    looks_like_actions, so a Not Given dose is no administration. H1: given on 03-04, not given on 03-18: one
    course; H2: given on 03-11: one course."""
    from analysis.io.propose import inspect
    mar = ("Patient,Medication,Status,Admin Date/Time\n"
           "H1,Ketamine infusion,Given,2024-03-04T09:00\nH1,Ketamine infusion,Not Given,2024-03-18T09:00\n"
           "H2,Ketamine infusion,Given,2024-03-11T09:00\n").encode()
    flow = ("Patient,Taken Time,Flowsheet Row,Value\nH1,2024-03-01T10:00,Pain Score,8\nH1,2024-03-19T10:00,Pain Score,4\n"
            "H2,2024-03-08T10:00,Pain Score,6\nH2,2024-03-12T10:00,Pain Score,3\n").encode()
    files = {"mar.csv": mar, "flowsheet.csv": flow}
    roles = {c.header: c.column.role for f in inspect(files).files for c in f.columns}
    assert roles["Status"] == "action"
    courses = load_files(files).treatments
    assert courses.groupby("patient_id").size().to_dict() == {"H1": 1, "H2": 1}
