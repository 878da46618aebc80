"""The CSV reader: a file's bytes -> its header cells, columns of text cells and line numbers.

Files are parsed by pyarrow's multi-threaded CSV reader with every column read as text (a
strict-but-forgiving pure Python parser takes over for odd files, e.g. rows with too many fields);
line numbers come from a vectorised scan of the bytes, or, for the usual unquoted export, from the
parse itself. In such a file the assessments' score columns (day, the measures, value) are parsed
straight to float64 when the first 64 KB show them to be numbers (any other cell further down makes
the reader read the file as text); their text as written is read back from the file's lines only
for the cells the report shows (:class:`_RawLines`). Nothing is ever written to disk.

Text decoding: UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1252/Latin-1 (told in a note,
:func:`encoding_note`); workbooks, images and other binary content are refused with what to do.
"""
from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .. import limits
from ..errors import EmptyDatasetError, UnreadableFileError
from .arrays import CHUNK, pool_empty
from .columns import _empty_strings, _is_text_type, _with_nulls

_SAVE_AS_CSV = "Save the table as CSV (in Excel: File > Save As > 'CSV UTF-8') and load that file."
_STR = pd.StringDtype("pyarrow", na_value=np.nan)
_MAGIC = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or a zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel workbook (.xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PAR1", "a Parquet file (name it .parquet)"),
)
_TEXT_BYTES = bytes([9, 10, 13]) + bytes(range(32, 127)) + bytes(range(128, 256))
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _decode(file: str, data: bytes) -> tuple[str | None, bytes]:
    """Check the bytes are CSV text; return ``(text, utf-8 bytes of that text)``.

    ``text`` is None for plain ASCII (the usual export): the bytes are the text, and the Python
    string is only made if the pure Python parser needs it (``blob.decode("ascii")``).
    """
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnreadableFileError(f"{file} is not a CSV file: it looks like {what}. {_SAVE_AS_CSV}", file=file)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFileError(f"{file}: cannot read its text encoding (broken UTF-16). {_SAVE_AS_CSV}",
                                      file=file) from None
        if _CONTROL_CHARS.search(text):
            raise UnreadableFileError(f"{file} is not a CSV text file (it holds binary data). {_SAVE_AS_CSV}", file=file)
        blob = None
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        data = data.rstrip(b"\x1a")  # DOS end-of-file marker
        if data.translate(None, _TEXT_BYTES):  # anything left is a control byte: binary content
            raise UnreadableFileError(f"{file} is not a CSV text file (it holds binary data). {_SAVE_AS_CSV}", file=file)
        if data.isascii() and (b"\n" in data or b"\r" not in data):
            return None, data
        try:
            text, blob = data.decode("utf-8"), data
        except UnicodeDecodeError:
            text, blob = _decode_not_utf8(file, data), None
    if "\n" not in text and "\r" in text:  # old Mac line endings
        text, blob = text.replace("\r", "\n"), None
    return text, (blob if blob is not None else text.encode("utf-8"))


_STRAY = re.compile("[\udc80-\udcff]")
_UTF8_CHAR = re.compile("[^\x00-\x7f\udc80-\udcff]")


def _stray_bytes(data: bytes) -> tuple[str, int, int]:
    """``data`` decoded as UTF-8 with its invalid bytes kept as lone surrogates (``surrogateescape``);
    the number of such stray bytes, and of characters that were valid multi-byte UTF-8."""
    s = data.decode("utf-8", "surrogateescape")
    stray = len(_STRAY.findall(s))
    return s, stray, len(_UTF8_CHAR.findall(s))


def _decode_not_utf8(file: str, data: bytes) -> str:
    """Text of a file that is not valid UTF-8: a UTF-8 file with a few stray Windows-1252/Latin-1
    bytes (an edit in another program) keeps its UTF-8 text and only those bytes are read as
    Windows-1252; a file with more stray bytes than UTF-8 characters is read as Windows-1252.
    :func:`encoding_note` tells the user which (issue 15)."""
    s, stray, utf8 = _stray_bytes(data)
    if utf8 >= stray:
        return _STRAY.sub(lambda m: bytes([ord(m.group()) - 0xDC00]).decode("cp1252", "replace"), s)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise UnreadableFileError(
            f"{file}: cannot read its text encoding (it is neither UTF-8 nor Windows-1252/Latin-1). "
            f"{_SAVE_AS_CSV}", file=file) from None


