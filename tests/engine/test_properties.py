"""Property-based tests of session ids: every id is either safe to put in a file name inside the store or refused.
(Arbitrary message text surviving reload and export -> import is a property of every store:
tests/contract/test_safety_contract.py.)"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pulsepal.sessions import InvalidSessionId
from pulsepal.sessions.ids import MAX_ID_LENGTH, is_valid_session_id, validate_session_id

SAFE = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", fullmatch=True)


@given(SAFE)
def test_valid_ids_are_accepted_and_stay_inside_the_store(session_id):
    assert validate_session_id(session_id) == session_id
    path = Path("/store/active") / f"session_{session_id}.json"
    assert path.parent == Path("/store/active") and ".." not in path.parts


@given(st.text(max_size=200))
def test_any_id_is_either_safe_or_refused(candidate):
    if is_valid_session_id(candidate):
        assert "/" not in candidate and "\x00" not in candidate and not candidate.startswith(".")
        assert 1 <= len(candidate) <= MAX_ID_LENGTH
    else:
        try:
            validate_session_id(candidate)
        except InvalidSessionId as exc:
            assert "invalid session id" in str(exc)
        else:  # pragma: no cover - the property failed
            raise AssertionError("invalid id accepted")
