"""`python -m analysis summarize`: the numbers equal the Python API's, and errors are one clean line."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import Definitions, load_dataset, summarize
from analysis.cli import main

ROOT = Path(__file__).resolve().parents[2]

ASSESSMENTS = """patient_id,day,pain_nrs
P1,0,10
P1,0.5,5
P1,10,8
P2,-3,8
P2,1,6
P3,0,6
P3,0.25,3
P3,20,3
P4,0,7
P4,1,7
"""
TREATMENTS = """patient_id,day,treatment
P1,0,ketamine_iv
P2,0,ketamine_iv
P3,0,physical_therapy
P4,0,physical_therapy
"""
PATIENTS = """patient_id,sex
P1,F
P2,M
P3,F
P4,F
"""


@pytest.fixture
def dataset_dir(tmp_path):
    (tmp_path / "assessments.csv").write_text(ASSESSMENTS)
    (tmp_path / "treatments.csv").write_text(TREATMENTS)
    (tmp_path / "patients.csv").write_text(PATIENTS)
    return tmp_path


def run_json(capsys, *argv):
    code = main(["summarize", *map(str, argv), "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_summarize_json_equals_api(dataset_dir, capsys):
    code, doc = run_json(capsys, dataset_dir)
    assert code == 0
    api = summarize(load_dataset(dataset_dir)).to_dict()
    assert doc == json.loads(json.dumps({**api, "load_warnings": []}))
    g = {x["group"]["treatment"]: x for x in doc["groups"]}
    # ketamine: immediate reliefs 50% (P1) and 25% (P2) -> mean 37.5, responders 1/2
    assert g["ketamine_iv"]["immediate_relief_pct"]["estimate"] == pytest.approx(37.5)
    assert g["ketamine_iv"]["immediate_responder_rate"]["estimate"] == pytest.approx(0.5)
    # physical therapy: 50% (P3) and 0% (P4)
    assert g["physical_therapy"]["immediate_relief_pct"]["estimate"] == pytest.approx(25.0)
    assert doc["logrank"]["df"] == 1


def test_the_json_document_holds_the_loads_warnings_that_stderr_shows(dataset_dir, capsys):
    """A script reading only the JSON sees what makes the reading doubtful: here P1's second course a day
    after the first (administrations read as courses?)."""
    (dataset_dir / "treatments.csv").write_text(TREATMENTS + "P1,1,ketamine_iv\n")
    code = main(["summarize", str(dataset_dir), "--json"])
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert code == 0 and doc["load_warnings"] == load_dataset(dataset_dir).report.warnings
    assert doc["load_warnings"] and all(f"warning: {w}" in captured.err for w in doc["load_warnings"])


def test_summarize_threshold_and_by(dataset_dir, capsys):
    code, doc = run_json(capsys, dataset_dir, "--threshold", "60", "--by", "sex")
    assert code == 0 and doc["definitions"]["threshold"] == 60 and doc["by"] == ["treatment", "sex"]
    groups = {(x["group"]["treatment"], x["group"]["sex"]) for x in doc["groups"]}
    assert groups == {("ketamine_iv", "F"), ("ketamine_iv", "M"), ("physical_therapy", "F")}
    assert all(x["immediate_responder_rate"]["estimate"] in (0, None) for x in doc["groups"])


def test_summarize_definitions_options(dataset_dir, capsys):
    code, doc = run_json(capsys, dataset_dir, "--baseline-window", "1", "--conf-type", "log",
                         "--first-episode-only", "--retreatment-is-event")
    d = doc["definitions"]
    assert code == 0 and d["baseline_window_days"] == 1 and d["km_conf_type"] == "log"
    assert d["first_episode_only"] and d["retreatment_is_event"]
    # P2's baseline (day -3) is outside a 1-day window -> excluded
    g = {x["group"]["treatment"]: x for x in doc["groups"]}
    assert g["ketamine_iv"]["episodes_excluded"] == 1


def test_summarize_filter(dataset_dir, capsys):
    code, doc = run_json(capsys, dataset_dir, "--filter", "sex=F")
    assert code == 0 and sum(x["patients"] for x in doc["groups"]) == 3


def test_summarize_text_output(dataset_dir, capsys):
    assert main(["summarize", str(dataset_dir)]) == 0
    out = capsys.readouterr().out
    assert "ketamine_iv" in out and "mean immediate relief" in out and "Log-rank" in out


def test_summarize_unusable_dataset_and_bad_column(tmp_path, dataset_dir, capsys):
    assert main(["summarize", str(tmp_path / "missing")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["summarize", str(dataset_dir), "--by", "no_such_column"]) == 1
    err = capsys.readouterr().err
    assert "no_such_column" in err and "Traceback" not in err


def test_summarize_as_a_process_prints_no_traceback(tmp_path):
    (tmp_path / "assessments.csv").write_text("patient_id,day,pain_nrs\nP1,0,5\n")
    r = subprocess.run([sys.executable, "-m", "analysis", "summarize", str(tmp_path)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "treatments" in r.stderr and "Traceback" not in r.stderr


def test_no_models_leaves_the_models_out_and_nothing_else(capsys):
    from pathlib import Path
    import json as _json
    from analysis.cli import main as _main

    demo = str(Path(__file__).resolve().parents[2] / "data" / "demo")
    assert _main(["summarize", demo, "--json"]) == 0
    full = _json.loads(capsys.readouterr().out)
    assert _main(["summarize", demo, "--json", "--no-models"]) == 0
    lean = _json.loads(capsys.readouterr().out)
    assert full["models"] is not None and lean["models"] is None
    assert {k: v for k, v in full.items() if k != "models"} == {k: v for k, v in lean.items() if k != "models"}
