"""Flags a therapist sees beside each patient: tiered, each with its reason and citation.

Clinicians expect tiered flags (product.md): pain 7 or more is urgent; a reported fall pauses
the program until the therapist resumes it; no data for 7 days is a softer flag. The tiers and
thresholds are design choices, cited as ``expert-opinion`` (the pain zones behind them are
nemex2010: over 5 is already the high-risk zone, over 7 stops the program).

Flags, most severe first:

- ``fall`` (urgent): a session reported a fall since the therapist last resumed the program
  (``reviewed_at``); it stays until the therapist resumes, however long ago the fall was.
- ``pain-flare`` (urgent): pain 7/10 or more during or after a session, or the next morning,
  in the last 7 days and since ``reviewed_at``.
- ``program-paused`` (urgent): the program is paused (a stop decision: swelling, giving way,
  chest symptoms...) and no fall or pain flag already says why.
- ``no-data-7-days`` (warning; info while the program is paused, when silence is expected): no
  session and no check-in in the last 7 days, once the program is 7 days old (never without
  a program: nothing is planned).
- ``missed-sessions`` (warning): fewer sessions than planned a week in the last 7 days plus a
  day of grace (today's session may still be to come), once the program is 7 days old (not
  while paused, not when ``no-data-7-days`` already says it).
- ``direction-unconfirmed`` (warning): a session declared backward where the motion sensor
  confidently saw forward walking, not yet confirmed by the walker (issue 7: a wrong
  "backward" tells the therapist an exercise was done when it may not have been); it stays
  until the walker answers, however long ago the session was.

Pure: times are aware datetimes, ``now`` is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from retrowalk.domain.evidence import cite
from retrowalk.domain.models import CheckIn, Decision, DecisionKind, LoggedSession
from retrowalk.errors import InvalidInput

URGENT_PAIN_NPRS = 7
"""Pain at or above this (0-10) is an urgent flag (product.md; threshold expert-opinion)."""
RECENT = timedelta(days=7)
"""The window of the pain and no-data flags (product.md: "no data for 7 days")."""
ADHERENCE_WINDOW = timedelta(days=8)
"""The adherence window: the last 7 days and a day of grace, so a walker who keeps to the plan
is not flagged while today's session is still to come (expert-opinion)."""


class FlagKind(StrEnum):
    FALL = "fall"
    PAIN_FLARE = "pain-flare"
    PROGRAM_PAUSED = "program-paused"
    NO_DATA = "no-data-7-days"
    MISSED_SESSIONS = "missed-sessions"
    DIRECTION_UNCONFIRMED = "direction-unconfirmed"


