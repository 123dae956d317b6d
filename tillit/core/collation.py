"""Swedish alphabetical order: a–z, then å, ä, ö (binary order puts Ä before Å)."""

_SWEDISH = str.maketrans(
    {
        "å": "{",
        "ä": "|",
        "æ": "|",
        "ö": "}",
        "ø": "}",
        "é": "e",
        "è": "e",
        "ü": "y",
        "à": "a",
    }
)


def swedish_sort_key(text: str) -> tuple[str, str]:
    """A key that sorts strings as a Swedish dictionary does, case-insensitively."""
    folded = text.casefold()
    # '{', '|' and '}' follow 'z' in code-point order, as å, ä and ö do in Swedish.
    return folded.translate(_SWEDISH), text
