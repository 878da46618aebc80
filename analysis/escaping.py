"""Text from data made safe wherever it is shown or written (issue 15, findings 1, 2, 6 and 10).

Treatment, covariate, measure and file names and covariate values come from the clinic's files;
anybody who can put a file in front of the product can choose them. They are escaped where they
are rendered and never used as paths:

* :func:`markdown_text` - Markdown rendered by Streamlit (``st.markdown``, ``st.caption``,
  ``st.info``, widget and expander labels) or written to ``.md`` files: no link, image, raw HTML,
  emphasis, math or Streamlit directive can come out of data.
* :func:`markdown_code` - a value shown as inline code in Markdown (any backticks in it cannot close
  the span).
* :func:`terminal_text` - text the command line prints: control characters (C0 but newline and
  tab, DEL, C1) and the bidirectional overrides and isolates are shown as escapes (``\\x1b``,
  ``\\u202e``), so a file name cannot set the terminal's title, move the cursor or reverse a line.
* :func:`plotly_text` - text that Plotly renders with its HTML-like markup (titles, legends, tick
  and hover labels, annotations): ``<``, ``>`` and ``&`` become entities, so ``<a href>`` is shown,
  not followed.
* :func:`html.escape` (standard library) for HTML; :func:`safe_slug` for any name that becomes a
  file name or a zip entry, and :func:`check_member_name` for every entry of a zip the product
  writes (no ``..``, no absolute path, no drive letter, no backslash).

References: CommonMark 0.31 section 2.4 (backslash escapes: any ASCII punctuation); Plotly.js
``svg_text_utils`` (the tags and entities Plotly interprets in text); OWASP "Path Traversal".
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["markdown_text", "markdown_code", "plotly_text", "terminal_text", "safe_slug", "check_member_name",
           "UnsafeNameError"]

#: The Markdown metacharacters that make links, images, autolinks, raw HTML, code, emphasis, math
#: (Streamlit renders ``$...$``), strikethrough and tables, and Streamlit's ``:colour[...]``
#: directives (they need ``[``). CommonMark lets a backslash escape any ASCII punctuation; ``_``,
#: ``.``, ``-`` and ``#`` are left as they are, so column names such as ``patient_id`` stay
#: readable (in the middle of a line they make no link, image or HTML); so is ``>`` (without
#: ``<`` it makes no tag, and text from data never starts a line).
_MD_SPECIAL = re.compile(r"([\\`*\[\]<$~|@])")
#: GFM turns bare ``http://...`` and ``www....`` into live links.
_AUTOLINK = re.compile(r"(?i)(://|\bwww\.)")


def markdown_text(value) -> str:
    """``value`` as plain Markdown text: no link, image, HTML, code, emphasis or math from it.

    Line breaks become spaces (a newline could start a heading, a list or a block of raw HTML).

    Examples
    --------
    >>> print(markdown_text("![px](http://host/tx.png)"))
    !\\[px\\](http\\://host/tx.png)
    """
    s = " ".join(str(value).splitlines())
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return _AUTOLINK.sub(lambda m: m.group(1).replace(":", "\\:").replace(".", "\\."), s)


def markdown_code(value) -> str:
    """``value`` as a Markdown inline code span, whatever backticks it holds (CommonMark 6.1).

    The fence is one backtick longer than the longest run of backticks in the value, with a space
    on each side when the value begins or ends with a backtick.
    """
    s = " ".join(str(value).splitlines())
    runs = [len(m) for m in re.findall(r"`+", s)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s.strip() else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def plotly_text(value) -> str:
    """``value`` as literal text for Plotly: ``&``, ``<`` and ``>`` as HTML entities.

    Plotly.js interprets ``<br>``, ``<b>``, ``<a href=...>``, ``<span style=...>`` and entities in
    every text it draws; the entities are drawn as the characters themselves.
    """
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


#: What :func:`terminal_text` replaces: C0 controls but newline and tab (``\\x1b`` starts the escape
#: sequences that set a terminal's title or move its cursor; ``\\r`` rewrites a line), DEL and the C1
#: controls (``\\x9b`` is a one-byte escape sequence on some terminals) as ``\\xNN``; the Unicode
#: bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which reverse the
#: text after them, as ``\\uNNNN`` (the same escape in a JSON string means the same character, so
#: the JSON documents the CLI prints stay valid and say the same).
# (DEL as \u007f: JSON keeps it raw, and a \x escape would make a --json output invalid; C0 controls never reach
# the output raw from JSON, which writes them \u001b.)
_TERMINAL = {**{c: f"\\x{c:02x}" for c in [*range(0x00, 0x09), *range(0x0B, 0x20)]},
             **{c: f"\\u{c:04x}" for c in [0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}}


def terminal_text(value) -> str:
    """``value`` as text that is safe to print on a terminal (see ``_TERMINAL``).

    Examples
    --------
    >>> print(terminal_text("exp\\x1b]0;TITLE\\x07ort.csv NRS\\u202eevil"))
    exp\\x1b]0;TITLE\\x07ort.csv NRS\\u202eevil
    """
    return str(value).translate(_TERMINAL)


class UnsafeNameError(ValueError):
    """A zip entry or file name that could escape the folder it is written into."""


_SLUG_BAD = re.compile(r"[^A-Za-z0-9_-]+")
#: Names kept as they are (the usual measure names: pain_nrs, phq9, gad7, ...).
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def safe_slug(name, index: int | None = None, max_length: int = 40) -> str:
    """A file-name-safe stem for a name from data.

    A plain name (letters, digits, ``_`` and ``-``, beginning with a letter or digit, at most 64
    characters) is kept as it is. Any other name becomes ``<index>_<slug>``: its letters and digits
    (accents removed), ``_`` for anything else, cut to ``max_length``; the index keeps two names
    with the same slug apart. The original name must be kept inside the file (a column, a title
    or the manifest).

    Examples
    --------
    >>> safe_slug("phq9", 2)
    'phq9'
    >>> safe_slug("../../etc/x", 3)
    'm3_etc_x'
    """
    s = str(name)
    if _PLAIN.match(s):
        return s
    ascii_ = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_BAD.sub("_", ascii_).strip("_-")[:max_length] or "name"
    return f"m{'' if index is None else index}_{slug}"


def check_member_name(name: str) -> str:
    """Return ``name`` when it is a safe relative path for a zip entry or a file under a folder.

    Raises
    ------
    UnsafeNameError
        An absolute path, a drive letter, a backslash, an empty, ``.`` or ``..`` segment, or a
        control character.
    """
    s = str(name)
    parts = s.split("/")
    if (not s or s.startswith("/") or "\\" in s or re.match(r"^[A-Za-z]:", s)
            or any(p in ("", ".", "..") for p in parts) or any(ord(c) < 32 for c in s)):
        raise UnsafeNameError(f"unsafe file name in the export: {s!r}")
    return s
