"""Answering Pulseq questions: an offline responder built from the installed pypulseq and the MATLAB toolbox's
recorded facts, and an optional LLM one.

`get_responder(settings)` picks the backend: the LLM responder when `settings.llm_base_url` is set, otherwise the
offline one. Both offer `await respond(req) -> Answer`, `stream(req)` (async iterator of Markdown pieces) and
`stream_answer(req) -> AnswerStream` (iterate it for the pieces, then read `.answer` for code examples and topic).
Building the offline index introspects pypulseq once per process, so it is cached.
"""

from __future__ import annotations

from .checker import Finding, check_code
from .offline import OfflineResponder, get_offline_responder
from .types import Answer, AnswerRequest, AnswerStream

__all__ = [
    "Answer",
    "AnswerRequest",
    "AnswerStream",
    "Finding",
    "OfflineResponder",
    "check_code",
    "get_offline_responder",
    "get_responder",
]


def get_responder(settings=None):
    """LLM responder when an endpoint is configured, else the (process-wide) offline responder."""
    if settings is None:
        from ..settings import get_settings

        settings = get_settings()
    if getattr(settings, "llm_base_url", None):
        from .llm import LLMResponder

        return LLMResponder(settings, get_offline_responder())
    return get_offline_responder()
