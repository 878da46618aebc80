"""``python -m analysis validate``: exit codes, printed report and the JSON document of docs/cli.md."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import cli

ROOT = Path(__file__).resolve().parents[2]
ASSESS = "patient_id,day,pain_nrs\nP1,0,7\nP1,1,11\nP2,0,5\n"
TREAT = "patient_id,day,treatment\nP1,0,ketamine_iv\n"


@pytest.fixture
def dataset(tmp_path):
    d = tmp_path / "ds"
    d.mkdir()
    (d / "assessments.csv").write_text(ASSESS)
    (d / "treatments.csv").write_text(TREAT)
    return d


def run(argv, capsys):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_prints_report_and_exits_0(dataset, capsys):
    code, out, err = run(["validate", dataset], capsys)
    assert code == 0 and err == ""
    assert "assessments.csv" in out and "treatments.csv" in out
    assert "assessments.csv line 3, column pain_nrs = '11': out of range for pain_nrs (valid 0-10)" in out


def test_validate_json_document(dataset, capsys):
    code, out, _ = run(["validate", dataset, "--json"], capsys)
    doc = json.loads(out)
    assert code == 0
    assert doc["ok"] is True and doc["error"] is None
    assert doc["files"] == {"assessments.csv": {"rows_read": 3, "rows_used": 2, "rows_excluded": 1},
                            "treatments.csv": {"rows_read": 1, "rows_used": 1, "rows_excluded": 0}}
    assert doc["exclusions"] == [{"file": "assessments.csv", "line": 3, "column": "pain_nrs", "value": "11",
                                  "reason": "out of range for pain_nrs (valid 0-10)"}]
    assert set(doc) == {"ok", "error", "files", "exclusions", "dropped_identifier_columns", "notes", "warnings",
                        "fingerprint"}
    assert doc["warnings"] == []
    assert len(doc["fingerprint"]) == 64


def test_unusable_dataset_exits_1_with_message_and_no_traceback(tmp_path, capsys):
    (tmp_path / "assessments.csv").write_text("foo,day,pain_nrs\nP1,0,7\n")
    code, out, err = run(["validate", tmp_path], capsys)
    assert code == 1 and out == ""
    assert err.startswith("error: assessments.csv: required column 'patient_id' is missing")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_unusable_dataset_json(tmp_path, capsys):
    (tmp_path / "assessments.csv").write_text("foo,day,pain_nrs\nP1,0,7\n")
    code, out, _ = run(["validate", tmp_path, "--json"], capsys)
    doc = json.loads(out)
    assert code == 1 and doc["ok"] is False
    assert doc["error"].startswith("assessments.csv: required column 'patient_id' is missing")
    assert doc["files"] == {} and doc["exclusions"] == []


def test_no_usable_rows_json_still_lists_the_exclusions(tmp_path, capsys):
    (tmp_path / "assessments.csv").write_text("patient_id,day,pain_nrs\nP1,0,70\n")
    code, out, _ = run(["validate", tmp_path, "--json"], capsys)
    doc = json.loads(out)
    assert code == 1 and doc["ok"] is False
    assert doc["exclusions"][0]["line"] == 2 and doc["files"]["assessments.csv"]["rows_excluded"] == 1


def test_map_option_and_mapping_file(tmp_path, capsys):
    (tmp_path / "assessments.csv").write_text("Subject,Visit day,NRS\nP1,0,7\n")
    (tmp_path / "map.csv").write_text("source,target\nVisit day,day\n")
    code, out, _ = run(["validate", tmp_path / "assessments.csv", "--mapping", tmp_path / "map.csv",
                        "--map", "Subject=patient_id,NRS=pain_nrs", "--json"], capsys)
    assert code == 0 and json.loads(out)["files"]["assessments.csv"]["rows_used"] == 1


def test_bad_map_option_exits_1(dataset, capsys):
    code, _, err = run(["validate", dataset, "--map", "Subject"], capsys)
    assert code == 1 and "--map entry 'Subject' has no '='" in err


def test_drop_identifiers_flag(tmp_path, capsys):
    (tmp_path / "assessments.csv").write_text("patient_id,day,pain_nrs,email\nP1,0,7,a@b.org\n")
    code, _, err = run(["validate", tmp_path], capsys)
    assert code == 1 and "--drop-identifiers" in err
    code, out, _ = run(["validate", tmp_path, "--drop-identifiers", "--json"], capsys)
    assert code == 0
    assert json.loads(out)["dropped_identifier_columns"][0]["column"] == "email"


@pytest.mark.parametrize("argv", [[], ["validate"], ["validate", "x", "--bogus"], ["frobnicate"]])
def test_usage_errors_exit_2(argv, capsys):
    code, _, err = run(argv, capsys)
    assert code == 2 and "usage" in err


def test_unexpected_exception_is_one_clean_line(dataset, capsys, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("something\nbroke")
    monkeypatch.setattr("analysis.load.load_dataset", boom)
    code, out, err = run(["validate", dataset], capsys)
    assert code == 1 and out == ""
    assert err == "error: unexpected problem (RuntimeError: something broke). Please report this.\n"
    code, out, _ = run(["validate", dataset, "--json"], capsys)
    assert code == 1 and json.loads(out)["ok"] is False


def test_python_dash_m_entry_point(dataset):
    proc = subprocess.run([sys.executable, "-m", "analysis", "validate", str(dataset), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["ok"] is True
    proc = subprocess.run([sys.executable, "-m", "analysis", "validate", str(dataset / "nope")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 1 and "does not exist" in proc.stderr and "Traceback" not in proc.stderr