def encoding_note(file: str, data: bytes) -> str | None:
    """A load-report note when a text file is not plain UTF-8 (None when it is)."""
    if data.isascii() or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        body.decode("utf-8")
        return None
    except UnicodeDecodeError as e:
        line = body.count(b"\n", 0, e.start) + 1
    s, stray, utf8 = _stray_bytes(body)
    if utf8 >= stray:
        return (f"{file} is UTF-8 text with {stray:,} byte(s) that are not UTF-8 (the first on line {line:,}); "
                "they were read as Windows-1252/Latin-1 (e.g. \u00e9). Check those values, and save the file as "
                "UTF-8 to remove this note.")
    return (f"{file} is not UTF-8; it was read as Windows-1252/Latin-1 (the first non-UTF-8 byte is on line "
            f"{line:,}). If accented letters look wrong, save the file as CSV UTF-8.")


def _sniff_delimiter(header_line: str) -> str:
    """Comma, semicolon or tab: whichever occurs most often in the header outside quotes."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = [(unquoted.count(d), -i, d) for i, d in enumerate((",", ";", "\t"))]
    n, _, best = max(counts)
    return best if n > 0 else ","


def _split_records(blob: bytes) -> tuple[np.ndarray, np.ndarray, bool]:
    """Start/end byte offsets of every CSV record; a newline inside double quotes does not end one."""
    buf = np.frombuffer(blob, dtype=np.uint8)
    nl = np.flatnonzero(buf == 10)
    embedded = False
    if b'"' in blob:
        quotes = np.flatnonzero(buf == 34)
        odd = (np.searchsorted(quotes, nl) & 1).astype(bool)  # an odd number of quotes before it: inside a field
        embedded = bool(odd.any())
        nl = nl[~odd]
    starts = np.concatenate(([0], nl + 1))
    ends = np.concatenate((nl, [len(buf)]))
    return starts, ends, embedded




def _header_cells(header_text: str, delim: str) -> list[str] | None:
    try:
        return next(csv.reader(io.StringIO(header_text, newline=""), delimiter=delim), [""])
    except csv.Error:
        return None


def _simple_start(blob: bytes) -> int | None:
    """The usual export: no quotes, the header on the first line, no lone CR. Then, unless there are
    blank lines, every line is one record and :func:`_split_records` (a scan of every byte into
    offset arrays) is not needed. Returns the offset of the first newline, or None when the file is
    not that simple."""
    first_nl = blob.find(b"\n")
    if first_nl <= 0 or blob.startswith(b"\r\n") or b'"' in blob:
        return None
    if b"\r" in blob and blob.count(b"\r") != blob.count(b"\r\n"):
        return None  # a lone CR also ends a row for pyarrow: lines and rows would not match
    return first_nl


def _block_size(n: int, typed: bool = False) -> int:
    """The CSV reader parses blocks in parallel; its 1 MB default leaves one of two cores idle on a
    clinic-size file (a 650 KB file is one block). Four blocks from 64 KB up; 1 MB from 4 MB on.

    ``typed`` (score columns read as numbers) from 16 MB: blocks of an eighth of the file, 4 to 16 MB,
    so that both cores parse and :func:`_float_values` copies the numbers out of a few dozen chunks,
    not hundreds. (One block, which spared those copies, left a core idle: a registry-size long-form
    file parsed in 0.9 s instead of 0.45 s; numbers: docs/performance.md.)"""
    if typed and n >= _TYPED_BLOCKS_FROM:
        return min(max(n // 8, 4 << 20), 16 << 20)
    return min(max(n // 4 + 1, 1 << 16), 1 << 20)


_TYPED_BLOCKS_FROM = 16 << 20  # from this size a typed parse uses blocks of 4-16 MB (see _block_size)


def _fast_parse(blob: bytes, offset: int, ncols: int, delim: str, embedded: bool, expected: int | None,
                numeric: tuple[int, ...] = (), skip_empty: bool = True):
    """pyarrow's CSV reader, every column as text exactly as read (untrimmed), except the columns
    ``numeric``, read as float64 (null = empty cell) and left in the reader's chunks. None if it
    cannot (for ``numeric`` columns: a cell that is not a number; with ``skip_empty=False`` and more
    than one column: an empty line), or if it reads another number of rows than ``expected``; with
    ``expected=None``, ``(columns, rows)``."""
    names = [f"c{i}" for i in range(ncols)]
    types = {n: pa.string() for n in names}
    for i in numeric:
        types[names[i]] = pa.float64()
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(blob).slice(offset)),
            read_options=pacsv.ReadOptions(column_names=names, block_size=_block_size(len(blob) - offset,
                                                                                      bool(numeric))),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=embedded,
                                             ignore_empty_lines=skip_empty),
            convert_options=pacsv.ConvertOptions(column_types=types, null_values=[""], strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False))
    except (pa.ArrowException, ValueError):
        return None
    # Text contiguous: cheap takes and zero-copy numbers. Numbers stay chunked: _float_values copies
    # them out chunk by chunk, and combining would copy them twice.
    cols = [table.column(n) if i in numeric else table.column(n).combine_chunks() for i, n in enumerate(names)]
    if expected is None:
        return cols, table.num_rows
    return cols if table.num_rows == expected else None


_SMALL_FILE = 1 << 20


def _numeric_start(blob: bytes, offset: int, ncols: int, delim: str, candidates: list[int]) -> tuple[int, ...]:
    """The ``candidates`` (column numbers) whose cells in the first rows of the file (64 KB) are all
    empty or numbers: :func:`_fast_parse` reads those as float64. A column with other text further
    down makes that parse fail, and the file is read as text instead (same result, slower)."""
    head = blob[offset:offset + (1 << 16)]
    head = head[:head.rfind(b"\n") + 1]
    parsed = _fast_parse(head, 0, ncols, delim, False, None) if head else None
    if parsed is None:
        return ()
    out = []
    for i in candidates:
        col = parsed[0][i]
        empty = _empty_strings(col)
        try:
            pc.cast(_with_nulls(col, pa.array(empty, type=pa.bool_())) if empty.any() else col, pa.float64())
        except (pa.ArrowException, ValueError):
            continue
        out.append(i)
    return tuple(out)


class _RawLines:
    """The lines of an unquoted CSV whose every line is one record (the :func:`_parse_csv` shortcut),
    to read back the cells of columns parsed as numbers, as written, for the rows that need them
    (values in the exclusion report). Line starts are found on first use."""

    def __init__(self, blob: bytes, delim: str):
        self.blob, self.delim = blob, delim
        self._lines: pa.Array | None = None

    def _all_lines(self) -> pa.Array:
        if self._lines is None:
            buf = np.frombuffer(self.blob, dtype=np.uint8)
            step = 1 << 24  # newline positions block by block: no temporary the size of the file
            nl = np.concatenate([np.flatnonzero(buf[i:i + step] == 10) + i for i in range(0, len(buf), step)]
                                or [np.zeros(0, dtype=np.int64)])
            offsets = np.concatenate([[0], nl + 1, [len(buf)]]).astype(
                np.int32 if len(buf) < 2**31 - 1 else np.int64)
            kind = pa.string() if offsets.dtype == np.int32 else pa.large_string()
            # Line k + 1 (spreadsheet numbering) is element k, its newline included (trimmed later).
            self._lines = pa.Array.from_buffers(kind, len(offsets) - 1, [None, pa.py_buffer(offsets),
                                                                           pa.py_buffer(self.blob)])
        return self._lines

    def cells(self, lines: np.ndarray, field: int) -> pa.Array:
        """Field ``field`` (0-based) of the given lines (1-based), untrimmed."""
        rows = self._all_lines().take(pa.array(np.asarray(lines, dtype=np.int64) - 1, type=pa.int64()))
        parts = pc.split_pattern(rows, self.delim)
        return pc.list_element(parts, field)


def _slow_parse(file: str, text: str, delim: str):
    """Python's csv module: tolerates ragged rows. Returns ``(header, trimmed columns, lines, too_many_lines)``."""
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    except csv.Error as e:
        raise UnreadableFileError(f"{file} is not a readable CSV file ({e}). {_SAVE_AS_CSV}", file=file) from None
    lens = np.fromiter(map(len, records), dtype=np.int64, count=len(records))
    nonblank = np.flatnonzero(lens > 0)
    if len(nonblank) == 0:
        raise EmptyDatasetError(f"{file} is empty: it has no header row. Add the header row and data rows.", file=file)
    h = int(nonblank[0])
    header = records[h]
    ncols = len(header)
    data_idx = nonblank[nonblank > h]
    lines = data_idx + 1
    rows = list(map(records.__getitem__, data_idx.tolist()))
    frame = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame(index=pd.RangeIndex(0))
    too_many = np.zeros(len(rows), dtype=bool)
    if frame.shape[1] > ncols:
        extra = frame.iloc[:, ncols:].fillna("")
        too_many = extra.apply(lambda c: c.astype(str).str.strip() != "").any(axis=1).to_numpy(dtype=bool)
    keep = ~too_many
    cols = []
    for i in range(ncols):
        c = frame[i] if i < frame.shape[1] else pd.Series([""] * len(frame), dtype=object)
        s = pd.Series(c.fillna("").to_numpy(dtype=object), dtype=_STR).str.strip()
        cols.append(pa.array(s.to_numpy(dtype=object)[keep], type=pa.string()))
    return header, cols, lines[keep], lines[too_many]


