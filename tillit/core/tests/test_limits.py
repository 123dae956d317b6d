"""What comes in is bounded, and a database outage is answered as one: issue 15, points 3 and 4."""

import http.client
import logging
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from tillit.organisations.models import PendingMembership

pytestmark = pytest.mark.django_db


def post_declaring(live_server, path: str, declared: int, sent: bytes = b"x" * 1024) -> tuple[int, bytes]:
    """POST to the running server over HTTP with a body that declares `declared` bytes and sends only `sent`."""
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "multipart/form-data; boundary=tillit")
        connection.putheader("Content-Length", str(declared))
        connection.endheaders()
        connection.send(sent)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_a_hundred_megabytes_to_the_sign_in_form_are_refused_before_they_are_read(live_server, caplog):
    with caplog.at_level(logging.WARNING, logger="tillit.core.middleware"):
        status, body = post_declaring(live_server, reverse("accounts:login"), 100 * 1024 * 1024)

    assert status == 413
    assert "För mycket skickades" in body.decode()
    assert "104857600 bytes" in caplog.text


def test_a_form_within_the_limit_is_read_as_before(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 4096
    response = client.post(reverse("accounts:login"), {"username": "a@example.org", "password": "x" * 100})

    assert response.status_code == 200  # the form answers: wrong address or password


def test_a_form_over_the_limit_gets_a_swedish_message_and_changes_nothing(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 4096
    response = client.post(reverse("accounts:login"), {"username": "a@example.org", "password": "x" * 5000})

    assert response.status_code == 413
    assert "4 kB" in response.content.decode()


def test_the_people_import_accepts_its_file_limit_and_no_more(client, org_admin, organisation, settings):
    settings.REQUEST_BODY_MAX_BYTES = 4096
    settings.PEOPLE_IMPORT_MAX_BYTES = 20_000
    client.force_login(org_admin)
    url = reverse("organisations:people_import", kwargs={"organisation": organisation.slug})
    rows = "".join(f"Person {n},person{n}@norrby.example,,\n" for n in range(300))
    within = ("name,email,unit,actor_group\n" + rows).encode()[:15_000].rsplit(b"\n", 1)[0] + b"\n"
    too_large = b"x" * 200_000

    accepted = client.post(url, {"file": SimpleUploadedFile("personer.csv", within, content_type="text/csv")})
    refused = client.post(url, {"file": SimpleUploadedFile("personer.csv", too_large, content_type="text/csv")})

    assert accepted.status_code == 200
    assert "person0@norrby.example" in accepted.content.decode()
    assert refused.status_code == 413
    assert not PendingMembership.objects.filter(organisation=organisation).exists()


def test_too_many_fields_are_refused_with_one_line_in_the_log(client, caplog):
    fields = {f"field{n}": "1" for n in range(1500)}
    with caplog.at_level(logging.ERROR, logger="django.security"):
        response = client.post(reverse("accounts:login"), fields)

    assert response.status_code == 413
    refusals = [record for record in caplog.records if record.name == "django.security.TooManyFieldsSent"]
    assert len(refusals) == 1
    assert refusals[0].exc_info is None
    assert "Traceback" not in caplog.text


@override_settings(ROOT_URLCONF="tillit.core.tests.outage_urls")
def test_a_database_outage_answers_503_with_retry_after_and_a_swedish_page():
    client = Client(raise_request_exception=False)
    response = client.get("/outage/")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "Tjänsten är tillfälligt otillgänglig" in page
    assert "halvsparat" in page


@override_settings(ROOT_URLCONF="tillit.core.tests.outage_urls")
def test_a_wrong_query_is_still_an_error_of_ours():
    client = Client(raise_request_exception=False)
    response = client.get("/wrong-query/")

    assert response.status_code == 500
    assert "Retry-After" not in response
