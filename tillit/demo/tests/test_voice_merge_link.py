"""The demo's merged near-duplicates and the suggestions behind the demo workshops' cards (Brukarrösten, issue 16)."""

from __future__ import annotations

from tillit.voice import queries as voice_queries
from tillit.voice.models import ServicePage, Suggestion
from tillit.workshops import queries
from tillit.workshops.models import Workshop


def test_near_duplicates_are_merged_and_counted_under_the_one_kept(client, demo):
    kept = Suggestion.objects.get(organisation=demo, helps="Att det är samma personal som kommer.")
    kept_south = Suggestion.objects.get(organisation=demo, helps="Samma två personer på morgonen.")
    north = ServicePage.objects.get(organisation=demo, name="Hemtjänst Norr")
    south = ServicePage.objects.get(organisation=demo, name="Hemtjänst Söder")

    assert set(kept.merged_suggestions.values_list("helps", flat=True)) == {"Samma personal varje vecka."}
    assert set(kept_south.merged_suggestions.values_list("helps", flat=True)) == {"Samma personal på morgnarna, tack."}
    assert "said something similar" not in client.get(f"/r/{north.code}/vi-gjorde/?sprak=en").content.decode()
    shown = client.get(f"/r/{south.code}/vi-gjorde/?sprak=en").content.decode()
    assert "1 more said something similar." in shown  # the published one (the waiting one in Norr is not counted)
    assert kept not in [found for found, _score in voice_queries.proposals_for(kept)]


def test_the_home_care_chain_has_the_service_users_voice_behind_most_effects(demo):
    home_care = Workshop.objects.get(organisation=demo, title="Trygg hemtjänst")

    chain = queries.effect_chain(home_care, voices=True)

    voiced = {effect.title for effect in chain.effects if effect.user_voices}
    assert len(voiced) >= 5
    assert chain.listens
    warned = [warning for warning in chain.warnings if "voice" in warning or "röst" in warning]
    assert any("Mina anhöriga får veta när något ändras" in warning for warning in warned)  # its only one waits
    assert len(warned) == len(chain.effects) - len(voiced)
    assert queries.effect_chain(home_care).warnings == []  # without the voices: the clean chain of the demo
    said = queries.voices_of_workshop(home_care)
    assert said
    assert sum(len(group.voices) for group in said) == 20
