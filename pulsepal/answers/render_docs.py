"""Answers built from our own documents: how-to notes, sequence templates (filled with the user's values and built
when we have them), the honest "no template for that", and "not sure" with the candidates in rank order.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from . import builder
from .knowledge import Knowledge, describe
from .matlab_facts import later_note
from .pulseq_api import ApiEntry, matlab_name_for, matlab_option
from .ranking import Ranking, note_functions
from .render_api import name_of
from .request_phrase import request_words
from .search import Doc, Index
from .sequences import TEMPLATES, Kind, closest_templates, title
from .template_fit import reasons
from .types import Answer, is_matlab, lang_label, unwrap_paragraphs


def howto(index: Index, doc: Doc, lang: str) -> Answer:
    text = Path(doc.meta["path"]).read_text(encoding="utf-8")
    body = text.split("\n", 1)[1]
    body = re.sub(r"^(keywords|functions):.*\n", "", body, flags=re.M)
    want = "matlab" if is_matlab(lang) else "python"
    blocks = re.findall(r"```(\w+)\n(.*?)```", body, re.S)
    prose = unwrap_paragraphs(re.sub(r"```\w+\n.*?```\n?", "", body, flags=re.S).strip())
    if is_matlab(lang):
        prose = _prose_names_for_matlab(index, prose)
    code = next((c for lang_, c in blocks if lang_ == want), "")
    lines = [f"### {doc.title}", "", prose, "", f"```{want}", code.rstrip(), "```", ""]
    funcs = [e for e in (_entry(index, f) for f in note_functions(doc)) if e is not None]
    if funcs:
        here = ", ".join(f"`{name_of(f, lang)}`" for f in funcs if name_of(f, lang))
        other = ", ".join(f"`{name_of(f, 'python' if is_matlab(lang) else 'matlab')}`" for f in funcs)
        lines += ["Functions used: " + here + ".", "", "---",
                  f"*{'Python' if is_matlab(lang) else 'MATLAB'} names: {other}*", ""]
    return Answer(text="\n".join(lines), confident=True, topic=funcs[0].key if funcs else None, subject=doc.id,
                  code_examples=[{"code": code.rstrip(), "language": lang, "sequence_type": None,
                                  "description": doc.title}])


def _entry(index: Index, name: str) -> Optional[ApiEntry]:
    return index.api.get(name) or index.api.get("seq." + name)


def _prose_names_for_matlab(index: Index, prose: str) -> str:
    def swap(m: re.Match) -> str:
        hit = index.lookup(m.group(1))
        if hit and hit.entry.matlab_name:
            return f"`{hit.entry.matlab_name}`"
        return m.group(0)

    prose = re.sub(r"`([A-Za-z_][\w.]*)`", swap, prose)
    return prose.replace("`return_gz=True`", "extra output arguments")


def strip_header(code: str) -> str:
    """Templates carry no metadata in the code; this also drops a stray leading docstring should one appear."""
    return re.sub(r'^"""(?:(?!""").)*?\b(title|sequence_type|keywords)\s*:.*?"""\s*\n', "", code, flags=re.S)


def template(stem: str, lang: str, knowledge: Optional[Knowledge] = None, build: bool = True) -> Answer:
    meta = TEMPLATES.get(stem, {})
    name = meta.get("title", stem)
    fence = "matlab" if is_matlab(lang) else "python"
    notes: list[str] = []
    if knowledge:
        filled = builder.prepare(stem, knowledge, build=build)
        code = filled.matlab if is_matlab(lang) else filled.python
        # the settings' sequence is named only when it is this template's ("3D FLASH" is no label for a 3D bSSFP)
        read = describe(knowledge if knowledge.kind is None or knowledge.kind.template in (stem, None) else
                        Knowledge(values=knowledge.values))
        notes.append(f"Filled in with your values: {read}." if filled.used else
                     f"This template takes none of the values you gave ({read}).")
        notes += builder.summary(filled, is_matlab(lang))
        notes += reasons(stem, filled.ignored, knowledge.values, filled.used, filled.adjusted, lang)
        if knowledge.unparsed:
            notes.append("I could not read: " + "; ".join(f"\"{u}\"" for u in knowledge.unparsed[:6]) + ".")
    else:
        code = (builder.TEMPLATE_DIR / f"{stem}.{'m' if is_matlab(lang) else 'py'}").read_text(encoding="utf-8")
    code = strip_header(code).rstrip()
    lines = [f"### Template: {name} ({lang_label(lang)})", ""]
    if notes:
        lines += [*notes, ""]
    lines += [f"```{fence}", code, "```", "",
              "Change the values in the parameters block at the top; the template computes the delays, refuses TE/TR "
              "values that cannot work (naming the minimum) and checks the timing before writing the file. "
              "The Python version builds with pypulseq and passes `check_timing`.", "", "---",
              f"*A {'Python' if is_matlab(lang) else 'MATLAB'} version of this template is available: ask for it "
              f"in {'Python' if is_matlab(lang) else 'MATLAB'}.*", ""]
    return Answer(text="\n".join(lines), confident=True, topic=None, subject="template:" + stem,
                  code_examples=[{"code": code, "language": lang, "sequence_type": meta.get("sequence_type"),
                                  "description": name}])


def variant_template(kind: Kind, variant: str, lang: str, knowledge: Optional[Knowledge] = None) -> Answer:
    """The plain template, presented as what it is: the closest starting point for a variant we do not have."""
    assert kind.template is not None
    ans = template(kind.template, lang, knowledge)
    note = (f"I don't have a checked template for a **{kind.label}** sequence with **{variant}**, and I won't "
            f"pass the plain one off as it. The closest starting point is the **{title(kind.template)}** template "
            f"below: it does not implement the {variant} part, which you would add to it.\n\n")
    ans.text = note + ans.text
    return ans


_LIMIT_KEYS = frozenset({"max_grad", "max_slew", "rf_dead_time", "rf_ringdown_time", "adc_dead_time", "b0",
                         "wanted_max_grad", "wanted_max_slew"})


def no_template(kind: Kind, lang: str, prose: str = "", hints: Optional[list[ApiEntry]] = None,
                knowledge: Optional[Knowledge] = None) -> Answer:
    """Say we have no template for it, offer the closest; with the user's values, that one filled in and built."""
    from .uservalues import closest_for

    order = closest_for(kind, prose, knowledge.values) if knowledge else None
    ans = _no_template(kind, lang, prose, hints, order)
    stem = (ans.subject or "").partition(":")[2]
    protocol = knowledge is not None and any(k not in _LIMIT_KEYS for k in knowledge.values)
    if knowledge and protocol and stem in TEMPLATES:  # scanner limits alone are no protocol to build
        filled = template(stem, lang, knowledge)
        ans.text += (f"\nHere is the **{title(stem)}** template filled in with your values, as the starting point "
                     f"(it is not a {kind.label} sequence):\n\n" + filled.text.split("\n", 2)[2])
        ans.code_examples = filled.code_examples
    return ans


_HINT_NAME = re.compile(r"`([a-z][a-z0-9]*(?:_[a-z0-9]+)+|rotate)`")


def hint_in_dialect(hint: str, lang: str) -> str:
    """A one-line "how to add it" hint, written with pypulseq's names, in the session's dialect: `make_gauss_pulse`
    is `mr.makeGaussPulse` for a MATLAB user and `freq_offset` the option 'FreqOffset' (a MATLAB answer must not
    send its reader to Python names)."""
    if not is_matlab(lang):
        return hint

    def spelled(m: re.Match) -> str:
        name = m.group(1)
        if name == "rotate" or name.startswith(("make_", "calc_")):
            return f"`{matlab_name_for(name, False) or name}`"
        return f"`'{matlab_option(name)}'`"

    return _HINT_NAME.sub(spelled, hint)


_FILLER = frozenset("a an the sequence sequences protocol scan with and for of in my".split())


def _no_template(kind: Kind, lang: str, prose: str = "", hints: Optional[list[ApiEntry]] = None,
                 order: Optional[list[str]] = None) -> Answer:
    closest = order or closest_templates(kind, prose)
    all_titles = [f"- {TEMPLATES[s]['title']}" for s in TEMPLATES]
    m = kind.find(prose)
    asked = m.group(0) if m else ""
    label = kind.label if not asked or asked.lower() in kind.label.lower() else f"{asked} ({kind.label})"
    said = request_words(prose, m.start()) if m else ""
    echo = f" (you asked for: *{said}*)" if said and set(said.lower().split()) - set(
        re.findall(r"[\w-]+", label.lower())) - _FILLER else ""
    text = [f"I don't have a checked template for a **{label}** sequence{echo}, and I won't make one up or pass "
            "another sequence off as one.", ""]
    if closest:
        text += [f"The closest starting point is the **{title(closest[0])}** template"
                 + (f" (or the {title(closest[1])})" if len(closest) > 1 else "")
                 + (f": {hint_in_dialect(kind.how, lang)}." if kind.how else "."), "",
                 f"Ask for \"the {title(closest[0])} template\" to get it, built and timing-checked.", ""]
    named = [f"`{name_of(e, lang)}` ({e.summary_text[:1].lower() + e.summary_text[1:].rstrip('.')})"
             for e in (hints or []) if name_of(e, lang)]
    if named:
        text += ["For the part you describe you will need " + "; ".join(named[:2]) + ".", ""]
    text += ["Templates I can give you (each builds and passes the timing check):", "", *all_titles, ""]
    body = "\n".join(text)
    if is_matlab(lang):
        body = body.replace("`make_arbitrary_grad`", "`mr.makeArbitraryGrad`").replace("`rotate`", "`mr.rotate`") \
            .replace("`make_trigger`", "`mr.makeTrigger`")
    else:
        body = body.replace("`make_arbitrary_grad`", "`pp.make_arbitrary_grad`").replace("`rotate`", "`pp.rotate`") \
            .replace("`make_trigger`", "`pp.make_trigger`")
    return Answer(text=body, confident=True, topic=None, subject=f"template:{closest[0]}" if closest else None)


def not_sure(index: Index, ranking: Ranking, prose: str, lang: str, close: list[ApiEntry]) -> Answer:
    """Say we are not sure, then the candidates in rank order (real names only), so the right one is usually first."""
    seen: set[str] = set()
    items: list[str] = []
    for e in close:
        n = name_of(e, lang)
        if n and e.key not in seen:
            seen.add(e.key)
            items.append(f"- `{n}`: {e.summary_text}")
    for c in ranking.candidates[:6]:
        if c.entry is not None:
            n = name_of(c.entry, lang)
            if n and c.entry.key not in seen and not _missing_here(c.entry, lang):
                seen.add(c.entry.key)
                items.append(f"- `{n}`: {c.entry.summary_text}")
        elif c.doc is not None and c.id not in seen:
            seen.add(c.id)
            kind = "template" if c.kind == "template" else "how-to"
            items.append(f"- {kind}: {c.doc.title}")
    # a name only the toolbox's default branch has (seq.autoLabel): say so before the guesses
    later = [note for w in dict.fromkeys(re.findall(r"\b(?:mr|seq)\.\w+", prose)) if (note := later_note(w))]
    text = [*later, "", _NOT_SURE, ""] if later else [_NOT_SURE, ""]
    if items:
        text += ["Closest matches, best first:", "", *items[:6], ""]
    example = "mr.makeTrapezoid" if is_matlab(lang) else "pp.make_trapezoid"
    text.append(f"Try naming the function (e.g. `{example}`) or asking for a template (gradient echo, spin echo, "
                "turbo spin echo, EPI, 3D FLASH, inversion recovery, bSSFP).")
    top = ranking.top
    # the best guess is what a follow-up's "it" most likely means (the answer lists it first)
    return Answer(text="\n".join(text) + "\n", confident=False, topic=None,
                  subject=top.id if top is not None else None)


_NOT_SURE = "I'm not confident I understood which Pulseq function or topic you mean, so I won't guess."


def as_related(text: str) -> str:
    """A "not sure" answer recast as related material, for when computed numbers above it answer the question."""
    text = text.replace(_NOT_SURE + "\n\n", "").replace("Closest matches, best first:", "Related, best first:")
    return re.sub(r"\nTry naming the function.*\n?$", "\n", text)


def _missing_here(e: ApiEntry, lang: str) -> bool:
    return (e.matlab_name is None) if is_matlab(lang) else (e.python_name is None)
