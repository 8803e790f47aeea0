"""bot/text.py basics: HTML escaping, splitting, and strict callback data."""

import pytest

from bot.text import callback_data, esc, parse_callback, split_message


def test_escape_and_split() -> None:
    assert esc("<b> & 😀") == "&lt;b&gt; &amp; 😀"
    long = "\n".join("baris " * 50 for _ in range(100))
    chunks = split_message(long)
    assert all(len(c) <= 4096 for c in chunks)
    assert len(chunks) > 1
    assert "".join(c.replace("\n", "") for c in chunks) == long.replace("\n", "")
    assert split_message("x" * 9000) == ["x" * 4096, "x" * 4096, "x" * 808]


def test_callback_data_is_bounded_and_parsed_strictly() -> None:
    assert callback_data("onb", "ok", 12) == "onb:ok:12"
    with pytest.raises(ValueError, match="64 bytes"):
        callback_data("x" * 70)
    assert parse_callback("onb:ok:12", "onb:ok", 1) == [12]
    for crafted in [
        "onb:ok:-1",
        "onb:ok:1:2",
        "onb:ok:abc",
        "onb:ok:",
        "other:1",
        None,
        "onb:ok:99999999999999999999999",
    ]:
        assert parse_callback(crafted, "onb:ok", 1) is None
