"""URL values of bound widgets, checked before the widgets read them: a value the widget would misread is
written in the widget's own form first (`period=YEAR` → `year`, `params=7` → `7B`, `date=20240101` →
`2024-01-01`), and what cannot be used is listed once in a notice at the top of the page, a link too long
for Streamlit included."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime import app_session
from streamlit.runtime.state import query_params as st_query_params
from streamlit.runtime.state.session_state_proxy import get_session_state

ALLOWED_PARAMS = {"embed", "embed_options"}  # Streamlit's own
NOTES_KEY = "_url_notes"
SEEN_KEY = "_url_keys"
NOTICE_SLOT = "_notice_slot"
TOO_LONG_KEY = "_link_too_long"
MAX_FIELDS = st_query_params.CLIENT_STATE_QUERY_STRING_MAX_FIELDS
MAX_CHARS = st_query_params.CLIENT_STATE_QUERY_STRING_MAX_LENGTH


def _sanitize_with_notice(query_string: str) -> str:
    """Streamlit drops a query string beyond its limits (over 1,000 fields or 512 KiB) and tells only the server
    log. Hand the script a marker instead, so the page can say the link was too long."""
    kept = _streamlit_sanitize(query_string)
    if query_string and not kept:
        return f"{TOO_LONG_KEY}={len(query_string)}:{query_string.count('&') + 1}"
    return kept


# Streamlit has no public hook for this; tests/test_pages.py::test_a_link_beyond_streamlits_limits_says_so
# fails if these names change.
_streamlit_sanitize = st_query_params.sanitize_query_string
if getattr(_streamlit_sanitize, "__name__", "") != "_sanitize_with_notice":
    st_query_params.sanitize_query_string = _sanitize_with_notice
    app_session.sanitize_query_string = _sanitize_with_notice


def _note(key: str, values: list[str], why: str) -> None:
    shown = ", ".join(repr(v[:40] + ("…" if len(v) > 40 else "")) for v in values[:5])
    more = f" and {len(values) - 5} more" if len(values) > 5 else ""
    st.session_state.setdefault(NOTES_KEY, []).append(f"{key}: {shown}{more} — {why}")


def _first_visit(key: str) -> list[str] | None:
    """The raw URL values of a bound key, only before its widget exists in this session."""
    st.session_state.setdefault(SEEN_KEY, set()).add(key)
    if key in st.session_state:
        return None
    raw = st.query_params.get_all(key)
    return raw or None


def guard_multi(key: str, options: list[str], format_func=str, reason=None, resolve=None) -> None:
    """A bound multi-select. `reason(value)` says why a value is not among the options (default: unknown).
    With a `format_func`, the widget reads a link's values as labels ('China (CN)'); `resolve(value)` says
    which option a value written another way means ('CN', 'China'), and those are rewritten as labels
    before the widget reads them, so links written with codes or plain names keep working."""
    raw = _first_visit(key)
    if raw is None:
        return
    label_of = {o: format_func(o) for o in options}
    by_label = {label: o for o, label in label_of.items()}
    chosen: dict = {}
    bad = []
    for v in dict.fromkeys(raw):
        option = by_label.get(v)
        if option is None and resolve is not None:
            option = resolve(v)
        if option in label_of:
            chosen[option] = None
        else:
            bad.append(v)
    by_reason: dict[str, list[str]] = {}
    for v in bad:
        by_reason.setdefault(reason(v) if reason else "not a known value", []).append(v)
    for why, values in by_reason.items():
        _note(key, values, f"{why}, ignored")
    if len(raw) > len(set(raw)):
        _note(key, [raw[0]], f"repeated {len(raw) - len(set(raw))} times, duplicates ignored")
    if chosen and any(v not in by_label for v in raw):
        _seed_from_link(key, list(chosen), [label_of[o] for o in chosen])


def _seed_from_link(key: str, values: list, labels: list[str]) -> None:
    """Make a bound widget start with `values`, which the link wrote in another form than the widget's labels.
    Streamlit seeds a bound widget from the link's values as they were on arrival, taking only those equal to
    a label, and falls back to session state only when none is: so session state gets the values (the
    documented route, enough when no value was a label) and the values the widget seeds from are rewritten
    as labels, which also keeps a mixed link whole. Streamlit has no public hook for the second part;
    tests/test_pages.py::test_a_link_mixing_codes_and_labels_keeps_every_country fails if these names change."""
    st.session_state[key] = values
    with get_session_state().query_params() as qp:
        if isinstance(getattr(qp, "_initial_query_params", None), dict):
            qp._initial_query_params[key] = labels
            qp.set_corrected_value(key, labels, "string_array_value")


def guard_single(key: str, options: list, default, format_func=str) -> None:
    raw = _first_visit(key)
    if raw is None:
        return
    by_text = {str(format_func(o)).lower(): o for o in options}
    chosen = by_text.get(raw[0].lower())
    if chosen is None:
        _note(key, raw[:1], "not a known value, ignored")
    elif raw[0] != str(format_func(chosen)):
        st.session_state[key] = chosen  # 'YEAR' means 'year'; the widget itself only takes the exact text
    if len(raw) > 1:
        _note(key, raw[1:], "only one value allowed, extra values ignored")


def _ignored(key: str) -> str:
    return f"_ignored_{key}"


def guard_text(key: str, max_chars: int) -> None:
    """A bound text box: one value of at most `max_chars` characters. The binding still fills the box from
    the link (cut to `max_chars`), so a longer value is remembered here and `text_value` ignores it."""
    raw = _first_visit(key)
    if raw is None:
        return
    if len(raw[0]) > max_chars:
        _note(key, raw[:1], f"longer than {max_chars} characters, ignored")
        st.session_state[_ignored(key)] = raw[0][:max_chars]
    if len(raw) > 1:
        _note(key, raw[1:], "only one value allowed, extra values ignored")


def text_value(key: str, value: str) -> str:
    """The text box's value, or '' while it still holds a value from the link that guard_text rejected."""
    return "" if value == st.session_state.get(_ignored(key)) else value


