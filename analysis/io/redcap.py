"""REDCap exports: the data dictionary, raw and labels exports.

REDCap (Harris et al., J Biomed Inform 2009;42:377-381) writes a project's records as one CSV
with a row per record, event and repeat instance, and describes every field in its *data
dictionary* (field name, form, type, label, choices, validation). This module reads the
dictionary and turns a **labels** export (headers are field labels, values are choice labels,
and every form's status column is called ``Complete?``) back into field names, so that raw and
labels exports are mapped by the same field names.

REDCap's export conventions used here (REDCap's data export and API documentation):

* columns in order: the record id field, ``redcap_event_name`` (longitudinal projects),
  ``redcap_repeat_instrument`` and ``redcap_repeat_instance`` (repeating instruments),
  ``redcap_data_access_group`` (when exported), then each form's fields in dictionary order,
  a checkbox field as one column per choice (``regions___1``), and ``<form>_complete`` after each form;
* labels export: ``Field Label (choice=Choice label)`` for a checkbox column with
  ``Checked``/``Unchecked``; "Event Name", "Repeat Instrument", "Repeat Instance", "Data Access Group";
* choices are written ``1, Female | 2, Male``; yes/no fields are 1/0.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import DatasetError
from ..mapping import normalize_name
from ..measures import measure as registry
from .tables import TextTable

#: Dictionary headers (the CSV downloaded from the project, and the API's names).
_DICT_COLUMNS = {
    "field": ("variable / field name", "field_name"),
    "form": ("form name", "form_name"),
    "type": ("field type", "field_type"),
    "label": ("field label", "field_label"),
    "choices": ("choices, calculations, or slider labels", "select_choices_or_calculations"),
    "validation": ("text validation type or show slider number", "text_validation_type_or_show_slider_number"),
    "min": ("text validation min", "text_validation_min"),
    "max": ("text validation max", "text_validation_max"),
}

SPECIAL_COLUMNS = {
    "redcap_event_name": "Event Name",
    "redcap_repeat_instrument": "Repeat Instrument",
    "redcap_repeat_instance": "Repeat Instance",
    "redcap_data_access_group": "Data Access Group",
    "redcap_survey_identifier": "Survey Identifier",
}


@dataclass(frozen=True)
class Field:
    name: str
    form: str
    type: str
    label: str
    choices: dict          # code -> label (radio, dropdown, checkbox, yesno, truefalse)
    validation: str
    min: str = ""
    max: str = ""


def is_dictionary(header: list[str]) -> bool:
    keys = {normalize_name(h) for h in header}
    return all(any(a in keys for a in _DICT_COLUMNS[k]) for k in ("field", "form", "type", "label"))


def is_export(header: list[str]) -> str | None:
    """``"raw"`` or ``"labels"`` when the header looks like a REDCap data export."""
    keys = [normalize_name(h) for h in header]
    if "redcap_event_name" in keys or "redcap_repeat_instrument" in keys or "redcap_data_access_group" in keys:
        return "raw"
    if any(k.endswith("_complete") for k in keys) and keys and keys[0] in ("record_id", "id", "study_id"):
        return "raw"
    if "complete?" in keys and ("event name" in keys or "repeat instrument" in keys or "record id" in keys):
        return "labels"
    return None


def strip_html(text: str) -> str:
    return " ".join(re.sub(r"<[^>]*>", " ", str(text)).split())


def parse_choices(text: str, ftype: str) -> dict:
    if ftype == "yesno":
        return {"1": "Yes", "0": "No"}
    if ftype == "truefalse":
        return {"1": "True", "0": "False"}
    if ftype not in ("radio", "dropdown", "checkbox") or not text:
        return {}
    out = {}
    for part in str(text).split("|"):
        code, sep, label = part.partition(",")
        if sep and code.strip():
            out[code.strip()] = strip_html(label)
    return out


def read_dictionary(table: TextTable) -> dict[str, Field]:
    """Field name -> :class:`Field`, in dictionary order."""
    keys = [normalize_name(h) for h in table.header]
    pos = {}
    for k, names in _DICT_COLUMNS.items():
        hit = [i for i, h in enumerate(keys) if h in names]
        if hit:
            pos[k] = hit[0]
    if not all(k in pos for k in ("field", "form", "type", "label")):
        raise DatasetError(f"{table.file} is not a REDCap data dictionary (it needs the columns 'Variable / Field "
                           "Name', 'Form Name', 'Field Type' and 'Field Label').", file=table.file)

    def col(k):
        return table.column(pos[k]) if k in pos else [""] * table.n

    out = {}
    for name, form, ftype, label, choices, val, lo, hi in zip(col("field"), col("form"), col("type"), col("label"),
                                                               col("choices"), col("validation"), col("min"),
                                                               col("max")):
        if not name:
            continue
        t = ftype.strip().lower()
        out[name.strip()] = Field(name.strip(), form.strip(), t, strip_html(label), parse_choices(choices, t),
                                  val.strip().lower(), lo.strip(), hi.strip())
    return out


def export_columns(fields: dict[str, Field]) -> list[tuple[str, str]]:
    """Every column a full export may have, in REDCap's order: (raw name, label as in the labels export)."""
    items = list(fields.values())
    if not items:
        return []
    out = [(items[0].name, items[0].label)]
    out += [(k, v) for k, v in SPECIAL_COLUMNS.items()]
    forms: list[str] = []
    for f in items:
        if f.form not in forms:
            forms.append(f.form)
    for form in forms:
        for f in items[1:] if form == items[0].form else items:
            if f.form != form or f.type == "descriptive":
                continue
            if f.type == "checkbox":
                out += [(f"{f.name}___{code}", f"{f.label} (choice={lab})") for code, lab in f.choices.items()]
            else:
                out.append((f.name, f.label))
        out.append((f"{form}_complete", "Complete?"))
    return out


