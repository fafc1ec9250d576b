"""Table-driven tests of the screening rules (one row per rule and edge), precedence, validation."""

import dataclasses
import math
from typing import Any

import pytest

from retrowalk.domain import screening
from retrowalk.domain.evidence import SOURCES
from retrowalk.domain.models import (
    Equipment,
    Goal,
    Place,
    ScreeningAnswers,
    StartMethod,
    Verdict,
)
from retrowalk.domain.screening import RuleId
from retrowalk.errors import InvalidInput

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

BENEFIT_IDS = {
    RuleId.BENEFIT_KNEE_UNLOADING,
    RuleId.BENEFIT_QUADRICEPS,
    RuleId.BENEFIT_BALANCE,
    RuleId.BENEFIT_CARDIO,
}

STATIC = StartMethod.STATIC
FLYING = StartMethod.FLYING
NEURO = {"balance_or_neuro_condition": True}
ATHLETE_NO_PAIN = {"goal": Goal.ATHLETIC, "knee_pain_nprs": 0, "pain_with_squats_lunges": False}


def answers(**overrides: Any) -> ScreeningAnswers:
    return ScreeningAnswers(**{**BASE, **overrides})


def fired(result: screening.ScreeningResult) -> set[str]:
    return {r.rule_id for r in result.reasons} - BENEFIT_IDS


# (case, overrides, expected verdict, exactly these rules fire)
RULE_CASES: list[tuple[str, dict[str, Any], Verdict, set[str]]] = [
    ("no red flags", {}, Verdict.SUITABLE, set()),
    (
        "heart symptoms on exertion",
        {"heart_symptoms_on_exertion": True},
        Verdict.SEE_CLINICIAN,
        {RuleId.HEART_SYMPTOMS},
    ),
    (
        "recent knee injury without clearance",
        {"recent_knee_injury_without_clearance": True},
        Verdict.SEE_CLINICIAN,
        {RuleId.RECENT_KNEE_INJURY},
    ),
    (
        "knee swelling or giving way",
        {"knee_swelling_or_giving_way": True},
        Verdict.SEE_CLINICIAN,
        {RuleId.SWELLING_OR_GIVING_WAY},
    ),
    ("pain 7 is not severe", {"knee_pain_nprs": 7}, Verdict.SUITABLE, set()),
    (
        "pain 8 is severe",
        {"knee_pain_nprs": 8},
        Verdict.SEE_CLINICIAN,
        {RuleId.SEVERE_KNEE_PAIN},
    ),
    (
        "pain 10 is severe",
        {"knee_pain_nprs": 10},
        Verdict.SEE_CLINICIAN,
        {RuleId.SEVERE_KNEE_PAIN},
    ),
    ("no falls", {"falls_last_12_months": 0}, Verdict.SUITABLE, set()),
    ("one fall", {"falls_last_12_months": 1}, Verdict.SUPERVISED, {RuleId.FALLS}),
    ("many falls", {"falls_last_12_months": 12}, Verdict.SUPERVISED, {RuleId.FALLS}),
    ("balance or neurological condition", NEURO, Verdict.SUPERVISED, {RuleId.BALANCE_OR_NEURO}),
    (
        "static 3MBWT 4.49 s is under the cut-off",
        {"backward_walk_3m_s": 4.49, "backward_walk_3m_start": STATIC},
        Verdict.SUITABLE,
        set(),
    ),
    (
        "static 3MBWT 4.5 s is at the cut-off",
        {"backward_walk_3m_s": 4.5, "backward_walk_3m_start": STATIC},
        Verdict.SUPERVISED,
        {RuleId.BACKWARD_WALK_3M_SLOW},
    ),
    (
        "neurological: static 3MBWT 4.19 s is under the 4.2 s cut-off",
        {**NEURO, "backward_walk_3m_s": 4.19, "backward_walk_3m_start": STATIC},
        Verdict.SUPERVISED,
        {RuleId.BALANCE_OR_NEURO},
    ),
    (
        "neurological: static 3MBWT 4.2 s is at the 4.2 s cut-off",
        {**NEURO, "backward_walk_3m_s": 4.2, "backward_walk_3m_start": STATIC},
        Verdict.SUPERVISED,
        {RuleId.BALANCE_OR_NEURO, RuleId.BACKWARD_WALK_3M_SLOW},
    ),
    (
        "flying-start 3MBWT is not judged, however slow",
        {"backward_walk_3m_s": 20.0, "backward_walk_3m_start": FLYING},
        Verdict.SUITABLE,
        {RuleId.BACKWARD_WALK_3M_FLYING},
    ),
    (
        "flying-start 3MBWT at 65 replaces the test suggestion",
        {"age_years": 70, "backward_walk_3m_s": 3.0, "backward_walk_3m_start": FLYING},
        Verdict.SUITABLE,
        {RuleId.BACKWARD_WALK_3M_FLYING},
    ),
    ("age 64 without a 3MBWT", {"age_years": 64}, Verdict.SUITABLE, set()),
    ("age 65 without a 3MBWT", {"age_years": 65}, Verdict.SUITABLE, {RuleId.SUGGEST_3MBWT}),
    (
        "age 65 with a fast static 3MBWT",
        {"age_years": 65, "backward_walk_3m_s": 3.0, "backward_walk_3m_start": STATIC},
        Verdict.SUITABLE,
        set(),
    ),
    (
        "athlete, no knee pain, squats painless",
        ATHLETE_NO_PAIN,
        Verdict.ALTERNATIVE,
        {RuleId.SQUATS_LUNGES_ALTERNATIVE},
    ),
    (
        "athlete with knee pain 1",
        {**ATHLETE_NO_PAIN, "knee_pain_nprs": 1},
        Verdict.SUITABLE,
        set(),
    ),
    (
        "athlete whose squats hurt",
        {**ATHLETE_NO_PAIN, "pain_with_squats_lunges": True},
        Verdict.SUITABLE,
        set(),
    ),
    (
        "knee pain goal, squats painless",
        {"pain_with_squats_lunges": False},
        Verdict.SUITABLE,
        {RuleId.SQUATS_LUNGES_NOTE},
    ),
    (
        "knee OA goal, squats painless",
        {"goal": Goal.KNEE_OA, "pain_with_squats_lunges": False},
        Verdict.SUITABLE,
        {RuleId.SQUATS_LUNGES_NOTE},
    ),
    (
        "balance goal, squats painless: no squats note",
        {"goal": Goal.BALANCE, "pain_with_squats_lunges": False},
        Verdict.SUITABLE,
        set(),
    ),
    (
        "fitness goal without knee pain: suitable",
        {"goal": Goal.FITNESS, "knee_pain_nprs": 0, "pain_with_squats_lunges": False},
        Verdict.SUITABLE,
        set(),
    ),
]

