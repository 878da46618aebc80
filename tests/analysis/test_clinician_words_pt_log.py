"""A physiotherapy appointment report (the fresh-eyes review's d3, items 7-9): a provider column of person names
is not proposed as a covariate that loading then refuses; the proposal names the column that could give the
treatment; a visit row whose score is read is listed with a reason saying its scores are used; the identifier
refusal gives no date advice for a column of names.
"""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import load_files
from analysis.errors import IdentifierError
from analysis.io.propose import inspect


def pt_report(n_patients: int = 8) -> dict[str, bytes]:
    """Per patient: an initial evaluation, three weekly sessions, a re-evaluation; one provider (a name)."""
    rows = []
    for i in range(1, n_patients + 1):
        for d, kind in ((5, "Initial Evaluation"), (12, "Physical Therapy Session"), (19, "Physical Therapy Session"),
                        (26, "Physical Therapy Session"), (33, "Re-evaluation")):
            rows.append((f"C-{i:03d}", f"02/{d - 4:02d}/2024", kind, "Arrived",
                         "DPT Smith" if i % 2 else "DPT Jones", 6 - (d > 12)))
    frame = pd.DataFrame(rows, columns=["Client ID", "Appointment Date", "Appointment Type", "Status", "Provider",
                                        "NPRS"])
    return {"appointments_report.csv": frame.to_csv(index=False).encode()}


def roles(files) -> dict:
    return {c.header: c.column.role for f in inspect(files).files for c in f.columns}


def test_a_provider_column_of_names_is_proposed_ignore_not_a_covariate_the_guard_refuses():
    files = pt_report()
    proposal = inspect(files)
    assert roles(files)["Provider"] == "ignore"
    assert proposal.spec.files[0].columns["Provider"].role == "ignore"
    why = next(c.why for f in proposal.files for c in f.columns if c.header == "Provider")
    assert why.startswith("looks like a direct identifier (it holds person names)")
    assert sum("'Provider' looks like a direct identifier" in n for n in proposal.notes) == 1


def test_the_proposal_names_the_column_that_could_give_the_treatments():
    note = next(n for n in inspect(pt_report()).notes if n.startswith("No column gives treatments"))
    assert "'Appointment Type' in appointments_report.csv ('Physical Therapy Session', 'Initial Evaluation', " \
           "'Re-evaluation')" in note
    assert 'give that column the role "treatment" in the mapping' in note
    for other in ("'Provider'", "'Status'", "'NPRS'", "'Client ID'"):
        assert other not in note


def test_a_column_the_same_on_each_of_a_patients_rows_is_not_named_as_the_treatment():
    files = pt_report()
    frame = pd.read_csv(pd.io.common.BytesIO(files["appointments_report.csv"]))
    frame["Appointment Type"] = frame["Client ID"].map(lambda p: "Group A" if p < "C-004" else "Group B")
    note = next(n for n in inspect({"a.csv": frame.to_csv(index=False).encode()}).notes
                if n.startswith("No column gives treatments"))
    assert "Appointment Type" not in note


def test_the_identifier_refusal_of_a_column_of_names_gives_no_date_advice():
    with pytest.raises(IdentifierError) as err:
        load_files(pt_report())
    assert "column 'Provider': it holds person names" in str(err.value)
    assert "as a date" not in str(err.value)
    assert "or load with --drop-identifiers to drop it" in str(err.value)


def test_evaluation_rows_whose_scores_are_used_say_so_in_their_reason():
    files = pt_report()
    doc = inspect(files).spec.to_json()
    doc["files"][0]["columns"]["Appointment Type"] = "treatment"
    ds = load_files(files, mapping=doc, drop_identifiers=True)
    reasons = ds.report.exclusions["reason"].astype(str).value_counts().to_dict()
    assert reasons == {"'Initial Evaluation' names a visit, not a treatment session: its scores are used; the row "
                       "is only not a treatment": 8,
                       "'Re-evaluation' names a visit, not a treatment session: its scores are used; the row is only "
                       "not a treatment": 8}
    assert ds.n_scores == 40  # every row's score, the evaluations' included
    assert len(ds.treatments) == 8  # three weekly sessions: one course each


def test_a_treatment_text_not_chosen_on_a_row_without_scores_keeps_the_short_reason():
    frame = pd.DataFrame({"Patient": ["P1"] * 4, "Date": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
                          "Visit type": ["Massage", "Infusion", "", ""], "NRS": ["", "", 4, 3]})
    files = {"log.csv": frame.to_csv(index=False).encode()}
    doc = inspect(files).spec.to_json()
    doc["files"][0]["columns"]["Visit type"] = "treatment"
    doc["courses"]["treatments"] = {"Infusion": "Ketamine"}
    ds = load_files(files, mapping=doc)
    reasons = set(ds.report.exclusions["reason"].astype(str))
    assert reasons == {"'Massage' is not a chosen treatment (courses.treatments)"}
