"""Which option edits a new upload of the same export carries (dashboard/mapping_edits.py): an option's edit
only where the new proposal starts from the value the edit started from, a dict option's edit key by key."""
from __future__ import annotations

import copy

from dashboard.mapping_edits import FileContent, carry_edits


def _proposal(**options) -> dict:
    doc = {"crps_outcomes_mapping": 1, "files": [{"match": "log.csv", "columns": {"id": "patient_id", "d": "date"}}],
           "courses": {"gap_days": 7.0}}
    doc.update(options)
    return doc


def test_a_date_format_is_not_carried_when_the_new_proposal_reads_the_dates_otherwise():
    old, new = _proposal(), _proposal(date_format="MDY")
    edited = _proposal(date_format="DMY")
    out = carry_edits(old, edited, new, ["log.csv"])
    assert out.mapping["date_format"] == "MDY"
    assert out.message() == "Your earlier choice of date format was not kept because the new files read otherwise."


def test_a_date_format_is_not_carried_onto_files_whose_dates_read_only_in_another_order():
    old = new = _proposal()
    edited = _proposal(date_format="DMY")
    content = FileContent(["id", "d"], date_orders={"MDY"})
    out = carry_edits(old, edited, new, ["log.csv"], contents=({"log.csv": FileContent(["id", "d"])},
                                                                {"log.csv": content}))
    assert "date_format" not in out.mapping
    assert "date format was not kept" in out.message()


def test_a_date_format_is_carried_when_the_new_files_start_from_the_same_reading():
    old, edited = _proposal(), _proposal(date_format="DMY")
    out = carry_edits(old, edited, copy.deepcopy(old), ["log.csv"])
    assert out.mapping["date_format"] == "DMY"
    assert "date format were kept" in out.message()


def test_a_dict_option_carries_the_keys_the_clinician_changed_added_or_removed_and_keeps_the_new_ones():
    old = _proposal(values={"text": {"none": 0, "mild": 3}})
    edited = _proposal(values={"text": {"none": 0, "severe": 9}})          # 'mild' removed, 'severe' added
    new = _proposal(values={"text": {"none": 0, "mild": 3, "moderate": 5}})  # 'moderate' newly proposed
    out = carry_edits(old, edited, new, ["log.csv"])
    assert out.mapping["values"]["text"] == {"none": 0, "moderate": 5, "severe": 9}
