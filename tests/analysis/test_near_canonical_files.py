"""Files nearly in the product's own format (the near-canonical review, rev15): measure labels spelled two ways
in long form, canonical file names with an export's headers or dates, and cells lost to one way of writing."""
from __future__ import annotations

import pytest

from analysis import DatasetError, MissingColumnError
from analysis.cli import unknown_measure_message

A = "assessments.csv"
T = "treatments.csv"


def rows(ds):
    a = ds.assessments
    return sorted(zip(a["patient_id"].astype(str), a["day"].astype(float), a["measure"].astype(str),
                      a["value"].astype(float)))


def courses(ds):
    t = ds.treatments
    return sorted(zip(t["patient_id"].astype(str), t["day"].astype(float), t["treatment"].astype(str).str.lower()))


# The same small dataset, canonical: 2 patients, a baseline, a follow-up, a course each.
CANON_A = "patient_id,day,pain_nrs\nP1,-2,8\nP1,1,4\nP2,-1,6\nP2,2,3\n"
CANON_T = "patient_id,day,treatment\nP1,0,ketamine\nP2,0,lidocaine\n"


def test_long_form_labels_spelled_phq9_and_phq_dash_9_are_one_measure_with_a_note(load):
    ds = load({A: "patient_id,day,measure,value\nP1,-1,PHQ9,20\nP1,1,PHQ-9,10\nP2,-1,phq 9,12\nP2,1,Phq9,6\n"})
    assert list(ds.measures) == ["phq9"]
    assert [r[3] for r in rows(ds)] == [20.0, 10.0, 12.0, 6.0]
    note = next(n for n in ds.report.notes if "were read as 'phq9'" in n)
    assert "'PHQ-9'" in note and "'phq 9'" in note and "'PHQ9'" in note


def test_a_label_mapped_explicitly_is_not_merged_by_its_spelling(load):
    ds = load({A: "patient_id,day,measure,value\nP1,-1,PHQ9,20\nP1,1,PHQ-9,10\n"}, mapping={"PHQ-9": "phq_other"})
    assert sorted(ds.measures) == ["phq9", "phq_other"]


def test_another_scale_of_the_phq_family_is_not_merged_into_phq9(load):
    ds = load({A: "patient_id,day,measure,value\nP1,-1,PHQ9,20\nP1,1,PHQ-15,10\n"})
    assert sorted(ds.measures) == ["PHQ-15", "phq9"]


def test_two_other_words_for_pain_stay_a_question_with_the_map_that_reads_both(load):
    ds = load({A: "patient_id,day,measure,value\nP1,-1,Pain,8\nP1,1,NRS,4\nP1,2,pain_nrs,4\n"})
    assert sorted(ds.measures) == ["NRS", "Pain", "pain_nrs"]
    warning = next(w for w in ds.report.warnings if "'NRS', 'Pain' look like 'pain_nrs'" in w)
    assert '--map "NRS=pain_nrs,Pain=pain_nrs"' in warning


def test_the_unknown_measure_error_suggests_the_map_not_one_label_as_the_measure():
    msg = unknown_measure_message("pain_nrs", ["NRS", "Pain", "phq9"])
    assert '--map "NRS=pain_nrs,Pain=pain_nrs"' in msg
    assert "Choose one with --measure" not in msg
    assert unknown_measure_message("gad7", ["phq9"]).endswith("Choose one with --measure.")


@pytest.mark.parametrize("a, t", [
    ("Patient ID,Day,Pain NRS,Comments\nP1,-2,8,tired\nP1,1,4,ok\nP2,-1,6,\nP2,2,3,\n",
     "Treatment,Patient ID,Day\nketamine,P1,0\nlidocaine,P2,0\n"),
    ("patient,day,NRS\nP1,-2,8\nP1,1,4\nP2,-1,6\nP2,2,3\n", "patient,day,Tx\nP1,0,ketamine\nP2,0,lidocaine\n"),
])
def test_canonical_names_with_an_exports_headers_read_as_the_export_would(load, a, t):
    ds = load({A: a, T: t})
    assert rows(ds) == rows(load({A: CANON_A, T: CANON_T}))
    assert courses(ds) == courses(load({A: CANON_A, T: CANON_T}))
    assert any("read as a clinic export" in n for n in ds.report.notes)


