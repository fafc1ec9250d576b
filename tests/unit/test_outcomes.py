"""Outcome tests: cut-off boundaries, change thresholds and the KOOS-12 missing-item rule."""

from __future__ import annotations

from typing import Any

import pytest

from retrowalk.domain.models import OutcomeKind, OutcomeResult, StartMethod
from retrowalk.domain.outcomes import (
    KOOS12_ITEMS,
    BackwardWalkPopulation,
    nprs_change,
    score_3mbwt,
    score_koos12,
    score_tug,
)
from retrowalk.errors import InvalidInput

COMMUNITY = BackwardWalkPopulation.COMMUNITY_OLDER_ADULTS
PARKINSON = BackwardWalkPopulation.PARKINSON
NURSING_HOME = BackwardWalkPopulation.NURSING_HOME


def rules(result: OutcomeResult) -> list[str]:
    return [reason.rule_id for reason in result.interpretation]


def citations(result: OutcomeResult) -> set[str]:
    return {reason.citation for reason in result.interpretation}


# --- 3-metre backward walk ---------------------------------------------------------------------

BWT_TABLE = [
    # population, time, expected rule ids (static start)
    (COMMUNITY, 2.9, {"3mbwt-low-risk", "3mbwt-poloferrero-under"}),
    (COMMUNITY, 3.0, {"3mbwt-low-risk", "3mbwt-poloferrero-under"}),
    (COMMUNITY, 3.01, {"3mbwt-between-cut-offs", "3mbwt-poloferrero-under"}),
    (COMMUNITY, 4.49, {"3mbwt-between-cut-offs", "3mbwt-poloferrero-under"}),
    (COMMUNITY, 4.5, {"3mbwt-high-risk", "3mbwt-poloferrero-under"}),
    (COMMUNITY, 5.49, {"3mbwt-high-risk", "3mbwt-poloferrero-under"}),
    (COMMUNITY, 5.5, {"3mbwt-high-risk", "3mbwt-poloferrero-over"}),
    (PARKINSON, 4.19, {"3mbwt-parkinson-under"}),
    (PARKINSON, 4.2, {"3mbwt-parkinson-over"}),
    (NURSING_HOME, 8.14, {"3mbwt-nursing-home-under"}),
    (NURSING_HOME, 8.15, {"3mbwt-nursing-home-over-prospective"}),
    (NURSING_HOME, 9.30, {"3mbwt-nursing-home-over-prospective"}),
    (NURSING_HOME, 9.31, {"3mbwt-nursing-home-over-both"}),
]


@pytest.mark.parametrize(("population", "time_s", "expected"), BWT_TABLE)
def test_3mbwt_cut_offs_by_population(
    population: BackwardWalkPopulation, time_s: float, expected: set[str]
) -> None:
    result = score_3mbwt(time_s, StartMethod.STATIC, population)
    assert result.kind is OutcomeKind.BACKWARD_WALK_3M
    assert result.value == time_s
    assert result.unit == "s"
    assert expected <= set(rules(result))
    cut_off_rules = {r for r in rules(result) if r != "3mbwt-reliability"}
    assert cut_off_rules == expected


@pytest.mark.parametrize(
    ("population", "citation"),
    [(COMMUNITY, "carter2019"), (PARKINSON, "carter2020"), (NURSING_HOME, "kapan2025")],
)
def test_3mbwt_cites_the_population_source_and_never_diagnoses(
    population: BackwardWalkPopulation, citation: str
) -> None:
    result = score_3mbwt(9.5, StartMethod.STATIC, population)
    assert citation in citations(result)
    assert any("not a diagnosis" in reason.text for reason in result.interpretation)
    assert any("supervised" in reason.text for reason in result.interpretation)


def test_3mbwt_community_mentions_second_reference_and_reliability() -> None:
    result = score_3mbwt(4.0, StartMethod.STATIC, COMMUNITY)
    assert {"poloferrero2025", "ozden2021"} <= citations(result)
    assert any("0.94" in reason.text for reason in result.interpretation)


@pytest.mark.parametrize("population", list(BackwardWalkPopulation))
def test_3mbwt_flying_start_reports_the_time_but_applies_no_cut_off(
    population: BackwardWalkPopulation,
) -> None:
    result = score_3mbwt(9.5, StartMethod.FLYING, population)
    assert result.value == 9.5
    cut_off_rules = [r for r in rules(result) if r != "3mbwt-reliability"]
    assert cut_off_rules == ["3mbwt-flying-start"]
    assert "static start" in result.interpretation[0].text


