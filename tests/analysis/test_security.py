"""Issue 15 (hardening): each finding reproduced on a small generated input, and what must stay so.

Findings 1-2 and 10 (names from data as paths, script in report.html, Markdown in methods.md):
a 150-patient slice of the demo cohort whose measure, treatment and covariate names are attacks.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analysis import export, figures, load_dataset
from analysis.escaping import (UnsafeNameError, check_member_name, markdown_code, markdown_text, plotly_text,
                               safe_slug)

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"

TRAVERSAL = "../../../../escaped/export"
SCRIPT = "q</script><script>alert(5)</script>"
ATTRIBUTE = 'q" onmouseover="alert(7)" x="'
LINK = '<a href="http://evil.example/">x</a>![px](http://host/tx.png)'


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    """Demo slice: measures named TRAVERSAL and SCRIPT, treatment LINK, covariate value ATTRIBUTE."""
    d = tmp_path_factory.mktemp("hostile")
    p = pd.read_csv(DEMO / "patients.csv").head(150)
    a = pd.read_csv(DEMO / "assessments.csv", dtype=str, keep_default_na=False)
    t = pd.read_csv(DEMO / "treatments.csv", dtype=str, keep_default_na=False)
    a = a[a["patient_id"].isin(p["patient_id"])].rename(columns={"phq9": TRAVERSAL, "gad7": SCRIPT})
    t = t[t["patient_id"].isin(p["patient_id"])]
    t.loc[t["treatment"] == "physical_therapy", "treatment"] = LINK
    p["site"] = ATTRIBUTE
    a.to_csv(d / "assessments.csv", index=False)
    t.to_csv(d / "treatments.csv", index=False)
    p.to_csv(d / "patients.csv", index=False)
    return d


@pytest.fixture(scope="module")
def hostile_export(hostile_dir, tmp_path_factory):
    """The export of the hostile dataset into base/a/b/out (so `../` segments have somewhere to go)."""
    base = tmp_path_factory.mktemp("base")
    out = base / "a" / "b" / "out"
    res = export.export_bundle(load_dataset(hostile_dir), out, by=("treatment", "site"), formats="none")
    return base, out, res


def test_names_from_data_never_leave_the_output_folder(hostile_export):
    base, out, res = hostile_export
    written = [p for p in base.rglob("*") if p.is_file()]
    assert written and all(out in p.parents for p in written), [p for p in written if out not in p.parents]
    assert all(out.resolve() in Path(p).resolve().parents for p in res.files)


def test_measure_files_are_slugs_and_keep_the_original_name_inside(hostile_export):
    _, out, _ = hostile_export
    names = {p.name for p in (out / "tables").iterdir()}
    slugged = [n for n in names if n.endswith("_scores.csv") and n.startswith("m")]
    assert len(slugged) == 2 and all(re.fullmatch(r"[A-Za-z0-9_-]+\.csv", n) for n in slugged)
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["names"].values()) == {TRAVERSAL, SCRIPT}
    for stem, measure in manifest["names"].items():
        table = pd.read_csv(out / "tables" / f"{stem}_scores.csv", dtype=str)
        assert set(table["measure"]) == {measure}


def test_zip_has_no_traversal_or_absolute_entry(hostile_export):
    _, out, _ = hostile_export
    with zipfile.ZipFile(out / "bundle.zip") as z:
        for name in z.namelist():
            check_member_name(name)  # raises on `..`, absolute, backslash, drive letters


def test_a_bundle_refuses_to_zip_a_traversal_name():
    b = export.Bundle(files={"tables/../../x.csv": b"1"})
    with pytest.raises(export.ExportError, match="unsafe file name"):
        b.zip_bytes()


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "a/../../b", "C:/x", "a\\..\\b", "a//b", "", "a/\x00"])
def test_check_member_name_refuses(name):
    with pytest.raises(UnsafeNameError):
        check_member_name(name)


def test_report_html_runs_no_script_from_data(hostile_export):
    _, out, _ = hostile_export
    page = (out / "report.html").read_text()
    for attack in (SCRIPT, ATTRIBUTE, LINK, "<script>alert", 'onmouseover="alert'):
        assert attack not in page
    # every div id is an id (no quote can close the attribute)
    ids = re.findall(r'<div id="([^"]*)"', page)
    assert ids and all(re.fullmatch(r"fig-[A-Za-z0-9_-]+", i) for i in ids)
    # Plotly texts: the link is drawn as text (entities), never as markup
    assert "\\u003ca href" not in re.sub(r'"legendgroup":"[^"]*"', "", page)


def test_markdown_files_make_no_link_image_or_html_from_data(hostile_export):
    _, out, _ = hostile_export
    for f in ("methods.md", "figures/captions.md"):
        text = (out / f).read_text()
        # an unescaped `<` or `[` is what makes raw HTML, links and images
        assert not re.search(r"(?<!\\)<(script|a )", text), f
        assert not re.search(r"(?<!\\)\[(px|x)", text), f
        assert "\\<script" in text or f.endswith("captions.md")


def test_methods_html_escapes(hostile_export):
    _, out, _ = hostile_export
    page = (out / "methods.html").read_text()
    assert SCRIPT not in page and "&lt;/script&gt;" in page


def test_figure_labels_from_data_are_drawn_as_text():
    table = pd.DataFrame({"treatment": [LINK], "reduction_pct": [30.0], "estimate": [0.5], "ci_low": [0.4],
                          "ci_high": [0.6], "n": [40], "n_patients": [40], "conf_level": [0.95]})
    fig = figures.cumulative_responders_figure(table, ("treatment",))
    texts = [tr.name for tr in fig.data] + [tr.hovertemplate or "" for tr in fig.data]
    assert any("&lt;a href" in t for t in texts)
    assert not any("<a href" in t for t in texts)
    # the builders' own markup survives, and escaping twice changes nothing
    assert figures.escape_markup("a<br>b &lt; c") == "a<br>b &lt; c"
    assert figures.escape_markup("<b>x</b><a>") == "<b>x</b>&lt;a&gt;"


def test_escaping_helpers():
    assert markdown_text("![px](http://host/tx.png)") == r"!\[px\](http\://host/tx.png)"
    assert markdown_text("<img src=x onerror=alert(1)>") == r"\<img src=x onerror=alert(1)>"
    assert markdown_text("a\n# b") == "a # b"
    assert markdown_text("www.evil.example patient_id") == r"www\.evil.example patient_id"
    assert markdown_code("a`b") == "``a`b``"
    assert plotly_text("<a>&") == "&lt;a&gt;&amp;"
    assert safe_slug("phq9", 3) == "phq9"
    assert safe_slug("../x", 3) == "m3_x"
    assert safe_slug("José García", 1) == "m1_Jose_Garcia"


@pytest.mark.parametrize("text", [
    "(http://host.example/tx.png)", "www.host.example", "![px](http://host/tx.png)", "$x^2$ and *bold* ~~s~~",
    "<b>x</b> | a", "back\\slash `tick", "a\n# heading"])
def test_the_documents_escape_markdown_by_the_same_rule_as_the_dashboard(text):
    from analysis.documents import md_escape

    assert md_escape(text) == markdown_text(text)


def test_methods_md_makes_no_autolink_math_or_emphasis_from_a_treatment_name():
    from analysis.documents import blocks_to_markdown

    md = blocks_to_markdown([("p", "Courses of (http://host.example/tx.png) $5 *a* and `code` kept."),
                             ("table", pd.DataFrame({"treatment": ["www.host.example $1 *x*"]}))])
    assert "http\\://host" in md and "www\\.host" in md
    assert "\\$5 \\*a\\*" in md and "\\$1 \\*x\\*" in md
    assert "`code`" in md  # the document's own code spans stay


# ---------------------------------------------------------------------------------------------- finding 9
@pytest.fixture(scope="module")
def demo():
    return load_dataset(DEMO)


def test_export_of_a_selection_without_episodes_says_so(demo):
    from analysis.errors import AnalysisError

    with pytest.raises(AnalysisError, match="The filters select no treatment episode"):
        export.build_bundle(demo, filters={"sex": ["nobody"]}, formats="none")


def test_export_without_an_analysable_episode_says_so(load):
    from analysis.errors import AnalysisError

    ds = load({"assessments.csv": "patient_id,day,pain_nrs\nP1,-1,0\nP1,1,0\nP2,-1,0\nP2,2,0\n",
               "treatments.csv": "patient_id,day,treatment\nP1,0,ketamine_iv\nP2,0,ketamine_iv\n"})
    with pytest.raises(AnalysisError, match="None of the 2 treatment episodes selected is analysable"):
        export.build_bundle(ds, formats="none")


def test_cli_export_with_no_episode_exits_1_with_a_message(tmp_path, capsys):
    from analysis.cli import main

    code = main(["export", str(DEMO), "--out", str(tmp_path), "--format", "none", "--filter", "sex=nobody"])
    err = capsys.readouterr().err
    assert code == 1 and "select no treatment episode" in err and "KeyError" not in err


# ---------------------------------------------------------------------------------------------- finding 10
@pytest.mark.parametrize("argv, message", [
    (["--threshold", "nan"], "threshold must be a finite number"),
    (["--threshold", "inf"], "threshold must be a finite number"),
    (["--threshold", "-5"], "above 0 and at most 100"),
    (["--max-followup", "nan"], "max_followup_days must be a finite number"),
    (["--measure", "nope"], "Unknown measure 'nope'"),
])
def test_bad_definition_options_are_refused(argv, message, capsys):
    from analysis.cli import main

    code = main(["summarize", str(DEMO), *argv])
    assert code == 1 and message in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--scale", "1e9"], "scale must be a number from 0.1 to 10"),
    (["--scale", "nan"], "scale must be a number from 0.1 to 10"),
    (["--width", "100000"], "width must be a whole number of pixels from 200 to 5000"),
    (["--width", "4000", "--scale", "10"], "Chromium draws at most 16,384 px"),
])
def test_bad_image_options_are_refused_before_anything_is_computed(argv, message, tmp_path, capsys):
    from analysis.cli import main

    code = main(["export", str(DEMO), "--out", str(tmp_path / "out"), "--format", "png", *argv])
    assert code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_deeply_nested_mapping_is_a_mapping_error():
    from analysis.errors import MappingError
    from analysis.mapping import parse_mapping_bytes

    with pytest.raises(MappingError, match="nested too deeply"):
        parse_mapping_bytes(b"[" * 100_000 + b"]" * 100_000, "mapping.json")


def test_one_latin1_byte_in_a_utf8_file_keeps_the_text_and_is_noted(load):
    data = ("patient_id,day,pain_nrs\nPé1,0,5\nPé1,1,3\n".encode() + "P\xe92,0,6\n".encode("latin-1"))
    ds = load({"assessments.csv": data})
    assert set(ds.patients["patient_id"]) == {"Pé1", "Pé2"}  # no mojibake of the UTF-8 rows
    assert any("1 byte(s) that are not UTF-8 (the first on line 4)" in n for n in ds.report.notes)


def test_a_windows_1252_file_is_read_and_noted(load):
    ds = load({"assessments.csv": "patient_id,day,pain_nrs\nP\xe91,0,5\n".encode("cp1252")})
    assert list(ds.patients["patient_id"]) == ["Pé1"]
    assert any("read as Windows-1252" in n for n in ds.report.notes)


def test_a_linked_file_outside_the_folder_is_not_read_nor_quoted(tmp_path):
    from analysis.errors import UnreadableFileError

    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "assessments.csv").symlink_to(secret)
    for path in (folder, folder / "assessments.csv"):
        with pytest.raises(UnreadableFileError, match="link to a file outside that folder") as e:
            load_dataset(path)
        assert "root:x" not in str(e.value)


# ---------------------------------------------------------------------------------------------- handled well
@pytest.mark.parametrize("data, message", [
    (b"\x00\x01\x02\x03\xff\xfe binary", "holds binary data"),
    (b"patient_id,day,pain_nrs\nP1,0,5\x00\n", "holds binary data"),
    ("patient_id,day,pain_nrs\nP1,0,5\n".encode("utf-32"), "holds binary data"),
    (b"patient_id,day,pain_nrs,pain_nrs\nP1,0,5,6\n", "both mean 'pain_nrs'"),
    (b'patient_id,day,pain_nrs\nP1,0,"5\nP2,1,4\n', "no usable assessment rows"),
])
def test_kept_clear_messages_for_unreadable_files(load, data, message):
    from analysis.errors import DatasetError

    with pytest.raises(DatasetError, match=re.escape(message)):
        load({"assessments.csv": data})


def test_kept_utf16_is_read(load):
    ds = load({"assessments.csv": "patient_id,day,pain_nrs\nP1,0,5\n".encode("utf-16")})
    assert ds.n_scores == 1


def test_kept_huge_and_infinite_numbers_are_excluded_with_their_line(load, exclusions):
    ds = load({"assessments.csv": b"patient_id,day,pain_nrs\nP1,0,1e309\nP1,1,inf\nP1,2,NaN\nP1,3,5\n"})
    ex = exclusions(ds)
    assert ("assessments.csv", 2, "pain_nrs", "1e309", "not a number") in ex
    assert ("assessments.csv", 3, "pain_nrs", "inf", "not a number") in ex
    assert ds.n_scores == 1


def test_kept_zip_traversal_and_symlink_entries_are_never_extracted(tmp_path, monkeypatch):
    """The loader reads zip members as bytes (by base name); nothing is written anywhere."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../../assessments.csv", "patient_id,day,pain_nrs\nP1,0,5\n")
        link = zipfile.ZipInfo("treatments.csv")
        link.external_attr = 0o120777 << 16  # a symlink entry whose "content" is its target
        z.writestr(link, "/etc/passwd")
    monkeypatch.chdir(tmp_path)
    from analysis import load_files
    from analysis.errors import DatasetError

    try:
        load_files({"d.zip": buf.getvalue()})
    except DatasetError as e:
        assert "root:" not in str(e)
    assert list(tmp_path.rglob("*")) == [] and not (tmp_path.parent.parent / "assessments.csv").exists()


def test_kept_svg_escapes_text_from_data():
    if export.find_chromium() is None:
        pytest.skip(export.CHROMIUM_HINT)
    table = pd.DataFrame({"treatment": [SCRIPT], "reduction_pct": [30.0], "estimate": [0.5], "ci_low": [0.4],
                          "ci_high": [0.6], "n": [40], "n_patients": [40], "conf_level": [0.95]})
    svg = export.figure_image_bytes(figures.cumulative_responders_figure(table, ("treatment",)), "svg",
                                    keep_warm=False).decode()
    assert "<script" not in svg and "alert(5)" in svg


def test_kept_formula_neutralisation_in_cells_and_headers():
    t = pd.DataFrame({"=cmd|'/c calc'!A1": ["=1+1", "+x", "-y", "@z", 3.5]})
    out = export.table_csv_bytes(t).decode()
    assert "'=cmd" in out and "'=1+1" in out and "'+x" in out and "'@z" in out and "3.5" in out
