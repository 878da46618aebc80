"""Packaging (issue 12): CRPS Outcomes installs with pip and runs from any folder.

The end-to-end tests build the package from a copy of the sources and install it into a fresh
virtual environment, then run the console command ``crps-outcomes`` and ``python -m analysis`` from
an empty temporary folder, where no ``data/demo`` exists, and compare their output with the result
computed in the repository. No network: the fresh environment sees the dependencies already
installed (the pinned set of requirements.txt) and builds with the pinned setuptools of
requirements-dev.txt (``--no-build-isolation --no-index``).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from analysis.resources import demo_alias, demo_path, published_figures_path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

#: What the build needs from the checkout (copied, so that the build's own files, build/ and
#: *.egg-info, never land in the checkout and parallel runs do not collide).
SOURCES = ["pyproject.toml", "README.md", "LICENSE", "analysis", "dashboard", "data"]
#: setuptools able to build this pyproject.toml (licence as an SPDX expression) without network.
MIN_SETUPTOOLS = Version(re.search(r"setuptools>=([\d.]+)", PYPROJECT["build-system"]["requires"][0]).group(1))


def _clean_env() -> dict[str, str]:
    """The environment of the child processes, without anything that would add the checkout to their path."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}


def _run(argv: list, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], cwd=cwd, env=_clean_env(), capture_output=True, text=True,
                          timeout=timeout)


def _site_directories() -> list[str]:
    """The site-packages folders this interpreter imports from (its dependencies, pip, setuptools);
    the checkout itself is never one of them (make's .venv inside it is)."""
    return [p for p in sys.path if p.rstrip("/\\").endswith(("site-packages", "dist-packages")) and Path(p).is_dir()]


def _build_backend_or_skip() -> None:
    try:
        import setuptools
    except ImportError:
        pytest.skip("setuptools is not installed here; it builds the package: pip install -r requirements-dev.txt")
    if Version(setuptools.__version__) < MIN_SETUPTOOLS:
        pytest.skip(f"setuptools {setuptools.__version__} cannot build pyproject.toml (needs >= {MIN_SETUPTOOLS}; "
                    "requirements-dev.txt pins the version used): pip install -r requirements-dev.txt")


