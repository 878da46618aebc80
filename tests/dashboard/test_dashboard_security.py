"""Issue 15 in the dashboard: Markdown injection (finding 6), URL parameters (10), same-name uploads.

A small upload whose treatment, covariate, measure and file names are Markdown/HTML attacks; every
page is run with ``AppTest`` and every text element is checked for live Markdown from the data.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")
PAGES = ["data", "overview", "pain_relief", "relief_over_time", "relief_duration", "secondary", "export"]

IMG = "![px](http://host.example/tx.png)"
LINK = "[click me](http://host.example/)"
HTML = '<a href="http://host.example/">a</a>'


def _hostile_files() -> dict[str, bytes]:
    """12 patients, two treatments named by attacks, a covariate and a measure named by attacks."""
    a = [f"patient_id,day,pain_nrs,{LINK.replace(',', '')}"]
    t = ["patient_id,day,treatment"]
    p = [f"patient_id,{IMG}"]
    for i in range(12):
        pid = f"P{i:02d}"
        a += [f"{pid},-2,8,10", f"{pid},1,{3 + i % 4},6", f"{pid},14,{4 + i % 3},7", f"{pid},40,6,8"]
        t.append(f"{pid},0,\"{IMG if i % 2 else HTML}\"")
        p.append(f"{pid},{LINK if i % 3 else 'www.host.example'}")
    return {"assessments.csv": "\n".join(a).encode(), "treatments.csv": "\n".join(t).encode(),
            "patients.csv": "\n".join(p).encode()}


def texts(at: AppTest) -> list[str]:
    """Every Markdown-rendered text of the page and its sidebar (bodies and widget labels)."""
    out = [str(e.value) for kind in ("markdown", "caption", "error", "warning", "info", "success", "title",
                                       "subheader", "header") for e in getattr(at, kind)]
    out += [str(e.value) for kind in ("caption",) for e in getattr(at.sidebar, kind)]
    out += [w.label for kind in ("multiselect", "slider", "selectbox", "checkbox", "expander")
            for w in getattr(at, kind) if getattr(w, "label", None)]
    return out


LIVE = [
    (re.compile(r"(?<!\\)!?(?<!\\)\[[^\]\\]*(?<!\\)\]\("), "a link or an image"),
    (re.compile(r"(?<!\\)<(a|img|script)\b"), "raw HTML"),
    (re.compile(r"(?<![\\/])http://host"), "a bare URL (GFM autolink)"),
    (re.compile(r"(?<!\\)www\.host"), "a bare www address (GFM autolink)"),
]


def test_names_from_an_upload_never_render_as_markdown():
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    at.file_uploader(key="_w_upload").set_value(
        [(n, b, "text/csv") for n, b in _hostile_files().items()]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success, [e.value for e in at.error]  # the dataset loaded
    # group by the hostile covariate too, so its name and values reach titles, legends and notes
    at.sidebar.multiselect(key="grp_by").set_value(["treatment", IMG]).run()
    for page in PAGES:
        at.switch_page(f"content/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        for text in texts(at):
            for pattern, what in LIVE:
                assert not pattern.search(text), f"{page}: {what} from data in {text!r}"
        for chart in at.get("plotly_chart"):
            spec = chart.proto.spec
            assert '<a href=\\"http://host' not in spec and "<a href=\"http://host" not in spec, page


# ---------------------------------------------------------------------------------------------- uploads
def test_uploads_are_parsed_in_memory_never_spooled_to_disk():
    import asyncio

    from starlette.datastructures import Headers
    from starlette.formparsers import MultiPartParser

    from dashboard.uploads import keep_uploads_in_memory

    limit = keep_uploads_in_memory()
    assert limit >= 200 * 1024 * 1024  # .streamlit/config.toml: maxUploadSize = 200 (MB)
    payload = b"patient_id,day,pain_nrs\n" + b"P1,0,5\n" * 600_000  # 4 MB: over Starlette's 1 MB default
    boundary = "XyZ"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + payload + f"\r\n--{boundary}--\r\n".encode()

    async def stream():
        for i in range(0, len(body), 65536):
            yield body[i:i + 65536]

    async def parse():
        headers = Headers({"content-type": f"multipart/form-data; boundary={boundary}"})
        form = await MultiPartParser(headers, stream()).parse()
        f = form["file"]
        return f.file._rolled, await f.read()  # SpooledTemporaryFile: _rolled = written to a disk file

    rolled, data = asyncio.run(parse())
    assert data == payload and not rolled


def test_the_page_icon_is_bundled():
    app = (ROOT / "dashboard" / "app.py").read_text()
    assert "page_icon=FAVICON" in app and (ROOT / "dashboard" / "assets" / "favicon.png").is_file()
    assert 'page_icon=":material' not in app


# ---------------------------------------------------------------------------------------------- URL and state
@pytest.mark.parametrize("query, shown", [
    ({"thr": "inf"}, "thr='inf' (must be a number from 5 to 95)"),
    ({"thr": "-5"}, "thr='-5' (must be a number from 5 to 95)"),
    ({"bw": "nan"}, "bw='nan' (must be a number from 0 to 90)"),
    ({"min": "0"}, "min='0' (must be a number from 1 to 100)"),
    ({"ci": "nope"}, "ci='nope' (must be one of"),
    ({"by": "sex,site,age_band"}, "at most 2 groupings at once"),
])
def test_bad_url_parameters_give_a_message_not_a_traceback(query, shown):
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = " ".join(w.value for w in at.warning)
    assert shown in warnings.replace("\\", ""), warnings
    at.switch_page("content/pain_relief.py").run()
    assert not at.exception, [e.value for e in at.exception]


def test_two_uploads_with_the_same_name_are_refused_not_dropped():
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    a = b"patient_id,day,pain_nrs\nP1,0,5\n"
    at.file_uploader(key="_w_upload").set_value([("assessments.csv", a, "text/csv"),
                                                  ("assessments.csv", a + b"P2,0,4\n", "text/csv")]).run()
    assert not at.exception
    assert any("same name (assessments.csv)" in e.value.replace("\\", "") for e in at.error), \
        [e.value for e in at.error]


def test_overview_of_a_selection_without_episodes_says_so():
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.sidebar.multiselect(key="flt_covs").set_value(["sex"]).run()
    at.sidebar.multiselect(key="flt_cov_sex").set_value([]).run()
    at.switch_page("content/overview.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("select no treatment episode" in w.value for w in at.warning), [w.value for w in at.warning]


def test_kept_xsrf_protection_and_localhost_only():
    from streamlit import config

    config.get_config_options(force_reparse=True)
    assert config.get_option("server.enableXsrfProtection") is True
    conf = (ROOT / ".streamlit" / "config.toml").read_text()
    assert 'address = "localhost"' in conf and "gatherUsageStats = false" in conf


def test_every_page_of_a_dataset_without_an_analysable_episode_says_so():
    """Every baseline is 0: issue 15 finding 9 (the Overview page showed a generic error)."""
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    files = {"assessments.csv": b"patient_id,day,pain_nrs\nP1,-1,0\nP1,1,0\nP2,-1,0\nP2,2,0\n",
             "treatments.csv": b"patient_id,day,treatment\nP1,0,ketamine_iv\nP2,0,ketamine_iv\n"}
    at.file_uploader(key="_w_upload").set_value([(n, b, "text/csv") for n, b in files.items()]).run()
    for page in PAGES:
        at.switch_page(f"content/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
    at.switch_page("content/overview.py").run()
    assert any("No episode in this selection is analysable" in w.value for w in at.warning)


def test_one_upload_is_parsed_at_a_time():
    """A second upload waits for the first (two large uploads cannot add up to twice the memory limit)."""
    import threading

    from dashboard import cache
    from dashboard.uploads import LOAD_SLOTS

    files = {"assessments.csv": b"patient_id,day,pain_nrs\nQ1,0,5\nQ1,3,4\n"}
    done = threading.Event()
    with LOAD_SLOTS:  # another session is parsing its upload
        t = threading.Thread(target=lambda: (cache.load_upload(cache.content_key(files, {}, False) + "slot", files,
                                                               "{}", False), done.set()))
        t.start()
        assert not done.wait(1.0)
    t.join(30)
    assert done.is_set()


# ------------------------------------------------------------------- the import assistant (session 13)

def _clinic_export_with_hostile_names() -> dict[str, bytes]:
    """A clinic export (not the product's format) whose headers and file name are Markdown attacks."""
    rows = ["Patient ID,Visit Date,Pain NRS,Treatment,Days since infusion,"
            f"{IMG},[click](javascript:alert(1))"]
    for i in range(12):
        pid = f"P{i:02d}"
        rows += [f"{pid},2024-01-0{i % 9 + 1},8,ketamine,0,{i % 5},x",
                 f"{pid},2024-01-1{i % 9 + 1},{3 + i % 4},,10,{i % 3},y"]
    return {"![px](https:host.example).csv": "\n".join(rows).encode()}


def _assistant_texts(at: AppTest) -> list[str]:
    """Every Markdown-rendered text and every widget and expander label of the page."""
    return texts(at) + [w.label for kind in ("text_input", "number_input", "radio")
                        for w in getattr(at, kind) if getattr(w, "label", None)]


def test_headers_and_file_names_of_a_clinic_export_never_render_as_markdown_in_the_import_assistant():
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    at.file_uploader(key="_w_upload").set_value(
        [(n, b, "text/csv") for n, b in _clinic_export_with_hostile_names().items()]).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _assistant_texts(at)
    assert any(t.startswith("Role of") for t in shown), "the assistant's column table was not shown"
    assert any(t.startswith("Columns of") for t in shown)
    for text in shown:
        for pattern, what in LIVE:
            assert not pattern.search(text), f"{what} from data in {text!r}"


def test_an_assistant_error_naming_a_hostile_file_is_shown_as_text():
    """The assistant's own error (a saved mapping that is not a mapping) names the file: escaped."""
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("content/data.py").run()
    at.radio(key="_w_source").set_value("upload").run()
    at.file_uploader(key="_w_upload").set_value(
        [(n, b, "text/csv") for n, b in _clinic_export_with_hostile_names().items()]).run()
    at.file_uploader(key="_w_saved_mapping").set_value(
        ("![px](https:host.example).json", b'{"something": "else"}', "application/json")).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [str(e.value) for e in at.error]
    assert any("is not an import mapping" in e for e in errors), errors
    for text in _assistant_texts(at):
        for pattern, what in LIVE:
            assert not pattern.search(text), f"{what} from data in {text!r}"
