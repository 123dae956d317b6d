"""Cleaning of free text typed by people: one place, so every form treats it alike."""


def normalise_text(value: str) -> str:
    """Collapse whitespace and drop control and formatting characters (NUL, bidi overrides)."""
    cleaned = "".join(ch for ch in value if ch.isprintable() or ch == " ")
    return " ".join(cleaned.split())
