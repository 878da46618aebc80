"""A German hospital information system's export (ORBIS-like): what the proposal makes of its columns.

A review's KIS export had the admission's `Fallnummer` proposed as the patient id (then refused on loading as a
record number), `Patienten-Nr.` read as a score, two treatment columns proposed (`Medikament`, `Wirkstoff`: the
loading refused the mapping) and `nicht verabreicht` not known as a treatment not given.
Specification: docs/data-format.md ("What the proposal decides by itself", the identifier guard's names).
"""
from __future__ import annotations

import pytest

from analysis import load_files
from analysis.errors import DatasetError
from analysis.io.identifiers.names import name_reason
from analysis.io.propose import inspect

MEDIKATION = ("Fallnummer;Patienten-Nr.;Medikament;Wirkstoff;Dosis;Einheit;Verabreicht am;Status\n"
              "24000010;4711037;Ketanest S 25 mg/ml Inj.-Lsg.;Esketamin;27,0;mg;28.03.2024 08:30;verabreicht\n"
              "24000010;4711037;Ketanest S 25 mg/ml Inj.-Lsg.;Esketamin;27,0;mg;29.03.2024 08:30;nicht verabreicht\n"
              "24000010;4711037;Ketanest S 25 mg/ml Inj.-Lsg.;Esketamin;27,0;mg;30.03.2024 08:30;verabreicht\n"
              "24000011;4711074;Lidocain 2% Perfusor;Lidocain;100;mg;02.04.2024 09:00;verabreicht\n"
              "24000011;4711074;Lidocain 2% Perfusor;Lidocain;100;mg;03.04.2024 09:00;nicht verabreicht\n"
              "24000011;4711074;Lidocain 2% Perfusor;Lidocain;100;mg;04.04.2024 09:00;verabreicht\n").encode("cp1252")


def _roles(files):
    return {(f.name, c.header): c.column.role for f in inspect(files).files for c in f.columns}


def test_a_record_number_by_its_name_is_never_proposed_as_the_patient_id_nor_as_a_score():
    roles = _roles({"Medikation.csv": MEDIKATION})
    assert roles[("Medikation.csv", "Fallnummer")] == "ignore"
    assert roles[("Medikation.csv", "Patienten-Nr.")] == "ignore"
    proposal = inspect({"Medikation.csv": MEDIKATION})
    assert any("no column looks like the patient id" in r for r in proposal.review)
    assert any("'Patienten-Nr.' looks like a direct identifier" in n for n in proposal.notes)


@pytest.mark.parametrize("name", ["Patienten-Nr.", "Patientennr", "Patientennummer", "Fallnummer"])
def test_the_german_patient_and_case_numbers_are_record_numbers(name):
    assert "medical record number" in name_reason(name)


def test_a_study_code_column_called_pat_nr_stays_a_patient_id():
    assert name_reason("Pat.-Nr.") is None


def test_one_column_names_the_treatment_a_second_is_not_read():
    roles = _roles({"Medikation.csv": MEDIKATION})
    assert roles[("Medikation.csv", "Medikament")] == "treatment"
    assert roles[("Medikation.csv", "Wirkstoff")] == "ignore"


def test_nicht_verabreicht_is_a_treatment_not_given():
    pseudonymised = MEDIKATION.replace(b"Fallnummer;Patienten-Nr.", b"Fall;Studien-ID").replace(b"4711", b"S-")
    notes = inspect({"Medikation.csv": pseudonymised}).notes
    assert any("'nicht verabreicht' are no administration" in n for n in notes)


def test_a_load_without_scores_names_a_reason_that_excludes_scores_not_a_covariate_left_empty():
    scores = ("Studien-ID;Datum;NRS;Einheit\nS1;01.03.2024;k.A.;mg\nS1;02.03.2024;k.A.;Punkte\n"
              "S1;03.03.2024;k.A.;Stück\n").encode()
    with pytest.raises(DatasetError) as e:
        load_files({"Messwerte.csv": scores})
    assert "covariate" not in str(e.value).split("most often:")[-1]
