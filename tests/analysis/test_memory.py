"""The command-line process puts numpy's large arrays on ordinary pages (analysis/memory.py): on a VM that
hands free memory back to its host, new huge pages are what a registry-size run spends its kernel time on
(docs/performance.md, "Huge pages"). What must hold: the CLI process runs with huge pages off, a user's
``NUMPY_MADVISE_HUGEPAGE`` stands, and a program that imports ``analysis`` keeps its own setting."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

STATE = ("from numpy._core.multiarray import _set_madvise_hugepage as s; now = s(False); s(now); "
         "print('huge pages', now)")


#: The command-line process (cli.run), its command replaced by a report of numpy's huge-page setting.
CLI_REPORTING_PAGES = ("import analysis.cli as cli\n"
                       "def main():\n"
                       f"    {STATE}\n"
                       "    return 0\n"
                       "cli.main = main\n"
                       "cli.run()\n")


def run_python(code: str, **env) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    environ.update(env)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_command_line_process_runs_its_command_without_huge_pages():
    assert run_python(CLI_REPORTING_PAGES) == "huge pages False"


@pytest.mark.parametrize("chosen, seen", [("1", "True"), ("0", "False")])
def test_a_users_numpy_madvise_hugepage_stands_in_the_command_line_process(chosen, seen):
    assert run_python(CLI_REPORTING_PAGES, NUMPY_MADVISE_HUGEPAGE=chosen) == f"huge pages {seen}"


def test_importing_analysis_leaves_a_programs_setting_alone():
    """A program (a notebook, the dashboard) that imports analysis and loads a dataset keeps huge pages
    outside the load: only the command line switches them off for its whole process."""
    code = ("import numpy\n"
            f"{STATE}\n"
            "from analysis import load_files\n"
            "load_files({'assessments.csv': b'patient_id,day,measure,value\\nP1,0,pain_nrs,7\\n'})\n"
            f"{STATE}\n")
    before, after = run_python(code).splitlines()
    assert after == before
