"""The sheets of one workbook as CSV text: run as a script in a child process by analysis.io.workbooks.

Why a child process: calamine builds each sheet as a dense grid from A1 to its last cell before any
check can run, so a 5 KB workbook with one value in cell XFD1048576 asks for 550 GB and aborts the
process that reads it; in the dashboard that would be the server of every user. The child runs with
its address space capped (``RLIMIT_AS``), so such a file kills only the child, and the parent says why.

Protocol: ``python -I sheet_reader.py CAP_BYTES`` reads the workbook's bytes on stdin and writes one
pickle on stdout: ``("ok", [(sheet, status, csv_bytes, rows, formula_cells, hidden_rows)], headers)`` with status
``"table"``, ``"hidden"`` or ``"no table"`` and ``headers`` the sheets whose header of two rows was read as one
(``{sheet: (row, names)}``: :func:`two_row_header`), or ``("error", kind, detail)``. It imports nothing of the package (``-I``: no
current folder, no PYTHONPATH): the standard library and python_calamine only, so the cap is spent on
the workbook, not on pandas. Cells are written as :mod:`analysis.io.workbooks` documents.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import itertools
import pickle
import re
import sys

#: Memory of one cell as a Python object in the list of rows calamine gives (measured 48 bytes on
#: average for ids, numbers and dates, 166 bytes at peak with the CSV text: docs/performance.md).
BYTES_PER_CELL = 200
#: A text cell that may be a number written with a decimal comma ("4,5"), never "1,234" (a thousands
#: separator in English: exactly three digits after a single comma stay text). Between ``\0``, the
#: separator of a column's cells joined into one string (no cell of a sheet holds a NUL).
_DECIMAL_COMMA = re.compile(r"\s*[+-]?\d+,(\d{1,2}|\d{4,})\s*")
_DECIMAL_COMMA_CELL = re.compile(r"(?:\A|\0)\s*[+-]?\d+,(?:\d{1,2}|\d{4,})\s*(?=\0|\Z)")
#: A cell that writes a decimal with a point: a number cell with decimals ("6.5"), or such text.
_DECIMAL_POINT_CELL = re.compile(r"(?:\A|\0)\s*[+-]?\d*\.\d+\s*(?=\0|\Z)")


def cell_text(v) -> str:
    """One cell as Excel's "CSV UTF-8" would write it (analysis.io.workbooks)."""
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        # Whole numbers exactly (ids of 16 digits stay apart) up to 2**53, where floats stop being exact.
        return str(int(v)) if v.is_integer() and abs(v) <= 2 ** 53 else f"{v:.15g}"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ", timespec="seconds")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.isoformat(timespec="seconds")
    if isinstance(v, dt.timedelta):  # a duration cell ([h]:mm): hours:minutes:seconds
        secs = int(round(v.total_seconds()))
        return f"{'-' if secs < 0 else ''}{abs(secs) // 3600}:{abs(secs) % 3600 // 60:02d}:{abs(secs) % 60:02d}"
    return str(v)  # text as it is: "1,3" may list two region codes (see decimal_commas)


def decimal_commas(texts: list[str]) -> list[str]:
    """One column's cells, with text that is a number written with a decimal comma ("4,5") read as that
    number ("4.5") when the column also writes decimals with a point (a number cell 6.5).

    Why: a sheet typed in a French or German Excel holds its scores as number cells (6.5, written here
    with a point) and some as text ("4,5": a cell formatted as text, a pasted value); beside the points,
    the loader would exclude the comma as a decimal comma. But the same text in a column of whole numbers
    is what the cell says: "1,3" in a column of body regions lists the codes 1 and 3 (never 1.3 regions),
    and is written as it is, as Excel's CSV writes it; the loader then reads it by its column's role (a
    list of codes, or a score written with a decimal comma) as it reads that CSV. A count of regions is
    never a decimal, so a column with a decimal point is never such a list."""
    joined = "\0".join(texts)
    if "," not in joined or not _DECIMAL_COMMA_CELL.search(joined) or not _DECIMAL_POINT_CELL.search(joined):
        return texts
    return [t.strip().replace(",", ".") if "," in t and _DECIMAL_COMMA.fullmatch(t) else t for t in texts]


