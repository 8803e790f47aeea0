"""Splitting and shortening HTML messages (property tests against the fake Bot API's parser).

The fake's parser (tests/support/fakegram/html.py) is modelled on Telegram's: whatever it accepts,
with the length it counts, is what Telegram would accept.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.text import (
    ELLIPSIS,
    MAX_MESSAGE_CHARS,
    esc,
    fit_fields,
    fit_message,
    shorten,
    split_message,
    utf16_len,
    visible_length,
)
from tests.support.fakegram.html import check_message_text, parse_html, parse_text

settings.register_profile(
    "texts", database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("texts")

# Pieces users type: HTML's special characters, emoji (two UTF-16 units, some joined),
# long words, spaces and line breaks.
USER_PIECES = st.sampled_from(
    [
        "&",
        "<",
        ">",
        "<b>",
        "&amp;",
        '"',
        "😀",
        "👍🏽",
        "👨‍👩‍👧",
        "é",
        "a",
        "kata",
        " ",
        "\n",
        "\n\n",
    ]
)
LONG_WORD = st.integers(min_value=1, max_value=25).map(lambda n: "panjang" * n)
USER_TEXT = st.lists(st.one_of(USER_PIECES, LONG_WORD), max_size=40).map("".join)
TAGS = [
    ("<b>", "</b>"),
    ("<i>", "</i>"),
    ("<u>", "</u>"),
    ("<code>", "</code>"),
    ('<a href="https://medan.go.id/?a=1&amp;b=2">', "</a>"),
    ("<blockquote expandable>", "</blockquote>"),
    ('<span class="tg-spoiler">', "</span>"),
]


def _wrap(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(TAGS), inner).map(lambda p: p[0][0] + p[1] + p[0][1])


# Escaped user text, nested in formatting the bot writes, with its own line breaks.
HTML = st.recursive(
    USER_TEXT.map(esc),
    lambda inner: st.one_of(_wrap(inner), st.lists(inner, min_size=2, max_size=4).map("".join)),
    max_leaves=12,
)


def styles(text_html: str) -> list[tuple[str, frozenset[str]]]:
    """Each shown UTF-16 unit with the formatting Telegram applies to it."""
    plain, entities = parse_html(text_html)
    units: list[tuple[str, frozenset[str]]] = []
    for char in plain:
        units.extend([(char, frozenset())] * utf16_len(char))
    marks: list[set[str]] = [set() for _ in units]
    for entity in entities:
        for i in range(entity["offset"], entity["offset"] + entity["length"]):
            marks[i].add(entity["type"])
    return [(c, frozenset(m)) for (c, _), m in zip(units, marks, strict=True)]


def assert_same_message(original: str, chunks: list[str]) -> None:
    """The chunks show the original's text and formatting, less whitespace at the cuts."""
    expected = styles(original)
    pos = 0
    for chunk in chunks:
        shown = styles(chunk)
        while expected[pos : pos + len(shown)] != shown:
            assert pos < len(expected) and expected[pos][0].isspace(), (original, chunks)
            pos += 1
        pos += len(shown)
    assert all(char.isspace() for char, _ in expected[pos:]), (original, chunks)


def assert_telegram_accepts(chunk: str, limit: int) -> None:
    plain, _entities = parse_text(chunk, "HTML")
    assert plain, chunk
    assert utf16_len(plain) <= limit, chunk


@given(HTML, st.integers(min_value=8, max_value=120))
def test_every_chunk_is_valid_and_nothing_is_lost(text_html: str, limit: int) -> None:
    parse_html(text_html)  # the generated message itself is valid
    chunks = split_message(text_html, limit)
    for chunk in chunks:
        if plain_shown(text_html):
            assert_telegram_accepts(chunk, limit)
    assert_same_message(text_html, chunks)


def plain_shown(text_html: str) -> str:
    return parse_text(text_html, "HTML")[0]


