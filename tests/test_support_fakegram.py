"""Tests of the fake Telegram Bot API, driven through real python-telegram-bot clients."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
)
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, RetryAfter
from telegram.warnings import PTBUserWarning

from tests.support.fakegram import ApiError, FakeBotApiServer, FakeRequest, FakeTelegram
from tests.support.fakegram.html import parse_html, parse_text
from tests.support.fakegram.markdown import parse_markdown_v2
from tests.support.fakegram.spec import load_spec, validate

USER = 1001
OTHER = 1002
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Setuju", callback_data="ok:1")]])


@pytest.fixture
def fake() -> FakeTelegram:
    """A fake Telegram where USER has already sent /start."""
    fake = FakeTelegram()
    fake.user(USER, "Budi", username="budi")
    fake.send_text(USER, "/start")
    return fake


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    """A PTB bot talking to the fake in-process."""
    request, updates = FakeRequest(fake), FakeRequest(fake)
    async with Bot(fake.token, request=request, get_updates_request=updates) as bot:
        yield bot


@pytest.fixture
async def server(fake: FakeTelegram) -> AsyncIterator[FakeBotApiServer]:
    """The fake served over HTTP on a free local port."""
    async with FakeBotApiServer(fake) as server:
        yield server


@pytest.fixture
async def http_bot(fake: FakeTelegram, server: FakeBotApiServer) -> AsyncIterator[Bot]:
    """A PTB bot talking HTTP to the fake server."""
    async with Bot(
        fake.token, base_url=server.base_url, base_file_url=server.base_file_url
    ) as bot:
        yield bot


@pytest.fixture(params=["inproc", "http"])
def any_bot(request: pytest.FixtureRequest) -> Bot:
    """Each transport in turn."""
    name = "bot" if request.param == "inproc" else "http_bot"
    bot: Bot = request.getfixturevalue(name)
    return bot


def seconds(value: int | float | dtm.timedelta) -> float:
    """RetryAfter.retry_after as seconds whatever PTB's timedelta setting is."""
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def first_update_id(bot: Bot) -> int:
    """Consume pending updates and return the next offset."""
    updates = await bot.get_updates(timeout=0)
    return updates[-1].update_id + 1 if updates else 0


# --- basics --------------------------------------------------------------------------------------
async def test_get_me(any_bot: Bot) -> None:
    me = await any_bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "kinerja_test_bot", True)


async def test_send_message_is_recorded(any_bot: Bot, fake: FakeTelegram) -> None:
    message = await any_bot.send_message(USER, "Halo <b>Budi</b>", parse_mode="HTML")
    assert message.text == "Halo Budi"
    assert message.entities[0].type == "bold"
    assert (message.entities[0].offset, message.entities[0].length) == (5, 4)
    sent = fake.last(USER)
    assert (sent.message_id, sent.kind, sent.text) == (message.message_id, "text", "Halo Budi")
    assert sent.html == "Halo <b>Budi</b>"
    assert fake.calls_of("sendMessage")[0] == {
        "chat_id": USER,
        "text": "Halo <b>Budi</b>",
        "parse_mode": "HTML",
    }


async def test_method_names_are_case_insensitive_and_unknown_is_404(fake: FakeTelegram) -> None:
    status, body = fake.handle("SENDMESSAGE", {"chat_id": str(USER), "text": "x"})
    assert status == 200
    assert body["result"]["text"] == "x"
    assert fake.handle("sendMesage", {}) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )


