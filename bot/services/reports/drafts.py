"""Report drafts: what an employee types or sends while writing a report, checked step by step.

The draft lives in the handler's user_data as JSON (see ReportDraft.to_data); these checks
raise DraftError (or AmountError) with an untranslated msgid the handler translates. Lengths
follow the one text rule (bot.services.text_rules.check_text). Saving is in saving.py,
changing a sent report in changes.py.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.i18n import N_
from bot.services.numbers import AmountError, parse_amount
from bot.services.reports.values import IkiValue
from bot.services.text_rules import TOO_SHORT, check_text

NOTE_MAX_CHARS = 1000
NARRATIVE_MAX_CHARS = 2000
MAX_EVIDENCE_FILES = 10
MAX_DECIMALS = 4  # the amount column keeps four decimals; more would be silently rounded


# Evidence documents need an allowed extension: the viewer's phone opens a file by its name, so
# "x.exe" declared as application/pdf must never reach a leader or HR. The MIME type the sender's
# phone declares must agree with the extension, or be missing/generic: cheap Android phones
# often send office files as application/octet-stream, and refusing those would lose honest
# reports while adding no safety (the name still decides how the file is opened).
_IMAGES = frozenset({"image/jpeg", "image/pjpeg", "image/png"})
_OLD_OFFICE = "application/vnd.ms-office"  # what file-type sniffers call .doc/.xls/.ppt
_ZIP = "application/zip"  # .docx/.xlsx/.pptx are ZIP packages, and some phones say so
_OOXML = "application/vnd.openxmlformats-officedocument."
DOCUMENT_MIME_TYPES: dict[str, frozenset[str]] = {
    "pdf": frozenset({"application/pdf", "application/x-pdf"}),
    "doc": frozenset({"application/msword", _OLD_OFFICE}),
    "docx": frozenset({_OOXML + "wordprocessingml.document", _ZIP}),
    "xls": frozenset({"application/vnd.ms-excel", _OLD_OFFICE}),
    "xlsx": frozenset({_OOXML + "spreadsheetml.sheet", _ZIP}),
    "ppt": frozenset({"application/vnd.ms-powerpoint", _OLD_OFFICE}),
    "pptx": frozenset({_OOXML + "presentationml.presentation", _ZIP}),
    "jpg": _IMAGES,
    "jpeg": _IMAGES,
    "png": _IMAGES,
    "zip": frozenset({_ZIP, "application/x-zip-compressed", "application/x-zip"}),
}
GENERIC_MIME_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
ALLOWED_TYPES_LABEL = "PDF, Word, Excel, PowerPoint, JPG, PNG, ZIP"


class DraftError(ValueError):
    """Input a draft cannot take; `reason` is an untranslated msgid, `params` fill it."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass
class Evidence:
    """One photo or document attached to a draft."""

    kind: str  # photo | document
    file_id: str
    file_unique_id: str = ""
    file_name: str = ""
    mime_type: str = ""
    file_size: int | None = None

    def to_data(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": self.file_size,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Evidence:
        size = data.get("file_size")
        return cls(
            kind=str(data["kind"]),
            file_id=str(data["file_id"]),
            file_unique_id=str(data.get("file_unique_id") or ""),
            file_name=str(data.get("file_name") or ""),
            mime_type=str(data.get("mime_type") or ""),
            file_size=int(size) if size is not None else None,
        )


@dataclass
class ReportDraft:
    """A report being written; kept in user_data as JSON (Decimals as strings)."""

    target_id: int
    target_version: int = 0
    qualitative: bool = False
    amount: Decimal | None = None
    note: str = ""  # the quality note, or the narrative of a qualitative target
    evidence: list[Evidence] = field(default_factory=list)
    confirmed_large: bool = False  # the employee confirmed an amount far above the target
    # Per-IKI values (an RHK with several IKIs); empty: `amount`/`note` go to the first IKI.
    values: list[IkiValue] = field(default_factory=list)
    iki_step: int = 0  # the IKI being asked (position in the RHK's order)
    # Changes whenever the draft is (re)started, so a "Send" button from an older summary
    # can be told apart from the current one.
    # It is also the report's request_key, so it is long enough never to repeat.
    nonce: str = field(default_factory=lambda: secrets.token_hex(8))

    def to_data(self) -> dict[str, Any]:
        return {
            "target_id": self.target_id,
            "target_version": self.target_version,
            "qualitative": self.qualitative,
            "amount": str(self.amount) if self.amount is not None else None,
            "note": self.note,
            "evidence": [e.to_data() for e in self.evidence],
            "confirmed_large": self.confirmed_large,
            "nonce": self.nonce,
            "values": [v.to_data() for v in self.values],
            "iki_step": self.iki_step,
        }

    @classmethod
    def from_data(cls, data: object) -> ReportDraft | None:
        """Rebuild a draft from user_data; None when it is missing or unreadable."""
        if not isinstance(data, dict):
            return None
        try:
            raw_amount = data.get("amount")
            return cls(
                target_id=int(data["target_id"]),
                target_version=int(data.get("target_version") or 0),
                qualitative=bool(data.get("qualitative")),
                amount=Decimal(str(raw_amount)) if raw_amount is not None else None,
                note=str(data.get("note") or ""),
                evidence=[Evidence.from_data(e) for e in data.get("evidence") or []],
                confirmed_large=bool(data.get("confirmed_large")),
                nonce=str(data.get("nonce") or secrets.token_hex(8)),
                values=[IkiValue.from_data(v) for v in data.get("values") or []],
                iki_step=int(data.get("iki_step") or 0),
            )
        except (KeyError, TypeError, ValueError, InvalidOperation):
            return None


# --- checking what the employee types or sends ---


def parse_report_amount(raw: str | None) -> Decimal:
    """Read an increment such as '2,5' or '1.250'; raise AmountError with a msgid."""
    value = parse_amount(raw)
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMALS:
        raise AmountError(N_("Please use at most 4 digits after the decimal comma."))
    return value


def _checked(raw: str | None, *, limit: int, empty: str, too_long: str) -> str:
    """Return the trimmed text, or raise DraftError in the field's own words (the text rule)."""
    text = (raw or "").strip()
    problem = check_text(text, minimum=1, limit=limit)
    if problem is None:
        return text
    if problem.reason == TOO_SHORT:
        raise DraftError(empty)
    raise DraftError(too_long, length=problem.length, limit=limit)


def check_note(raw: str | None) -> str:
    """Return the trimmed quality note, refusing empty or over-long text."""
    return _checked(
        raw,
        limit=NOTE_MAX_CHARS,
        empty=N_("Please type a short note, or press Skip."),
        too_long=N_(
            "Your note has {length} characters, but at most {limit} fit. "
            "Please shorten it and send it again."
        ),
    )


def check_narrative(raw: str | None) -> str:
    """Return the trimmed narrative of a qualitative report (required, limited in length)."""
    return _checked(
        raw,
        limit=NARRATIVE_MAX_CHARS,
        empty=N_("Please describe in a few sentences what you achieved."),
        too_long=N_(
            "Your description has {length} characters, but at most {limit} fit. "
            "Please shorten it and send it again."
        ),
    )


def megabytes(size: int) -> float:
    return round(size / (1024 * 1024), 1)


def check_document_type(file_name: str, mime_type: str) -> None:
    """Refuse a document without an allowed extension, or whose declared type contradicts it."""
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in DOCUMENT_MIME_TYPES:
        raise DraftError(
            N_("This type of file cannot be used as evidence. Allowed are: {types}."),
            types=ALLOWED_TYPES_LABEL,
        )
    declared = mime_type.split(";", 1)[0].strip().lower()
    if declared not in GENERIC_MIME_TYPES and declared not in DOCUMENT_MIME_TYPES[extension]:
        raise DraftError(
            N_(
                "This file is named as a .{extension} file, but your phone reports a different "
                "type of file, so it cannot be used as evidence. Please send the original file "
                "again. Allowed are: {types}."
            ),
            extension=extension,
            types=ALLOWED_TYPES_LABEL,
        )


def check_evidence(item: Evidence, *, existing: int, max_bytes: int) -> None:
    """Refuse evidence of the wrong kind, type or size, or beyond the file limit."""
    if item.kind not in ("photo", "document"):
        raise DraftError(N_("Please send a photo or a document as evidence."))
    if existing >= MAX_EVIDENCE_FILES:
        raise DraftError(
            N_("You have already attached {limit} files, the most one report can take."),
            limit=MAX_EVIDENCE_FILES,
        )
    if item.file_size is not None and item.file_size > max_bytes:
        raise DraftError(
            N_(
                "This file is {size} MB, but evidence files can be at most {limit} MB. "
                "Please send a smaller file (for example a compressed PDF or a photo)."
            ),
            size=megabytes(item.file_size),
            limit=megabytes(max_bytes),
        )
    if item.kind == "document":
        check_document_type(item.file_name, item.mime_type)


def add_evidence(draft: ReportDraft, item: Evidence, *, max_bytes: int) -> bool:
    """Attach a checked file to the draft; False when the same file is already attached."""
    if item.file_unique_id and any(
        e.file_unique_id == item.file_unique_id for e in draft.evidence
    ):
        return False
    check_evidence(item, existing=len(draft.evidence), max_bytes=max_bytes)
    draft.evidence.append(item)
    return True
