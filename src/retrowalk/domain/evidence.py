"""Citation keys of the evidence base (../shared/evidence.md) and their sources.

Every health rule and number in retrowalk cites one of these keys. ``cite`` checks a key
exists, so a typo in a rule fails at import time and in the tests, never in front of a walker.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    short: str
    strength: str


_SOURCES: tuple[Source, ...] = (
    Source(
        "alghadir2019",
        "Alghadir et al. 2019, BMC Musculoskelet Disord 20:159: retro walking "
        "10 min, 3 days/week, 6 weeks in knee OA",
        "RCT",
    ),
    Source(
        "gondhalekar2013",
        "Gondhalekar & Deo 2013, N Am J Med Sci: retro walking adjunct in knee OA",
        "RCT (small)",
    ),
    Source(
        "flynn1995",
        "Flynn & Soutas-Little 1995, JOSPT: patellofemoral compression, backward "
        "vs forward running",
        "Small study",
    ),
    Source(
        "roos2012",
        "Roos et al. 2012, J Biomech: patellofemoral compression at the same speed",
        "Small study",
    ),
    Source(
        "cipriani1995",
        "Cipriani et al. 1995, JOSPT: backward walking at 0, 5, 10 % incline",
        "Small study",
    ),
    Source(
        "compendium2011",
        "Ainsworth et al. 2011 Compendium of Physical Activities",
        "Consensus/standard",
    ),
    Source(
        "compendium2024",
        "Herrmann et al. 2024 Adult Compendium of Physical Activities",
        "Consensus/standard",
    ),
    Source(
        "flynn1994",
        "Flynn et al. 1994, MSSE: cardiopulmonary cost of backward walking",
        "Small study",
    ),
    Source(
        "hooper2004",
        "Hooper et al. 2004, JOSPT: graded backward walking, HR and VO2",
        "Small study",
    ),
    Source(
        "chaloupka1997",
        "Chaloupka et al. 1997, JOSPT: backward walking at 0 and 5 % grade",
        "Small study",
    ),
    Source(
        "laufer2005",
        "Laufer 2005, J Gerontol: backward gait slower, cadence unchanged",
        "Small study",
    ),
    Source(
        "fritz2013",
        "Fritz et al. 2013, Gait Posture: backward walking velocity < 0.6 m/s in fallers",
        "Diagnostic/cohort",
    ),
    Source(
        "hreljac2005", "Hreljac et al. 2005: backward walk-run transition 1.63 m/s", "Small study"
    ),
    Source(
        "carter2019",
        "Carter et al. 3-metre backward walk test: <= 3.0 s low, >= 4.5 s high fall risk",
        "Diagnostic",
    ),
    Source(
        "carter2020", "Carter et al. 2020: 3MBWT in Parkinson disease, cut-off 4.2 s", "Diagnostic"
    ),
    Source(
        "poloferrero2025",
        "Polo-Ferrero et al. 2025: 3MBWT cut-off 5.5 s, community older adults",
        "Diagnostic",
    ),
    Source(
        "kapan2025",
        "Kapan et al. 2025, JAMDA: 3MBWT cut-offs 8.15 / 9.31 s, nursing homes",
        "Diagnostic/cohort",
    ),
    Source("ozden2021", "Ozden et al. 2021: 3MBWT test-retest ICC 0.94", "Diagnostic"),
    Source(
        "farrar2001",
        "Farrar et al. 2001, Pain: NPRS change of 2 points or 30 % is important",
        "Diagnostic/anchor",
    ),
    Source(
        "salaffi2004",
        "Salaffi et al. 2004, Eur J Pain: NPRS minimal change 1 point or 15 %",
        "Diagnostic/anchor",
    ),
    Source("koos2003", "Roos & Lohmander 2003 and KOOS scoring guide 2012", "Consensus/standard"),
    Source("koos12", "Gandek et al. 2019: KOOS-12 scoring", "Consensus/standard"),
    Source("tubach2005", "Tubach et al. 2005: WOMAC function MCII", "Diagnostic/anchor"),
    Source("tug2015", "Alghadir et al. 2015: TUG MDC 1.10 s in knee OA", "Diagnostic"),
    Source("barry2014", "Barry et al. 2014: TUG >= 13.5 s, falls (do not use alone)", "SR/MA"),
    Source("thomee1997", "Thomee 1997: pain-monitoring model", "Consensus/standard"),
    Source("silbernagel2007", "Silbernagel et al. 2007: pain-monitoring model RCT", "RCT"),
    Source(
        "nemex2010",
        "Ageberg et al. 2010 NEMEX-TJR: pain zones 0-2 safe, 2-5 acceptable, >5 high risk",
        "Consensus/standard",
    ),
    Source("glad2017", "Skou & Roos 2017: GLA:D program", "Consensus/standard"),
    Source(
        "uthoff2021",
        "Uthoff et al. 2021: backward sled towing 20-55 % body mass, 2/week, 8 weeks",
        "RCT-like",
    ),
    Source(
        "wang2019",
        "Wang et al. 2019, Gait Posture: backward walking and balance meta-analysis",
        "SR/MA",
    ),
    Source(
        "hackney2009",
        "Hackney & Earhart 2009: backward walking impaired in Parkinson disease",
        "Small study",
    ),
    Source(
        "treadmill-safety",
        "Consumer safety guidance on treadmills (safety key, clearance behind)",
        "Expert opinion",
    ),
    Source(
        "expert-opinion",
        "Clinician or coach advice (labelled as such wherever it is used)",
        "Expert opinion",
    ),
)

SOURCES: dict[str, Source] = {source.key: source for source in _SOURCES}


def cite(key: str) -> str:
    """Return ``key`` after checking it is a citation key of the evidence base."""
    if key not in SOURCES:
        raise KeyError(f"unknown citation key {key!r}; see ../shared/evidence.md")
    return key
