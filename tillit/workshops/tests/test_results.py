"""Results: ranked and suppressed. Nothing behind fewer than k raters reaches the page or the export."""

import csv
import io

import pytest
from django.urls import reverse

from tillit.organisations.models import ActorGroup
from tillit.workshops import actions, queries
from tillit.workshops.models import Workshop
from tillit.workshops.tests.conftest import participant_of, rate_all, raters
from tillit.workshops.tests.outside import swedish

pytestmark = pytest.mark.django_db


def url(name, workshop):
    return reverse(f"workshops:{name}", kwargs={"workshop": workshop.public_id})


def test_results_rank_the_activities_with_an_interval(workshop, chain, organisation, make_member):
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 5))

    results = queries.workshop_results(workshop)

    top = results.activities[0]
    assert top.item == chain["team"]
    assert top.score.value == pytest.approx(3 / 4 * 2)  # (importance 3 / 4) x contribution 2
    assert top.low <= top.score.value <= top.high
    assert results.effects[0].quadrant == "prioritise"  # important (3), poorly achieved (2)


def test_fewer_raters_than_the_threshold_shows_no_figures(
    client, workshop, chain, organisation, make_member, facilitator
):
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 4))
    client.force_login(facilitator)

    results = queries.workshop_results(workshop)
    body = client.get(url("results", workshop)).content.decode()

    assert results.activities[0].score.hidden
    assert results.effects[0].importance.hidden
    assert "1,50" not in body
    assert "0,75" not in body
    assert "färre än 5" in body


def test_a_small_group_is_hidden_and_so_is_its_complement(workshop, chain, organisation, make_member):
    staff = raters(workshop, organisation, make_member, 6)
    politicians = raters(workshop, organisation, make_member, 2, group=ActorGroup.Key.POLITICIAN)
    rate_all(workshop, chain, staff + politicians)

    table = queries.workshop_results(workshop).importance_by_actor_group
    row = next(row for row in table.rows if row.item == chain["safe"])
    shown = {group: cell for group, cell in zip(table.groups, row.by_group, strict=True) if not cell.hidden}

    assert not row.overall.hidden
    # Politicians (2) are hidden; staff (6) would then equal the total minus the politicians'
    # share, so staff is hidden too: no group may be worked out from the total.
    assert shown == {}


def test_the_csv_export_has_the_same_suppression(client, workshop, chain, organisation, make_member, employee):
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 4))
    client.force_login(employee)

    response = client.get(url("results_csv", workshop))

    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    team = next(row for row in rows if len(row) > 1 and row[1] == "Fasta team")
    assert response["Content-Type"].startswith("text/csv")
    assert team[2:] == ["", "", "", ""]


def test_the_csv_export_defuses_formulas_in_titles(client, workshop, chain, organisation, make_member, employee):
    actions.edit_item(item=chain["team"], title='=HYPERLINK("http://x")', description="", version=chain["team"].version)
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 5))
    client.force_login(employee)

    text = client.get(url("results_csv", workshop)).content.decode("utf-8-sig")

    assert "'=HYPERLINK" in text
    assert ";=HYPERLINK" not in text


def test_a_participant_cannot_record_a_decision(client, workshop, chain, employee):
    client.force_login(employee)

    response = client.post(
        url("results", workshop),
        {
            "link": f"{chain['team'].public_id}:{chain['safe'].public_id}",
            "owner": "x",
            "follow_up": "y",
            "due_on": "2027-01-01",
        },
    )

    assert response.status_code == 403
    assert not workshop.decisions.exists()


def test_the_leader_records_a_decision(client, workshop, chain, facilitator):
    actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)
    client.force_login(facilitator)

    client.post(
        url("results", workshop),
        {
            "link": f"{chain['team'].public_id}:{chain['safe'].public_id}",
            "owner": "Enhetschef Hemtjänst Norr",
            "follow_up": "Brukarenkät",
            "due_on": "2027-06-01",
        },
    )

    decision = workshop.decisions.get()
    assert decision.activity == chain["team"]
    assert decision.decided_by == participant_of(workshop, facilitator)


