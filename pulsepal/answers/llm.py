"""Optional LLM backend: an OpenAI-compatible chat endpoint, grounded by the offline retriever and policed by the
name checker.

A general model writes fluent Pulseq code but invents names (`mr.createTrap`, `seq.makeArbitraryGrad`), so the model
only ever adds prose on top of what the offline index can vouch for: the prompt carries the retrieved API entries
and how-to notes, and the finished answer is run through the checker, with a correction note streamed as the last
piece whenever it names something that does not exist. The endpoint is optional infrastructure, so any failure
(refused connection, HTTP error, timeout, a stream that stops without finishing) falls back to the offline answer
behind a one-line notice; the user never sees a traceback.

Same interface as `OfflineResponder`: `respond`, `stream`, and `stream_answer` returning an `AnswerStream`.
"""

from __future__ import annotations

import logging
import re
from typing import AsyncIterator, Optional

from .callmap import option_spelling
from .checker import Finding, get_checker
from .offline import OfflineResponder, get_offline_responder
from .pulseq_api import ApiEntry
from .render_api import matlab_signature, python_signature
from .render_docs import howto
from .types import Answer, AnswerRequest, AnswerStream, is_matlab, split_pieces

log = logging.getLogger(__name__)

HISTORY_MESSAGES = 10  # recent turns sent to the model; the session keeps more, the prompt does not need it
GROUNDING_CHARS = 6000

SYSTEM_PROMPT = """You are PulsePal, an assistant for Pulseq MRI pulse-sequence programming.
Answer in {language}. {syntax}
Use only Pulseq function names that appear in the reference material below or that you are certain exist in \
pypulseq {version} / the Pulseq MATLAB toolbox. If you are unsure a function exists, say so instead of inventing one.
Keep answers short and in Markdown; put code in fenced blocks."""

_SYNTAX = {
    "python": "Write Python with pypulseq: `import pypulseq as pp`, keyword arguments "
              "(`pp.make_trapezoid(channel='x', flat_time=..., system=system)`), Sequence methods in snake_case "
              "(`seq.add_block`).",
    "matlab": "Write MATLAB with the Pulseq toolbox: `mr.` functions with name/value options "
              "(`mr.makeTrapezoid('x', sys, 'FlatTime', ...)`), Sequence methods in camelCase (`seq.addBlock`).",
}
_SYNTAX["octave"] = _SYNTAX["matlab"] + " The user runs GNU Octave; avoid MATLAB-only language features."


class EndpointFailed(Exception):
    """The model produced no usable answer; the reason is shown to the user in one line."""


