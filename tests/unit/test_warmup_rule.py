"""The plan's forward warm-up calibrates a recording only when the recording looks like it
(services.warmup_rule): one row per rule."""

from __future__ import annotations

import numpy as np
import pytest

from retrowalk.domain.models import Equipment, Goal, Place, ScreeningAnswers
from retrowalk.domain.prescription import prescribe
from retrowalk.domain.screening import screen
from retrowalk.sensing.gait import WalkingBout
from retrowalk.services.warmup_rule import WarmupPlan, judge_structure

PLAN = WarmupPlan(180.0, 300.0)


def bout(start_s: float, end_s: float) -> WalkingBout:
    steps = int((end_s - start_s) * 1.8)
    return WalkingBout(start_s, end_s, steps, 108.0, np.linspace(start_s, end_s, steps))


@pytest.mark.parametrize(
    ("bouts", "warmup_s", "says"),
    [
        ([bout(5, 245), bout(252, 400)], 245.0, "fits the plan's forward warm-up"),
        ([bout(5, 145), bout(150, 300)], 145.0, "fits"),  # 2.3 min: within 25 % of 3 min
        ([bout(5, 370), bout(380, 500)], 370.0, "fits"),  # 6.1 min: within 25 % of 5 min
        ([bout(5, 125), bout(130, 300)], None, "lasts 2.0 min"),  # too short
        ([bout(5, 405), bout(410, 600)], None, "lasts 6.7 min"),  # one long walk: no turn stop
        ([bout(90, 330), bout(340, 500)], None, "starts 90 s into"),
        ([bout(5, 245), bout(246.5, 400)], None, "pause of 1.5 s only"),
        ([bout(5, 245)], None, "the only one"),
        ([], None, "no walking"),
    ],
)
def test_the_structure_rule(bouts: list[WalkingBout], warmup_s: float | None, says: str) -> None:
    judged = judge_structure(0.0, bouts, PLAN)
    assert judged.warmup_s == warmup_s
    assert says in judged.reason


def test_times_count_from_the_recordings_start() -> None:
    judged = judge_structure(100.0, [bout(110, 350), bout(360, 500)], PLAN)
    assert judged.warmup_s == 250.0


def test_every_prescribed_program_plans_a_forward_warmup_of_3_to_5_minutes() -> None:
    answers = ScreeningAnswers(
        Goal.KNEE_PAIN, 3, True, 0, False, False, False, False, 58, 72.5,
        frozenset({Equipment.NONE}), Place.PARK, True,
    )  # fmt: skip
    program = prescribe(answers, screen(answers), weeks=6)
    assert WarmupPlan.of(program) == PLAN
