"""Programs: dose by goal, speed, ladders, safety cues, warm-ups, and refusals."""

from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrowalk.domain import prescription, screening
from retrowalk.domain.evidence import SOURCES
from retrowalk.domain.models import (
    Equipment,
    Goal,
    Modality,
    Place,
    Program,
    ScreeningAnswers,
    ScreeningResult,
    SessionTarget,
    Verdict,
)
from retrowalk.domain.safety_cues import WARMUP_FORWARD
from retrowalk.domain.screening import RuleId
from retrowalk.domain.units import format_speed, kmh_to_m_s
from retrowalk.errors import Forbidden, InvalidInput

BASE: dict[str, Any] = {
    "goal": Goal.KNEE_PAIN,
    "knee_pain_nprs": 4,
    "pain_with_squats_lunges": True,
    "falls_last_12_months": 0,
    "balance_or_neuro_condition": False,
    "recent_knee_injury_without_clearance": False,
    "knee_swelling_or_giving_way": False,
    "heart_symptoms_on_exertion": False,
    "age_years": 50,
    "body_mass_kg": 70.0,
    "equipment": frozenset(),
    "place": Place.PARK,
    "companion_available": True,
}

TREADMILL = frozenset({Equipment.TREADMILL})
SLED = frozenset({Equipment.SLED})
SLOPE = frozenset({Equipment.SLOPE})
NMT = frozenset({Equipment.NON_MOTORISED_TREADMILL})
NONE = frozenset({Equipment.NONE})
EQUIPMENT_SETS = [frozenset(), TREADMILL, SLED, SLOPE, NMT, NONE, frozenset(Equipment)]

TREADMILL_ONLY_CUES = {
    "cue-treadmill-safety-key",
    "cue-treadmill-straddle",
    "cue-treadmill-never-step-off",
    "cue-treadmill-set-speed-first",
}


def answers(**overrides: Any) -> ScreeningAnswers:
    return ScreeningAnswers(**{**BASE, **overrides})


def plan(weeks: int = 6, **overrides: Any) -> Program:
    a = answers(**overrides)
    return prescription.prescribe(a, screening.screen(a), weeks=weeks)


def weekly(program: Program) -> list[SessionTarget]:
    """The target of each week (checked to be the same for every day of the week)."""
    targets = []
    for week in range(1, program.weeks + 1):
        days = [s for s in program.sessions if s.week == week]
        assert len(days) == program.sessions_per_week
        assert len({s.target for s in days}) == 1
        targets.append(days[0].target)
    return targets


def cue_ids(session: Any) -> set[str]:
    return {c.rule_id for c in session.safety_cues}


def all_programs() -> list[Program]:
    programs = []
    for goal in Goal:
        for equipment in EQUIPMENT_SETS:
            for place in Place:
                overrides: dict[str, Any] = {"goal": goal, "equipment": equipment, "place": place}
                programs.append(plan(8, **overrides))
    return programs


PROGRAMS = all_programs()


# --- the "done when" walker: knee pain 4/10, no red flags ------------------------------------


def test_knee_pain_four_is_six_weeks_of_three_sessions_from_five_to_ten_minutes() -> None:
    program = plan()
    assert program.weeks == 6
    assert program.sessions_per_week == 3
    assert len(program.sessions) == 18
    assert [(s.week, s.day_index) for s in program.sessions] == [
        (w, d) for w in range(1, 7) for d in range(1, 4)
    ]
    durations = [t.duration_s for t in weekly(program)]
    assert durations[0] == 300
    assert durations[-1] == 600
    assert durations == sorted(durations)
    assert max(durations) == 600
    assert all(t.incline_pct == 0 for t in weekly(program))
    citations = {r.citation for r in program.reasons}
    assert {"alghadir2019", "expert-opinion", "hreljac2005"} <= citations


