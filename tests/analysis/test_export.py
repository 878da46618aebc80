"""The researchers' export (analysis/export.py): files, image validity, numbers, suppression, safety.

One full export of the demo cohort (PNG + SVG + PDF through one warm Kaleido server) is shared by
the module (~50 s); every other export here writes no images and takes a few seconds.
"""
from __future__ import annotations

import argparse
import io
import json
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import cli, export, load_dataset, relief
from analysis.definitions import Definitions
from analysis.duration import relief_duration
from analysis.episodes import build_episodes
from analysis.summary import summarize

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
HAS_CHROMIUM = export.find_chromium() is not None
needs_chromium = pytest.mark.skipif(not HAS_CHROMIUM, reason=export.CHROMIUM_HINT)

EXPECTED_FIGURES = ["relief_distribution", "responder_rates", "cumulative_responders", "mean_relief_over_time",
                    "responders_over_time", "attrition", "sensitivity_missing_as_no_relief", "relief_duration_km",
                    "published_comparison", "phq9_mean_score", "phq9_mean_change", "phq9_response", "phq9_remission",
                    "gad7_response", "gad7_remission", "css_mean_score", "pgic_mean_score",
                    "regions_affected_mean_score", "time_to_spread_km"]
EXPECTED_TABLES = ["immediate_relief", "responder_rates", "cumulative_responders", "relief_over_time", "attrition",
                   "responder_sensitivity", "relief_duration_curves", "relief_duration_medians",
                   "relief_duration_survival_at", "logrank", "summary", "published_comparison", "table1",
                   "table1_wide", "load_report", "exclusions", "episode_exclusions", "phq9_scores",
                   "time_to_spread_medians"]


def parser() -> argparse.ArgumentParser:
    """The way analysis/cli.py wires the command: a subparser with add_export_arguments."""
    p = argparse.ArgumentParser(prog="python -m analysis")
    sub = p.add_subparsers(dest="command")
    cli.add_export_parser(sub)
    return p


def run_cli(argv) -> int:
    args = parser().parse_args(["export", *map(str, argv)])
    return args.func(args)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the PNG signature and IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def demo():
    return load_dataset(DEMO)


@pytest.fixture(scope="module")
def full_export(tmp_path_factory):
    """The CLI export of the demo cohort, every image format, threshold 40, scale 2, width 600 px."""
    if not HAS_CHROMIUM:
        pytest.skip(export.CHROMIUM_HINT)
    out = tmp_path_factory.mktemp("export")
    code = run_cli([DEMO, "--out", out, "--threshold", "40", "--format", "png,svg,pdf", "--scale", "2",
                    "--width", "600"])
    return code, out


@pytest.fixture(scope="module")
def small_group_dir(tmp_path_factory):
    """200 demo patients with a covariate 'cohort': 3 patients 'tiny' (treated with 'tiny_therapy'),
    57 '=HYPERLINK(...)', 140 'main'."""
    d = tmp_path_factory.mktemp("small")
    p = pd.read_csv(DEMO / "patients.csv").head(200)   # a 200-patient slice keeps these tests fast
    for f in ("assessments.csv", "treatments.csv"):
        t = pd.read_csv(DEMO / f, dtype=str, keep_default_na=False)
        t[t["patient_id"].isin(p["patient_id"])].to_csv(d / f, index=False)
    p["cohort"] = "main"
    p.loc[p.index[:3], "cohort"] = "tiny"
    # the same 3 patients get a treatment of their own, so Table 1 (by treatment) has a 3-patient group too
    t = pd.read_csv(d / "treatments.csv", dtype=str, keep_default_na=False)
    t.loc[t["patient_id"].isin(p["patient_id"].head(3)), "treatment"] = "tiny_therapy"
    t.to_csv(d / "treatments.csv", index=False)
    p.loc[p.index[3:60], "cohort"] = '=HYPERLINK("http://example.org")'
    p.to_csv(d / "patients.csv", index=False)
    return d


@pytest.fixture(scope="module")
def small_export(small_group_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("small_out")
    code = run_cli([small_group_dir, "--out", out, "--by", "cohort", "--format", "none"])
    return code, out


# ------------------------------------------------------------------------------------------------
# The full export
# ------------------------------------------------------------------------------------------------
@needs_chromium
def test_cli_export_writes_every_promised_file(full_export):
    code, out = full_export
    assert code == 0
    for name in ("methods.md", "methods.html", "report.html", "bundle.zip", "manifest.json", "figures/captions.md"):
        assert (out / name).is_file(), name
    for fig in EXPECTED_FIGURES:
        for fmt in ("png", "svg", "pdf"):
            assert (out / "figures" / f"{fig}.{fmt}").stat().st_size > 1000, f"{fig}.{fmt}"
    for t in EXPECTED_TABLES:
        assert (out / "tables" / f"{t}.csv").is_file(), t
    with zipfile.ZipFile(out / "bundle.zip") as z:
        names = {n.split("/", 1)[1] for n in z.namelist()}
    written = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()} - {"bundle.zip"}
    assert names == written
    assert not (out / "tables" / "episodes.csv").exists()


