"""The PDF report: what it shows, and that nothing behind fewer than k raters reaches it."""

import datetime

import pytest
from django.utils import formats

from tillit.privacy.suppression import HIDDEN, Cell
from tillit.reports.pdf import DASH, cell_figure, printable
from tillit.workshops import actions, exporting, queries, ranking
from tillit.workshops.models import Workshop
from tillit.workshops.report_pdf import interval, render_report
from tillit.workshops.tests.conftest import participant_of, rate_all, raters
from tillit.workshops.tests.outside import swedish

pytestmark = pytest.mark.django_db


def report(workshop: Workshop) -> bytes:
    """The report, uncompressed so that its text can be searched."""
    return render_report(
        workshop=workshop,
        results=queries.workshop_results(workshop),
        mix=queries.participant_mix(workshop),
        chain=queries.effect_chain(workshop),
        decisions=list(workshop.decisions.select_related("activity", "effect")),
        compress=False,
    )


def shows(pdf: bytes, text: str) -> bool:
    """Whether `text` is written on a page: a PDF string in the core fonts' code page, brackets escaped."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"({escaped})".encode("cp1252") in pdf or f"({escaped}".encode("cp1252") in pdf


def test_the_report_is_a_pdf_with_the_title_the_purpose_and_the_cards(workshop, chain, organisation, make_member):
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 5))

    pdf = report(workshop)

    assert pdf.startswith(b"%PDF-")
    assert shows(pdf, "Trygg hemtjänst")
    assert shows(pdf, "Äldre i hemtjänsten ska känna sig trygga hemma.")
    assert shows(pdf, "Fasta team")
    assert shows(pdf, "Jag känner mig trygg")
    assert b"/Creator (Tillit)" in pdf
    assert b"/Lang (sv)" in pdf


def test_the_report_names_nobody(workshop, chain, organisation, make_member, facilitator, employee, manager):
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 5))

    pdf = report(workshop)

    for person in (facilitator, employee, manager):
        assert person.full_name.encode("cp1252") not in pdf
    assert b"Person 1 " not in pdf


def test_long_texts_wrap(workshop, chain):
    workshop.title = "Trygg " * 25
    workshop.purpose = "Äldre ska känna sig trygga hemma. " * 29
    workshop.save(update_fields=["title", "purpose"])

    pdf = report(workshop)

    assert pdf.startswith(b"%PDF-")
    assert shows(pdf, "Äldre ska känna sig trygga hemma.")


def test_shown_figures_are_printed_with_a_decimal_comma(workshop, chain, organisation, make_member):
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 5))

    pdf = report(workshop)

    assert shows(pdf, "1,50")  # expected contribution of Fasta team: 3/4 x 2
    assert shows(pdf, "3,00")  # importance


def test_fewer_raters_than_the_threshold_show_no_figures(workshop, chain, organisation, make_member):
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 4))
    effect_chain = queries.effect_chain(workshop)
    scores = ranking.rank_activities(queries.workshop_ratings(workshop, effect_chain), bootstrap=0)
    team = next(score for score in scores if score.activity == chain["team"].pk)

    pdf = report(workshop)

    assert team.expected_contribution == pytest.approx(1.5)
    assert not shows(pdf, formats.number_format(team.expected_contribution, 2))
    assert not shows(pdf, formats.number_format(team.expected_contribution, 1))  # nor in the matrix
    assert not shows(pdf, "3,00")  # the hidden importance
    assert shows(pdf, DASH)
    assert shows(pdf, "Fasta team")


def test_hidden_and_undefined_figures_print_as_a_dash():
    hidden = Cell(HIDDEN, HIDDEN)

    assert cell_figure(hidden) == DASH
    assert cell_figure(None) == DASH
    assert cell_figure(Cell(None, 0)) == DASH
    assert interval(hidden, HIDDEN, HIDDEN) == DASH
    assert interval(Cell(1.5, 5), None, None) == DASH


def test_text_outside_the_fonts_code_page_is_mapped():
    assert printable("“Trygg” – åäö é …") == "“Trygg” – åäö é …"
    assert printable("a → b ≥ c ≤ d") == "a -> b >= c <= d"
    assert printable("Kraków ş 😀\x07") == "Kraków s ?"


def test_a_title_outside_latin_1_renders(workshop, chain):
    workshop.title = "“Trygg” – hemtjänst → hemma ≥ 3 … 😀"
    workshop.save(update_fields=["title"])
    actions.edit_item(item=chain["team"], title="Fasta team → färre ≠ fler", description="", version=1)

    pdf = report(workshop)

    assert pdf.startswith(b"%PDF-")
    assert shows(pdf, "“Trygg” – hemtjänst -> hemma >= 3 … ?")
    assert shows(pdf, "Fasta team -> färre != fler")


def test_an_empty_workshop_renders(workshop):
    pdf = report(workshop)

    assert pdf.startswith(b"%PDF-")
    assert shows(pdf, "Trygg hemtjänst")


def test_the_compressed_report_renders(workshop, chain):
    pdf = render_report(
        workshop=workshop,
        results=queries.workshop_results(workshop),
        mix=queries.participant_mix(workshop),
        chain=queries.effect_chain(workshop),
        decisions=[],
    )

    assert pdf.startswith(b"%PDF-")
    assert b"/FlateDecode" in pdf
    assert not shows(pdf, "Fasta team")


def test_decisions_are_in_the_report(workshop, chain, facilitator):
    actions.record_decision(
        decided_by=participant_of(workshop, facilitator),
        activity=chain["team"],
        effect=chain["safe"],
        owner="Enhetschef Hemtjänst Norr",
        follow_up="Brukarenkät",
        due_on=datetime.date(2027, 6, 1),
    )

    pdf = report(workshop)

    assert shows(pdf, "Enhetschef")  # the owner column wraps the rest
    assert shows(pdf, "Brukarenkät")
    assert shows(pdf, formats.date_format(datetime.date(2027, 6, 1), "SHORT_DATE_FORMAT"))


def test_a_large_workshop_breaks_across_pages(workshop, chain, organisation, make_member, facilitator):
    author = participant_of(workshop, facilitator)
    effects = [
        actions.propose(participant=author, kind="effect", title=f"Effekt {number} " + "med en lång titel " * 3)
        for number in range(12)
    ]
    for number in range(40):
        activity = actions.propose(participant=author, kind="activity", title=f"Aktivitet {number} " + "ord " * 20)
        actions.link(source=activity, target=effects[number % len(effects)])
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 5))

    pdf = report(workshop)

    assert pdf.count(b"/Type /Page\n") >= 5
    assert b"Aktivitet 39" in pdf


def test_the_csv_holds_the_decisions_as_the_pdf_does(workshop, chain, facilitator):
    empty = exporting.results_csv(queries.workshop_results(workshop), list(queries.decisions(workshop)))
    actions.record_decision(
        decided_by=participant_of(workshop, facilitator),
        activity=chain["team"],
        effect=chain["safe"],
        owner="Enhetschef Hemtjänst Norr",
        follow_up="=Brukarenkät",
        due_on=datetime.date(2027, 6, 1),
    )

    text = exporting.results_csv(queries.workshop_results(workshop), list(queries.decisions(workshop))).decode(
        "utf-8-sig"
    )

    assert swedish("No decisions yet.") in empty.decode("utf-8-sig")
    decision = next(line for line in text.splitlines() if "Enhetschef Hemtjänst Norr" in line).split(";")
    assert decision == [
        chain["team"].title,
        chain["safe"].title,
        "Enhetschef Hemtjänst Norr",
        "'=Brukarenkät",
        "2027-06-01",
    ]
