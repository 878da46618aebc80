"""A UK coded-entry report (SystmOne, EMIS) lists procedures and scores in one list, one row per coded entry:
``Intravenous infusion of ketamine`` with no value beside ``Numeric pain rating scale score`` ``9``. The
procedures are treatment administrations, grouped into courses; the scores stay observations
(analysis/io/item_treatments.py). The expected values are the files' own cells, read by hand."""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.definitions import Definitions
from analysis.episodes import build_episodes
from analysis.io import spec as export_spec
from analysis.io.item_treatments import names_an_administration
from analysis.io.propose import inspect

HEADER = ["Study ID", "Date", "Time", "Code", "Term", "Numeric value"]
NRS, PHQ = ("XaQ9A", "Numeric pain rating scale score"), ("XaLIU", "PHQ-9 total score")
KETAMINE, LIDOCAINE = ("Y1234", "Intravenous infusion of ketamine"), ("Y1235", "Intravenous infusion of lidocaine")

#: S001: ketamine on 2 and 8 Aug (one course: 6 days apart), NRS 8 before and 4 after (50 % relief), 6 at week 4.
#: S002: lidocaine on 3 Aug, NRS 6 before and 3 after (50 %). S003: ketamine on 5 Aug (NRS 10, then 9: 10 %) and
#: again on 20 Sep, a course of its own (NRS 9, then 3: 66.7 %).
ROWS = [
    ("S001", "02/08/2024", "07:00", PHQ, "14"), ("S001", "02/08/2024", "07:40", NRS, "8"),
    ("S001", "02/08/2024", "08:00", KETAMINE, ""), ("S001", "02/08/2024", "11:00", NRS, "4"),
    ("S001", "08/08/2024", "08:00", KETAMINE, ""), ("S001", "30/08/2024", "10:00", NRS, "6"),
    ("S002", "03/08/2024", "08:30", NRS, "6"), ("S002", "03/08/2024", "09:00", LIDOCAINE, ""),
    ("S002", "03/08/2024", "12:00", NRS, "3"),
    ("S003", "05/08/2024", "07:30", NRS, "10"), ("S003", "05/08/2024", "08:00", KETAMINE, ""),
    ("S003", "05/08/2024", "12:00", NRS, "9"),
    ("S003", "20/09/2024", "07:30", NRS, "9"), ("S003", "20/09/2024", "08:00", KETAMINE, ""),
    ("S003", "20/09/2024", "12:00", NRS, "3"),
]


def report(rows=ROWS) -> dict:
    """The rows as SystmOne's clinical report writes them: every field quoted, CRLF line ends."""
    lines = [HEADER] + [[p, d, t, code, term, v] for p, d, t, (code, term), v in rows]
    text = "".join(",".join(f'"{x}"' for x in line) + "\r\n" for line in lines)
    return {"clinical_report.csv": text.encode()}


def test_procedure_entries_without_a_value_are_treatment_courses_and_the_scores_give_their_relief():
    ds = load_files(report())
    c = ds.treatments.sort_values(["patient_id", "day"])
    assert c[["patient_id", "treatment"]].values.tolist() == [
        ["S001", "Ketamine infusion"], ["S002", "Lidocaine infusion"], ["S003", "Ketamine infusion"],
        ["S003", "Ketamine infusion"]]
    ep = build_episodes(ds, Definitions()).table.sort_values(["patient_id", "start"])
    assert ep["immediate_relief_pct"].round(1).tolist() == [50.0, 50.0, 10.0, 66.7]
    # Every row is used: the infusions as administrations, the rest as scores.
    assert ds.report.exclusions.empty
    assert set(ds.assessments["measure"].astype(str)) == {"pain_nrs", "phq9"} and len(ds.assessments) == 10


def test_the_proposal_reads_the_procedure_items_as_treatments_and_says_so():
    p = inspect(report())
    assert dict(p.spec.items) == {NRS[1]: "pain_nrs", PHQ[1]: "phq9", KETAMINE[1]: "treatment",
                                  LIDOCAINE[1]: "treatment"}
    assert p.spec.courses.treatments == {"ketamin": "Ketamine infusion", "lidocain": "Lidocaine infusion"}
    assert p.review == []
    said = [n for n in p.notes if "name a treatment given" in n]
    assert len(said) == 1 and KETAMINE[1] in said[0] and LIDOCAINE[1] in said[0]
    assert not any(n.startswith("No column gives treatments") for n in p.notes)


