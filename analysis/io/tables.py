"""One export file as text cells: encoding, delimiter, the header row below any title rows.

Clinic exports are small (a few thousand to a few hundred thousand rows) and irregular: a title
row above the header, ``;`` and a decimal comma from a German Excel, Windows-1252 from a French
one. They are read with Python's :mod:`csv` module, which handles all of that, instead of the
fast Arrow reader of :mod:`analysis.load` (which needs a regular file). Line numbers are those a
spreadsheet shows: the first line of the file is 1, a quoted cell with a line break is one line.
"""
from __future__ import annotations

import copy
import csv
import hashlib
import io
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import MissingColumnError, UnreadableFileError
from . import fixed_width
from .sheet_reader import two_row_header
from .survey_exports import qualtrics_rows, qualtrics_zones, surveymonkey_header

DELIMITERS = (",", ";", "\t", "|", "^")  # REDCap offers all five

#: How many rows at the top of a file are searched for the header row.
HEADER_SEARCH_ROWS = 30


@dataclass(eq=False)
class TextTable:
    """The data rows of one file, every cell as trimmed text ("" = empty).

    Attributes
    ----------
    file : str
        The file's name, as the report names it.
    header : list of str
        Column names as written (trimmed; inner white space collapsed).
    cells : DataFrame
        One column per header entry (by position: ``cells.iloc[:, k]`` is ``header[k]``), one row
        per data row; object dtype, "" where empty.
    line : ndarray of int64
        Each data row's line number as a spreadsheet shows it.
    encoding, delimiter, header_row : the detected (or given) reading of the file.
    skipped : list of str
        The text of the rows above the header (title rows), for the report.
    """

    file: str
    header: list[str]
    cells: pd.DataFrame
    line: np.ndarray
    encoding: str
    delimiter: str
    header_row: int
    decimal_comma: bool
    skipped: list[str] = field(default_factory=list)
    too_many_fields: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: Lines of the notes below the table (:data:`NOTES_HEADING`), not read, and the reason they are excluded.
    below_table: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    below_reason: str = ""
    #: Lines that repeat the header (two exports pasted one under the other), not read.
    repeated_header: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: The header is two rows read as one (the second is not data): ``"groups"`` (groups of columns over the
    #: columns' names), ``"surveymonkey"`` (questions over their answers' columns); ``""``: one row.
    two_row_header: str = ""
    #: Rows of data that are not read, each kind with its reason (a survey's preview responses): listed.
    set_aside: list = field(default_factory=list)
    #: What the load report says of the file's reading (a survey tool's rows under the header).
    notes: list = field(default_factory=list)
    #: A column's label where the file gives one beside its name (a Qualtrics question's text): column -> text.
    labels: dict = field(default_factory=dict)
    #: The zone of a column's times where the file names it (a Qualtrics export's line 3): column -> IANA name.
    time_zones: dict = field(default_factory=dict)
    #: The file's first column, without a name, numbered the rows (R's row names): not read (:func:`_row_names`).
    row_numbers: bool = False

    def column(self, k: int) -> np.ndarray:
        return self.cells.iloc[:, k].to_numpy(dtype=object)

    @property
    def n(self) -> int:
        return len(self.line)

    def describe(self) -> str:
        enc = {"utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8", "cp1252": "Windows-1252", "ascii": "UTF-8 (ASCII)",
               "utf-16": "UTF-16"}.get(self.encoding, self.encoding)
        delim = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar", "^": "caret"}.get(self.delimiter)
        out = f"{enc}, {f'{delim}-separated' if delim else 'column-aligned'}, header on line {self.header_row}"
        if self.decimal_comma:
            out += ", decimal comma"
        if self.row_numbers:
            out += ", an unnamed first column of row numbers (not read)"
        return out


def decode(file: str, data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of a file and the name of its encoding. Refuses binary files with a clear message."""
    from .csv_reader import _decode  # the canonical loader's checks: Excel workbooks, binary data, UTF-16

    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as e:
            raise UnreadableFileError(f"{file}: cannot be read as {encoding} ({e}). Remove the encoding from "
                                      "the mapping to let it be detected.", file=file) from None
    text, blob = _decode(file, data)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        enc = "utf-16"
    elif data.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    elif text is None:
        enc = "ascii"
    else:
        try:
            data.decode("utf-8")
            enc = "utf-8"
        except UnicodeDecodeError:
            enc = "cp1252"
    if text is None:
        text = blob.decode("ascii")
    return text, enc


def _trimmed(column: pd.Series) -> np.ndarray:
    """A column's cells as str without leading and trailing white space (object array)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(column.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    return np.asarray(pc.utf8_trim_whitespace(arr).fill_null("").to_numpy(zero_copy_only=False), dtype=object)


def _rows(text: str, delimiter: str, file: str) -> list[list[str]]:
    # Python's csv refuses a field over 128 KB ("field larger than field limit"): a REDCap dictionary's choices
    # of a long list can be. The text is in memory already (within the file limits): no field can be longer.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))
    except csv.Error as e:
        raise UnreadableFileError(f"{file}: not a readable CSV file ({e}).", file=file) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same number (> 1) of fields most often."""
    lines = [ln for ln in text.splitlines()[:HEADER_SEARCH_ROWS + 20] if ln.strip()]
    best, best_score = ",", (0, 0)
    for d in DELIMITERS:
        counts = [len(re.sub(r'"[^"]*"', "", ln).split(d)) for ln in lines]
        counts = [c for c in counts if c > 1]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        score = (counts.count(mode), mode)
        if score > best_score:
            best, best_score = d, score
    return best


def find_header_row(rows: list[list[str]]) -> int:
    """The 0-based index of the header row: the first row filled like the rows below it.

    Title rows ("Ketamine clinic - audit 2024"), blank rows and notes above the header have one or
    two filled cells where the table has many. The header is the first row with at least 60% as
    many filled cells as the most common count among the rows that follow (and at least 2).
    """
    filled = [sum(1 for c in r if c.strip()) for r in rows[:HEADER_SEARCH_ROWS + 200]]
    body = [f for f in filled if f > 0]
    if not body:
        return 0
    typical = max(sorted(set(body)), key=lambda k: (body.count(k), k))
    need = max(2, int(np.ceil(0.6 * typical)))
    for i, f in enumerate(filled[:HEADER_SEARCH_ROWS]):
        if f >= need:
            return i
    return 0


#: The tables read so far in a :func:`read_once` block: (file, digest, encoding, delimiter, header row) -> table.
_READ: ContextVar[dict | None] = ContextVar("tables_read", default=None)


@contextmanager
def read_once():
    """Within this block each file is parsed once: a later :func:`read_table` of the same bytes, with the same
    reading, gets a copy of the first table. Why: a load proposes how to read an export and then reads it, and
    both read every file (at 5,000 patients a flowsheet export's parse and checks, twice, were 7 of its 19 s;
    docs/performance.md). The block is one load: nothing is kept after it."""
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


def read_table(file: str, data: bytes, *, encoding: str | None = None, delimiter: str | None = None,
               header_row: int | None = None, decimal_comma: bool | None = None) -> TextTable:
    """Read one export file into a :class:`TextTable` (once per :func:`read_once` block).

    Parameters
    ----------
    encoding, delimiter : str, optional
        Detected when not given (UTF-8 with or without BOM, Windows-1252, UTF-16; comma, semicolon,
        tab or vertical bar).
    header_row : int, optional
        1-based line of the header. Detected when not given: title rows above the table are skipped
        and named in the report (:func:`find_header_row`).
    decimal_comma : bool, optional
        Read ``7,5`` as 7.5. Default: yes in semicolon- and tab-separated files (as a European Excel
        writes them), no in comma-separated ones.
    """
    read = _READ.get()
    if read is None or type(data) is not bytes:  # (a statistical file's bytes carry its labels: read each time)
        return _read_table(file, data, encoding, delimiter, header_row, decimal_comma)
    digest = hashlib.blake2b(data, digest_size=16).digest()
    found = read.get((file, digest, encoding, delimiter, header_row))
    if found is None:
        found = _read_table(file, data, encoding, delimiter, header_row, None)
        read[(file, digest, encoding, delimiter, header_row)] = found
        # The header row found is the one a later reading given it finds: :func:`_one_header` tries that row
        # first, and the rows above it only when none is given.
        read.setdefault((file, digest, encoding, delimiter, found.header_row), found)
    table = copy.deepcopy(found)  # the reader changes its tables (a REDCap labels export's header)
    if decimal_comma is not None and table.delimiter != fixed_width.FIXED:  # (column-aligned text has no say)
        table.decimal_comma = bool(decimal_comma)
    return table


def _read_table(file: str, data: bytes, encoding: str | None, delimiter: str | None, header_row: int | None,
                decimal_comma: bool | None) -> TextTable:
    text, enc = decode(file, data, encoding)
    # --- Column-aligned text (SSMS Results to File): its own reader, analysis/io/fixed_width.py ---
    if delimiter in (None, fixed_width.FIXED):
        aligned = fixed_width.read(file, text, enc)
        if aligned is not None and header_row in (None, aligned["header_row"]):
            return TextTable(**aligned)
    # ---
    delim = delimiter or sniff_delimiter(text)
    rows = _rows(text, delim, file)
    if not rows:
        raise UnreadableFileError(f"{file} is empty.", file=file)
    h = (header_row - 1) if header_row else find_header_row(rows)
    if h < 0 or h >= len(rows):
        raise UnreadableFileError(f"{file}: header_row {header_row} is beyond the end of the file "
                                  f"({len(rows)} lines).", file=file)
    rows, h, joined = _one_header(rows, h, given=bool(header_row))
    skipped = [" ".join(c.strip() for c in r if c.strip()) for r in rows[:h] if any(c.strip() for c in r)]
    header = [" ".join(c.split()) for c in rows[h]]
    body = rows[h + 1:]
    # Trailing columns without a name are kept while some row has a value in them (refused below).
    while header and not header[-1] and not any(len(r) >= len(header) and r[len(header) - 1].strip() for r in body):
        header.pop()
    lines = np.arange(h + 2, h + 2 + len(body), dtype=np.int64)
    width = len(header)
    frame = pd.DataFrame(body, dtype=object) if body else pd.DataFrame(columns=range(width), dtype=object)
    frame = frame.fillna("")
    if frame.shape[1] < width:
        for k in range(frame.shape[1], width):
            frame[k] = ""
    extra = frame.iloc[:, width:]
    too_many = np.zeros(len(frame), dtype=bool)
    for k in range(extra.shape[1]):
        too_many |= _trimmed(extra.iloc[:, k]) != ""
    # Arrow's trim over each column: pandas' .str.strip was most of the reading time of a large export.
    frame = pd.DataFrame({k: _trimmed(frame.iloc[:, k]) for k in range(width)}, index=frame.index)
    row_names = _row_names(header, frame, body)
    if row_names is not None:
        header, frame = header[1:], frame.iloc[:, 1:].set_axis(range(width - 1), axis=1)
        width -= 1
    for k, name in enumerate(header):
        if not name and (frame.iloc[:, k] != "").any():
            raise MissingColumnError(
                f"{file}: column {k + 1} has values but no header name (header on line {h + 1}). Add a header "
                "name to it, or delete the column.", file=file)
    description, survey_rows, survey_notes, labels = qualtrics_rows(file, header, frame, lines)
    # An SPSS, Stata or SAS file's variable labels, as Qualtrics' question texts (analysis.io.stat_files).
    given = getattr(data, "column_labels", None) or {}
    labels.update({k: given[h] for k, h in enumerate(header) if given.get(h) and k not in labels})
    zones = qualtrics_zones(header, frame[description].to_numpy().tolist())  # line 3's "timeZone"
    if description.any():  # the header's own rows: no data, so blank (line numbers stay the file's)
        frame.loc[description] = ""
    blank = (frame == "").all(axis=1).to_numpy() & ~too_many
    set_aside = np.zeros(len(frame), dtype=bool)
    for rows, _ in survey_rows:
        set_aside |= rows
    below, below_reason = _below_table(frame, blank, lines)
    # (A REDCap data dictionary lists fields, one per row: a last field named 'total' is no summary.)
    if not below.any() and not (header and header[0].strip().casefold().startswith("variable / field name")):
        below, below_reason = _summary_rows(frame, blank, header[0] if header else None)
    # The header again under the table's first rows: two exports (of two months, two sites) pasted one under
    # the other. Read as data, 'Datum' in the date column made the dates "ambiguous" and the export refused.
    again = np.zeros(len(frame), dtype=bool)
    if sum(1 for name in header if name) >= 2:
        again = ~too_many & (frame == pd.Series(header, index=frame.columns[:width])).all(axis=1).to_numpy()
    keep = ~blank & ~too_many & ~below & ~again & ~set_aside
    dc = (delim != ",") if decimal_comma is None else bool(decimal_comma)
    table = TextTable(file=file, header=header, cells=frame[keep].reset_index(drop=True), line=lines[keep],
                      encoding=enc, delimiter=delim, header_row=h + 1, decimal_comma=dc, skipped=skipped,
                      too_many_fields=lines[too_many], below_table=lines[below & ~blank & ~too_many & ~again],
                      below_reason=below_reason, repeated_header=lines[again & ~below], two_row_header=joined,
                      set_aside=[(lines[rows & ~below], why) for rows, why in survey_rows], notes=survey_notes,
                      labels=labels, time_zones=zones)
    if row_names is not None:
        table.notes.append(f"{file}: {row_names}")
        table.row_numbers = True
    return table


def _row_names(header: list, frame: pd.DataFrame, body: list) -> str | None:
    """The note for a first column without a name that numbers the rows 1, 2, ..., n (R's ``write.csv`` writes
    its row names so, ``""`` over ``"1"``, ``"2"``, ...) or 0, 1, ..., n - 1 (pandas' ``to_csv`` with its index
    unnamed): row numbers, not data, so not read; None for any other first column. Refused as "values but no
    header name", an R data frame saved as CSV could not be loaded. (A last row cut short, as a sample of the
    file's start cuts it, may break the count.)"""
    if len(header) < 2 or header[0] or not len(frame):
        return None
    first = frame.iloc[:, 0]
    rows = frame.iloc[:, 1:].ne("").any(axis=1).to_numpy() | first.ne("").to_numpy()
    if len(body) and len(body[-1]) < len(header):
        rows[-1] = False  # a cut line
    numbers = pd.to_numeric(first[rows].where(first[rows].str.fullmatch(r"\d{1,9}")), errors="coerce").to_numpy()
    if not len(numbers) or np.isnan(numbers).any():
        return None
    start = numbers[0]
    if start not in (0, 1) or not np.array_equal(numbers, start + np.arange(len(numbers))):
        return None
    return (f"the first column has no name and numbers the rows {int(start)}, {int(start) + 1}, ... "
            f"{int(numbers[-1])} (R's write.csv writes its row names so, pandas its index): row numbers, not data, "
            "so it is not read.")


def _one_header(rows: list[list[str]], h: int, given: bool) -> tuple[list[list[str]], int, str]:
    """A header of two rows (visits over their columns' names, as a sheet with such a header is saved as CSV)
    made one, as a workbook's is (:func:`analysis.io.sheet_reader.two_row_header`: the same rules, without
    merged cells): ``(rows, header index, how)``, ``how`` being ``"groups"``, ``"surveymonkey"`` (its questions
    over their answers' columns: :func:`~analysis.io.survey_exports.surveymonkey_header`) or ``""`` (one row).
    The second row is then an empty line, so that line numbers stay the file's. Tried at the header row found (or given), and, when that row is the names' row, at
    the filled row above it; a first data row under the header is never read as names."""
    starts = [h] if given else [k for k in (_filled_above(rows, h), h) if k is not None]
    for k in starts:
        names = surveymonkey_header(rows[k], rows[k + 1]) if k + 1 < len(rows) else None
        if names is not None:
            return rows[:k] + [names, []] + rows[k + 2:], k, "surveymonkey"
        joined, found = two_row_header(rows[k:], None)
        if found is not None and found[0] == 1:
            return rows[:k] + joined, k, "groups"
    return rows, h, ""


def two_row_header_note(where: str, row: int, names: list[str], how: str = "groups") -> str:
    """The load report's note on a header of two rows read as one (``where``: ``"name:"`` of a CSV, ``"name: in
    the sheet 'S',"`` of a sheet), with the names each column now has, since those are the names a mapping file
    uses. ``how``: groups of columns over their names, or SurveyMonkey's questions over their answers."""
    shown = ", ".join(repr(n) for n in names[:8] if n) + (" ..." if len(names) > 8 else "")
    what = ("a SurveyMonkey export: its questions over their answers' columns ('Response', or a matrix's "
            "statements)" if how == "surveymonkey" else "groups of columns, such as visits, over the columns' names")
    return (f"{where} the header is two rows ({row} and {row + 1}: {what}): each column is named by both, "
            f"{shown}; row {row + 1} is not read as data.")


def _filled_above(rows: list[list[str]], h: int) -> int | None:
    return next((k for k in range(h - 1, -1, -1) if any(c.strip() for c in rows[k])), None)


#: The first cell of a row that starts the notes under a table (a legend, remarks, the source): ``Notes:``,
#: ``Legende``, ``Anmerkungen:``, ``Remarques :``, ``Source: ...`` (alone in its row).
NOTES_HEADING = re.compile(
    r"(?i)^(?:notes?|legends?|legende|legenda|key|footnotes?|abbreviations?|comments?|remarks?|source|"
    r"anmerkung(?:en)?|hinweise?|bemerkung(?:en)?|erläuterung(?:en)?|fu(?:ß|ss)noten?|abkürzungen|quelle|"
    r"remarques?|commentaires?|l[ée]gende)\s*(?::.*)?$")


def _below_table(frame: pd.DataFrame, blank: np.ndarray, lines: np.ndarray) -> tuple[np.ndarray, str]:
    """Rows from a notes heading on: an empty row, then a row whose only filled cell is the first and reads
    as a heading (:data:`NOTES_HEADING`). Those rows (a legend, the export date, the number screened) are no
    patients; read as data, ``Export;01.07.2024;;;;10`` became a patient with a score of 10."""
    if frame.shape[1] < 2 or not blank.any():
        return np.zeros(len(frame), dtype=bool), ""
    first = frame.iloc[:, 0]
    alone = (frame.iloc[:, 1:] == "").all(axis=1).to_numpy()
    after_blank = np.concatenate(([False], blank[:-1]))
    heading = np.flatnonzero(alone & after_blank & first.str.fullmatch(NOTES_HEADING).to_numpy(dtype=bool))
    below = np.zeros(len(frame), dtype=bool)
    if not len(heading):
        return below, ""
    # A comment between patients' blocks ('Comment: N1 nausea', then N2's rows) is no end of the table: a
    # row below it with two or more filled cells whose first cell is shaped like most ids above (N2 like N1;
    # 'Export' is not) is data, and then nothing is cut.
    cut = heading[0]
    shape = first.str.replace(r"[^\W\d_]+", "a", regex=True).str.replace(r"\d+", "9", regex=True)
    filled = (frame != "").sum(axis=1).to_numpy()
    above = shape.iloc[:cut][(~blank[:cut]) & (filled[:cut] >= 2)]
    if len(above):
        usual = set(above.value_counts()[lambda c: c >= len(above) / 2].index)
        later = shape.iloc[cut + 1:][(filled[cut + 1:] >= 2)]
        if later.isin(usual).any():
            return below, ""
    below[cut:] = True
    return below, (f"below the table: the notes after the empty line {int(lines[heading[0]]) - 1} "
                   f"(heading {str(first.iloc[heading[0]])[:40]!r}) are not data")


#: The first cell of a summary row a clinic adds under its table: ``Mean``, ``n=4``, ``Total``, ``Mittelwert``,
#: ``Moyenne``, ``Gemiddelde``, ``Promedio``, ``SD`` (with a colon or a value after it).
SUMMARY_LABEL = re.compile(
    r"(?i)^(?:mean|average|avg|median|sd|s\.d\.|std\.?(?:\s*dev\.?)?|standard\s+deviation|totals?|sum|count|n|"
    r"min(?:imum)?|max(?:imum)?|range|iqr|mean\s*\(sd\)|mean\s*±\s*sd|ø|mittelwert|mw|durchschnitt|summe|gesamt|"
    r"anzahl|moyenne|médiane|mediane|somme|écart[\s-]type|gemiddelde|mediaan|totaal|media|promedio|mediana|suma|"
    r"totale)\s*(?:[:=].*)?$")


#: The labels of :data:`SUMMARY_LABEL` that no patient id is (not the short ones, 'N', 'SD', 'MW', 'Min').
SURE_SUMMARY_LABEL = re.compile(
    r"(?i)^(?:mean|average|median|standard\s+deviation|totals?|mean\s*\(sd\)|mean\s*±\s*sd|mittelwert|"
    r"durchschnitt|summe|gesamt|anzahl|moyenne|médiane|mediane|somme|écart[\s-]type|gemiddelde|mediaan|totaal|media|"
    r"promedio|mediana|suma|totale)\s*(?:[:=].*)?$|^n\s*=\s*\d+\s*$")


#: A first column that holds the patients' ids (by its name).
_ID_HEADER = re.compile(r"(?i)patient|subject|record|participant|proband|pseudonym|case|fall|\bpat\b|\bid\b|\bnr\b|"
                        r"n°|code|pid|paciente|patiënt|sujet|studien?\s*id|study\s*(?:id|no|number)")


def _summary_rows(frame: pd.DataFrame, blank: np.ndarray, header_of: str | None = None) -> tuple[np.ndarray, str]:
    """The rows at the bottom of the table whose first cell labels a summary (:data:`SUMMARY_LABEL`): a
    clinic's ``Mean`` or ``n=`` row under its patients. Read as data, ``Mean`` with the mean age became a
    patient (one patient too many, its age in every grouping). Only the last rows: a ``Total`` between
    patients is left to the checks of the rows."""
    below = np.zeros(len(frame), dtype=bool)
    if frame.shape[1] < 2 or not len(frame):
        return below, ""
    first = frame.iloc[:, 0]
    summary = first.str.fullmatch(SUMMARY_LABEL).to_numpy(dtype=bool)
    if not summary.any():
        return below, ""
    # A labelled row is surely a summary when it leaves empty a column every patient row fills (the date), or
    # when its label is a word no id is ('Mean', 'Total', 'Mittelwert', 'n=4') in a first column that holds the
    # ids. A last patient whose id reads like a short label ('SD', 'N', 'MW' as initials), or a first column of
    # categories ('Included' Y/N, 'Arm' ... 'Total', 'Nerve' ... 'Median'), fills them all and stays data.
    filled = (frame != "").to_numpy()
    rows = ~blank & ~summary
    always = filled[rows].all(axis=0) if rows.any() else np.zeros(frame.shape[1], dtype=bool)
    sure = np.zeros(len(frame), dtype=bool)
    if always.any():
        sure |= (~filled[:, always]).any(axis=1)
    if _ID_HEADER.search(str(frame.columns[0]) if header_of is None else header_of):
        sure |= first.str.fullmatch(SURE_SUMMARY_LABEL).to_numpy(dtype=bool)
    sure &= summary
    # The cut starts at the first sure summary of the last rows that are all labelled (or empty): the rows
    # labelled so under it ('SD' under 'Mean') go with it; those above it stay.
    other = np.flatnonzero(~(summary | blank))
    start = other[-1] + 1 if len(other) else 0
    sure_tail = np.flatnonzero(sure[start:])
    if not len(sure_tail):
        return below, ""
    below[start + sure_tail[0]:] = True
    labels = list(dict.fromkeys(first[below & summary].str.slice(0, 20)))
    return below, (f"below the table: a summary row ({', '.join(map(repr, labels[:3]))}) under the patients' rows is "
                   "not a patient")
