"""The whole demo: the organisations and their people (`tillit.demo.organisations`), then every part's content,
built by the part's own demo builder through the part's actions, each with the same fixed seed.

A new part adds its builder to `build_demo`, its deletion (whatever protects its organisation's units or groups)
to `delete_demo` and its summary line to `summary_lines`.
"""

from __future__ import annotations

import random

from tillit.barometer.demo import barometer_summary, build_demo_barometer, delete_demo_barometer
from tillit.demo.organisations import (
    SEED,
    build_demo_organisations,
    delete_demo_organisations,
    demo_organisations,
    summary,
)
from tillit.dialogues.demo import build_demo_dialogues, dialogue_summary
from tillit.live.demo import build_demo_live, live_summary
from tillit.organisations.models import Organisation
from tillit.steering.demo import build_demo_steering, delete_demo_steering, steering_summary
from tillit.voice.demo import build_demo_voice, voice_summary
from tillit.voice.models import ServicePage
from tillit.workshops.demo import build_demo_workshops, workshop_summary
from tillit.workshops.models import Decision, Workshop

__all__ = ["build_demo", "delete_demo", "demo_exists", "entry_points", "summary_lines"]


def demo_exists() -> bool:
    return demo_organisations().exists()


def build_demo() -> list[Organisation]:
    """Build the demo organisations and every part's demo content in Exempelkommun; returns the organisations."""
    organisations = build_demo_organisations()
    exempelkommun = organisations[0]
    build_demo_workshops(exempelkommun, _seeded())
    build_demo_dialogues(exempelkommun, _seeded())
    build_demo_barometer(exempelkommun, _seeded())
    build_demo_voice(exempelkommun, _seeded())
    build_demo_live(exempelkommun, _seeded())
    build_demo_steering(exempelkommun, _seeded())
    return organisations


def _seeded() -> random.Random:
    """Each part's own generator, from the same seed: a part's content does not change when another's does."""
    return random.Random(SEED)  # noqa: S311 - a fixed seed, so that the demo is the same on every machine


def delete_demo() -> None:
    """Delete the demo organisations with everything in them, and the demo people who belong nowhere else."""
    organisations = demo_organisations()
    # Barometer answers, population counts and invitations protect their units; so do steering ratings and reports.
    delete_demo_steering(organisations)
    delete_demo_barometer(organisations)
    # A decision protects its activity and effect, and a participant its actor group: delete them first.
    Decision.objects.filter(workshop__organisation__in=organisations).delete()
    Workshop.objects.filter(organisation__in=organisations).delete()
    ServicePage.objects.filter(organisation__in=organisations).delete()  # a service page protects its unit
    delete_demo_organisations()


def summary_lines(organisations: list[Organisation]) -> list[str]:
    """What was built: each organisation's units and people, then where each part's content in Exempelkommun is."""
    lines = [f"Built {organisation.name}: {summary(organisation)}." for organisation in organisations]
    return [*lines, *entry_points(organisations[0])]


def entry_points(exempelkommun: Organisation) -> list[str]:
    """Where to start in each part: the workshops (and how a guest joins), the dialogues and the barometer rounds
    (and how to answer the open one)."""
    return [
        workshop_summary(exempelkommun),
        dialogue_summary(exempelkommun),
        barometer_summary(exempelkommun),
        voice_summary(exempelkommun),
        live_summary(exempelkommun),
        steering_summary(exempelkommun),
    ]
