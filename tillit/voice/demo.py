"""Demo of Brukarrösten for Exempelkommun (PRODUCT.md 3.3), built through tillit.voice.actions.

Four services have public pages, with about 80 suggestions over the last two months: Hemtjänst Norr (from service
users and relatives on the web, some on paper and by phone, in every state of review and status, a few answered),
Hemtjänst Söder, Särskilt boende Lindgården and Elevhälsan (`demo_texts`: a few in English, Finnish and Arabic, some
with a personnummer, phone numbers or an e-mail address that masking removes before storage). One suggestion names a
member of staff and is flagged for the moderator.
"""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tillit.organisations.models import Organisation, Unit
from tillit.voice import actions
from tillit.voice.demo_texts import MORE
from tillit.voice.models import ServicePage, Suggestion
from tillit.workshops import queries as workshop_queries

S = Suggestion
# (what makes a difference, what gets in the way, theme, who, channel, review, status, reason or answer)
HOME_CARE = [
    (
        "Att det är samma personal som kommer.",
        "Nya vikarier nästan varje dag.",
        S.Theme.CONTINUITY,
        S.Respondent.SERVICE_USER,
        S.Channel.WEB,
        S.Review.PUBLISHED,
        S.Status.CONSIDERED,
        "",
    ),
    (
        "Att de har tid att sitta ner en stund.",
        "De har alltid bråttom.",
        S.Theme.CONDUCT,
        S.Respondent.SERVICE_USER,
        S.Channel.PAPER,
        S.Review.PUBLISHED,
        S.Status.DONE,
        "Från mars planerar vi tio minuter extra vid varje förmiddagsbesök.",
    ),
    (
        "Jag vill veta vilken tid de kommer.",
        "Tiderna ändras utan att någon säger till.",
        S.Theme.INFLUENCE,
        S.Respondent.SERVICE_USER,
        S.Channel.WEB,
        S.Review.PUBLISHED,
        S.Status.DONE,
        "Du får nu ett sms dagen före med tiden för besöket.",
    ),
    (
        "Min mamma blir trygg när personalen pratar finska.",
        "",
        S.Theme.SAFETY,
        S.Respondent.RELATIVE,
        S.Channel.WEB,
        S.Review.PUBLISHED,
        S.Status.CONSIDERED,
        "",
    ),
    (
        "Att få gå ut på promenad.",
        "Promenaden ställs in när det är ont om personal.",
        S.Theme.ACTIVITIES,
        S.Respondent.SERVICE_USER,
        S.Channel.PHONE,
        S.Review.PUBLISHED,
        S.Status.RECEIVED,
        "",
    ),
    (
        "Maten ska vara varm.",
        "Matlådorna är kalla när de kommer.",
        S.Theme.OTHER,
        S.Respondent.SERVICE_USER,
        S.Channel.PAPER,
        S.Review.PUBLISHED,
        S.Status.NOT_POSSIBLE,
        "Maten levereras av en annan nämnd; vi har tagit frågan dit.",
    ),
    (
        "Att larmet fungerar och att någon kommer snabbt.",
        "Det tog en timme en natt.",
        S.Theme.SAFETY,
        S.Respondent.RELATIVE,
        S.Channel.WEB,
        S.Review.PUBLISHED,
        S.Status.CONSIDERED,
        "",
    ),
    (
        "Att personalen knackar och väntar innan de går in.",
        "",
        S.Theme.CONDUCT,
        S.Respondent.SERVICE_USER,
        S.Channel.WEB,
        S.Review.PUBLISHED,
        S.Status.DONE,
        "Vi har tagit upp det på arbetsplatsträffen och i introduktionen för nya.",
    ),
    (
        "Jag vill själv bestämma när jag duschar.",
        "",
        S.Theme.INFLUENCE,
        S.Respondent.SERVICE_USER,
        S.Channel.MEETING,
        S.Review.PUBLISHED,
        S.Status.CONSIDERED,
        "",
    ),
    (
        "Anhöriga vill få veta hur det går.",
        "Vi får ingen information.",
        S.Theme.INFLUENCE,
        S.Respondent.RELATIVE,
        S.Channel.WEB,
        S.Review.PENDING,
        S.Status.RECEIVED,
        "",
    ),
    (
        "Karin på förmiddagen är fantastisk.",
        "",
        S.Theme.CONDUCT,
        S.Respondent.RELATIVE,
        S.Channel.WEB,
        S.Review.PENDING,
        S.Status.RECEIVED,
        "",
    ),
    (
        "Hjälp med att handla själv i affären.",
        "",
        S.Theme.ACTIVITIES,
        S.Respondent.HELPER,
        S.Channel.WEB,
        S.Review.PENDING,
        S.Status.RECEIVED,
        "",
    ),
    (
        "Att nattpersonalen inte väcker mig i onödan.",
        "",
        S.Theme.SAFETY,
        S.Respondent.SERVICE_USER,
        S.Channel.PHONE,
        S.Review.PENDING,
        S.Status.RECEIVED,
        "",
    ),
    (
        "Trappan är hal, någon måste sanda.",
        "",
        S.Theme.ACCESSIBILITY,
        S.Respondent.SERVICE_USER,
        S.Channel.WEB,
        S.Review.REJECTED,
        S.Status.RECEIVED,
        "",
    ),
    (
        "Samma personal varje vecka.",
        "",
        "",
        S.Respondent.SERVICE_USER,
        S.Channel.WEB,
        S.Review.PENDING,
        S.Status.RECEIVED,
        "",
    ),
    (
        "Bra bemötande i telefon.",
        "",
        S.Theme.CONDUCT,
        S.Respondent.OTHER,
        S.Channel.WEB,
        S.Review.PUBLISHED,
        S.Status.RECEIVED,
        "",
    ),
]
STUDENT_HEALTH = [
    (
        "Att skolsköterskan har drop-in varje dag.",
        "Man får vänta flera veckor.",
        S.Theme.ACCESSIBILITY,
        S.Respondent.SERVICE_USER,
    ),
    ("Att kuratorn finns på plats oftare.", "", S.Theme.ACCESSIBILITY, S.Respondent.SERVICE_USER),
    ("Att vuxna frågar hur man mår.", "Ingen frågar.", S.Theme.CONDUCT, S.Respondent.RELATIVE),
]


