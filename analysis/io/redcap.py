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

import numpy as np
import pandas as pd

from ..errors import DatasetError, MappingError
from ..mapping import normalize_name
from ..measures import measure as registry
from .column_words import measure_of
from .counted_from import read_time_points
from .spec import SCORE_ROLES, Column, slug
from .tables import TextTable
from .time_units import to_days

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


def is_export(header: list[str], dictionary: dict | None = None) -> str | None:
    """``"raw"`` or ``"labels"`` when the header looks like a REDCap data export. With the project's data
    ``dictionary``, its first field (the record id, whatever its name: ``participant_id``) or that field's
    label first in the header, beside the forms' status columns, says so too."""
    keys = [normalize_name(h) for h in header]
    if "redcap_event_name" in keys or "redcap_repeat_instrument" in keys or "redcap_data_access_group" in keys:
        return "raw"
    first = next(iter(dictionary.values()), None) if dictionary else None
    ids = ("record_id", "id", "study_id") + ((normalize_name(first.name),) if first is not None else ())
    if any(k.endswith("_complete") for k in keys) and keys and keys[0] in ids:
        return "raw"
    label = normalize_name(strip_html(first.label)) if first is not None else None
    if "complete?" in keys and ("event name" in keys or "repeat instrument" in keys or "record id" in keys
                                or keys[0] == label):
        return "labels"
    return None


#: REDCap's export for R, SAS, SPSS and Stata: a data file without a header row (``*_DATA_NOHDRS_*.csv``)
#: beside the syntax file that names its columns.
_HEADERLESS = re.compile(r"(?i)_DATA_NOHDRS_")


def refuse_headerless(files: dict) -> None:
    """Refuse REDCap's headerless data file of the statistics-package export, saying which export to use
    (read as a table, its first record was taken for the header)."""
    for name in files:
        if _HEADERLESS.search(str(name)):
            raise DatasetError(
                f"{name} is REDCap's data file for R, SAS, SPSS or Stata: it has no header row (the column names "
                "are in the syntax file beside it). Export the data again as 'CSV / Microsoft Excel (raw data)' "
                "(or labels), with the data dictionary, and load those files.", file=name)


def raw_beside_labels(hints: dict, review: list) -> None:
    """A point to review when the files hold both a raw and a labels export (``hints``: file -> "raw",
    "labels" or None): two exports of one project read together give every record twice, once coded and
    once labelled (treatments read twice, covariates that 'differ')."""
    raw = [f for f, h in hints.items() if h == "raw"]
    labels = [f for f, h in hints.items() if h == "labels"]
    if raw and labels:
        review.append(f"{raw[0]} (a REDCap raw export) and {labels[0]} (a labels export) look like two exports of "
                      "the same data: load one of them (with the data dictionary), or give the other the kind "
                      "\"ignore\" in the mapping.")


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
    stamps: list[int] = []  # 'Survey Timestamp' columns waiting for the form they precede
    for h in table.header:
        key = normalize_name(strip_html(h))
        k = j
        while k < len(expected) and norm[k] != key:
            k += 1
        if k == len(expected):
            # Not a field of the dictionary (a survey timestamp, a column added by hand): kept under its
            # label, so the mapping can still name it; the walk goes on from the same place.
            if key == "survey timestamp":
                stamps.append(len(names))
            names.append(h)
            continue
        names.append(expected[k][0])
        j = k + 1
        # A survey's timestamp comes first in its form's columns: named as the raw export names it
        # ('<form>_timestamp'), so that two surveys' timestamps are two columns, not one name twice.
        form = _form_of(expected[k][0], fields)
        for i in stamps if form else ():
            names[i] = f"{form}_timestamp"
        stamps = []
    if sum(1 for n, h in zip(names, table.header) if n == h) > len(names) / 2:
        raise DatasetError(
            f"{table.file}: most of its columns match no field label of the data dictionary (in REDCap's column "
            "order). Export the data and the dictionary from the same project, or use the raw export.",
            file=table.file)
    return names


