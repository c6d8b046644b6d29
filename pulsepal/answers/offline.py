"""The offline responder: understands the question (intent.py), finds what it is about (exact names, then the
ranker), and answers from facts (pypulseq introspection, the MATLAB toolbox's recorded signatures), our how-to
notes and templates, in the session's language.

It runs with no model and no network, so it only says what it can back: when the question matches nothing clearly
it says so and lists the candidates best first instead of guessing. Streaming interface (shared with the LLM
responder, see types.py): `stream_answer(req)`, `stream(req)`, `respond(req)`; `answer(req)` is the synchronous core.
"""

from __future__ import annotations

import asyncio
import re
from typing import AsyncIterator, Optional

from ..language import detect_language, normalise_language
from . import render_docs
from .checker import Checker, format_findings, get_checker
from .intent import Intent, detect
from .knowledge import parse
from .pulseq_api import ApiEntry
from .ranking import Candidate, Ranker, note_functions, related
from .render_api import name_of, render
from .search import Index, NameHit, get_index
from .sequences import requested
from .translate import Translator
from .types import Answer, AnswerRequest, AnswerStream, is_matlab, lang_label, split_pieces

_HOW = re.compile(r"^\s*(how|what'?s the (best |right )?way|what is the (best |right )?way|can i|is there a way)\b", re.I)
_KNOWLEDGE_QUESTION = re.compile(r"\b(my (sequence|values|parameters|settings|protocol|scanner)|minimum|shortest|"
                                 r"feasible|possible|achievable|will (it|this) work|can i (use|get|reach))\b", re.I)
_TEMPLATE_ASK = re.compile(r"\b(template|example|skeleton|script|starter|write|build|create|give|make|code|"
                           r"implement|program|generate|show|need|want|full|complete|set up|sequence)\b", re.I)