def test_knee_program_holds_ten_minutes_after_week_six() -> None:
    program = plan(12)
    durations = [t.duration_s for t in weekly(program)]
    assert durations[5:] == [600] * 7
    assert "dose-knee-hold" in {r.rule_id for r in program.reasons}


@pytest.mark.parametrize(("weeks", "last_s"), [(1, 300), (3, 420), (6, 600)])
def test_knee_ramp_adds_at_most_a_minute_a_week(weeks: int, last_s: float) -> None:
    durations = [t.duration_s for t in weekly(plan(weeks))]
    assert durations[-1] == last_s
    assert all(b - a in (0, 60) for a, b in pairwise(durations))


# --- speed -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("forward_m_s", "backward_m_s"),
    [(None, 0.6), (1.0, 0.5), (1.4, 0.7), (2.5, 1.25), (3.2, 1.6), (4.0, 1.6)],
)
def test_start_speed_is_half_the_forward_pace_below_the_walk_run_transition(
    forward_m_s: float | None, backward_m_s: float
) -> None:
    speed = prescription.backward_start_speed_m_s(forward_m_s)
    assert speed == pytest.approx(backward_m_s)
    assert speed < prescription.WALK_RUN_TRANSITION_M_S


def test_overground_speed_is_half_the_declared_forward_pace() -> None:
    (target, *_) = weekly(plan(forward_speed_m_s=1.4))
    assert target.modality is Modality.OVERGROUND
    assert target.speed_m_s == pytest.approx(0.7)


def test_treadmill_is_used_when_available_with_rails_and_a_settable_speed() -> None:
    program = plan(equipment=TREADMILL, forward_speed_m_s=1.0)
    for target in weekly(program):
        assert target.modality is Modality.TREADMILL
        assert target.rails
        assert target.speed_m_s == pytest.approx(kmh_to_m_s(1.8))
        assert format_speed(target.speed_m_s, treadmill=True) == "1.8 km/h"


# --- refusals and bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "phrase"),
    [
        ({"heart_symptoms_on_exertion": True}, "heart symptoms"),
        ({"knee_pain_nprs": 8}, "8/10"),
        ({"knee_swelling_or_giving_way": True}, "swelling"),
        ({"recent_knee_injury_without_clearance": True}, "clearance"),
    ],
)
def test_see_clinician_verdict_forbids_a_program_and_says_why(
    overrides: dict[str, Any], phrase: str
) -> None:
    a = answers(**overrides)
    result = screening.screen(a)
    assert result.verdict is Verdict.SEE_CLINICIAN
    with pytest.raises(Forbidden, match=phrase):
        prescription.prescribe(a, result)


def test_a_stale_suitable_result_cannot_unlock_a_program_for_red_flags() -> None:
    a = answers(heart_symptoms_on_exertion=True)
    stale = ScreeningResult(Verdict.SUITABLE, ())
    with pytest.raises(Forbidden, match="heart symptoms"):
        prescription.prescribe(a, stale)


def test_a_see_clinician_result_is_respected_even_if_answers_look_fine() -> None:
    a = answers()
    with pytest.raises(Forbidden, match="clinician"):
        prescription.prescribe(a, ScreeningResult(Verdict.SEE_CLINICIAN, ()))


@pytest.mark.parametrize("weeks", [0, 27, -1, True, 6.0])
def test_weeks_outside_one_to_twenty_six_are_refused(weeks: Any) -> None:
    a = answers()
    with pytest.raises(InvalidInput) as caught:
        prescription.prescribe(a, screening.screen(a), weeks=weeks)
    assert caught.value.field == "weeks"
    assert "1-26" in caught.value.allowed


@pytest.mark.parametrize("weeks", [1, 26])
def test_weeks_at_the_bounds_are_planned(weeks: int) -> None:
    assert len(plan(weeks).sessions) == weeks * 3


