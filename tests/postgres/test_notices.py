"""The replicas' notices over a real PostgreSQL server: delivered to every other listener, checked on arrival, and
still delivered after the database dropped the listening connection, with a call to look again for what went by
meanwhile (the format and the cleanup's notices are in tests/contract/test_notices_contract.py)."""

from __future__ import annotations

import queue
import threading

import psycopg
import pytest

from pulsepal.sessions.stores.postgres.notices import Listener, publish

CHANNEL = "pulsepal_test_notices"


@pytest.fixture
def listening(pg_url):
    received: "queue.Queue[dict]" = queue.Queue()
    listener = Listener(pg_url, CHANNEL, received.put, lambda: received.put({"resync": True})).start()
    assert listener.ready.wait(20)
    yield listener, received
    listener.stop()


def _next(received: "queue.Queue[dict]", timeout: float = 10) -> dict:
    return received.get(timeout=timeout)


def test_notices_arrive_in_order_and_bad_ones_are_dropped(pg_url, listening):
    _, received = listening
    publish(pg_url, CHANNEL, [{"n": 1}, {"n": 2}])
    with psycopg.connect(pg_url, autocommit=True) as conn:  # anyone with access to the database may send
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, "not json"))
        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, "[1, 2]"))
    publish(pg_url, CHANNEL, [{"n": 3}])
    assert [_next(received)["n"] for _ in range(3)] == [1, 2, 3]
    assert received.empty()


def test_a_notice_too_big_for_postgresql_is_refused_before_sending(pg_url):
    with pytest.raises(ValueError, match="limit"):
        publish(pg_url, CHANNEL, [{"ids": "x" * 8000}])


def test_the_listener_comes_back_after_its_connection_is_dropped(pg_url, listening):
    listener, received = listening
    with psycopg.connect(pg_url, autocommit=True) as conn:
        killed = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE application_name = 'pulsepal-listener'").fetchone()[0]
    assert killed == 1
    delivered = threading.Event()

    def keep_sending() -> None:  # notices sent while it reconnects are missed, by design; one after it is not
        while not delivered.wait(0.3):
            if listener.ready.is_set():
                publish(pg_url, CHANNEL, [{"after": "reconnect"}])

    sender = threading.Thread(target=keep_sending, daemon=True)
    sender.start()
    try:
        assert _next(received, timeout=30) == {"resync": True}  # it may have missed some: its tabs look again
        assert _next(received, timeout=30) == {"after": "reconnect"}
    finally:
        delivered.set()
        sender.join(5)