def sheet_csv(rows: list[list], hidden: set[int] = frozenset()) -> tuple[bytes, int, bool, list[int]] | None:
    """The CSV text of one sheet's rows, or None when it holds no table (fewer than two columns with a
    value). Empty columns left and right of the table are dropped and an empty row is an empty line,
    so line k of the CSV is row k of the sheet. The flag says whether a cell of the table is empty (only
    then may a formula without a saved value hide there: :func:`formulas_without_values`).

    ``hidden``: the sheet's hidden rows (numbered from 1: hidden by hand, or by a filter): each is an empty
    line, as the clinic does not see it, except the header (the first row with a value). The last item
    lists those that held a value (the load report names them)."""
    first_row = next((k for k, r in enumerate(rows) if any(v is not None and v != "" for v in r)), None)
    left_out = [k for k in sorted(hidden) if 0 < k <= len(rows) and k - 1 != first_row
                and any(v is not None and v != "" for v in rows[k - 1])]
    if left_out:
        rows = list(rows)
        for k in left_out:
            rows[k - 1] = []
    # Column by column: whether a text "4,5" is a decimal depends on its column (decimal_commas).
    columns = [decimal_commas(list(map(cell_text, col))) for col in itertools.zip_longest(*rows)]
    used = [k for k, col in enumerate(columns) if any(col)]
    if len(used) < 2:
        return None
    first, last = used[0], used[-1] + 1
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    gaps = False
    for cells in zip(*columns[first:last]):
        if any(cells):
            writer.writerow(cells)
            gaps = gaps or not all(cells)
        else:
            buf.write("\n")
            gaps = True
    return buf.getvalue().encode("utf-8"), len(rows), gaps, left_out


#: How many rows at the top of a sheet are searched for a header of two rows (as the CSV reader searches
#: for the header row: analysis.io.tables.HEADER_SEARCH_ROWS).
HEADER_SEARCH_ROWS = 30

Merge = tuple[tuple[int, int], tuple[int, int]]  # ((first row, first column), (last row, last column)), from 0


def _texts(row: list, width: int) -> list[str]:
    return [" ".join(cell_text(row[j]).split()) if j < len(row) else "" for j in range(width)]


def _shape(text: str) -> str:
    return re.sub(r"\d+", "9", re.sub(r"[^\W\d_]+", "a", text))


def _data_like(below: list[str], after: list[str]) -> bool:
    """Whether the row under a header is a first row of data (all text: ids, text dates): its first cell is
    shaped as the one under it (``P01`` over ``P02``), where a name (``Patient``) is not."""
    j = next((j for j in range(len(below)) if below[j] or after[j]), None)
    return j is not None and bool(below[j]) and bool(after[j]) and _shape(below[j]) == _shape(after[j])