PRECEDENCE_CASES: list[tuple[str, dict[str, Any], Verdict, set[str]]] = [
    (
        "see-clinician beats supervised and alternative",
        {**ATHLETE_NO_PAIN, "heart_symptoms_on_exertion": True, "falls_last_12_months": 2},
        Verdict.SEE_CLINICIAN,
        {RuleId.HEART_SYMPTOMS, RuleId.FALLS, RuleId.SQUATS_LUNGES_ALTERNATIVE},
    ),
    (
        "supervised beats alternative",
        {**ATHLETE_NO_PAIN, "falls_last_12_months": 1},
        Verdict.SUPERVISED,
        {RuleId.FALLS, RuleId.SQUATS_LUNGES_ALTERNATIVE},
    ),
    (
        "alternative beats a note",
        {**ATHLETE_NO_PAIN, "age_years": 70},
        Verdict.ALTERNATIVE,
        {RuleId.SQUATS_LUNGES_ALTERNATIVE, RuleId.SUGGEST_3MBWT},
    ),
    (
        "all red flags are listed together",
        {
            "heart_symptoms_on_exertion": True,
            "recent_knee_injury_without_clearance": True,
            "knee_swelling_or_giving_way": True,
            "knee_pain_nprs": 9,
            **NEURO,
            "backward_walk_3m_s": 6.0,
            "backward_walk_3m_start": STATIC,
        },
        Verdict.SEE_CLINICIAN,
        {
            RuleId.HEART_SYMPTOMS,
            RuleId.RECENT_KNEE_INJURY,
            RuleId.SWELLING_OR_GIVING_WAY,
            RuleId.SEVERE_KNEE_PAIN,
            RuleId.BALANCE_OR_NEURO,
            RuleId.BACKWARD_WALK_3M_SLOW,
        },
    ),
]

ALL_CASES = RULE_CASES + PRECEDENCE_CASES


@pytest.mark.parametrize(
    ("overrides", "verdict", "rules"),
    [pytest.param(o, v, r, id=case) for case, o, v, r in ALL_CASES],
)
def test_verdict_and_every_rule_that_fired(
    overrides: dict[str, Any], verdict: Verdict, rules: set[str]
) -> None:
    result = screening.screen(answers(**overrides))
    assert result.verdict is verdict
    assert fired(result) == rules