def checkbox_labels_as_ticks(table: TextTable, fields: dict[str, Field]) -> None:
    """A labels export made with "export checkbox labels" writes a ticked box as its choice's label ('Left arm')
    and an unticked one empty: those labels become ``Checked``, in place, so that the boxes read as in any other
    export (read as they were, no box was ticked: the regions were lost without a word). Call after
    :func:`labels_to_fields`."""
    for k, name in enumerate(table.header):
        field = fields.get(checkbox_field(name, fields) or "")
        if field is None or field.type != "checkbox":
            continue
        choice = checkbox_choice(name, field).strip().casefold()
        cells = table.cells.iloc[:, k]
        ticked = cells.str.strip().str.casefold() == choice
        if choice and choice not in ("checked", "unchecked") and ticked.any():
            table.cells.iloc[:, k] = cells.where(~ticked, "Checked")


def _form_of(name: str, fields: dict) -> str | None:
    """The form of an export column named ``name`` (a field, a checkbox's box, a form's status column)."""
    field = fields.get(name) or fields.get(checkbox_field(name, fields) or "")
    if field is not None:
        return field.form
    return name[:-len("_complete")] if name.endswith("_complete") else None


def checkbox_field(name: str, fields: dict | None = None) -> str | None:
    """The checkbox field a raw export's column (``regions___1``) is a choice of. REDCap writes a negative
    code's minus as an underscore (``regions____99`` for the choice -99): the field is the name before the
    first ``___`` that is a field of ``fields`` (the data dictionary), or, without one, before the first."""
    splits = [m.start() for m in re.finditer(r"(?=____?[^_])", name) if m.start() > 0]
    names = [name[:i] for i in splits]
    return next((n for n in names if fields and n in fields), names[0] if names else None)


#: A checkbox choice whose label says "none of them" (``None``, ``None of these``, ``None of the above``,
#: ``Keine der genannten``, ``Aucune``, ``No region``): ticking it names no item; the proposal gives its column
#: ``means_none`` (analysis/io/spec.py), so that a visit with only it ticked counts 0.
_NONE_CHOICE = re.compile(r"(?:none|nothing|no\s+regions?|no\s+body\s+regions?|keine[rs]?|kein|aucune?|"
                          r"ningun[oa]|nessun[oa]|geen)\b(?:\s+(?:of|der|des|de|dei|van)\b.*)?")


#: A checkbox choice whose label says the items were not known (``Not assessed``, ``Unknown``, ``N/A``,
#: ``Declined``): ticking it is no item, and a visit with only it ticked has no count (not 0 and not 1).
_UNKNOWN_CHOICE = re.compile(r"not\s+(?:assessed|examined|done|known|applicable|recorded|evaluated)|unknown|"
                             r"unable\s+to\s+(?:assess|examine)|n/?a|declined|refused|missing|unbekannt|"
                             r"nicht\s+(?:erhoben|beurteilt|untersucht)|inconnu|non\s+(?:évalué|evalue|renseigné)|"
                             r"desconocido|no\s+evaluado|sconosciuto|onbekend")


#: REDCap's missing data codes (project setting): exported as one more box of every checkbox
#: (``regions___unk``), with no choice of the field's own.
MISSING_DATA_CODES = {"ni", "inv", "unk", "nask", "asku", "nav", "msk", "na", "navu", "np", "qs", "qi", "trc", "unc",
                      "der", "pinf", "ninf", "oth"}


def choice_means_unknown(label: str, column: str = "", field: "Field | None" = None) -> bool:
    """Whether a checkbox choice's label means the items were not known (whole label, any case), or its
    column (of ``field``) is the box of one of REDCap's missing data codes."""
    if not label and field is not None and column[len(field.name) + 3:].casefold() in MISSING_DATA_CODES:
        return True
    return bool(_UNKNOWN_CHOICE.fullmatch(" ".join(str(label).casefold().split()).rstrip(".")))


def choice_means_none(label: str) -> bool:
    """Whether a checkbox choice's label means "none of the choices" (whole label, any case)."""
    return bool(_NONE_CHOICE.fullmatch(" ".join(str(label).casefold().split()).rstrip(".")))


#: Words of a body part, in a checkbox choice's label ('Left arm', 'Right lower limb', 'Main droite').
_BODY_PART = re.compile(r"(?i)\b(?:arms?|legs?|hands?|foot|feet|wrists?|ankles?|knees?|shoulders?|hips?|elbows?|"
                        r"fingers?|toes?|limbs?|extremit\w*|thigh|calf|forearm|face|trunk|neck|back|"
                        r"bein|beine|fu(?:ss|ß)|füße|bras|jambes?|main|mains|pieds?|brazo|pierna|mano|pie)\b")


