"""Issue 15, findings 3-5: memory and CPU bombs refused before parsing, with a clear message.

Each attack is a small generated file. Peak memory is measured in a fresh Python process (the
resident-set high-water mark of that process, ``ru_maxrss``), so the numbers are the loader's own.
"""
from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from analysis import limits, load_files
from analysis.errors import DatasetError, ResourceLimitError, UnreadableFileError

ROOT = Path(__file__).resolve().parents[2]
GIB = 1024 ** 3


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def _peak_of_loading(path: Path, env: dict | None = None) -> tuple[int, str]:
    """Load ``path`` in a fresh process; return (peak RSS in bytes, the error message or 'ok')."""
    # The high-water mark is reset first (writing 5 to clear_refs, Linux >= 4.0): a child process
    # starts with its parent's (pytest's) resident size in ru_maxrss.
    code = (
        "import json, sys\n"
        "open('/proc/self/clear_refs', 'w').write('5')\n"
        "from analysis import load_dataset\n"
        "from analysis.errors import DatasetError\n"
        "try:\n"
        "    load_dataset(sys.argv[1]); msg = 'ok'\n"
        "except DatasetError as e:\n"
        "    msg = str(e)\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]\n"
        "print(json.dumps([int(hwm) * 1024, msg]))\n")
    import os

    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, **(env or {})}, timeout=300)
    assert out.returncode == 0, out.stderr
    peak, msg = json.loads(out.stdout.strip().splitlines()[-1])
    return peak, msg


# ---------------------------------------------------------------------------------------------- finding 4
def test_a_5_mb_file_without_a_line_break_is_refused_within_1_gib(tmp_path):
    p = tmp_path / "assessments.csv"
    p.write_bytes(b"patient_id" + b"x" * (5 * 1024 ** 2))
    peak, msg = _peak_of_loading(p)
    assert "no line break" in msg and "CRPS_MAX_LINE_KB" in msg, msg
    assert peak < GIB, peak


def test_a_long_line_is_refused_with_its_line_number():
    data = b"patient_id,day,pain_nrs\nP1,0,5\n" + b"P2,1," + b"9" * (2 * 1024 ** 2) + b"\nP3,2,4\n"
    with pytest.raises(ResourceLimitError, match=r"line 3 is 2\.0 MB long; the limit is 1\.0 MB"):
        load_files({"assessments.csv": data})


# ---------------------------------------------------------------------------------------------- finding 5
def test_a_100000_column_file_is_refused_in_under_2_seconds():
    header = "patient_id,day," + ",".join(f"c{i}" for i in range(100_000))
    row = "P1,0," + ",".join("1" for _ in range(100_000))
    data = f"{header}\n{row}\n".encode()
    t0 = time.perf_counter()
    with pytest.raises(ResourceLimitError, match=r"100,002 columns; the limit is 2,000 \(CRPS_MAX_COLUMNS\)"):
        load_files({"assessments.csv": data})
    assert time.perf_counter() - t0 < 2.0


def test_the_limits_are_configurable(monkeypatch):
    data = ("patient_id,day," + ",".join(f"m{i}" for i in range(30)) + "\nP1,0," + ",".join("1" * 30) + "\n")
    monkeypatch.setenv("CRPS_MAX_COLUMNS", "10")
    with pytest.raises(ResourceLimitError, match="the limit is 10 "):
        load_files({"assessments.csv": data.encode()})
    monkeypatch.setenv("CRPS_MAX_COLUMNS", "nonsense")  # ignored: the default applies
    assert limits.current().max_columns == 2000


def test_the_memory_estimate_refuses_with_an_amount_and_the_limit(monkeypatch):
    rows = "\n".join(f"P{i},{i % 90},{i % 11}" for i in range(200_000))
    data = f"patient_id,day,pain_nrs\n{rows}\n".encode()
    monkeypatch.setenv("CRPS_MAX_MEMORY_MB", "16")
    with pytest.raises(ResourceLimitError) as e:
        load_files({"assessments.csv": data})
    msg = str(e.value)
    assert "would need about" in msg and "the limit is 16 MB (CRPS_MAX_MEMORY_MB)" in msg, msg
    need = limits.estimate_text_memory(limits.text_shape(data))
    # 200,000 rows x 3 columns, about 2.5 MB: (2 x 2.5 MB + 77 x 200,000 + 9.4 x 600,000) x 1.2 = about 31 MB
    assert 25 * 1024 ** 2 < need < 38 * 1024 ** 2


