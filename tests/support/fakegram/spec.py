"""Load the vendored Bot API spec and validate request parameters strictly against it."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tests.support.fakegram.errors import ApiError, bad_request

SPEC_PATH = Path(__file__).with_name("bot-api.json")
PRIMITIVES = frozenset({"Integer", "Float", "String", "Boolean"})
_INT_RE = re.compile(r"-?\d{1,19}")
_FLOAT_RE = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_DISCRIMINATOR_RE = re.compile(r'(?:must be|always) "?([a-z0-9_]+)"?\.?$')
_DISCRIMINATOR_FIELDS = ("source", "type", "status")
ATTACH_PREFIX = "attach://"


@dataclass(frozen=True)
class UploadedFile:
    """A file that arrived in the multipart body of a request."""

    field: str
    filename: str
    data: bytes
    mime_type: str = "application/octet-stream"


class _Invalid(Exception):
    """A validation failure; its message is the description without the 'Bad Request' prefix."""


def _kind(value: object) -> str:
    """Name the JSON kind of a decoded value for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    return "Object"


def normalize_files(files: Mapping[str, Any] | None) -> dict[str, UploadedFile]:
    """Turn (filename, bytes[, mime]) tuples or file objects into UploadedFile values."""
    out: dict[str, UploadedFile] = {}
    for name, item in (files or {}).items():
        if isinstance(item, UploadedFile):
            out[name] = item
            continue
        filename, content = item[0], item[1]
        mime = item[2] if len(item) > 2 and item[2] else "application/octet-stream"
        data = content if isinstance(content, bytes) else content.read()
        out[name] = UploadedFile(name, filename or name, bytes(data), mime)
    return out


class _Context:
    """Per-request state: the uploaded files and which of them were referenced."""

    def __init__(self, files: dict[str, UploadedFile]) -> None:
        """Remember the uploads of this request."""
        self.files = files
        self.used: set[str] = set()

    def attach(self, value: str, path: str) -> UploadedFile:
        """Resolve an attach://name reference to its uploaded file."""
        name = value[len(ATTACH_PREFIX) :]
        if name not in self.files:
            raise _Invalid(f'file "{name}" referenced by "{path}" was not uploaded')
        self.used.add(name)
        return self.files[name]


