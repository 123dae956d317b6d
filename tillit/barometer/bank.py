"""Tillit's item bank for Styrningsbarometern (PRODUCT.md 3.5).

`DEFAULT_ITEMS` is the questionnaire an organisation starts from, in the order it is asked: three
statements for each of the seven principles of trust-based governance, three on whether staff *can, want
to and dare to* help the service user, three on the preconditions (mandate, time, support), and three open
questions on the good meeting. `VALIDATED_BLOCKS` are optional blocks taken from published surveys, with a
national reference figure to draw as a line next to the organisation's own result.

The statements are written so that everyone in the steering chain (politicians, managers, staff) can
answer them: they speak of "min verksamhet" or "vår organisation" where a front-line wording would shut
somebody out. One idea per statement, short, in plain Swedish; the English text is a faithful translation.

Codes are stable forever: rounds on different instrument versions are compared item by item through the
code, so an item whose meaning changes needs a new code, never a rewritten text under the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tillit.barometer.models import Item, Theme


@dataclass(frozen=True)
class BankItem:
    code: str  # slug, unique over the whole module, e.g. "trust_1", stable forever
    theme: str  # a Theme value
    text_sv: str  # the statement or question in Swedish (max 300 characters)
    text_en: str  # the same in English (max 300 characters)
    kind: str = Item.Kind.SCALE
    origin: str = Item.Origin.BANK
    reference_share: Decimal | None = None  # national % agreeing, shown as a reference line
    reference_source: str = ""


@dataclass(frozen=True)
class ValidatedBlock:
    key: str
    name_sv: str
    name_en: str
    source: str  # citation
    items: tuple[BankItem, ...]


DEFAULT_ITEMS: tuple[BankItem, ...] = (
    # Tillit: trust as the starting point.
    BankItem(
        code="trust_1",
        theme=Theme.TRUST,
        text_sv="Jag får förtroende att använda mitt eget omdöme i arbetet.",
        text_en="I am trusted to use my own judgement in my work.",
    ),
    BankItem(
        code="trust_2",
        theme=Theme.TRUST,
        text_sv="Mitt arbete kontrolleras inte mer än vad som behövs.",
        text_en="My work is not checked more than necessary.",
    ),
    BankItem(
        code="trust_3",
        theme=Theme.TRUST,
        text_sv="I vår organisation utgår vi från att alla vill göra ett bra arbete.",
        text_en="In our organisation, we assume that everyone wants to do a good job.",
    ),
    # Brukarfokus: the service user's needs and experience guide the work.
    BankItem(
        code="service_user_focus_1",
        theme=Theme.SERVICE_USER_FOCUS,
        text_sv="I min verksamhet utgår vi från vad brukaren behöver.",
        text_en="In my area of work, we start from what the service user needs.",
    ),
    BankItem(
        code="service_user_focus_2",
        theme=Theme.SERVICE_USER_FOCUS,
        text_sv="I min verksamhet frågar vi brukarna hur de upplever det vi gör.",
        text_en="In my area of work, we ask service users how they experience what we do.",
    ),
    BankItem(
        code="service_user_focus_3",
        theme=Theme.SERVICE_USER_FOCUS,
        text_sv="Brukarnas erfarenheter påverkar hur vi utvecklar verksamheten.",
        text_en="Service users' experiences shape how we develop our work.",
    ),
    # Öppenhet: information is shared, dissent is allowed.
    BankItem(
        code="openness_1",
        theme=Theme.OPENNESS,
        text_sv="Jag får den information jag behöver för att göra ett bra arbete.",
        text_en="I get the information I need to do a good job.",
    ),
    BankItem(
        code="openness_2",
        theme=Theme.OPENNESS,
        text_sv="Jag kan framföra kritik utan att vara rädd för följderna.",
        text_en="I can voice criticism without fear of the consequences.",
    ),
    BankItem(
        code="openness_3",
        theme=Theme.OPENNESS,
        text_sv="I vår organisation ses olika åsikter som en tillgång.",
        text_en="In our organisation, differing views are seen as an asset.",
    ),
    # Delegering och handlingsutrymme: decisions close to the service user, room to act.
    BankItem(
        code="delegation_1",
        theme=Theme.DELEGATION,
        text_sv="I vår organisation fattas beslut så nära brukaren som möjligt.",
        text_en="In our organisation, decisions are made as close to the service user as possible.",
    ),
    BankItem(
        code="delegation_2",
        theme=Theme.DELEGATION,
        text_sv="I min verksamhet får de som möter brukarna anpassa hjälpen efter varje brukares behov.",
        text_en="In my area of work, those who meet service users may adapt the help to each user's needs.",
    ),
    BankItem(
        code="delegation_3",
        theme=Theme.DELEGATION,
        text_sv="Jag har tillräckligt utrymme att själv bestämma hur jag gör mitt arbete.",
        text_en="I have enough room to decide for myself how I do my work.",
    ),
    # Stöd: managers, administration and support functions support the meeting, not the other way round.
    BankItem(
        code="support_1",
        theme=Theme.SUPPORT,
        text_sv="I vår organisation ser cheferna det som sin uppgift att stödja dem som möter brukarna.",
        text_en="In our organisation, managers see it as their job to support those who meet service users.",
    ),
    BankItem(
        code="support_2",
        theme=Theme.SUPPORT,
        text_sv="Stödfunktioner som ekonomi, HR och IT gör det lättare att hjälpa brukarna.",
        text_en="Support functions such as finance, HR and IT make it easier to help service users.",
    ),
    BankItem(
        code="support_3",
        theme=Theme.SUPPORT,
        text_sv="Administrativa rutiner i vår organisation underlättar arbetet mer än de försvårar det.",
        text_en="In our organisation, administrative routines make the work easier rather than harder.",
    ),
    # Samverkan och helhetssyn: work across borders, take responsibility for the whole.
    BankItem(
        code="collaboration_1",
        theme=Theme.COLLABORATION,
        text_sv="I vår organisation samarbetar vi över enhetsgränser när brukaren behöver det.",
        text_en="In our organisation, we work across unit boundaries when the service user needs it.",
    ),
    BankItem(
        code="collaboration_2",
        theme=Theme.COLLABORATION,
        text_sv="I min verksamhet samarbetar vi väl med andra aktörer som brukaren har kontakt med.",
        text_en="In my area of work, we work well with other organisations the service user is in contact with.",
    ),
    BankItem(
        code="collaboration_3",
        theme=Theme.COLLABORATION,
        text_sv="I vår organisation tar vi ansvar för helheten, inte bara för vår egen del.",
        text_en="In our organisation, we take responsibility for the whole, not just our own part.",
    ),
    # Kunskap: learning and knowledge transfer are used and rewarded.
    BankItem(
        code="knowledge_1",
        theme=Theme.KNOWLEDGE,
        text_sv="I min verksamhet lär vi av varandras erfarenheter.",
        text_en="In my area of work, we learn from each other's experience.",
    ),
    BankItem(
        code="knowledge_2",
        theme=Theme.KNOWLEDGE,
        text_sv="Medarbetarnas erfarenheter tas tillvara när beslut fattas.",
        text_en="Staff experience is put to use when decisions are made.",
    ),
    BankItem(
        code="knowledge_3",
        theme=Theme.KNOWLEDGE,
        text_sv="I vår organisation uppskattas den som delar med sig av sin kunskap.",
        text_en="In our organisation, people who share their knowledge are appreciated.",
    ),
    # Kan, vill och vågar: the Trust Delegation's definition of what the steering chain must make sure of.
    BankItem(
        code="capability_can",
        theme=Theme.CAPABILITY,
        text_sv="I min verksamhet har vi den kompetens som behövs för att hjälpa brukarna.",
        text_en="In my area of work, we have the competence needed to help service users.",
    ),
    BankItem(
        code="capability_want",
        theme=Theme.CAPABILITY,
        text_sv="I min verksamhet är vi motiverade att hjälpa brukarna utifrån deras behov.",
        text_en="In my area of work, we are motivated to help service users according to their needs.",
    ),
    BankItem(
        code="capability_dare",
        theme=Theme.CAPABILITY,
        text_sv="I min verksamhet vågar vi göra det brukaren behöver, även när det går utanför rutinerna.",
        text_en="In my area of work, we dare to do what the service user needs, even when it goes beyond routines.",
    ),
    # Förutsättningar: mandate, time and support.
    BankItem(
        code="preconditions_mandate",
        theme=Theme.PRECONDITIONS,
        text_sv="Jag har mandat att fatta de beslut som mitt uppdrag kräver.",
        text_en="I have the mandate to make the decisions my role requires.",
    ),
    BankItem(
        code="preconditions_time",
        theme=Theme.PRECONDITIONS,
        text_sv="Jag har tillräckligt med tid för det som är viktigast i mitt uppdrag.",
        text_en="I have enough time for what matters most in my role.",
    ),
    BankItem(
        code="preconditions_support",
        theme=Theme.PRECONDITIONS,
        text_sv="Jag har tillgång till det stöd jag behöver i mitt uppdrag, till exempel verktyg och expertis.",
        text_en="I have access to the support I need in my role, such as tools and expert advice.",
    ),
    # Det goda mötet: open questions.
    BankItem(
        code="open_value",
        theme=Theme.GOOD_MEETING,
        kind=Item.Kind.OPEN,
        text_sv="Vad skapar värde i mötet med brukarna, i ditt eget arbete eller i din verksamhet?",
        text_en="What creates value in meetings with service users, in your own work or in your organisation?",
    ),
    BankItem(
        code="open_obstacle",
        theme=Theme.GOOD_MEETING,
        kind=Item.Kind.OPEN,
        text_sv="Vad står i vägen för ett bra möte med brukarna?",
        text_en="What gets in the way of a good meeting with service users?",
    ),
    BankItem(
        code="open_signal",
        theme=Theme.GOOD_MEETING,
        kind=Item.Kind.OPEN,
        text_sv="Vilken regel, vilket mått eller vilket rapporteringskrav skulle du ta bort, och varför?",
        text_en="Which rule, measure or reporting requirement would you remove, and why?",
    ),
)


# Statskontoret, "Tillit på jobbet" (2016): a survey, run through SCB, of about 4,800 employees aged
# 20-67 in the state, municipalities, regions (landsting) and the private sector, published as
# background to the government assignment on developed governance of the public sector. As reported by
# Statskontoret and Arbetsgivarverket:
#   - trust shown by the manager ("chefen visar tillit"): 89 % of all respondents, 86 % in the state;
#   - trust at the workplace ("vi litar på varandra på min arbetsplats"): 86 % of all respondents,
#     80 % in the state.
# The references below are the figures for all respondents (89 for the manager item, 86 for the
# workplace item). An organisation that wants the state as its reference should use 86 and 80 instead.
# The survey counted those answering "alltid" or "oftast" (always or mostly), a frequency scale, so a
# comparison with the share agreeing on our five-point scale is indicative only.
# CHECK BEFORE PUBLISHING COMPARISONS: the pairing of each figure to an item, the population and the
# exact question wording must be checked against the report itself before an organisation shows these
# reference lines outside the organisation. The item texts are our own wording, not the survey's.
_STATSKONTORET_SOURCE = "Statskontoret 2016, Tillit på jobbet"

VALIDATED_BLOCKS: dict[str, ValidatedBlock] = {
    "statskontoret_2016": ValidatedBlock(
        key="statskontoret_2016",
        name_sv="Tillit på jobbet (Statskontoret 2016)",
        name_en="Trust at work (Swedish Agency for Public Management, 2016)",
        source=(
            "Statskontoret (2016). Tillit på jobbet. Underlagsrapport till uppdraget om utvecklad statlig "
            "styrning. https://www.statskontoret.se/publicerat/publikationer/2016/tillit-pa-jobbet/"
        ),
        items=(
            BankItem(
                code="statskontoret_manager",
                theme=Theme.TRUST,
                origin=Item.Origin.VALIDATED,
                text_sv="Min närmaste chef visar att hen litar på mig.",
                text_en="My immediate manager shows that they trust me.",
                reference_share=Decimal("89"),  # check against the report, see above
                reference_source=_STATSKONTORET_SOURCE,
            ),
            BankItem(
                code="statskontoret_colleagues",
                theme=Theme.TRUST,
                origin=Item.Origin.VALIDATED,
                text_sv="På min arbetsplats har vi tillit till varandra.",
                text_en="At my workplace, we trust one another.",
                reference_share=Decimal("86"),  # check against the report, see above
                reference_source=_STATSKONTORET_SOURCE,
            ),
        ),
    ),
}


def validated_block(key: str) -> ValidatedBlock:
    """The validated block with this key; KeyError for an unknown key."""
    try:
        return VALIDATED_BLOCKS[key]
    except KeyError:
        raise KeyError(f"no validated block {key!r}; known: {', '.join(sorted(VALIDATED_BLOCKS))}") from None