class OfflineResponder:
    """Built once per process (see `get_offline_responder`): construction reads pypulseq."""

    notice: Optional[str] = None

    def __init__(self, index: Optional[Index] = None, checker: Optional[Checker] = None):
        self.index = index or get_index()
        self.checker = checker or get_checker()
        self.ranker = Ranker(self.index)
        self.translator = Translator(self.index)

    # --- interface -------------------------------------------------------------------------------------------

    async def respond(self, req: AnswerRequest) -> Answer:
        return await self.stream_answer(req).result()

    async def stream(self, req: AnswerRequest) -> AsyncIterator[str]:
        async for piece in self.stream_answer(req):
            yield piece

    def stream_answer(self, req: AnswerRequest) -> AnswerStream:
        async def produce(holder: AnswerStream):
            # Answers that use the sequence knowledge may build a sequence with pypulseq: off the event loop.
            ans = await asyncio.to_thread(self.answer, req) if req.sequence_knowledge else self.answer(req)
            for piece in split_pieces(ans.text):
                yield piece
                await asyncio.sleep(0)
            holder.answer = ans

        return AnswerStream(produce)

    # --- the core ---------------------------------------------------------------------------------------------

    def answer(self, req: AnswerRequest) -> Answer:
        intent = detect(req.query or "", self._language(req), self.index)
        lang = intent.lang
        if intent.action == "check":
            return self._check(intent)
        if intent.action == "translate_code":
            return self._translate(intent)
        knowledge = parse(req.sequence_knowledge) if req.sequence_knowledge else None
        kind = requested(intent.prose)
        words = len(intent.prose.split())
        if kind is not None and ((intent.wants_template or (words <= 6 and _TEMPLATE_ASK.search(intent.prose)))
                                 or (not intent.names and _TEMPLATE_ASK.search(intent.prose) and not _HOW.search(
                                     intent.prose))):
            if kind.template is None:
                return render_docs.no_template(kind, lang)
            return render_docs.template(kind.template, lang, knowledge)
        if knowledge and not intent.names and _KNOWLEDGE_QUESTION.search(intent.prose):
            kind = knowledge.kind
            if kind is not None and kind.template is not None:
                return render_docs.template(kind.template, lang, knowledge)
        if not intent.names and intent.refers_back:
            previous = self.previous_subject(req.history)
            if previous is not None:
                return self._subject(previous, lang, intent.aspect)
        if intent.names:
            return self._named(intent)
        ranking = self.ranker.rank(intent.prose)
        top = ranking.top
        if top is not None and ranking.confident:
            if top.entry is not None and _HOW.search(intent.prose):
                # "how do I write a .seq file": the note built around seq.write answers more than its signature
                note = next((c for c in ranking.candidates[1:4] if c.kind == "howto" and related(top, c)), None)
                if note is not None and note.score >= 0.75 * top.score:
                    top = note
            return self._candidate(top, lang, intent)
        close = [e for w in re.findall(r"[A-Za-z_][\w.]{3,}", intent.prose) if re.search(r"[_.]|[a-z][A-Z]", w)
                 for e in self.index.closest_names(w, 3)]
        return render_docs.not_sure(self.index, ranking, intent.prose, lang, close)

    # --- pieces -----------------------------------------------------------------------------------------------

    @staticmethod
    def _language(req: AnswerRequest) -> str:
        try:
            return normalise_language(req.preferred_language)
        except ValueError:
            return detect_language(req.query) or "python"

    def _named(self, intent: Intent) -> Answer:
        hit = next((h for h in intent.names if not h.invented), intent.names[0])
        e, lang = hit.entry, intent.lang
        if intent.action == "translate_name":
            return self._translate_name(hit, lang)
        if intent.aspect == "overview" and _HOW.search(intent.prose) and len(intent.prose.split()) > 5:
            ranking = self.ranker.rank(intent.prose)
            top = ranking.top
            if top is not None and top.kind == "howto" and top.vocab >= 0.9 and top.doc is not None and (
                    e.key in note_functions(top.doc) or (e.python_name or "") in note_functions(top.doc)):
                return render_docs.howto(self.index, top.doc, lang)
        ans = render(e, lang, intent.aspect, written=hit.written)
        if hit.invented:
            ans.text = (f"> `{hit.written}` does not exist in Pulseq; you probably mean `{name_of(e, lang)}`.\n\n"
                        + ans.text)
        return ans

    def _candidate(self, top: Candidate, lang: str, intent: Intent) -> Answer:
        if top.entry is not None:
            return render(top.entry, lang, intent.aspect)
        assert top.doc is not None
        if top.kind == "template":
            return render_docs.template(top.id.split(":", 1)[1], lang)
        return render_docs.howto(self.index, top.doc, lang)

    def _subject(self, subject: str, lang: str, aspect: str) -> Answer:
        kind, _, ref = subject.partition(":")
        if kind == "template":
            return render_docs.template(ref, lang)
        if kind == "howto":
            doc = next((d for d in self.index.howto_docs if d.id == subject), None)
            if doc is not None:
                return render_docs.howto(self.index, doc, lang)
        entry = self.index.api.get(ref if kind == "api" else subject)
        if entry is None:
            return render_docs.not_sure(self.index, self.ranker.rank(""), "", lang, [])
        return render(entry, lang, aspect)

    def previous_subject(self, history: list[dict]) -> Optional[str]:
        """What "it" refers to: the subject the previous answer recorded, else a name the user wrote."""
        for msg in reversed(history or []):
            meta = msg.get("metadata") or {}
            if msg.get("role") == "assistant":
                if meta.get("subject"):
                    return str(meta["subject"])
                if meta.get("topic"):
                    return "api:" + str(meta["topic"])
            if msg.get("role") == "user":
                hits = [h for h in self.index.names_in(msg.get("content", "")) if not h.invented]
                if hits:
                    return "api:" + hits[0].entry.key
        for msg in reversed(history or []):  # an old-style history without metadata: the answer's own subject
            if msg.get("role") == "assistant":
                m = re.search(r"^###\s+`([^`]+)`", msg.get("content", ""), re.M)
                hit = self.index.lookup(m.group(1)) if m else None
                if hit is not None:
                    return "api:" + hit.entry.key
        return None

    def _translate_name(self, hit: NameHit, target: str) -> Answer:
        e: ApiEntry = hit.entry
        lines = []
        if hit.invented:
            lines += [f"> `{hit.written}` does not exist in Pulseq; it presumably means `{name_of(e, target)}`.", ""]
        lines += ["| MATLAB | Python (pypulseq) |", "|---|---|",
                  f"| `{e.matlab_name or '(none)'}` | `{e.python_call or '(none)'}` |", ""]
        body = render(e, target, "overview")
        body.text = "\n".join(lines) + "\n" + body.text
        return body

    def _translate(self, intent: Intent) -> Answer:
        src = intent.code_lang or "matlab"
        result = self.translator.translate(intent.code, src)
        target_lang = intent.lang if result.target == ("matlab" if is_matlab(intent.lang) else "python") else (
            result.target)
        fence = "python" if result.target == "python" else "matlab"
        text = [f"### {lang_label(target_lang)} version", "", f"```{fence}", result.code.rstrip(), "```", ""]
        if result.notes:
            text += ["Notes:", *[f"- {n}" for n in result.notes], ""]
        findings = self.checker.check(result.code, fence)
        if findings:
            text += ["Names I could not map:", format_findings(findings), ""]
        text.append("Translated statement by statement: arguments by their meaning (positional, name/value and "
                    "keyword), outputs by position, indexing and loops converted; review loops and indexing.")
        return Answer(text="\n".join(text) + "\n", confident=not findings, topic=result.topic,
                      subject=("api:" + result.topic) if result.topic else None,
                      code_examples=[{"code": result.code, "language": target_lang, "sequence_type": None,
                                      "description": "Translated code"}])

    def _check(self, intent: Intent) -> Answer:
        code_lang = intent.code_lang or ("matlab" if is_matlab(intent.lang) else "python")
        findings = self.checker.check(intent.code, code_lang)
        version = self.index.api.version
        if findings:
            text = (f"### Pulseq names in your code: {len(findings)} problem{'s' if len(findings) > 1 else ''}\n\n"
                    + format_findings(findings) + "\n")
            if any(f.problem == "unknown" for f in findings):
                text += ("\nNames marked unknown are not in pypulseq and not in the MATLAB toolbox's recorded "
                         "functions; if you are sure they exist in your version, ignore that line.\n")
        else:
            timing = "`seq.checkTiming`" if code_lang == "matlab" else "`seq.check_timing()`"
            text = ("### Pulseq names in your code\n\nEvery Pulseq function, method and option name in your code "
                    f"exists (checked against pypulseq {version} and the MATLAB toolbox's signatures). This check "
                    f"covers names and arguments, not timing or physics: run the timing check ({timing}) for that.\n")
        first = next((f for f in findings if f.suggestion), None)
        hit = self.index.lookup(first.suggestion) if first and first.suggestion else None
        return Answer(text=text, confident=True, topic=hit.entry.key if hit else None)


_OFFLINE: Optional[OfflineResponder] = None


def get_offline_responder() -> OfflineResponder:
    """One per process: building introspects pypulseq (about a second)."""
    global _OFFLINE
    if _OFFLINE is None:
        _OFFLINE = OfflineResponder()
    return _OFFLINE
