"""Walk a user through the common flows with the real Application (tests/support/harness.py)."""

from __future__ import annotations

from tests.support.harness import Harness


async def report_until_summary(bot: Harness, user: int, target: str, amount: str = "3") -> None:
    """/lapor on the target labelled `target`: the amount, no note, no evidence; the summary."""
    await bot.send(user, "/lapor")
    await bot.press_label(user, target)
    await bot.send(user, amount)
    await bot.press_label(user, "Skip")
    await bot.press_label(user, "Skip")


async def feedback_until_preview(bot: Harness, user: int, member: str, text: str) -> None:
    """/umpanbalik: general appreciation for `member`, no BerAKHLAK value; the preview."""
    await bot.send(user, "/umpanbalik")
    await bot.press_label(user, member)
    await bot.press_label(user, "General")
    await bot.press_label(user, "Appreciation")
    await bot.press_label(user, "Skip")
    await bot.send(user, text)
