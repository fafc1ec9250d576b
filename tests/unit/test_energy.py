"""Energy estimates from the Compendium (evidence.md §2.1): codes, kcal, range warnings."""

import math

import pytest

from retrowalk.domain import energy
from retrowalk.domain.evidence import SOURCES
from retrowalk.domain.models import Modality
from retrowalk.domain.units import mph_to_m_s
from retrowalk.errors import InvalidInput

M_S_2_5_MPH = 2.5 * 1609.344 / 3600
M_S_3_5_MPH = 3.5 * 1609.344 / 3600


def rule_ids(estimate: energy.EnergyEstimate) -> set[str]:
    return {r.rule_id for r in estimate.reasons}


# (modality, speed m/s, incline %, code, MET, in range) -- MET values copied from evidence.md §2.1
CODE_CASES = [
    (Modality.OVERGROUND, M_S_3_5_MPH, 0.0, "17320", 6.0, True),
    (Modality.TREADMILL, M_S_3_5_MPH, 0.0, "17320", 6.0, True),
    (Modality.INCLINE, M_S_3_5_MPH, 5.0, "17325", 7.8, True),
    (Modality.TREADMILL, M_S_2_5_MPH, 10.0, "17475", 7.8, True),
    (Modality.NON_MOTORISED_TREADMILL, mph_to_m_s(4.0), 0.0, "17455", 8.3, True),
    (Modality.OVERGROUND, M_S_3_5_MPH, 2.5, "17320", 6.0, True),  # tie -> the lower code
    (Modality.INCLINE, M_S_3_5_MPH, 3.0, "17325", 7.8, True),
    (Modality.TREADMILL, M_S_3_5_MPH, 7.5, "17325", 7.8, True),  # tie -> the lower code
    (Modality.TREADMILL, M_S_3_5_MPH, 8.0, "17475", 7.8, True),
    (Modality.TREADMILL, M_S_3_5_MPH, 15.0, "17475", 7.8, False),
    (Modality.OVERGROUND, M_S_3_5_MPH, -5.0, "17320", 6.0, False),
]


@pytest.mark.parametrize(("modality", "speed", "incline", "code", "met", "in_range"), CODE_CASES)
def test_the_nearest_compendium_code_gives_the_met(
    modality: Modality, speed: float, incline: float, code: str, met: float, in_range: bool
) -> None:
    estimate = energy.estimate(modality, speed, incline, 1800, 70)
    assert estimate.compendium_code == code
    assert estimate.met == met
    assert estimate.in_range is in_range
    assert estimate.compendium_key == "compendium2024"


@pytest.mark.parametrize(
    ("met_modality", "incline", "kg", "duration_s", "kcal"),
    [
        (Modality.OVERGROUND, 0.0, 70, 1800, 6.0 * 70 * 0.5),
        (Modality.INCLINE, 5.0, 80, 3600, 7.8 * 80 * 1.0),
        (Modality.TREADMILL, 10.0, 60, 600, 7.8 * 60 / 6),
        (Modality.OVERGROUND, 0.0, 70, 0, 0.0),
    ],
)
def test_kcal_is_met_times_body_mass_times_hours(
    met_modality: Modality, incline: float, kg: float, duration_s: float, kcal: float
) -> None:
    estimate = energy.estimate(met_modality, M_S_3_5_MPH, incline, duration_s, kg)
    assert estimate.kcal == pytest.approx(kcal)


@pytest.mark.parametrize(
    ("speed_mph", "in_range", "word"),
    [(2.49, False, "below"), (2.5, True, None), (3.5, True, None), (3.6, False, "above")],
)
def test_speed_outside_the_backward_codes_is_called_an_extrapolation(
    speed_mph: float, in_range: bool, word: str | None
) -> None:
    estimate = energy.estimate(Modality.OVERGROUND, mph_to_m_s(speed_mph), 0, 600, 70)
    assert estimate.in_range is in_range
    assert ("energy-speed-out-of-range" in rule_ids(estimate)) is not in_range
    if word:
        (reason,) = [r for r in estimate.reasons if r.rule_id == "energy-speed-out-of-range"]
        assert word in reason.text
        assert "extrapolation" in reason.text


def test_slow_walking_says_there_is_no_backward_value_below_two_and_a_half_mph() -> None:
    estimate = energy.estimate(Modality.OVERGROUND, 0.6, 0, 600, 70)
    assert not estimate.in_range
    assert estimate.met == 6.0  # the Compendium value, not stretched
    text = " ".join(r.text for r in estimate.reasons)
    assert "no backward value below 2.5 mph" in text


def test_unknown_speed_is_never_in_range() -> None:
    estimate = energy.estimate(Modality.OVERGROUND, None, 0, 600, 70)
    assert not estimate.in_range
    assert "energy-speed-unknown" in rule_ids(estimate)
    assert estimate.kcal == pytest.approx(6.0 * 70 / 6)


def test_sled_drag_has_no_compendium_value() -> None:
    estimate = energy.estimate(Modality.SLED_DRAG, None, 0, 600, 70)
    assert estimate.met is None
    assert estimate.kcal is None
    assert estimate.compendium_code is None
    assert not estimate.in_range
    assert "energy-sled-no-value" in rule_ids(estimate)


def test_uphill_code_mentions_the_2011_value() -> None:
    estimate = energy.estimate(Modality.INCLINE, M_S_3_5_MPH, 5, 600, 70)
    (reason,) = [r for r in estimate.reasons if r.rule_id == "energy-2011-value"]
    assert reason.citation == "compendium2011"
    assert "8" in reason.text


def test_curved_treadmill_value_is_flagged_as_an_approximation() -> None:
    estimate = energy.estimate(Modality.NON_MOTORISED_TREADMILL, None, 0, 600, 70)
    assert estimate.met == 8.3
    assert "energy-curved-treadmill" in rule_ids(estimate)
    assert not estimate.in_range


def test_treadmill_code_used_for_a_steep_slope_says_so() -> None:
    estimate = energy.estimate(Modality.INCLINE, M_S_2_5_MPH, 10, 600, 70)
    assert "energy-treadmill-code-overground" in rule_ids(estimate)


@pytest.mark.parametrize(
    ("modality", "incline"),
    [(Modality.OVERGROUND, 0), (Modality.TREADMILL, 10), (Modality.NON_MOTORISED_TREADMILL, 0)],
)
def test_every_compendium_estimate_notes_the_adult_age_range(
    modality: Modality, incline: float
) -> None:
    estimate = energy.estimate(modality, M_S_3_5_MPH, incline, 600, 70)
    (reason,) = [r for r in estimate.reasons if r.rule_id == "energy-adult-ages"]
    assert "19-59" in reason.text
    for reason in estimate.reasons:
        assert reason.citation in SOURCES
        assert reason.citation in reason.text


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("body_mass_kg", {"body_mass_kg": 10}),
        ("duration_s", {"duration_s": -1}),
        ("speed_m_s", {"speed_m_s": 0}),
        ("incline_pct", {"incline_pct": math.nan}),
        ("modality", {"modality": "backward-swim"}),
    ],
)
def test_bad_input_names_the_field(field: str, kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {
        "modality": Modality.OVERGROUND,
        "speed_m_s": 1.0,
        "incline_pct": 0.0,
        "duration_s": 600.0,
        "body_mass_kg": 70.0,
        **kwargs,
    }
    with pytest.raises(InvalidInput) as caught:
        energy.estimate(**args)  # type: ignore[arg-type]
    assert caught.value.field == field