def group_names(top: list[str], below: list[str], across: list[tuple[int, int]] | None = None,
                down: set[int] = frozenset()) -> list[str] | None:
    """One header from a header of two rows, or None when ``top`` is no row of groups over ``below``.

    ``top`` names groups of the columns (visits: ``Baseline``, ``Week 4``) and ``below`` the columns of each
    group (``Date``, ``NRS``, ``PHQ-9`` again and again). Each column is then named by both, the group first
    (``Week 4 NRS``, as the sheet reads from top to bottom; the proposal reads either order as the visit), and a
    column named in one row only keeps that name (``Patient`` typed in row 1, or in row 2, or merged down).

    ``across``: the spans (first, last column) of the cells of ``top`` merged across columns; ``down``: the
    columns whose cell of ``top`` is merged down over ``below``. Without merges (a CSV, a sheet whose group
    names are centred across their columns without merging them) a group runs from its name rightwards to the
    next name of ``top``, and is read so only when that is what the names show: ``below`` repeats names, each
    at most once in a group, and the groups make every name of the grouped columns distinct. A title above
    the header is never a group: a group that starts at the table's left edge (over the patient column) is
    read as a title, and then ``None``."""
    width = max(len(top), len(below))
    top, below = top + [""] * (width - len(top)), below + [""] * (width - len(below))
    used = [j for j in range(width) if top[j] or below[j]]
    if not used or sum(1 for b in below if b) < 2:
        return None
    groups: list[tuple[int, int]] = []
    if across:
        groups = sorted((a, b) for a, b in across if b > a and top[a] and any(below[a:b + 1]))
        if not groups:
            return None
    else:
        starts = [j for j in range(width) if top[j] and j not in down]
        # A name over an empty column of ``below`` (Patient, typed in row 1) is that column's own name.
        starts = [j for j in starts if below[j]]
        if len(starts) < 2:
            return None
        ends = [j for j in range(width) if top[j]][1:] + [width]
        for a in starts:
            b = min(e for e in ends if e > a) - 1
            while b > a and not below[b]:
                b -= 1
            groups.append((a, b))
        if all(b == a for a, b in groups) and all(top[j] for j in used):
            return None  # a whole header over a row of units or scales (names over names one by one): no groups
        inside = [below[a:b + 1] for a, b in groups]
        if any(len(set(g)) < len(g) for g in inside):
            return None  # a name twice in one group: these are no groups of the same columns
        seen = [n for g in inside for n in g if n]
        if len(set(seen)) == len(seen) or sum(1 for g in inside if set(g) & {n for n in seen if seen.count(n) > 1}) < 2:
            return None  # no name repeated from group to group: nothing the groups tell apart
    if groups[0][0] == used[0]:
        return None  # a title over the table from its left edge (the patient column is under no group)
    group_of = {j: top[a] for a, b in groups for j in range(a, b + 1)}
    out = []
    for j in range(width):
        if j in down or j not in group_of:
            out.append(" ".join(t for t in (top[j], below[j] if j not in down else "") if t))
        else:
            out.append(f"{group_of[j]} {below[j]}" if below[j] else group_of[j])
    if not across:
        grouped = [out[j] for j in group_of]
        if len(set(grouped)) < len(grouped):
            return None
    return out


def two_row_header(rows: list[list], merged: list[Merge] | None) -> tuple[list[list], tuple[int, list[str]] | None]:
    """``rows`` with a header of two rows (:func:`group_names`) made one: the joined names in the first row,
    the second row empty (line numbers in messages stay the sheet's); and ``(first row from 1, names)``, or
    ``(rows, None)`` when the sheet's header is one row. The first two rows with values among the first
    :data:`HEADER_SEARCH_ROWS` are tried, each after title rows (a single value) only; ``merged`` the sheet's
    merged cells (None: not known, as for a CSV)."""
    filled = [k for k, r in enumerate(rows[:HEADER_SEARCH_ROWS]) if any(v is not None and v != "" for v in r)]
    for h in filled:
        if h + 1 >= len(rows) or not any(v is not None and v != "" for v in rows[h + 1]):
            return rows, None
        below_row = rows[h + 1]
        if any(v is not None and v != "" and not isinstance(v, str) for v in below_row):
            return rows, None  # a number or a date under it: the row below is data, not names
        width = max(len(rows[h]), len(below_row))
        top, below = _texts(rows[h], width), _texts(below_row, width)
        if h + 2 < len(rows) and _data_like(below, _texts(rows[h + 2], width)):
            return rows, None
        spans = [(c0, c1, r1) for (r0, c0), (r1, c1) in (merged or []) if r0 == h and c0 < width]
        across = [(c0, min(c1, width - 1)) for c0, c1, r1 in spans if r1 == h and c1 > c0]
        down = {j for c0, c1, r1 in spans if r1 > h for j in range(c0, min(c1, width - 1) + 1)}
        names = group_names(top, below, across, down)
        if names is not None:
            rows = list(rows)
            rows[h], rows[h + 1] = names, []
            return rows, (h + 1, names)
        if sum(1 for t in top if t) >= 2:
            return rows, None  # the header: no title above it, and no groups in it
    return rows, None