@pytest.mark.parametrize(
    "overrides", [pytest.param(o, id=case) for case, o, _, _ in PRECEDENCE_CASES]
)
def test_reasons_are_ordered_most_restrictive_first(overrides: dict[str, Any]) -> None:
    result = screening.screen(answers(**overrides))
    verdict_of = {f.reason.rule_id: f.verdict for f in screening.findings(answers(**overrides))}
    ranks = [
        screening.PRECEDENCE.index(v) if (v := verdict_of[r.rule_id]) else 99
        for r in result.reasons
    ]
    assert ranks == sorted(ranks)
    assert verdict_of[result.reasons[0].rule_id] is result.verdict


def test_neurological_cut_off_cites_the_parkinson_study_and_others_cite_carter2019() -> None:
    neuro = screening.screen(
        answers(**NEURO, backward_walk_3m_s=4.3, backward_walk_3m_start=STATIC)
    )
    plain = screening.screen(answers(backward_walk_3m_s=4.6, backward_walk_3m_start=STATIC))
    by_id = {r.rule_id: r for r in neuro.reasons}
    assert by_id[RuleId.BACKWARD_WALK_3M_SLOW].citation == "carter2020"
    assert "4.2 s" in by_id[RuleId.BACKWARD_WALK_3M_SLOW].text
    by_id = {r.rule_id: r for r in plain.reasons}
    assert by_id[RuleId.BACKWARD_WALK_3M_SLOW].citation == "carter2019"
    assert "4.5 s" in by_id[RuleId.BACKWARD_WALK_3M_SLOW].text


def test_flying_start_reason_says_it_cannot_be_judged() -> None:
    result = screening.screen(answers(backward_walk_3m_s=8.0, backward_walk_3m_start=FLYING))
    (reason,) = [r for r in result.reasons if r.rule_id == RuleId.BACKWARD_WALK_3M_FLYING]
    assert "must not be mixed" in reason.text
    assert "static start" in reason.text


def test_suitable_lists_why_backward_walking_fits_with_its_sources() -> None:
    result = screening.screen(answers())
    citations = {r.rule_id: r.citation for r in result.reasons}
    assert citations[RuleId.BENEFIT_KNEE_UNLOADING] == "roos2012"
    assert citations[RuleId.BENEFIT_QUADRICEPS] == "alghadir2019"
    assert citations[RuleId.BENEFIT_BALANCE] == "wang2019"
    assert citations[RuleId.BENEFIT_CARDIO] == "chaloupka1997"
    texts = {r.rule_id: r.text for r in result.reasons}
    assert "not proven" in texts[RuleId.BENEFIT_BALANCE]
    assert "flynn1995" in texts[RuleId.BENEFIT_KNEE_UNLOADING]
    assert "flynn1994" in texts[RuleId.BENEFIT_CARDIO]


@pytest.mark.parametrize(
    "overrides",
    [{"falls_last_12_months": 1}, {"heart_symptoms_on_exertion": True}, ATHLETE_NO_PAIN],
)
def test_benefits_are_listed_only_when_suitable(overrides: dict[str, Any]) -> None:
    result = screening.screen(answers(**overrides))
    assert result.verdict is not Verdict.SUITABLE
    assert not BENEFIT_IDS & {r.rule_id for r in result.reasons}


def test_alternative_says_squats_and_lunges_are_as_effective_and_labels_expert_opinion() -> None:
    result = screening.screen(answers(**ATHLETE_NO_PAIN))
    (reason,) = [r for r in result.reasons if r.rule_id == RuleId.SQUATS_LUNGES_ALTERNATIVE]
    assert "just as effective" in reason.text
    assert "beside" in reason.text
    assert reason.citation == "expert-opinion"


def test_severe_pain_reason_says_its_threshold_is_expert_opinion_and_cites_the_zones() -> None:
    result = screening.screen(answers(knee_pain_nprs=8))
    (reason,) = [r for r in result.reasons if r.rule_id == RuleId.SEVERE_KNEE_PAIN]
    assert reason.citation == "expert-opinion"
    assert "nemex2010" in reason.text
    assert "8/10" in reason.text