async def test_unknown_method_via_ptb(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod", api_kwargs={"x": 1})


# --- parse modes and lengths ---------------------------------------------------------------------
async def test_html_unescaped_lt_rejected_and_entities_accepted(any_bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities: unsupported start tag"):
        await any_bot.send_message(USER, "nilai < 5", parse_mode="HTML")
    message = await any_bot.send_message(USER, "A &amp; B &lt;3 &#x1F600;", parse_mode="HTML")
    assert message.text == "A & B <3 😀"


async def test_html_bare_ampersand_rejected(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r'(?i)unescaped "&"'):
        await bot.send_message(USER, "Tom & Jerry", parse_mode="HTML")


async def test_text_without_parse_mode_is_not_parsed(bot: Bot, fake: FakeTelegram) -> None:
    message = await bot.send_message(USER, "a < b & c")
    assert message.text == "a < b & c"
    assert fake.last(USER).parse_mode is None


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("&nbsp;", 'Unescaped "&" at byte offset 0'),
        ("<a href=x y>t</a>", "Expected equal sign"),
    ],
)
def test_html_parser_errors(html: str, error: str) -> None:
    with pytest.raises(ApiError) as info:
        parse_html(html)
    assert info.value.code == 400
    assert info.value.description.startswith("Bad Request: can't parse entities: ")
    assert error in info.value.description


def test_html_parser_entities() -> None:
    text, entities = parse_html(
        '😀<b>bold <i>both</i></b> <a href="https://e.com/?a=1&amp;b=2">link</a> '
        '<tg-spoiler>s</tg-spoiler><span class="tg-spoiler">p</span> <u>u</u><s>s</s>'
        '<pre><code class="language-python">x = 1</code></pre>'
        '<blockquote expandable>q</blockquote><tg-emoji emoji-id="5368324170671202286">👍'
        "</tg-emoji><code>c</code><STRONG>B</STRONG>"
    )
    assert text == "😀bold both link sp usx = 1q👍cB"
    summary = [(e["type"], e["offset"], e["length"]) for e in entities]
    assert summary[:3] == [("bold", 2, 9), ("italic", 7, 4), ("text_link", 12, 4)]
    assert ("spoiler", 17, 1) in summary
    assert ("pre", 22, 5) in summary
    assert ("expandable_blockquote", 27, 1) in summary
    assert ("custom_emoji", 28, 2) in summary
    assert entities[2]["url"] == "https://e.com/?a=1&b=2"
    assert next(e for e in entities if e["type"] == "pre")["language"] == "python"
    assert ("code", 22, 5) not in summary


def test_markdown_v2() -> None:
    text, entities = parse_markdown_v2("*Nilai* _rata\\-rata_: 9\\.5 [detail](https://e.com)")
    assert text == "Nilai rata-rata: 9.5 detail"
    assert [e["type"] for e in entities] == ["bold", "italic", "text_link"]
    for bad in ("Nilai: 9.5", "a-b", "(x)", "*unclosed"):
        with pytest.raises(ApiError, match=r"can't parse entities"):
            parse_markdown_v2(bad)


async def test_markdown_v2_unescaped_dot_rejected(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)reserved and must be escaped"):
        await bot.send_message(USER, "Selesai.", parse_mode="MarkdownV2")
    assert (await bot.send_message(USER, "Selesai\\.", parse_mode="MarkdownV2")).text == "Selesai."


async def test_message_length_limits(bot: Bot) -> None:
    assert (await bot.send_message(USER, "a" * 4096)).text == "a" * 4096
    with pytest.raises(BadRequest, match=r"(?i)^message is too long$"):
        await bot.send_message(USER, "a" * 4097)
    await bot.send_message(USER, "😀" * 2048)  # 4096 UTF-16 code units
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "😀" * 2049)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "<b>" + "a" * 4097 + "</b>", parse_mode="HTML")
    # entity markup does not count towards the limit
    await bot.send_message(USER, "<b>" + "a" * 4000 + "</b>", parse_mode="HTML")


@pytest.mark.parametrize(("text", "mode"), [("", None), ("  \n ", None), ("<b></b>", "HTML")])
async def test_empty_text_rejected(bot: Bot, text: str, mode: str | None) -> None:
    with pytest.raises(BadRequest, match=r"(?i)^message text is empty$"):
        await bot.send_message(USER, text, parse_mode=mode)


