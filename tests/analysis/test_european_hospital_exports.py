"""Hospital systems' exports in Dutch, German and French read without a mapping (a review's HiX, ORBIS, DPI cases).

A measurement list (`Meting`/`Uitslag`, `Messung`/`Messwert`) was read as one measure mixing pain and PHQ-9,
`Studienummer` was no patient id, `Medicatie` no treatment, `Lidocaïne` matched no treatment studied, and two
sites' `Ketamin` and `Ketamine` were two treatments. Specification: docs/data-format.md ("What the proposal
decides by itself", "Rules").
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.io.column_words import has_word
from analysis.io.courses import one_spelling, treatment_labels
from analysis.io.id_column import patient_id_rank
from analysis.io.propose import inspect

METINGEN = ("\ufeffStudienummer;Datum/tijd;Meting;Uitslag\n"
            "NL001;05-02-2024 08:45;PHQ-9 totaalscore;15\nNL001;05-02-2024 09:15;Pijnscore (NRS);7\n"
            "NL001;05-02-2024 12:45;Pijnscore (NRS);3\nNL001;14-03-2024 10:00;Pijnscore (NRS);4\n"
            "NL001;14-03-2024 10:05;PHQ-9 totaalscore;9\n"
            "NL002;06-02-2024 08:40;PHQ-9 totaalscore;12\nNL002;06-02-2024 09:10;Pijnscore (NRS);8\n"
            "NL002;06-02-2024 12:40;Pijnscore (NRS);6\nNL002;15-03-2024 11:00;Pijnscore (NRS);7\n"
            "NL002;15-03-2024 11:05;PHQ-9 totaalscore;11\n").encode("utf-8")
TOEDIENINGEN = ("\ufeffStudienummer;Datum/tijd toediening;Medicatie;Toedieningsweg;Status\n" + "".join(
    f"{p};{d}-02-2024 09:{m};Lidocaïne 100 mg/ml infusie;intraveneus;{status}\n"
    for p, first, m in (("NL001", 5, "45"), ("NL002", 6, "30"))
    for d, status in ((first, "Toegediend"), (first + 1, "Toegediend"), (first + 2, "Niet toegediend")))).encode()


def test_a_dutch_hospital_export_loads_without_a_mapping_each_measure_apart():
    ds = load_files({"metingen.csv": METINGEN, "toedieningen.csv": TOEDIENINGEN})
    a = ds.assessments
    assert sorted(set(a["measure"])) == ["pain_nrs", "phq9"]
    assert sorted(a[a.measure == "pain_nrs"]["value"]) == [3, 4, 6, 7, 7, 8]
    assert list(ds.treatments["treatment"]) == ["Lidocaine infusion", "Lidocaine infusion"]
    assert list(ds.treatments["administrations"]) == [2, 2]
    assert list(ds.report.exclusions["value"]) == ["Not given", "Not given"]  # read by its codes


@pytest.mark.parametrize("name,role", [("Meting", "item"), ("Messung", "item"), ("Term", "item"),
                                       ("Uitslag", "value"), ("Messwert", "value"), ("Ergebnis", "value"),
                                       ("Numeric value", "value"), ("Résultat", "value"),
                                       ("Medicatie", "treatment"), ("Geneesmiddel", "treatment")])
def test_names_of_a_measurement_list_and_its_medication_in_other_languages(name, role):
    assert has_word(role, name)


@pytest.mark.parametrize("name,rank", [("Studienummer", 2), ("Studiennummer", 2), ("Proefpersoon", 1),
                                       ("N° anonymat", 1)])
def test_study_numbers_are_patient_ids(name, rank):
    assert patient_id_rank(name, [name]) == rank


def test_a_treatment_pattern_finds_the_drug_written_with_accents():
    text = np.array(["LIDOCAÏNE 1 % perfusion", "KÉTAMINE 50 mg/5 ml", "Paracétamol"], dtype=object)
    labels = treatment_labels(text, {"lidocain": "Lidocaine infusion", "ketamin": "Ketamine infusion"})
    assert list(labels) == ["Lidocaine infusion", "Ketamine infusion", ""]


def test_the_proposal_finds_a_french_records_accented_drugs():
    rows = [f"ANO00{p};{d}/04/2024 08:30;{drug};IV;{status}" for p, drug in ((1, "KÉTAMINE 50 mg/5 ml sol inj"),
                                                                         (2, "LIDOCAÏNE 1% sol inj"),
                                                                         (3, "KÉTAMINE 50 mg/5 ml sol inj"))
            for d, status in ((15, "Administré"), (16, "Administré"), (17, "Non administré"))]
    records = ("N° anonymat;Date administration;Médicament;Voie;Statut\n" + "\n".join(rows) + "\n").encode("cp1252")
    treatments = inspect({"export_administrations.csv": records}).spec.courses.treatments
    assert treatments == {"ketamin": "Ketamine infusion", "lidocain": "Lidocaine infusion"}


def test_a_drug_named_in_two_languages_is_one_treatment():
    labels, merged = one_spelling(np.array(["Ketamine", "Ketamin", "Ketamine", "Kétamine", "Lidocain", "Lidocaine",
                                            "Lignocaine", "Lidocaine", "Esketamin", "Esketamine", "Esketamine"],
                                           dtype=object))
    assert list(labels) == ["Ketamine"] * 4 + ["Lidocaine"] * 4 + ["Esketamine"] * 3
    assert merged["Ketamin"] == "Ketamine" and merged["Lignocaine"] == "Lidocaine"


def test_esketamine_and_ketamine_stay_two_treatments():
    labels, _ = one_spelling(np.array(["Ketamine", "Esketamine", "Esketamin", "Ketamin"], dtype=object))
    assert list(labels) == ["Ketamine", "Esketamine", "Esketamine", "Ketamine"]