#: Words of a checkbox's name or label that say where ('Location of pain', 'Pain site(s)', 'Painful areas').
_WHERE = re.compile(r"(?i)\b(?:locations?|sites?|areas?|where|localisation|lokalisation|localizaci[oó]n|"
                    r"ubicaci[oó]n|zones?|spread|extent|distribution)\b")
#: ... but not where a procedure was done or an injury happened ('IV site', 'Block site', 'Site of initial injury').
_NOT_REGIONS = re.compile(r"(?i)\b(?:iv|i\.v\.|intravenous|cannula|catheter|injection|injury|injured|trauma|"
                          r"fracture|surgery|surgical|operation|block|puncture|infusion|incision|biopsy)\b")


def choices_name_body_parts(field: "Field") -> bool:
    """Whether a checkbox says where (its name or label: 'Location of pain', 'Pain site(s)') and its choices
    are body parts (at least two; each one that does not mean none names one): its boxes ticked are a
    count of body regions. A finding on an exam by body part ('Allodynia on exam': Left hand, Right foot)
    says no where: it is not the regions (counted under its own name)."""
    parts = [str(lab) for lab in field.choices.values()
             if not choice_means_none(str(lab)) and not choice_means_unknown(str(lab))]
    named = f"{field.label} {field.name.replace('_', ' ')}"
    # 'Other' (another body part, written elsewhere) is one region more, not a choice that makes the field
    # something else: with it, 'Location of CRPS pain' was counted under its own name.
    body = [lab for lab in parts if not _OTHER_CHOICE.fullmatch(lab.strip())]
    return (bool(_WHERE.search(named)) and not _NOT_REGIONS.search(named) and len(body) >= 2
            and all(_BODY_PART.search(lab) for lab in body))


_OTHER_CHOICE = re.compile(r"(?i)(?:other|others|andere[sr]?|sonstige[sr]?|autres?|otros?|otras?|altro|altri|overig|"
                           r"anders)\b.*")


def none_choice_why(field: str, choice: str, measure: str) -> str:
    """Why a checkbox column whose choice means none is proposed with ``means_none``."""
    lo = registry(measure).min
    fate = (f"then out of {measure}'s range ({lo:g} or more) and listed in the load report" if lo is not None and lo > 0
            else "a count like any other")
    return (f"REDCap checkbox {field!r}: the choice {choice!r} names no item: a visit with only it ticked counts 0 "
            f"(means_none; {fate}); ticked beside other boxes, the visit has no count and is listed")


def checkbox_choice(name: str, field: "Field") -> str:
    """The label of the choice a raw checkbox column (``region___0``) stands for ('' when unknown)."""
    code = name[len(field.name) + 3:]
    if code not in field.choices and code.startswith("_"):
        code = "-" + code[1:]  # a negative code (regions____99 for -99)
    return str(field.choices.get(code, ""))


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


#: A checkbox field whose ticks are treatments given ('Treatment given at this visit', 'Procedures today') ...
_TREATMENT_FIELD = re.compile(r"(?i)\b(?:treatments?|therap\w*|given|tx|interventions?|procedures?|infusions?|"
                              r"behandlung\w*|traitements?|tratamientos?)\b")
#: ... that says they were given (at this visit), not that they were tried before ('Previous treatments tried') ...
_GIVEN = re.compile(r"(?i)\b(?:given|administered|received|today|this\s+visit|performed|done|verabreicht|"
                    r"durchgef(?:ü|ue)hrt|erhalten|administr[ée]e?s?|re[çc]us?|realizad[oa]s?|administrad[oa]s?)\b")
_HISTORY = re.compile(r"(?i)\b(?:previous|prior|past|history|tried|earlier|before|former|lifetime|ever|"
                      r"fr(?:ü|ue)her\w*|vorherige\w*|ant[ée]c[ée]dents?|anteriores?|previos?)\b")
#: ... and a choice that is one of the treatments a CRPS clinic studies (not a co-medication).
_TREATMENT_CHOICE = re.compile(r"(?i)ketamin|lidocain|infusion|block|stimulat|physio|physical\s+therapy|"
                               r"mirror|graded\s+motor|bisphosphonat|neridronat|pamidronat|ivig|immunoglobulin")

