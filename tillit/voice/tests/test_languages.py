"""The languages of the public pages: Swedish, English, Finnish and Arabic (right to left), chosen from a visible list
and remembered (`voice.languages`); every text a visitor sees there is translated into Finnish and Arabic."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from django.utils.translation import trans_real

from tillit.voice import actions
from tillit.voice.languages import COOKIE, from_browser
from tillit.voice.models import ServicePage, Suggestion

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "tillit" / "locale"
DRAFTS = ("fi", "ar")  # the catalogues only the public pages use
FORM = {"helps": "Samma personal varje vecka.", "hinders": "", "theme": "", "respondent": "service_user"}
MASKED = "Ring 070-123 45 67 eller 08-123 456 78, mejla anna@example.se, pnr 19121212-1212."


# -- Every text shown is translated ----------------------------------------------------------------------------------


@contextmanager
def looked_up(language: str) -> Iterator[set[str]]:
    """The messages looked up in `language` while inside that the language's catalogues do not have (Tillit's own
    and Django's): such a message would be shown in Swedish (Django's fallback) or in English on the page."""
    missing: set[str] = set()
    gettext, ngettext = trans_real.DjangoTranslation.gettext, trans_real.DjangoTranslation.ngettext

    def watched_gettext(self: trans_real.DjangoTranslation, message: str) -> str:
        if self.language() == language and message and message not in self._catalog:
            missing.add(message.replace("\x04", " | "))
        return gettext(self, message)

    def watched_ngettext(self: trans_real.DjangoTranslation, singular: str, plural: str, count: int) -> str:
        if self.language() == language and (singular, 0) not in self._catalog:
            missing.add(f"{singular} / {plural}".replace("\x04", " | "))
        return ngettext(self, singular, plural, count)

    with (
        mock.patch.object(trans_real.DjangoTranslation, "gettext", watched_gettext),
        mock.patch.object(trans_real.DjangoTranslation, "ngettext", watched_ngettext),
    ):
        yield missing


def public(service: ServicePage, name: str = "") -> str:
    return f"/r/{service.code}/{name}"


def every_public_page(client: Client, service: ServicePage, language: str) -> Iterator[tuple[str, str]]:
    """(what, HTML) of every public page and state a visitor can reach, in `language`."""
    chosen = {"sprak": language}
    yield "the form", client.get(public(service), chosen).content.decode()
    for what, changes in {
        "a form with errors": {"helps": "", "respondent": "nobody", "theme": "weather"},
        "no respondent, a tick without contact details": {"respondent": "", "wants_answer": "on"},
        "a text too long": {"helps": "x" * 2001},
        "a text masking makes too long": {"helps": " ".join(["070-123 45 67"] * 150)[:2000]},
    }.items():
        yield what, client.post(public(service), {**FORM, **changes, **chosen}).content.decode()
    for what, text in {
        "a preview of one of each kind": "Ring 070-123 45 67, mejla anna@example.se, pnr 19121212-1212.",
        "a preview of two kinds, several of one": MASKED.replace(", pnr 19121212-1212", "") + " a@b.se",
        "a preview of one kind, many": " ".join(["070-123 45 67"] * 11),
    }.items():
        form = {**FORM, "helps": text, "hinders": "Att ingen ringer.", **chosen, "wants_answer": "on", "contact": "x"}
        yield what, client.post(public(service), form).content.decode()
    yield "changing it", client.post(public(service), {**FORM, **chosen, "step": "edit"}).content.decode()
    yield "thanks", client.get(public(service, "tack/"), chosen).content.decode()
    yield "you said, nothing yet", client.get(public(service, "vi-gjorde/"), chosen).content.decode()
    publish_one_of_each(service)
    yield "you said", client.get(public(service, "vi-gjorde/"), chosen).content.decode()
    with override_settings(VOICE_SUGGESTIONS_PER_ADDRESS_PER_HOUR=0):
        yield "sent too often", client.post(public(service), {**FORM, **chosen, "step": "send"}).content.decode()
    with override_settings(VOICE_CODE_MISSES_PER_ADDRESS_PER_HOUR=1):
        yield "an unknown code", client.get("/r/zzzzzz/", chosen).content.decode()
        yield "guessing", client.get(public(service), chosen).content.decode()
    actions.set_page_open(page=service, is_open=False)
    yield "closed", client.get(public(service), chosen).content.decode()


def publish_one_of_each(service: ServicePage) -> None:
    statuses = [("done", ""), ("not_possible", "Det kostar för mycket."), ("considered", ""), ("received", "")]
    themes = ["", *Suggestion.Theme.values]
    for number, theme in enumerate(themes):
        suggestion = actions.submit(page=service, helps=f"Förslag {number}.", respondent="relative", theme=theme)
        actions.review(suggestion=suggestion, publish=True)
        status, reason = statuses[number % len(statuses)]
        actions.set_status(suggestion=suggestion, status=status, reason=reason)
        actions.answer(suggestion=suggestion, text="Vi har fasta team nu.")


@pytest.mark.parametrize("language", DRAFTS)
def test_every_text_on_the_public_pages_is_translated(client, service, language):
    shown: list[str] = []
    with looked_up(language) as missing:
        for what, html in every_public_page(client, service, language):
            assert f'lang="{language}"' in html, what
            shown.append(what)

    assert len(shown) == 16
    assert not missing, f"translate in tillit/locale/{language}/LC_MESSAGES/django.po:\n" + "\n".join(sorted(missing))


def test_the_check_finds_a_text_that_is_not_translated(client, service):
    with looked_up("fi") as missing:
        client.get(public(service), {"sprak": "fi"})
        from django.utils import translation

        with translation.override("fi"):
            translation.gettext("A sentence nobody has translated.")
            translation.ngettext("one new thing", "%(count)s new things", 2)

    assert missing == {"A sentence nobody has translated.", "one new thing / %(count)s new things"}


PUBLIC_FILES = (
    "tillit/voice/templates/voice/suggest.html",
    "tillit/voice/templates/voice/preview.html",
    "tillit/voice/templates/voice/thanks.html",
    "tillit/voice/templates/voice/closed.html",
    "tillit/voice/templates/voice/unknown.html",
    "tillit/voice/templates/voice/too_many.html",
    "tillit/voice/templates/voice/you_said.html",
    "tillit/voice/views/public.py",
    "tillit/templates/components/language_list.html",
    "tillit/templates/base.html",
    "tillit/templates/layout/header.html",
    "tillit/templates/layout/footer.html",
    "tillit/templates/forms/form.html",
    "tillit/privacy/masking.py",
)


def nplurals(catalogue: polib.POFile) -> int:
    return int(re.search(r"nplurals=(\d+)", catalogue.metadata["Plural-Forms"])[1])  # type: ignore[index]


@pytest.mark.parametrize("language", DRAFTS)
def test_every_message_of_the_public_files_is_translated_in_every_plural_form(language):
    """Also what no rendering above reaches; a plural needs every form the language has (Arabic six, Finnish two)."""
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    forms = nplurals(catalogue)
    public = [e for e in catalogue if any(path in PUBLIC_FILES for path, _line in e.occurrences) and not e.obsolete]
    untranslated = [
        entry.msgid
        for entry in public
        if "fuzzy" in entry.flags
        or (not entry.msgid_plural and not entry.msgstr)
        or (entry.msgid_plural and [i for i in range(forms) if not entry.msgstr_plural.get(i)])
    ]

    assert len(public) > 50
    assert untranslated == []
    assert forms == {"fi": 2, "ar": 6}[language]


@pytest.mark.parametrize("language", DRAFTS)
def test_the_compiled_catalogue_matches_the_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    source = {
        (entry.msgctxt, entry.msgid): (entry.msgstr, entry.msgstr_plural)
        for entry in polib.pofile(str(folder / "django.po")).translated_entries()
    }
    compiled = {
        (entry.msgctxt, entry.msgid): (entry.msgstr, entry.msgstr_plural)
        for entry in polib.mofile(str(folder / "django.mo"))
    }

    assert compiled == source, "run: make messages"


@pytest.mark.parametrize("language", DRAFTS)
def test_placeholders_survive_translation(language):
    pattern = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")
    broken = []
    for entry in polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po")).translated_entries():
        expected = set(pattern.findall(entry.msgid)) | set(pattern.findall(entry.msgid_plural or ""))
        if entry.msgid_plural:  # a form for one (Arabic: none, one, two) may say the number in words
            broken += [entry.msgid for text in entry.msgstr_plural.values() if set(pattern.findall(text)) - expected]
        elif set(pattern.findall(entry.msgstr)) != expected:
            broken.append(entry.msgid)
    assert broken == []


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("fi", 1, "Poistimme tekstistäsi puhelinnumeron ennen tallennusta."),
        ("fi", 3, "Poistimme tekstistäsi 3 puhelinnumeroa ennen tallennusta."),
        ("ar", 1, "رقم هاتف"),
        ("ar", 2, "رقمَي هاتف"),
        ("ar", 5, "5 أرقام هواتف"),
        ("ar", 11, "11 رقمَ هاتف"),
        ("ar", 100, "100 رقم هاتف"),
    ],
)
def test_the_removal_notice_has_the_plural_forms_of_the_language(language, count, expected):
    from django.utils import translation

    from tillit.privacy.masking import PHONE_NUMBER, removal_notice

    with translation.override(language):
        assert expected in removal_notice({PHONE_NUMBER: count})


# -- Choosing, remembering, the browser's languages ------------------------------------------------------------------


def html_tag(response) -> str:  # type: ignore[no-untyped-def]
    return re.search(r"<html[^>]*>", response.content.decode())[0]  # type: ignore[index]


def test_choosing_a_language_remembers_it_and_the_next_visit_is_in_it(client, service):
    chosen = client.get(public(service), {"sprak": "fi"})

    cookie = chosen.cookies[COOKIE]
    assert cookie.value == "fi"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    assert 'lang="fi"' in html_tag(chosen)
    assert chosen["Content-Language"] == "fi"
    assert "Cookie" in chosen["Vary"]
    assert "Accept-Language" in chosen["Vary"]

    later = client.get(public(service, "vi-gjorde/"))
    assert 'lang="fi"' in html_tag(later)
    assert "Te sanoitte – me teimme" in later.content.decode()
    assert COOKIE not in later.cookies  # already remembered: not set again


def test_the_language_list_is_on_every_public_page_each_language_in_itself(client, service):
    for path in (public(service), public(service, "tack/"), public(service, "vi-gjorde/"), "/r/zzzzzz/"):
        text = client.get(path, {"sprak": "ar"}).content.decode()
        listed = re.findall(
            r'<button type="submit" name="sprak" value="(\w+)" class="button button--link" lang="(\w+)" '
            r'dir="(\w+)"( aria-current="true")?>([^<]+)</button>',
            text,
        )

        assert [(value, lang, direction) for value, lang, direction, _current, _name in listed] == [
            ("sv", "sv", "ltr"),
            ("en", "en", "ltr"),
            ("fi", "fi", "ltr"),
            ("ar", "ar", "rtl"),
        ]
        assert [bool(current) for *_rest, current, _name in listed] == [False, False, False, True]
        assert [name for *_rest, name in listed] == ["Svenska", "English", "Suomi", "العربية"]
        assert 'action="/r/sprak/"' in text
        assert f'<input type="hidden" name="next" value="{path}">' in text
        assert "sprak=" not in text  # the language is never put in an address (an access log would keep it)
        assert 'action="/i18n/setlang/"' not in text  # not the site's own Swedish/English switch


def test_arabic_is_right_to_left(client, service):
    response = client.get(public(service), {"sprak": "ar"})

    assert html_tag(response).startswith('<html lang="ar" dir="rtl"')
    assert "أخبرنا بما يهمك" in response.content.decode()
    assert html_tag(client.get(public(service), {"sprak": "fi"})).startswith('<html lang="fi" dir="ltr"')


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fi-FI,fi;q=0.9,en;q=0.8", "fi"),
        ("de-DE, ar;q=0.5, fi;q=0.3", "ar"),
        ("sv;q=0.2, fi;q=0.8", "fi"),
        ("EN-gb", None),  # an English browser is no choice of English (many Swedish speakers have one)
        ("en-GB,en;q=0.9,sv;q=0.5", "sv"),
        ("en, AR;q=0.5", "ar"),
        ("de, fr", None),
        ("ar;q=0, fi;q=0.1", "fi"),
        ("ar;q=abc, fi;q=2", None),
        (";;,,=q;", None),
        ("", None),
        ("fi," * 300, None),  # longer than a browser sends: not read
    ],
)
def test_the_browsers_languages_are_read_by_their_weights(header, expected):
    assert from_browser(header) == expected


def test_without_a_choice_the_browsers_language_decides_then_swedish(client, service):
    finnish = client.get(public(service), HTTP_ACCEPT_LANGUAGE="fi-FI,fi;q=0.9,sv;q=0.5")
    german = client.get(public(service), HTTP_ACCEPT_LANGUAGE="de-DE,de")

    assert 'lang="fi"' in html_tag(finnish)
    assert COOKIE not in finnish.cookies  # the browser's language is not a choice to remember
    assert 'lang="sv"' in html_tag(german)


def test_a_choice_wins_over_the_browser_and_the_remembered_language_over_the_browser(client, service):
    client.cookies[COOKIE] = "ar"

    assert 'lang="ar"' in html_tag(client.get(public(service), HTTP_ACCEPT_LANGUAGE="fi"))
    assert 'lang="en"' in html_tag(client.get(public(service), {"sprak": "en"}, HTTP_ACCEPT_LANGUAGE="fi"))
    assert client.cookies[COOKIE].value == "en"


def test_the_sites_own_language_choice_counts_before_the_browser(client, service):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    assert 'lang="en"' in html_tag(client.get(public(service), HTTP_ACCEPT_LANGUAGE="fi-FI,fi"))


def test_an_english_browser_alone_keeps_the_page_swedish(client, service):
    assert 'lang="sv"' in html_tag(client.get(public(service), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"))


@pytest.mark.parametrize("forged", ["xx", "<script>alert(1)</script>", "", "ar\x00", "a" * 5000, "sv-SE", "fi;ar"])
def test_a_forged_language_is_ignored_without_an_error(client, service, forged):
    choice = client.get(public(service), {"sprak": forged}, HTTP_ACCEPT_LANGUAGE="fi")
    client.cookies[COOKIE] = forged
    remembered = client.get(public(service, "vi-gjorde/"))
    posted = client.post(public(service), {**FORM, "sprak": forged})

    assert [choice.status_code, remembered.status_code, posted.status_code] == [200, 200, 200]
    assert 'lang="fi"' in html_tag(choice)  # the next source decides: here the browser's language
    assert COOKIE not in choice.cookies
    assert 'lang="sv"' in html_tag(remembered)
    assert "<script>alert" not in choice.content.decode()


def test_the_same_choice_twice_in_the_address_is_read_as_the_last(client, service):
    assert 'lang="ar"' in html_tag(client.get(f"{public(service)}?sprak=fi&sprak=ar"))


# -- The suggestion keeps its language -------------------------------------------------------------------------------


def test_the_form_keeps_its_language_through_preview_and_sending_and_the_suggestion_stores_it(client, service):
    form = client.get(public(service), {"sprak": "ar"}).content.decode()
    assert '<input type="hidden" name="sprak" value="ar">' in form
    client.cookies.clear()  # no cookie yet: the form carries the language, and posting it remembers it

    preview = client.post(public(service), {**FORM, "helps": "اتصل بي على 070-123 45 67", "sprak": "ar"})
    assert 'lang="ar"' in html_tag(preview)
    assert '<input type="hidden" name="sprak" value="ar">' in preview.content.decode()
    assert "أزلنا من نصك رقم هاتف قبل حفظه." in preview.content.decode()

    sent = client.post(public(service), {**FORM, "helps": "اتصل بي على 070-123 45 67", "sprak": "ar", "step": "send"})

    assert sent.status_code == 302
    assert sent["Location"] == public(service, "tack/")  # never in the address: the cookie remembers it
    assert client.cookies[COOKIE].value == "ar"  # set by the form posted in Arabic
    stored = Suggestion.objects.get()
    assert stored.language == "ar"
    assert "070" not in stored.helps
    thanks = client.get(sent["Location"])
    assert 'lang="ar"' in html_tag(thanks)


def test_a_remembered_language_needs_nothing_in_the_address_after_sending(client, service):
    client.get(public(service), {"sprak": "fi"})

    sent = client.post(public(service), {**FORM, "sprak": "fi", "step": "send"})

    assert sent["Location"] == public(service, "tack/")
    assert Suggestion.objects.get().language == "fi"


def test_english_reads_as_english(client, service):
    text = client.get(public(service), {"sprak": "en"}).content.decode()

    assert "Tell us what matters to you" in text
    assert "What makes a difference for you when you meet us?" in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", "Te sanoitte – me teimme"),
        ("ar", "قلتم – فعلنا"),
        ("en", "You said – we did"),
        ("sv", "Ni sa – vi gjorde"),
    ],
)
def test_you_said_we_did_in_all_four_languages(client, organisation, service, language, expected):
    publish_one_of_each(service)

    text = client.get(public(service, "vi-gjorde/"), {"sprak": language}).content.decode()

    assert expected in text
    assert text.count('<span lang="sv" dir="auto">Förslag') == len(Suggestion.Theme.values) + 1  # their own language


def test_a_signed_in_member_sees_the_public_page_in_the_language_chosen_with_the_list(client, facilitator, service):
    client.force_login(facilitator)

    response = client.get(public(service), {"sprak": "ar"})

    assert response.status_code == 200
    assert 'lang="ar"' in html_tag(response)
    assert "تسجيل الخروج" in response.content.decode()  # sign out, in Arabic
    assert 'lang="sv"' in html_tag(client.get("/", follow=True))  # the rest of the site keeps its own language


def test_choosing_from_the_list_remembers_the_language_and_goes_back(client, service):
    chosen = client.post("/r/sprak/", {"sprak": "fi", "next": public(service, "vi-gjorde/")})

    assert chosen.status_code == 302
    assert chosen["Location"] == public(service, "vi-gjorde/")
    assert chosen.cookies[COOKIE].value == "fi"
    assert 'lang="fi"' in html_tag(client.get(chosen["Location"]))


@pytest.mark.parametrize(
    ("language", "back"),
    [("xx", "/r/abc234/"), ("<script>", "/r/abc234/"), ("fi", "https://evil.example/r/"), ("fi", "/o/norrby/")],
)
def test_a_forged_choice_changes_nothing_and_goes_nowhere_else(client, language, back):
    response = client.post("/r/sprak/", {"sprak": language, "next": back})

    assert response.status_code == 302
    assert response["Location"] in {back, "/"}
    assert response["Location"].startswith("/r/") or response["Location"] == "/"
    assert (COOKIE in response.cookies) == (language == "fi")


def test_choosing_needs_a_post(client):
    assert client.get("/r/sprak/", {"sprak": "fi"}).status_code == 405
