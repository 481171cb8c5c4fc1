"""Text hygiene shared by validation, the terminal and the charts: which characters are invisible or
control characters, which words mix scripts, what looks like HTML markup, and how to show a value
safely in a terminal or in Plotly (which renders a subset of HTML in titles, legends, ticks and hover)."""

from __future__ import annotations

import html
import re
import unicodedata

# Categories no cell may hold: controls (Cc), format characters (Cf: bidirectional overrides and isolates,
# zero-width characters, the BOM), private use (Co), unassigned (Cn), surrogates (Cs), line and paragraph
# separators (Zl, Zp) and spaces other than the ASCII one (Zs). Line breaks are the CSV's business.
REFUSED_CATEGORIES = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp", "Zs"}


def invisible_chars(value: str) -> list[str]:
    """The characters of `value` that a reader cannot see or that steer a terminal or the text direction."""
    return list(dict.fromkeys(ch for ch in value if ch not in " \n\r"
                              and unicodedata.category(ch) in REFUSED_CATEGORIES))


CONTROL_NAMES = {0x00: "NUL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "TAB", 0x1B: "ESCAPE", 0x7F: "DELETE"}


def char_name(ch: str) -> str:
    name = unicodedata.name(ch, "") or CONTROL_NAMES.get(ord(ch), "control character")
    return f"U+{ord(ch):04X} {name}"


def escaped(value: str) -> str:
    """`value` with backslashes, line breaks and every invisible or control character written as an escape,
    so that printing it can never move the cursor, recolor a terminal or reverse the text."""
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif ch != " " and unicodedata.category(ch) in REFUSED_CATEGORIES:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def terminal_safe(text: str) -> str:
    """Multi-line output for a terminal: each line escaped, the line breaks kept."""
    return "\n".join(escaped(line) for line in text.split("\n"))


# --- scripts within one word (Unicode TS #39, "highly restrictive") --------------------------------

_SCRIPT_WORDS = {
    "LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "HEBREW", "ARABIC", "SYRIAC", "THAANA", "NKO", "DEVANAGARI",
    "BENGALI", "GURMUKHI", "GUJARATI", "ORIYA", "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "SINHALA", "THAI",
    "LAO", "TIBETAN", "MYANMAR", "GEORGIAN", "HANGUL", "ETHIOPIC", "CHEROKEE", "CANADIAN", "OGHAM", "RUNIC",
    "KHMER", "MONGOLIAN", "HIRAGANA", "KATAKANA", "BOPOMOFO", "YI", "COPTIC", "GLAGOLITIC", "TIFINAGH",
    "MATHEMATICAL",
}
# The script sets UTS #39 allows within one identifier besides a single script: Japanese, Chinese and
# Korean text may mix Han with kana, bopomofo or hangul, and with Latin.
_ALLOWED_MIXES = ({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}, {"LATIN", "HAN", "BOPOMOFO"}, {"LATIN", "HAN", "HANGUL"})
_WORD = re.compile(r"[^\W\d_]+")


def script_of(ch: str) -> str | None:
    """The script of a letter, read from its Unicode name; None for marks, digits and shared symbols."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    name = unicodedata.name(ch, "")
    if name.startswith(("CJK ", "KANGXI")):
        return "HAN"
    if name.startswith(("FULLWIDTH ", "HALFWIDTH ")):
        rest = name.split(" ", 2)[1]
        return rest if rest in ("KATAKANA", "HANGUL") else f"FULLWIDTH {rest}"
    first = name.split(" ", 1)[0]
    return first if first in _SCRIPT_WORDS else None


def mixed_script_words(value: str) -> list[tuple[str, str, str]]:
    """Words (runs of letters and their marks) whose letters come from scripts that do not belong together,
    like a Cyrillic 'А' in 'Аlibaba': (word, the first letter of a minority script, the word's main script)."""
    out = []
    for m in _WORD.finditer(value):
        letters = [(ch, s) for ch in m.group() if (s := script_of(ch))]
        scripts = {s for _, s in letters}
        if len(scripts) > 1 and not any(scripts <= allowed for allowed in _ALLOWED_MIXES):
            main = max(scripts, key=lambda s: (sum(1 for _, x in letters if x == s), s == "LATIN"))
            odd = next(ch for ch, s in letters if s != main)
            out.append((m.group(), odd, main.title()))
    return out


# --- markup -----------------------------------------------------------------------------------------

# HTML, SVG and MathML element names a browser or Plotly acts on (Plotly: a, b, i, em, s, u, sub, sup, span, br).
HTML_ELEMENTS = frozenset("""
a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite code col
colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure font footer form
frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main
map mark marquee math menu meta meter nav noscript object ol optgroup option output p param picture pre progress
q rp rt ruby s samp script search section select slot small source span strike strong style sub summary sup svg
table tbody td template textarea tfoot th thead time title tr track u ul var video wbr
animate circle clippath defs ellipse foreignobject g image line lineargradient marker mask path pattern polygon
polyline radialgradient rect set stop symbol text textpath tspan use view
annotation maction mi mn mo mrow ms mtext semantics
""".split())
_TAG = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9:-]*)(\s+[^<>]*?=)?")
_DECLARATION = re.compile(r"<[!?]")


def markup(value: str) -> str | None:
    """The first piece of HTML markup in `value`: a tag of an HTML/SVG/MathML element, a custom element,
    any tag with attributes, a comment or declaration. Angle brackets around other words (a model's
    `<think>` output tag, named in notes) are text, and stay allowed."""
    if m := _DECLARATION.search(value):
        return value[m.start():m.start() + 20]
    for m in _TAG.finditer(value):
        name = m.group(1).lower()
        if name in HTML_ELEMENTS or "-" in name or ":" in name or m.group(2):
            return value[m.start():m.start() + 40]
    return None


def plotly_text(value) -> str:
    """A data value as Plotly text: '<', '>' and '&' as entities (Plotly shows them as characters and never
    reads them as tags), '%' too, so a value concatenated into a hover template cannot reference data."""
    return html.escape(str(value), quote=False).replace("%", "&#37;")


MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:=")


def escape_markdown(value: str) -> str:
    """Data shown inside Streamlit markdown (a caption) as the characters it holds, never as formatting."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in value)