class Severity(StrEnum):
    URGENT = "urgent"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe tier."""
        return _RANK[self]


_RANK = {Severity.URGENT: 0, Severity.WARNING: 1, Severity.INFO: 2}
_KIND_ORDER = {kind: index for index, kind in enumerate(FlagKind)}


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    severity: Severity
    text: str
    citation: str

    def __post_init__(self) -> None:
        cite(self.citation)


def patient_flags(
    sessions: Sequence[LoggedSession],
    checkins: Sequence[CheckIn],
    decisions: Sequence[tuple[datetime, Decision]],
    *,
    now: datetime,
    sessions_per_week: int | None,
    program_started_at: datetime | None = None,
    program_paused: bool = False,
    reviewed_at: datetime | None = None,
    last_data_on: date | None = None,
    unconfirmed_directions: Sequence[datetime] = (),
) -> tuple[Flag, ...]:
    """The flags of one patient at ``now``, most severe first.

    ``sessions`` must hold at least those of the last 8 days, every fall since
    ``reviewed_at`` and the latest session; ``checkins`` at least those of the last 7 days;
    ``decisions`` (made at, decision) at least the stop decisions since ``reviewed_at``.
    ``sessions_per_week`` is the program's plan (None: no program, so nothing is planned and
    neither silence nor missed sessions are flagged);
    ``program_started_at`` None means long ago; ``reviewed_at`` is when the therapist last
    resumed the program (events before it are acknowledged); ``last_data_on`` the latest day
    with a session or check-in when those given may not include it (for the no-data text);
    ``unconfirmed_directions`` when the sessions awaiting the walker's confirmation of their
    direction were walked.
    """
    if now.utcoffset() is None:
        raise InvalidInput("now", now, "a date and time with a UTC offset")
    if sessions_per_week is not None and sessions_per_week < 1:
        raise InvalidInput("sessions_per_week", sessions_per_week, "1 or more, or None")
    since = now - RECENT
    recent = [s for s in sessions if since < s.performed_at <= now]
    recent_checkins = [c for c in checkins if _day_after(since) <= c.on <= now.date()]
    flags: list[Flag] = []
    falls = [
        s
        for s in sessions
        if s.fell
        and s.performed_at <= now
        and (reviewed_at is None or s.performed_at > reviewed_at)
    ]
    if falls:
        flags.append(_fall(max(falls, key=lambda s: s.performed_at), program_paused))
    flare = _pain_flare(
        [s for s in recent if reviewed_at is None or s.performed_at > reviewed_at],
        [c for c in recent_checkins if reviewed_at is None or c.on > reviewed_at.date()],
    )
    if flare is not None:
        flags.append(flare)
    if program_paused and not flags:
        stops = [
            (at, d)
            for at, d in decisions
            if d.kind is DecisionKind.STOP and (reviewed_at is None or at > reviewed_at)
        ]
        flags.append(_paused(max(stops, key=lambda item: item[0]) if stops else None))
    planned = sessions_per_week is not None
    settled_in = program_started_at is None or now - program_started_at >= RECENT
    if planned and settled_in and not recent and not recent_checkins:
        flags.append(
            _no_data(sessions, checkins, now, program_started_at, program_paused, last_data_on)
        )
    elif settled_in and sessions_per_week is not None and not program_paused:
        done = sum(1 for s in sessions if now - ADHERENCE_WINDOW < s.performed_at <= now)
        if done < sessions_per_week:
            flags.append(_missed(done, sessions_per_week))
    if unconfirmed_directions:
        flags.append(_unconfirmed(unconfirmed_directions))
    return tuple(sorted(flags, key=lambda f: (f.severity.rank, _KIND_ORDER[f.kind])))


def severity_counts(flags: Iterable[Flag]) -> tuple[int, int, int]:
    """(urgent, warning, info) counts: sort patients by this, descending, most severe first."""
    counts = [0, 0, 0]
    for flag in flags:
        counts[flag.severity.rank] += 1
    return counts[0], counts[1], counts[2]


def _day_after(moment: datetime) -> date:
    return (moment + timedelta(days=1)).date()


def _fall(session: LoggedSession, paused: bool) -> Flag:
    state = (
        "the program is paused until you resume it"
        if paused
        else "review it and resume or adjust the program"
    )
    return Flag(
        FlagKind.FALL,
        Severity.URGENT,
        f"Reported a fall in the session of {session.performed_at.date().isoformat()}: {state}.",
        "expert-opinion",
    )


def _pain_flare(sessions: list[LoggedSession], checkins: list[CheckIn]) -> Flag | None:
    worst: tuple[int, str] | None = None
    for s in sessions:
        for pain, when in (
            (s.pain_during_nprs, "during"),
            (s.pain_after_nprs, "after"),
        ):
            if pain is None:  # not reported yet (an imported recording)
                continue
            if pain >= URGENT_PAIN_NPRS and (worst is None or pain > worst[0]):
                worst = (pain, f"{when} the session of {s.performed_at.date().isoformat()}")
    for c in checkins:
        pain = c.pain_next_morning_nprs
        if pain >= URGENT_PAIN_NPRS and (worst is None or pain > worst[0]):
            worst = (pain, f"on the morning of {c.on.isoformat()}")
    if worst is None:
        return None
    return Flag(
        FlagKind.PAIN_FLARE,
        Severity.URGENT,
        f"Pain {worst[0]}/10 {worst[1]} ({URGENT_PAIN_NPRS} or more is urgent; "
        "over 5 is already too much, nemex2010).",
        "expert-opinion",
    )


def _paused(stop: tuple[datetime, Decision] | None) -> Flag:
    if stop is None:
        text = "The program is paused: review the patient and resume it when cleared."
    else:
        at, decision = stop
        rules = ", ".join(dict.fromkeys(r.rule_id for r in decision.reasons)) or "stop"
        text = (
            f"The program is paused since {at.date().isoformat()} ({rules}): review the patient "
            "and resume it when cleared."
        )
    return Flag(FlagKind.PROGRAM_PAUSED, Severity.URGENT, text, "expert-opinion")


def _no_data(
    sessions: Sequence[LoggedSession],
    checkins: Sequence[CheckIn],
    now: datetime,
    started_at: datetime | None,
    paused: bool,
    last_data_on: date | None,
) -> Flag:
    days = [s.performed_at.date() for s in sessions if s.performed_at <= now]
    days += [c.on for c in checkins if c.on <= now.date()]
    if last_data_on is not None and last_data_on <= now.date():
        days.append(last_data_on)
    if days:
        last = max(days)
        what = f"for {(now.date() - last).days} days (last on {last.isoformat()})"
    elif started_at is not None:
        what = f"since the program started {(now - started_at).days} days ago"
    else:
        what = "yet"
    severity = Severity.INFO if paused else Severity.WARNING
    note = " (expected while the program is paused)" if paused else ""
    return Flag(
        FlagKind.NO_DATA, severity, f"No session or check-in {what}{note}.", "expert-opinion"
    )


def _unconfirmed(walked_at: Sequence[datetime]) -> Flag:
    n = len(walked_at)
    latest = max(walked_at).date().isoformat()
    what = "a session" if n == 1 else f"{n} sessions"
    return Flag(
        FlagKind.DIRECTION_UNCONFIRMED,
        Severity.WARNING,
        f"{what.capitalize()} declared backward where the motion sensor saw forward walking "
        f"({'on' if n == 1 else 'latest'} {latest}): not counted as measured backward walking; "
        "waiting for the walker to confirm the direction.",
        "expert-opinion",
    )


def _missed(done: int, planned: int) -> Flag:
    return Flag(
        FlagKind.MISSED_SESSIONS,
        Severity.WARNING,
        f"{done} session{'' if done == 1 else 's'} in the last 8 days; the plan has {planned} "
        "a week.",
        "expert-opinion",
    )
