"""Which sheets of a workbook hold the clinic's data, and how sheets of the same columns become tables.

Called by :func:`analysis.io.workbooks.workbook_tables` on the sheets that hold a table, in this order:

* :func:`sheets_not_data`: a sheet named as a template, an example, instructions or a list of choices
  (``Template``, ``Example``, ``Lists``, ``Codes``, ``Vorlage``, ``Beispiel``, ``Modèle``, ``Plantilla``) is
  not read, with a note: its rows are no patients (a template's example patient P99 was analysed);
* :func:`sheets_per_patient`: one sheet per patient (``P01``, ``P02``, ... with no patient column) is one
  table whose column ``Patient`` is the sheet's name; sheets whose columns differ only by a free-text
  column (``Notes`` here, ``Comments`` there) join it, and a sheet named like the others whose scored
  columns differ is still read, as a table of its own with its ``Patient`` column, with a note saying which
  columns differ;
* :func:`sheets_per_treatment`: sheets of the same columns named after treatments (``Ketamine``,
  ``Lidocaine``) each get a first column ``Sheet`` with the sheet's name, with a note: the sheet is then
  the only place that names the treatment (their ``Infusion`` column of Yes names none).

Each function takes and returns the list of ``(sheet, csv bytes, rows)`` and appends notes for the load
report.
"""
from __future__ import annotations

import csv
import io
import re

import numpy as np

#: Sheet names that say the sheet is no data: a template or an example to copy, instructions, the lists
#: of a drop-down, codes and their meanings (English, German, French, Spanish, Italian, Dutch).
_NOT_DATA_SHEET = re.compile(
    r"(?i)(?<![^\W\d_])(?:templates?|examples?|exemples?|samples?|instructions?|how[\s_-]*to|read[\s_-]*me|"
    r"lists|code[\s_-]*lists?|codes|codebook|look[\s_-]*ups?|drop[\s_-]*downs?|legends?|l[ée]gendes?|"
    r"vorlagen?|beispiel\w*|anleitung|muster|mod[èe]les?|plantillas?|ejemplos?|instrucciones|listas|"
    r"modello|esempio|istruzioni|sjabloon|voorbeeld)(?![^\W\d_])")
#: A free-text column, whose name may differ from sheet to sheet (``Notes``, ``Comments``) without the
#: sheets being different tables.
_FREE_TEXT = re.compile(r"(?i)comment|kommentar|bemerkung|notes?\b|notiz|remarks?|remarque|commentaire|observaci|"
                        r"opmerking|free[\s_-]*text|freitext|annotation")
#: A header that may hold the patient ('Study number', 'Pt', 'Proband', 'Sujet', 'Case'): then the sheets are no patients.
_ID_HEADER = re.compile(r"(?i)\b(?:number|no|nr|num|id|code|pt|pat|proband\w*|sujet|subject|case|fall|study|"
                        r"participant|teilnehmer\w*|paciente|patiente?|record|mrn|initials?)\b")
#: Sheet names that say what else splits a workbook: years, months, sites, groups, Excel's default names.
_NOT_A_PATIENT_SHEET = re.compile(
    r"(?i)(?:19|20)\d\d(?:\s*[-/]\s*\d+)?|(?:sheet|tabelle|feuil|hoja|foglio|blad)\s*\d*|"
    r"(?:site|center|centre|clinic|ward|group|arm|cohort|standort|zentrum|gruppe)\b.*|"
    r"jan\w*|feb\w*|m[aä]r\w*|apr\w*|ma[iy]\w*|jun\w*|jul\w*|aug\w*|sep\w*|o[ck]t\w*|nov\w*|de[cz]\w*|"
    r"q[1-4](?:\s*\d+)?|data|daten|donn[ée]es|datos|summary|overview|[üu]bersicht|scores?|infusions?|visits?")
#: Words of a sheet name that name a treatment (a drug, or a procedure a CRPS clinic gives).
_TREATMENT_SHEET = re.compile(
    r"(?i)ketamin|lidocain|lignocain|xylocain|procain|bupivacain|ropivacain|pamidron|zoledron|neridron|"
    r"bisphosphonat|immunoglobulin|\bivig\b|magnesium|infliximab|clonidin|methylpredniso|prednisolon|"
    r"\bblocks?\b|\bsgb\b|ganglion|sympath|placebo")


def _shown(text: str) -> str:
    """A sheet name in a message: control characters (a terminal's escape codes) as spaces."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", str(text))


def _listed(sheets: list[str], most: int = 4) -> str:
    return ", ".join(f"'{_shown(s)}'" for s in sheets[:most]) + (", ..." if len(sheets) > most else "")


def _header(csv_bytes: bytes) -> list[str]:
    """A sheet's first line with values (the table may start below row 1)."""
    return next(csv.reader([csv_bytes.lstrip(b"\n").split(b"\n", 1)[0].decode("utf-8", "replace")]), [])


