"""Answers of their own to "why?", "is that correct?" / "are you sure?" and "tell me more" after an answer.

These follow-ups keep the subject, and the follow-up route used to re-render its page: the user saw the same answer
again. Each now gets what it asks for, about the same subject and in the same dialect, from the facts the first
answer was built on:

* "tell me more": what the first answer did not show: parameters, outputs or an example if it left them out, the
  units of each argument, a call from one of our templates that uses it, the related functions and notes;
* "why?": the reason the first answer rests on: why that function (what it does that its neighbours do not), why
  a minimum (a template refuses what its events cannot fit), why the numbers (the relation each was worked from);
* "is that correct?" / "are you sure?": the key claim again, with where it comes from (the installed pypulseq, read
  by introspection, or the MATLAB toolbox's recorded facts), and for a template its build with pypulseq.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from .builder import TEMPLATE_DIR
from .pulseq_api import ApiEntry, PulseqApi
from .ranking import note_functions
from .render_api import (
    example_call,
    matlab_signature,
    name_of,
    output_lines,
    parameter_lines,
    python_signature,
    see_also,
)
from .sequences import title
from .types import Answer, is_matlab

_LEAD = r"^\W*(?:(?:but|and|ok(?:ay)?|so|hmm+|wait|sorry),?\s+)*"
_WHY = re.compile(_LEAD + r"(?:why|how come|why (?:is|was) (?:that|it)(?: so)?|why (?:that|this)(?: one)?)\W*$", re.I)
_CHECK = re.compile(_LEAD + r"(?:(?:is|was) (?:that|this|it) (?:correct|right|true|accurate)|are you (?:sure|certain)|"
                    r"(?:you(?:'re| are) )?sure|really|is that so)\W*$", re.I)
_MORE = re.compile(_LEAD + r"(?:(?:can you |could you |please )?tell me more(?: about (?:it|that|this))?|"
                   r"more (?:details?|info(?:rmation)?)(?: please)?|go on|(?:can you |please )?elaborate|"
                   r"more please|anything else)\W*(?:please)?\W*$", re.I)


def form_of(prose: str) -> Optional[str]:
    """"why", "check" or "more" when the follow-up is only that question, else None."""
    text = prose.strip()
    if len(text.split()) > 7:
        return None
    for name, pattern in (("why", _WHY), ("check", _CHECK), ("more", _MORE)):
        if pattern.search(text):
            return name
    return None


def reply(prose: str, subject: Optional[str], history: list[dict], api: PulseqApi, lang: str) -> Optional[Answer]:
    """The answer of its own for a why / check / more follow-up about `subject`, or None (not such a follow-up, or
    a subject these do not cover: the caller's answer stands)."""
    form = form_of(prose)
    kind, _, ref = (subject or "").partition(":")
    if form is None or not kind:
        return None
    last = next((m for m in reversed(history or []) if m.get("role") == "assistant"), None)
    if last is None or (last.get("metadata") or {}).get("confident") is False:
        return None  # after "not sure" the subject is a guess: on_a_guess's note and the page stand
    shown = last.get("content") or ""
    asked = next((m.get("content") or "" for m in reversed(history) if m.get("role") == "user"), "")
    if kind == "api" and (entry := api.get(ref)) is not None:
        lines = {"more": _more_api, "why": _why_api, "check": _check_api}[form](entry, lang, shown, asked)
        return Answer(text="\n".join(lines) + "\n", confident=True, topic=entry.key, subject=subject,
                      route="followup_" + form)
    if kind == "howto" and (doc := _note(subject or "")) is not None:
        funcs = [e for f in note_functions(doc) if (e := api.get(f) or api.get("seq." + f)) and name_of(e, lang)]
        lines = {"more": _more_note, "why": _why_note, "check": _check_note}[form](doc, funcs, lang, shown)
        return Answer(text="\n".join(lines) + "\n", confident=True, topic=funcs[0].key if funcs else None,
                      subject=subject, route="followup_" + form)
    if kind == "template" and (TEMPLATE_DIR / f"{ref}.py").exists():
        lines = {"more": _more_template, "why": _why_template, "check": _check_template}[form](ref, lang, shown)
        return Answer(text="\n".join(lines) + "\n", confident=True, topic=None, subject=subject,
                      route="followup_" + form)
    return None


# --- a function ---------------------------------------------------------------------------------------------------


def _computed(shown: str) -> list[str]:
    """The computed lines of the previous answer ("**With your numbers:**" and its bullets)."""
    head, sep, rest = shown.partition("**With your numbers:**")
    if not sep:
        return []
    return [ln for ln in rest.split("\n### ", 1)[0].splitlines() if ln.startswith("- ")]


def _source(entry: ApiEntry, lang: str) -> list[str]:
    if is_matlab(lang):
        from .matlab_facts import facts_version

        return [f"`{name_of(entry, lang)}` is in the MATLAB toolbox's recorded facts (Pulseq {facts_version()}, "
                "read from the toolbox's own source files); its signature there is:", "", "```matlab",
                matlab_signature(entry), "```"]
    import pypulseq

    return [f"`{name_of(entry, lang)}` is in the installed pypulseq ({pypulseq.__version__}); its signature, read from "
            "that installation by introspection, is:", "", "```python", python_signature(entry), "```"]


def _more_api(entry: ApiEntry, lang: str, shown: str, asked: str) -> list[str]:
    from .followup_forms import units_line

    name, fence = name_of(entry, lang), ("matlab" if is_matlab(lang) else "python")
    lines = [f"### More on `{name}`", "", entry.summary_text, ""]
    if "Parameters:" not in shown and (params := parameter_lines(entry, lang)):
        lines += ["Parameters:", *params, ""]
    if "Returns:" not in shown and "Outputs, in order:" not in shown and (outs := output_lines(entry, lang)):
        lines += ["Returns:" if not is_matlab(lang) else "Outputs, in order:", *outs, ""]
    if "Example:" not in shown and (code := example_call(entry, lang)):
        lines += ["Example:", "", f"```{fence}", code, "```", ""]
    if "Units of" not in shown:
        lines += [units_line(entry, lang), ""]
    used = _template_call(name, lang)
    if used is not None:
        stem, call = used
        lines += [f"How the {title(stem)} template calls it (ask for that template to see it in place):", "",
                  f"```{fence}", call, "```", ""]
    related = see_also(entry, lang)
    if related and related[0] not in shown:
        lines += related
    return lines


def _template_call(name: str, lang: str) -> Optional[tuple[str, str]]:
    """The first line of one of our templates (in the dialect) that calls `name`, with its template."""
    ext = "m" if is_matlab(lang) else "py"
    call = re.compile(r"(?<![\w.])" + re.escape(name) + r"\(")
    for path in sorted(TEMPLATE_DIR.glob(f"*.{ext}")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if call.search(line) and not line.lstrip().startswith(("#", "%")):
                end = i  # the call with its continuation lines, until its brackets close
                while end + 1 < len(lines) and end - i < 4 and \
                        sum(ln.count("(") - ln.count(")") for ln in lines[i:end + 1]) > 0:
                    end += 1
                return path.stem, "\n".join(ln.rstrip() for ln in lines[i:end + 1]).strip()
    return None


def _why_api(entry: ApiEntry, lang: str, shown: str, asked: str) -> list[str]:
    name = name_of(entry, lang)
    numbers = _computed(shown)
    if numbers:
        return [f"### Why these numbers (`{name}`)", "", "Each figure was worked out from the values you gave, "
                "with the relation written beside it; nothing was looked up or guessed:", "", *numbers, "",
                f"`{name}` is the call that takes them: {entry.summary_text[:1].lower() + entry.summary_text[1:]}"]
    lines = [f"### Why `{name}`", ""]
    what = entry.summary_text[:1].lower() + entry.summary_text[1:]
    named = {n for n in (entry.python_name, entry.matlab_name, entry.key, name) if n}
    if asked and not any(re.search(r"(?<!\w)" + re.escape(n.split(".")[-1]) + r"\b", asked) for n in named):
        lines += [f"You asked: \"{asked.strip()[:200]}\". `{name}` is the function for that: it {what}", ""]
    else:
        lines += [f"`{name}` is the one you asked about; it is there because it {what}", ""]
    from .glossary import SEE_ALSO

    others = []
    for key, what in SEE_ALSO.get(entry.key, ()):
        other = _api().get(key)
        if other is not None and name_of(other, lang):
            others.append(f"- `{name_of(other, lang)}`: {what}")
    if others:
        lines += ["Not one of the functions next to it, which do something else:", *others, ""]
    return lines


def _api() -> PulseqApi:
    from .pulseq_api import get_api

    return get_api()


def _check_api(entry: ApiEntry, lang: str, shown: str, asked: str) -> list[str]:
    name = name_of(entry, lang)
    lines = [f"### `{name}`: where this comes from", "", f"The key claim: `{name}` "
             f"{entry.summary_text[:1].lower() + entry.summary_text[1:]}", "", *_source(entry, lang), ""]
    numbers = _computed(shown)
    if numbers:
        lines += ["The numbers were computed from the values you gave, by the relation beside each:", "", *numbers,
                  ""]
    return lines


# --- a how-to note -------------------------------------------------------------------------------------------------


def _note(subject: str):
    from .search import get_index

    return next((d for d in get_index().howto_docs if d.id == subject), None)


def _prose(doc) -> str:
    body = Path(doc.meta["path"]).read_text(encoding="utf-8").split("\n", 1)[-1]
    body = re.sub(r"^(keywords|functions):.*\n", "", body, flags=re.M)
    return " ".join(re.sub(r"```\w*\n.*?```", " ", body, flags=re.S).split())


def _more_note(doc, funcs: list[ApiEntry], lang: str, shown: str) -> list[str]:
    from .followup_forms import units_line

    lines = [f"### More on: {doc.title}", ""]
    if funcs:
        lines += ["The functions it uses, and what each is for:", "",
                  *[f"- `{name_of(e, lang)}`: {e.summary_text}" for e in funcs], ""]
        main = funcs[0]
        if params := parameter_lines(main, lang):
            lines += [f"Parameters of `{name_of(main, lang)}`, the one the note is built around:", *params, ""]
        lines += [units_line(main, lang), ""]
    return lines


def _why_note(doc, funcs: list[ApiEntry], lang: str, shown: str) -> list[str]:
    sentences = re.split(r"(?<=[.!?])\s+", _prose(doc))
    reasons = [x for x in sentences if re.search(r"\b(because|so that|so|otherwise|since|must|needs?|which|else)\b",
                                                 x, re.I)]
    if is_matlab(lang):  # the note's names as its MATLAB page writes them
        from .render_docs import _prose_names_for_matlab
        from .search import get_index

        reasons = [_prose_names_for_matlab(get_index(), x) for x in reasons]
    lines = [f"### Why: {doc.title}", ""]
    if reasons:
        lines += ["The reasons the note rests on:", "", *[f"- {x}" for x in reasons[:4]], ""]
    if funcs:
        lines += ["Why these functions:", "", *[f"- `{name_of(e, lang)}`: it {e.summary_text[:1].lower()}"
                                                 f"{e.summary_text[1:]}" for e in funcs], ""]
    return lines


def _check_note(doc, funcs: list[ApiEntry], lang: str, shown: str) -> list[str]:
    lines = [f"### {doc.title}: where this comes from", ""]
    for e in funcs[:3]:
        lines += _source(e, lang) + [""]
    lines += ["The note's code is ours, written with those calls; the parameters it passes are the ones these "
              "signatures list.", ""]
    return lines


# --- a template ---------------------------------------------------------------------------------------------------

_MINIMUM = ("A minimum is what the events themselves take: the shortest TE is the time from the centre of the "
            "excitation to the centre of the readout when the gradients in between run at your limits, the shortest "
            "TR the whole block train of one repetition. Anything shorter would make events overlap, so the template "
            "refuses it and names the minimum instead.")


def _header(stem: str, lang: str) -> list[str]:
    mark = "%" if is_matlab(lang) else "#"
    text = (TEMPLATE_DIR / f"{stem}.{'m' if is_matlab(lang) else 'py'}").read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        if not line.startswith(mark) or "---" in line:
            break
        lines.append(line.lstrip(mark + " ").strip())
    return [" ".join(lines)] if lines else []


def _calls(stem: str, lang: str) -> list[str]:
    text = (TEMPLATE_DIR / f"{stem}.{'m' if is_matlab(lang) else 'py'}").read_text(encoding="utf-8")
    return list(dict.fromkeys(re.findall(r"(?<![\w.])((?:mr|pp|seq)\.\w+)\(", text)))


def _more_template(stem: str, lang: str, shown: str) -> list[str]:
    name = title(stem)
    lines = [f"### More on the {name} template", "", *_header(stem, lang), "",
             "The Pulseq calls it makes, in the order they appear: " + ", ".join(f"`{c}`" for c in _calls(stem, lang))
             + ".", ""]
    build = _build(stem)
    if build:
        lines += [f"With its own default values: {build}", ""]
    lines += ["Every value in its parameters block can be given in a message (\"TE 8 ms, 3 mm slices\"): the "
              "template is filled in with it and built again, or told which values it has no parameter for.", ""]
    return lines


def _why_template(stem: str, lang: str, shown: str) -> list[str]:
    lines = [f"### Why the {title(stem)} template looks like this", "", *_header(stem, lang), ""]
    if re.search(r"cannot work|≥|\bminimum", shown):
        lines += [_MINIMUM, ""]
    duration = "mr.calcDuration" if is_matlab(lang) else "pp.calc_duration"
    lines += [f"Delays are computed from the events' own durations (`{duration}`) rather than written as fixed "
              "numbers, so a change of one value keeps every block on the raster and the timing legal.", ""]
    return lines


def _check_template(stem: str, lang: str, shown: str) -> list[str]:
    import pypulseq

    built = [ln.strip("- ") for ln in shown.splitlines() if ln.startswith("- Built with pypulseq")]
    lines = [f"### The {title(stem)} template: where this comes from", ""]
    if built:
        lines += [f"It was not written from memory: {built[0][0].lower() + built[0][1:]}", ""]
    elif (build := _build(stem)):
        lines += [f"Built again just now with the installed pypulseq ({pypulseq.__version__}): {build}", ""]
    lines += ["The Python version runs with the installed pypulseq and its `check_timing` result is what is "
              "reported; the MATLAB version is the same sequence call for call, with the MATLAB toolbox's names "
              "(checked against its recorded facts), but it is not run here.", ""]
    return lines


def _build(stem: str) -> str:
    from .builder import prepare
    from .knowledge import Knowledge

    filled = prepare(stem, Knowledge())
    b = filled.build
    if b is None or not b.ok:
        return ""
    mins = ", ".join(f"{k[4:].upper() if k[4:] in ('te', 'tr', 'ti') else k[4:]} ≥ {v * 1e3:.2f} ms"
                     for k, v in b.minimums.items() if k != "min_readout_time")
    return f"`check_timing` {'passed' if b.timing_ok else 'failed'}" + (f"; {mins}." if mins else ".")
