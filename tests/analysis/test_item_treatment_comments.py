"""A coded-entry report's procedure entry (``Intravenous infusion of ketamine``, the value empty) whose free text
says it was not given is no administration (analysis/io/item_treatments.py; docs/data-format.md, "Procedures
listed among the observations").

Before: only the value column was read, so an entry written ``Not given - patient unwell`` or ``DNA`` in its
``Text`` was an infusion, starting or lengthening a course. The expected values are the files' own cells, read by
hand: S001 ketamine on 2 Aug (``Tolerated well, no side effects``: given) and 8 Aug (``Not given - patient
unwell``): one course of 1 administration, NRS 8 -> 4 (50 %). S002 lidocaine on 3 Aug (``Declined``): no
course; on 10 Aug (``given``): a course, NRS 6 -> 3 (50 %). S003 ketamine on 5 Aug (``Pt DNA``): no course.
"""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.definitions import Definitions
from analysis.episodes import build_episodes
from analysis.io import spec as export_spec
from analysis.io.item_treatments import comment_says_not_given
from analysis.io.propose import inspect

NRS = ("XaQ9A", "Numeric pain rating scale score")
KETAMINE, LIDOCAINE = ("Y1234", "Intravenous infusion of ketamine"), ("Y1235", "Intravenous infusion of lidocaine")

ROWS = [
    ("S001", "02/08/2024", "07:40", NRS, "8", ""),
    ("S001", "02/08/2024", "08:00", KETAMINE, "", "Tolerated well, no side effects"),
    ("S001", "02/08/2024", "11:00", NRS, "4", ""),
    ("S001", "08/08/2024", "08:00", KETAMINE, "", "Not given - patient unwell"),          # line 5
    ("S002", "03/08/2024", "08:30", NRS, "6", "Declined"),                                # a score: its text is not read
    ("S002", "03/08/2024", "09:00", LIDOCAINE, "", "Declined"),                           # line 7
    ("S002", "10/08/2024", "08:30", NRS, "6", ""),
    ("S002", "10/08/2024", "09:00", LIDOCAINE, "", "given"),
    ("S002", "10/08/2024", "12:00", NRS, "3", ""),
    ("S003", "15/08/2024", "08:00", KETAMINE, "", "Pt DNA"),                              # line 11
    ("S003", "15/08/2024", "17:00", NRS, "7", ""),
]


def report(rows=ROWS, text: str = "Text") -> dict:
    """SystmOne's clinical report with the entries' free text: every field quoted, CRLF line ends."""
    lines = [["Study ID", "Date", "Time", "Code", "Term", "Numeric value", text]] + [
        [p, d, t, code, term, v, x] for p, d, t, (code, term), v, x in rows]
    body = "".join(",".join(f'"{x}"' for x in line) + "\r\n" for line in lines)
    return {"clinical_report.csv": body.encode()}


def _load(files, **kw):
    return load_files(files, date_format="DMY", **kw)


def test_an_entry_whose_text_says_not_given_is_no_administration_and_is_listed_with_its_text():
    ds = _load(report())
    t = ds.treatments.sort_values(["patient_id", "day"])
    assert t[["patient_id", "treatment", "administrations"]].values.tolist() == [
        ["S001", "Ketamine infusion", 1], ["S002", "Lidocaine infusion", 1]]
    ep = build_episodes(ds, Definitions()).table.sort_values(["patient_id", "start"])
    assert ep["immediate_relief_pct"].round(1).tolist() == [50.0, 50.0]
    ex = ds.report.exclusions.sort_values("line")
    assert ex[["line", "column", "value"]].values.tolist() == [[5, "Text", "Not given - patient unwell"],
                                                               [7, "Text", "Declined"], [11, "Text", "Pt DNA"]]
    assert ex["reason"].iloc[1] == ("'Declined' in 'Text' of the treatment 'Intravenous infusion of lidocaine': not "
                                    "given (not an administration)")
    # The scores are all read, the one beside a 'Declined' text too.
    assert len(ds.assessments) == 6


