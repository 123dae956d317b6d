"""The Swedish catalogue is complete, and the compiled file committed beside it matches it."""

from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "tillit" / "locale" / "sv" / "LC_MESSAGES"


def test_every_message_has_a_swedish_translation():
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))

    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_the_compiled_catalogue_matches_the_source():
    source = {
        (entry.msgctxt, entry.msgid): (entry.msgstr, entry.msgstr_plural)
        for entry in polib.pofile(str(CATALOGUE / "django.po")).translated_entries()
    }
    compiled = {
        (entry.msgctxt, entry.msgid): (entry.msgstr, entry.msgstr_plural)
        for entry in polib.mofile(str(CATALOGUE / "django.mo"))
    }

    assert compiled == source, "run: make messages"


def test_placeholders_survive_translation():
    import re

    pattern = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")
    broken = []
    for entry in polib.pofile(str(CATALOGUE / "django.po")).translated_entries():
        translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        expected = set(pattern.findall(entry.msgid)) | set(pattern.findall(entry.msgid_plural or ""))
        broken += [entry.msgid for text in translations if not set(pattern.findall(text)) <= expected]
        if not entry.msgid_plural and set(pattern.findall(entry.msgstr)) != expected:
            broken.append(entry.msgid)
    assert broken == []