@pytest.mark.parametrize("time_s", [0.49, 120.01, -1.0, float("nan"), "4", True])
def test_3mbwt_time_out_of_range_is_refused(time_s: Any) -> None:
    with pytest.raises(InvalidInput) as error:
        score_3mbwt(time_s, StartMethod.STATIC, COMMUNITY)
    assert error.value.field == "time_s"
    assert "0.5 to 120" in str(error.value)


@pytest.mark.parametrize("time_s", [0.5, 120.0])
def test_3mbwt_range_ends_are_accepted(time_s: float) -> None:
    assert score_3mbwt(time_s, StartMethod.STATIC, COMMUNITY).value == time_s


def test_3mbwt_unknown_population_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        score_3mbwt(4.0, StartMethod.STATIC, "stroke")  # type: ignore[arg-type]
    assert error.value.field == "population"


def test_3mbwt_accepts_the_stable_string_values() -> None:
    result = score_3mbwt(4.5, "static", "community-older-adults")  # type: ignore[arg-type]
    assert "3mbwt-high-risk" in rules(result)


# --- Timed Up and Go ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("time_s", "rule_id"),
    [(13.49, "tug-under-cutoff"), (13.5, "tug-over-cutoff"), (20.0, "tug-over-cutoff")],
)
def test_tug_cut_off_at_13_5_seconds(time_s: float, rule_id: str) -> None:
    result = score_tug(time_s)
    assert result.kind is OutcomeKind.TUG
    assert rules(result) == [rule_id]
    assert result.interpretation[0].citation == "barry2014"
    assert "do not use it alone" in result.interpretation[0].text


@pytest.mark.parametrize(
    ("previous_s", "time_s", "rule_id", "direction"),
    [
        (12.0, 10.9, "tug-real-change", "faster"),  # 1.10 s: exactly the MDC
        (12.0, 10.91, "tug-within-error", "faster"),  # 1.09 s
        (10.0, 11.1, "tug-real-change", "slower"),
        (10.0, 10.0, "tug-within-error", "the same time"),
    ],
)
def test_tug_change_against_the_minimal_detectable_change(
    previous_s: float, time_s: float, rule_id: str, direction: str
) -> None:
    result = score_tug(time_s, previous_s)
    change = result.interpretation[1]
    assert change.rule_id == rule_id
    assert change.citation == "tug2015"
    assert direction in change.text
    assert "1.10 s" in change.text


