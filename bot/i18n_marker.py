"""The no-op gettext marker, importable from modules that load before the catalogs."""


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (translate at call time)."""
    return message
