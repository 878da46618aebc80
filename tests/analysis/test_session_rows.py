"""A log whose row-type column names the treatment sessions on some rows and other visits on others
('Infusion #1' ... and 'Follow-up'; 'Ketamine infusion' and 'Phone call'): the session rows are the
administrations, the others plain visits (analysis/io/session_rows.py, analysis/io/visits.py
session_treatment; docs/data-format.md, "A column saying which rows are sessions").

Relief by hand: baseline = the first session's pre score, immediate = its post score, week 4 = the score of
day 28; responder = relief >= 30%.
"""
from __future__ import annotations

import numpy as np
import pytest

from clinic_checks import check_rate, columns, group, relief, scores
from analysis import load_files
from analysis.io.courses import marked_treatment_rows
from analysis.io.propose import inspect
from analysis.io.session_rows import session_codes

# patient: (baseline, post, week 4)
COHORT = {"A": (8, 4, 5), "B": (6, 5, 6), "C": (10, 5, 8)}


def _ten_day_log(follow_up: str = "Follow-up") -> bytes:
    """Ten daily sessions 'Infusion #1'..'#10' from 04/03 (day 9 apart per patient), then a follow-up row at
    day 28 with the week-4 pain in 'Pain pre'."""
    rows = ["Patient,Date,Session,Pain pre,Pain post"]
    for i, (pid, (b, p, w4)) in enumerate(COHORT.items()):
        for d in range(10):
            rows.append(f"{pid},{4 + 9 * i + d:02d}/03/2024,Infusion #{d + 1},{b if d == 0 else p},{p}")
        day28 = np.datetime64("2024-03-04") + np.timedelta64(9 * i + 28, "D")
        rows.append(f"{pid},{day28.astype(object).strftime('%d/%m/%Y')},{follow_up},{w4},")
    return ("\n".join(rows) + "\n").encode()


def test_follow_up_rows_among_numbered_sessions_are_visits_not_infusions():
    """Ten sessions and a follow-up per patient: one course each (10 administrations, days 0-9), not a second
    course at day 28; week 4 is the follow-up's score: A 8 -> 5 37.5%, B 6 -> 6 0%, C 10 -> 8 20%: 1 of 3
    responders; immediate A 50%, B 16.7%, C 50%."""
    ds = load_files({"log.csv": _ten_day_log()})
    t = ds.treatments.sort_values("patient_id")
    assert t[["patient_id", "day", "treatment", "administrations"]].values.tolist() == [
        [pid, 0.0, "Infusion", 10] for pid in COHORT]
    assert scores(ds)["A"][-1] == (28.0, 5.0)
    g = group(ds)
    assert g["episodes_used"] == 3
    check_rate(g["responder_rate_by_week"]["4"], 1, 3)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx(np.mean([relief(b, p) for b, p, _ in COHORT.values()]))


@pytest.mark.parametrize("follow_up", ["Follow-up", "Phone call", "FU visit"])
def test_a_session_column_with_a_quarter_of_other_visits_is_proposed_as_the_treatment(follow_up):
    """Nine of ten rows sessions or three of four: the same reading; the note names the visits."""
    files = {"log.csv": _ten_day_log(follow_up)}
    col = columns(files)[("log.csv", "Session")]
    assert col.role == "treatment" and col.codes[follow_up] == "" and col.codes["Infusion #3"] == "Infusion"
    assert any(f"the rows {follow_up!r} are visits" in n for n in inspect(files).notes)


def test_a_type_column_of_ketamine_infusions_and_phone_calls_loads_with_the_drug_as_the_treatment():
    """'Type' = Ketamine infusion (pre and post) / Phone call (the pain in 'Pain after' on days 7 and 28):
    one Ketamine course each; the calls' scores are plain scores of their day (7, 28), not an hour later."""
    rows = ["Patient,Date,Type,Pain before,Pain after"]
    for i, (pid, (b, p, w4)) in enumerate(COHORT.items()):
        rows += [f"{pid},2024-03-{4 + i:02d},Ketamine infusion,{b},{p}",
                 f"{pid},2024-03-{11 + i:02d},Phone call,,{p + 1}",
                 f"{pid},2024-04-{1 + i:02d},Phone call,,{w4}"]
    files = {"log.csv": ("\n".join(rows) + "\n").encode()}
    assert columns(files)[("log.csv", "Type")].codes == {"Ketamine infusion": "Ketamine", "Phone call": ""}
    ds = load_files(files)
    assert ds.treatments["treatment"].tolist() == ["Ketamine"] * 3
    assert [d for d, _ in scores(ds)["A"]] == [0.0, round(1 / 24, 6), 7.0, 28.0]
    check_rate(group(ds)["responder_rate_by_week"]["4"], 1, 3)