@pytest.mark.parametrize("link", ["", "nonsense", "a:b:c", "00000000-0000-0000-0000-000000000000:x"])
def test_a_forged_decision_pair_is_refused(client, workshop, chain, facilitator, link):
    actions.set_step(workshop=workshop, step=Workshop.Step.DECIDE)
    client.force_login(facilitator)

    response = client.post(
        url("results", workshop), {"link": link, "owner": "x", "follow_up": "y", "due_on": "2027-01-01"}
    )

    assert response.status_code == 200
    assert not workshop.decisions.exists()


def test_results_are_computed_once_per_page(
    client, workshop, chain, organisation, make_member, facilitator, django_assert_max_num_queries
):
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 5))
    client.force_login(facilitator)

    with django_assert_max_num_queries(30):
        client.get(url("results", workshop))


def test_results_are_computed_once_rating_has_closed(
    workshop, chain, organisation, make_member, django_assert_max_num_queries
):
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 5))
    workshop.refresh_from_db()
    queries.workshop_results(workshop)

    with django_assert_max_num_queries(0):
        cached = queries.workshop_results(workshop)

    assert cached.activities[0].item == chain["team"]


def test_rating_cannot_reopen_once_the_results_are_shown(workshop, chain, organisation, make_member):
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 5), contribution=1)
    workshop.refresh_from_db()
    before = queries.workshop_results(workshop).activities[0].score.value

    with pytest.raises(actions.Published):
        actions.set_step(workshop=workshop, step=Workshop.Step.RATE)

    workshop.refresh_from_db()
    assert workshop.step == Workshop.Step.DECIDE
    assert queries.workshop_results(workshop).activities[0].score.value == before


def test_editing_a_card_after_rating_shows_the_new_title(workshop, chain, organisation, make_member):
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 5))
    workshop.refresh_from_db()
    queries.workshop_results(workshop)

    actions.edit_item(item=chain["team"], title="Fasta team per område", description="", version=chain["team"].version)
    workshop.refresh_from_db()

    assert queries.workshop_results(workshop).activities[0].item.title == "Fasta team per område"


def test_the_report_downloads_as_pdf(client, workshop, chain, organisation, make_member, employee):
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 5))
    client.force_login(employee)

    response = client.get(url("results_pdf", workshop))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize("step", ["gather", "structure", "rate"])
def test_nobody_sees_results_while_ratings_can_change(client, workshop, chain, facilitator, step):
    actions.set_step(workshop=workshop, step=step)
    client.force_login(facilitator)

    page = client.get(url("results", workshop))
    exports = [client.get(url("results_csv", workshop)), client.get(url("results_pdf", workshop))]

    # The one refusal of every part (tillit.reports.refusals): 403, saying when the results open.
    not_yet = swedish("The results are shown when rating has closed.")
    assert page.status_code == 403
    assert not_yet in page.content.decode()
    assert "Förväntat bidrag" not in page.content.decode()
    for export in exports:
        assert export.status_code == 403
        assert export["Content-Type"].startswith("text/html")
        assert not_yet in export.content.decode()


def test_closing_rating_computes_the_results_at_once(
    client, workshop, chain, organisation, make_member, facilitator, django_assert_max_num_queries
):
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 5), close=False)
    client.force_login(facilitator)

    client.post(url("set_step", workshop), {"step": "decide"})

    workshop.refresh_from_db()
    with django_assert_max_num_queries(0):  # the threshold is the workshop's own; no rating is read
        queries.workshop_results(workshop)


def test_everyone_who_took_part_reads_the_results_once_they_open_and_nobody_else(
    client, workshop, chain, organisation, make_member, employee, manager, politician
):
    actions.add_members(workshop=workshop, memberships=[politician.memberships.get()])
    bystander = make_member(organisation).user
    rate_all(workshop, chain, raters(workshop, organisation, make_member, 5))

    statuses = {}
    for person in (employee, manager, politician, bystander):
        client.force_login(person)
        statuses[person] = client.get(url("results", workshop)).status_code

    assert statuses == {employee: 200, manager: 200, politician: 200, bystander: 403}