@needs_chromium
def test_png_pixel_size_is_figure_size_times_scale(full_export):
    _, out = full_export
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scale"] == 2
    for name, size in manifest["figures"].items():
        w, h = png_size((out / "figures" / f"{name}.png").read_bytes())
        assert (w, h) == (2 * size["width"], 2 * size["height"]), name
    assert {f["width"] for f in manifest["figures"].values()} == {600}   # --width 600
    assert manifest["figures"]["relief_duration_km"]["height"] > manifest["figures"]["relief_distribution"]["height"]


@needs_chromium
def test_svg_and_pdf_are_valid(full_export):
    _, out = full_export
    for fig in EXPECTED_FIGURES:
        root = ET.parse(out / "figures" / f"{fig}.svg").getroot()
        assert root.tag.endswith("svg"), fig
        pdf = (out / "figures" / f"{fig}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF-"), fig
        assert b"%%EOF" in pdf[-64:], fig
        assert b"/Page" in pdf


@needs_chromium
def test_csv_numbers_equal_the_analysis_api(full_export, demo):
    _, out = full_export
    d = Definitions(threshold=40.0, thresholds=(30.0, 40.0, 50.0))
    ep = build_episodes(demo, d)
    cols = ["estimate", "ci_low", "ci_high", "n", "n_patients"]

    got = pd.read_csv(out / "tables" / "immediate_relief.csv").sort_values("treatment").reset_index(drop=True)
    want = relief.immediate_relief(ep).sort_values("treatment").reset_index(drop=True)
    np.testing.assert_allclose(got[cols].to_numpy(float), want[cols].to_numpy(float), rtol=1e-12)
    assert list(got["method"]) == list(want["method"])

    got = pd.read_csv(out / "tables" / "responder_rates.csv")
    want = relief.responder_rates(ep)
    assert sorted(got["threshold"].unique()) == [30.0, 40.0, 50.0]
    m = got.merge(want, on=["treatment", "threshold"], suffixes=("", "_api"))
    assert len(m) == len(want) == 9
    for c in cols:
        np.testing.assert_allclose(m[c].to_numpy(float), m[f"{c}_api"].to_numpy(float), rtol=1e-12)

    got = pd.read_csv(out / "tables" / "summary.csv")
    want = summarize(demo, d).table
    m = got.merge(want, on=["treatment", "statistic", "week"], suffixes=("", "_api"), how="outer")
    assert len(m) == len(want) == len(got)
    for c in ["estimate", "ci_low", "ci_high", "n"]:
        np.testing.assert_allclose(m[c].to_numpy(float), m[f"{c}_api"].to_numpy(float), rtol=1e-12,
                                   equal_nan=True)

    got = pd.read_csv(out / "tables" / "relief_duration_medians.csv").sort_values("treatment")
    want = relief_duration(ep).medians().sort_values("treatment")
    np.testing.assert_allclose(got[["estimate", "ci_low", "ci_high", "n"]].to_numpy(float),
                               want[["estimate", "ci_low", "ci_high", "n"]].to_numpy(float), rtol=1e-12,
                               equal_nan=True)


@needs_chromium
def test_methods_text_names_what_was_used(full_export, demo):
    _, out = full_export
    md = (out / "methods.md").read_text()
    assert "relief >= 40%" in md and "30%, 40%, 50%" in md
    assert "14 days" in md and "within 2 days" in md and "day 182" in md
    assert demo.report.fingerprint in md
    assert "fewer than 5 patients" in md
    assert "log-rank" in md
    assert "SYNTHETIC" in md
    for pkg in ("python", "pandas", "numpy", "scipy", "plotly", "streamlit", "kaleido"):
        assert re.search(rf"{pkg} \d", md), pkg
    html_text = (out / "methods.html").read_text()
    assert "<h2>Definitions</h2>" in html_text and "relief &gt;= 40%" in html_text


@needs_chromium
def test_report_is_self_contained(full_export):
    _, out = full_export
    report = (out / "report.html").read_text()
    head, body = report.split("</head>", 1)
    assert "Plotly" in head                         # plotly.js inline in the head
    assert "cdn.plot.ly" not in body and "https://cdn" not in body
    assert not re.search(r"<script[^>]+src=", report), "no external scripts"
    assert len(report) > 3_000_000, "plotly.js is embedded inline"
    for fig in EXPECTED_FIGURES:
        assert f'id="fig-{fig}"' in report, fig
    assert "SYNTHETIC" in report


