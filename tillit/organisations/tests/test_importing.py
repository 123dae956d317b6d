"""CSV import of people: every bad file gets a clear Swedish message and imports nothing."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tillit.organisations.models import Membership
from tillit.organisations.tests.helpers import join

pytestmark = pytest.mark.django_db

HEADER = "name,email,unit,actor_group\n"
GOOD = HEADER + (
    "Sara Sjöberg,sara@norrby.example,Socialförvaltningen / Hemtjänst Norr,Medarbetare\n"
    "Jonas Åberg,jonas@norrby.example,Socialförvaltningen,employee\n"
)


def upload(client, organisation, content: bytes, name: str = "personer.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("organisations:people_import", kwargs={"organisation": organisation.slug})
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def commit(client, organisation, **data):
    """Press the import button under the latest preview (its token travels in the form)."""
    url = reverse("organisations:people_import_commit", kwargs={"organisation": organisation.slug})
    token = client.session.get("people_import", {}).get("token", "")
    return client.post(url, {"preview": token, **data})


@pytest.fixture
def admin_client(client, org_admin):
    client.force_login(org_admin)
    return client


def test_a_good_file_is_previewed_and_then_imported(admin_client, organisation):
    preview = upload(admin_client, organisation, GOOD.encode())

    assert preview.status_code == 200
    assert "2 personer är redo att importeras." in preview.content.decode()
    assert not Membership.objects.filter(user__email="sara@norrby.example").exists()

    response = commit(admin_client, organisation)

    assert response.status_code == 302
    sara = Membership.objects.get(organisation=organisation, user__email="sara@norrby.example")
    assert sara.unit.name == "Hemtjänst Norr"
    assert sara.actor_group.key == "employee"


def test_importing_sends_invitations_when_asked(admin_client, organisation, mailoutbox):
    upload(admin_client, organisation, GOOD.encode())

    commit(admin_client, organisation, send_invitations="1")

    assert sorted(message.to[0] for message in mailoutbox) == ["jonas@norrby.example", "sara@norrby.example"]


def test_excel_semicolon_files_with_swedish_headers_are_read(admin_client, organisation):
    content = "namn;e-post;enhet;aktörsgrupp\nSara Sjöberg;sara@norrby.example;Socialförvaltningen;Brukare\n"

    upload(admin_client, organisation, content.encode("utf-8-sig"))
    commit(admin_client, organisation)

    assert Membership.objects.get(user__email="sara@norrby.example").actor_group.key == "service_user"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(GOOD.encode("cp1252"), "Filen är inte i UTF-8", id="wrong encoding"),
        pytest.param(
            b"name,email\nSara,sara@norrby.example\n", "Kolumner saknas: unit, actor_group", id="missing columns"
        ),
        pytest.param(b"", "Den skickade filen är tom", id="empty upload"),
        pytest.param(b"   \n  \n", "Filen är tom", id="blank file"),
        pytest.param(HEADER.encode(), "en rubrikrad men inga personer", id="header only"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "Filen är inte i UTF-8", id="binary file"),
        pytest.param(b"x" * (1024 * 1024 + 1000), "Filen är för stor", id="just over 1 MB"),  # larger: 413
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_imports_nothing(admin_client, organisation, content, message):
    before = Membership.objects.count()

    response = upload(admin_client, organisation, content)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Membership.objects.count() == before
    assert commit(admin_client, organisation).status_code == 302  # nothing checked to commit
    assert Membership.objects.count() == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        pytest.param(
            "Sara,sara@norrby.example,Finns Inte / Alls,Medarbetare", "Det finns ingen öppen enhet", id="unknown unit"
        ),
        pytest.param("Sara,sara@norrby.example,,Astronauter", "Det finns ingen aktörsgrupp", id="unknown actor group"),
        pytest.param("Sara,inte-en-adress,,Medarbetare", "är inte en giltig e-postadress", id="bad e-mail"),
        pytest.param(",sara@norrby.example,,Medarbetare", "Namnet saknas", id="missing name"),
        pytest.param("Erik,erik@norrby.example,,Medarbetare", "tillhör redan organisationen", id="already member"),
        pytest.param("Sara,sara@norrby.example,,Medarbetare,,kung", "Okänd roll", id="unknown role"),
        pytest.param("S" * 151 + ",sara@norrby.example,,Medarbetare", "längre än 150 tecken", id="over-long name"),
    ],
)
def test_one_bad_row_stops_the_whole_import(admin_client, organisation, employee, row, message):
    content = "name,email,unit,actor_group,level,role\nJonas Åberg,jonas@norrby.example,,Medarbetare\n" + row + "\n"
    before = Membership.objects.count()

    preview = upload(admin_client, organisation, content.encode())
    response = commit(admin_client, organisation)

    assert message in preview.content.decode()
    assert "Importera" not in preview.content.decode().split("Förhandsvisning")[1]
    assert response.status_code == 409
    assert Membership.objects.count() == before


def test_a_duplicate_e_mail_in_the_file_points_to_the_first_row(admin_client, organisation):
    content = HEADER + "Sara,sara@norrby.example,,Medarbetare\nSara igen,SARA@norrby.example,,Medarbetare\n"

    preview = upload(admin_client, organisation, content.encode())

    assert "E-postadressen finns också på rad 2." in preview.content.decode()
    assert not Membership.objects.filter(user__email="sara@norrby.example").exists()


def test_malicious_cells_are_shown_as_text_not_markup(admin_client, organisation):
    content = HEADER + '"<script>alert(1)</script>",x@norrby.example,<b>fet</b>,Medarbetare\n'

    preview = upload(admin_client, organisation, content.encode())

    body = preview.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_the_commit_rechecks_against_todays_data(admin_client, organisation, make_member):
    upload(admin_client, organisation, GOOD.encode())
    make_member(organisation, email="sara@norrby.example")
    before = Membership.objects.count()

    response = commit(admin_client, organisation)

    assert response.status_code == 409
    assert Membership.objects.count() == before
    assert not Membership.objects.filter(user__email="jonas@norrby.example").exists()


def test_a_preview_from_one_organisation_cannot_be_committed_in_another(
    client, organisation, other_organisation, org_admin, make_member
):
    join(make_member, other_organisation, org_admin, role=Membership.Role.ADMIN)
    client.force_login(org_admin)
    upload(client, organisation, GOOD.encode())

    response = commit(client, other_organisation)

    assert response.status_code == 302
    assert not Membership.objects.filter(user__email="sara@norrby.example").exists()


def test_an_older_preview_cannot_import_a_newer_file(admin_client, organisation):
    upload(admin_client, organisation, GOOD.encode())
    older_token = admin_client.session["people_import"]["token"]
    upload(admin_client, organisation, (HEADER + "Kim Kvist,kim@norrby.example,,Medarbetare\n").encode())
    url = reverse("organisations:people_import_commit", kwargs={"organisation": organisation.slug})

    response = admin_client.post(url, {"preview": older_token}, follow=True)

    assert "En nyare fil har kontrollerats" in response.content.decode()
    assert not Membership.objects.filter(user__email__in=["kim@norrby.example", "sara@norrby.example"]).exists()


def test_a_failed_upload_forgets_the_previous_preview(admin_client, organisation):
    upload(admin_client, organisation, GOOD.encode())

    upload(admin_client, organisation, b"name,email\n")

    assert "people_import" not in admin_client.session


def preview_rows(response) -> dict[str, str]:
    """Each preview row's cells after the row number, by e-mail address."""
    import re

    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", response.content.decode(), re.S)[1:]:
        cells = [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if len(cells) == 8:
            rows[cells[2]] = " | ".join(cells[3:])
    return rows


def test_the_preview_shows_an_address_with_an_account_elsewhere_like_a_new_one(admin_client, organisation, outsider):
    content = HEADER + (
        "Olle Skriven,olle@soderby.example,Socialförvaltningen,Medarbetare\n"
        "Nina Ny,nina@norrby.example,Socialförvaltningen,Medarbetare\n"
    )

    preview = upload(admin_client, organisation, content.encode())

    rows = preview_rows(preview)
    assert rows["olle@soderby.example"] == rows["nina@norrby.example"]
    assert "Olle Utomstående" not in preview.content.decode()
    assert "Söderby" not in preview.content.decode()


def test_importing_an_address_with_an_account_elsewhere_invites_it(admin_client, organisation, outsider, mailoutbox):
    from tillit.organisations.models import PendingMembership

    upload(admin_client, organisation, (HEADER + "Olle Skriven,olle@soderby.example,,Medarbetare\n").encode())

    response = commit(admin_client, organisation, send_invitations="1")

    assert response.status_code == 302
    pending = PendingMembership.objects.get(organisation=organisation)
    assert (pending.user, pending.full_name) == (outsider, "Olle Skriven")
    assert not Membership.objects.filter(organisation=organisation, user=outsider).exists()
    assert "/o/invitations/" in mailoutbox[0].body
    body = admin_client.get(response["Location"]).content.decode()
    assert "Olle Skriven" in body
    assert "Olle Utomstående" not in body


def test_two_spellings_of_one_address_in_a_file_are_caught_in_the_preview(admin_client, organisation):
    content = HEADER + ("Sara Sjöberg,sara@norrby.example,,Medarbetare\nSara Igen,ſara@norrby.example,,Medarbetare\n")

    preview = upload(admin_client, organisation, content.encode())

    assert "E-postadressen finns också på rad 2." in preview.content.decode()


def test_someone_already_invited_is_caught_in_the_preview(admin_client, organisation, outsider, make_member):
    make_member(organisation, email=outsider.email, name="Olle Skriven")

    preview = upload(admin_client, organisation, (HEADER + "Olle,olle@soderby.example,,Medarbetare\n").encode())

    with translation.override("sv"):
        expected = gettext("%(email)s has already been invited to the organisation and has not answered yet.")
    assert expected % {"email": "olle@soderby.example"} in preview_rows(preview)["olle@soderby.example"]
