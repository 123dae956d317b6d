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


def test_the_catalogue_holds_every_message_of_the_code(tmp_path):
    """What `make messages` would extract from the code and templates today is all in the catalogue: a new string
    that nobody extracted would be shown in English on a Swedish page."""
    import shutil
    import subprocess
    import sys

    base = Path(settings.BASE_DIR)
    shutil.copytree(
        base / "tillit",
        tmp_path / "tillit",
        ignore=shutil.ignore_patterns("locale", "tests", "__pycache__", "static", "migrations"),
    )
    (tmp_path / "tillit" / "locale" / "sv" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copytree(base / "config", tmp_path / "config", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(base / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sv", "--settings=config.settings_test"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    extracted = polib.pofile(str(tmp_path / "tillit" / "locale" / "sv" / "LC_MESSAGES" / "django.po"))
    catalogue = polib.pofile(str(CATALOGUE / "django.po"))

    missing = {(entry.msgctxt, entry.msgid) for entry in extracted} - {(e.msgctxt, e.msgid) for e in catalogue}
    assert missing == set(), "run: make messages, and translate what it adds"


def test_translation_functions_keep_the_names_makemessages_knows():
    """`makemessages` finds strings only in calls of `_`, `gettext`, `gettext_lazy`, `ngettext`, `pgettext`, …: a
    function imported under another name (`gettext_lazy as _lazy`) hides its strings from the catalogue, and the page
    shows them in English."""
    import re

    renamed = re.compile(r"import\s+(?:[\w, ]*,\s*)?(n|p|np)?gettext(_lazy|_noop)?\s+as\s+(?!_\b)\w+")
    found = [
        str(path.relative_to(settings.BASE_DIR))
        for path in (Path(settings.BASE_DIR) / "tillit").rglob("*.py")
        if renamed.search(path.read_text())
    ]
    assert found == []
