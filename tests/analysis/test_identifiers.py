"""The identifier guard: direct identifiers are refused (or dropped on request); ordinary
pseudonymised outcome data is never flagged."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import IdentifierError, MissingColumnError
from analysis.io.identifiers import content_reason, find_identifier_columns, name_reason

A = "assessments.csv"
P = "patients.csv"
ASSESS = "patient_id,day,pain_nrs\nP0001,0,7\nP0002,0,5\nP0003,0,6\n"


@pytest.mark.parametrize("name", [
    "dob", "DOB", "date_of_birth", "Date of Birth", "birth_date", "birthdate", "name", "Name", "first_name",
    "FirstName", "surname", "last name", "email", "E-Mail", "patient_email", "phone", "Phone Number",
    "home_phone", "address", "street_address", "ssn", "nhs_number", "NHS No", "zip", "zip_code", "postcode",
    "Post Code", "mrn", "MRN", "medical_record_number",
    # other languages
    "fecha_nacimiento", "fecha_de_nacimiento", "date_de_naissance", "Geburtsdatum", "data_di_nascita",
    "geboortedatum", "Vorname", "Nachname", "apellidos", "nombre", "nombre_paciente", "prénom", "nom", "cognome",
    "achternaam", "voornaam", "Telefon", "teléfono", "Handynummer", "Adresse", "dirección", "indirizzo", "PLZ",
    "code_postal", "codigo_postal", "codice_fiscale", "DNI", "BSN", "Sozialversicherungsnummer", "SVNR", "NIR",
    "numero_historia", "Fallnummer", "nhs", "NHS No.", "d.o.b.", "courriel", "correo_electronico",
    # data warehouses: OMOP's birth_datetime, Cerner's BIRTH_DT_TM, PCORnet's BIRTH_DATE and BIRTH_TIME
    "birth_datetime", "BIRTH_DT_TM", "birthDateTime", "BIRTH_DATE", "day_of_birth",
    # survey tools: Qualtrics' respondent data
    "IPAddress", "ip_address", "LocationLatitude", "LocationLongitude", "RecipientEmail", "RecipientFirstName",
])
def test_identifier_names_are_flagged(name):
    assert name_reason(name) is not None


@pytest.mark.parametrize("name", [
    "patient_id", "day", "date", "datetime", "age_band", "site", "sex", "disease_duration_months", "treatment",
    "crps_type", "limb", "inciting_event", "pain_nrs", "phq9", "dose_mg", "sessions", "site_name", "drug_name",
    "mobility_score", "regions_affected",
    # identifier words in another meaning
    "nhs_trust", "phone_followup", "email_consent", "street_drug_use", "zip3", "postcode_district",
    "address_type", "birth_weight", "birth_year", "place_of_birth", "drug_name", "nombre_farmaco", "nom_traitement",
    "record_id", "insurance_type", "Geschlecht", "Altersgruppe", "visit_date", "fecha_visita",
    "GPS", "gps_score", "time_since_birth_years", "visit_datetime", "Date/Time", "dttm",
])
def test_ordinary_names_are_not_flagged(name):
    assert name_reason(name) is None


def s(*values):
    return pd.Series(list(values), dtype=object)


@pytest.mark.parametrize("values, why", [
    (s("ann@example.org", "", "bob.smith@clinic.co.uk"), "e-mail"),
    (s("+44 20 7946 0958", "020 7946 0000", "(555) 123-4567"), "phone"),
    (s("123-45-6789", "987-65-4321"), "national ID"),
    (s("QQ 12 34 56 C", "AB123456D"), "national ID"),
    (s("1984-02-29", "1990-12-01", "1975-07-15"), "calendar dates"),
    (s("12/03/1961", "01.07.1980"), "calendar dates"),
    (s("12/03/61", "30/01/70"), "calendar dates"),
    (s("12 March 1961", "30 January 1970"), "calendar dates"),
    (s("March 12, 1961", "Jan 30, 1970"), "calendar dates"),
    (s("12. März 1961", "30. Januar 1970"), "calendar dates"),
    (s("12 de marzo de 1961", "30 de enero de 1970"), "calendar dates"),
    (s("12 mars 1961", "30 janvier 1970"), "calendar dates"),
    (s("19610312", "19700130"), "calendar dates"),
    (s("MRN-0012345", "MRN-0012346"), "medical record numbers"),
    (s("RSSMRA85T10A562S", "BNCGLI80A41F205X"), "national ID"),
    (s("12345678Z", "X1234567L"), "national ID"),
    (s("111222333", "123456782"), "national ID"),
    (s("9434765919", "9434765870"), "national ID"),
    (s("65 170839 J 003", "12 010180 M 123"), "national ID"),
    (s("alice(at)example.org", "bob"), "e-mail"),
    (s("bob [at] clinic [dot] de", "x"), "e-mail"),
    (s("3105550123", "2125550199"), "phone"),
    (s("07700900123", "0301234567"), "phone"),
    (s("+4915112345678", "+442079460958"), "phone"),
    (s("called back on 07700 900123 to confirm", "no change"), "free text holds a phone number"),
    (s("seen with John Smith today", "stable"), "free text holds a person's name"),
    (s("Mrs Jones reports less swelling", "stable"), "free text holds a person's name"),
    (s("DOB 12/03/1961, referred by GP", "stable"), "free text holds a date of birth"),
    (s("Smith", "Jones", "Taylor", "Müller"), "person names"),
    (s("Smith, J.", "Jones, A.", "Okafor, B."), "person names"),
    (s("Jürgen", "Klaus", "Helga"), "person names"),
    (s("José García", "María López"), "person names"),
    (s("Giulia Rossi", "Marco Bianchi"), "person names"),
    (s("王伟", "李娜", "张伟"), "person names"),
    (s("12 rue de Rivoli", "Calle Mayor 5", "Via Roma 1"), "street addresses"),
    (s("221B Baker Street", "10 Downing St", "1600 Pennsylvania Avenue"), "street addresses"),
    (s("Hauptstraße 5", "Bahnhofstr. 12"), "street addresses"),
    (s("SW1A 1AA", "M1 1AE", "EC1A 1BB"), "ZIP/postcodes"),
    (s("12345-6789", "02139-4307"), "ZIP/postcodes"),
    (s("John Smith", "Maria Garcia", "Smith, Sarah"), "person names"),
])
def test_identifier_contents_are_flagged(values, why):
    assert why in (content_reason(values) or "")


@pytest.mark.parametrize("values", [
    s("P0001", "P0002", "crps-017"), s("1", "2", "10003"), s("40-49", "50-59", "70+"), s("site_A", "site_B"),
    s("ketamine_iv", "ketamine_booster", "physical_therapy"), s("M", "F", ""), s("I", "II"),
    s("upper", "lower"), s("fracture", "surgery", "sprain"), s("14", "3.5", "120"), s("0", "7,5", "10"),
    s("Physical Therapy", "Ketamine IV"), s("arm left", "leg right"),
    s("St Mary's Hospital", "Royal Victoria Infirmary", "Queen Elizabeth Hospital"), s("San Jose", "St. Louis"),
    s("1800 mg", "1000 IU", "600 mg"), s("120/80", "135/85"), s("7/10", "6-7", "Denies pain"),
    s("White", "Black", "Asian", "Mixed", "Other"), s("München", "Köln", "Frankfurt am Main"),
    s("Hôpital Saint-Louis", "CHU de Bordeaux"), s("Ospedale San Raffaele", "Policlinico Gemelli"),
    s("pain better after infusion", "no change"), s("Schmerzen besser nach Infusion", "keine Änderung"),
    s("1961", "1970"), s("3f2a9c1e-7b4d-4e2a-9f1c-2d3e4f5a6b7c", "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"),
    s("20000-30000", "30000-40000"), s("09:30", "14:00"), s("amitriptyline 25 mg", "pregabalin 75 mg"),
])
def test_ordinary_contents_are_not_flagged(values):
    assert content_reason(values) is None


def test_visit_dates_are_allowed_in_the_date_column():
    assert content_reason(s("2024-03-01", "2024-03-05T10:00"), allow_dates=True) is None
    assert content_reason(s("01.03.2024", "05.03.2024 10:30"), allow_dates=True) is None


def test_an_unmapped_date_column_is_told_to_map_it_as_a_date():
    assert content_reason(s("2024-03-01", "2024-03-05"), header="visit_date") == (
        "it holds calendar dates: if these are visit or treatment dates, map the column as a date (mapping role "
        "'date', e.g. --map 'visit_date=date'), so they become days relative to the first treatment and are not "
        "kept; dates of birth must be removed")


def test_date_columns_accept_dates_but_not_a_birth_date_name():
    kw = dict(skip_name_check={"date"}, date_columns={"date"})
    dates = {"date": ["2024-03-01", "2024-03-05"]}
    assert find_identifier_columns(dates, {"date": "visit_date"}, **kw) == []
    assert find_identifier_columns(dates, {"date": "date"}, **kw) == []
    assert find_identifier_columns(dates, {"date": "DOB"}, **kw) == [("date", "its name says it holds a date of birth")]
    assert find_identifier_columns(dates, {"date": "fecha_nacimiento"}, **kw)
    # The same dates in a column not mapped as a date: refused, with the advice.
    found = find_identifier_columns({"visit_date": dates["date"]}, {}, skip_name_check=set(), date_columns=set())
    assert found[0][1].startswith("it holds calendar dates: if these are visit or treatment dates, map the column")


def test_loader_accepts_a_visit_date_mapped_as_a_date_and_refuses_a_birth_date(load):
    assessments = "patient_id,visit_date,pain_nrs\nP1,2024-03-01,7\nP1,2024-03-08,5\n"
    treatments = "patient_id,date,treatment\nP1,2024-03-01,ketamine_iv\n"
    ds = load({A: assessments, "treatments.csv": treatments}, mapping={"visit_date": "date"})
    assert ds.report.dropped_identifier_columns == []
    with pytest.raises(IdentifierError, match=r"column 'visit_date': it holds calendar dates: if these are visit or "
                                              r"treatment dates, map the column as a date"):
        load({A: "patient_id,day,pain_nrs,visit_date\nP1,0,7,2024-03-01\nP1,7,5,2024-03-08\n"})
    with pytest.raises(IdentifierError, match=r"column 'dob': its name says it holds a date of birth"):
        load({A: assessments.replace("visit_date", "dob"), "treatments.csv": treatments}, mapping={"dob": "date"})


def test_a_canonical_column_mapped_from_an_identifier_name_is_refused(load):
    with pytest.raises(IdentifierError, match=r"column 'MRN': its name says it holds a medical record number"):
        load({A: "MRN,day,pain_nrs\n0012345,0,7\n"}, mapping={"MRN": "patient_id"})


def test_realistic_dataset_is_not_flagged(load):
    ds = load({
        A: "patient_id,date,pain_nrs,phq9\ncrps-001,2024-01-02,7,12\ncrps-002,2024-01-05,6,\n",
        "treatments.csv": "patient_id,datetime,treatment,dose_mg\ncrps-001,2024-01-02T09:00,ketamine_iv,0.5\n"
                          "crps-002,2024-01-05T09:30,physical_therapy,\n",
        P: "patient_id,sex,age_band,crps_type,limb,inciting_event,disease_duration_months,site\n"
           "crps-001,F,40-49,I,upper,fracture,14,site_A\ncrps-002,M,50-59,II,lower,surgery,7,site_B\n",
    })
    assert ds.report.dropped_identifier_columns == []


def test_identifier_column_refused_by_name(load):
    patients = "patient_id,sex,dob\nP0001,F,1961-03-12\nP0002,M,1970-01-30\nP0003,F,1955-05-05\n"
    with pytest.raises(IdentifierError, match=r"patients\.csv: a column looks like direct identifiers "
                                              r"\(column 'dob': its name says it holds a date of birth\)"
                                              r".*remove the column.*drop_identifiers=True.*--drop-identifiers"):
        load({A: ASSESS, P: patients})


def test_unnamed_contact_column_refused_by_content(load):
    patients = "patient_id,contact\nP0001,ann@example.org\nP0002,bob@example.org\nP0003,\n"
    with pytest.raises(IdentifierError, match=r"patients\.csv.*column 'contact': it holds e-mail addresses") as info:
        load({A: ASSESS, P: patients})
    assert info.value.file == P and info.value.column == "contact"


def test_identifier_in_assessments_file(load):
    with pytest.raises(IdentifierError, match=r"assessments\.csv.*'Patient Name'"):
        load({A: "patient_id,day,pain_nrs,Patient Name\nP1,0,7,John Smith\n"})


def test_drop_identifiers_drops_and_reports(load):
    patients = ("patient_id,sex,dob,contact\nP0001,F,1961-03-12,ann@example.org\n"
                "P0002,M,1970-01-30,+44 20 7946 0958\nP0003,F,1955-05-05,\n")
    ds = load({A: ASSESS, P: patients}, drop_identifiers=True)
    assert ds.covariates == ["sex"]
    assert [(f, c) for f, c, _ in ds.report.dropped_identifier_columns] == [(P, "dob"), (P, "contact")]
    assert ds.report.to_dict()["dropped_identifier_columns"][1] == {
        "file": P, "column": "contact", "why": "it holds e-mail addresses"}
    assert counts_ok(ds)


def counts_ok(ds):
    return all(c.rows_read == c.rows_used + c.rows_excluded for c in ds.report.files.values())


def test_dropping_an_identifier_used_as_patient_id_leaves_a_missing_column(load):
    with pytest.raises(MissingColumnError, match=r"required column 'patient_id' is missing.*dropped as identifiers"):
        load({A: "patient_id,day,pain_nrs\nann@example.org,0,7\n"}, drop_identifiers=True)


def test_missing_cells_of_any_kind_are_skipped_by_the_content_checks():
    # pd.NA compares to nothing as a boolean: the sample must still skip it (and None, NaN).
    assert content_reason(pd.Series(["x@y.com", pd.NA], dtype=object)) == "it holds e-mail addresses"
    assert content_reason(pd.Series(["x@y.com", None, float("nan")], dtype=object)) == "it holds e-mail addresses"
    assert content_reason(pd.Series(["x@y.com", pd.NA], dtype="string")) == "it holds e-mail addresses"
    # numbers keep their own text (1 and 1.0 are different cells)
    assert content_reason(pd.Series([1, 1.0, True], dtype=object)) is None


# ---- every row is checked ------------------------------------------------------------------------
import csv  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from analysis.io import identifiers  # noqa: E402
from analysis.io.identifiers import content, guard  # noqa: E402


def _patients(n, contact_at=None):
    rows = [f"P{i:06d},F,{'ann@example.org' if i == contact_at else 'none'}" for i in range(n)]
    return "patient_id,sex,contact\n" + "\n".join(rows) + "\n"


def test_an_identifier_on_any_row_is_found(load):
    # 6,000 patients, one e-mail address on a row the former sample (first 2,000 rows and 2,000 spread
    # rows) did not look at: refused.
    ids = "\n".join(f"P{i:06d},0,5" for i in range(6000))
    with pytest.raises(IdentifierError, match=r"column 'contact': it holds e-mail addresses"):
        load({A: "patient_id,day,pain_nrs\n" + ids + "\n", P: _patients(6000, contact_at=4999)})
    assert load({A: "patient_id,day,pain_nrs\n" + ids + "\n", P: _patients(6000)}).report.dropped_identifier_columns == []


def test_registry_size_patient_ids_are_checked_too(load):
    # From 100,000 rows the assessments' patient ids are checked once their codes are ready (IdentifierGuard.finish).
    rows = [f"P{i:06d},0,5" for i in range(100_000)]
    rows[77_777] = "ann@example.org,0,5"
    with pytest.raises(IdentifierError, match=r"assessments\.csv.*column 'patient_id': it holds e-mail addresses"):
        load({A: "patient_id,day,pain_nrs\n" + "\n".join(rows) + "\n"})


def test_a_score_column_read_as_numbers_is_still_checked(load):
    # The CSV reader parses this wide-form "measure" column as numbers; 10-digit phone numbers are found.
    text = "patient_id,day,pain_nrs,callback\nP1,0,7,3105550123\nP2,0,5,2125550142\nP3,0,6,\n"
    with pytest.raises(IdentifierError, match=r"column 'callback': it holds phone numbers"):
        load({A: text})
    assert identifiers.numbers_never_flagged(__import__("pyarrow").array([0.0, 7.5, None, 999_999.0]))
    assert not identifiers.numbers_never_flagged(__import__("pyarrow").array([0.0, None, 3105550123.0]))


_KINDS = st.one_of(
    st.sampled_from(["x@y.com", "a(at)b.org", "1990-02-03", "03/02/1990", "12/03/61", "12 March 1961",
                     "2024-03-01T10:00", "2024-3-1x", "123-45-6789", "AB 12 34 56 C", "943 476 5919", "9434765919",
                     "010190-123A", "SW1A 1AA", "12345-6789", "K1A 0B1", "1234 AB", "1800 mg", "+44 20 7946 0958",
                     "(555) 123-4567", "3105550123", "07700900123", "555-1234", "221B Baker Street", "Hauptstraße 5",
                     "John Smith", "mary", "Smith, J.", "Jürgen", "王伟", "MRN-0012345", "St Mary's Hospital",
                     "called 07700 900123 today", "seen with John Smith", "P000123", "site_A", "40-49", "M", "7",
                     "7.5", "-3", "1e5", "ketamine_iv", "upper", "12345678Z", "RSSMRA85T10A562S"]),
    st.text(alphabet="abcdeJSmith0123456789 -./@+()',", min_size=1, max_size=14),
    st.text(min_size=1, max_size=10))


@settings(max_examples=400, deadline=None)
@given(st.lists(_KINDS, min_size=1, max_size=12), st.booleans(), st.randoms(use_true_random=False))
def test_the_verdict_depends_only_on_the_set_of_distinct_values(values, allow_dates, rnd):
    # Every row is checked by checking every distinct value: repeating values, reordering them, adding
    # empty cells or passing them as distinct values give the same verdict.
    once = content_reason(pd.Series(values), allow_dates=allow_dates)
    rows = values * 3 + ["", "  "]
    rnd.shuffle(rows)
    assert content_reason(pd.Series(rows), allow_dates=allow_dates) == once
    distinct = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    rnd.shuffle(distinct)
    kw = dict(headers={}, skip_name_check=set(), date_columns={"c"} if allow_dates else set())
    want = [] if once is None else [("c", content._reason(identifiers.content_kind(values, allow_dates=allow_dates),
                                                               "c"))]
    assert identifiers.find_identifier_columns({"c": distinct}, distinct=True, **kw) == want
    assert identifiers.find_identifier_columns({"c": pd.Series(rows)}, **kw) == want


def test_values_with_line_breaks_are_read_as_one_value():
    assert content_reason(pd.Series(["x\n1990-02-03", "y\n1990-02-04", "z"])) is None
    assert content_reason(pd.Series(["John\nSmith", "Mary Jones", "Paul Lee"])) == "it holds person names"


def test_the_cache_gives_the_same_answers_and_is_shared_between_files(monkeypatch):
    checked = []
    real = guard._kind_of_distinct
    monkeypatch.setattr(guard, "_kind_of_distinct", lambda values, dates: checked.append(len(values)) or
                        real(values, dates))
    cache = {}
    ids = {"patient_id": pd.Series([f"P{i:04d}" for i in range(3000)]),
           "contact": pd.Series([f"p{i}@example.org" for i in range(3000)])}
    kw = dict(headers={}, skip_name_check={"patient_id"}, date_columns=set())
    first = identifiers.find_identifier_columns(ids, cache=cache, **kw)
    assert first == [("contact", "it holds e-mail addresses")] and checked == [3000, 3000]
    # The same ids in another file (in another order, as an array): answered from the cache.
    assert identifiers.find_identifier_columns({"patient_id": ids["patient_id"].to_numpy()[::-1]},
                                               cache=cache, **kw) == []
    assert identifiers.find_identifier_columns(ids, cache=cache, **kw) == first
    assert checked == [3000, 3000]
    # Other values are checked afresh.
    identifiers.find_identifier_columns({"patient_id": ids["patient_id"][:299]}, cache=cache, **kw)
    assert checked == [3000, 3000, 299]


# ---- the labelled table: every verdict, and the precision and recall the docs state -------------------
CASES = Path(__file__).with_name("identifier_cases.csv")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "data-format.md"


def _cases():
    with open(CASES, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _verdict(case) -> str:
    values = case["values"].split("|")
    if case["mapped_as"] == "date":  # mapped as a visit/treatment date, as the loader and readers pass it
        found = find_identifier_columns({"date": values}, {"date": case["column"]}, skip_name_check={"date"},
                                        date_columns={"date"})
    else:
        found = find_identifier_columns({case["column"]: values}, {}, skip_name_check=set(), date_columns=set())
    return "refuse" if found else "accept"


def test_the_labelled_table_is_large_and_varied():
    cases = _cases()
    assert len(cases) >= 100
    assert {c["truth"] for c in cases} == {"identifier", "ordinary"}
    assert sum(c["truth"] == "identifier" for c in cases) >= 40 and sum(c["truth"] == "ordinary" for c in cases) >= 40
    # known misses and false refusals are labelled as such in the note
    for c in cases:
        wrong = (c["truth"] == "identifier") != (c["expected"] == "refuse")
        assert wrong == c["note"].startswith(("KNOWN MISS", "FALSE REFUSAL")), c


@pytest.mark.parametrize("case", _cases(), ids=lambda c: f"{c['column']}:{c['values'][:30]}")
def test_every_labelled_column_gets_its_expected_verdict(case):
    assert _verdict(case) == case["expected"]


def test_precision_and_recall_in_the_docs_are_those_of_the_table():
    cases = _cases()
    tp = sum(c["truth"] == "identifier" and c["expected"] == "refuse" for c in cases)
    fp = sum(c["truth"] == "ordinary" and c["expected"] == "refuse" for c in cases)
    fn = sum(c["truth"] == "identifier" and c["expected"] == "accept" for c in cases)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    text = " ".join(DOCS.read_text(encoding="utf-8").split())
    want = (f"{len(cases)} labelled columns ({tp + fn} identifiers, {len(cases) - tp - fn} ordinary): precision "
            f"{precision:.2f} ({tp} of {tp + fp} refusals are identifiers), recall {recall:.2f} ({tp} of {tp + fn} "
            "identifiers refused)")
    assert want in text, want


def test_dates_in_the_patients_file_are_not_told_to_be_mapped(load):
    # A patients file cannot hold visit dates: the message says to remove or convert the column.
    with pytest.raises(IdentifierError, match=r"column 'diagnosis_date': it holds calendar dates: dates are "
                                              r"identifiers; remove the column, or turn it into years or days"):
        load({A: ASSESS, P: "patient_id,diagnosis_date\nP0001,2019-05-02\nP0002,2020-11-30\nP0003,2021-01-15\n"})


def test_a_combined_file_is_checked_on_every_row(load):
    # One CSV with assessments and treatment rows (split after the guard): an e-mail on a treatment row.
    text = ("patient_id,day,treatment,pain_nrs,note\nP1,-1,,7,\nP1,0,ketamine_iv,,ann@example.org\n"
            "P1,7,,4,\n")
    with pytest.raises(IdentifierError, match=r"clinic\.csv.*column 'note': it holds e-mail addresses"):
        load({"clinic.csv": text})
    assert load({"clinic.csv": text.replace("ann@example.org", "tolerated well")}).report.dropped_identifier_columns == []


def test_month_name_dates_with_dashes_are_dates_not_phone_numbers():
    """Oracle's default timestamp (Cerner extracts) writes the clock with dots, '04-MAR-24 09.00.00.000000 AM':
    its digits once read as a phone number in free text. Dates written day-month-year with dashes and a month
    name are dates: allowed in a date column, and in any other column the advice to map them as a date."""
    oracle = s("04-MAR-24 09.00.00.000000 AM", "05-MAR-24 01.00.00.000000 PM", "18-APR-24 10.30.00.000000 AM")
    assert content_reason(oracle, allow_dates=True) is None
    assert content_reason(s("04-MAR-2024 14:30", "11-Mar-2024 10:00"), allow_dates=True) is None
    assert content_reason(oracle, header="ADMIN_START_DT_TM").startswith("it holds calendar dates: if these are visit")
    assert content_reason(s("04-Mar-2024", "11-Mar-2024"), header="onset").startswith("it holds calendar dates")


def test_an_empty_column_named_as_a_birth_date_holds_no_identifier_and_is_not_refused():
    """A data warehouse's person table carries BIRTH_DATE or day_of_birth empty (only the year filled): the export
    was refused for a column that holds nothing. A filled one is refused as before."""
    kw = dict(skip_name_check=set(), date_columns=set())
    assert find_identifier_columns({"BIRTH_DATE": [], "day_of_birth": []}, {}, distinct=True, **kw) == []
    assert find_identifier_columns({"BIRTH_DATE": s("", " ", None)}, {}, **kw) == []
    assert find_identifier_columns({"birth_datetime": ["1965-01-01 00:00:00"]}, {}, distinct=True, **kw) == [
        ("birth_datetime", "its name says it holds a date of birth")]


def test_an_export_with_an_empty_birth_date_column_loads_and_a_filled_birth_datetime_is_refused():
    from analysis import load_files
    rows = "Patient,Visit date,Treatment,NRS,BIRTH_DATE\n" + "".join(
        f"P{p},2024-03-0{d},{t},{v},\n" for p in (1, 2, 3) for d, t, v in ((1, "", 7), (4, "Ketamine", 7), (9, "", 4)))
    ds = load_files({"visits.csv": rows.encode()})
    assert len(ds.assessments) == 9 and len(ds.treatments) == 3
    filled = rows.replace("BIRTH_DATE", "birth_datetime").replace(",\n", ",1965-01-01 00:00:00\n")
    with pytest.raises(IdentifierError, match=r"column 'birth_datetime': its name says it holds a date of birth"):
        load_files({"visits.csv": filled.encode()})


def test_an_ip_address_and_a_geolocation_are_named_as_what_they_are():
    """Before: Qualtrics' IPAddress was refused as 'a national ID number', which sent users looking for one."""
    assert name_reason("IPAddress") == "its name says it holds an IP address"
    assert name_reason("LocationLatitude") == "its name says it holds a geolocation (latitude or longitude)"