@pytest.mark.parametrize(
    ("time_s", "previous_s", "field"),
    [(0.99, None, "time_s"), (300.1, None, "time_s"), (10.0, 0.5, "previous_s")],
)
def test_tug_out_of_range_names_the_field(
    time_s: float, previous_s: float | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        score_tug(time_s, previous_s)
    assert error.value.field == field


# --- NPRS change -------------------------------------------------------------------------------

NPRS_TABLE = [
    # baseline, current, change, rule id, citation
    (4, 3, -1, "nprs-minimal-improvement", "salaffi2004"),  # 1 point, 25 %
    (10, 9, -1, "nprs-minimal-improvement", "salaffi2004"),  # 1 point, 10 %
    (4, 2, -2, "nprs-important-improvement", "farrar2001"),  # 2 points
    (3, 2, -1, "nprs-important-improvement", "farrar2001"),  # 33 % >= 30 %
    (7, 6, -1, "nprs-minimal-improvement", "salaffi2004"),  # 14 % < 30 %
    (5, 5, 0, "nprs-no-change", "salaffi2004"),
    (0, 0, 0, "nprs-no-change", "salaffi2004"),
    (4, 5, 1, "nprs-minimal-worsening", "salaffi2004"),
    (4, 6, 2, "nprs-important-worsening", "farrar2001"),
    (0, 1, 1, "nprs-minimal-worsening", "salaffi2004"),
]


@pytest.mark.parametrize(("baseline", "current", "change", "rule_id", "citation"), NPRS_TABLE)
def test_nprs_change_against_minimal_and_important_change(
    baseline: int, current: int, change: int, rule_id: str, citation: str
) -> None:
    result = nprs_change(baseline, current)
    assert result.kind is OutcomeKind.NPRS
    assert result.value == change
    assert result.unit == "points"
    assert rules(result) == [rule_id]
    assert result.interpretation[0].citation == citation


@pytest.mark.parametrize(
    ("baseline", "current", "field"),
    [(11, 3, "baseline_nprs"), (-1, 3, "baseline_nprs"), (4, 2.5, "current_nprs")],
)
def test_nprs_out_of_range_names_the_field(baseline: Any, current: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        nprs_change(baseline, current)
    assert error.value.field == field


# --- KOOS-12 -----------------------------------------------------------------------------------


def all_items(value: int | None) -> dict[str, int | None]:
    return {item: value for items in KOOS12_ITEMS.values() for item in items}


@pytest.mark.parametrize(("value", "score"), [(0, 100.0), (1, 75.0), (2, 50.0), (4, 0.0)])
def test_koos12_all_items_equal(value: int, score: float) -> None:
    result = score_koos12(all_items(value))
    assert (result.pain, result.function, result.qol, result.summary) == (score,) * 4


def test_koos12_has_twelve_items_four_per_scale() -> None:
    assert {scale: len(items) for scale, items in KOOS12_ITEMS.items()} == {
        "pain": 4,
        "function": 4,
        "qol": 4,
    }


def test_koos12_mixed_answers_hand_computed() -> None:
    answers = dict(
        zip(KOOS12_ITEMS["pain"], [0, 1, 2, 3], strict=True)
    )  # mean 1.5 -> 100 - 37.5 = 62.5
    answers |= dict.fromkeys(KOOS12_ITEMS["function"], 4)  # mean 4 -> 0
    answers |= dict(zip(KOOS12_ITEMS["qol"], [1, 0, 2, 1], strict=True))  # mean 1 -> 75
    result = score_koos12(answers)
    assert result.pain == 62.5
    assert result.function == 0.0
    assert result.qol == 75.0
    assert result.summary == pytest.approx((62.5 + 0.0 + 75.0) / 3)  # 45.83


def test_koos12_missing_item_is_filled_with_the_mean_of_the_answered_ones() -> None:
    answers = all_items(2)
    answers["pain_stairs"] = None  # pain: 2, 2, 2 answered -> mean 2 -> 50
    del answers["function_car"]
    answers["function_twisting"] = None  # function: 2 of 4 answered, 1 and 3 -> mean 2
    answers["function_rising_sitting"] = 1
    answers["function_standing"] = 3
    answers["qol_awareness"] = 4  # qol: 4, 2, 2, 2 -> mean 2.5 -> 37.5
    result = score_koos12(answers)
    assert result.pain == 50.0
    assert result.function == 50.0
    assert result.qol == 37.5
    assert result.summary == pytest.approx((50.0 + 50.0 + 37.5) / 3)
    texts = " ".join(reason.text for reason in result.reasons)
    assert "2 missing items filled with the mean" in texts


def test_koos12_one_missing_of_four_uses_three_answers() -> None:
    answers = all_items(0)
    answers["qol_confidence"] = None
    answers["qol_awareness"] = 3  # qol: 3, 0, 0 answered -> mean 1 -> 75 (not 81.25)
    assert score_koos12(answers).qol == 75.0


def test_koos12_scale_with_one_answer_is_not_scored_and_there_is_no_summary() -> None:
    answers = all_items(1)
    for item in KOOS12_ITEMS["function"][1:]:
        answers[item] = None
    result = score_koos12(answers)
    assert result.function is None
    assert result.pain == 75.0 and result.qol == 75.0
    assert result.summary is None
    ids = [reason.rule_id for reason in result.reasons]
    assert "koos12-function-not-scored" in ids and "koos12-summary-not-scored" in ids
    assert all(reason.citation == "koos12" for reason in result.reasons)


def test_koos12_empty_answers_score_nothing() -> None:
    result = score_koos12({})
    assert (result.pain, result.function, result.qol, result.summary) == (None,) * 4


@pytest.mark.parametrize(
    ("item", "value"),
    [("pain_running", 2), ("pain_walking", 5), ("qol_lifestyle", -1), ("function_car", True)],
)
def test_koos12_unknown_item_or_value_outside_0_4_names_the_item(item: str, value: Any) -> None:
    answers: dict[str, Any] = all_items(2)
    answers[item] = value
    with pytest.raises(InvalidInput) as error:
        score_koos12(answers)
    assert error.value.field == item