def _fresh_venv(where: Path) -> Path:
    """A new virtual environment whose site-packages also lists the current environment's folders.

    ``--system-site-packages`` would show the *base* interpreter's packages, not the pinned set of
    the environment running the tests (a venv itself); a ``.pth`` line adds those folders after the
    new environment's own site-packages, without running their ``.pth`` files (so an editable
    install of the checkout there stays invisible here).
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, timeout=120)
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], where).stdout.strip()
    Path(purelib, "zz_crps_outcomes_test_dependencies.pth").write_text("\n".join(_site_directories()) + "\n")
    return python


def _install(tmp: Path, editable: bool) -> Path:
    src = tmp / "src"
    for name in SOURCES:
        s = ROOT / name
        if s.is_dir():
            shutil.copytree(s, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            src.mkdir(parents=True, exist_ok=True)
            shutil.copy2(s, src / name)
    python = _fresh_venv(tmp / "venv")
    r = _run([python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
              *(["-e"] if editable else []), src], tmp)
    assert r.returncode == 0, f"pip install failed:\n{r.stdout}\n{r.stderr}"
    return python


def _console_command(python: Path) -> Path:
    return python.parent / ("crps-outcomes.exe" if os.name == "nt" else "crps-outcomes")


@pytest.fixture(scope="module")
def in_repo():
    """``summarize`` of the demo cohort run in the repository (JSON and text)."""
    return {fmt: _run([sys.executable, "-m", "analysis", "summarize", "data/demo", *flags], ROOT)
            for fmt, flags in (("json", ["--json"]), ("text", []))}


@pytest.fixture(scope="module")
def wheel_install(tmp_path_factory):
    """``pip install .`` into a fresh environment: (its python, an empty folder to run in)."""
    _build_backend_or_skip()
    tmp = tmp_path_factory.mktemp("wheel")
    python = _install(tmp, editable=False)
    (tmp / "elsewhere").mkdir()
    return python, tmp / "elsewhere"


@pytest.fixture(scope="module")
def editable_install(tmp_path_factory):
    """``pip install -e .`` into a fresh environment: (its python, an empty folder, the source copy)."""
    _build_backend_or_skip()
    tmp = tmp_path_factory.mktemp("editable")
    python = _install(tmp, editable=True)
    (tmp / "elsewhere").mkdir()
    return python, tmp / "elsewhere", tmp / "src"


# ------------------------------------------------------------------------------------ installed copy
@pytest.mark.parametrize("command", [["crps-outcomes", "summarize", "demo"],
                                     ["-m", "analysis", "summarize", "data/demo"],
                                     ["-m", "analysis", "summarize", "./data/demo/"]])
def test_installed_summarize_from_another_folder_equals_the_repository_result(wheel_install, in_repo, command):
    python, elsewhere = wheel_install
    argv = [_console_command(python), *command[1:]] if command[0] == "crps-outcomes" else [python, *command]
    assert not (elsewhere / "data").exists() and not (elsewhere / "demo").exists()
    ran = _run([*argv, "--json"], elsewhere)
    assert ran.returncode == 0, ran.stderr
    assert in_repo["json"].returncode == 0, in_repo["json"].stderr
    assert json.loads(ran.stdout) == json.loads(in_repo["json"].stdout)
    assert ran.stdout == in_repo["json"].stdout
    # The substitution is said (on stderr: stdout holds only the JSON document), naming the installed copy.
    assert "using the SYNTHETIC demo cohort installed with CRPS Outcomes" in ran.stderr
    assert str(python.parent.parent) in ran.stderr
    text = _run(argv, elsewhere)
    assert text.returncode == 0, text.stderr
    assert text.stdout == in_repo["text"].stdout


def test_installed_package_reads_its_own_data_files(wheel_install):
    python, elsewhere = wheel_install
    probe = ("import json, analysis, analysis.resources as r, analysis.published as p, analysis.documents as e\n"
             "print(json.dumps({'package': analysis.__file__, 'demo': str(r.demo_path()), "
             "'published': str(p.DEFAULT_PATH), 'rows': len(p.load_published()), 'export_demo': str(e.DEMO_DIR)}))")
    r = _run([python, "-c", probe], elsewhere)
    assert r.returncode == 0, r.stderr
    found = json.loads(r.stdout)
    venv = python.parent.parent.resolve()
    for key in ("package", "demo", "published", "export_demo"):
        assert Path(found[key]).resolve().is_relative_to(venv), f"{key} is read from {found[key]}, not the install"
    assert sorted(p.name for p in Path(found["demo"]).iterdir()) == sorted(
        p.name for p in demo_path().iterdir() if p.is_file())
    assert found["rows"] > 0


def test_console_command_names_itself_in_its_usage(wheel_install):
    python, elsewhere = wheel_install
    r = _run([_console_command(python), "--help"], elsewhere)
    assert r.returncode == 0
    assert r.stdout.startswith("usage: crps-outcomes")


def test_installed_dashboard_runs_from_another_folder_on_the_demo_cohort(wheel_install):
    """The dashboard imports `analysis` and `dashboard` as installed packages (no sys.path edits)."""
    python, elsewhere = wheel_install
    script = (
        "import dashboard, json\n"
        "from pathlib import Path\n"
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file(str(Path(dashboard.__file__).parent / 'app.py'), default_timeout=240).run()\n"
        "print(json.dumps({'app': dashboard.__file__, 'exceptions': [str(e.value) for e in at.exception],\n"
        "                  'captions': [c.value for c in at.caption], 'metrics': [m.value for m in at.metric]}))\n")
    r = _run([python, "-c", script], elsewhere, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    shown = json.loads(r.stdout.strip().splitlines()[-1])
    assert Path(shown["app"]).resolve().is_relative_to(python.parent.parent.resolve())
    assert shown["exceptions"] == []
    assert any("Demo cohort (SYNTHETIC" in c for c in shown["captions"])
    assert shown["metrics"][0] == "800"  # patients of the demo cohort (data/README.md)


# ------------------------------------------------------------------------------------ editable install
def test_editable_install_runs_the_checkout_from_another_folder(editable_install, in_repo):
    python, elsewhere, src = editable_install
    r = _run([python, "-c", "import analysis, analysis.resources as r; print(analysis.__file__); print(r.demo_path())"],
             elsewhere)
    assert r.returncode == 0, r.stderr
    package, demo = r.stdout.split()
    assert Path(package).resolve() == (src / "analysis" / "__init__.py").resolve()
    assert Path(demo).resolve() == (src / "data" / "demo").resolve()
    ran = _run([_console_command(python), "summarize", "data/demo", "--json"], elsewhere)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == in_repo["json"].stdout


# ------------------------------------------------------------------------------------ rules, in-process
def test_demo_alias_names_the_installed_demo_only_when_no_such_path_exists(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for alias in ("demo", "data/demo", "./data/demo/", "demo/"):
        assert demo_alias(alias) == demo_path()
    for other in ("data/demo2", "demos", "other/data/demo", str(tmp_path / "data" / "demo"), "data"):
        assert demo_alias(other) is None
    (tmp_path / "demo").mkdir()  # a clinic's own folder called demo is never replaced
    assert demo_alias("demo") is None
    assert demo_alias("data/demo") == demo_path()


def test_cli_prefers_a_folder_called_demo_in_the_current_folder(tmp_path, monkeypatch, capsys):
    from analysis.cli import main

    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "assessments.csv").write_text("patient_id,day,pain_nrs\nP1,0,7\nP1,1,3\n")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "demo", "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["files"]["assessments.csv"]["rows_read"] == 2
    assert "installed" not in out.err


def test_data_files_are_found_through_the_package_resources():
    assert (demo_path() / "assessments.csv").is_file()
    assert published_figures_path().is_file()
    assert demo_path() == published_figures_path().parent / "demo"


# ------------------------------------------------------------------------------------ pyproject.toml
def test_every_subpackage_is_listed_in_pyproject():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    for top in ("analysis", "dashboard"):
        for init in (ROOT / top).rglob("__init__.py"):
            name = ".".join(init.parent.relative_to(ROOT).parts)
            assert name in listed, f"{name} is not installed: add it to [tool.setuptools] packages in pyproject.toml"


def test_every_pinned_runtime_requirement_satisfies_the_package_dependencies():
    """requirements.txt (pinned, reproducible) and pyproject.toml (ranges) name the same packages,
    and each pin lies inside its range: `make` installs exactly what the package declares."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            req = Requirement(line)
            pins[req.name.lower()] = Version(next(iter(req.specifier)).version)
    ranges = {Requirement(d).name.lower(): Requirement(d).specifier for d in PYPROJECT["project"]["dependencies"]}
    assert sorted(ranges) == sorted(pins)
    for name, spec in ranges.items():
        assert spec.contains(pins[name]), f"requirements.txt pins {name}=={pins[name]}, outside {spec} (pyproject.toml)"


def test_console_command_is_the_command_line_interface():
    assert PYPROJECT["project"]["scripts"] == {"crps-outcomes": "analysis.cli:run"}


def test_no_code_patches_sys_path_or_finds_data_through_the_source_tree():
    for folder in ("analysis", "dashboard", "bench"):
        for py in (ROOT / folder).rglob("*.py"):
            text = py.read_text(encoding="utf-8")
            where = py.relative_to(ROOT)
            assert not re.search(r"sys\.path\.(insert|append|extend)|sys\.path\s*=", text), \
                f"{where} edits sys.path: import the installed package instead (pip install -e .)"
            if folder != "bench" and where != Path("analysis/resources.py"):
                assert "__file__" not in text, \
                    f"{where} finds files through __file__: use analysis.resources (importlib.resources)"