def test_canonical_names_with_day_first_dates_give_the_days_of_the_iso_dates(load):
    dmy = load({A: "patient_id,date,pain_nrs\nP1,13/03/2024,8\nP1,16/03/2024,4\n",
                T: "patient_id,date,treatment\nP1,15/03/2024,ketamine\n"})
    iso = load({A: "patient_id,date,pain_nrs\nP1,2024-03-13,8\nP1,2024-03-16,4\n",
                T: "patient_id,date,treatment\nP1,2024-03-15,ketamine\n"})
    assert rows(dmy) == rows(iso) == [("P1", -2.0, "pain_nrs", 8.0), ("P1", 1.0, "pain_nrs", 4.0)]


def test_date_format_settles_ambiguous_dates_in_canonical_names(load):
    files = {A: "patient_id,date,pain_nrs\nP1,03/04/2024,8\nP1,05/04/2024,4\n",
             T: "patient_id,date,treatment\nP1,04/04/2024,ketamine\n"}
    assert [r[1] for r in rows(load(files, date_format="DMY"))] == [-1.0, 1.0]
    assert [r[1] for r in rows(load(files, date_format="MDY"))] == [-31.0, 30.0]
    with pytest.raises(DatasetError, match="--date-format"):
        load(files)


def test_canonical_names_that_no_reading_can_read_keep_the_canonical_message_and_name_inspect(load):
    with pytest.raises(MissingColumnError, match=r"required column 'patient_id' is missing.*inspect .*--write-mapping"):
        load({A: "foo,day,pain_nrs\nP1,0,7\n"})


def test_canonical_files_load_as_before_without_a_note(load):
    ds = load({A: CANON_A, T: CANON_T})
    assert not any("clinic export" in n for n in ds.report.notes)


def test_fraction_scores_in_canonical_assessments_give_a_warning_naming_the_fix(load):
    body = "".join(f"P{i},-1,{i % 9}/10\nP{i},1,{i % 7}\n" for i in range(1, 7))
    ds = load({A: "patient_id,day,pain_nrs\n" + body})
    w = next(w for w in ds.report.warnings if "'pain_nrs'" in w)
    assert "6 of 12 row(s) (50%)" in w and '"not a number"' in w and "line 2: '1/10'" in w and "'/10'" in w


def test_hand_typed_dates_among_iso_dates_give_a_warning(load):
    body = "".join(f"P{i},2024-03-{10 + i:02d},5\nP{i},{10 + i:02d}/03/2024,4\n" for i in range(1, 5))
    ds = load({A: "patient_id,date,pain_nrs\n" + body})
    w = [w for w in ds.report.warnings if "column 'date'" in w]
    assert w and "YYYY-MM-DD" in w[0] and "4 of 8" in w[0]


def test_one_or_two_unreadable_cells_in_a_large_file_give_no_warning(load):
    body = "".join(f"P{i},-1,5\nP{i},1,4\n" for i in range(1, 40)) + "P1,2,x\n"
    ds = load({A: "patient_id,day,pain_nrs\n" + body})
    assert ds.report.warnings == [] and len(ds.report.exclusions) == 1


def test_a_canonical_day_beside_a_date_column_written_day_first_still_loads_as_the_format(load):
    # the second regression review: the canonical loader takes the time from 'day' and ignores the 'date' beside it
    ds = load({A: "patient_id,day,pain_nrs,date\nP1,-2,8,13/03/2024\nP1,1,4,16/03/2024\nP2,-1,6,13/03/2024\n"
                  "P2,2,3,16/03/2024\n", T: CANON_T})
    assert [r[:2] + r[3:] for r in rows(ds)] == [("P1", -2.0, 8.0), ("P1", 1.0, 4.0), ("P2", -1.0, 6.0),
                                                   ("P2", 2.0, 3.0)]
    assert not any("read as a clinic export" in n for n in ds.report.notes)


def test_a_label_with_the_measures_own_range_is_the_measure_and_another_word_beside_a_spelling_asks(load):
    ds = load({A: "patient_id,day,measure,value\nP1,-1,PHQ-9,20\nP1,1,PHQ-9 (0-27),10\nP2,-1,PHQ9,12\n"
                  "P2,1,PHQ-9 (0-27),6\n", T: CANON_T})
    assert list(ds.measures) == ["phq9"] and len(rows(ds)) == 4
    # 'Pain NRS' spells pain_nrs, 'Pain (0-10)' is another word for it: merging the one would analyse half the
    # scores as pain_nrs, so neither is merged (the question of the file's measures is asked instead)
    ds = load({A: "patient_id,day,measure,value\nP1,-1,Pain NRS,8\nP1,1,Pain (0-10),4\nP2,-1,Pain NRS,6\n"
                  "P2,1,Pain (0-10),3\n", T: CANON_T})
    assert "pain_nrs" not in ds.measures
