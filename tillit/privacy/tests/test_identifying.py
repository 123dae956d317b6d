"""Likely names and street addresses are flagged for review; ordinary suggestions are not."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

from faker.providers.person.sv_SE import Provider as SwedishNames
from hypothesis import given, settings
from hypothesis import strategies as st

from tillit.privacy.identifying import ADDRESS, NAME, flag_identifying_details

SUGGESTIONS = Path(__file__).parents[2] / "core" / "tests" / "data" / "similar_suggestions_sv.csv"
bounded = settings(max_examples=80, deadline=None, database=None)

first_names = st.sampled_from(sorted({*SwedishNames.first_names_female, *SwedishNames.first_names_male}))
last_names = st.sampled_from(sorted(SwedishNames.last_names))
streets = st.tuples(
    st.sampled_from(["Stor", "Kyrk", "Björk", "Skol", "Ek", "Lill", "Norra Lång"]),
    st.sampled_from(["gatan", "vägen", "stigen", "gränd", "torget", "backen", "allén"]),
    st.integers(min_value=1, max_value=250),
    st.sampled_from(["", "A", " B", "c"]),
).map(lambda parts: f"{parts[0]}{parts[1]} {parts[2]}{parts[3]}")
before = st.sampled_from(["Jag heter", "Min kontaktperson", "Ring till", "Hälsningar från", "Skriv till"])


def flagged(text: str, kind: str) -> list[str]:
    return [flag.text for flag in flag_identifying_details(text) if flag.kind == kind]


@bounded
@given(before, first_names, last_names)
def test_a_name_inside_a_sentence_is_flagged(opening, first, last):
    text = f"{opening} {first} {last} och vill ha svar."

    assert flagged(text, NAME) == [first, last]


@bounded
@given(first_names, last_names)
def test_a_full_name_opening_a_sentence_is_flagged(first, last):
    assert flagged(f"{first} {last} kom aldrig. Det var synd.", NAME) == [first, last]


@bounded
@given(streets)
def test_a_street_address_with_its_number_is_flagged(street):
    assert flagged(f"Jag bor på {street} i Norrby.", ADDRESS) == [street]


def test_a_first_name_opening_a_sentence_is_flagged_unless_it_is_also_a_word():
    assert flagged("Karin på förmiddagen är fantastisk.", NAME) == ["Karin"]
    assert flagged("Bra besök. Ahmed kom i tid.", NAME) == ["Ahmed"]
    assert flagged("Maj var en fin månad.", NAME) == []
    assert flagged("Bo Ek kom aldrig.", NAME) == ["Bo", "Ek"]


def test_a_postcode_and_place_is_flagged():
    assert flagged("Skicka svaret till 123 45 Norrby, tack.", ADDRESS) == ["123 45 Norrby"]


def test_ordinary_words_are_not_flagged():
    for text in (
        "Maj var en fin månad.",  # a first name opening a sentence, no name after it
        "Jag gick på gatan 5 gånger i går.",  # "gatan" alone is the street, not an address
        "Vägen till centrum är dåligt plogad.",
        "Besöket varar 30 minuter, kl. 08.00 till 08.30, och kostar 250 kr.",
        "Det kom 12 personer 2024.",
    ):
        assert flag_identifying_details(text) == [], text


def test_the_labelled_suggestions_have_no_flag():
    """164 ordinary suggestions about home care, student health and the library: none names anybody."""
    with SUGGESTIONS.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file, delimiter=";"))
    texts = {row["first"] for row in rows} | {row["second"] for row in rows}

    assert [text for text in texts if flag_identifying_details(text)] == []


def test_flags_do_not_overlap_and_come_in_order():
    flags = flag_identifying_details("Anna Berg på Storgatan 12 och Karl på Ekvägen 3 B, 123 45 Norrby.")

    assert [flag.kind for flag in flags] == [NAME, NAME, ADDRESS, NAME, ADDRESS, ADDRESS]
    assert all(first.end <= second.start for first, second in itertools.pairwise(flags))