@pytest.mark.parametrize("overrides", [pytest.param(o, id=case) for case, o, _, _ in ALL_CASES])
def test_every_reason_cites_a_known_key_names_it_and_never_diagnoses(
    overrides: dict[str, Any],
) -> None:
    for reason in screening.screen(answers(**overrides)).reasons:
        assert reason.citation in SOURCES
        assert reason.text.strip()
        if reason.citation == "expert-opinion":
            assert "expert opinion" in reason.text
        else:
            assert reason.citation in reason.text
        lowered = reason.text.lower()
        assert "you have " not in lowered
        assert "you suffer" not in lowered
        assert "diagnosed with" not in lowered


# --- validation ---------------------------------------------------------------------------------

INVALID: list[tuple[str, Any, dict[str, Any]]] = [
    ("knee_pain_nprs", -1, {}),
    ("knee_pain_nprs", 11, {}),
    ("knee_pain_nprs", 4.5, {}),
    ("knee_pain_nprs", True, {}),
    ("falls_last_12_months", -1, {}),
    ("falls_last_12_months", 101, {}),
    ("age_years", 9, {}),
    ("age_years", 111, {}),
    ("age_years", 40.0, {}),
    ("body_mass_kg", 24.9, {}),
    ("body_mass_kg", 300.1, {}),
    ("body_mass_kg", math.nan, {}),
    ("body_mass_kg", math.inf, {}),
    ("body_mass_kg", "70", {}),
    ("backward_walk_3m_s", 0.49, {"backward_walk_3m_start": STATIC}),
    ("backward_walk_3m_s", 120.1, {"backward_walk_3m_start": FLYING}),
    ("forward_speed_m_s", 0.19, {}),
    ("forward_speed_m_s", 2.51, {}),
    ("goal", "knee-pain", {}),
    ("place", "moon", {}),
    ("equipment", frozenset({"rowing-machine"}), {}),
    ("companion_available", "yes", {}),
    ("backward_walk_3m_start", "static", {}),
]


@pytest.mark.parametrize(("field", "value", "extra"), INVALID)
def test_out_of_range_answers_name_the_field_and_value(
    field: str, value: Any, extra: dict[str, Any]
) -> None:
    bad = answers(**{field: value, **extra})
    with pytest.raises(InvalidInput) as caught:
        screening.validate(bad)
    assert caught.value.field == field
    # a bad equipment item is named itself, not the whole set
    expected = next(iter(value)) if field == "equipment" else value
    assert caught.value.value is expected or caught.value.value == expected
    assert field in str(caught.value)
    if field in screening.RANGES:
        assert caught.value.allowed == screening.allowed_text(field)
    with pytest.raises(InvalidInput):
        screening.screen(bad)


def test_backward_walk_time_without_start_method_is_invalid() -> None:
    with pytest.raises(InvalidInput) as caught:
        screening.validate(answers(backward_walk_3m_s=4.0))
    assert caught.value.field == "backward_walk_3m_start"
    assert "static or flying" in caught.value.allowed


@pytest.mark.parametrize(
    "overrides",
    [
        {"knee_pain_nprs": 0},
        {"knee_pain_nprs": 10},
        {"falls_last_12_months": 100},
        {"age_years": 10},
        {"age_years": 110},
        {"body_mass_kg": 25},
        {"body_mass_kg": 300.0},
        {"backward_walk_3m_s": 0.5, "backward_walk_3m_start": STATIC},
        {"backward_walk_3m_s": 120, "backward_walk_3m_start": FLYING},
        {"forward_speed_m_s": 0.2},
        {"forward_speed_m_s": 2.5},
        {"backward_walk_3m_start": STATIC},
        {"equipment": frozenset(Equipment)},
    ],
)
def test_boundary_answers_are_accepted(overrides: dict[str, Any]) -> None:
    screening.validate(answers(**overrides))


def test_ranges_cover_every_numeric_answer_for_prompts() -> None:
    fields = {f.name for f in dataclasses.fields(ScreeningAnswers)}
    assert set(screening.RANGES) == {
        "knee_pain_nprs",
        "falls_last_12_months",
        "age_years",
        "body_mass_kg",
        "backward_walk_3m_s",
        "forward_speed_m_s",
    }
    assert set(screening.RANGES) <= fields
    pain = screening.RANGES["knee_pain_nprs"]
    assert (pain.low, pain.high, pain.integer) == (0, 10, True)
    assert pain.unit
    walk = screening.RANGES["backward_walk_3m_s"]
    assert (walk.low, walk.high, walk.integer) == (0.5, 120, False)
    assert screening.allowed_text("age_years") == "whole number 10 to 110 years"