# ------------------------------------------------------------------------------------------------
# Suppression, injection, identifiers (no images: fast)
# ------------------------------------------------------------------------------------------------
def test_a_group_of_three_patients_is_suppressed(small_export):
    code, out = small_export
    assert code == 0
    for name in ("immediate_relief", "responder_rates", "relief_over_time", "attrition", "summary", "table1",
                 "cumulative_responders", "phq9_scores"):
        t = pd.read_csv(out / "tables" / f"{name}.csv")
        key, label = ("group", "tiny_therapy") if name == "table1" else ("cohort", "tiny")
        tiny = t[t[key] == label]
        assert len(tiny), name
        assert tiny["suppressed"].all(), name
        for c in ("estimate", "ci_low", "ci_high", "n", "n_patients", "share", "percent", "median", "display"):
            if c in tiny.columns:
                assert tiny[c].isna().all(), (name, c)
        assert (~t["suppressed"]).any()
    wide = pd.read_csv(out / "tables" / "table1_wide.csv")
    assert "tiny_therapy" not in wide.columns
    assert "fewer than 5 patients" in (out / "methods.md").read_text()
    report = (out / "report.html").read_text()
    assert "Not shown: tiny" in report


def test_small_group_is_omitted_from_every_figure(small_group_dir):
    ds = load_dataset(small_group_dir)
    res = export.compute_results(ds, by=("cohort",))
    assert res.charts
    for item in res.charts:
        fig = item.build("publication")
        names = " ".join(str(t.name or "") + " " + " ".join(map(str, np.ravel(t.x if t.x is not None else [])))
                         + " " + " ".join(map(str, np.ravel(t.y if t.y is not None else []))) for t in fig.data)
        assert "tiny" not in names, item.name
    notes = {i.name: i.note for i in res.charts}
    assert "tiny" in notes["relief_distribution"] and "tiny" in notes["mean_relief_over_time"]


def test_formula_labels_are_neutralised_and_numbers_stay_numbers(small_export):
    _, out = small_export
    raw = (out / "tables" / "immediate_relief.csv").read_text()
    assert "'=HYPERLINK" in raw
    assert not re.search(r'(^|,)"?=HYPERLINK', raw, flags=re.M)
    t = pd.read_csv(out / "tables" / "phq9_scores.csv")
    change = t[(t["statistic"] == "mean_change") & ~t["suppressed"]]
    assert pd.api.types.is_float_dtype(change["estimate"])
    assert (change["estimate"] < 0).any()           # negative numbers written as numbers
    assert not re.search(r",'-\d", (out / "tables" / "phq9_scores.csv").read_text())


def test_no_identifiers_leave_unless_asked(small_group_dir, small_export, tmp_path):
    _, out = small_export
    pid = re.compile(rb"P\d{6}")
    for p in out.rglob("*"):
        if p.is_file() and p.suffix in (".csv", ".md", ".json"):
            assert not pid.search(p.read_bytes()), p.name
    report = (out / "report.html").read_bytes()
    assert not pid.search(report.split(b"</head>", 1)[1])
    for p in (out / "tables").glob("*.csv"):
        assert "patient_id" not in pd.read_csv(p, nrows=0).columns, p.name
    code = run_cli([small_group_dir, "--out", tmp_path, "--format", "none", "--episode-table"])
    assert code == 0
    ep = pd.read_csv(tmp_path / "tables" / "episodes.csv")
    assert "patient_id" in ep.columns and len(ep) > 300


def test_missing_chromium_still_writes_everything_else(monkeypatch, small_group_dir, tmp_path, capsys):
    monkeypatch.setattr(export, "find_chromium", lambda: None)
    code = run_cli([small_group_dir, "--out", tmp_path, "--format", "png"])
    err = capsys.readouterr().err
    assert code == 1
    assert "apt-get install chromium fonts-liberation" in err
    assert "Traceback" not in err
    for name in ("methods.md", "methods.html", "report.html", "bundle.zip", "tables/summary.csv"):
        assert (tmp_path / name).is_file(), name
    assert not list((tmp_path / "figures").glob("*.png"))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert "Chromium" in manifest["images_skipped"]


