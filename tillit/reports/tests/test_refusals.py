"""The one "results are not open yet" refusal: status, the part's sentences, the link back, nothing unescaped."""

from __future__ import annotations

from django.test import RequestFactory

from tillit.reports.refusals import results_not_open


def refuse(**arguments: object) -> tuple[int, str]:
    request = RequestFactory().get("/results/")
    response = results_not_open(request, **arguments)
    return response.status_code, response.content.decode()


def test_the_refusal_is_a_403_with_the_parts_own_sentences_and_a_way_back():
    status, page = refuse(
        subject="Vad skapar ett gott möte?",
        when="Resultatet öppnar när samtalet stänger.",
        why="Den som följer siffrorna kan se hur de senaste röstade.",
        back_url="/s/abc/",
    )

    assert status == 403
    assert "<h1>" in page
    assert "Resultatet öppnar när samtalet stänger." in page
    assert "Den som följer siffrorna kan se hur de senaste röstade." in page
    assert '<a href="/s/abc/">← Vad skapar ett gott möte?</a>' in page


def main_of(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def test_without_a_reason_or_a_link_only_the_sentence_of_when_is_shown():
    _status, page = refuse(subject="Barometern", when="Resultatet öppnar när omgången stänger.")

    main = main_of(page)
    assert "<p>Resultatet öppnar när omgången stänger.</p>" in main
    assert "<p></p>" not in main
    assert "←" not in main


def test_a_part_may_choose_another_status_and_its_text_is_escaped():
    status, page = refuse(subject="<b>Fråga</b>", when="<script>x</script>", status=409)

    assert status == 409
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "&lt;b&gt;Fråga&lt;/b&gt;" in page
