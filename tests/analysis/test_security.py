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
    from analysis.views import ALL_GROUPS  # noqa: F401  (the module is importable without a dataset)

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