def test_missing_chromium_api_result_says_why(monkeypatch, small_group_dir):
    monkeypatch.setattr(export, "find_chromium", lambda: None)
    b = export.build_bundle(load_dataset(small_group_dir), formats="png,svg")
    assert b.images_skipped == export.CHROMIUM_HINT
    assert "report.html" in b.files and not any(k.endswith(".png") for k in b.files)
    with pytest.raises(export.ChromiumMissingError, match="apt-get install chromium fonts-liberation"):
        export.figure_image_bytes(__import__("plotly.graph_objects").graph_objects.Figure(), "png")


def test_export_zip_bytes_is_in_memory(small_group_dir, tmp_path, monkeypatch):
    ds = load_dataset(small_group_dir)
    monkeypatch.chdir(tmp_path)
    data = export.export_zip_bytes(ds, formats=(), by=())
    assert list(tmp_path.iterdir()) == []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
    assert "crps_outcomes_export/methods.md" in names and "crps_outcomes_export/report.html" in names


def test_unusable_dataset_exits_1_with_a_message(tmp_path, capsys):
    code = run_cli([tmp_path / "nope", "--out", tmp_path / "out", "--format", "none"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: ") and "does not exist" in err and "Traceback" not in err
    code = run_cli([DEMO, "--out", tmp_path / "out", "--format", "gif"])
    assert code == 2 and "gif" in capsys.readouterr().err


def test_progress_lines_when_not_a_tty():
    buf = io.StringIO()
    p = cli.TerminalProgress(buf)
    for i in range(11):
        p(i / 10, f"step {i}")
    lines = buf.getvalue().splitlines()
    assert lines[0].startswith("export:") and lines[-1].strip().endswith("step 10") and len(lines) == 11


# ------------------------------------------------------------------------------------------------
# Pure functions
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("counts, columns, expected", [
    ({"n_patients": [3, 5, 12], "n": [9, 9, 20]}, None, [True, False, False]),   # n_patients wins over n
    ({"n": [4, 5, 0]}, None, [True, False, True]),                              # n when no n_patients
    ({"n_patients": [np.nan, 7, 7], "n": [9, 9, 9]}, None, [True, False, False]),  # missing = too small
    ({"group_patients": [9, 9, 2], "n": [9, 3, 9]}, ["group_patients", "n"], [False, True, True]),
])
def test_suppress_small_cells(counts, columns, expected):
    t = pd.DataFrame({"treatment": ["a", "b", "c"], "estimate": [0.5, -12.5, 0.25], "ci_low": [0.1, -20, 0.1],
                      "ci_high": [0.9, -5.0, 0.4], "method": "Wilson", **counts})
    out = export.suppress_small_cells(t, 5, columns=columns)
    assert out["suppressed"].tolist() == expected
    for i, s in enumerate(expected):
        row = out.iloc[i]
        assert pd.isna(row["estimate"]) == s and pd.isna(row["ci_low"]) == s and pd.isna(row["ci_high"]) == s
        assert row["treatment"] == t["treatment"].iloc[i] and row["method"] == "Wilson"
        assert (row["suppression_note"] != "") == s
    assert t["estimate"].notna().all()  # input untouched


def test_suppress_small_cells_rejects_bad_minimum():
    with pytest.raises(ValueError, match="min_cell_size"):
        export.suppress_small_cells(pd.DataFrame({"n": [1]}), 0)


@pytest.mark.parametrize("text, expected", [
    ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("ketamine_iv", "ketamine_iv"), ("(missing)", "(missing)"), ("", ""),
])
def test_neutralise_formulas_text(text, expected):
    out = export.neutralise_formulas(pd.DataFrame({"group": [text], "estimate": [-12.5]}))
    assert out["group"].iloc[0] == expected
    assert out["estimate"].iloc[0] == -12.5 and pd.api.types.is_float_dtype(out["estimate"])


def test_neutralised_csv_keeps_negative_numbers_numeric():
    raw = export.table_csv_bytes(pd.DataFrame({"group": ["=evil()", "-x"], "estimate": [-12.5, 3.0]})).decode()
    assert raw.splitlines() == ["group,estimate", "'=evil(),-12.5", "'-x,3.0"]


def test_docs_mention_every_cli_option():
    doc = (ROOT / "docs" / "export.md").read_text()
    p = argparse.ArgumentParser()
    cli.add_export_arguments(p)
    for action in p._actions:
        for opt in action.option_strings:
            if opt.startswith("--") and opt != "--help":
                assert opt in doc, opt


def test_the_export_does_not_import_the_command_line():
    # Issue 12: analysis/cli.py <-> analysis/export.py was an import cycle; the command-line code
    # (options, progress bar, exit codes) lives in cli.py, the export only writes the bundle.
    import ast

    tree = ast.parse((ROOT / "analysis" / "export.py").read_text())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "cli" not in imported and not any(m and m.endswith(".cli") for m in imported)
