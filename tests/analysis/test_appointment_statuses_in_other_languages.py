"""Appointment exports in French (Doctolib's ``Honoré`` / ``Non honoré``), German, Dutch, Italian and Spanish: only
the appointments that took place are administrations (analysis/io/appointment_status.py; docs/data-format.md,
"Appointment and encounter reports").

Before: a German ``Status`` of Erschienen / Abgesagt, a Dutch one of Verschenen / Niet verschenen / Geannuleerd /
Afgezegd, an Italian ``Stato`` and a Spanish ``Estado`` were not read as statuses (every cancelled or missed booster
a course: 7 courses, truth 4); a French ``Statut`` of Honoré / Non honoré read ``Non honoré`` (a no-show) as given.

The export below, by hand (pain NRS 0-10; pre score 20 minutes before the first infusion, post 4.5 hours after):
P1 infusions 8 and 10 Jan (took place), 12 Jan cancelled; a booster 19 Feb, a no-show. P2 infusion 8 Jan (took
place); boosters 26 Feb cancelled late, 28 Feb cancelled by the clinic. P3 infusion 15 Jan (took place), a booster
20 Feb no-show, 1 Mar (took place). Courses: P1 1 (2 administrations), P2 1, P3 2; lines 4, 5, 7, 8, 10 left out.
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis import load_files
from analysis.errors import MappingError
from analysis.io.appointment_status import held, is_appointment_status

APPOINTMENTS = [("P1", "08.01.2024", "09:00", "Ketamine Infusion", "held"),
                ("P1", "10.01.2024", "09:00", "Ketamine Infusion", "held"),
                ("P1", "12.01.2024", "09:00", "Ketamine Infusion", "cancelled"),
                ("P1", "19.02.2024", "09:00", "Ketamine Booster Infusion", "no_show"),
                ("P2", "08.01.2024", "10:00", "Ketamine Infusion", "held"),
                ("P2", "26.02.2024", "10:00", "Ketamine Booster Infusion", "late"),
                ("P2", "28.02.2024", "10:00", "Ketamine Booster Infusion", "clinician"),
                ("P3", "15.01.2024", "11:00", "Ketamine Infusion", "held"),
                ("P3", "20.02.2024", "11:00", "Ketamine Booster Infusion", "no_show"),
                ("P3", "01.03.2024", "11:00", "Ketamine Booster Infusion", "held")]
PAIN = ("Patient ID,Date,Time,Pain NRS\nP1,08.01.2024,08:40,8\nP1,08.01.2024,13:30,4\nP2,08.01.2024,09:40,7\n"
        "P2,08.01.2024,14:30,3\nP3,15.01.2024,10:40,6\nP3,15.01.2024,15:30,3\nP3,01.03.2024,10:40,6\n"
        "P3,01.03.2024,15:30,5\n")
COURSES = [["P1", 2], ["P2", 1], ["P3", 1], ["P3", 1]]
LEFT_OUT = [4, 5, 7, 8, 10]

#: (status column's name, the words of each status) of each language's export.
EXPORTS = {
    "French (Doctolib)": ("Statut", dict(held="Honoré", cancelled="Annulé", no_show="Non honoré", late="Annulé",
                                         clinician="Absent")),
    "French, unaccented": ("Statut", dict(held="HONORE", cancelled="ANNULE", no_show="NON HONORE", late="ANNULE",
                                          clinician="ANNULE")),
    "French, decomposed accents": ("Statut", dict(held="Honore\u0301", cancelled="Annule\u0301",
                                                  no_show="Non honore\u0301", late="Annule\u0301",
                                                  clinician="Annule\u0301")),
    "French, carried out": ("Statut du rendez-vous", dict(held="Réalisé", cancelled="Annulé", no_show="Absent",
                                                          late="Annulé", clinician="Annulé")),
    "French, done beside a no-show": ("Statut", dict(held="Effectué", cancelled="Annulé", no_show="Non honoré",
                                                     late="Annulé", clinician="Annulé")),
    "German, attended alone": ("Status", dict(held="Erschienen", cancelled="Abgesagt", no_show="Abgesagt",
                                              late="Abgesagt", clinician="Abgesagt")),
    "Dutch": ("Status", dict(held="Verschenen", cancelled="Geannuleerd", no_show="Niet verschenen", late="Afgezegd",
                             clinician="Geannuleerd")),
    "Italian": ("Stato", dict(held="Effettuato", cancelled="Annullato", no_show="Non presentato", late="Disdetto",
                              clinician="Annullato")),
    "Spanish": ("Estado", dict(held="Asistió", cancelled="Cancelada", no_show="No asistió", late="Cancelada",
                               clinician="Cancelada")),
    "Spanish, carried out": ("Estado de la cita", dict(held="Realizada", cancelled="Cancelada", no_show="Cancelada",
                                                        late="Cancelada", clinician="Cancelada")),
}


def _export(status: str, words: dict, extra: tuple[str, dict] | None = None) -> dict[str, bytes]:
    """The appointments export (``extra``: another column, with its value for each patient, before the status)."""
    head = f"Date,Time,Patient ID,Service,{extra[0] + ',' if extra else ''}{status}"
    rows = [head] + [",".join([d, t, p, s] + ([extra[1][p]] if extra else []) + [words[w]])
                     for p, d, t, s, w in APPOINTMENTS]
    return {"appointments_export.csv": ("\n".join(rows) + "\n").encode(), "pain.csv": PAIN.encode()}


def _courses(ds) -> list:
    t = ds.treatments.sort_values(["patient_id", "day"])
    return [[p, int(n)] for p, n in t[["patient_id", "administrations"]].values]


def _left_out(ds) -> list:
    ex = ds.report.exclusions
    return sorted(ex.loc[ex["reason"].str.contains("did not take place"), "line"].astype(int))


@pytest.mark.parametrize("language", list(EXPORTS))
def test_only_the_appointments_that_took_place_are_administrations_in_each_language(language):
    status, words = EXPORTS[language]
    ds = load_files(_export(status, words))
    assert _courses(ds) == COURSES
    assert _left_out(ds) == LEFT_OUT


def test_a_doctolib_no_show_is_listed_with_its_status_as_the_reason():
    ds = load_files(_export(*EXPORTS["French (Doctolib)"]))
    ex = ds.report.exclusions.set_index("line")
    assert ex.loc[5, "column"] == "Statut" and ex.loc[5, "value"] == "Non honoré"
    assert ex.loc[5, "reason"].startswith("the appointment did not take place (status 'Non honoré')")


@pytest.mark.parametrize("values,expected", [
    (["Honoré", "Non honoré"], [True, False]), (["honore", "non honore"], [True, False]),
    (["Erschienen", "Nicht erschienen"], [True, False]), (["Verschenen", "Niet verschenen", "Afgezegd"], [True, False, False]),
    (["Effettuato", "Non presentato", "Disdetto"], [True, False, False]),
    (["Asistió", "No asistió", "Cancelada"], [True, False, False]),
])
def test_each_status_says_whether_its_appointment_took_place(values, expected):
    assert held(np.array(values, dtype=object)).tolist() == expected


@pytest.mark.parametrize("name,values", [
    ("Paiement", ["Honoré", "Non honoré"]),              # a cheque honoured or bounced
    ("Règlement", ["Honoré", "Non honoré", "Annulé"]),
    ("Pratica", ["Presentato", "Non presentato"]),        # a claim submitted or not
    ("Vervoer", ["Afgezegd", "Bevestigd"]),               # a taxi
    ("Consent", ["Confirmed", "Declined"]),
    ("Statut", ["Réalisé", "Annulé"]),                    # an order's status, as 'Completed' / 'Cancelled' is
    ("Stato", ["Effettuato", "Non effettuato"]),          # a medication record's, read as its action
    ("Estado", ["Realizada", "Cancelada"]),
])
def test_a_column_that_is_not_an_appointments_status_is_not_read_as_one(name, values):
    assert not is_appointment_status(np.array(values, dtype=object), name)


@pytest.mark.parametrize("name,values", [("Statut", ["Honoré", "Non honoré"]), ("Status", ["Erschienen", "Abgesagt"]),
                                         ("Status", ["Verschenen"]), ("Stato", ["Effettuato", "Non presentato"]),
                                         ("Estado", ["Asistió", "Cancelada"]),
                                         ("Statut du RDV", ["Réalisé", "Annulé"]),
                                         ("Stato dell'appuntamento", ["Effettuato", "Annullato"]),
                                         ("Afspraakstatus", ["Verschenen", "Geannuleerd"])])
def test_an_appointments_status_is_told_by_its_words_or_its_name(name, values):
    assert is_appointment_status(np.array(values, dtype=object), name)


def test_a_payment_column_of_honoured_and_bounced_beside_the_status_drops_no_infusion():
    # P2's cheque bounced ('Non honoré'): read as the appointments' status, P2's infusion was left out.
    files = _export(*EXPORTS["French (Doctolib)"], extra=("Paiement", {"P1": "Honoré", "P2": "Non honoré",
                                                                         "P3": "Honoré"}))
    ds = load_files(files)
    assert _courses(ds) == COURSES
    assert _left_out(ds) == LEFT_OUT
    assert set(ds.report.exclusions["column"]) == {"Statut"}


#: A log of given infusions, one row each with its pre and post scores, and a 'Status' of another thing (a sign
#: present or absent): every infusion was given (the regression review's A09: the 'Absent' rows were dropped).
PRESENT_ABSENT_LOG = ("Patient ID,Infusion date,Drug,Pain pre,Pain post,Status\n"
                      "K001,2024-01-08,Ketamine,6,4,Absent\n"
                      "K002,2024-01-11,Ketamine,9,4,Present\n"
                      "K003,2024-01-14,Ketamine,6,2,Present\n"
                      "K004,2024-01-17,Ketamine,8,7,Absent\n")


def test_a_bare_status_of_present_and_absent_on_a_log_of_given_infusions_drops_no_infusion():
    ds = load_files({"infusions.csv": PRESENT_ABSENT_LOG.encode()})
    assert sorted(ds.treatments["patient_id"]) == ["K001", "K002", "K003", "K004"]
    assert not ds.report.exclusions["reason"].astype(str).str.contains("did not take place").any()


@pytest.mark.parametrize("name,values", [("Status", ["Present", "Absent"]), ("Statut", ["Présent", "Absent"]),
                                         ("Statut", ["Venu", "Non venu"]), ("Stato", ["Presente", "Assente"]),
                                         ("Stato", ["Non presentato", "Disdetto"]),   # a claim's (A08)
                                         ("Status", ["Afgezegd"])])
def test_attendance_words_and_a_claims_words_under_a_bare_status_name_are_no_appointments_status(name, values):
    assert not is_appointment_status(np.array(values, dtype=object), name)


@pytest.mark.parametrize("name,values", [("Statut du rendez-vous", ["Présent", "Absent"]),
                                         ("Appt Status", ["Present", "Absent"]),
                                         ("Statut du rendez-vous", ["Venu", "Non venu"]),
                                         ("Stato", ["Effettuato", "Non presentato", "Disdetto"]),
                                         ("STATUT", ["HONORE", "NON HONORE"])])
def test_attendance_words_under_an_appointments_status_name_and_doctolibs_words_under_statut_are_read(name, values):
    assert is_appointment_status(np.array(values, dtype=object), name)


def test_a_bare_stato_of_a_claim_excludes_no_infusion_as_an_appointment_not_held():
    # Every infusion given, the claim not submitted ('Non presentato') or withdrawn ('Disdetto'): read as an
    # appointment's status, every row was "the appointment did not take place" and the load said "no treatments".
    log = ("Patient ID,Infusion date,Drug,Pain pre,Pain post,Stato\nK001,2024-01-08,Ketamine,9,3,Non presentato\n"
           "K002,2024-01-11,Ketamine,8,2,Disdetto\nK003,2024-01-14,Ketamine,7,4,Non presentato\n")
    try:
        ds = load_files({"infusions.csv": log.encode()})
    except MappingError as e:  # a question on the actions is fine; an appointment's reason is not
        assert "did not take place" not in str(e)
    else:
        assert not ds.report.exclusions["reason"].astype(str).str.contains("did not take place").any()
