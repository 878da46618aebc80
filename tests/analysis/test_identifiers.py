"""The identifier guard: direct identifiers are refused (or dropped on request); ordinary
pseudonymised outcome data is never flagged."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import IdentifierError, MissingColumnError
from analysis.identifiers import content_reason, name_reason

A = "assessments.csv"
P = "patients.csv"
ASSESS = "patient_id,day,pain_nrs\nP0001,0,7\nP0002,0,5\nP0003,0,6\n"


@pytest.mark.parametrize("name", [
    "dob", "DOB", "date_of_birth", "Date of Birth", "birth_date", "birthdate", "name", "Name", "first_name",
    "FirstName", "surname", "last name", "email", "E-Mail", "patient_email", "phone", "Phone Number",
    "home_phone", "address", "street_address", "ssn", "nhs_number", "NHS No", "zip", "zip_code", "postcode",
    "Post Code", "mrn", "MRN", "medical_record_number",
])
def test_identifier_names_are_flagged(name):
    assert name_reason(name) is not None


@pytest.mark.parametrize("name", [
    "patient_id", "day", "date", "datetime", "age_band", "site", "sex", "disease_duration_months", "treatment",
    "crps_type", "limb", "inciting_event", "pain_nrs", "phq9", "dose_mg", "sessions", "site_name", "drug_name",
    "mobility_score", "regions_affected",
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
    (s("1984-02-29", "1990-12-01", "1975-07-15"), "full calendar dates"),
    (s("12/03/1961", "01.07.1980"), "full calendar dates"),
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
])
def test_ordinary_contents_are_not_flagged(values):
    assert content_reason(values) is None


def test_visit_dates_are_allowed_in_the_date_column():
    assert content_reason(s("2024-03-01", "2024-03-05T10:00"), allow_dates=True) is None


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


# ---- the address pre-check and the per-load cache (speed only: the answers must not change) ----------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from analysis import identifiers  # noqa: E402

_ADDRESSY = st.sampled_from([
    "221B Baker Street", "Hauptstraße 5", "Hauptstrasse5", "HAUPTSTRASSE5", "Bahnhofstr.7", "Kirchweg3",
    "Rue de Rivoli 10", "10 rue Cler", "Via Roma 1", "1, avenue Foch", "12 Main St", "Dorpslaan12", "P000123",
    "ſtrasse 4", "Storgatan1", "Nørrevej 2"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.one_of(_ADDRESSY, st.text(max_size=14),
                          st.text(alphabet="aAsStTrReEwWgGlLnNvVjJ. 0123456789ßſ\t\x1c,", max_size=16)),
                max_size=8))
def test_address_pre_check_never_hides_an_address(values):
    # Any value the street-address pattern finds something in passes the cheap pre-check, alone or
    # among others; so skipping the pattern when the pre-check fails cannot change an answer.
    for v in values:
        if identifiers._ADDRESS.search(v):
            assert identifiers._may_hold_address([v])
            assert identifiers._may_hold_address(values)


def test_street_addresses_without_spaces_are_still_found():
    assert content_reason(pd.Series(["Hauptstrasse5", "Bahnhofstr.7", "Kirchweg3"])) == "it holds street addresses"
    assert content_reason(pd.Series([f"P{i:06d}" for i in range(1000)])) is None


def test_the_cache_gives_the_same_answers_and_is_shared_between_files(monkeypatch):
    checked = []
    real = identifiers._sample_reason
    monkeypatch.setattr(identifiers, "_sample_reason", lambda sample, dates: checked.append(len(sample)) or
                        real(sample, dates))
    cache = {}
    ids = {"patient_id": pd.Series([f"P{i:04d}" for i in range(300)]),
           "contact": pd.Series([f"p{i}@example.org" for i in range(300)])}
    kw = dict(headers={}, skip_name_check={"patient_id"}, date_columns=set())
    first = identifiers.find_identifier_columns(ids, cache=cache, **kw)
    assert first == [("contact", "it holds e-mail addresses")] and checked == [300, 300]
    # The same ids in another file (in another order, as an array): answered from the cache.
    assert identifiers.find_identifier_columns({"patient_id": ids["patient_id"].to_numpy()[::-1]},
                                               cache=cache, **kw) == []
    assert identifiers.find_identifier_columns(ids, cache=cache, **kw) == first
    assert checked == [300, 300]
    # Other values are checked afresh.
    identifiers.find_identifier_columns({"patient_id": ids["patient_id"][:299]}, cache=cache, **kw)
    assert checked == [300, 300, 299]


@pytest.mark.parametrize("n", [4001, 4002, 4003, 5000, 8001, 99_999, 123_457, 3_000_000])
def test_sample_positions_are_the_first_rows_and_an_even_spread(n):
    import numpy as np
    s = identifiers.SAMPLE_SIZE
    want = np.unique(np.concatenate([np.arange(2 * s), np.linspace(0, n - 1, 2 * s).astype(int)]))
    np.testing.assert_array_equal(identifiers.sample_positions(n), want)
    assert identifiers.sample_positions(4 * s) is None


# Values of every kind the content checks know, and others, mixed in varying shares.
_KINDS = st.one_of(
    st.sampled_from(["x@y.com", "1990-02-03", "03/02/1990", "2024-03-01T10:00", "2024-3-1x", "123-45-6789",
                     "AB 12 34 56 C", "943 476 5919", "010190-123A", "SW1A 1AA", "12345-6789", "K1A 0B1",
                     "1234 AB", "+44 20 7946 0958", "(555) 123-4567", "555-1234", "221B Baker Street",
                     "Hauptstraße 5", "John Smith", "mary", "Anna-Lena Berg", "O'Neil", "P000123", "site_A",
                     "40-49", "M", "7", "7.5", "-3", "1e5", "ketamine_iv", "Dr. Emily", "upper", "emma x y z w"]),
    st.text(alphabet="abcdeJSmith0123456789 -./@+()'", min_size=1, max_size=14),
    st.text(min_size=1, max_size=10))


@settings(max_examples=3000, deadline=None)
@given(st.lists(_KINDS, min_size=1, max_size=12), st.booleans(), st.integers(1, 12))
def test_line_scan_gives_the_value_by_value_answer(values, allow_dates, copies):
    # (copies: the same kinds in larger samples, where the loader takes the line scan)
    sample = identifiers._sample(pd.Series([f"{v}{'' if i == 0 else i}" for v in values for i in range(copies)]))
    assert identifiers._sample_reason_lines(sample, allow_dates) == identifiers._sample_reason_per_value(
        sample, allow_dates)
    assert identifiers._sample_reason(sample, allow_dates) == identifiers._sample_reason_per_value(
        sample, allow_dates)


def test_values_with_line_breaks_take_the_value_by_value_path():
    # Read line by line, these would look like full dates; as values they are not.
    assert content_reason(pd.Series(["x\n1990-02-03", "y\n1990-02-04", "z"])) is None
    assert content_reason(pd.Series(["1990-02-03", "1990-02-04", "z\nw"])) == (
        "it holds full calendar dates (such as dates of birth)")
    assert content_reason(pd.Series(["John\nSmith", "Mary Jones", "Paul Lee"])) == "it holds person names"
    for sample in (["x\n1990-02-03", "y\n1990-02-04", "z"], ["1990-02-03", "1990-02-04", "z\nw"]):
        assert identifiers._sample_reason_lines(sample, False) == content_reason(pd.Series(sample))


def test_arrow_unique_keeps_first_appearance_order():
    # The loader hands the guard each column's distinct texts from pyarrow.compute.unique; the
    # checks take the first SAMPLE_SIZE distinct values in order of appearance, so that order matters.
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    rng = np.random.default_rng(7)
    for _ in range(50):
        values = [f"v{x}" for x in rng.integers(0, 3000, size=5000)]
        assert pc.unique(pa.array(values)).to_pylist() == list(dict.fromkeys(values))
