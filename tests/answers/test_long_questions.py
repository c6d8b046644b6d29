"""A long question is read off the event loop, so one user's 20,000 characters never hold up everyone else's chat.

The chat awaits the responder on the server's one event loop; an answer computed there stops every socket of every
user until it is done. How long reading takes (linear in the length since the quadratic patterns were fixed) is
measured by bench/bench_answers.py ("long questions"), not asserted here.
"""

from __future__ import annotations

import threading

from pulsepal.answers import AnswerRequest
from pulsepal.answers.offline import OfflineResponder
from pulsepal.answers.ranking import compound_words


class Recording(OfflineResponder):
    """The shipped responder, noting which thread computed each answer."""

    threads: list[int]

    def answer(self, req):
        self.threads.append(threading.get_ident())
        return super().answer(req)


def _recording() -> Recording:
    from pulsepal.answers import get_offline_responder

    shipped = get_offline_responder()
    responder = Recording.__new__(Recording)
    responder.__dict__.update(shipped.__dict__)
    responder.threads = []
    return responder


async def test_every_answer_is_computed_off_the_event_loop():
    responder = _recording()
    for text in ("What does mr.makeTrapezoid do?", "how do I make a spoiler? " * 700):
        answer = await responder.respond(AnswerRequest(text, [], "matlab", None))
        assert answer.text
    assert len(responder.threads) == 2 and threading.get_ident() not in responder.threads


def test_compound_words_are_the_snake_and_camel_case_identifiers():
    text = "set max_grad and riseTime, not max_ or plain words; makeTrapezoid(x) and a_b_c"
    assert compound_words(text) == ["max_grad", "riseTime", "makeTrapezoid", "a_b_c"]
    assert compound_words("a" * 5000) == [] and compound_words("aB" * 50) == ["aB" * 50]