class Spec:
    """The Bot API methods and types, with strict structural validation."""

    def __init__(self, raw: dict[str, Any]) -> None:
        """Index the methods case-insensitively and the types by name."""
        self.version: str = raw.get("version", "")
        self.methods: dict[str, dict[str, Any]] = {k.lower(): v for k, v in raw["methods"].items()}
        self.types: dict[str, dict[str, Any]] = raw["types"]

    def method_name(self, name: str) -> str:
        """Return the canonical spelling of a method, or raise the 404 Telegram answers."""
        method = self.methods.get(name.lower())
        if method is None:
            raise ApiError(404, "Not Found")
        return str(method["name"])

    def validate(
        self, method: str, params: Mapping[str, str], files: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Decode string form parameters of a method call, raising a 400 ApiError if invalid."""
        spec = self.methods.get(method.lower())
        if spec is None:
            raise ApiError(404, "Not Found")
        ctx = _Context(normalize_files(files))
        fields = {f["name"]: f for f in spec.get("fields", [])}
        try:
            for name in params:
                if name not in fields:
                    raise _Invalid(f'unknown parameter "{name}" for method {spec["name"]}')
            out: dict[str, Any] = {}
            for name, field in fields.items():
                if name in ctx.files and "InputFile" in field["types"]:
                    if name in params:
                        raise _Invalid(f'parameter "{name}" is both a file and a string')
                    ctx.used.add(name)
                    out[name] = ctx.files[name]
                elif name in params:
                    out[name] = self._decode_param(name, params[name], field["types"], ctx)
                elif field["required"]:
                    raise _Invalid(f'parameter "{name}" is required for method {spec["name"]}')
            unused = sorted(set(ctx.files) - ctx.used)
            if unused:
                raise _Invalid(f'uploaded file "{unused[0]}" is not referenced by any parameter')
        except _Invalid as exc:
            raise bad_request(str(exc)) from None
        return out

    def check_result(self, method: str, value: object) -> None:
        """Assert that a result the fake produced matches the method's declared return type."""
        returns = self.methods[method.lower()].get("returns", [])
        try:
            self._check_union(value, returns, f"{method}()", _Context({}))
        except _Invalid as exc:
            raise AssertionError(f"fake Telegram returned an invalid result: {exc}") from None

    def _decode_param(self, name: str, raw: object, types: list[str], ctx: _Context) -> Any:
        """Decode one top-level form value (always a string on the wire) to a Python value."""
        if not isinstance(raw, str):
            raise _Invalid(f'parameter "{name}" must be sent as a string form value')
        for typ in types:
            if typ == "Integer" and _INT_RE.fullmatch(raw):
                return int(raw)
            if typ == "Float" and _FLOAT_RE.fullmatch(raw) and math.isfinite(float(raw)):
                return float(raw)
            if typ == "Boolean" and raw in ("true", "false"):
                return raw == "true"
            if typ == "InputFile" and raw.startswith(ATTACH_PREFIX):
                return ctx.attach(raw, name)
            if typ == "String":
                return raw
        structured = [t for t in types if t not in PRIMITIVES and t != "InputFile"]
        expected = " or ".join(types)
        if not structured:
            if types == ["InputFile"]:
                raise _Invalid(f'parameter "{name}" must be an uploaded file')
            raise _Invalid(f'parameter "{name}" must be {expected}, got "{raw[:50]}"')
        try:
            value = json.loads(raw)
        except ValueError:
            raise _Invalid(
                f'can\'t parse parameter "{name}": {expected} JSON expected, got "{raw[:50]}"'
            ) from None
        return self._check_union(value, structured, name, ctx)

    def _check_union(
        self, value: object, types: list[str], path: str, ctx: _Context, attach: bool = False
    ) -> Any:
        """Accept the first alternative the value satisfies, else report the closest failure."""
        attach = attach or "InputFile" in types
        if attach and isinstance(value, str) and value.startswith(ATTACH_PREFIX):
            return ctx.attach(value, path)
        if len(types) == 1:
            return self._check(value, types[0], path, ctx)
        failures: list[tuple[int, _Invalid]] = []
        for typ in types:
            try:
                return self._check(value, typ, path, ctx)
            except _Invalid as exc:
                failures.append((self._affinity(value, typ), exc))
        best = max(failures, key=lambda item: item[0])
        if best[0] <= 0:
            got = _kind(value)
            raise _Invalid(f'field "{path}" must be {" or ".join(types)}, got {got}')
        raise best[1]

    def _affinity(self, value: object, typ: str) -> int:
        """Score how plausibly a value was meant as this type (to pick the useful error)."""
        if typ.startswith("Array of "):
            if not isinstance(value, list):
                return 0
            return 1 + (self._affinity(value[0], typ[9:]) if value else 0)
        tdef = self.types.get(typ)
        if tdef is None or not isinstance(value, dict):
            return 0
        if "subtypes" in tdef:
            return max((self._affinity(value, s) for s in tdef["subtypes"]), default=0)
        names = {f["name"] for f in tdef.get("fields", [])}
        disc = self.discriminator(typ)
        bonus = 100 if disc and value.get(disc[0]) == disc[1] else 0
        return 1 + bonus + 2 * len(names & value.keys()) - len(value.keys() - names)

    def discriminator(self, typ: str) -> tuple[str, str] | None:
        """Return (field, value) fixing a subtype, e.g. ("type", "chat") for ...ScopeChat."""
        fields = {f["name"]: f for f in self.types.get(typ, {}).get("fields", [])}
        for name in _DISCRIMINATOR_FIELDS:
            if name in fields:
                match = _DISCRIMINATOR_RE.search(fields[name]["description"])
                if match:
                    return name, match.group(1)
        return None

    def _check(self, value: object, typ: str, path: str, ctx: _Context) -> Any:
        """Check a decoded JSON value against one type expression; resolve attached files."""
        if typ.startswith("Array of "):
            if not isinstance(value, list):
                raise _Invalid(f'field "{path}" must be an Array, got {_kind(value)}')
            inner = typ[len("Array of ") :]
            return [
                self._check_union(v, [inner], f"{path}[{i}]", ctx) for i, v in enumerate(value)
            ]
        if typ in PRIMITIVES:
            ok = {
                "Integer": isinstance(value, int) and not isinstance(value, bool),
                "Float": isinstance(value, int | float) and not isinstance(value, bool),
                "String": isinstance(value, str),
                "Boolean": isinstance(value, bool),
            }[typ]
            if not ok:
                raise _Invalid(f'field "{path}" must be {typ}, got {_kind(value)}')
            return value
        if typ == "InputFile":
            raise _Invalid(f'field "{path}" must be an attach://<name> reference to an upload')
        tdef = self.types.get(typ)
        if tdef is None:
            raise _Invalid(f'field "{path}" has unknown type {typ}')
        if "subtypes" in tdef:
            return self._check_abstract(value, typ, tdef["subtypes"], path, ctx)
        if not isinstance(value, dict):
            raise _Invalid(f'field "{path}" must be a {typ} object, got {_kind(value)}')
        fields = {f["name"]: f for f in tdef.get("fields", [])}
        for key in value:
            if key not in fields:
                raise _Invalid(f'unknown field "{path}.{key}" in {typ}')
        checked: dict[str, Any] = {}
        for name, field in fields.items():
            if name in value:
                attach = ATTACH_PREFIX in field.get("description", "")
                checked[name] = self._check_union(
                    value[name], field["types"], f"{path}.{name}", ctx, attach
                )
            elif field["required"]:
                raise _Invalid(f'field "{path}.{name}" is required in {typ}')
        disc = self.discriminator(typ)
        if disc and value.get(disc[0]) != disc[1]:
            raise _Invalid(f'field "{path}.{disc[0]}" must be "{disc[1]}" in {typ}')
        return {key: checked[key] for key in value}

    def _check_abstract(
        self, value: object, typ: str, subtypes: list[str], path: str, ctx: _Context
    ) -> Any:
        """Dispatch an abstract type to its subtype by discriminator, else try each subtype."""
        discs = {s: self.discriminator(s) for s in subtypes}
        if isinstance(value, dict) and discs and all(discs.values()):
            field = next(iter(discs.values()))[0]  # type: ignore[index]
            for sub, disc in discs.items():
                if disc and value.get(disc[0]) == disc[1]:
                    return self._check(value, sub, path, ctx)
            allowed = ", ".join(f'"{d[1]}"' for d in discs.values() if d)
            got = value.get(field)
            raise _Invalid(
                f'field "{path}.{field}" of {typ} must be one of {allowed}, got {got!r}'
            )
        return self._check_union(value, subtypes, path, ctx)


@lru_cache(maxsize=1)
def load_spec() -> Spec:
    """Load (once) the vendored bot-api.json next to this module."""
    return Spec(json.loads(SPEC_PATH.read_text(encoding="utf-8")))


def method_name(name: str) -> str:
    """Return a method's canonical name (case-insensitive lookup), or raise 404."""
    return load_spec().method_name(name)


def validate(
    method_name: str, params: Mapping[str, str], files: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Validate string form parameters of a call and return their decoded Python values."""
    return load_spec().validate(method_name, params, files)