#: Known measures that are counts of boxes ticked: the body regions with signs, and the CRPS Severity Score
#: (the number of its 16 signs and symptoms present; Harden et al., Pain 2010;151:870-876).
COUNTED_MEASURES = ("regions_affected", "css")


def checkbox_column(column: str, field: Field, time_of: str | None, file: str, notes: list) -> tuple[Column, str]:
    """The proposed role of one box (``column``) of a checkbox ``field``, and why. Boxes ticked are a count:
    of the body regions (a field named so, or one that says where and whose choices are body parts: 'Location
    of pain' with Left arm, Right leg), of the CRPS Severity Score's signs and symptoms (a field named so), or
    of something of the clinic's own, under its own name; never another score ('Pain quality':
    Burning and Stabbing are no pain score of 2). A box that means "not known" is no item (ignored); one that
    means "none of them" counts 0 (``means_none``)."""
    choice = checkbox_choice(column, field)
    if choice_means_unknown(choice, column, field):
        return Column("ignore"), (f"REDCap checkbox {field.name!r}: the choice {choice or column!r} is no item (a "
                                  "visit with only it ticked has no count)")
    if _TREATMENT_FIELD.search(field.label) and _GIVEN.search(field.label) and not _HISTORY.search(field.label) \
            and _TREATMENT_CHOICE.search(choice):
        # 'Treatment given at this visit': Ketamine infusion, Lidocaine infusion, Stellate ganglion block: a tick
        # is an administration of its choice, at the row's date.
        return (Column("treatment", time=time_of, codes={"1": choice, "Checked": choice, "0": "", "Unchecked": ""}),
                f"REDCap checkbox {field.name!r}: ticked = an administration of {choice!r}")
    m = measure_of(field.label) or measure_of(field.name)
    if m not in COUNTED_MEASURES:
        parts = choices_name_body_parts(field)
        note = (f"{file}: the checkbox {field.name!r} ({field.label!r}) " + (
            "names body parts: the boxes ticked are counted as regions_affected (the body regions). If they are "
            "not the regions with signs of CRPS, give its columns the role \"ignore\"." if parts else
            f"is counted under its own name, not as {m}: boxes ticked are no score. If it records the body "
            "regions with signs of CRPS, give its columns the measure regions_affected."))
        if (m or parts) and note not in notes:
            notes.append(note)
        m = "regions_affected" if parts else slug(field.name)
    none = choice_means_none(choice)
    return (Column("checkbox", measure=m, time=time_of, means_none=none),
            none_choice_why(field.name, choice, m) if none else f"REDCap checkbox {field.name!r}: boxes ticked are counted")


def _positions(table: TextTable, fspec, role: str) -> list[int]:
    """The positions of the table's columns the file's mapping gives ``role``."""
    roles = {normalize_name(h): c for h, c in fspec.columns.items()}
    return [k for k, h in enumerate(table.header) if h and getattr(roles.get(normalize_name(h)), "role", None) == role]