class LLMResponder:
    def __init__(self, settings, offline: Optional[OfflineResponder] = None):
        self.settings = settings
        self.offline = offline or get_offline_responder()
        self.checker = get_checker()
        self._client = None

    # --- interface -------------------------------------------------------------------------------------------

    async def respond(self, req: AnswerRequest) -> Answer:
        return await self.stream_answer(req).result()

    async def stream(self, req: AnswerRequest) -> AsyncIterator[str]:
        async for piece in self.stream_answer(req):
            yield piece

    def stream_answer(self, req: AnswerRequest) -> AnswerStream:
        return AnswerStream(lambda holder: self._produce(req, holder))

    # --- internals -------------------------------------------------------------------------------------------

    def client(self):
        if self._client is None:
            from openai import AsyncOpenAI

            self._client = AsyncOpenAI(
                base_url=self.settings.llm_base_url,
                api_key=self.settings.llm_api_key or "not-needed",  # Ollama/vLLM accept any placeholder
                timeout=self.settings.llm_timeout_seconds,
                max_retries=0,  # a retry doubles the wait before the offline answer; the user is waiting
            )
        return self._client

    async def _produce(self, req: AnswerRequest, holder: AnswerStream):
        offline = self.offline.answer(req)
        parts: list[str] = []
        finished = False
        reason = ""
        try:
            stream = await self.client().chat.completions.create(
                model=self.settings.llm_model, messages=self.build_messages(req), stream=True
            )
            async for chunk in stream:
                for choice in chunk.choices or []:
                    text = getattr(choice.delta, "content", None) if choice.delta else None
                    if text:
                        parts.append(text)
                        yield text
                    if choice.finish_reason:
                        finished = True
            if not finished:
                reason = "the model's answer stopped before it was finished"
            elif not "".join(parts).strip():
                reason = "the model returned an empty answer"
        except Exception as exc:  # noqa: BLE001 - any endpoint failure means the same thing: use the offline answer
            log.warning("LLM endpoint failed: %s", exc)
            reason = _describe(exc)

        if reason:
            notice = f"> Model unavailable ({reason}); here is PulsePal's offline answer.\n\n"
            if parts:
                notice = "\n\n" + notice
            pieces = [notice, *split_pieces(offline.text)]
            for p in pieces:
                yield p
            holder.answer = Answer(text="".join(parts) + "".join(pieces), code_examples=offline.code_examples,
                                   confident=offline.confident, topic=offline.topic, subject=offline.subject)
            return

        full = "".join(parts)
        findings = self.check_answer(full, req.preferred_language)
        if findings:
            note = correction_note(findings)
            yield note
            full += note
        holder.answer = Answer(text=full, code_examples=extract_code_examples(full, req.preferred_language),
                               confident=not findings, topic=offline.topic or self._topic(req), subject=offline.subject)

    def _topic(self, req: AnswerRequest) -> Optional[str]:
        hits = self.offline.index.names_in(req.query)
        return hits[0].entry.key if hits else None

    def check_answer(self, text: str, preferred: str) -> list[Finding]:
        """Run the checker on the code the model wrote: fenced blocks and inline code spans."""
        findings: list[Finding] = []
        for fence_lang, code in re.findall(r"```(\w*)\n(.*?)```", text, re.S):
            lang = {"py": "python", "python": "python", "matlab": "matlab", "octave": "matlab", "m": "matlab"}.get(
                fence_lang.lower())
            findings += self.checker.check(code, lang)
        prose = re.sub(r"```.*?```", " ", text, flags=re.S)
        for span in re.findall(r"`([^`\n]+)`", prose):
            if re.search(r"\b(mr|pp|seq)\.\w+", span):
                findings += self.checker.check(span, None)
        unique: dict[str, Finding] = {}
        for f in findings:
            unique.setdefault(f.name, f)
        return list(unique.values())

    def build_messages(self, req: AnswerRequest) -> list[dict]:
        lang = req.preferred_language if req.preferred_language in _SYNTAX else "python"
        label = {"python": "Python (pypulseq)", "matlab": "MATLAB", "octave": "Octave (MATLAB syntax)"}[lang]
        system = SYSTEM_PROMPT.format(language=label, syntax=_SYNTAX[lang], version=self.offline.index.api.version)
        messages = [{"role": "system", "content": system}]
        if req.sequence_knowledge:
            messages.append({"role": "system", "content": "The user's sequence context:\n" + req.sequence_knowledge})
        grounding = self.grounding(req)
        if grounding:
            messages.append({"role": "system", "content": "Reference material (authoritative):\n\n" + grounding})
        for msg in (req.history or [])[-HISTORY_MESSAGES:]:
            if msg.get("role") in ("user", "assistant") and msg.get("content"):
                messages.append({"role": msg["role"], "content": msg["content"]})
        messages.append({"role": "user", "content": req.query})
        return messages

    def grounding(self, req: AnswerRequest) -> str:
        index = self.offline.index
        entries: list[ApiEntry] = [h.entry for h in index.names_in(req.query)]
        if not entries:
            subject = self.offline.previous_subject(req.history)
            topic = index.api.get(subject.split(":", 1)[1]) if subject and subject.startswith("api:") else None
            if topic is not None:
                entries.append(topic)
        entries += [d.entry for d, _ in index.search_api(req.query, 3) if d.entry is not None]
        seen: set[str] = set()
        blocks = []
        for e in entries:
            if e.key in seen:
                continue
            seen.add(e.key)
            blocks.append(_entry_text(e, req.preferred_language))
        for doc, _score in index.search_howto(req.query, 2):
            if doc.kind == "howto":
                blocks.append(howto(index, doc, req.preferred_language).text)
            else:
                blocks.append(f"Template available: {doc.title} — {doc.meta.get('description', '')}")
        text = "\n\n".join(blocks)
        return text[:GROUNDING_CHARS]


def _entry_text(e: ApiEntry, lang: str) -> str:
    head = f"{e.matlab_name or '(no MATLAB equivalent)'} | Python: {e.python_call or '(no Python equivalent)'}"
    if e.python_import:
        head += f" ({e.python_import})"
    lines = [head, e.summary_text]
    if is_matlab(lang) and e.matlab is not None:
        lines.append("signature: " + matlab_signature(e))
        if e.matlab.options:
            lines.append("options: " + ", ".join(f"'{option_spelling(o.name)}' (default {o.default})"
                                                 for o in e.matlab.options))
    elif not is_matlab(lang) and e.python_name is not None:
        lines.append("signature: " + python_signature(e))
    if e.returns and not is_matlab(lang):
        lines.append("returns: " + ", ".join(r[0] for r in e.returns))
    return "\n".join(ln for ln in lines if ln)


def _describe(exc: Exception) -> str:
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    if status:
        return f"HTTP {status} from the endpoint"
    if "Timeout" in name:
        return "the endpoint timed out"
    if "Connection" in name:
        return "could not reach the endpoint"
    return f"the endpoint failed: {name}"


def correction_note(findings: list[Finding]) -> str:
    lines = ["\n\n> **PulsePal name check:** the answer above uses names that are not real Pulseq functions:"]
    for f in findings:
        fix = f" — use `{f.suggestion}`" if f.suggestion else " — no equivalent exists"
        lines.append(f"> - `{f.name}`: {f.message}{fix}")
    return "\n".join(lines) + "\n"


def extract_code_examples(text: str, preferred: str) -> list[dict]:
    out = []
    for fence_lang, code in re.findall(r"```(\w*)\n(.*?)```", text, re.S):
        lang = fence_lang.lower() or preferred
        lang = {"py": "python", "m": "matlab"}.get(lang, lang)
        out.append({"code": code, "language": lang, "sequence_type": None, "description": "Code from the answer"})
    return out
