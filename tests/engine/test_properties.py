"""Property-based tests: ids, arbitrary message text, and export -> import -> identical."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulsepal.clock import FakeClock
from pulsepal.sessions import InvalidSessionId, SessionManager
from pulsepal.sessions.ids import MAX_ID_LENGTH, is_valid_session_id, validate_session_id
from pulsepal.settings import Settings

SAFE = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", fullmatch=True)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=2000)


def _manager(root: str) -> SessionManager:
    return SessionManager(Settings(_env_file=None, session_storage_path=Path(root) / "sessions"), clock=FakeClock())


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


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages=st.lists(st.tuples(st.sampled_from(["user", "assistant", "system"]), TEXT), max_size=12),
       knowledge=st.one_of(st.none(), TEXT),
       metadata=st.dictionaries(st.text(max_size=10), st.integers(-(2**63), 2**63 - 1), max_size=3))
def test_any_text_survives_reload_and_export_import_roundtrip(messages, knowledge, metadata):
    with tempfile.TemporaryDirectory() as root_a, tempfile.TemporaryDirectory() as root_b:
        a = _manager(root_a)
        sid = a.create_session(owner="someone", metadata=metadata)
        for role, text in messages:
            a.add_message(sid, role, text)
        if knowledge is not None:
            a.update_session(sid, sequence_knowledge=knowledge, use_sequence_knowledge=True)
        reloaded = _manager(root_a).get_session(sid)
        assert [(m.role, m.content) for m in reloaded.conversation_history] == messages
        document = a.export_session(sid)
        b = _manager(root_b)
        b.import_session(document)
        again = b.export_session(sid)
        assert again["events"] == document["events"]
        assert again["session"] == document["session"]
        assert b.get_session(sid) == reloaded
        a.close()  # let the search indexers finish before the folders go
        b.close()


def test_values_json_cannot_hold_are_refused_before_anything_is_written(tmp_path):
    sm = _manager(str(tmp_path))
    import pytest

    with pytest.raises(ValueError, match="JSON"):
        sm.create_session(metadata={"big": 2**70})
    sid = sm.create_session()
    with pytest.raises(ValueError, match="JSON"):
        sm.add_message(sid, "user", "hi", metadata={"big": 2**70})
    assert sm.get_session(sid).conversation_count == 0
    assert len(list((tmp_path / "conversationLogs").iterdir())) == 1