@pytest.mark.parametrize("cells, codes", [
    (["Infusion #1", "Infusion #2", "Follow-up"], {"Infusion #1": "Infusion", "Infusion #2": "Infusion",
                                                   "Follow-up": ""}),
    (["Ketamine infusion", "Ketamine infusion", "Phone call"], {"Ketamine infusion": "Ketamine", "Phone call": ""}),
    # the one drug named gives the numbered sessions their treatment; a booster is a session of it
    (["Lidocaine infusion 1", "Infusion 2", "Booster 1", "Baseline"],
     {"Lidocaine infusion 1": "Lidocaine", "Infusion 2": "Lidocaine", "Booster 1": "Lidocaine", "Baseline": ""}),
    (["Perfusion n°1", "Perfusion n°2", "Contrôle"], {"Perfusion n°1": "Perfusion", "Perfusion n°2": "Perfusion",
                                                      "Contrôle": ""}),
    (["Session 1", "Session 2", "Post-infusion"], {"Session 1": "Infusion", "Session 2": "Infusion",
                                                   "Post-infusion": ""}),
])
def test_the_cells_naming_a_session_are_its_treatment_and_the_others_no_treatment(cells, codes):
    assert session_codes(np.array(cells + [""], dtype=object)) == codes


@pytest.mark.parametrize("cells", [
    ["Infusion #1", "Infusion #2", "Infusion postponed"],   # given or not? not to be guessed
    ["Infusion #1", "Infusion (half dose)", "Follow-up"],
    ["Infusion #1", "Follow-up", "Follow-up"],              # one session: no column of sessions
    ["Session", "Session", "Phone call"],                   # a bare 'Session' names no treatment
    ["Infusion 1", "Infusion 2"] + [f"Visit kind {k}" for k in range(9)],  # free text, not a row type
])
def test_a_column_that_does_not_tell_sessions_from_visits_is_not_read(cells):
    assert session_codes(np.array(cells, dtype=object)) is None


def test_a_visit_type_marking_ketamine_infusion_rows_without_pre_post_scores_is_a_point_to_review():
    """Without scores around the start nothing is guessed, but the review names 'Ketamine infusion' as the
    rows that may be the treatments (before, only a bare 'Infusion' was recognised)."""
    cells = np.array(["Baseline", "Ketamine infusion", "Follow-up", "Baseline", "Ketamine infusion"], dtype=object)
    nrs = np.array(["8", "", "5", "7", ""], dtype=object)
    point = marked_treatment_rows("v.csv", ["Visit type", "NRS"], {0: cells, 1: nrs}, [1], [0])
    assert point is not None and "'Ketamine infusion'" in point


@pytest.mark.parametrize("follow_up", ["Infusion follow-up", "Post-infusion call", "Ketamine infusion phone review",
                                       "Infusion FU", "Nachsorge Infusion", "Suivi perfusion",
                                       "Seguimiento infusión"])
def test_a_follow_up_row_that_names_the_infusion_is_a_visit(follow_up):
    """A follow-up, call or review word makes the row a visit whatever else it says (read as a session, or as a
    mention of the treatment, the log was left unread: "add a treatments.csv"). Same numbers as with 'Follow-up'."""
    assert session_codes(np.array(["Infusion #1", "Infusion #2", follow_up], dtype=object))[follow_up] == ""
    ds = load_files({"log.csv": _ten_day_log(follow_up)})
    assert ds.treatments.groupby("patient_id").size().to_dict() == {"A": 1, "B": 1, "C": 1}
    g = group(ds)
    assert g["immediate_relief_pct"]["estimate"] == pytest.approx((relief(8, 4) + relief(6, 5) + relief(10, 5)) / 3)
    check_rate(g["responder_rate_by_week"]["4"], 1, 3)