def test_invalid_answers_are_refused_by_name() -> None:
    a = answers(knee_pain_nprs=11)
    with pytest.raises(InvalidInput) as caught:
        prescription.prescribe(a, ScreeningResult(Verdict.SUITABLE, ()))
    assert caught.value.field == "knee_pain_nprs"


# --- goals -------------------------------------------------------------------------------------


def test_balance_goal_is_overground_along_a_wall_five_to_ten_minutes() -> None:
    program = plan(goal=Goal.BALANCE, equipment=TREADMILL)
    targets = weekly(program)
    assert program.sessions_per_week == 3
    assert all(t.modality is Modality.OVERGROUND and t.rails for t in targets)
    assert [t.duration_s for t in targets] == [300, 360, 420, 480, 540, 600]
    assert all("cue-wall-support" in cue_ids(s) for s in program.sessions)
    assert "wang2019" in {r.citation for r in program.reasons}


@pytest.mark.parametrize(
    ("equipment", "uphill"),
    [(TREADMILL, Modality.TREADMILL), (SLOPE, Modality.INCLINE), (frozenset(), None)],
)
def test_fitness_builds_ten_to_twenty_minutes_then_a_five_percent_incline(
    equipment: frozenset[Equipment], uphill: Modality | None
) -> None:
    program = plan(8, goal=Goal.FITNESS, equipment=equipment, knee_pain_nprs=0)
    targets = weekly(program)
    assert program.sessions_per_week == 3
    assert [t.duration_s for t in targets[:5]] == [600, 750, 900, 1050, 1200]
    assert all(t.duration_s == 1200 for t in targets[5:])
    assert all(t.incline_pct == 0 for t in targets[:5])
    if uphill is None:
        assert all(t.incline_pct == 0 for t in targets)
    else:
        assert all(t.incline_pct == 5 and t.modality is uphill for t in targets[5:])
        assert "chaloupka1997" in {r.citation for r in program.reasons}


@pytest.mark.parametrize("equipment", [TREADMILL, SLOPE])
def test_fitness_adds_no_incline_while_the_knee_hurts(equipment: frozenset[Equipment]) -> None:
    program = plan(8, goal=Goal.FITNESS, equipment=equipment, knee_pain_nprs=1)
    assert all(t.incline_pct == 0 for t in weekly(program))
    assert "dose-fitness-level-with-knee-pain" in {r.rule_id for r in program.reasons}


@pytest.mark.parametrize("weeks", [1, 6, 8, 26])
def test_athletic_sled_ladder_stays_within_twenty_to_fifty_five_percent(weeks: int) -> None:
    program = plan(weeks, goal=Goal.ATHLETIC, equipment=SLED)
    loads = [t.load_pct_body_mass for t in weekly(program)]
    assert program.sessions_per_week == 2
    assert all(load is not None and 20 <= load <= 55 for load in loads)
    assert loads[0] == 20
    assert all(b is not None and a is not None and 0 <= b - a <= 5 for a, b in pairwise(loads))
    assert all(t.modality is Modality.SLED_DRAG for t in weekly(program))
    assert "uthoff2021" in {r.citation for r in program.reasons}


def test_athletic_sled_ladder_reaches_fifty_five_percent_in_eight_weeks_as_in_uthoff() -> None:
    loads = [t.load_pct_body_mass for t in weekly(plan(8, goal=Goal.ATHLETIC, equipment=SLED))]
    assert loads == [20, 25, 30, 35, 40, 45, 50, 55]


@pytest.mark.parametrize(
    ("weeks", "inclines"),
    [(1, [0]), (3, [0, 5, 10]), (6, [0, 0, 5, 5, 10, 10]), (8, [0, 0, 0, 5, 5, 5, 10, 10])],
)
def test_athletic_incline_ladder_goes_zero_five_ten(weeks: int, inclines: list[float]) -> None:
    program = plan(weeks, goal=Goal.ATHLETIC, equipment=TREADMILL)
    targets = weekly(program)
    assert [t.incline_pct for t in targets] == inclines
    assert all(t.modality is Modality.TREADMILL for t in targets)
    assert "cipriani1995" in {r.citation for r in program.reasons}