def build_demo_voice(organisation: Organisation, rng: random.Random) -> None:
    today = timezone.localdate()
    home_care = _page(organisation, "Hemtjänst Norr", opened_days_ago=62)
    for index, (helps, hinders, theme, who, channel, review, status, text) in enumerate(HOME_CARE):
        suggestion = actions.submit(
            page=home_care,
            helps=helps,
            hinders=hinders,
            theme=theme,
            respondent=who,
            channel=channel,
            contact="070-000 00 00" if index == 9 else "",
        )
        _decide(suggestion, review, status, text)
        received = today - datetime.timedelta(
            days=rng.randint(3, 60) if review != S.Review.PENDING else rng.randint(0, 4)
        )
        Suggestion.objects.filter(pk=suggestion.pk).update(
            received_on=received,
            answered_on=received + datetime.timedelta(days=rng.randint(2, 14)) if status == S.Status.DONE else None,
        )
    health = _page(organisation, "Elevhälsan", opened_days_ago=50)
    for helps, hinders, theme, who in STUDENT_HEALTH:
        actions.submit(page=health, helps=helps, hinders=hinders, theme=theme, respondent=who)
    pages = {
        "Elevhälsan": health,
        "Hemtjänst Söder": _page(organisation, "Hemtjänst Söder", opened_days_ago=60),
        "Särskilt boende Lindgården": _page(organisation, "Särskilt boende Lindgården", opened_days_ago=62),
    }
    for service, helps, hinders, theme, who, channel, language, review, status, text, days_ago in MORE:
        suggestion = actions.submit(
            page=pages[service],
            helps=helps,
            hinders=hinders,
            theme=theme,
            respondent=who,
            channel=channel,
            language=language,
        )
        _decide(suggestion, review, status, text)
        received = today - datetime.timedelta(days=days_ago)
        answered = min(today, received + datetime.timedelta(days=rng.randint(2, 21)))
        Suggestion.objects.filter(pk=suggestion.pk).update(
            received_on=received, answered_on=answered if status == S.Status.DONE else None
        )
    merge_and_link_demo(organisation)


def _decide(suggestion: Suggestion, review: str, status: str, text: str) -> None:
    if review != S.Review.PENDING:
        actions.review(suggestion=suggestion, publish=review == S.Review.PUBLISHED)
    if status == S.Status.NOT_POSSIBLE:
        actions.set_status(suggestion=suggestion, status=status, reason=text)
    elif status != S.Status.RECEIVED:
        actions.set_status(suggestion=suggestion, status=status)
    if status == S.Status.DONE:
        actions.answer(suggestion=suggestion, text=text)


