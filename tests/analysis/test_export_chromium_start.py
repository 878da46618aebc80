"""Static images when Chromium is installed but cannot start (e.g. under ``ulimit -v``): the export
writes everything else and says why, with no traceback and no hang; the image lock is released.

The failure is simulated: Kaleido's server coroutine raises as choreographer does when the browser
closes at once, and a render that never answers stands for a browser that hangs.
"""
from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

kaleido = pytest.importorskip("kaleido")

from analysis import cli, export, load_dataset  # noqa: E402

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
FAILED = ("The browser seemed to close immediately after starting.", "You can set the `logging.Logger` level lower.")


@pytest.fixture
def chromium_cannot_start(monkeypatch):
    """A browser on the path whose start fails, as choreographer's BrowserFailedError reports it."""
    async def failing_server(self, *args, **kwargs):
        raise RuntimeError(FAILED)

    monkeypatch.setattr(type(kaleido._global_server), "_server", failing_server)
    monkeypatch.setattr(export, "check_chromium", lambda: "/usr/bin/chromium")
    yield
    assert not kaleido._global_server.is_running()


@pytest.fixture(scope="module")
def small_dataset(tmp_path_factory):
    d = tmp_path_factory.mktemp("small")
    p = pd.read_csv(DEMO / "patients.csv").head(60)
    for name in ("assessments.csv", "treatments.csv"):
        t = pd.read_csv(DEMO / name, dtype=str, keep_default_na=False)
        t[t["patient_id"].isin(p["patient_id"])].to_csv(d / name, index=False)
    p.to_csv(d / "patients.csv", index=False)
    return d


def lock_is_free() -> bool:
    if export._IMAGE_LOCK.acquire(blocking=False):
        export._IMAGE_LOCK.release()
        return True
    return False


def test_a_chromium_that_cannot_start_gives_the_reason_and_no_image(chromium_cannot_start):
    fig = export.publication_figure(__import__("plotly.graph_objects").graph_objects.Figure(), "")
    with pytest.raises(export.ChromiumStartError) as err:
        export.figure_image_bytes(fig, "svg", keep_warm=True)  # the dashboard's button keeps it warm
    assert str(err.value).startswith("Chromium could not start (The browser seemed to close immediately after "
                                     "starting): the figures were not written.")
    assert "--format none" in str(err.value)
    assert lock_is_free()
    assert not kaleido._global_server.is_running()  # the next click starts it again


def test_the_export_command_writes_the_rest_and_exits_1_with_one_message(chromium_cannot_start, small_dataset,
                                                                         tmp_path, capsys):
    code = cli.main(["export", str(small_dataset), "--out", str(tmp_path / "out"), "--format", "svg"])
    _, err = capsys.readouterr()
    assert code == 1
    assert "error: Chromium could not start (The browser seemed to close immediately after starting)" in err
    assert "Traceback" not in err
    assert (tmp_path / "out" / "report.html").exists() and not list((tmp_path / "out").glob("figures/*.svg"))
    assert lock_is_free()


def test_an_image_that_never_comes_is_given_up_after_the_timeout(monkeypatch):
    monkeypatch.setattr(export, "check_chromium", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(export, "_start_image_server", lambda: None)
    monkeypatch.setattr(export, "_kaleido_server", lambda: None)
    monkeypatch.setattr(export, "_to_image", lambda *a: time.sleep(30))
    monkeypatch.setattr(export, "IMAGE_TIMEOUT_SECONDS", 0.5)
    start = time.monotonic()
    with pytest.raises(export.ChromiumStartError, match=r"no image after 0.5 s"):
        export.figure_image_bytes(export.publication_figure(
            __import__("plotly.graph_objects").graph_objects.Figure(), ""), "png")
    assert time.monotonic() - start < 5
    assert lock_is_free()
