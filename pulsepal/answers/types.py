"""What a responder receives and returns, shared by the offline and LLM backends (so neither imports the other's
internals).

Streaming interface: `stream_answer(req)` returns an `AnswerStream`; iterate it with `async for piece in stream` to
get the Markdown pieces, then read `stream.answer` (or `await stream.result()`, which also drains an unread stream)
for the full `Answer` with its code examples and topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable, Optional


@dataclass
class AnswerRequest:
    query: str
    # oldest first: {"role": "user"|"assistant", "content": str, "metadata": dict}; an assistant message's metadata
    # holds the "topic" and "subject" its answer was about (what a follow-up's "it" refers to)
    history: list[dict] = field(default_factory=list)
    preferred_language: str = "python"  # "matlab" | "python" | "octave"
    sequence_knowledge: Optional[str] = None  # user's sequence context; None when switched off


@dataclass
class Answer:
    text: str  # Markdown
    code_examples: list[dict] = field(default_factory=list)  # {"code", "language", "sequence_type", "description"}
    confident: bool = True
    topic: Optional[str] = None  # canonical Python name of the main function discussed ("seq." for methods)
    # what the answer was about, for follow-ups: "api:<key>", "howto:<stem>" or "template:<stem>"
    subject: Optional[str] = None
    # which path of the offline responder produced it ("template", "no_template", "api", "howto", "check", ...):
    # what the abstention rule (abstain.py) is fitted per; not recorded in the session
    route: Optional[str] = None

    @property
    def metadata(self) -> dict[str, Any]:
        """What the session records with the answer (and hands back in the history for the next turn)."""
        meta: dict[str, Any] = {"topic": self.topic, "confident": self.confident}
        if self.subject:
            meta["subject"] = self.subject
        return meta


def via(route: str, ans: Answer) -> Answer:
    """Record the path that produced the answer; the innermost one wins (a follow-up that renders a template is a
    follow-up)."""
    ans.route = ans.route or route
    return ans


@dataclass(frozen=True)
class Finding:
    """One problem the code check found."""

    name: str  # as written, e.g. "mr.write"
    line: int  # 1-based
    # "invented", "wrong_namespace", "wrong_language", "wrong_case", "not_exported", "unknown", "matlab_only",
    # "python_only", "wrong_argument", "missing_argument", "argument_order", "missing_unit", "adc_on_ramp"
    problem: str
    message: str  # one readable sentence
    suggestion: Optional[str]  # the right spelling in the code's language, when there is one


class AnswerStream:
    """Async-iterable Markdown pieces; `answer` is set once the last piece has been produced."""

    def __init__(self, produce: Callable[["AnswerStream"], AsyncIterator[str]]):
        self._gen = produce(self)
        self.answer: Optional[Answer] = None

    def __aiter__(self):
        return self._gen.__aiter__()

    async def result(self) -> Answer:
        async for _ in self._gen:
            pass
        assert self.answer is not None
        return self.answer


_BLOCK_START = re.compile(r"^\s*([-*+>#|]|\d+[.)])\s")


def unwrap_paragraphs(text: str) -> str:
    """Join the hard-wrapped lines of our how-to notes into one line per paragraph: chat front ends (Chainlit
    among them) render every newline as a line break, which cuts sentences in half. Lists, headings, tables and
    quotes keep their lines."""
    out: list[str] = []
    for line in text.split("\n"):
        joinable = out and out[-1].strip() and line.strip() and not _BLOCK_START.match(line)
        if joinable and not _BLOCK_START.match(out[-1]):
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            out.append(line)
    return "\n".join(out)


def split_pieces(text: str) -> list[str]:
    """Line-sized pieces whose concatenation is exactly `text`."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text) or [text]


def is_matlab(lang: str) -> bool:
    """Octave answers use MATLAB syntax: every rendering rule treats the two alike."""
    return lang in ("matlab", "octave")


def lang_label(lang: str) -> str:
    return {"matlab": "MATLAB", "octave": "Octave", "python": "Python (pypulseq)"}[lang]