def _with_text(text: str) -> list:
    """The rows, S001's entry of 8 Aug (line 5) with ``text``."""
    return [r[:5] + (text,) if i == 3 else r for i, r in enumerate(ROWS)]


def _s001_administrations(ds) -> int:
    return int(ds.treatments.loc[ds.treatments["patient_id"] == "S001", "administrations"].sum())


@pytest.mark.parametrize("text", ["Not given", "Declined", "Cancelled", "Not done", "Refused", "Omitted", "DNA",
                                  "Cancelled by patient", "Not given as BP too high", "Ketamine infusion not given",
                                  "Refused (needle phobia)", "Did not attend", "Nicht gegeben", "Annulée"])
def test_a_clear_negation_of_the_entry_drops_it(text):
    ds = _load(report(_with_text(text)))
    assert _s001_administrations(ds) == 1
    assert [5, text] in ds.report.exclusions[["line", "value"]].values.tolist()


@pytest.mark.parametrize("text", ["given", "Given", "tolerated well", "no side effects", "not painful", "No",
                                  "Antiemetic declined", "Premeds declined and infusion given", "Declined ondansetron",
                                  "Patient refused follow-up call", "Not given at 09:00, given at 11:30",
                                  "Infusion no. 3", "No nausea", ""])
def test_a_negation_about_something_else_keeps_the_entry(text):
    ds = _load(report(_with_text(text)))
    assert _s001_administrations(ds) == 2
    assert 5 not in set(ds.report.exclusions["line"])
    assert not comment_says_not_given(text)


@pytest.mark.parametrize("name", ["Comment", "Comments", "Notes", "Free text", "Associated text", "Kommentar",
                                  "Commentaire"])
def test_the_free_text_is_read_under_its_usual_names(name):
    ds = _load(report(text=name))
    assert sorted(ds.report.exclusions["line"]) == [5, 7, 11]
    assert set(ds.report.exclusions["column"]) == {name}


def test_another_column_with_a_not_given_word_is_not_read_as_the_entrys_text():
    # 'Referral outcome' is no free text: its 'Declined' (a clinician's name, a referral's answer) says nothing of the entry.
    ds = _load(report(text="Referral outcome"))
    assert len(ds.treatments) == 3 and ds.report.exclusions.empty


def test_a_saved_mapping_reads_the_free_text_the_same_way():
    mapping = export_spec.from_json(inspect(report(), date_format="DMY").spec.to_json())
    ds = load_files(report(), mapping=mapping)
    assert sorted(ds.report.exclusions["line"]) == [5, 7, 11]


@pytest.mark.parametrize("text", ["Bolus declined", "Bolus not given, infusion only", "Top up - declined",
                                  "Top up: not given", "Dose increase declined", "Infusion given, top up declined",
                                  "Lidocaine not given today", "Lidocaine not given - ketamine only",
                                  "Premed - refused"])
def test_a_negation_about_a_bolus_a_top_up_or_another_drug_keeps_the_ketamine_entry(text):
    # The regression review (B02, B03, B06-B08): the bolus and any drug studied were read as the entry's own words,
    # and a bare 'declined' after 'Top up -' as the entry's, so each of these dropped a ketamine infusion.
    ds = _load(report(_with_text(text)))
    assert _s001_administrations(ds) == 2
    assert 5 not in set(ds.report.exclusions["line"])
    assert not comment_says_not_given(text, KETAMINE[1])


def test_only_the_drug_the_entry_names_is_its_own_in_its_text():
    assert comment_says_not_given("Lidocaine not given", LIDOCAINE[1])
    assert comment_says_not_given("Lidokain nicht gegeben", "Lidocaine IV")
    assert not comment_says_not_given("Lidocaine not given", KETAMINE[1])
    assert not comment_says_not_given("Ketamine declined", LIDOCAINE[1])
    # A verdict on the entry itself after a part's clause still drops it.
    assert comment_says_not_given("Top up: declined. Infusion not given", KETAMINE[1])
    assert comment_says_not_given("Bolus - ketamine declined", KETAMINE[1])