def _page(organisation: Organisation, unit_name: str, *, opened_days_ago: int) -> ServicePage:
    page = actions.open_page(
        organisation=organisation, unit=Unit.objects.get(organisation=organisation, name=unit_name), name=unit_name
    )
    page.opened_on = timezone.localdate() - datetime.timedelta(days=opened_days_ago)
    ServicePage.objects.filter(pk=page.pk).update(opened_on=page.opened_on)
    return page


def voice_summary(organisation: Organisation) -> str:
    """A line for seed_demo's summary: the service pages and where suggestions are reviewed."""
    pages = ServicePage.objects.filter(organisation=organisation).order_by("name")
    addresses = ", ".join(
        f"{settings.SITE_URL}{reverse('voice:suggest', kwargs={'code': page.code})} ({page.name})" for page in pages
    )
    review = reverse("voice:suggestions", kwargs={"organisation": organisation.slug})
    return f"Brukarrösten in {organisation.name}: public pages {addresses}; review at {settings.SITE_URL}{review}"


# Merged near-duplicates, and suggestions behind the demo workshops' cards ----------------------------------------

# (service, the one merged, service, the one kept): a waiting one, and a published one counted under the one kept
# on the service's public page (only the same service's count there).
DEMO_MERGES = [
    ("Hemtjänst Norr", "Samma personal varje vecka.", "Hemtjänst Norr", "Att det är samma personal som kommer."),
    ("Hemtjänst Söder", "Samma personal på morgnarna, tack.", "Hemtjänst Söder", "Samma två personer på morgonen."),
]
# (service, suggestion, workshop, effect or activity). The waiting ones show in the workshop once published; "Mina
# anhöriga får veta när något ändras" has only a waiting one, so the chain warns that no service user's voice is
# behind it, as it does for the effects no suggestion is linked to.
DEMO_LINKS = [
    ("Hemtjänst Norr", "Att det är samma personal som kommer.", "Trygg hemtjänst", "Jag känner igen personalen"),
    (
        "Hemtjänst Norr",
        "Att de har tid att sitta ner en stund.",
        "Trygg hemtjänst",
        "Personalen har tid att prata en stund",
    ),
    (
        "Hemtjänst Söder",
        "När de har tid att prata om annat än sysslorna.",
        "Trygg hemtjänst",
        "Personalen har tid att prata en stund",
    ),
    ("Hemtjänst Norr", "Jag vill veta vilken tid de kommer.", "Trygg hemtjänst", "Jag vet vem som kommer och när"),
    (
        "Hemtjänst Norr",
        "Jag vill själv bestämma när jag duschar.",
        "Trygg hemtjänst",
        "Jag får hjälp på det sätt jag vill",
    ),
    (
        "Hemtjänst Norr",
        "Att larmet fungerar och att någon kommer snabbt.",
        "Trygg hemtjänst",
        "Jag når någon som känner mig, också på kvällar och helger",
    ),
    ("Hemtjänst Söder", "Att de ringer om de blir sena.", "Trygg hemtjänst", "Kontaktperson som ringer vid förändring"),
    (
        "Hemtjänst Norr",
        "Anhöriga vill få veta hur det går.",
        "Trygg hemtjänst",
        "Mina anhöriga får veta när något ändras",
    ),
    (
        "Elevhälsan",
        "Drop-in efter lunch också.",
        "Elevhälsa som når fram",
        "Drop-in-tid hos skolsköterskan utan bokning",
    ),
    (
        "Elevhälsan",
        "Att man får prata med samma kurator hela tiden.",
        "Elevhälsa som når fram",
        "Jag slipper berätta samma sak för flera vuxna",
    ),
]


def merge_and_link_demo(organisation: Organisation) -> None:
    """Merge the demo's near-duplicates and link suggestions to the demo workshops' effects and activities, through
    the actions (after the workshops are built: `tillit.demo.seeding` builds them first)."""

    def suggestion(service: str, helps: str) -> Suggestion:
        return Suggestion.objects.get(organisation=organisation, page__name=service, helps=helps)

    for service, merged, kept_service, kept in DEMO_MERGES:
        actions.merge(suggestion=suggestion(service, merged), into=suggestion(kept_service, kept))
    cards = {
        (workshop.title, card.title): card
        for workshop, listed in workshop_queries.cards_for_voices(organisation)
        for card in listed
    }
    for service, helps, workshop, title in DEMO_LINKS:
        actions.link_to_item(suggestion=suggestion(service, helps), item=cards[workshop, title])
