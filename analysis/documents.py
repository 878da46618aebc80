"""Documents of the export: text blocks rendered as Markdown and HTML, and the demo cohort's label.

The methods text (:mod:`analysis.methods`) is written as blocks, ``("h1"|"h2"|"p"|"ul"|"table",
content)``; :func:`blocks_to_markdown` and :func:`blocks_to_html` render the same blocks as
``methods.md`` and ``methods.html`` (and the methods part of ``report.html``). Text from the data
(names, values, notes) is escaped in both: it can make no link, image or raw HTML (issue 15).
:func:`is_demo` tells whether a dataset is the SYNTHETIC demo cohort, which every document labels.
"""
from __future__ import annotations

import functools
import html
from pathlib import Path

import numpy as np
import pandas as pd

from .dataset import Dataset
from .escaping import markdown_text
from .resources import demo_path

DEMO_DIR = demo_path().resolve()  # compared with resolved paths by is_demo()


def is_demo(dataset: Dataset) -> bool:
    """True for the synthetic demo cohort (data/demo/), which must be labelled SYNTHETIC everywhere:
    loaded from the installed folder, or the same files anywhere else (same fingerprint), e.g. a
    checkout beside an installed copy."""
    try:
        if Path(str(dataset.source)).resolve() == DEMO_DIR:
            return True
    except (OSError, ValueError):
        pass
    return bool(dataset.report.fingerprint) and dataset.report.fingerprint == _demo_fingerprint()


@functools.lru_cache(maxsize=1)
def _demo_fingerprint() -> str:
    from .io.sources import files_fingerprint, role_of

    try:
        return files_fingerprint([(f.name, f.read_bytes()) for f in sorted(DEMO_DIR.iterdir())
                             if f.is_file() and role_of(f.name) is not None])
    except OSError:
        return ""


def md_inline(s: str) -> str:
    """Escape everything but `code` spans: text from data (names, values, notes) cannot make a
    link, an image or raw HTML in a Markdown viewer (issue 15)."""
    parts = str(s).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick (from data) would leave a "code" part live
        return md_escape(str(s))
    return "`".join(p if i % 2 else md_escape(p) for i, p in enumerate(parts))


def md_escape(s: str) -> str:
    """``s`` as plain Markdown text: the product's one rule, :func:`analysis.escaping.markdown_text`
    (links, images, autolinks, raw HTML, code, emphasis, math and table pipes escaped; line breaks
    become spaces). The documents and the dashboard escape alike."""
    return markdown_text(s)


def blocks_to_markdown(blocks) -> str:
    out = []
    for kind, content in blocks:
        if kind == "h1":
            out.append(f"# {content}\n")
        elif kind == "h2":
            out.append(f"## {content}\n")
        elif kind == "p":
            out.append(f"{md_inline(content)}\n")
        elif kind == "ul":
            out.append("\n".join(f"- {md_inline(x)}" for x in content) + "\n")
        elif kind == "table":
            out.append(df_markdown(content) + "\n")
    return "\n".join(out)


def html_inline(s: str) -> str:
    """Escape, then render `code` spans (the only Markdown used inline)."""
    parts = html.escape(str(s)).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def blocks_to_html(blocks) -> str:
    out = []
    for kind, content in blocks:
        if kind in ("h1", "h2"):
            out.append(f"<{kind}>{html_inline(content)}</{kind}>")
        elif kind == "p":
            out.append(f"<p>{html_inline(content)}</p>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{html_inline(x)}</li>" for x in content) + "</ul>")
        elif kind == "table":
            out.append(df_html(content))
    return "\n".join(out)


def cell_text(v) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)) or v is pd.NA:
        return ""
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.4g}"
    return str(v)


def df_markdown(df: pd.DataFrame) -> str:
    cols = [str(c) for c in df.columns]
    esc = lambda s: md_escape(cell_text(s))  # noqa: E731
    lines = ["| " + " | ".join(esc(c) for c in cols) + " |", "|" + "---|" * len(cols)]
    for r in df.itertuples(index=False):
        lines.append("| " + " | ".join(esc(v) for v in r) + " |")
    return "\n".join(lines)


def df_html(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(cell_text(v))}</td>" for v in r) + "</tr>"
                   for r in df.itertuples(index=False))
    return f'<table class="t"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


CSS = """
body{font-family:Liberation Sans,Arial,Helvetica,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#111;line-height:1.45}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ddd}
code{background:#f3f3f3;padding:0 .2em;font-size:.9em;word-break:break-all}
table.t{border-collapse:collapse;font-size:.85em;margin:.6em 0}
table.t th,table.t td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
table.t th{background:#f3f3f3}.caption{font-size:.9em;color:#333;margin:.2em 0 1.6em}
.note{background:#fff6e0;border-left:4px solid #E69F00;padding:.4em .8em}.fig{margin-top:1em}
"""


def html_page(title: str, body: str, head_extra: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<style>{CSS}</style>{head_extra}</head><body>\n{body}\n</body></html>\n")
