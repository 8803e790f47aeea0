"""The error type every fake Bot API failure is raised as."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API failure: HTTP status, Telegram description and optional retry_after."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        """Store the error code, the description and the retry_after of a 429."""
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        """Return the error as the JSON body Telegram would answer with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """Build a 400 error with the usual 'Bad Request: ' prefix."""
    return ApiError(400, f"Bad Request: {detail}")