#: In an .xlsx part: a sheet of xl/workbook.xml, a relationship of its .rels (attributes in any order,
#: any namespace prefix: read with patterns, not an XML parser, so that no entity is ever expanded).
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_RELATIONSHIP_TAG = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTRIBUTE = re.compile(rb"([\w:]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
#: A cell that holds a formula and no saved value: ``<c r="B4"><f>B3+28</f><v/></c>`` (openpyxl and most
#: scripts write formulas so: the value is computed when Excel next opens the file), or without ``<v>``.
_FORMULA_WITHOUT_VALUE = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>")
#: Where such a cell may end: the end of a formula (``</f>``, or ``"/>`` of ``<f t="shared" si="0"/>``),
#: no value, ``</c>``. Trying the pattern above at every ``<`` of a 30 MB sheet takes 0.4-0.7 s, and one
#: pattern for both ends as long; each of these, whose first characters are a fixed text, 20-25 ms. The
#: pattern above then checks only the cells they find (usually none).
_NO_VALUE = rb"\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
_CELL_ENDS_AFTER_FORMULA = (re.compile(rb"f>" + _NO_VALUE), re.compile(rb'"/>' + _NO_VALUE))
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b")
#: A sheet's XML is read in pieces of this size, cut after a row (a cell never spans rows).
_PIECE = 1 << 20


def _attributes(tag: bytes) -> dict[str, str]:
    return {m[1].decode("utf-8", "replace"): html.unescape((m[2] or m[3]).decode("utf-8", "replace"))
            for m in _ATTRIBUTE.finditer(tag)}


def sheet_parts(zf) -> dict[str, str]:
    """The XML part of each sheet of an .xlsx/.xlsm (``{sheet name: "xl/worksheets/sheet1.xml"}``); empty
    for a zip that is no such workbook (.ods, .xlsb)."""
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    rels = {}
    for m in _RELATIONSHIP_TAG.finditer(zf.read("xl/_rels/workbook.xml.rels")):
        a = _attributes(m[1])
        target = a.get("Target", "")
        rels[a.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    parts = {}
    for m in _SHEET_TAG.finditer(zf.read("xl/workbook.xml")):
        a = _attributes(m[1])
        rid = next((v for k, v in a.items() if k == "id" or k.endswith(":id")), None)
        if "name" in a and rels.get(rid) in names:
            parts[a["name"]] = rels[rid]
    return parts


def formulas_without_values(zf, part: str) -> list[str]:
    """The cells (``B4``) of sheet ``part`` that hold a formula without a saved value: calamine, which
    computes no formula, reads them as empty. An empty text result that Excel saved (``t="str"``, the
    formula ``=IF(A2="","",A2)``) is a value, and not listed. Read piece by piece: memory stays small."""
    cells, tail, opening = [], b"", None
    with zf.open(part) as f:
        while True:
            piece = f.read(_PIECE)
            buf = tail + piece
            cut = len(buf) if not piece else buf.rfind(b"row>") + 4  # after </row> (or </x:row>)
            if opening is None:
                found = _SHEET_DATA.search(buf)
                opening = b"<" + (found[1] or b"") + b"c " if found else None  # "<c " or "<x:c "
            if cut < 4 or opening is None:  # no row ends in this piece yet, or no cell so far
                tail = buf if piece else b""
                if piece:
                    continue
                return cells
            ends = [e for pattern in _CELL_ENDS_AFTER_FORMULA for e in pattern.finditer(buf, 0, cut)]
            for end in sorted(ends, key=lambda e: e.start()):  # usually none: no loop over the cells
                m = _FORMULA_WITHOUT_VALUE.match(buf, buf.rfind(opening, 0, end.start()), end.end())
                a = _attributes(m[1]) if m is not None and m.end() == end.end() else {"t": "str"}
                if a.get("t") not in ("str", "inlineStr"):  # an empty text result is a saved value
                    cells.append(a.get("r", "?"))
            tail = buf[cut:]
            if not piece:
                return cells


#: A row tag of an .xlsx sheet (``<row r="7" hidden="1">``) and of an .ods content.xml
#: (``<table:table-row table:visibility="filter">``), and an .ods sheet's tag (``<table:table table:name=..>``).
_ROW = re.compile(rb"<(?:\w+:)?row\s([^>]*)>")
_ODS_TAG = re.compile(rb"<table:(table-row|table)(?=[\s/>])([^>]*)>")


def hidden_rows(zf, part: str) -> set[int]:
    """The rows (numbered from 1) of .xlsx sheet ``part`` marked hidden: hidden by hand, or by a filter
    (Excel saves the rows a filter hides so). Read piece by piece; only pieces that say "hidden" are parsed."""
    rows, tail = set(), b""
    with zf.open(part) as f:
        while True:
            piece = f.read(_PIECE)
            buf = tail + piece
            cut = len(buf) if not piece else buf.rfind(b">") + 1
            if buf.find(b"hidden", 0, cut) >= 0:
                for m in _ROW.finditer(buf, 0, cut):
                    if b"hidden" in m[1]:
                        a = _attributes(m[1])
                        if a.get("hidden", "").strip().lower() in ("1", "true") and a.get("r", "").isdigit():
                            rows.add(int(a["r"]))
            tail = buf[cut:]
            if not piece:
                return rows


def ods_hidden_rows(zf) -> dict[str, set[int]]:
    """The hidden rows of each sheet of an .ods (``table:visibility`` "collapse" (the ODF standard; "collapsed" read too), hidden by hand, or
    "filter", hidden by a filter), numbered from 1; rows repeated (``table:number-rows-repeated``) counted."""
    if "content.xml" not in zf.namelist():
        return {}
    content = zf.read("content.xml")
    out: dict[str, set[int]] = {}
    sheet, row = None, 0
    if b"table:visibility" not in content:
        return out
    for m in _ODS_TAG.finditer(content):
        a = _attributes(m[2])
        if m[1] == b"table":
            sheet, row = a.get("table:name"), 0
            continue
        n = int(a.get("table:number-rows-repeated", "1") or 1)
        if a.get("table:visibility") in ("collapse", "collapsed", "filter") and sheet is not None:
            out.setdefault(sheet, set()).update(range(row + 1, row + 1 + min(n, 1 << 20)))
        row += n
    return out


#: The tags of an .ods content.xml that place its cells: a sheet, a row, a cell or a cell covered by a merge.
_ODS_CELL_TAG = re.compile(rb"<table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*)>")
_ODS_SHEET_TAG = re.compile(rb"<table:table(?=[\s>])")


def ods_merged_cells(zf) -> dict[str, list[Merge]]:
    """The merged cells of each sheet of an .ods (``table:number-columns-spanned``, ``number-rows-spanned``)
    among its first :data:`HEADER_SEARCH_ROWS` + 1 rows, where a header is (calamine gives no merges of an
    .ods); rows and columns repeated (``number-rows-repeated``, ``number-columns-repeated``) counted."""
    if "content.xml" not in zf.namelist():
        return {}
    content = zf.read("content.xml")
    if b"-spanned" not in content:
        return {}
    out: dict[str, list[Merge]] = {}
    sheet, first, row, col, pos = None, 0, -1, 0, 0
    while True:
        m = _ODS_CELL_TAG.search(content, pos)
        if m is None:
            return out
        pos = m.end()
        a = _attributes(m[2])
        if m[1] == b"table":
            sheet, row, col = a.get("table:name"), -1, 0
        elif m[1] == b"table-row":
            first, row, col = row + 1, row + int(a.get("table:number-rows-repeated", "1") or 1), 0
            if row > HEADER_SEARCH_ROWS:  # below the header: on to the next sheet
                nxt = _ODS_SHEET_TAG.search(content, pos)
                if nxt is None:
                    return out
                pos = nxt.start()
        else:
            n = int(a.get("table:number-columns-repeated", "1") or 1)
            across = int(a.get("table:number-columns-spanned", "1") or 1)
            down = int(a.get("table:number-rows-spanned", "1") or 1)
            if (across > 1 or down > 1) and sheet is not None and row >= 0:
                out.setdefault(sheet, []).append(((first, col), (first + down - 1, col + across - 1)))
            col += min(n, 1 << 14)


def convert(data: bytes, cap: int, headers: dict | None = None) -> list[tuple[str, str, bytes, int, list[str], list[int]]]:
    """Every sheet of the workbook ``data``: ``(name, status, csv bytes, rows, formula cells, hidden rows)``,
    the formula cells those of an .xlsx that hold a formula without a saved value (read as empty), the hidden
    rows those left out (:func:`sheet_csv`: hidden in an .xlsx or an .ods). ``headers`` (when given) receives
    ``{sheet: (row, names)}`` for each sheet whose header of two rows was read as one (:func:`two_row_header`).
    A sheet whose grid
    (from A1) would need more than ``cap`` bytes as Python objects raises MemoryError first."""
    import zipfile

    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    zf = zipfile.ZipFile(io.BytesIO(data)) if data[:4] == b"PK\x03\x04" else None
    parts = None
    ods_hidden = ods_hidden_rows(zf) if zf is not None else {}
    ods_merged = ods_merged_cells(zf) if zf is not None and "content.xml" in zf.namelist() else None
    out = []
    for meta in book.sheets_metadata:
        if meta.visible != SheetVisibleEnum.Visible:
            out.append((meta.name, "hidden", b"", 0, [], []))
            continue
        grid = book.get_sheet_by_name(meta.name)
        n_rows, n_cols = (grid.end[0] + 1, grid.end[1] + 1) if grid.end is not None else (0, 0)
        if n_rows * n_cols * BYTES_PER_CELL > cap:
            raise MemoryError(f"{meta.name}\0{n_rows}\0{n_cols}")
        hidden = ods_hidden.get(meta.name, set())
        if zf is not None and not ods_hidden:
            parts = sheet_parts(zf) if parts is None else parts
            hidden = hidden_rows(zf, parts[meta.name]) if meta.name in parts else set()
        merged = ods_merged.get(meta.name, []) if ods_merged is not None else grid.merged_cell_ranges
        rows, header = two_row_header(grid.to_python(skip_empty_area=False), merged)
        made = sheet_csv(rows, hidden)
        if made is None:
            out.append((meta.name, "no table", b"", 0, [], []))
        else:
            csv_bytes, rows, gaps, left_out = made
            formulas = []
            # The sheet's XML is read a second time only where a formula may hide: in an empty cell of an .xlsx.
            if gaps and zf is not None:
                parts = sheet_parts(zf) if parts is None else parts
                formulas = formulas_without_values(zf, parts[meta.name]) if meta.name in parts else []
            out.append((meta.name, "table", csv_bytes, rows, formulas, left_out))
            if header is not None and headers is not None:
                headers[meta.name] = header
        del grid, made, rows  # one sheet's cells at a time
    return out


def main() -> None:
    cap = int(sys.argv[1])
    import resource

    # The interpreter and calamine take about 60 MB of address space; the rest is the workbook's.
    resource.setrlimit(resource.RLIMIT_AS, (cap + (256 << 20), cap + (256 << 20)))
    data = sys.stdin.buffer.read()
    try:
        headers: dict = {}
        result = ("ok", convert(data, cap, headers), headers)
    except MemoryError as e:
        result = ("error", "memory", str(e))
    except Exception as e:  # noqa: BLE001 - calamine's errors: the parent says what to do
        result = ("error", "password" if type(e).__name__ == "PasswordError" else "unreadable", type(e).__name__)
    sys.stdout.buffer.write(pickle.dumps(result))


if __name__ == "__main__":
    main()
