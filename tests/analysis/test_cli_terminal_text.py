"""What the CLI prints cannot drive the terminal: control characters and bidirectional overrides from
file names and data are shown as escapes (``\\x1b``, ``\\u202e``), in text and in JSON alike."""
from __future__ import annotations

import json

import pytest

from analysis import cli
from analysis.escaping import terminal_text

TITLE = "exp\x1b]0;TITLE\x07ort.csv"  # an OSC sequence: sets the terminal's title when printed raw
RTL = "Keta\u202emine"  # a right-to-left override: the rest of the line is shown reversed


@pytest.fixture
def export_folder(tmp_path):
    """A clinic export named with an escape sequence, a treatment and a header with an override."""
    d = tmp_path / "ctl"
    d.mkdir()
    rows = ["Patient ID,Visit Date,Pain NRS,Treatment,Mood\u202eevil"]
    for i in range(12):
        rows += [f"P{i},2024-01-0{i % 9 + 1},8,{RTL},{i % 3}", f"P{i},2024-01-1{i % 9 + 1},{3 + i % 4},,{i % 3}"]
    (d / TITLE).write_text("\n".join(rows) + "\n", encoding="utf-8")
    return d


def raw_controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0
            or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069]


@pytest.mark.parametrize("command", ["inspect", "validate", "summarize"])
def test_file_names_and_data_reach_the_terminal_without_control_characters(command, export_folder, capsys):
    argv = [command, str(export_folder)] + (["--no-models"] if command == "summarize" else [])
    cli.main(argv)
    out, err = capsys.readouterr()
    assert not raw_controls(out + err), raw_controls(out + err)
    if command != "summarize":
        assert "exp\\x1b]0;TITLE\\x07ort.csv" in out + err
        assert "Keta\\u202emine" in out + err


@pytest.mark.parametrize("command", ["inspect", "validate"])
def test_the_json_documents_stay_valid_and_say_the_same(command, export_folder, capsys):
    cli.main([command, str(export_folder), "--json"])
    out, _ = capsys.readouterr()
    assert not raw_controls(out)
    assert RTL in json.dumps(json.loads(out), ensure_ascii=False)  # the escape means the same character


def test_an_error_naming_a_file_is_printed_with_escapes(tmp_path, capsys):
    d = tmp_path / "bad"
    d.mkdir()
    (d / "x\x1b[2Jy.csv").write_bytes(b"\x00\x01\x02")
    assert cli.main(["validate", str(d)]) == 1
    _, err = capsys.readouterr()
    assert err.startswith("error:") and not raw_controls(err)


def test_terminal_text_keeps_lines_and_tabs_and_shows_every_other_control():
    assert terminal_text("a\tb\nc") == "a\tb\nc"
    assert terminal_text("a\rb\x00\x7f\x9b\u2066") == "a\\x0db\\x00\\u007f\\u009b\\u2066"


def test_a_file_name_with_del_keeps_the_json_valid():
    # JSON keeps DEL raw; shown as \x7f it made `--json` output invalid (a review's file 'Schmerz<DEL>.csv').
    import json
    shown = terminal_text(json.dumps({"name": "Schmerz\x7f.csv"}, ensure_ascii=False))
    assert shown == '{"name": "Schmerz\\u007f.csv"}' and json.loads(shown)["name"] == "Schmerz\x7f.csv"