async def test_caption_too_long(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(USER, b"\x89PNG-data", caption="x" * 1025)
    assert (await bot.send_photo(USER, b"\x89PNG-data", caption="x" * 1024)).caption


async def test_limits_count_shown_utf16_units_in_every_method(bot: Bot) -> None:
    # "&amp;" shows one character: 4,096 of them are one full message.
    await bot.send_message(USER, "&amp;" * 4096, parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_document(USER, b"%PDF", caption="😀" * 513)  # 1,026 units
    photo = await bot.send_photo(USER, b"\x89PNG-data", caption="😀" * 512)
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.edit_message_caption(USER, photo.message_id, caption="<b>" + "x" * 1025 + "</b>")
    message = await bot.send_message(USER, "Menunggu")
    with pytest.raises(BadRequest, match=r"(?i)^message is too long$"):
        await bot.edit_message_text("😀" * 2049, chat_id=USER, message_id=message.message_id)


# --- keyboards -----------------------------------------------------------------------------------
async def test_callback_data_longer_than_64_bytes_rejected(any_bot: Bot) -> None:
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="x" * 64)]])
    await any_bot.send_message(USER, "ok", reply_markup=ok)
    for data in ("x" * 65, "é" * 33):  # 65 ASCII bytes; 33 characters = 66 UTF-8 bytes
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data=data)]])
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await any_bot.send_message(USER, "no", reply_markup=markup)


@pytest.mark.parametrize(
    ("button", "error"),
    [
        ({"text": "x"}, "text buttons are unallowed"),
        ({"text": "", "callback_data": "a"}, "text must be non-empty"),
        ({"text": "x", "callback_data": "a", "url": "https://e.com"}, "exactly one"),
        ({"text": "x", "callback_data": ""}, "BUTTON_DATA_INVALID"),
        ({"text": "x", "url": "not a url"}, "Wrong HTTP URL"),
    ],
)
def test_inline_button_rules(fake: FakeTelegram, button: dict[str, Any], error: str) -> None:
    markup = json.dumps({"inline_keyboard": [[button]]})
    status, body = fake.handle(
        "sendMessage", {"chat_id": str(USER), "text": "x", "reply_markup": markup}
    )
    assert status == 400
    assert error.lower() in body["description"].lower()


# --- schema strictness ---------------------------------------------------------------------------
async def test_unknown_parameter_rejected(any_bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r'(?i)unknown parameter "colour"'):
        await any_bot.send_message(USER, "x", api_kwargs={"colour": "red"})


async def test_missing_required_parameter_rejected(bot: Bot) -> None:
    with (
        pytest.raises(BadRequest, match=r'(?i)parameter "text" is required'),
        pytest.warns(PTBUserWarning),
    ):
        await bot.do_api_request("sendMessage", api_kwargs={"chat_id": USER})


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"chat_id": "1", "text": "x", "message_thread_id": "1.5"}, "must be Integer"),
        ({"chat_id": "1", "text": "x", "disable_notification": "True"}, "must be Boolean"),
        ({"chat_id": "1", "text": "x", "reply_markup": "{oops"}, "can't parse parameter"),
        (
            {"chat_id": "1", "text": "x", "reply_markup": '{"inline_keyboard": [[{"txt": "a"}]]}'},
            'unknown field "reply_markup.inline_keyboard[0][0].txt" in InlineKeyboardButton',
        ),
        (
            {"chat_id": "1", "text": "x", "reply_markup": '{"inline_keyboard": [{"text": "a"}]}'},
            'field "reply_markup.inline_keyboard[0]" must be an Array',
        ),
        (
            {"chat_id": "1", "text": "x", "entities": '[{"type": "bold", "offset": 0}]'},
            'field "entities[0].length" is required in MessageEntity',
        ),
        (
            {
                "chat_id": "1",
                "text": "x",
                "entities": '[{"type": "bold", "offset": "0", "length": 1}]',
            },
            'field "entities[0].offset" must be Integer, got String',
        ),
    ],
)
def test_schema_violations(params: dict[str, str], error: str) -> None:
    with pytest.raises(ApiError) as info:
        validate("sendMessage", params, {})
    assert info.value.code == 400
    assert error in info.value.description