def _key(cells: list[str]) -> tuple:
    """What makes two sheets one table: their column names but the free-text ones, in any order."""
    return tuple(sorted(c.strip().casefold() for c in cells if c.strip() and not _FREE_TEXT.search(c)))


def sheets_not_data(tables: list, name: str, notes: list) -> list:
    """``tables`` without the sheets named as templates, examples, instructions or lists (a note for each),
    when what they hold says so too: the columns of another sheet (a template or an example patient beside the
    data, or beside the patients' sheets), or a short list of choices (three columns or fewer). A sheet so named
    whose table is like no other ('Final sample', 'Outcomes (from template)' beside a referral list) is the data
    and is read, as is the only table of a workbook: the name alone does not say it holds no data."""
    named = [t for t in tables if _NOT_DATA_SHEET.search(t[0])]
    others = {_key(_header(t[1])) for t in tables if t not in named}
    dropped = [t for t in named if _key(_header(t[1])) in others or len([c for c in _header(t[1]) if c.strip()]) <= 3]
    if not dropped or len(dropped) == len(tables):
        return tables
    for sheet, _, _ in dropped:
        notes.append(f"{name}: the sheet '{_shown(sheet)}' was not read: its name says it is a template, an example, "
                     "instructions or a list of choices, not patients' data. If it holds data, rename the sheet and "
                     "load the workbook again.")
    return [t for t in tables if t not in dropped]


def _shape(sheet: str) -> str:
    """A sheet name with its numbers as '#': 'Pt 01' and 'Pt 12' are named alike."""
    return re.sub(r"\d+", "#", sheet.strip().casefold())


def _joined(group: list, first: str) -> bytes:
    """The sheets of ``group`` as one table: a first column ``first`` with the sheet's name, then every
    column of the sheets (those of the first sheet in its order, then each other sheet's own columns, e.g.
    its free-text column under its own name, empty in the other sheets' rows). A column is matched by its
    name, the k-th of a repeated name to the k-th."""
    columns: list[tuple[str, int]] = []
    sheets = []
    for sheet, csv_bytes, _ in group:  # a loop over the workbook's sheets
        rows = list(csv.reader(io.StringIO(csv_bytes.lstrip(b"\n").decode("utf-8"), newline="")))
        seen: dict[str, int] = {}
        keys = []
        for c in rows[0]:
            k = c.strip().casefold()
            seen[k] = seen.get(k, 0) + 1
            keys.append((c.strip(), seen[k]))
        known = {(n.casefold(), i) for n, i in columns}
        columns += [(n, i) for n, i in keys if (n.casefold(), i) not in known]
        sheets.append((sheet, keys, rows[1:]))
    where = {(n.casefold(), i): k for k, (n, i) in enumerate(columns)}
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([first] + [n for n, _ in columns])
    for sheet, keys, body in sheets:
        body = [r for r in body if any(c.strip() for c in r)]
        if not body:
            continue
        cells = np.full((len(body), len(columns)), "", dtype=object)
        at = [where[(n.casefold(), i)] for n, i in keys]
        width = len(keys)
        block = np.array([(r + [""] * width)[:width] for r in body], dtype=object)
        cells[:, at] = block
        writer.writerows([sheet.strip()] + list(r) for r in cells)
    return buf.getvalue().encode("utf-8")


def _prefixed(csv_bytes: bytes, first: str, value: str) -> bytes:
    """One sheet's table with a first column ``first`` holding ``value`` on each row (an empty line stays
    empty, so that line k is still row k of the sheet)."""
    above = len(csv_bytes) - len(csv_bytes.lstrip(b"\n"))
    rows = list(csv.reader(io.StringIO(csv_bytes[above:].decode("utf-8"), newline="")))
    buf = io.StringIO(newline="")
    buf.write("\n" * above)
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([first] + rows[0])
    for r in rows[1:]:
        if any(c.strip() for c in r):
            writer.writerow([value.strip()] + r)
        else:
            buf.write("\n")
    return buf.getvalue().encode("utf-8")


def _differs(mine: list[str], theirs: list[str]) -> str:
    a = {c.strip() for c in mine if c.strip() and not _FREE_TEXT.search(c)}
    b = {c.strip() for c in theirs if c.strip() and not _FREE_TEXT.search(c)}
    parts = []
    if a - b:
        parts.append(f"it has {', '.join(map(repr, sorted(a - b)))}")
    if b - a:
        parts.append(f"not {', '.join(map(repr, sorted(b - a)))}")
    return " but ".join(parts) or "its columns are in another order"