@given(st.lists(HTML, min_size=1, max_size=30).map("\n".join))
@settings(max_examples=30)
def test_messages_at_the_real_limit(text_html: str) -> None:
    doubled = text_html * (2 * MAX_MESSAGE_CHARS // max(1, visible_length(text_html)) + 1)
    chunks = split_message(doubled)
    for chunk in chunks:
        if plain_shown(doubled):
            check_message_text(parse_text(chunk, "HTML")[0])
    assert_same_message(doubled, chunks)


@given(HTML, st.integers(min_value=9, max_value=120))
def test_fit_keeps_one_valid_message(text_html: str, limit: int) -> None:
    fitted = fit_message(text_html, limit)
    plain = parse_html(fitted)[0]
    assert utf16_len(plain) <= limit
    if visible_length(text_html) <= limit:
        assert fitted == text_html
    else:
        assert plain.endswith(ELLIPSIS)


@given(
    st.dictionaries(
        st.sampled_from("abcd"), USER_TEXT.map(lambda text: text.replace("\n", " ")), min_size=1
    ),
    st.integers(min_value=60, max_value=400),
)
def test_fit_fields_shortens_the_longest_fields_just_enough(
    fields: dict[str, str], limit: int
) -> None:
    def render(values: Mapping[str, str]) -> str:
        lines = [f"<i>{key}</i>: {esc(values[key])}" for key in sorted(values)]
        return "<b>Head</b>\n" + "\n".join(lines) + "\nEnd."

    fitted = fit_fields(render, fields, limit=limit, note="<i>(shortened)</i>")
    plain = parse_html(fitted.text)[0]
    assert utf16_len(plain) <= limit
    if not fitted.shortened:
        assert fitted.text == render(fields)
        return
    assert plain.endswith("End.\n\n(shortened)")
    shown = dict(line.split(": ", 1) for line in plain.split("\n") if ": " in line)
    cut = [key for key in fields if shown[key] != fields[key]]
    assert cut
    for key in cut:  # a shortened field keeps its start
        assert shown[key].endswith(ELLIPSIS)
        assert fields[key].startswith(shown[key][:-1])


@given(USER_TEXT, st.integers(min_value=2, max_value=80))
def test_shorten_never_splits_a_character(text: str, limit: int) -> None:
    short = shorten(text, limit)
    assert utf16_len(short) <= limit
    short.encode("utf-8")  # a lone surrogate would raise here
    if utf16_len(text) <= limit:
        assert short == text
    else:
        assert short.endswith(ELLIPSIS)
        assert text.startswith(short[:-1].rstrip())


def test_a_thousand_ampersands_are_one_message() -> None:
    text = "<b>Question #1</b>\n\n" + esc("&" * 1000)
    assert split_message(text) == [text]


def test_cuts_never_fall_inside_an_entity_or_between_tags() -> None:
    text = "<i>" + esc("&" * 5000) + "</i>"
    chunks = split_message(text)
    assert chunks == ["<i>" + "&amp;" * 4096 + "</i>", "<i>" + "&amp;" * 904 + "</i>"]


def test_lines_are_preferred_then_spaces() -> None:
    lines = ["baris " * 50 for _ in range(100)]
    chunks = split_message("\n".join(lines))
    assert all(len(chunk) <= MAX_MESSAGE_CHARS for chunk in chunks)
    assert all(chunk.endswith("baris ") for chunk in chunks)
    words = split_message("kata " * 2000)
    assert [visible_length(c) for c in words] == [4094, 4094, 1810]
    assert all(chunk.startswith("kata") and chunk.rstrip().endswith("kata") for chunk in words)


def test_a_split_emoji_is_impossible() -> None:
    chunks = split_message("😀" * 3000)
    assert [utf16_len(c) for c in chunks] == [4096, 1904]


def test_split_refuses_a_tiny_limit() -> None:
    with pytest.raises(ValueError, match="at least"):
        split_message("x" * 20, 4)