def decode_time_points(table: TextTable, fspec, fields: dict[str, Field]) -> None:
    """A choice field mapped as a day column, in a raw export: its codes become their labels, in place, where the
    labels are the time points, and stay the days they are where they are the days.

    * Every label of the codes written in the column reads as a time point (``1, Baseline | 2, Week 1 |
      3, Week 4``): the labels decide, so code 3 is 'Week 4', day 28. Read as a number it would be day 3: a wrong
      day that looks right.
    * Otherwise the codes are kept, as they were read before labels were: where they look like days
      (:func:`_codes_are_days`: ``0, Pre-infusion | 7, One week | 28, One month``, or ``0, Day 0 (infusion) |
      7, Day 7``), each code is its day. Decoding there would exclude every row whose label does not read.
    * Neither: a :class:`MappingError` naming the field (a point to review; the rows are not dropped unsaid).

    A ``"codes"`` object on the day column in the mapping is the user's reading of the codes and is used as
    given. A labels export already holds the labels."""
    if fspec.redcap != "raw":
        return
    roles = {normalize_name(h): c for h, c in fspec.columns.items()}
    for k in _positions(table, fspec, "day"):
        h = table.header[k]
        col, f = roles[normalize_name(h)], fields.get(h)
        cells = pd.Series(table.column(k), dtype=object)
        if col.codes:
            table.cells.iloc[:, k] = cells.map(col.codes).fillna(cells).to_numpy(dtype=object)
            continue
        if f is None or not f.choices or f.type not in ("radio", "dropdown"):
            continue
        events = bool(col.counted_from) or normalize_name(h) == "redcap_event_name"
        used = [c for c in f.choices if (cells == c).any()]
        if not used:
            continue
        used_days = _label_days([str(f.choices[c]) for c in used], h, events)
        if not np.isnan(used_days).any():
            table.cells.iloc[:, k] = cells.map(f.choices).fillna(cells).to_numpy(dtype=object)
            continue
        if _codes_are_days(f, h, events):
            continue
        unread_labels = [str(f.choices[c]) for c, d in zip(used, used_days) if np.isnan(d)]
        if (~np.isnan(used_days)).any() and all(_NO_TIME_LABEL.search(x) for x in unread_labels):
            # The labels are time points but for one naming no time ('99, Unscheduled'): they decide where they
            # read; the other rows keep their label and are excluded at loading with their reason (listed).
            table.cells.iloc[:, k] = cells.map(f.choices).fillna(cells).to_numpy(dtype=object)
            continue
        unread = [f"{c}, {f.choices[c]}" for c, d in zip(used, used_days) if np.isnan(d)]
        example = ", ".join(f'"{c}": "..."' for c in list(f.choices)[:3])
        raise MappingError(
            f"{table.file}: {h!r} is mapped as the day, but its choices neither read as time points (not "
            f"{' | '.join(unread[:4])}{' ...' if len(unread) > 4 else ''}; 'Baseline', 'Day 7', 'Week 4', 'Month 3' "
            f"do) nor are the days themselves (its codes {', '.join(list(f.choices)[:6])}"
            f"{' ...' if len(f.choices) > 6 else ''} number the choices, or a label that reads says another day): "
            "read either way, a score could fall on a wrong day. Give the day column each code's time point ('Baseline', "
            f"'Week 1', 'Month 3', or the number of days), \"codes\": {{{example}}}, or write the choices' labels "
            "as time points in the project.",
            file=table.file, column=h)


#: A field named for days ('Days since infusion', 'fu_day', 'Tag', 'jour'): its codes may be days.
_DAYS_NAME = re.compile(r"(?i)(?:^|[\W_])(?:days?|tage?n?|jours?|d[ií]as?|dag(?:en)?|giorn[oi])(?:$|[\W_])")


def _label_days(labels: list, header: str, events: bool) -> np.ndarray:
    """The days each choice label stands for, as the loader reads a day column's cells
    (:func:`analysis.io.translate._day_numbers`): a number in the unit the column's name says, else a time point
    in words (:func:`analysis.io.counted_from.read_time_points`); NaN where it does not read."""
    text = pd.Series(labels, dtype=object).astype(str).str.strip()
    days = to_days(pd.to_numeric(text, errors="coerce").to_numpy(dtype=float), header)
    words = read_time_points(text.to_numpy(dtype=object), events=events)[0]
    return np.where(np.isnan(days), words, days)


def _codes_are_days(f: Field, header: str, events: bool) -> bool:
    """A choice field's codes look like the days of its time points: every code is a number, no label that reads
    as a time point says another day than its code (``1, Baseline`` is day 0, not 1; ``3, Week 4`` is day 28),
    and either a label says the same day as its code and that day is not 0 (``7, Day 7``), or the field is named
    for days (``Days since infusion``), or the codes are no numbering of the choices (not 1, 2, 3, ... or
    0, 1, 2, ...; nor 10, 20, 30, ...: ``0, 7, 28, 91`` are days)."""
    codes = to_days(pd.to_numeric(pd.Series(list(f.choices), dtype=object), errors="coerce").to_numpy(dtype=float),
                    header)
    if np.isnan(codes).any():
        return False
    labels = _label_days([str(x) for x in f.choices.values()], header, events)
    read = ~np.isnan(labels)
    if (labels[read] != codes[read]).any():
        return False
    # A label naming no time ('Unscheduled', 'Other') says its code is no day ('Unscheduled' coded 99 is no day 99).
    if any(_NO_TIME_LABEL.search(str(x)) for x in f.choices.values()):
        return False
    # A label that says its day, the same as its code ('7, Day 7'; inside a visit's name: '7, Visit 2 (day 7)').
    said = [m for c, x in f.choices.items() for m in [_DAY_IN_LABEL.search(str(x))]
            if m and float(m.group(1)) == float(c) and float(c) != 0]
    if bool((read & (labels != 0)).any()) or said:
        return True
    # Labels numbering visits ('Visit 5', 'T1') with no day said: 'Visit 5' coded 5 is no day 5.
    if any(_VISIT_NUMBER_LABEL.search(str(x)) for x in f.choices.values()):
        return False
    step = np.unique(np.diff(np.sort(codes)))
    numbering = len(codes) >= 2 and len(step) == 1 and step[0] in (1.0, 10.0, 100.0)
    # A field's name alone ('Study day') does not make a numbering from 1 days ('1, Screening | 2, Infusion |
    # 3, Follow-up'); named for days and starting at day 0 it does ('Days since infusion': 0, 1, 2, 3).
    named = bool(_DAYS_NAME.search(f"{f.name} {f.label}"))
    return not numbering or (named and bool((codes == 0).any()))