def test_files_together_over_the_memory_limit_are_refused(monkeypatch):
    one = ("patient_id,day,pain_nrs\n" + "\n".join(f"P{i},{i % 50},5" for i in range(60_000)) + "\n").encode()
    each = limits.estimate_text_memory(limits.text_shape(one))
    monkeypatch.setenv("CRPS_MAX_MEMORY_MB", str(1.5 * each / 1024 ** 2))
    tx = one.replace(b"pain_nrs", b"treatment").replace(b",5\n", b",x\n")
    with pytest.raises(ResourceLimitError, match="together need about"):
        load_files({"assessments.csv": one, "treatments.csv": tx})


# ---------------------------------------------------------------------------------------------- finding 3
def test_a_zip_of_zeros_is_refused_by_its_ratio_within_1_gib(tmp_path):
    p = tmp_path / "bomb.zip"
    p.write_bytes(_zip({"assessments.csv": b"patient_id,day,pain_nrs\n" + b"0" * (300 * 1024 ** 2)}))
    assert p.stat().st_size < 1024 ** 2
    peak, msg = _peak_of_loading(p)
    assert "times" in msg and "CRPS_MAX_ZIP_RATIO" in msg, msg
    assert peak < GIB, peak


def _declare_size(zdata: bytes, size: int) -> bytes:
    """The zip with every member's uncompressed size patched to ``size`` (local and central headers)."""
    b = bytearray(zdata)
    i = 0
    while (i := b.find(b"PK\x03\x04", i)) >= 0:
        struct.pack_into("<I", b, i + 22, size)
        i += 4
    i = 0
    while (i := b.find(b"PK\x01\x02", i)) >= 0:
        struct.pack_into("<I", b, i + 24, size)
        i += 4
    return bytes(b)


def test_a_zip_declaring_3_9_gb_is_refused_before_unpacking(tmp_path):
    p = tmp_path / "zeros.zip"
    p.write_bytes(_declare_size(_zip({"assessments.csv": b"0" * 10_000_000}), 3_900_000_000))
    t0 = time.perf_counter()
    peak, msg = _peak_of_loading(p)
    assert "unpacks to 3.6 GB; the limit is 1.0 GB (CRPS_MAX_UNZIPPED_MB)" in msg, msg
    assert peak < GIB and time.perf_counter() - t0 < 30


def test_a_zip_whose_sizes_lie_is_refused_while_unpacking(monkeypatch):
    monkeypatch.setenv("CRPS_MAX_ZIP_RATIO", "100000")  # let the declared-size check pass
    z = _declare_size(_zip({"assessments.csv": b"patient_id,day,pain_nrs\n" + b"1" * 5_000_000}), 100)
    with pytest.raises(UnreadableFileError):  # zipfile stops at the declared size: a CRC error
        load_files({"d.zip": z})
    monkeypatch.setenv("CRPS_MAX_UNZIPPED_MB", "1")
    big = _zip({"assessments.csv": b"patient_id,day,pain_nrs\n" + b"1,2,3\n" * 400_000})
    with pytest.raises(ResourceLimitError, match="CRPS_MAX_UNZIPPED_MB"):
        load_files({"d.zip": big})


def test_safe_unzip_counts_what_it_unpacks():
    lim = limits.Limits(max_memory=GIB, max_unzipped=3 * 1024 ** 2, max_zip_ratio=1e9, max_columns=10,
                        max_line=1024)
    z = _declare_size(_zip({"a.csv": b"1" * (1024 ** 2)}), 10)
    with zipfile.ZipFile(io.BytesIO(z)) as zf:
        assert zf.infolist()[0].file_size == 10
    with pytest.raises(Exception):  # declared 10 bytes: zipfile reads 10 bytes then fails its CRC
        limits.safe_unzip("x.zip", z, limits=lim)
    ok = _zip({"a.csv": b"1,2\n" * 1000, "b/.hidden": b"x", "__MACOSX/a.csv": b"x"})
    assert [n for n, _ in limits.safe_unzip("x.zip", ok, limits=lim)] == ["a.csv"]


def test_parquet_with_too_many_columns_is_refused(monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = pa.table({"patient_id": ["P1"], "day": [0.0], **{f"m{i}": [1.0] for i in range(40)}})
    buf = io.BytesIO()
    pq.write_table(t, buf)
    monkeypatch.setenv("CRPS_MAX_COLUMNS", "20")
    with pytest.raises(ResourceLimitError, match="42 columns; the limit is 20"):
        load_files({"assessments.parquet": buf.getvalue()})


def test_a_legitimate_file_passes_every_check():
    data = (ROOT / "data" / "demo" / "assessments.csv").read_bytes()
    need = limits.check_text_file("assessments.csv", data)
    assert 0 < need < limits.current().max_memory
    assert isinstance(ResourceLimitError("x"), DatasetError)
