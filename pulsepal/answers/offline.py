"""The offline responder: understands the question (intent.py), finds what it is about (names, then the ranker) and
answers from facts (pypulseq introspection, the MATLAB toolbox's signatures), how-to notes and templates.

It runs with no model and no network, so it only says what it can back: when the question matches nothing clearly
it says so and lists the candidates best first instead of guessing. Streaming interface (shared with the LLM
responder, see types.py): `stream_answer(req)`, `stream(req)`, `respond(req)`; `answer(req)` is the synchronous core.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from typing import AsyncIterator, Optional

from ..language import detect_language, normalise_language
from . import calculators, property, render_docs, render_translation, seqcontext, template_params, unitfacts
from . import followups as fu
from .abstain import Features, Rule, features, judge
from .asked_params import asked_option
from .checker import Checker, get_checker
from .checkreport import check_answer, reported_problem
from .conversation_subject import previous_subject
from .error_messages import error_answer
from .event_pairing import GRADIENT_MAKERS, pairing_line
from .example_values import fill_answer as fill_examples
from .followup_forms import finish_followup
from .followup_rewrite import compared_with, completed_ellipsis, context_words, moved_to_note
from .followup_subjects import moved_subject
from .followups import ASKS_VALUE as _ASKS_VALUE
from .intent import Intent, detect
from .knowledge import Knowledge, merged, parse
from .pulseq_api import ApiEntry
from .ranking import Candidate, Ranker, Ranking, note_functions, related
from .render_api import name_of, render
from .search import Index, get_index
from .sequence_requests import asks_for_sequence, can_do_sequence, variant_answer
from .sequence_variants import missing_variant
from .sequences import few_words, names_sequence, requested, unknown_sequence
from .settings_question import answered as with_pasted_limits
from .steps import two_steps
from .translate import Translator
from .types import Answer, AnswerRequest, AnswerStream, is_matlab, split_pieces
from .types import via as _via

_HOW = re.compile(r"^\s*(how|what(?:'?s| is) the (best |right )?way|can i|is there a way)\b", re.I)
_ASKS_FUNCTION = re.compile(r"\b(which|what) (function|call|command|method|event|object|helper|option|parameter|"
                            r"argument|keyword)s?\b|\bwhat (creates|makes|gives|returns|do i call)\b|\bis there (a|an) "
                            r"(function|helper|call|method)\b|\bfunctions?\b", re.I)
_CHANGE = re.compile(r"\b(change|set|increase|decrease|adjust|modify|more|fewer|less|longer|shorter|different|"
                     r"another|which|where|bigger|smaller|thinner|thicker|higher|lower)\b", re.I)
_EXAMPLE = re.compile(r"\b(example|show me|demo|snippet|usage)\b", re.I)
_TEMPLATE_REQUEST = re.compile(r"\b(example|template|script|code|skeleton|starter|implementation|demo|available|have|"
                               r"give|write|provide|need|want|generate|create|build|make|produce|start from|"
                               r"base \w+ on|based on|begin with|starting point)\b", re.I)
_EXAMPLE_OF_SEQUENCE = re.compile(r"\b(example|template|script|demo|implementation|sequence)s?\b", re.I)
_KNOWLEDGE_QUESTION = re.compile(r"\b(my (sequence|values|parameters|settings|protocol|scanner)|minimum|shortest|"
                                 r"feasible|possible|achievable|reachable|attainable|doable|(will|would|does|do) (it|"
                                 r"this|that|these|they) (work|fit|run|build)|(is|are) (it|this|that|these) (ok|okay|"
                                 r"fine|valid|doable)|can (i|we|it|my \w+) (use|get|reach|do|achieve|handle|run|"
                                 r"manage))\b", re.I)
_MODIFYING = re.compile(r"\b(add|insert|includ|put|modif|chang|extend|combin|replac)\w*\b|\bmy\b", re.I)
# "is there one that takes a rotation matrix?": another function than the one shown is asked for
_ANOTHER = re.compile(r"\bis there (one|another|a version|something|a function|an? \w+ (one|version))\b|"
                      r"\b(another|other|different) (function|one|version)\b", re.I)
_QUESTION = re.compile(r"\b(how|what|which|why|where|when|is there|are there|does|do i|can i|should|is it|"
                       r"could)\b|\?\s*$", re.I)


class OfflineResponder:
    """Built once per process (see `get_offline_responder`): construction reads pypulseq."""

    notice: Optional[str] = None

    def __init__(self, index: Optional[Index] = None, checker: Optional[Checker] = None):
        self.index = index or get_index()
        self.checker = checker or get_checker()
        self.ranker = Ranker(self.index)
        self.translator = Translator(self.index)
        self.last_ranking: Optional[Ranking] = None  # set when the ranker's confidence decided (for calibration)
        self.last_features: Optional[Features] = None  # what the abstention rule saw (for its fit)
        self.abstention: Optional[dict[str, Rule]] = None  # fitted rules (None: data/abstain.json); {} while fitting
        self._ranking: Optional[Ranking] = None  # the ranking of the question being answered (for the features)

    # --- interface -------------------------------------------------------------------------------------------

    async def respond(self, req: AnswerRequest) -> Answer:
        return await self.stream_answer(req).result()

    async def stream(self, req: AnswerRequest) -> AsyncIterator[str]:
        async for piece in self.stream_answer(req):
            yield piece

    def stream_answer(self, req: AnswerRequest) -> AnswerStream:
        async def produce(holder: AnswerStream):
            # Off the event loop: a sequence may be built with pypulseq, a long question takes a while to read.
            ans = await asyncio.to_thread(self.answer, req)
            for piece in split_pieces(ans.text):
                yield piece
                await asyncio.sleep(0)
            holder.answer = ans

        return AnswerStream(produce)

    # --- the core ---------------------------------------------------------------------------------------------

    def answer(self, req: AnswerRequest) -> Answer:
        """The answer, then the fitted abstention rule's verdict on it (abstain.py)."""
        self.last_ranking = None
        if req.history and (completed := completed_ellipsis(req.history, req.query or "")):
            req = replace(req, query=completed)  # "and for RF?" after "what's the raster time for gradients?"
        intent = detect(req.query or "", self._language(req), self.index)
        self._ranking = None
        ans = with_pasted_limits(self, req, intent) or self._answer(req, intent)  # pasted limits + a question
        if not ans.confident and req.history and intent.action == "ask" and not intent.names and \
                not intent.pronoun and self.previous_subject(req.history):
            # "plus an adc dead time of 10 us, what's the keyword?" after the system limits: in a conversation a
            # question that is unclear on its own is read as being about the subject already on the table
            again = self._answer(req, replace(intent, refers_back=True, pronoun=True))
            ans = again if again.confident else ans
        self.last_features = features(ans, self._ranking, bool(intent.code), intent.lang)
        return judge(ans, self.last_features, self.abstention)

    def _answer(self, req: AnswerRequest, intent: Intent) -> Answer:
        if (pasted := error_answer(req.query, intent.lang, self.index.api, self._subject)) is not None:
            return _via("error_message", pasted)  # "I get 'Requested area is too large ...'": who raised it, why
        if intent.action == "check":
            return _via("check", self._check(intent))
        if intent.action == "translate_code":
            return _via("translate_code", render_translation.code(self.translator, self.checker, intent))
        knowledge = parse(req.sequence_knowledge, settings_text=True) if req.sequence_knowledge else None
        asked = fu.carried_values(req.history, intent.prose, intent.refers_back)  # over the settings panel's
        values = merged(knowledge, asked)
        ranking = self._ranking = self.ranker.rank(intent.prose, lang=intent.lang)
        ans = self._main(req, intent, values, ranking)
        shown = self.index.api.get((ans.subject or "").split(":", 1)[-1])
        ans = _via("property", property.instead(ans, shown, intent, self.previous_subject(req.history)
                                                if intent.refers_back else None))
        if intent.refers_back and not intent.names:  # "default for that?", "what units?" of the subject kept
            ans = finish_followup(ans, intent.prose, ans.subject, self.index.api, intent.lang, req.history)
        guess = fu.on_a_guess(req.history, name_of(shown, intent.lang) if shown else ans.subject) if not \
            intent.names else None
        if guess and ans.subject == self.previous_subject(req.history):
            ans.text, ans.confident = guess + ans.text, False
        pair = fu.two_subjects(self.index.api, req.history) if intent.refers_back and not intent.names else None
        if pair and ans.subject in pair:  # "which one takes times?" after "make_trapezoid vs ..._extended"
            pick = fu.pick_between(self.index.api, pair, intent.prose)
            ans = _via("followup_pick", self._subject(pick, intent.lang, intent.aspect, values)) if pick else ans
            if not pick:
                ans.text, ans.confident = fu.both_note(self.index.api, pair, intent.lang) + ans.text, False
        entry = self.index.api.by_key.get(ans.topic) if ans.topic and ans.confident else None
        if option := asked_option(entry, intent, ans.text, req.history):
            ans.text = option + "\n\n" + ans.text
        if values:  # the user's limits and pulse numbers in the examples shown
            fill_examples(ans, values.values, intent.prose)
        # "what flip does it give with 10 uT?" after a block pulse: "block" is the subject's word (a "why?" asks none)
        about = context_words(self.index, self.previous_subject(req.history), req.history) if intent.refers_back and \
            not intent.names and (_ASKS_VALUE.search(intent.prose) or re.search(r"\d", intent.prose)) else ""
        lines = calculators.compute(fu.carried_question(req.history, intent.prose) + (f" ({about})" if about else ""),
                                    knowledge.values if knowledge
                                    else {}, asked.values, intent.lang, intent.code, req.sequence_knowledge or "")
        facts = unitfacts.lines(intent.prose, "matlab" if is_matlab(intent.lang) else "python")
        computed = [ln for ln in lines if ln not in facts]
        extra = calculators.header(lines, bool(computed))
        if extra and (ans.confident or computed or _ASKS_VALUE.search(intent.prose) or
                      unitfacts.direct(intent.prose, "matlab" if is_matlab(intent.lang) else "python")):
            # the numbers answer it; a "not sure" on which function it is about becomes a list of related ones
            ans.route = "computed"  # the numbers answer it, whatever path built the rest
            ans.text = extra + (render_docs.as_related(ans.text) if not ans.confident else ans.text)
            ans.confident = True
        elif extra:
            # a fact in passing ("samples on the raster") does not answer "how do I ...?": not sure, fact under it
            ans.text = ans.text.rstrip("\n") + "\n\n" + extra
        return ans

    def _main(self, req: AnswerRequest, intent: Intent, values: Optional[Knowledge], ranking: Ranking) -> Answer:
        lang = intent.lang
        kind = requested(intent.prose)
        if kind and values and values.kind and values.kind.key.startswith(kind.key) and values.kind.key != kind.key:
            kind = values.kind  # "this trufi" with a 3D bSSFP in the settings: the settings' refinement of it
        top = ranking.top
        # "in my spin echo, how do I make the refocusing pulse?": the sequence is the setting, a part is asked for
        part = seqcontext.part_question(intent.prose) if kind is not None and not intent.names and not \
            can_do_sequence(intent.prose) else None
        if part is not None and (intent.pronoun or top is not None and top.kind != "template" and top.score >= 0.8):
            kind = None
        strong = top is not None and top.vocab >= 1.2
        strong_function = strong and top is not None and top.entry is not None
        question = bool(_QUESTION.search(intent.prose))
        sequence_word = bool(re.search(r"\bsequences?\b|\bprotocol\b", intent.prose, re.I))
        how_to_write = bool(re.search(r"\bhow (do|can|would|should) (i|we|one) (write|build|make|create|program|"
                                      r"implement|code|set up) (a|an|the|my)?\b", intent.prose, re.I))
        previous = self.previous_subject(req.history) if intent.refers_back or req.history else None
        asks_function = bool(_ASKS_FUNCTION.search(intent.prose))
        getter = None if intent.names else (moved_subject(self.index.api, req.history or [], intent.prose, ranking)
                                            or fu.getter_subject(self.index.api, req.history or [], intent.prose))
        if getter:  # "and how do I read it back?" after set_definition: its getter
            ans = _via("followup_getter", self._subject(getter, lang, intent.aspect, values))
            tie = pairing_line(getter, is_matlab(lang)) if previous and previous[4:] in GRADIENT_MAKERS else None
            return replace(ans, text=tie + "\n\n" + ans.text) if tie else ans  # the ADC on that gradient's flat top
        if previous and previous.startswith("template:") and not intent.names and (
                kind is None or kind.template == previous.split(":", 1)[1]) and \
                (_CHANGE.search(intent.prose) or template_params.asks_setting(intent.prose)) and \
                not parse(intent.prose).values and not (strong_function and top is not None and top.vocab >= 1.8):
            about = template_params.answer(previous.split(":", 1)[1], intent.prose, lang)
            if about is not None:  # "how do I change the echo train length?" after a TSE template
                return _via("template_change", about)
        if previous and previous.startswith("api:") and not intent.names and _EXAMPLE.search(intent.prose) and not (
                sequence_word or re.search(r"\b(template|script|sequence)\b", intent.prose, re.I)):
            # "give me an example for an EPI blip"
            return _via("followup_example", self._subject(previous, lang, "overview", values))
        # the sequence itself is what is asked for: "MP2RAGE pypulseq example?", "radial UTE ...", "MOLLI for T1?"
        sequence_request = kind is not None and not intent.names and not asks_function and (
            asks_for_sequence(intent.prose) or (not question and not _MODIFYING.search(intent.prose) and (
                top is None or top.vocab < 1.8)) or (
                question and _TEMPLATE_REQUEST.search(intent.prose) and not strong_function) or (
                question and not re.search(r"\b(how|what|which|why|where|when|does|do|is|are|can|should)\b",
                                           intent.prose, re.I) and (top is None or top.vocab < 1.8)))
        if kind is not None and kind.template is None and not intent.names and not asks_function and \
                _EXAMPLE_OF_SEQUENCE.search(intent.prose):
            # "spiral readout with a sigpy SLR excitation, got an example?": a function for one part of it is
            # clearly described, but what is asked for is the sequence, which we do not have: say so, name the part
            sequence_request = True
        if kind is None and part is None and not intent.names and not asks_function:
            unknown = unknown_sequence(intent.prose, ranking)
            if unknown is not None:  # "rosette trajectory sequence": a sequence we do not know, not a function
                hints = [c.entry for c in ranking.candidates[:3] if c.entry is not None and c.vocab >= 1.2]
                return _via("no_template_unknown", render_docs.no_template(unknown, lang, intent.prose, hints))
        if sequence_request:
            strong = False
        if fu.analysis_only(intent.prose, strong_function):
            kind = None  # "compute the b-tensor of my diffusion sequence": an analysis of it, not a request for one
        if kind is not None and (sequence_request or re.search(r"\btemplate\b", intent.prose, re.I) or (
                intent.wants_template and not (question and strong) and not (
                    strong_function and top is not None and top.vocab >= 1.8 and not names_sequence(
                        kind, intent.prose))) or (how_to_write and not strong) or (
                not question and not intent.names and ((sequence_word and (
                    top is None or top.vocab < 1.8 or names_sequence(kind, intent.prose))) or not strong or (
                    top is not None and top.kind == "howto" and not _MODIFYING.search(intent.prose)))) or (
                not intent.names and not strong and not asks_function and few_words(intent.prose))):
            if kind.template is None:
                hints = [c.entry for c in ranking.candidates[:3] if c.entry is not None and c.vocab >= 1.2]
                return _via("no_template", render_docs.no_template(kind, lang, intent.prose, hints, values))
            variant = missing_variant(intent.prose, kind)
            if variant:
                return _via("variant_template", variant_answer(kind, variant, lang, values))
            return _via("template", render_docs.template(kind.template, lang, values))
        wanted = kind or (values.kind if values else None)
        if values and wanted is not None and wanted.template and not intent.names and (
                _KNOWLEDGE_QUESTION.search(intent.prose) and not strong_function):
            variant = missing_variant(intent.prose, wanted)
            return _via("knowledge_template", variant_answer(wanted, variant, lang, values) if variant
                        else render_docs.template(wanted.template, lang, values))
        if values and wanted is None and not intent.names and not strong_function and _KNOWLEDGE_QUESTION.search(
                intent.prose) and re.search(r"\b(te|tr|echo time|repetition time)\b", intent.prose, re.I):
            # "is a TE of 2 ms possible?" with no sequence named: the simplest readout decides, and we say so
            ans = render_docs.template("gre_2d", lang, values)
            ans.text = ("*No sequence type given: assuming a 2D gradient echo (the shortest TE a Cartesian readout "
                        "allows; a spin echo needs more).*\n\n" + ans.text)
            return _via("knowledge_gre", ans)
        other = compared_with(self.ranker, previous, intent.prose, lang) if not intent.names else None
        if other and previous and (a := self.index.api.get(previous[4:])) and (b := self.index.api.get(other[4:])):
            return _via("followup_compare", self._both(a, b, lang))  # "the difference to a normal trapezoid?"
        # "and a trapezoid?" names a new subject; "now make it 3 slices" and "its parameters?" keep the old one
        if not intent.names and intent.refers_back and (intent.pronoun or top is None or top.vocab < 1.0):
            # "can it be changed on the scanner later?" after a delay: "it" is now a function the words describe
            another = bool(_ANOTHER.search(intent.prose))  # "is there one that ...?": not the one shown
            lead = next((c for c in ranking.candidates if c.id != previous), None) if another else top
            moved = lead is not None and lead.kind in ("api", "howto") and previous != lead.id and (
                lead.vocab >= 1.8 or another and lead.score >= ranking.floor) \
                and not fu.speaks_of_parameter(self.index.api, previous, intent.prose)
            if moved and lead is not None and another:
                return _via("followup_another", self._candidate(lead, lang, intent))
            if previous is not None and not moved:
                to_note = moved_to_note(self.ranker, self.index, previous, intent.prose, lang)  # "how do I plot it?"
                return _via("followup_note", self._subject(to_note, lang, "overview")) if to_note else \
                    _via("followup", self._subject(previous, lang, intent.aspect, values))
        if previous is not None and not intent.names and len(intent.prose.split()) <= 10 and (
                unitfacts.unit_lines(intent.prose) or previous.startswith("api:") and re.search(
                    r"\bunits?\b.{0,30}\b(result|returns?|output|it|that)\b", intent.prose, re.I)):
            aspect = "returns" if re.search(r"\b(result|returns?|outputs?)\b", intent.prose, re.I) else intent.aspect
            # "what unit is the angle?" of the same call
            return _via("followup_unit", self._subject(previous, lang, aspect, values))
        if len(intent.names) == 1 and not intent.names[0].invented:
            aside = self._aside(intent, lang)
            if aside is not None:
                return _via("aside", aside)
        if intent.names:
            return _via("named", self._named(intent))
        steps = two_steps(intent.prose, lambda part: self.ranker.rank(part, lang=lang), ranking, self.index.api)
        if steps:  # "load a .seq file and compute its k-space", "read the gre.seq and plot it"
            return _via("both", self._both(*steps, lang))
        self.last_ranking = ranking
        if top is not None and ranking.confident:
            if top.entry is not None and _HOW.search(intent.prose):
                # "how do I write a .seq file": the note built around seq.write answers more than its signature
                note = next((c for c in ranking.candidates[1:4] if c.kind == "howto" and related(top, c)), None)
                if note is not None and note.score >= 0.75 * top.score:
                    top = note
            return _via("ranked_" + top.kind, self._candidate(top, lang, intent))
        close = [e for w in re.findall(r"[A-Za-z_][\w.]{3,}", intent.prose) if re.search(r"[_.]|[a-z][A-Z]", w)
                 for e in self.index.closest_names(w, 3)]
        return _via("not_sure", render_docs.not_sure(self.index, ranking, intent.prose, lang, close))

    # --- pieces -----------------------------------------------------------------------------------------------

    @staticmethod
    def _language(req: AnswerRequest) -> str:
        try:
            return normalise_language(req.preferred_language)
        except ValueError:
            return detect_language(req.query) or "python"

    def _both(self, a: ApiEntry, b: ApiEntry, lang: str) -> Answer:
        """Two functions a question needs together, each in full."""
        first, second = render(a, lang, "overview"), render(b, lang, "overview")
        text = first.text.split("\n---\n")[0] + "\n" + second.text
        return Answer(text=text, code_examples=first.code_examples + second.code_examples, confident=True,
                      topic=a.key, subject="api:" + a.key)

    def _aside(self, intent: Intent, lang: str) -> Optional[Answer]:
        """"my loop is slow because every addBlock ...; can I register it once?": the name sits in a clause that
        explains, and the question itself (the last clause, without the name) clearly describes another function.
        Both are shown, the described one first."""
        named = intent.names[0]
        clauses = [c for c in re.split(r"[;:?!]|,\s*(?=(?:so|but|can|how|is|should|could|what)\b)|\bbecause\b|"
                                        r"\bsince\b", intent.prose) if c.strip()]
        if len(clauses) < 2 or named.written in clauses[-1]:
            return None
        ask = self.ranker.rank(clauses[-1] + " " + " ".join(clauses[:-1]).replace(named.written, " "), lang=intent.lang)
        top = ask.top
        if top is None or top.entry is None or top.vocab < 1.4 or top.entry.key == named.entry.key:
            return None
        return self._both(top.entry, named.entry, lang)

    def _named(self, intent: Intent) -> Answer:
        real = [h for h in intent.names if not h.invented]
        hit = real[0] if real else intent.names[0]
        e, lang = hit.entry, intent.lang
        if len(real) > 1 and re.search(r"\b(differen\w*|vs\.?|versus|compare\w*|or|between|both)\b", intent.prose,
                                       re.I):
            return self._both(real[0].entry, real[1].entry, lang)
        if intent.action == "translate_name":
            return _via("translate_name", render_translation.name(hit, lang))
        if intent.aspect == "overview" and (_HOW.search(intent.prose) or reported_problem(intent.prose)) and len(
                intent.prose.split()) > 5:  # "my make_delay fails the raster check": the note on that problem
            ranking = self.ranker.rank(intent.prose)
            top = ranking.top
            if top is not None and top.kind == "howto" and top.vocab >= 0.9 and top.doc is not None and (
                    e.key in note_functions(top.doc) or (e.python_name or "") in note_functions(top.doc)):
                return _via("named_howto", render_docs.howto(self.index, top.doc, lang))
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

    def _subject(self, subject: str, lang: str, aspect: str, values: Optional[Knowledge] = None) -> Answer:
        kind, _, ref = subject.partition(":")
        if kind == "template":
            return render_docs.template(ref, lang, values)
        if kind == "howto":
            doc = next((d for d in self.index.howto_docs if d.id == subject), None)
            if doc is not None:
                note = render_docs.howto(self.index, doc, lang)
                main = self.index.api.get(note.topic) if note.topic and aspect != "overview" else None
                # "what are its parameters?" after a how-to: those of the function the note is built around
                return render(main, lang, aspect) if main is not None else note
        entry = self.index.api.get(ref if kind == "api" else subject)
        if entry is None:
            return render_docs.not_sure(self.index, self.ranker.rank(""), "", lang, [])
        return render(entry, lang, aspect)

    def previous_subject(self, history: list[dict]) -> Optional[str]:
        """What "it" refers to (conversation_subject.py)."""
        return previous_subject(self.index, history)

    def _check(self, intent: Intent) -> Answer:
        return check_answer(self.checker, self.index, intent)


_OFFLINE: Optional[OfflineResponder] = None


def get_offline_responder() -> OfflineResponder:
    """One per process: building introspects pypulseq (about a second)."""
    global _OFFLINE
    if _OFFLINE is None:
        _OFFLINE = OfflineResponder()
    return _OFFLINE