_DAY_IN_LABEL = re.compile(r"(?i)\b(?:day|tag|jour|d[ií]a|dag|giorno)\s*(\d+)\b")
_VISIT_NUMBER_LABEL = re.compile(r"(?i)\b(?:visit|visite|visita|besuch|bezoek|session|sitzung|séance|sesi[oó]n|t)\s*#?\d+\b")
_NO_TIME_LABEL = re.compile(r"(?i)\b(?:unscheduled|unplanned|other|unknown|ungeplant|sonstige|andere|autre|imprévu|otro|"
                            r"no\s+programad\w*|altro|overig|ongepland)\b")


def record_dates_for_instances(table: TextTable, fspec) -> str | None:
    """The date a day column counts from (``counted_from``), written once per record, taken for the record's
    repeating instances that hold scores.

    A classic REDCap project writes a field of a form that does not repeat (``inf_date`` of ``enrolment``) on
    the record's own row only, and a repeating form's fields (``fu_timepoint``, ``nrs`` of ``followup``) on one
    row per instance, where the date is empty. The date is the record's, so its instances count from it: it is
    copied, in place, into their empty cells, only where that is certain: the row is an instance of a repeating
    form with a score and a time point, and the record (and event, in a longitudinal project) has exactly one
    date on its rows that are no instance. A record with none, or two, keeps its instances without a date
    (excluded at loading, each with its reason). Returns the load report's note, or None."""
    if not fspec.redcap:
        return None
    keys = [normalize_name(h) for h in table.header]
    rep = next((k for k, h in enumerate(keys) if h in ("redcap_repeat_instrument", "repeat_instrument")), None)
    pid = _positions(table, fspec, "patient_id")
    if rep is None or len(pid) != 1:
        return None
    event = next((k for k, h in enumerate(keys) if h in ("redcap_event_name", "event_name")), None)
    roles = {normalize_name(h): c for h, c in fspec.columns.items()}
    scored = np.zeros(table.n, dtype=bool)
    for k in [k for role in SCORE_ROLES for k in _positions(table, fspec, role)]:
        scored |= table.column(k) != ""
    instance = table.column(rep) != ""
    filled = []
    for k in _positions(table, fspec, "day"):
        name = roles[keys[k]].counted_from
        dates = [j for j, h in enumerate(keys) if name and h == normalize_name(name)]
        if not dates:
            continue
        d = dates[0]
        key = pd.Series(table.column(pid[0]), dtype=object) + (
            "\x1f" + pd.Series(table.column(event), dtype=object) if event is not None else "")
        date = pd.Series(table.column(d), dtype=object)
        own = pd.DataFrame({"key": key, "date": date})[~instance & (date != "").to_numpy()]
        once = own.groupby("key")["date"].agg(["nunique", "first"])
        once = once.loc[once["nunique"] == 1, "first"]
        todo = instance & scored & (table.column(k) != "") & (date == "").to_numpy()
        value = key.map(once).fillna("").to_numpy(dtype=object)
        todo &= value != ""
        if todo.any():
            table.cells.iloc[np.flatnonzero(todo), d] = value[todo]
            filled.append(f"{table.header[d]!r} ({int(todo.sum())} row(s))")
    if not filled:
        return None
    return (f"{table.file}: the date the time points count from, {', '.join(filled)}, is written on each record's own "
            "row only: the rows of its repeating forms' instances with scores were given their record's date "
            "(counted_from).")