def test_athletic_slope_ladder_walks_level_then_uphill() -> None:
    targets = weekly(plan(goal=Goal.ATHLETIC, equipment=SLOPE))
    assert [t.modality for t in targets] == [Modality.OVERGROUND] * 2 + [Modality.INCLINE] * 4


def test_non_motorised_treadmill_starts_with_a_supervised_familiarisation_week() -> None:
    program = plan(goal=Goal.ATHLETIC, equipment=NMT)
    targets = weekly(program)
    assert all(t.modality is Modality.NON_MOTORISED_TREADMILL for t in targets)
    assert targets[0].duration_s == 300
    assert all(t.duration_s == 600 for t in targets[1:])
    for session in program.sessions:
        assert ("cue-nmt-familiarisation" in cue_ids(session)) == (session.week == 1)


def test_athlete_without_equipment_walks_overground_two_sessions_a_week() -> None:
    program = plan(goal=Goal.ATHLETIC, equipment=NONE)
    assert program.sessions_per_week == 2
    assert all(t.modality is Modality.OVERGROUND for t in weekly(program))


# --- squats and lunges --------------------------------------------------------------------------


def test_alternative_verdict_still_plans_and_carries_the_squats_note() -> None:
    program = plan(goal=Goal.ATHLETIC, knee_pain_nprs=0, pain_with_squats_lunges=False)
    assert program.squats_lunges_note is not None
    assert program.squats_lunges_note.rule_id == RuleId.SQUATS_LUNGES_ALTERNATIVE


def test_knee_goal_with_painless_squats_carries_the_informational_note() -> None:
    program = plan(pain_with_squats_lunges=False)
    assert program.squats_lunges_note is not None
    assert program.squats_lunges_note.rule_id == RuleId.SQUATS_LUNGES_NOTE


def test_no_squats_note_when_squats_hurt() -> None:
    assert plan().squats_lunges_note is None


# --- safety cues and warm-ups -------------------------------------------------------------------


def test_motorised_treadmill_cues_appear_only_on_treadmill_sessions() -> None:
    seen_treadmill = seen_other = False
    for program in PROGRAMS:
        for session in program.sessions:
            modality = session.target.modality
            citations = {c.citation for c in session.safety_cues}
            if modality is Modality.TREADMILL:
                seen_treadmill = True
                assert cue_ids(session) >= TREADMILL_ONLY_CUES
            else:
                seen_other = True
                assert not TREADMILL_ONLY_CUES & cue_ids(session)
            if modality not in (Modality.TREADMILL, Modality.NON_MOTORISED_TREADMILL):
                assert "treadmill-safety" not in citations
    assert seen_treadmill and seen_other


@pytest.mark.parametrize("place", [Place.PARK, Place.TRACK, Place.STREET])
def test_outdoor_sessions_cue_a_companion_looking_back_and_a_flat_path(place: Place) -> None:
    for companion in (True, False):
        program = plan(place=place, companion_available=companion)
        for session in program.sessions:
            ids = cue_ids(session)
            assert {
                "cue-outdoor-companion",
                "cue-outdoor-look-back",
                "cue-outdoor-flat-path",
            } <= ids
            assert ("cue-street-prefer-track-or-park" in ids) == (place is Place.STREET)
            assert "cue-indoor-clear-space" not in ids
            (companion_cue,) = [
                c for c in session.safety_cues if c.rule_id == "cue-outdoor-companion"
            ]
            assert ("without one" in companion_cue.text) == (not companion)


def test_indoor_hall_asks_for_clear_space_and_no_outdoor_cues() -> None:
    for session in plan(place=Place.INDOOR_HALL).sessions:
        ids = cue_ids(session)
        assert "cue-indoor-clear-space" in ids
        assert not {i for i in ids if i.startswith("cue-outdoor")}