def test_a_saved_mapping_reads_next_months_report_the_same_way_and_lists_the_rows_not_given():
    mapping = export_spec.from_json(inspect(report()).spec.to_json())
    assert mapping.items[KETAMINE[1]] == "treatment"
    # Next month: S004's infusion charted 'Given', S005's 'Declined', S006's with a number (no yes).
    rows = [("S004", "13/10/2024", "07:40", NRS, "7"), ("S004", "13/10/2024", "08:00", KETAMINE, "Given"),
            ("S004", "13/10/2024", "11:00", NRS, "2"),
            ("S005", "14/10/2024", "07:40", NRS, "6"), ("S005", "14/10/2024", "08:00", KETAMINE, "Declined"),
            ("S006", "15/10/2024", "07:40", NRS, "5"), ("S006", "15/10/2024", "08:00", KETAMINE, "50")]
    ds = load_files(report(rows), mapping=mapping)
    assert ds.treatments[["patient_id", "treatment"]].values.tolist() == [["S004", "Ketamine infusion"]]
    ex = ds.report.exclusions.sort_values("line")
    assert ex[["line", "column", "value"]].values.tolist() == [[6, "Numeric value", "Declined"],
                                                               [8, "Numeric value", "50"]]
    assert "not given" in ex["reason"].iloc[0] and "neither empty nor a yes" in ex["reason"].iloc[1]


@pytest.mark.parametrize("item, value", [
    ("Ketamine dose (mg)", "50"), ("Previous ketamine infusion", ""), ("Pain score after ketamine infusion", "4"),
    ("Referral to pain clinic", ""), ("Referral for ketamine infusion", ""), ("Ketamine infusion declined", ""),
    ("Ketamine infusion not given", ""), ("Ketamine infusion DNA", ""), ("Ketamine infusion review", ""),
    ("Ketamin-Infusion nicht verabreicht", ""), ("Ketamine infusion stopped", ""),
    ("Lidocaine 5% plaster", ""), ("Esketamine nasal spray", ""),
    ("Stellate ganglion block", "")])
def test_an_item_that_only_mentions_a_treatment_is_no_administration(item, value):
    """Beside the real infusions, an entry about a dose, a history, a score, a referral, a visit, or a treatment
    not given (or another procedure, not a drug studied) is not read as one."""
    rows = ROWS + [("S001", "09/08/2024", "09:00", ("X0000", item), value)]
    items = dict(inspect(report(rows)).spec.items)
    assert items[KETAMINE[1]] == "treatment"
    assert items.get(item) != "treatment"


@pytest.mark.parametrize("item", ["Ketamine infusion", "Lidocaine IV infusion", "Ketamine infusion no. 3",
                                  "Intravenous infusion of ketamine 0.5 mg/kg"])
def test_an_infusion_named_other_ways_is_an_administration(item):
    rows = [(p, d, t, (code, item if (code, term) == KETAMINE else term), v) for p, d, t, (code, term), v in ROWS]
    assert dict(inspect(report(rows)).spec.items)[item] == "treatment"


def test_beside_a_medication_record_the_items_are_not_read_and_the_oral_doses_stay_out():
    """The record gives the administrations: the items would read them twice, at the documentation's time (the
    regression review: a checklist at 08:20 started the course before its 08:40 baseline). A note says how to read
    them; the record's ketamine stays named by its infused text only (its oral solution is no course)."""
    files = report()
    files["mar.csv"] = (b"Patient,Medication,Action,Admin Date/Time,Route\n"
                        b"S001,KETAMINE 200 MG IN NS 250 ML IV INFUSION,New Bag,2024-08-02T08:00,Intravenous\n"
                        b"S001,KETAMINE 10 MG ORAL SOLUTION,Given,2024-08-09T08:00,Oral\n"
                        b"S003,KETAMINE 200 MG IN NS 250 ML IV INFUSION,New Bag,2024-08-05T08:00,Intravenous\n")
    proposal = inspect(files)
    treatments = proposal.spec.courses.treatments
    assert "ketamin" not in treatments and "intravenous infusion of ketamine" not in treatments
    assert "treatment" not in dict(proposal.spec.items).values()
    assert any("but mar.csv gives the export's treatments: not read as administrations" in n for n in proposal.notes)
    assert not any("not the giving of a drug studied" in n and "Intravenous infusion of ketamine" in n
                   for n in proposal.notes)


