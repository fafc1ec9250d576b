"""A walker's program as stored (with its version) and a clinician's edit of the next dose.

An edit names the program version it was based on (an API's ETag / If-Match): a stale version
raises ``Conflict`` and nothing changes, so two clinicians cannot silently overwrite each other.
"""

from __future__ import annotations

from datetime import datetime

from retrowalk.domain.models import Modality, SessionTarget
from retrowalk.domain.validation import DURATION_S, INCLINE_PCT, SPEED_M_S, Range
from retrowalk.errors import InvalidInput, NotFound
from retrowalk.services.uow import UowFactory
from retrowalk.store.records import StoredProgram

LOAD_PCT_BODY_MASS = Range(0, 100, "% of body mass")
"""Plausibility limit of a sled load typed by a clinician (not a health threshold)."""
VERSION = Range(0, 2**31 - 1, "", integer=True)
"""A version (ETag) anyone can have read: the store keeps it in a 32-bit integer column, which
PostgreSQL refuses to even compare with a larger number."""


def current_program(uow: UowFactory, walker_ref: str) -> StoredProgram:
    """The walker's program that is not ended; ``NotFound`` when there is none."""
    with uow(read_only=True) as work:
        walker = work.walkers.default(walker_ref)
        stored = work.programs.current(walker.id)
    if stored is None:
        raise NotFound(
            f"{walker.profile.display_name} has no program: the last screening asked for a "
            "clinician first"
        )
    return stored


def validate_target(target: SessionTarget) -> None:
    if not isinstance(target.modality, Modality):
        raise InvalidInput("modality", target.modality, ", ".join(m.value for m in Modality))
    DURATION_S.check("duration_s", target.duration_s)
    SPEED_M_S.check("speed_m_s", target.speed_m_s)
    INCLINE_PCT.check("incline_pct", target.incline_pct)
    LOAD_PCT_BODY_MASS.check("load_pct_body_mass", target.load_pct_body_mass)
    if not isinstance(target.rails, bool):
        raise InvalidInput("rails", target.rails, "true or false")


def edit_target(
    uow: UowFactory,
    walker_ref: str,
    target: SessionTarget,
    *,
    expected_version: int,
    now: datetime,
) -> StoredProgram:
    """Set the dose of the next session (a clinician's decision); later progression decisions
    start from it. ``Conflict`` if the program is no longer at ``expected_version``."""
    validate_target(target)
    VERSION.check("version", expected_version)
    with uow() as work:
        walker = work.walkers.default(walker_ref)
        stored = work.programs.current(walker.id)
        if stored is None:
            raise NotFound(f"{walker.profile.display_name} has no program to edit")
        updated = work.programs.update_current_target(
            stored.id, target, expected_version=expected_version
        )
        work.commit()
    return updated
