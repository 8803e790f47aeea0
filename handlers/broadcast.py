"""Placeholder: filled in by the feature work for issue 5."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler


def build() -> list[BaseHandler[Update, Any, Any]]:
    return []