def test_outdoor_cues_do_not_apply_on_a_treadmill() -> None:
    for session in plan(place=Place.PARK, equipment=TREADMILL).sessions:
        assert "cue-outdoor-companion" not in cue_ids(session)


@pytest.mark.parametrize(
    "overrides", [{"falls_last_12_months": 1}, {"balance_or_neuro_condition": True}]
)
def test_supervised_verdict_plans_a_helper_or_wall_every_session(overrides: dict[str, Any]) -> None:
    program = plan(**overrides)
    assert "dose-supervised" in {r.rule_id for r in program.reasons}
    for session in program.sessions:
        assert "cue-supervised-helper" in cue_ids(session)
        assert session.target.rails


def test_every_session_starts_with_a_forward_walking_warm_up() -> None:
    for program in PROGRAMS:
        for session in program.sessions:
            assert session.warmup[0] == WARMUP_FORWARD
            assert "forward" in WARMUP_FORWARD and "3-5 minutes" in WARMUP_FORWARD


def test_every_session_carries_the_pain_zones_and_stop_signs() -> None:
    for program in PROGRAMS:
        for session in program.sessions:
            assert {"cue-pain-monitoring", "cue-stop-signs"} <= cue_ids(session)


def test_every_reason_and_cue_cites_a_known_key_and_labels_expert_opinion() -> None:
    for program in PROGRAMS:
        reasons = list(program.reasons) + [c for s in program.sessions for c in s.safety_cues]
        assert program.reasons
        for reason in reasons:
            assert reason.citation in SOURCES
            if reason.citation == "expert-opinion":
                assert "expert opinion" in reason.text
        for reason in program.reasons:
            assert reason.citation == "expert-opinion" or reason.citation in reason.text


def test_the_plan_never_raises_two_variables_from_one_week_to_the_next() -> None:
    for program in PROGRAMS:
        for a, b in pairwise(weekly(program)):
            before = (a.duration_s, a.incline_pct, a.load_pct_body_mass, a.speed_m_s)
            after = (b.duration_s, b.incline_pct, b.load_pct_body_mass, b.speed_m_s)
            assert sum(x != y for x, y in zip(before, after, strict=True)) <= 1


# --- invariants over random walkers -------------------------------------------------------------

walkers = st.builds(
    ScreeningAnswers,
    goal=st.sampled_from(Goal),
    knee_pain_nprs=st.integers(0, 7),
    pain_with_squats_lunges=st.booleans(),
    falls_last_12_months=st.integers(0, 100),
    balance_or_neuro_condition=st.booleans(),
    recent_knee_injury_without_clearance=st.just(False),
    knee_swelling_or_giving_way=st.just(False),
    heart_symptoms_on_exertion=st.just(False),
    age_years=st.integers(10, 110),
    body_mass_kg=st.floats(25, 300),
    equipment=st.frozensets(st.sampled_from(Equipment)),
    place=st.sampled_from(Place),
    companion_available=st.booleans(),
    forward_speed_m_s=st.none() | st.floats(0.2, 2.5),
)


@settings(max_examples=60, deadline=None)
@given(walker=walkers, weeks=st.integers(1, 26))
def test_any_cleared_walker_gets_a_complete_program_within_evidence_bounds(
    walker: ScreeningAnswers, weeks: int
) -> None:
    program = prescription.prescribe(walker, screening.screen(walker), weeks=weeks)
    assert len(program.sessions) == weeks * program.sessions_per_week
    assert program.sessions_per_week in (2, 3)
    for session in program.sessions:
        target = session.target
        assert 0 < target.duration_s <= 1200
        assert target.speed_m_s is None or 0 < target.speed_m_s < 1.63
        assert target.incline_pct in (0, 5, 10)
        if target.load_pct_body_mass is not None:
            assert 20 <= target.load_pct_body_mass <= 55
        assert session.warmup[0] == WARMUP_FORWARD
