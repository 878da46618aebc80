"""The tables of research data warehouses, read by their standard column names: OMOP CDM, PCORnet CDM, i2b2.

A warehouse extract is no clinic export: its tables follow a common data model whose columns have fixed names
and meanings, and read by the words of their names they went wrong everywhere. In OMOP's ``measurement`` the
row's ``measurement_id`` became the patient (a bare ``id``) and ``person_id`` a description, the LOINC code
``measurement_source_value`` the value and ``value_as_number`` "an identifier"; ``drug_exposure`` was read as
observations. In PCORnet's ``OBS_CLIN`` the sparse ``OBSCLIN_RESULT_TEXT`` was the value and
``OBSCLIN_RESULT_NUM`` one pooled measure of pain, blood pressure, SpO2 and weight. Here each table a model
defines is recognised by its signature columns (whatever the file is called) and read as the model says:

* OMOP ``measurement`` / ``observation``: ``person_id`` the patient, the item ``*_source_value`` where it holds
  the LOINC code of a known measure (``72514-3``), else ``*_concept_name``, ``*_source_value`` or
  ``*_concept_id``; ``value_as_number`` the value; ``*_datetime`` (else ``*_date``) the time.
* OMOP ``drug_exposure``: ``drug_concept_name`` (else ``drug_source_value``, ``drug_concept_id``) the
  treatment, read as a medication record (co-medications, the drugs studied, the route);
  ``drug_exposure_start_datetime`` (else ``_date``) the start; ``route_source_value`` (else
  ``route_concept_id``) the route. ``person``: ``gender_source_value`` (else ``gender_concept_id``) the sex.
* PCORnet ``MED_ADMIN``: ``RAW_MEDADMIN_MED_NAME`` (else ``MEDADMIN_CODE``) the treatment,
  ``MEDADMIN_START_DATE`` / ``_TIME`` the start, ``MEDADMIN_DOSE_ADMIN`` the dose, ``RAW_MEDADMIN_ROUTE``
  (else the SNOMED codes of ``MEDADMIN_ROUTE``) the route. ``OBS_CLIN``: ``OBSCLIN_CODE`` the item where it
  holds a known LOINC code (else ``RAW_OBSCLIN_NAME``), the result column that gives the most values of the
  known measures the value (``OBSCLIN_RESULT_NUM``; ``RAW_OBSCLIN_RESULT`` where it holds more),
  ``OBSCLIN_START_DATE`` / ``_TIME`` the time. ``DEMOGRAPHIC``: ``SEX``.
* i2b2 ``observation_fact``: ``patient_num``, ``concept_cd`` the item, ``nval_num`` the value, ``start_date``;
  ``patient_dimension``: ``sex_cd``.

Every other column of such a table is not read (an identifier, a code, a provider, a stop time). The model's
other tables (OMOP ``visit_occurrence``, ``procedure_occurrence``; i2b2 ``concept_dimension``) give no scores
or infusions: they are not read, with a note. Unrelated measurements (blood pressure, weight, potassium) are
items of their own, not read as measures (:mod:`analysis.io.observation_items`).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .column_words import loinc_measure, measure_of
from .spec import Column, FileSpec

_NOT_READ = "a column of the {model} table {table} not read"


def _find(header: list, name: str) -> int | None:
    low = [str(h).casefold() for h in header]
    return low.index(name.casefold()) if name.casefold() in low else None


def _filled(t, k) -> bool:
    return k is not None and bool((t.column(k) != "").any())


def _first(t, header: list, *names: str) -> int | None:
    """The first of ``names`` that is a column with values."""
    for n in names:
        k = _find(header, n)
        if _filled(t, k):
            return k
    return None


def _coded_item(t, k) -> bool:
    """A code column holding the LOINC code of a known measure (``72514-3``, ``LOINC:44261-6``)."""
    return k is not None and any(loinc_measure(v) for v in pd.unique(t.column(k)[t.column(k) != ""])[:500])


def _item(t, header: list, code: str, names: tuple) -> int | None:
    k = _find(header, code)
    return k if _coded_item(t, k) else _first(t, header, *names, code)


def _value(t, header: list, item_k: int | None, names: tuple, notes: list) -> int | None:
    """The result column that gives the most values of the known measures (ties: the first of ``names``):
    a sparse text result beside the numeric one is not the value."""
    ks = [k for k in (_find(header, n) for n in names) if _filled(t, k)]
    if not ks:
        return None
    known = np.ones(t.n, dtype=bool)
    if item_k is not None:
        items = pd.Series(t.column(item_k), dtype=object)
        named = {it: measure_of(str(it)) is not None for it in pd.unique(items)}
        known = items.map(named).fillna(False).to_numpy(dtype=bool)
    counts = [int(((t.column(k) != "") & known).sum()) for k in ks]
    best = ks[int(np.argmax(counts))]
    missing = known & (t.column(best) == "")
    others = [header[k] for k in ks if k != best and ((t.column(k) != "") & missing).any()]
    if others and missing.any():
        notes.append(f"{t.file}: {int(missing.sum())} observation(s) of known measures have no value in "
                     f"{header[best]!r} but one in {', '.join(map(repr, others))}: they are left out as \"value is "
                     f"missing\". Give that column the role \"value\" in the mapping if it holds them.")
    return best


#: The data models' names, as the proposal writes them in a file's kind ("observations, OMOP CDM measurement").
MODEL = re.compile(r"OMOP CDM|PCORnet CDM|i2b2")
#: How the OMOP CDM names a column: ``visit_start_date``, ``visit_concept_id``, ``visit_source_value``, ``quantity``.
_OMOP_NAME = re.compile(r"(?i)(?:_(?:id|date|datetime|time|source_value|source_concept_id|concept_id|value|name|"
                        r"number|quantity|reason|status|count)$|^(?:quantity|sig|refills|days_supply|lot_number|"
                        r"range_low|range_high|stop_reason|unique_device_id|value_as_string|modifier_source_value)$)")


def _omop(t, header: list, notes: list):
    low = {str(h).casefold() for h in header}
    if "person_id" not in low or not any(h.endswith("_concept_id") for h in low):
        return None
    roles: dict = {_find(header, "person_id"): (Column("patient_id"), "the OMOP CDM person")}
    for p in ("measurement", "observation"):
        if f"{p}_concept_id" in low and "value_as_number" in low:
            item = _item(t, header, f"{p}_source_value", (f"{p}_concept_name",))
            date = _first(t, header, f"{p}_datetime", f"{p}_date")
            roles.update({item: (Column("item"), "the observation's concept (LOINC code or name)"),
                          _find(header, "value_as_number"): (Column("value"), "the observation's value"),
                          date: (Column("date"), "when the observation was taken")})
            _value(t, header, item, ("value_as_number",), notes)
            return "OMOP CDM", p, roles
    if "drug_concept_id" in low and "drug_exposure_start_date" in low:
        roles.update({_first(t, header, "drug_concept_name", "drug_source_value", "drug_concept_id"):
                      (Column("treatment"), "the drug given (co-medications are not treatments)"),
                      _first(t, header, "drug_exposure_start_datetime", "drug_exposure_start_date"):
                      (Column("date"), "the start of the drug's administration"),
                      _first(t, header, "route_source_value", "route_concept_id"):
                      (Column("route"), "the route: only intravenous rows are infusions")})
        return "OMOP CDM", "drug_exposure", roles
    if "gender_concept_id" in low:
        k = _first(t, header, "gender_source_value")
        if k is not None:
            roles[k] = (Column("covariate", name="sex"), "the patient's sex")
        elif _filled(t, _find(header, "gender_concept_id")):
            roles[_find(header, "gender_concept_id")] = (
                Column("covariate", name="sex", codes={"8507": "M", "8532": "F"}), "the patient's sex (8507 M, 8532 F)")
        return "OMOP CDM", "person", roles
    # Another table of the model (visit_occurrence, procedure_occurrence) holds no scores: not read, with a note.
    # Only when every column is named as the model names them: a researcher's own table with person_id and a
    # concept id beside its scores (pain_score) is read as any table is (it was dropped unsaid).
    if not all(_OMOP_NAME.search(str(h)) for h in header if str(h).strip()):
        return None
    return "OMOP CDM", next((h[:-len("_id")] for h in header if str(h).casefold().endswith("_id")
                             and str(h).casefold() != "person_id"), "table"), None


def _pcornet(t, header: list, notes: list):
    low = {str(h).casefold() for h in header}
    if "patid" not in low:
        return None
    roles: dict = {_find(header, "PATID"): (Column("patient_id"), "the PCORnet CDM patient")}
    if "medadmin_start_date" in low:
        date = _find(header, "MEDADMIN_START_DATE")
        roles.update({_first(t, header, "RAW_MEDADMIN_MED_NAME", "MEDADMIN_CODE"):
                      (Column("treatment"), "the drug given (co-medications are not treatments)"),
                      date: (Column("date"), "the start of the administration"),
                      _first(t, header, "MEDADMIN_START_TIME"): (Column("time", date=header[date]), "its time of day"),
                      _first(t, header, "MEDADMIN_DOSE_ADMIN"): (Column("dose"), "the dose given"),
                      _first(t, header, "RAW_MEDADMIN_ROUTE", "MEDADMIN_ROUTE"):
                      (Column("route"), "the route: only intravenous rows are infusions")})
        return "PCORnet CDM", "MED_ADMIN", roles
    if "obsclin_code" in low:
        date = _find(header, "OBSCLIN_START_DATE")
        item = _item(t, header, "OBSCLIN_CODE", ("RAW_OBSCLIN_NAME",))
        value = _value(t, header, item, ("OBSCLIN_RESULT_NUM", "RAW_OBSCLIN_RESULT", "OBSCLIN_RESULT_TEXT"), notes)
        roles.update({item: (Column("item"), "the observation's code (LOINC) or name"),
                      value: (Column("value"), "the observation's result"),
                      date: (Column("date"), "when the observation was taken"),
                      _first(t, header, "OBSCLIN_START_TIME"): (Column("time", date=header[date]), "its time of day")})
        return "PCORnet CDM", "OBS_CLIN", roles
    if "birth_date" in low and "sex" in low:
        roles[_find(header, "SEX")] = (Column("covariate", name="sex"), "the patient's sex")
        return "PCORnet CDM", "DEMOGRAPHIC", roles
    return None


def _i2b2(t, header: list, notes: list):
    low = {str(h).casefold() for h in header}
    if {"patient_num", "concept_cd", "nval_num"} <= low:
        codes = pd.Series(t.column(_find(header, "concept_cd")), dtype=object)
        drugs = codes[codes.str.match(r"(?i)\s*(?:rxnorm|ndc|med)\s*:")].value_counts()
        if len(drugs):
            notes.append(f"{t.file}: {int(drugs.sum())} medication facts ({', '.join(map(repr, drugs.index[:3]))}) are "
                         "not read as treatments (the file is read as observations): write them to a file of their "
                         "own (patient_num, start_date, concept_cd as the treatment) to read the infusions.")
        return "i2b2", "observation_fact", {
            _find(header, "patient_num"): (Column("patient_id"), "the i2b2 patient"),
            _find(header, "concept_cd"): (Column("item"), "the fact's concept (LOINC:72514-3)"),
            _find(header, "nval_num"): (Column("value"), "the fact's numeric value"),
            _find(header, "start_date"): (Column("date"), "when the fact was observed")}
    if {"patient_num", "vital_status_cd"} <= low:
        roles = {_find(header, "patient_num"): (Column("patient_id"), "the i2b2 patient")}
        if _filled(t, _find(header, "sex_cd")):
            roles[_find(header, "sex_cd")] = (Column("covariate", name="sex"), "the patient's sex")
        return "i2b2", "patient_dimension", roles
    if {"concept_path", "concept_cd", "name_char"} <= low:
        return "i2b2", "concept_dimension", None
    return None


def recognise(t, notes: list):
    """``(model, table, roles)`` for a table of a research data warehouse (``roles``: column position ->
    ``(Column, why)``, None for a table of the model that is not read), else None."""
    header = list(t.header)
    for reader in (_omop, _pcornet, _i2b2):
        found = reader(t, header, notes)
        if found is not None:
            model, table, roles = found
            return model, table, (None if roles is None else {k: v for k, v in roles.items() if k is not None})
    return None


def proposal(t, notes: list, order_hints: dict, date_like, distinct, column_proposal, file_proposal):
    """The file proposal of a warehouse table ``t`` (None when it is none); the proposal's classes and value
    tests are passed in by :func:`analysis.io.propose._propose_table`."""
    found = recognise(t, notes)
    if found is None:
        return None
    model, table, roles = found
    if roles is None:
        notes.append(f"{t.file}: the {model} table {table} gives no scores or treatments: not read.")
        return file_proposal(t.file, f"{model} {table} (not read)", t.describe(), t.n,
                             spec=FileSpec(match=t.file, kind="ignore"))
    dates, cols = {}, []
    for k, h in enumerate(t.header):
        if not h:
            continue
        col, why = roles.get(k, (Column("ignore"), _NOT_READ.format(model=model, table=table)))
        if col.role == "date":
            fmt = date_like(t.column(k), named=True)
            if fmt is not None:
                dates[h] = fmt.describe()
                if fmt.order is None:
                    order_hints.setdefault("ambiguous", []).append((t.file, h, fmt))
        cols.append(column_proposal(h, col, why, distinct(t.column(k), 3) if k in roles else []))
    roles_ = {c.column.role for c in cols}
    kind = "observations (one row per observation)" if "item" in roles_ else \
        "medication administrations" if "treatment" in roles_ else "table"
    spec = FileSpec(match=t.file, columns={c.header: c.column for c in cols},
                    header_row=t.header_row if t.header_row != 1 else None)
    return file_proposal(t.file, f"{kind}, {model} {table}", t.describe(), t.n, cols, dates, spec=spec)