@pytest.mark.parametrize("item", ["Ketamine side effects", "Currently on ketamine", "Seen in ketamine infusion clinic",
                                  "Ketamine infusion started (Y/N)", "Ketamine infusion - patient tolerated",
                                  "Has the patient had ketamine before?", "Ketamine level",
                                  "Ketamine infusion pre-procedure checklist complete", "Ketamin-Infusion Nebenwirkungen",
                                  # (second review: a nasal session, an oral issue, a trigger-point injection)
                                  "Esketamine 84 mg", "Ketamine 10 mg", "Lidocaine 1% injection"])
def test_a_question_or_note_about_the_treatment_is_not_its_administration(item):
    # The regression review's items: each, proposed as a treatment, started courses at reviews, checklists and
    # side-effect entries.
    assert not names_an_administration(item)


def test_an_item_answered_yes_or_no_is_a_question_not_proposed_as_administrations():
    rows = [(p, d, t, (c, term), ("Yes" if (c, term) == KETAMINE else v)) for p, d, t, (c, term), v in ROWS]
    items = dict(inspect(report(rows)).spec.items)
    assert KETAMINE[1] not in items and items[LIDOCAINE[1]] == "treatment"  # the lidocaine entries stay empty


def test_a_dated_infusion_sheet_beside_the_report_keeps_its_infusions():
    # Regression review case09: the items' 'ketamin' pattern left the sheet's 'Infusion' dates out as a co-medication.
    files = report()
    files["infusions.csv"] = b"Study ID,Infusion date\nS001,02/08/2024\nS003,05/08/2024\n"
    proposal = inspect(files)
    assert "treatment" not in dict(proposal.spec.items).values()
    assert not proposal.spec.courses.treatments.get("ketamin")


def test_an_entry_written_after_the_days_scores_is_read_at_its_date_and_one_between_them_at_its_time():
    # The entry's time is when it was written. Between the pre (07:40) and post (11:00) scores it is kept; written at
    # 15:30, after the post score, it would have made that score the baseline: read at its date, the day's scores
    # are placed by their order (the first the baseline, the next the immediate score).
    from analysis.io.item_treatments import entry_times
    import numpy as np
    import pandas as pd
    ns = lambda h: np.int64(pd.Timestamp(f"2024-08-02 {h}").value)
    # S3: PHQ-9 at 07:00, the entry at 07:55, pain at 08:30 and 13:00 (written before the pre score: its date);
    # S4: pain at 08:30, the entry at 09:00, the post score the next day (one score before it: its time kept, else the
    # lone 08:30 score was read as the immediate one); S5: pain 08:30 and 13:00, the entry at 15:30, PHQ-9 at 16:00.
    pids = ["S1", "S1", "S2", "S2", "S3", "S3", "S3", "S4", "S5", "S5", "S5"]
    times = [ns("07:40"), ns("11:00"), ns("08:30"), ns("13:00"), ns("07:00"), ns("08:30"), ns("13:00"), ns("08:30"),
             ns("08:30"), ns("13:00"), ns("16:00")]
    measures = ["pain_nrs"] * 4 + ["phq9", "pain_nrs", "pain_nrs", "pain_nrs", "pain_nrs", "pain_nrs", "phq9"]
    scores = pd.DataFrame({"pid": pids, "t": times, "measure": measures})
    t, has_time = entry_times(np.array(["S1", "S2", "S3", "S4", "S5"], dtype=object),
                              np.array([ns("08:00"), ns("15:30"), ns("07:55"), ns("09:00"), ns("15:30")]),
                              np.array([True] * 5), scores)
    assert list(has_time) == [True, False, False, True, False]
    assert t[0] == ns("08:00") and t[1] == np.int64(pd.Timestamp("2024-08-02").value)


def test_an_entry_at_the_minute_of_the_days_scores_is_read_at_its_date():
    # One consultation time for the pre score, the entry and the post score (all 09:00): kept, the two 09:00 scores
    # conflicted and every episode was lost (the fourth review); at its date the scores are placed by their order.
    from analysis.io.item_treatments import entry_times
    import numpy as np
    import pandas as pd
    nine = np.int64(pd.Timestamp("2024-03-04 09:00").value)
    scores = pd.DataFrame({"pid": ["S1", "S1"], "t": [nine, nine], "measure": ["pain_nrs", "pain_nrs"]})
    t, has_time = entry_times(np.array(["S1"], dtype=object), np.array([nine]), np.array([True]), scores)
    assert not has_time[0] and t[0] == np.int64(pd.Timestamp("2024-03-04").value)