def _line_numbers(n: int) -> np.ndarray:
    """2, 3, ..., n + 1: the file's line of each of ``n`` rows below a header on line 1. In pyarrow's
    pool, where the parse has just freed its memory (a registry's 8.9 million rows: 71 MB that
    would otherwise be new pages, :mod:`~analysis.io.arrays`)."""
    lines = pool_empty(n, np.int64)
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        lines[start:stop] = np.arange(start + 2, stop + 2, dtype=np.int64)
    return lines


def _parse_csv(file: str, data: bytes, numeric=None):
    """Returns ``(header cells, columns, lines, lines of rows with too many fields, delimiter, trimmed,
    raw)``.

    ``numeric(header cells)`` may name columns (by number) that will only be read as numbers: in a
    comma-separated file without quotes whose every line is a record, those are parsed straight to
    float64 (the text casts were a quarter of loading a registry-size file), and ``raw`` gives back
    their text as written (:class:`_RawLines`); otherwise every column is text and ``raw`` is None."""
    if not data[:4096].strip(b" \t\r\n\xef\xbb\xbf") and not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise EmptyDatasetError(f"{file} is empty. Give a file with a header row and data rows.", file=file)
    limits.check_text_file(file, data)
    text, blob = _decode(file, data)
    # (ASCII without control bytes: bytes.strip() removes exactly what str.strip() would)
    shown = blob if text is None else text
    if not shown[:4096].strip() and not shown.strip():
        raise EmptyDatasetError(f"{file} is empty. Give a file with a header row and data rows.", file=file)
    pyarrow_failed = False
    first_nl = _simple_start(blob)
    if first_nl is not None:
        header_text = blob[:first_nl].decode("utf-8").rstrip("\r")
        delim = _sniff_delimiter(header_text)
        header = _header_cells(header_text, delim)
        if header is not None:
            ncols = len(header)
            # With more than one column an empty line fails the parse instead of being skipped, so a
            # parse that succeeds has read every line as a row: line numbers without counting lines.
            strict = ncols > 1
            cand = [i for i in (numeric(header) if numeric is not None and delim == "," else ()) if i < ncols]
            # A file of up to 1 MB is parsed typed straight away (a failed try costs a few ms); a larger
            # one only if its first 64 KB show those columns to be numbers.
            typed = () if not cand else tuple(cand) if len(blob) <= _SMALL_FILE else _numeric_start(
                blob, first_nl + 1, ncols, delim, cand)
            parsed = None
            if typed:
                parsed = _fast_parse(blob, first_nl + 1, ncols, delim, False, None, typed, skip_empty=not strict)
            if parsed is None:  # no numeric columns, or a cell further down is not a number: all text
                parsed = _fast_parse(blob, first_nl + 1, ncols, delim, False, None, skip_empty=not strict)
            if parsed is not None and parsed[1]:
                n = parsed[1]
                if strict or n == blob.count(b"\n") - (1 if blob.endswith(b"\n") else 0):
                    raw = _RawLines(blob, delim) if any(not _is_text_type(c.type) for c in parsed[0]) else None
                    # ASCII cells without a space or tab are already trimmed (control bytes were refused
                    # and CR/LF end lines): every trim and white-space test can be skipped.
                    trimmed = text is None and blob.find(b" ", first_nl) < 0 and blob.find(b"\t", first_nl) < 0
                    return (header, parsed[0], _line_numbers(n), np.array([], dtype=np.int64),
                            delim, trimmed, raw)
            # Otherwise: blank lines (found the general way below), no data rows, or pyarrow cannot read
            # it; then (one column) it would not on the general path either (same bytes and options).
            pyarrow_failed = parsed is None and not strict
    starts, ends, embedded = _split_records(blob)
    buf = np.frombuffer(blob, dtype=np.uint8)
    lengths = ends - starts
    first = buf[np.minimum(starts, len(buf) - 1)]
    blank = (lengths == 0) | ((lengths == 1) & (first == 13))
    nonblank = np.flatnonzero(~blank)
    h = int(nonblank[0])
    header_text = blob[starts[h]:ends[h]].decode("utf-8").rstrip("\r")
    data_rec = nonblank[nonblank > h]
    delim = _sniff_delimiter(header_text)
    header = _header_cells(header_text, delim)
    cols = None
    if header is not None:
        if len(data_rec) == 0:
            cols = [pa.array([], type=pa.string()) for _ in header]
        elif not pyarrow_failed:
            cols = _fast_parse(blob, int(starts[h + 1]), len(header), delim, embedded, len(data_rec))
    if cols is None:
        header, cols, lines, too_many = _slow_parse(file, blob.decode("ascii") if text is None else text, delim)
        trimmed = True
    else:
        lines, too_many, trimmed = data_rec + 1, np.array([], dtype=np.int64), False
    return header, cols, lines.astype(np.int64), too_many.astype(np.int64), delim, trimmed, None

