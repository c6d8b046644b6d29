"""The offline responder: answers Pulseq questions from introspected docs, our how-to notes and templates.

It runs with no model and no network, so it only says what it can back with a table: signatures and return values
come from pypulseq's own docstrings, MATLAB spellings from the naming rule, how-tos and templates from files we wrote.
When a question matches nothing well it says so and lists the nearest real names instead of guessing.

Streaming interface (shared with the LLM responder): `stream_answer(req)` returns an `AnswerStream`; iterate it with
`async for piece in stream` to get the Markdown pieces, then read `stream.answer` (or `await stream.result()`, which
also drains an unread stream) for the full `Answer` with its code examples and topic. `stream(req)` is the same
pieces without the object, and `respond(req)` the whole `Answer` at once.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator, Callable, Optional

from ..language import detect_language, normalise_language
from .checker import Checker, format_findings, get_checker
from .pulseq_api import ApiEntry, MATLAB_POSITIONAL, matlab_option, python_option, snake_to_camel
from .search import Doc, Index, get_index


@dataclass
class AnswerRequest:
    query: str
    # oldest first: {"role": "user"|"assistant", "content": str, "metadata": dict}; an assistant message's metadata
    # holds the "topic" its answer was about (what a follow-up's "it" refers to)
    history: list[dict] = field(default_factory=list)
    preferred_language: str = "python"  # "matlab" | "python" | "octave"
    sequence_knowledge: Optional[str] = None  # user's sequence context; None when switched off


@dataclass
class Answer:
    text: str  # Markdown
    code_examples: list[dict] = field(default_factory=list)  # {"code", "language", "sequence_type", "description"}
    confident: bool = True
    topic: Optional[str] = None  # canonical Python name of the main function discussed ("seq." for methods)


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


# --- intent detection ------------------------------------------------------------------------------------------------

_CODE_FENCE = re.compile(r"```[a-zA-Z]*\n(.*?)```", re.S)
_CHECK = re.compile(r"\b(check|wrong|error|errors|fix|bug|broken|correct|review|valid|doesn'?t work|fails?|exist)\b", re.I)
_TRANSLATE = re.compile(
    r"\b(translate|convert|port|equivalent|counterpart|rewrite)\b|\b(in|to|into|for)\s+(python|pypulseq|matlab|octave)\b",
    re.I,
)
_TEMPLATE = re.compile(r"\b(template|example|skeleton|script|starter|write|build|create|give|make|code|implement)\b", re.I)
_RETURNS = re.compile(r"\b(return|returns|returned|output|outputs|give back|gives back|result)\b", re.I)
_PARAMS = re.compile(
    r"\b(param|params|parameter|parameters|argument|arguments|args|signature|options?|inputs?|keywords?|kwargs|call|usage|use)\b",
    re.I,
)

SEQUENCE_TYPES: list[tuple[str, re.Pattern]] = [
    ("ir_se_2d", re.compile(r"\binversion[- ]recovery\b|\bir[- ]?se\b|\binversion\b|\b(flair|stir)\b|\bti\b", re.I)),
    ("epi_2d", re.compile(r"\bepi\b|echo[- ]planar", re.I)),
    ("flash_3d", re.compile(r"\b3d\b|\b3-d\b|three[- ]dimensional|\bvolume\b|\bslab\b", re.I)),
    ("se_2d", re.compile(r"\bspin[- ]echo\b|\bse\b|\bturbo spin\b|\btse\b|\bfse\b", re.I)),
    ("gre_2d", re.compile(r"\bgre\b|gradient[- ]echo|\bflash\b|\bspoiled\b|\bflash\b|\bfl2d\b", re.I)),
]
_UNSUPPORTED_TYPES = re.compile(r"\b(ute|radial|spiral|bssfp|trufi|ssfp|mprage|diffusion|dwi|haste|propeller|zte)\b", re.I)
_SEQUENCE_WORD = re.compile(r"\bsequences?\b|\bseq\b|\bprotocol\b", re.I)

# Typical keyword values used when showing how a function is called (Python expressions).
EXAMPLE_KWARGS: dict[str, list[tuple[str, str]]] = {
    "make_trapezoid": [("channel", "'x'"), ("flat_area", "n_x / fov"), ("flat_time", "3.2e-3")],
    "make_sinc_pulse": [("flip_angle", "np.pi / 2"), ("duration", "3e-3"), ("slice_thickness", "5e-3"),
                        ("time_bw_product", "4"), ("return_gz", "True")],
    "make_block_pulse": [("flip_angle", "np.pi / 2"), ("duration", "1e-3")],
    "make_gauss_pulse": [("flip_angle", "np.pi / 2"), ("duration", "3e-3"), ("slice_thickness", "5e-3"),
                         ("return_gz", "True")],
    "make_adc": [("num_samples", "n_x"), ("duration", "gx.flat_time"), ("delay", "gx.rise_time")],
    "make_delay": [("d", "10e-3")],
    "make_label": [("label", "'LIN'"), ("type", "'SET'"), ("value", "0")],
    "make_arbitrary_grad": [("channel", "'x'"), ("waveform", "waveform")],
    "make_extended_trapezoid": [("channel", "'x'"), ("times", "np.array([0, 1e-3, 2e-3])"),
                                ("amplitudes", "np.array([0, g, 0])")],
    "make_adiabatic_pulse": [("pulse_type", "'hypsec'"), ("duration", "10.24e-3")],
    "make_arbitrary_rf": [("signal", "signal"), ("flip_angle", "np.pi / 2")],
    "calc_duration": [],
    "Opts": [("max_grad", "28"), ("grad_unit", "'mT/m'"), ("max_slew", "150"), ("slew_unit", "'T/m/s'")],
}
# Functions whose event arguments are passed positionally (`calc_duration(gx, gy)`, `seq.add_block(rf, gz)`).
EXAMPLE_POSITIONAL: dict[str, str] = {
    "calc_duration": "gx, gy", "seq.add_block": "rf, gz", "seq.write": "'my_sequence.seq'",
    "seq.check_timing": "", "seq.plot": "", "seq.calculate_kspace": "", "seq.test_report": "",
    "align": "", "seq.set_definition": "'FOV', [fov, fov, slice_thickness]", "calc_rf_center": "rf",
    "make_delay": "10e-3", "seq.read": "'my_sequence.seq'", "seq.duration": "",
}


def _lang_label(lang: str) -> str:
    return {"matlab": "MATLAB", "octave": "Octave", "python": "Python (pypulseq)"}[lang]


def _is_matlab(lang: str) -> bool:
    return lang in ("matlab", "octave")


def _py_to_matlab_value(expr: str) -> str:
    e = expr.replace("np.pi", "pi").replace("True", "true").replace("False", "false")
    e = re.sub(r"\b(\w+)\.(\w+_\w+)\b", lambda m: f"{m.group(1)}.{snake_to_camel(m.group(2))}", e)
    e = re.sub(r"np\.array\(\[(.*?)\]\)", r"[\1]", e)
    return re.sub(r"\bn_(\w)\b", lambda m: "N" + m.group(1), e)


class OfflineResponder:
    """Built once per process (see `get_offline_responder`): construction reads pypulseq."""

    notice: Optional[str] = None

    def __init__(self, index: Optional[Index] = None, checker: Optional[Checker] = None):
        self.index = index or get_index()
        self.checker = checker or get_checker()

    # --- interface -------------------------------------------------------------------------------------------

    async def respond(self, req: AnswerRequest) -> Answer:
        return self.answer(req)

    async def stream(self, req: AnswerRequest) -> AsyncIterator[str]:
        async for piece in self.stream_answer(req):
            yield piece

    def stream_answer(self, req: AnswerRequest) -> AnswerStream:
        async def produce(holder: AnswerStream):
            ans = self.answer(req)
            for piece in split_pieces(ans.text):
                yield piece
                await asyncio.sleep(0)
            holder.answer = ans

        return AnswerStream(produce)

    def answer(self, req: AnswerRequest) -> Answer:
        lang = self._language(req)
        query = req.query or ""
        code_blocks = _CODE_FENCE.findall(query)
        prose = _CODE_FENCE.sub(" ", query)
        inline = "" if code_blocks else _inline_code(query)
        looks_like_code = bool(inline)
        code = "\n".join(code_blocks) if code_blocks else inline
        if inline:
            prose = query.replace(inline, " ")

        if code and (_CHECK.search(prose) or not _TRANSLATE.search(prose)) and not (looks_like_code and _TRANSLATE.search(prose)):
            if _TRANSLATE.search(prose) and not _CHECK.search(prose):
                return self._translate_code(code, prose, lang)
            return self._check(code, lang)
        if code and _TRANSLATE.search(prose):
            return self._translate_code(code, prose, lang)

        hits = self.index.names_in(prose)
        if _TRANSLATE.search(prose) and hits:
            if re.search(r"\b(mr|pp|seq)\.\w+\(.*\)", prose):
                return self._translate_code(prose[prose.find(re.search(r"\b(mr|pp|seq)\.\w+\(", prose).group(0)):],
                                            prose, lang)
            return self._translate_name(hits[0].entry, prose, lang, hits[0])
        seq_type = self._sequence_type(prose)
        if seq_type and (_TEMPLATE.search(prose) or _SEQUENCE_WORD.search(prose)) and not hits:
            return self._template(seq_type, lang)
        if not hits and _UNSUPPORTED_TYPES.search(prose) and _SEQUENCE_WORD.search(prose):
            return self._no_template(prose, lang)

        entry = hits[0].entry if hits else None
        from_history = False
        if entry is None and (_RETURNS.search(prose) or _PARAMS.search(prose) or _TRANSLATE.search(prose)) and \
                _refers_back(prose):
            entry = self._topic_from_history(req.history)
            from_history = entry is not None
        if entry is not None:
            invented = hits[0] if hits and hits[0].invented else None
            if _TRANSLATE.search(prose):
                return self._translate_name(entry, prose, lang, invented)
            if _RETURNS.search(prose) and not re.search(r"\bparam", prose, re.I):
                ans = self._returns(entry, lang)
            elif _PARAMS.search(prose) or from_history:
                ans = self._parameters(entry, lang)
            else:
                howto = self._howto_match(prose, min_score=6.0)
                if howto is not None and not re.search(r"\b(what|which) (is|does)\b", prose, re.I) and len(
                        prose.split()) > 5 and re.search(r"\bhow\b", prose, re.I):
                    return self._howto(howto, lang)
                ans = self._overview(entry, lang)
            if invented is not None:
                ans.text = (f"> `{invented.written}` does not exist in Pulseq; you probably mean "
                            f"`{self._name(entry, lang)}`.\n\n") + ans.text
            return ans
        howto = self._howto_match(prose, min_score=2.0)
        if howto is not None:
            if howto.kind == "template":
                return self._template(howto.id.split(":", 1)[1], lang)
            return self._howto(howto, lang)
        return self._not_sure(prose, lang)

    # --- helpers ---------------------------------------------------------------------------------------------

    @staticmethod
    def _language(req: AnswerRequest) -> str:
        try:
            return normalise_language(req.preferred_language)
        except ValueError:
            return detect_language(req.query) or "python"

    def _name(self, e: ApiEntry, lang: str) -> str:
        if _is_matlab(lang):
            return e.matlab_name or (e.python_call or "")
        return e.python_call or (e.matlab_name or "")

    def _footnote(self, e: ApiEntry, lang: str) -> str:
        if _is_matlab(lang):
            if e.python_name is None:
                return "\n---\n*Python (pypulseq): no equivalent.*\n"
            extra = f" (`{e.python_import}`)" if e.python_import else ""
            return f"\n---\n*Python (pypulseq): `{e.python_call}`{extra}*\n"
        if e.matlab_name is None:
            return "\n---\n*MATLAB: no equivalent in the MATLAB toolbox.*\n"
        return f"\n---\n*MATLAB: `{e.matlab_name}`*\n"

    def _unavailable(self, e: ApiEntry, lang: str) -> Optional[Answer]:
        """The requested toolbox lacks this name: say so rather than invent a spelling."""
        if _is_matlab(lang) and e.matlab_name is None:
            text = (f"`{e.python_call}` exists only in pypulseq; the MATLAB toolbox has no equivalent.\n\n"
                    f"{e.summary}\n")
            if e.python_import:
                text += f"\nIn Python: `{e.python_import}`.\n"
            return Answer(text=text, confident=True, topic=e.key)
        if not _is_matlab(lang) and e.python_name is None:
            return Answer(text=f"`{e.matlab_name}` exists only in the MATLAB toolbox; pypulseq has no equivalent.\n\n"
                               f"{e.summary}\n", confident=True, topic=e.key)
        return None

    def example_call(self, e: ApiEntry, lang: str) -> Optional[str]:
        if e.python_name is None:
            return None
        key = e.key
        if _is_matlab(lang):
            if e.matlab_name is None:
                return None
            if key in EXAMPLE_POSITIONAL:
                return f"{e.matlab_name}({_py_to_matlab_value(EXAMPLE_POSITIONAL[key])})"
            kws = EXAMPLE_KWARGS.get(key) or [(p.name, p.name) for p in e.params if p.required]
            required = [p.name for p in e.params if p.required]
            order = MATLAB_POSITIONAL.get(key, tuple(required))
            kwd = dict(kws)
            args = [_py_to_matlab_value(kwd.get(n, n)) for n in order]
            if e.param("system"):
                args.append("sys")
            for n, v in kws:
                if n not in order and n != "return_gz":
                    args += [f"'{matlab_option(n)}'", _py_to_matlab_value(v)]
            outs = ""
            if key in ("make_sinc_pulse", "make_gauss_pulse"):
                outs = "[rf, gz, gzReph] = "
            return f"{outs}{e.matlab_name}({', '.join(args)});"
        if key in EXAMPLE_POSITIONAL:
            return f"{e.python_call}({EXAMPLE_POSITIONAL[key]})"
        kws = EXAMPLE_KWARGS.get(key) or [(p.name, p.name) for p in e.params if p.required]
        parts = [f"{n}={v}" for n, v in kws]
        if e.param("system"):
            parts.append("system=system")
        outs = "rf, gz, gz_reph = " if key in ("make_sinc_pulse", "make_gauss_pulse") else ""
        return f"{outs}{e.python_call}({', '.join(parts)})"

    def _signature_line(self, e: ApiEntry, lang: str) -> str:
        if _is_matlab(lang):
            required = [p.name for p in e.params if p.required]
            order = MATLAB_POSITIONAL.get(e.key, tuple(required))
            pos = [snake_to_camel(n) for n in order]
            if e.param("system"):
                pos.append("sys")
            opts = [p for p in e.params if p.name not in order and p.name != "system" and not p.required
                    and p.kind == "keyword"]
            tail = ", 'Name', value, ..." if opts else ""
            return f"{e.matlab_name}({', '.join(pos)}{tail})"
        parts = []
        for p in e.params:
            prefix = "*" if p.kind == "var_positional" else "**" if p.kind == "var_keyword" else ""
            parts.append(prefix + p.name + ("" if p.default is None else f"={p.default}"))
        return f"{e.python_call}({', '.join(parts)})"

    # --- answer kinds ----------------------------------------------------------------------------------------

    def _param_rows(self, e: ApiEntry, lang: str) -> list[str]:
        rows = []
        matlab = _is_matlab(lang)
        order = MATLAB_POSITIONAL.get(e.key, tuple(p.name for p in e.params if p.required))
        for p in e.params:
            if matlab and p.name == "return_gz":
                continue
            desc = (p.description or "").replace("|", "\\|").strip() or "(not documented in pypulseq)"
            if matlab:
                if p.name == "system":
                    name, default = "`sys` (positional or `'system'`)", "mr.opts()"
                elif p.name in order or p.kind != "keyword":
                    name, default = f"`{snake_to_camel(p.name)}` (positional)", "required" if p.required else p.default
                else:
                    name, default = f"`'{matlab_option(p.name)}'`", p.default
                default = "—" if default in (None, "None") else (
                    _py_to_matlab_value(str(default)) if default != "required" else default)
            else:
                name = f"`{p.name}`"
                default = "required" if p.required else (p.default or "")
                if p.kind == "var_positional":
                    name, default = f"`*{p.name}`", "events"
            rows.append(f"| {name} | {default} | {desc} |")
        return rows

    def _parameters(self, e: ApiEntry, lang: str) -> Answer:
        unavailable = self._unavailable(e, lang)
        if unavailable:
            return unavailable
        name = self._name(e, lang)
        lines = [f"### `{name}` — parameters", ""]
        if e.summary:
            lines += [e.summary, ""]
        if e.needs:
            lines += [f"Needs the optional `{e.needs}` package (`pip install pypulseq[{e.needs}]`).", ""]
        if e.python_import and not _is_matlab(lang):
            lines += [f"Import it from its submodule: `{e.python_import}`.", ""]
        lines += ["```" + ("matlab" if _is_matlab(lang) else "python"), self._signature_line(e, lang), "```", ""]
        if e.params:
            lines += ["| Parameter | Default | Meaning |", "|---|---|---|", *self._param_rows(e, lang), ""]
        else:
            lines += ["It takes no parameters.", ""]
        if _is_matlab(lang):
            lines += ["MATLAB option names are case-insensitive (`'FlatTime'` = `'flatTime'`); they are pypulseq's keywords "
                      "without underscores. Descriptions come from the pypulseq docstrings.", ""]
            if e.key in ("make_sinc_pulse", "make_gauss_pulse", "make_arbitrary_rf", "make_adiabatic_pulse"):
                lines += ["Ask for the slice gradient by the number of outputs: `[rf, gz, gzReph] = ...`.", ""]
        elif e.param("return_gz"):
            lines += ["Pass `return_gz=True` to get `(rf, gz, gzr)`: the slice-select gradient and its rephaser.", ""]
        code = self.example_call(e, lang)
        examples = []
        if code:
            fence = "matlab" if _is_matlab(lang) else "python"
            lines += ["Example:", "", f"```{fence}", code, "```"]
            examples.append({"code": code, "language": lang, "sequence_type": None,
                             "description": f"Example call of {name}"})
        text = "\n".join(lines) + "\n" + self._footnote(e, lang)
        return Answer(text=text, code_examples=examples, confident=True, topic=e.key)

    def _returns(self, e: ApiEntry, lang: str) -> Answer:
        unavailable = self._unavailable(e, lang)
        if unavailable:
            return unavailable
        name = self._name(e, lang)
        lines = [f"### What `{name}` returns", ""]
        if e.returns:
            for rname, rtype, rdesc in e.returns:
                field_ = snake_to_camel(rname) if _is_matlab(lang) else rname
                typ = f" ({rtype})" if rtype else ""
                lines.append(f"- `{field_}`{typ}: {rdesc or 'see the description above.'}")
            lines.append("")
        else:
            lines += ["pypulseq does not document a return value for this function"
                      + (" (it returns nothing useful)." if e.kind == "method" else "."), ""]
        if e.param("return_gz"):
            if _is_matlab(lang):
                lines += ["In MATLAB the slice gradient and rephaser come back when you ask for them: "
                          "`[rf, gz, gzReph] = " + f"{e.matlab_name}(...)`.", ""]
            else:
                lines += ["Only the RF event by default; with `return_gz=True` a tuple `(rf, gz, gzr)`.", ""]
        if e.key in ("make_trapezoid", "make_extended_trapezoid", "make_arbitrary_grad"):
            fields = "type, channel, amplitude, rise_time, flat_time, fall_time, area, flat_area, delay"
            if _is_matlab(lang):
                fields = ", ".join(snake_to_camel(f.strip()) for f in fields.split(","))
            lines += [f"Typical fields of the event: {fields}.", ""]
        if e.key == "seq.check_timing" and _is_matlab(lang):
            lines += ["In MATLAB: `[ok, errorReport] = seq.checkTiming;`", ""]
        text = "\n".join(lines) + self._footnote(e, lang)
        return Answer(text=text, confident=bool(e.returns) or e.kind == "method", topic=e.key)

    def _overview(self, e: ApiEntry, lang: str) -> Answer:
        unavailable = self._unavailable(e, lang)
        if unavailable:
            return unavailable
        ans = self._parameters(e, lang)
        if e.returns:
            ret = ", ".join(f"`{snake_to_camel(r[0]) if _is_matlab(lang) else r[0]}`" for r in e.returns)
            ans.text = ans.text.replace("\n---\n", f"\nReturns: {ret}.\n\n---\n", 1)
        ans.text = ans.text.replace("— parameters", "", 1).replace("### `", "### `", 1)
        return ans

    def _howto_match(self, prose: str, min_score: float) -> Optional[Doc]:
        """Best how-to note or template; a how-to wins unless the question asks for a whole sequence, because
        templates share every technique keyword and would otherwise outrank the focused note."""
        hits = self.index.search_howto(prose, 6)
        if not hits:
            return None
        wants_template = bool(_SEQUENCE_WORD.search(prose) and _TEMPLATE.search(prose)) or bool(
            re.search(r"\btemplate\b", prose, re.I))
        if not wants_template:
            notes = [(d, sc) for d, sc in hits if d.kind == "howto"]
            if notes and notes[0][1] >= 0.6 * hits[0][1]:
                hits = notes
        doc, score = hits[0]
        return doc if score >= min_score and self.index.coverage(prose, doc) >= 0.5 else None

    def _howto(self, doc: Doc, lang: str) -> Answer:
        text = Path(doc.meta["path"]).read_text(encoding="utf-8")
        title = doc.title
        body = text.split("\n", 1)[1]
        body = re.sub(r"^(keywords|functions):.*\n", "", body, flags=re.M)
        want = "matlab" if _is_matlab(lang) else "python"
        blocks = re.findall(r"```(\w+)\n(.*?)```", body, re.S)
        prose = unwrap_paragraphs(re.sub(r"```\w+\n.*?```\n?", "", body, flags=re.S).strip())
        if _is_matlab(lang):
            prose = self._prose_names_for_matlab(prose)
        code = next((c for l, c in blocks if l == want), "")
        lines = [f"### {title}", "", prose, "", f"```{want}", code.rstrip(), "```", ""]
        other = next((l for l, _ in blocks if l != want), None)
        funcs = [self.index.api.get(f.strip()) or self.index.api.get("seq." + f.strip())
                 for f in re.findall(r"^functions:\s*(.*)$", text, re.M)[0].split(",")] if "functions:" in text else []
        funcs = [f for f in funcs if f is not None]
        if funcs and other:
            names = ", ".join(f"`{self._name(f, 'python' if _is_matlab(lang) else 'matlab')}`" for f in funcs)
            lines += ["---", f"*{'Python' if _is_matlab(lang) else 'MATLAB'} names: {names}*", ""]
        return Answer(text="\n".join(lines), confident=True, topic=funcs[0].key if funcs else None,
                      code_examples=[{"code": code.rstrip(), "language": lang, "sequence_type": None,
                                      "description": title}])

    def _prose_names_for_matlab(self, prose: str) -> str:
        def swap(m):
            hit = self.index.lookup(m.group(1))
            if hit and hit.entry.matlab_name:
                return f"`{hit.entry.matlab_name}`"
            return m.group(0)

        prose = re.sub(r"`([A-Za-z_][\w.]*)`", swap, prose)
        return prose.replace("`return_gz=True`", "extra output arguments")

    def _sequence_type(self, prose: str) -> Optional[str]:
        for name, pattern in SEQUENCE_TYPES:
            if pattern.search(prose):
                return name
        return None

    def _template(self, stem: str, lang: str) -> Answer:
        doc = next((d for d in self.index.howto_docs if d.id == "template:" + stem), None)
        if doc is None:
            return self._not_sure(stem, lang)
        path = Path(doc.meta["m"] if _is_matlab(lang) else doc.meta["py"])
        code = path.read_text(encoding="utf-8")
        fence = "matlab" if _is_matlab(lang) else "python"
        title = doc.meta.get("title", stem)
        seq_type = doc.meta.get("sequence_type")
        other = "Python" if _is_matlab(lang) else "MATLAB"
        text = (f"### Template: {title} ({_lang_label(lang)})\n\n{doc.meta.get('description', '')}\n\n"
                f"```{fence}\n{code.rstrip()}\n```\n\n"
                "Adjust the system limits to your scanner, then check the timing before writing the file. "
                f"The Python version of every template builds with pypulseq {self.index.api.version} and passes "
                "`check_timing`.\n\n---\n"
                f"*A {other} version of this template is available: ask for it in {other}.*\n")
        return Answer(text=text, confident=True, topic=None,
                      code_examples=[{"code": code, "language": lang, "sequence_type": seq_type,
                                      "description": title}])

    def _no_template(self, prose: str, lang: str) -> Answer:
        names = [d.meta.get("title", d.id) for d in self.index.howto_docs if d.kind == "template"]
        m = _UNSUPPORTED_TYPES.search(prose)
        text = (f"I don't have a checked template for a **{m.group(1).upper()}** sequence, and I won't make one up.\n\n"
                "Templates I can give you (each builds and passes the timing check):\n\n"
                + "\n".join(f"- {n}" for n in names) + "\n\n"
                "The closest starting point is usually the 2D gradient echo: replace its readout and phase encoding "
                "with your trajectory (`make_arbitrary_grad` / `make_extended_trapezoid` for non-Cartesian gradients).\n")
        if _is_matlab(lang):
            text = text.replace("`make_arbitrary_grad`", "`mr.makeArbitraryGrad`").replace(
                "`make_extended_trapezoid`", "`mr.makeExtendedTrapezoid`")
        return Answer(text=text, confident=False, topic=None)

    def _check(self, code: str, lang: str) -> Answer:
        findings = self.checker.check(code, None)
        code_lang = "python" if re.search(r"^\s*(import|from)\s|pp\.", code, re.M) else None
        if findings:
            text = "### Pulseq names in your code\n\n" + format_findings(findings) + "\n"
            if any(f.problem == "unknown" for f in findings):
                text += ("\nNames marked unknown are not in pypulseq and not in PulsePal's MATLAB table; if you are "
                         "sure they exist in your toolbox version, ignore that line.\n")
        else:
            text = ("### Pulseq names in your code\n\nEvery Pulseq function and method name in your code exists "
                    f"(checked against pypulseq {self.index.api.version} and the MATLAB naming table). "
                    "This check covers names only, not timing or physics: run the timing check "
                    + ("(`seq.checkTiming`)" if _is_matlab(lang) and code_lang != "python" else "(`seq.check_timing()`)")
                    + " for that.\n")
        return Answer(text=text, confident=True, topic=None)

    def _translate_name(self, e: ApiEntry, prose: str, lang: str, hit=None) -> Answer:
        target = _target_language(prose, lang, e)
        src = "python" if _is_matlab(target) else "matlab"
        lines = []
        if hit is not None and getattr(hit, "invented", False):
            lines += [f"> `{hit.written}` does not exist in Pulseq; it presumably means `{self._name(e, src)}`.", ""]
        tname = self._name(e, target) if (e.matlab_name if _is_matlab(target) else e.python_name) else None
        if tname is None:
            lines += [f"`{self._name(e, src)}` has no equivalent in {_lang_label(target)}."]
            return Answer(text="\n".join(lines) + "\n", confident=True, topic=e.key)
        lines += ["| MATLAB | Python (pypulseq) |", "|---|---|",
                  f"| `{e.matlab_name or '—'}` | `{e.python_call or '—'}` |", ""]
        if e.python_import:
            lines += [f"In Python it is not exported at the top level: `{e.python_import}`.", ""]
        examples = []
        code = self.example_call(e, target)
        if code:
            fence = "matlab" if _is_matlab(target) else "python"
            lines += [f"Typical call in {_lang_label(target)}:", "", f"```{fence}", code, "```", ""]
            examples.append({"code": code, "language": target, "sequence_type": None,
                             "description": f"{self._name(e, target)} call"})
        if e.params and _is_matlab(target):
            lines.append("MATLAB passes options as name/value pairs (`'FlatTime', 3e-3`); pypulseq uses keywords "
                         "(`flat_time=3e-3`). Event fields follow the same rule: `gx.flatTime` ↔ `gx.flat_time`.")
        elif e.params:
            lines.append("pypulseq uses keywords (`flat_time=3e-3`) where MATLAB uses name/value pairs "
                         "(`'FlatTime', 3e-3`), and the system object is passed as `system=system`.")
        return Answer(text="\n".join(lines) + "\n", code_examples=examples, confident=True, topic=e.key)

    def _translate_code(self, code: str, prose: str, lang: str) -> Answer:
        src = _code_language_of(code)
        target = "python" if src == "matlab" else ("octave" if lang == "octave" else "matlab")
        explicit = re.search(r"\b(?:to|into|in)\s+(python|pypulseq|matlab|octave)\b", prose, re.I)
        if explicit:
            target = {"pypulseq": "python"}.get(explicit.group(1).lower(), explicit.group(1).lower())
            if target == src or (src == "matlab" and target == "octave"):
                target = "python" if src == "matlab" else "matlab"
        translated, notes, topic = translate_code(code, src, self.index)
        fence = "python" if target == "python" else "matlab"
        text = [f"### {_lang_label(target)} version", "", f"```{fence}", translated.rstrip(), "```", ""]
        if notes:
            text += ["Notes:", *[f"- {n}" for n in notes], ""]
        text.append("Control flow (loops, 1-based indexing, `end`) is translated line by line only; review it.")
        findings = self.checker.check(translated, fence)
        if findings:
            text += ["", "Names I could not map:", format_findings(findings)]
        return Answer(text="\n".join(text) + "\n", confident=not findings, topic=topic,
                      code_examples=[{"code": translated, "language": target, "sequence_type": None,
                                      "description": "Translated code"}])

    def _topic_from_history(self, history: list[dict]) -> Optional[ApiEntry]:
        for msg in reversed(history or []):
            hits = self.index.names_in(msg.get("content", ""))
            real = [h for h in hits if not h.invented] or hits
            if real:
                return real[0].entry
        return None

    def _not_sure(self, prose: str, lang: str) -> Answer:
        api = [d.entry for d, s in self.index.search_api(prose, 5) if d.entry is not None]
        words = re.findall(r"[A-Za-z_][\w.]{3,}", prose)
        close: list[ApiEntry] = []
        for w in words:
            if re.search(r"[_.]|[a-z][A-Z]", w):
                close += self.index.closest_names(w, 3)
        seen, names = set(), []
        for e in close + api:
            n = self._name(e, lang)
            if n and e.key not in seen:
                seen.add(e.key)
                names.append(f"`{n}` — {e.summary or 'no summary in the docstring'}")
        howtos = [d.title for d, _ in self.index.search_howto(prose, 2)]
        text = ["I'm not confident I understood which Pulseq function or topic you mean, so I won't guess.", ""]
        if names:
            text += ["Closest matches:", "", *[f"- {n}" for n in names[:5]], ""]
        if howtos:
            text += ["Related how-to notes: " + "; ".join(howtos) + ".", ""]
        text.append("Try naming the function (e.g. `" + ("mr.makeTrapezoid" if _is_matlab(lang) else "pp.make_trapezoid")
                    + "`) or asking for a template (gradient echo, spin echo, EPI, 3D FLASH, inversion recovery).")
        return Answer(text="\n".join(text) + "\n", confident=False, topic=None)


# --- free functions -----------------------------------------------------------------------------------------------


def _inline_code(text: str) -> str:
    """Code pasted without a fence: the code-looking lines, minus a leading 'translate this:' style prefix."""
    lines = text.splitlines()
    if len(lines) == 1:
        m = re.match(r"^[^=(`]*?:\s*(.+)$", text)
        candidate = m.group(1) if m else ""
        return candidate if candidate and _looks_like_code(candidate) else ""
    body = [l for l in lines if re.search(r"[=(;]|^\s*(%|#|end\b|for\b|import\b)", l)]
    if not body:
        return ""
    first = lines.index(body[0])
    rest = "\n".join(lines[first:])
    return rest if _looks_like_code(rest) else ""


def _looks_like_code(text: str) -> bool:
    lines = [l for l in text.splitlines() if l.strip()]
    callish = sum(1 for l in lines if re.search(r"[\w\]]\s*=\s*[\w.\[]+\(|^\s*\w+\.\w+\(.*\)\s*;?\s*$|^\s*(import|from)\s", l))
    return callish >= 1 and (len(lines) >= 2 or callish == len(lines)) and callish * 2 >= len(lines)


def _refers_back(prose: str) -> bool:
    return bool(re.search(r"\b(it|its|that|this|they|them|the function|same)\b", prose, re.I)) or len(prose.split()) <= 6


def _code_language_of(code: str) -> str:
    if re.search(r"\bmr\.\w+|^\s*%|;\s*$|\bseq\.[a-z]+[A-Z]\w*", code, re.M):
        return "matlab"
    if re.search(r"\bpp\.\w+|^\s*(import|from)\s|\bseq\.[a-z]+_\w+|\w+=\w", code, re.M):
        return "python"
    return detect_language(code) or "matlab"


def _target_language(prose: str, lang: str, e: ApiEntry) -> str:
    m = re.search(r"\b(?:to|into|in|for)\s+(python|pypulseq|matlab|octave)\b", prose, re.I)
    if m:
        t = m.group(1).lower()
        return "python" if t == "pypulseq" else t
    written = re.search(r"\b(mr|pp|seq)\.(\w+)", prose)
    if written:
        if written.group(1) == "mr" or (written.group(1) == "seq" and re.search(r"[a-z][A-Z]", written.group(2))):
            return "python"
        return "matlab"
    return lang


def _split_args(s: str) -> list[str]:
    out, depth, cur, quote = [], 0, "", ""
    for ch in s:
        if quote:
            cur += ch
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"" and not (ch == "'" and cur.rstrip()[-1:].isalnum()):
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def _matching_paren(s: str, start: int) -> int:
    depth, quote = 0, ""
    for i in range(start, len(s)):
        ch = s[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"" and not (ch == "'" and s[i - 1:i].isalnum()):
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _ml_value_to_py(v: str) -> str:
    v = re.sub(r"(?<![\w.])pi\b", "np.pi", v)
    v = re.sub(r"\btrue\b", "True", v)
    v = re.sub(r"\bfalse\b", "False", v)
    v = re.sub(r"\bsys\b", "system", v)
    v = re.sub(r"(?<![\w.])([a-z]\w*)\.([a-z]+[A-Z]\w*)",
               lambda m: f"{m.group(1)}.{re.sub(r'(?<!^)(?=[A-Z])', '_', m.group(2)).lower()}", v)
    return v


def _py_value_to_ml(v: str) -> str:
    v = v.replace("np.pi", "pi").replace("True", "true").replace("False", "false")
    v = re.sub(r"\bsystem\b", "sys", v)
    return re.sub(r"(?<![\w.])([a-z]\w*)\.([a-z]+(?:_[a-z0-9]+)+)\b",
                  lambda m: f"{m.group(1)}.{snake_to_camel(m.group(2))}", v)


def translate_code(code: str, src: str, index: Index) -> tuple[str, list[str], Optional[str]]:
    """Line-by-line MATLAB <-> Python translation of Pulseq calls; returns (code, notes, first function's key)."""
    notes: list[str] = []
    topic: Optional[str] = None
    out_lines = []
    for line in code.splitlines():
        comment = ""
        if src == "matlab":
            m = re.match(r"^(.*?)(%.*)$", line)
            if m and m.group(1).count("'") % 2 == 0:
                line, comment = m.group(1), "#" + m.group(2)[1:]
            line = re.sub(r";\s*$", "", line.rstrip())
        else:
            m = re.match(r"^(.*?)(#.*)$", line)
            if m and m.group(1).count('"') % 2 == 0:
                line, comment = m.group(1), "%" + m.group(2)[1:]
            if re.match(r"^\s*(import|from)\s", line):
                continue
        new, pos = "", 0
        n_outputs = 0
        lhs = re.match(r"^\s*\[([^\]]+)\]\s*=", line) if src == "matlab" else re.match(r"^\s*([\w\s,]+?)\s*=(?!=)", line)
        if lhs:
            n_outputs = len([x for x in lhs.group(1).replace(" ", ",").split(",") if x.strip()])
        for m in re.finditer(r"(?<![\w.])(mr|pp|pypulseq|seq)\.(\w+)\s*\(", line):
            if m.start() < pos:
                continue
            end = _matching_paren(line, m.end() - 1)
            if end < 0:
                continue
            hit = index.lookup(f"{m.group(1)}.{m.group(2)}")
            args = _split_args(line[m.end():end])
            if hit is None:
                notes.append(f"`{m.group(1)}.{m.group(2)}` is not a Pulseq name; left as is.")
                continue
            e = hit.entry
            topic = topic or e.key
            call = _convert_call(e, args, src, n_outputs, notes)
            if call is None:
                continue
            new += line[pos:m.start()] + call
            pos = end + 1
        new += line[pos:]
        if src == "matlab":
            lhs2 = re.match(r"^(\s*)\[([^\]]+)\]\s*=", new)
            if lhs2:
                new = f"{lhs2.group(1)}{', '.join(x.strip() for x in lhs2.group(2).split(','))} =" + new[lhs2.end():]
            new = _ml_value_to_py(new)
        else:
            lhs2 = re.match(r"^(\s*)([\w]+(?:\s*,\s*\w+)+)\s*=(?!=)", new)
            if lhs2:
                new = f"{lhs2.group(1)}[{', '.join(x.strip() for x in lhs2.group(2).split(','))}] =" + new[lhs2.end():]
            new = _py_value_to_ml(new)
            if new.strip() and not new.rstrip().endswith((";", ":")):
                new = new.rstrip() + ";"
        out_lines.append(new.rstrip() + ((" " if new.strip() else "") + comment if comment else ""))
    header = "import numpy as np\nimport pypulseq as pp\n\n" if src == "matlab" else ""
    return header + "\n".join(out_lines) + "\n", notes, topic


def _convert_call(e: ApiEntry, args: list[str], src: str, n_outputs: int, notes: list[str]) -> Optional[str]:
    if src == "matlab":
        if e.python_name is None:
            notes.append(f"`{e.matlab_name}` has no pypulseq equivalent.")
            return None
        if e.python_import:
            notes.append(f"`{e.python_name}` needs `{e.python_import}`.")
        order = list(MATLAB_POSITIONAL.get(e.key, tuple(p.name for p in e.params if p.required)))
        positional, kw = [], []
        i = 0
        while i < len(args):
            a = args[i]
            name = a.strip("'\"") if re.fullmatch(r"'[A-Za-z0-9_]+'|\"[A-Za-z0-9_]+\"", a) else None
            py = python_option(name, e) if name else None
            if py and i + 1 < len(args) and py not in order[: len(positional)]:
                kw.append((py, _ml_value_to_py(args[i + 1])))
                i += 2
                continue
            if a == "sys" and e.param("system"):
                kw.append(("system", "system"))
            else:
                positional.append(_ml_value_to_py(a))
            i += 1
        parts = []
        if e.kind == "method" or e.key in ("calc_duration", "align") or not order:
            parts += positional
        else:
            named = list(zip(order, positional))
            parts += [f"{n}={v}" for n, v in named] + positional[len(order):]
        if e.param("return_gz") and n_outputs > 1:
            kw.append(("return_gz", "True"))
        parts += [f"{n}={v}" for n, v in kw if n != "system"]
        if any(n == "system" for n, _ in kw):
            parts.append("system=system")
        return f"{e.python_call}({', '.join(parts)})"
    # Python -> MATLAB
    if e.matlab_name is None:
        notes.append(f"`{e.python_call}` has no MATLAB equivalent.")
        return None
    order = list(MATLAB_POSITIONAL.get(e.key, tuple(p.name for p in e.params if p.required)))
    positional, kw, system = [], {}, None
    for a in args:
        m = re.match(r"^(\w+)\s*=(?!=)\s*(.+)$", a)
        if m:
            if m.group(1) == "system":
                system = _py_value_to_ml(m.group(2))
            elif m.group(1) != "return_gz":
                kw[m.group(1)] = _py_value_to_ml(m.group(2))
        else:
            positional.append(_py_value_to_ml(a))
    parts = []
    if e.kind == "method" or not order:
        parts += positional
        if system and e.param("system"):
            parts.append(system)
    else:
        py_order = [p.name for p in e.params if p.required]
        given = dict(zip(py_order, positional))
        given.update({k: v for k, v in kw.items() if k in order})
        parts += [given.get(n, n) for n in order]
        if system:
            parts.append(system)
    for k, v in kw.items():
        if k not in order:
            parts += [f"'{matlab_option(k)}'", v]
    return f"{e.matlab_name}({', '.join(parts)})"


_OFFLINE: Optional[OfflineResponder] = None


def get_offline_responder() -> OfflineResponder:
    """One per process: building introspects pypulseq (about a second)."""
    global _OFFLINE
    if _OFFLINE is None:
        _OFFLINE = OfflineResponder()
    return _OFFLINE