def labels_to_fields(table: TextTable, fields: dict[str, Field]) -> list[str]:
    """The field names of a labels export's columns, found by walking the header and REDCap's
    column order side by side (a label such as "Complete?" occurs once per form, so labels alone
    cannot say which form a column belongs to). Columns left out of the export are skipped."""
    expected = export_columns(fields)
    norm = [normalize_name(strip_html(lab)) for _, lab in expected]
    names, j = [], 0
    for h in table.header:
        key = normalize_name(strip_html(h))
        k = j
        while k < len(expected) and norm[k] != key:
            k += 1
        if k == len(expected):
            # Not a field of the dictionary (a survey timestamp, a column added by hand): kept under its
            # label, so the mapping can still name it; the walk goes on from the same place.
            names.append(h)
            continue
        names.append(expected[k][0])
        j = k + 1
    if sum(1 for n, h in zip(names, table.header) if n == h) > len(names) / 2:
        raise DatasetError(
            f"{table.file}: most of its columns match no field label of the data dictionary (in REDCap's column "
            "order). Export the data and the dictionary from the same project, or use the raw export.",
            file=table.file)
    return names


def checkbox_field(name: str) -> str | None:
    m = re.match(r"^(.*)___[^_].*$", name)
    return m.group(1) if m else None


#: A checkbox choice whose label says "none of them" (``None``, ``None of these``, ``None of the above``,
#: ``Keine der genannten``, ``Aucune``, ``No region``): ticking it names no item; the proposal gives its column
#: ``means_none`` (analysis/io/spec.py), so that a visit with only it ticked counts 0.
_NONE_CHOICE = re.compile(r"(?:none|nothing|no\s+regions?|no\s+body\s+regions?|keine[rs]?|kein|aucune?|"
                          r"ningun[oa]|nessun[oa]|geen)\b(?:\s+(?:of|der|des|de|dei|van)\b.*)?")


def choice_means_none(label: str) -> bool:
    """Whether a checkbox choice's label means "none of the choices" (whole label, any case)."""
    return bool(_NONE_CHOICE.fullmatch(" ".join(str(label).casefold().split()).rstrip(".")))


def none_choice_why(field: str, choice: str, measure: str) -> str:
    """Why a checkbox column whose choice means none is proposed with ``means_none``."""
    lo = registry(measure).min
    fate = (f"then out of {measure}'s range ({lo:g} or more) and listed in the load report" if lo is not None and lo > 0
            else "a count like any other")
    return (f"REDCap checkbox {field!r}: the choice {choice!r} names no item: a visit with only it ticked counts 0 "
            f"(means_none; {fate}); ticked beside other boxes, the visit has no count and is listed")


def checkbox_choice(name: str, field: "Field") -> str:
    """The label of the choice a raw checkbox column (``region___0``) stands for ('' when unknown)."""
    return str(field.choices.get(name[len(field.name) + 3:], ""))


#: What REDCap writes in a survey's timestamp column when the survey was not completed.
NOT_COMPLETED = "[not completed]"


def blank_survey_placeholders(table: TextTable) -> None:
    """A survey not completed has no time: REDCap's ``[not completed]`` in a ``*_timestamp`` column
    (labels export: ``Survey Timestamp``) becomes an empty cell, in place. Otherwise the column would
    not read as dates, and its dates would then be refused as identifiers."""
    for k, h in enumerate(table.header):
        if h.casefold().endswith("_timestamp") or h.casefold() == "survey timestamp":
            col = table.cells.iloc[:, k].astype(object)
            table.cells.iloc[:, k] = col.where(col.str.casefold() != NOT_COMPLETED, "")