def sheets_per_patient(tables: list, stem: str, name: str, notes: list, what: str = "sheet") -> tuple[list, list]:
    """A workbook kept with one sheet per patient (sheets 'P01', 'P02', ...: the same columns, none for the
    patient, whose id is the sheet's name): those sheets are one table, ``<workbook>.csv``, with the sheet's
    name as a first column ``Patient``. Returns the other sheets, and the combined table (``[(csv name,
    csv bytes)]``, empty when there is none). Read sheet by sheet, each had no patient id and was refused.

    The same columns: the same names but the free-text ones (``Notes`` in most sheets, ``Comments`` in
    two), in any order; each sheet's own free-text column is kept under its name. A sheet named like
    those (``Pt 05`` beside ``Pt 01``) whose other columns differ is read as a table of its own, with its
    ``Patient`` column, and a note says which columns differ: never a patient lost without a word."""
    from .column_words import has_word
    from .counted_from import read_time_points

    by_key: dict[tuple, list] = {}
    for t in tables:
        by_key.setdefault(_key(_header(t[1])), []).append(t)
    group = max(by_key.values(), key=len)
    cells = _header(group[0][1])
    if len(group) < 2 or any(has_word("patient_id", c) or _ID_HEADER.search(c) for c in cells if c):
        return tables, []
    # Sheets named for visits ('Baseline', 'Week 4'), years, sites or Excel's defaults, or longer than an id,
    # are no patients.
    names = [sheet.strip() for sheet, _, _ in group]
    if any(len(n) > 24 or _NOT_A_PATIENT_SHEET.fullmatch(n) for n in names) or \
            (~np.isnan(read_time_points(np.array(names, dtype=object), events=True)[0])).any():
        return tables, []
    differ = {_header(t[1]) != cells for t in group}
    notes.append(f"{name}: the {what}s {_listed([g[0] for g in group])} have the same columns and none for the patient: "
                 f"one {what} per patient, read as one table ({stem}.csv) with each {what}'s name as the patient id"
                 + (" (their free-text columns differ: each is kept under its own name)." if True in differ else "."))
    members = {g[0] for g in group}
    shapes = {_shape(n) for n in names if re.search(r"\d", n)}
    rest, alone = [], []
    for t in tables:
        if t[0] in members:
            continue
        own = _header(t[1])
        if _shape(t[0]) in shapes and not any(has_word("patient_id", c) or _ID_HEADER.search(c) for c in own if c):
            own_name = f"{stem} ({_shown(t[0]).strip()}).csv" if what == "sheet" else "its own file"
            notes.append(f"{name}: the {what} '{_shown(t[0])}' is named like the patients' {what}s ({_listed(names, 2)}) "
                         f"but its columns differ ({_differs(own, cells)}): it was read as a table of its own, "
                         f"{own_name}, with its name as the patient id. If it is the same table, give its columns the "
                         f"names of the other {what}s and load it again.")
            alone.append((t[0], _prefixed(t[1], "Patient", t[0]), t[2]))
        else:
            rest.append(t)
    return rest + alone, [(f"{stem}.csv", _joined(group, "Patient"))]


def sheets_per_treatment(tables: list, name: str, notes: list) -> list:
    """Sheets of the same columns (but free text) named after different treatments (``Ketamine``,
    ``Lidocaine``): each gets a first column ``Sheet``, its name, with a note. Read without it, their
    ``Infusion`` column of Yes made one treatment named 'Infusion' of both: the sheet was the only place
    that said which treatment each patient had."""
    by_key: dict[tuple, list] = {}
    for t in tables:
        by_key.setdefault(_key(_header(t[1])), []).append(t)
    out = []
    for t in tables:
        group = by_key[_key(_header(t[1]))]
        named = {_TREATMENT_SHEET.search(s)[0].casefold() if _TREATMENT_SHEET.search(s) else None for s, _, _ in group}
        if len(group) < 2 or None in named or len(named) < 2 or \
                any(c.strip().casefold() == "sheet" for c in _header(t[1])):
            out.append(t)
            continue
        if t is group[0]:
            notes.append(f"{name}: the sheets {_listed([g[0] for g in group])} have the same columns and are named "
                         "after treatments: each is read with a first column 'Sheet' holding its name, which says "
                         "the treatment of its rows.")
        out.append((t[0], _prefixed(t[1], "Sheet", t[0]), t[2]))
    return out