def test_subtypes_are_checked_by_discriminator() -> None:
    commands = '[{"command": "a", "description": "b"}]'
    good = validate(
        "setMyCommands", {"commands": commands, "scope": '{"type": "chat", "chat_id": 5}'}
    )
    assert good["scope"] == {"type": "chat", "chat_id": 5}
    with pytest.raises(ApiError, match=r'"scope.chat_id" is required in BotCommandScopeChat'):
        validate("setMyCommands", {"commands": commands, "scope": '{"type": "chat"}'})
    with pytest.raises(ApiError, match=r"must be one of"):
        validate("setMyCommands", {"commands": commands, "scope": '{"type": "everyone"}'})


def test_input_file_fields_accept_uploads_strings_and_attach() -> None:
    upload = validate("sendPhoto", {"chat_id": "1"}, {"photo": ("a.jpg", b"img")})
    assert upload["photo"].data == b"img"
    assert validate("sendPhoto", {"chat_id": "1", "photo": "AgACfileid"})["photo"] == "AgACfileid"
    media = '[{"type": "photo", "media": "attach://f1"}, {"type": "photo", "media": "x"}]'
    group = validate("sendMediaGroup", {"chat_id": "1", "media": media}, {"f1": ("a.jpg", b"1")})
    assert group["media"][0]["media"].data == b"1"
    with pytest.raises(ApiError, match=r'file "f1" referenced by "media\[0\]\.media"'):
        validate("sendMediaGroup", {"chat_id": "1", "media": media}, {})
    with pytest.raises(ApiError, match=r"not referenced"):
        validate("sendMessage", {"chat_id": "1", "text": "x"}, {"stray": ("a", b"1")})


def test_fake_results_are_checked_against_the_spec() -> None:
    with pytest.raises(AssertionError, match=r"invalid result"):
        load_spec().check_result("getMe", {"id": 1, "first_name": "x"})


# --- chats ---------------------------------------------------------------------------------------
async def test_chat_not_found(any_bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)^chat not found$"):
        await any_bot.send_message(OTHER, "halo")


async def test_blocked_user_is_forbidden(any_bot: Bot, fake: FakeTelegram) -> None:
    fake.block(USER)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await any_bot.send_message(USER, "halo")
    fake.unblock(USER)
    await any_bot.send_message(USER, "halo")
    assert [m.text for m in fake.sent(USER)] == ["halo"]


async def test_get_chat_and_chat_action(bot: Bot) -> None:
    chat = await bot.get_chat(USER)
    assert (chat.id, chat.type, chat.first_name, chat.username) == (
        USER,
        "private",
        "Budi",
        "budi",
    )
    assert await bot.send_chat_action(USER, "typing") is True
    with pytest.raises(BadRequest):
        await bot.send_chat_action(USER, "dancing")


# --- flood control -------------------------------------------------------------------------------
async def test_flood_limits_per_chat_and_global(bot: Bot, fake: FakeTelegram) -> None:
    now = [1000.0]
    fake.clock = lambda: now[0]
    fake.flood_limits = True
    for _ in range(3):
        await bot.send_message(USER, "burst")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(USER, "too fast")
    assert seconds(info.value.retry_after) == 1
    assert (fake.rate_limited, fake.flood_violations) == (1, 0)
    now[0] += 0.5  # still inside the announced retry_after: a violation
    with pytest.raises(RetryAfter):
        await bot.send_message(USER, "ignoring retry_after")
    assert (fake.rate_limited, fake.flood_violations) == (2, 1)
    now[0] += 0.5
    await bot.send_message(USER, "after waiting")

    now[0] += 10
    chats = list(range(5000, 5031))
    for chat in chats:
        fake.send_text(chat, "/start")
    for chat in chats[:30]:
        await bot.send_message(chat, "broadcast")
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(chats[30], "broadcast")
    assert seconds(info.value.retry_after) >= 1
    assert (fake.rate_limited, fake.flood_violations) == (3, 1)
    now[0] += 1.0
    await bot.send_message(chats[30], "broadcast")
    assert len(fake.sent(USER)) == 4


