"""The people of the demo clinic: who they are, what they answered at screening, and how their
weeks go (a seeded, deterministic story per patient).

Twelve stories repeat for larger clinics, so every clinic of 12 or more patients shows each case
a therapist should notice: steady progress (knee pain, knee OA, balance, athletes on a sled or
an incline, general fitness), a pain flare (pain 7 two days ago), a fall (four days ago: the
program is paused), a patient who stopped logging 10 days ago, one who missed sessions in the
last two weeks, and bumpy weeks with acceptable pain. Numbers are plausible, not data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

from retrowalk.domain.models import Equipment, Goal, Place, ScreeningAnswers
from retrowalk.domain.outcomes import KOOS12_ITEMS


class Story(StrEnum):
    PROGRESSING = "progressing"
    BUMPY = "bumpy"
    PAIN_FLARE = "pain-flare"
    FALL = "fall"
    STOPPED_LOGGING = "stopped-logging"
    MISSED_SESSIONS = "missed-sessions"


@dataclass(frozen=True)
class Persona:
    goal: Goal
    story: Story
    equipment: frozenset[Equipment]
    place: Place


PERSONAS: tuple[Persona, ...] = (
    Persona(Goal.KNEE_PAIN, Story.PROGRESSING, frozenset({Equipment.NONE}), Place.PARK),
    Persona(Goal.KNEE_OA, Story.PAIN_FLARE, frozenset({Equipment.TREADMILL}), Place.INDOOR_HALL),
    Persona(Goal.BALANCE, Story.FALL, frozenset({Equipment.NONE}), Place.INDOOR_HALL),
    Persona(Goal.ATHLETIC, Story.PROGRESSING, frozenset({Equipment.SLED}), Place.TRACK),
    Persona(Goal.FITNESS, Story.STOPPED_LOGGING, frozenset({Equipment.TREADMILL}), Place.PARK),
    Persona(Goal.KNEE_OA, Story.MISSED_SESSIONS, frozenset({Equipment.NONE}), Place.TRACK),
    Persona(Goal.KNEE_PAIN, Story.BUMPY, frozenset({Equipment.TREADMILL}), Place.INDOOR_HALL),
    Persona(Goal.BALANCE, Story.PROGRESSING, frozenset({Equipment.NONE}), Place.INDOOR_HALL),
    Persona(Goal.ATHLETIC, Story.PROGRESSING, frozenset({Equipment.SLOPE}), Place.PARK),
    Persona(Goal.FITNESS, Story.PROGRESSING, frozenset({Equipment.TREADMILL}), Place.PARK),
    Persona(Goal.KNEE_OA, Story.PROGRESSING, frozenset({Equipment.TREADMILL}), Place.INDOOR_HALL),
    Persona(Goal.KNEE_PAIN, Story.BUMPY, frozenset({Equipment.NONE}), Place.TRACK),
)

FIRST_NAMES = (
    "Ana", "Ben", "Chloé", "Dario", "Elif", "Farah", "Gustav", "Hana", "Ines", "Jonas",
    "Kofi", "Lena", "Marta", "Nils", "Olga", "Pavel", "Quentin", "Rosa", "Samir", "Tove",
    "Umar", "Vera", "Wim", "Xenia", "Yusuf", "Zoé", "Aiko", "Bruno", "Carmen", "Dmitri",
    "Edith", "Felix", "Greta", "Hugo", "Ida", "Joao", "Kaja", "Luis", "Mei", "Noor",
)  # fmt: skip
LAST_NAMES = (
    "Moreau", "Okafor", "Lindqvist", "Rossi", "Yilmaz", "Haddad", "Berg", "Novak", "Costa",
    "Schmidt", "Mensah", "Keller", "Silva", "Olsen", "Petrova", "Dvorak", "Laurent", "Reyes",
    "Nasser", "Holm", "Farouk", "Ilic", "de Vries", "Sokolova", "Aydin", "Girard", "Tanaka",
    "Weber", "Ortega", "Ivanov", "Brandt", "Fischer", "Janssen", "Blanc", "Nilsson", "Pereira",
    "Koch", "Chen", "Rahman", "Wójcik",
)  # fmt: skip

AGE_YEARS = {
    Goal.KNEE_PAIN: (35, 62),
    Goal.KNEE_OA: (55, 76),
    Goal.BALANCE: (62, 80),
    Goal.ATHLETIC: (18, 32),
    Goal.FITNESS: (28, 58),
}
USUAL_PAIN_NPRS = {
    Goal.KNEE_PAIN: (3, 5),
    Goal.KNEE_OA: (3, 5),
    Goal.BALANCE: (0, 2),
    Goal.ATHLETIC: (1, 2),
    Goal.FITNESS: (0, 1),
}


def names(count: int, seed: int) -> list[str]:
    """``count`` different "First Last" names, the same for the same seed; numbered past the
    1,600 pairs."""
    pairs = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    random.Random(f"names:{seed}").shuffle(pairs)
    return [
        pairs[i % len(pairs)] + ("" if i < len(pairs) else f" {i // len(pairs) + 1}")
        for i in range(count)
    ]


def screening_answers(persona: Persona, rng: random.Random) -> ScreeningAnswers:
    """What a patient with this persona answers: no red flags (they all get a program); the
    balance patients report a fall last year (supervised practice)."""
    low, high = AGE_YEARS[persona.goal]
    pain_low, pain_high = USUAL_PAIN_NPRS[persona.goal]
    knee = persona.goal in (Goal.KNEE_PAIN, Goal.KNEE_OA)
    return ScreeningAnswers(
        goal=persona.goal,
        knee_pain_nprs=rng.randint(pain_low, pain_high),
        pain_with_squats_lunges=knee or rng.random() < 0.5,
        falls_last_12_months=1 if persona.goal is Goal.BALANCE else 0,
        balance_or_neuro_condition=False,
        recent_knee_injury_without_clearance=False,
        knee_swelling_or_giving_way=False,
        heart_symptoms_on_exertion=False,
        age_years=rng.randint(low, high),
        body_mass_kg=round(rng.uniform(55, 95), 1),
        equipment=persona.equipment,
        place=persona.place,
        companion_available=persona.goal is Goal.BALANCE or rng.random() < 0.5,
        forward_speed_m_s=round(rng.uniform(1.0, 1.45), 2) if rng.random() < 0.6 else None,
    )


def koos12_answers(rng: random.Random, level: int) -> dict[str, int | None]:
    """KOOS-12 items (0 none - 4 extreme) around ``level``."""
    return {
        item: max(0, min(4, level + rng.choice((-1, 0, 0, 1))))
        for items in KOOS12_ITEMS.values()
        for item in items
    }