def name_treatments_by_sheet(fps: list, notes: list, tables: list | None = None) -> None:
    """In the proposal (:func:`analysis.io.propose.inspect`, on its file proposals): a table read with a
    ``Sheet`` column (:func:`sheets_per_treatment`) whose yes/no column gives the treatment events
    (``Infusion``: Yes) names those events after its sheet (``Ketamine``, ``Lidocaine``), and its ``Sheet``
    column is no treatment of its own (it names every row: read so, each visit was an administration, and
    two treatment columns refused the file)."""
    from dataclasses import replace

    from .spec import Column

    for p in fps:
        if p.spec is None:
            continue
        sheet = next((c for c in p.columns if c.header == "Sheet" and c.column.role == "treatment"), None)
        yes = [c for c in p.columns if c is not sheet and c.column.role == "treatment" and c.column.codes]
        values = {str(v).strip() for v in (sheet.examples if sheet is not None else [])}
        if sheet is None or len(yes) != 1 or len(values) != 1:
            continue
        label = values.pop()
        codes = {k: label if v else "" for k, v in yes[0].column.codes.items()}
        yes[0].column = replace(yes[0].column, codes=codes)
        sheet.column = Column("ignore")
        sheet.why = "the sheet's name: it names the treatment of the yes/no column"
        columns = dict(p.spec.columns)
        columns[yes[0].header] = yes[0].column
        columns[sheet.header] = sheet.column
        p.spec = replace(p.spec, columns=columns)
        notes.append(f"{p.name}: each {yes[0].header!r} Yes is an administration of {label!r}, the name of its sheet "
                     "(rename the treatment in the mapping if needed).")
    for p in fps:  # the treatment column's own texts name no drug ('Infusion'): the sheet names it
        table = next((t for t in tables or [] if t.file == p.name), None)
        sheet = next((c for c in p.columns if c.header == "Sheet"), None)
        treat = [c for c in p.columns if c is not sheet and c.column.role == "treatment"]
        if p.spec is None or table is None or sheet is None or len(treat) != 1 or treat[0].column.codes:
            continue
        labels = {str(v).strip() for v in sheet.examples}
        cells = table.column(table.header.index(treat[0].header))
        texts = sorted({str(v) for v in cells[cells != ""]})
        if len(labels) != 1 or not texts or any(_TREATMENT_SHEET.search(x) for x in texts):
            continue
        label = labels.pop()
        treat[0].column = replace(treat[0].column, codes={x: label for x in texts})
        treat[0].why = f"its texts ({', '.join(map(repr, texts[:3]))}) name no drug: the administrations of {label!r}"
        sheet.column = Column("ignore")
        sheet.why = "the sheet's name: it names the treatment of its rows"
        p.spec = replace(p.spec, columns={**p.spec.columns, treat[0].header: treat[0].column, sheet.header: sheet.column})
        notes.append(f"{p.name}: its {treat[0].header!r} cells ({', '.join(map(repr, texts[:3]))}) name no drug: each is "
                     f"an administration of {label!r}, the name of its sheet (rename the treatment in the mapping if "
                     "needed).")


#: The end of a file name that Apple Numbers adds to each table it exports as CSV: 'Pt 01-Table 1.csv'.
_NUMBERS_TABLE = re.compile(r"(?i)\s*-\s*(?:table|tabelle|tableau|tabla)\s*\d+$")
#: The name of the table of a folder's files kept one per patient (never a file of our format's names).
PATIENT_FILES = "Patient files.csv"


def csv_files_per_patient(files: dict[str, bytes], notes: list) -> dict[str, bytes]:
    """A folder of CSV files kept one per patient, as Numbers exports a workbook of one sheet per patient
    (``Pt 01-Table 1.csv``, ...: the same columns, none for the patient, whose id is the file's name): one
    table, ``Patient files.csv``, whose first column ``Patient`` is each row's file name (without Numbers'
    ``-Table 1``), as :func:`sheets_per_patient` reads such sheets. Read file by file, each asked for a
    patient-id column. Only UTF-8 files separated by commas (what Numbers and Excel's CSV UTF-8 write)."""
    from pathlib import PurePosixPath

    from .sources import _basename, role_of

    tables, names, texts = [], {}, {}
    for n, data in files.items():
        base = _basename(n)
        if PurePosixPath(base.lower()).suffix != ".csv" or role_of(n) is not None:
            continue
        try:
            text = bytes(data).decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            continue
        if len(_header(text.encode("utf-8"))) < 2:
            continue
        patient = _NUMBERS_TABLE.sub("", PurePosixPath(base).stem).strip()
        if not patient or patient in names:
            return files
        names[patient] = n
        texts[patient] = text.encode("utf-8")
        tables.append((patient, texts[patient], text.count("\n")))
    if len(tables) < 2:
        return files
    found: list[str] = []
    rest, combined = sheets_per_patient(tables, PurePosixPath(PATIENT_FILES).stem, "CSV files", found, what="file")
    if not combined:
        return files
    notes += found
    kept = {t[0] for t in rest}
    out = {n: d for n, d in files.items() if n not in names.values() or any(names[k] == n for k in kept)}
    for patient, csv_bytes, _ in rest:
        if csv_bytes is not texts[patient]:  # a patient's file whose columns differ: with its Patient column
            out[names[patient]] = csv_bytes
    out[PATIENT_FILES] = combined[0][1]
    return out