def guard_range(key: str, parse, lo, hi, default: tuple, form=str) -> None:
    """A bound range slider. `parse` reads a URL value leniently, `form` writes a value the way the widget
    reads it from the URL. A valid range written another way is normalized before the widget reads it; when
    only one end is written another way, the widget reads the other end alone, so the notice says so."""
    raw = _first_visit(key)
    if raw is None:
        return
    try:
        values = [parse(v) for v in raw]
    except (ValueError, TypeError, OverflowError):
        _note(key, raw, "not valid values for this range, ignored")
        return
    if len(values) != 2:
        _note(key, raw, "a range needs exactly two values, ignored")
    elif values[0] > values[1]:
        _note(key, raw, "range is reversed (start after end), ignored")
        st.session_state[key] = default
    elif values[0] < lo or values[1] > hi:
        _note(key, raw, f"outside the available range {lo} to {hi}, ignored")
    else:
        other_form = [(r, form(v)) for r, v in zip(raw, values) if form(v) != r]
        if len(other_form) == len(raw):
            # The widget reads neither end and falls back to session state: give it the values meant.
            st.session_state[key] = tuple(values)
        elif other_form:
            # The widget reads one end and puts its default at the other: say which, and how to write it.
            _note(key, [r for r, _ in other_form],
                  f"not written the way this slider takes it ({', '.join(f for _, f in other_form)}), that end ignored")


def open_notice_slot() -> None:
    """Keep a place at the top of the page for the notice that show_url_notes fills after the page ran."""
    st.session_state[NOTICE_SLOT] = st.container()


def report_unknown_params() -> None:
    """After the page ran: drop URL keys no widget claimed, and show every ignored value once."""
    seen = st.session_state.get(SEEN_KEY, set())
    if TOO_LONG_KEY in st.query_params:
        chars, _, fields = st.query_params[TOO_LONG_KEY].partition(":")
        st.session_state.setdefault(NOTES_KEY, []).append(
            f"the link was too long ({chars} characters, {fields} fields; Streamlit reads at most {MAX_FIELDS:,} "
            f"fields and {MAX_CHARS // 1024} KiB), so none of its settings were applied")
        del st.query_params[TOO_LONG_KEY]
    for key in list(st.query_params.keys()):
        if key not in seen and key not in ALLOWED_PARAMS:
            _note(key, st.query_params.get_all(key), "not a setting of this page, ignored")
            del st.query_params[key]


def show_url_notes() -> None:
    notes = st.session_state.get(NOTES_KEY, [])
    if notes:
        with st.session_state.get(NOTICE_SLOT) or st.container():
            with st.container(border=True):  # the reasons stay inside the notice's box
                st.warning("Some values in the link were ignored:", icon=":material/link_off:")
                st.text("\n".join(dict.fromkeys(notes)))
