"""The sheets of one workbook as CSV text: run as a script in a child process by analysis.io.workbooks.

Why a child process: calamine builds each sheet as a dense grid from A1 to its last cell before any
check can run, so a 5 KB workbook with one value in cell XFD1048576 asks for 550 GB and aborts the
process that reads it; in the dashboard that would be the server of every user. The child runs with
its address space capped (``RLIMIT_AS``), so such a file kills only the child, and the parent says why.

Protocol: ``python -I sheet_reader.py CAP_BYTES`` reads the workbook's bytes on stdin and writes one
pickle on stdout: ``("ok", [(sheet, status, csv_bytes, rows)])`` with status ``"table"``, ``"hidden"``
or ``"no table"``, or ``("error", kind, detail)``. It imports nothing of the package (``-I``: no
current folder, no PYTHONPATH): the standard library and python_calamine only, so the cap is spent on
the workbook, not on pandas. Cells are written as :mod:`analysis.io.workbooks` documents.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import pickle
import re
import sys

#: Memory of one cell as a Python object in the list of rows calamine gives (measured 48 bytes on
#: average for ids, numbers and dates, 166 bytes at peak with the CSV text: docs/performance.md).
BYTES_PER_CELL = 200
#: A text cell that is a number written with a decimal comma ("4,5"): the CSV written here has every
#: number cell with a point, so such text is read as the number it says. Not "1,234" (a thousands
#: separator in English): exactly three digits after a single comma stay text.
_DECIMAL_COMMA = re.compile(r"\s*[+-]?\d+,(\d{1,2}|\d{4,})\s*")


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
    text = str(v)
    return text.strip().replace(",", ".") if _DECIMAL_COMMA.fullmatch(text) else text


def sheet_csv(rows: list[list]) -> tuple[bytes, int] | None:
    """The CSV text of one sheet's rows, or None when it holds no table (fewer than two columns with a
    value). Empty columns left and right of the table are dropped and an empty row is an empty line,
    so line k of the CSV is row k of the sheet."""
    texts = [[cell_text(v) for v in row] for row in rows]
    width = max(map(len, texts), default=0)
    used = [k for k in range(width) if any(k < len(r) and r[k] for r in texts)]
    if len(used) < 2:
        return None
    first, last = used[0], used[-1] + 1
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in texts:
        cells = row[first:last]
        if any(cells):
            writer.writerow(cells)
        else:
            buf.write("\n")
    return buf.getvalue().encode("utf-8"), len(rows)


def convert(data: bytes, cap: int) -> list[tuple[str, str, bytes, int]]:
    """Every sheet of the workbook ``data``: ``(name, status, csv bytes, rows)``. A sheet whose grid
    (from A1) would need more than ``cap`` bytes as Python objects raises MemoryError first."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = []
    for meta in book.sheets_metadata:
        if meta.visible != SheetVisibleEnum.Visible:
            out.append((meta.name, "hidden", b"", 0))
            continue
        grid = book.get_sheet_by_name(meta.name)
        n_rows, n_cols = (grid.end[0] + 1, grid.end[1] + 1) if grid.end is not None else (0, 0)
        if n_rows * n_cols * BYTES_PER_CELL > cap:
            raise MemoryError(f"{meta.name}\0{n_rows}\0{n_cols}")
        made = sheet_csv(grid.to_python(skip_empty_area=False))
        out.append((meta.name, "no table", b"", 0) if made is None else (meta.name, "table", *made))
        del grid, made  # one sheet's cells at a time
    return out


def main() -> None:
    cap = int(sys.argv[1])
    import resource

    # The interpreter and calamine take about 60 MB of address space; the rest is the workbook's.
    resource.setrlimit(resource.RLIMIT_AS, (cap + (256 << 20), cap + (256 << 20)))
    data = sys.stdin.buffer.read()
    try:
        result = ("ok", convert(data, cap))
    except MemoryError as e:
        result = ("error", "memory", str(e))
    except Exception as e:  # noqa: BLE001 - calamine's errors: the parent says what to do
        result = ("error", "password" if type(e).__name__ == "PasswordError" else "unreadable", type(e).__name__)
    sys.stdout.buffer.write(pickle.dumps(result))


if __name__ == "__main__":
    main()