async def test_latency_counts_a_message_when_it_arrives_halfway(
    any_bot: Bot, fake: FakeTelegram
) -> None:
    now = [1000.0]
    fake.clock = lambda: now[0]
    fake.flood_limits = True
    fake.latency = (0.4, 0.4)
    assert fake.round_trip("sendMessage") == pytest.approx((0.2, 0.2))
    assert fake.round_trip("getUpdates") == (0.0, 0.0)  # a long poll has no extra wait
    sending = asyncio.create_task(any_bot.send_message(USER, "lewat jaringan"))
    await fake.wait_for(lambda: fake.sent(USER))
    # Delivered (and counted by flood control) while its answer is still on the way back.
    assert not sending.done()
    assert fake.in_flight == 1
    assert fake.busiest_second == 1
    assert (await sending).text == "lewat jaringan"
    assert (fake.in_flight, fake.most_in_flight) == (0, 1)


# --- editing and deleting ------------------------------------------------------------------------
async def test_edit_message_text(any_bot: Bot, fake: FakeTelegram) -> None:
    message = await any_bot.send_message(USER, "Menunggu", reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await any_bot.edit_message_text(
            "Menunggu", chat_id=USER, message_id=message.message_id, reply_markup=KEYBOARD
        )
    edited = await any_bot.edit_message_text(
        "<b>Disetujui</b>", chat_id=USER, message_id=message.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, Message)
    assert edited.text == "Disetujui"
    assert edited.reply_markup is None  # no reply_markup in the edit removes the keyboard
    sent = fake.last(USER)
    assert (sent.text, sent.html, sent.reply_markup, sent.buttons()) == (
        "Disetujui",
        "<b>Disetujui</b>",
        None,
        [],
    )
    assert [e["method"] for e in sent.edits] == ["editMessageText"]
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await any_bot.edit_message_text("x", chat_id=USER, message_id=999)
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await any_bot.edit_message_text("x", chat_id=USER, message_id=1)  # the user's /start


async def test_edit_markup_and_caption(bot: Bot, fake: FakeTelegram) -> None:
    photo = await bot.send_photo(USER, b"\x89PNG-data", caption="Bukti")
    with pytest.raises(BadRequest, match=r"(?i)no text in the message"):
        await bot.edit_message_text("x", chat_id=USER, message_id=photo.message_id)
    await bot.edit_message_caption(USER, photo.message_id, caption="Bukti baru")
    await bot.edit_message_reply_markup(USER, photo.message_id, reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_reply_markup(USER, photo.message_id, reply_markup=KEYBOARD)
    sent = fake.last(USER)
    assert (sent.kind, sent.caption, sent.button("Setuju")) == ("photo", "Bukti baru", "ok:1")
    assert len(sent.edits) == 2


async def test_delete_copy_forward_and_reply(bot: Bot, fake: FakeTelegram) -> None:
    original = await bot.send_message(USER, "asli")
    copied = await bot.copy_message(USER, USER, original.message_id)
    forwarded = await bot.forward_message(USER, USER, original.message_id)
    assert forwarded.forward_origin is not None
    assert [m.text for m in fake.sent(USER)] == ["asli", "asli", "asli"]
    assert await bot.delete_message(USER, copied.message_id) is True
    assert fake.sent(USER)[1].deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(USER, copied.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to copy not found"):
        await bot.copy_message(USER, USER, copied.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_message(USER, "re", reply_parameters=ReplyParameters(copied.message_id))
    reply = await bot.send_message(USER, "re", reply_parameters=ReplyParameters(1))
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "/start"


# --- callback queries ----------------------------------------------------------------------------
async def test_answer_callback_query_once(any_bot: Bot, fake: FakeTelegram) -> None:
    message = await any_bot.send_message(USER, "Setujui?", reply_markup=KEYBOARD)
    update = fake.press(USER, message.message_id, "ok:1")
    query_id = update["callback_query"]["id"]
    assert update["callback_query"]["message"]["message_id"] == message.message_id
    with pytest.raises(BadRequest, match=r"(?i)message_too_long"):
        await any_bot.answer_callback_query(query_id, text="x" * 201)
    assert await any_bot.answer_callback_query(query_id, text="Oke") is True
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await any_bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await any_bot.answer_callback_query("12345")
    assert fake.callback_answers[query_id]["text"] == "Oke"


async def test_press_checks_buttons_but_press_raw_does_not(bot: Bot, fake: FakeTelegram) -> None:
    message = await bot.send_message(USER, "Setujui?", reply_markup=KEYBOARD)
    with pytest.raises(AssertionError, match=r"no button with data"):
        fake.press(USER, message.message_id, "ok:2")
    with pytest.raises(AssertionError, match=r"no bot message"):
        fake.press(USER, 999, "ok:1")
    crafted = fake.press_raw(USER, 999, "admin:delete")
    updates = await bot.get_updates(timeout=0)
    query = updates[-1].callback_query
    assert query is not None
    assert (query.data, query.id) == ("admin:delete", crafted["callback_query"]["id"])
    assert query.message is not None
    assert query.message.message_id == 999


# --- bot commands --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("commands", "language", "error"),
    [
        ([BotCommand("Start", "Mulai")], None, "bot_command_invalid"),
        ([BotCommand("lapor-harian", "Lapor")], None, "bot_command_invalid"),
        ([BotCommand("x" * 33, "Lapor")], None, "bot_command_invalid"),
        ([BotCommand("start", "")], None, "bot_command_description_invalid"),
        ([BotCommand("start", "x" * 257)], None, "bot_command_description_invalid"),
        ([BotCommand(f"c{i}", "d") for i in range(101)], None, "bot_commands_too_much"),
        ([BotCommand("start", "Mulai")], "ind", "invalid language code"),
        ([BotCommand("start", "Mulai")], "ID", "invalid language code"),
    ],
)
async def test_set_my_commands_invalid(
    bot: Bot, commands: list[BotCommand], language: str | None, error: str
) -> None:
    with pytest.raises(BadRequest, match=f"(?i){error}"):
        await bot.set_my_commands(commands, language_code=language)


async def test_set_my_commands_stored_per_scope_and_language(
    any_bot: Bot, fake: FakeTelegram
) -> None:
    await any_bot.set_my_commands([BotCommand("start", "Mulai")])
    await any_bot.set_my_commands([BotCommand("start", "Start")], language_code="en")
    await any_bot.set_my_commands(
        [BotCommand("admin", "Panel admin")], scope=BotCommandScopeChat(USER)
    )
    assert fake.commands() == [{"command": "start", "description": "Mulai"}]
    assert fake.commands({"type": "default"}) == fake.commands()
    assert fake.commands(language_code="en") == [{"command": "start", "description": "Start"}]
    assert fake.commands({"type": "chat", "chat_id": USER}) == [
        {"command": "admin", "description": "Panel admin"}
    ]
    assert fake.commands({"type": "chat", "chat_id": USER}, "en") == []
    got = await any_bot.get_my_commands(scope=BotCommandScopeChat(USER))
    assert [c.command for c in got] == ["admin"]
    await any_bot.delete_my_commands(scope=BotCommandScopeDefault(), language_code="en")
    assert fake.commands(language_code="en") == []
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await any_bot.set_my_commands([BotCommand("a", "b")], scope=BotCommandScopeChat(OTHER))


async def test_bot_descriptions_and_menu(bot: Bot) -> None:
    assert await bot.set_my_description("Bot kinerja", language_code="id")
    assert (await bot.get_my_description("id")).description == "Bot kinerja"
    assert await bot.set_my_short_description("Kinerja")
    assert await bot.set_my_name("Kinerja Bot")
    with pytest.raises(BadRequest):
        await bot.set_my_short_description("x" * 121)
    assert await bot.set_chat_menu_button(USER)


# --- updates -------------------------------------------------------------------------------------
async def test_get_updates_long_poll_and_offset(any_bot: Bot, fake: FakeTelegram) -> None:
    offset = await first_update_id(any_bot)
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(any_bot.get_updates(offset=offset, timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    fake.send_text(USER, "/lapor@kinerja_test_bot hari ini")
    updates = await asyncio.wait_for(poll, 4)
    assert loop.time() - started < 3
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None
    assert message.text == "/lapor@kinerja_test_bot hari ini"
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/lapor@kinerja_test_bot")
    assert message.from_user is not None
    assert message.from_user.language_code == "id"
    # without confirming, the update is delivered again; the offset confirms it
    assert [u.update_id for u in await any_bot.get_updates(offset=offset, timeout=0)] == [
        updates[0].update_id
    ]
    assert await any_bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()
    assert fake.pending_updates == []


async def test_get_updates_times_out_empty(bot: Bot) -> None:
    offset = await first_update_id(bot)
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(offset=offset, timeout=1) == ()
    assert 0.9 <= loop.time() - started < 3


@pytest.mark.parametrize("transport", ["inproc", "http"])
async def test_concurrent_get_updates_conflict(
    fake: FakeTelegram, server: FakeBotApiServer, transport: str
) -> None:
    """Two bot instances polling: the older long poll is terminated with 409."""

    def client() -> Bot:
        if transport == "inproc":
            return Bot(
                fake.token, request=FakeRequest(fake), get_updates_request=FakeRequest(fake)
            )
        return Bot(fake.token, base_url=server.base_url, base_file_url=server.base_file_url)

    async with client() as one, client() as two:
        offset = await first_update_id(one)
        first = asyncio.create_task(one.get_updates(offset=offset, timeout=5))
        await asyncio.sleep(0.2)
        second = asyncio.create_task(two.get_updates(offset=offset, timeout=1))
        with pytest.raises(Conflict, match=r"(?i)terminated by other getupdates request"):
            await asyncio.wait_for(first, 4)
        assert await second == ()
    assert fake.errors[-1][1] == 409


async def test_webhook_blocks_get_updates(any_bot: Bot, fake: FakeTelegram) -> None:
    with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
        await any_bot.set_webhook("http://example.com/hook")
    assert await any_bot.set_webhook("https://example.com/hook", secret_token="s3cret-token")
    info = await any_bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == ("https://example.com/hook", 1)
    assert fake.webhook["secret_token"] == "s3cret-token"
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await any_bot.get_updates(timeout=0)
    assert await any_bot.delete_webhook(drop_pending_updates=True)
    assert await any_bot.get_updates(timeout=0) == ()


async def test_allowed_updates_is_honoured(bot: Bot, fake: FakeTelegram) -> None:
    offset = await first_update_id(bot)
    await bot.get_updates(offset=offset, timeout=0, allowed_updates=["callback_query"])
    fake.send_text(USER, "ignored")
    fake.press_raw(USER, 1, "kept")
    updates = await bot.get_updates(offset=offset, timeout=0, allowed_updates=[])
    assert [u.callback_query.data for u in updates if u.callback_query] == ["kept"]
    assert len(updates) == 1
    fake.send_text(USER, "default again")
    assert len(await bot.get_updates(offset=offset, timeout=0)) == 2


# --- files ---------------------------------------------------------------------------------------
async def test_get_file_and_download_over_http(http_bot: Bot, fake: FakeTelegram) -> None:
    content = b"%PDF-1.4 laporan kinerja"
    fake.send_document(USER, file_name="laporan.pdf", content=content, caption="Laporan")
    fake.send_photo(USER, file_size=40_000)
    updates = await http_bot.get_updates(timeout=0)
    document = updates[-2].message.document  # type: ignore[union-attr]
    assert document is not None
    assert (document.file_name, document.file_size) == ("laporan.pdf", len(content))
    file = await http_bot.get_file(document.file_id)
    assert file.file_path is not None
    assert file.file_path.endswith(".pdf")
    assert bytes(await file.download_as_bytearray()) == content
    photo = updates[-1].message.photo[-1]  # type: ignore[union-attr]
    photo_file = await http_bot.get_file(photo.file_id)
    assert len(await photo_file.download_as_bytearray()) == 40_000


async def test_file_too_big(bot: Bot, fake: FakeTelegram) -> None:
    update = fake.send_document(USER, file_name="arsip.zip", file_size=25 * 1024 * 1024)
    file_id = update["message"]["document"]["file_id"]
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await bot.get_file(file_id)
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("nope")


async def test_uploads_are_stored_and_reusable(bot: Bot, fake: FakeTelegram) -> None:
    sent = await bot.send_document(USER, b"a,b\n1,2\n", filename="rekap.csv", caption="Rekap")
    assert sent.document is not None
    assert sent.document.file_name == "rekap.csv"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"a,b\n1,2\n"
    again = await bot.send_document(USER, sent.document.file_id)
    assert again.document is not None
    assert again.document.file_unique_id == sent.document.file_unique_id
    with pytest.raises(BadRequest, match=r"(?i)type of file mismatch"):
        await bot.send_photo(USER, sent.document.file_id)
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(USER, "BQACunknown")
    with pytest.raises(BadRequest, match=r"(?i)file must be non-empty"):
        await bot.send_document(USER, b"", filename="empty.txt")
    assert [m.kind for m in fake.sent(USER)] == ["document", "document"]
    assert fake.last(USER).file_id == sent.document.file_id


# --- the HTTP server itself ----------------------------------------------------------------------
async def test_http_bodies_tokens_and_status_codes(
    fake: FakeTelegram, server: FakeBotApiServer
) -> None:
    base = server.base_url + fake.token
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{base}/sendMessage", json={"chat_id": USER, "text": "j"}
        ) as resp:
            assert resp.status == 200
            assert (await resp.json())["result"]["text"] == "j"
        async with session.post(f"{base}/sendMessage", data={"chat_id": str(USER)}) as resp:
            assert resp.status == 400
        async with session.get(f"{base}/getMe") as resp:
            assert (await resp.json())["result"]["username"] == "kinerja_test_bot"
        async with session.get(f"{server.base_url}1:WRONG/getMe") as resp:
            assert resp.status == 401
            assert await resp.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with session.post(f"{base}/fooBar") as resp:
            assert resp.status == 404
        form = aiohttp.FormData()
        form.add_field("chat_id", str(USER))
        form.add_field("document", b"isi", filename="a.txt", content_type="text/plain")
        async with session.post(f"{base}/sendDocument", data=form) as resp:
            document = (await resp.json())["result"]["document"]
            assert (document["file_name"], document["mime_type"]) == ("a.txt", "text/plain")
        control = server.base_url.removesuffix("/bot") + "/_fake"
        async with session.post(f"{control}/send_text", json={"user_id": OTHER, "text": "hi"}):
            assert OTHER in fake.known_chats
        async with session.post(
            f"{control}/press", json={"user_id": USER, "message_id": 1, "callback_data": "x"}
        ) as resp:
            assert resp.status == 400  # press() refuses: message 1 is the user's, not the bot's
        async with session.get(f"{control}/sent/{USER}") as resp:
            assert [m["text"] for m in (await resp.json())["result"]] == ["j", None]


def test_server_in_thread(fake: FakeTelegram) -> None:
    server = FakeBotApiServer(fake).start_in_thread()
    try:

        async def use() -> None:
            async with Bot(fake.token, base_url=server.base_url) as bot:
                await bot.send_message(USER, "dari thread")

        asyncio.run(use())
    finally:
        server.stop_thread()
    assert fake.last(USER).text == "dari thread"


# --- helpers -------------------------------------------------------------------------------------
async def test_wait_helpers(bot: Bot, fake: FakeTelegram) -> None:
    with pytest.raises(TimeoutError, match=r"no message"):
        await fake.wait_for_message(USER, contains="never", timeout=0.05)

    async def later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(USER, "pertama")
        await bot.send_message(USER, "kedua")

    task = asyncio.create_task(later())
    assert (await fake.wait_for_message(USER, count=2)).text == "kedua"
    assert (await fake.wait_for_message(USER, contains="pert")).text == "pertama"
    await task
    with pytest.raises(TimeoutError):
        await fake.wait_for(lambda: False, timeout=0.05)


def test_parse_text_trims_and_checks_mode() -> None:
    assert parse_text("  <b>x</b>  ", "html") == (
        "x",
        [{"offset": 0, "length": 1, "type": "bold"}],
    )
    with pytest.raises(ApiError, match=r"unsupported parse_mode"):
        parse_text("x", "Markdown3")
