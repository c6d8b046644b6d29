"""Asking the offline responder as the chat does, for the behaviour tests: one question, or a conversation whose
every turn but the last is answered by the responder itself (so a follow-up sees the answer a user would have
seen, not one a test wrote)."""

from __future__ import annotations

from pulsepal.answers import AnswerRequest


def ask(responder, text, lang="python", history=None, knowledge=None):
    return responder.answer(AnswerRequest(query=text, history=history or [], preferred_language=lang,
                                          sequence_knowledge=knowledge))


def pair(responder, first, follow, lang="python"):
    """(first answer, follow-up's answer), the history built as eval/answers/score.py builds it: the first answer's
    text with its topic and confidence."""
    a = ask(responder, first, lang)
    history = [{"role": "user", "content": first},
               {"role": "assistant", "content": a.text, "metadata": {"topic": a.topic, "confident": a.confident}}]
    return a, ask(responder, follow, lang, history)


def then(responder, first, follow, lang="python"):
    """The follow-up's answer after the responder answered the first turn itself (as `pair`)."""
    return pair(responder, first, follow, lang)[1]


def chat(responder, turns, lang="python"):
    """The last turn's answer, every turn before it answered by the responder."""
    history: list[dict] = []
    for q in turns[:-1]:
        a = ask(responder, q, lang, history)
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": a.text,
                                                     "metadata": a.metadata}]
    return ask(responder, turns[-1], lang, history)
