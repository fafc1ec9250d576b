import pytest

from retrowalk.domain.evidence import SOURCES, cite
from retrowalk.domain.models import Reason


def test_every_key_of_the_evidence_table_is_known() -> None:
    for key in ("alghadir2019", "nemex2010", "uthoff2021", "carter2019", "koos12"):
        assert cite(key) == key
    assert len(SOURCES) >= 30


def test_unknown_citation_key_is_refused() -> None:
    with pytest.raises(KeyError, match="unknown citation key"):
        cite("made-up-2020")
    with pytest.raises(KeyError):
        Reason("rule", "text", "not-a-key")
