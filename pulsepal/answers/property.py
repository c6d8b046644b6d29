"""One property of one function asked about: "default duration of make_sinc_pulse?", "is make_adc's dwell in
microseconds?", "which channels does make_trigger accept?", "what does calc_rf_center return, in which unit?".

The function's whole reference page names the right function and still leaves the user to find the one fact in it
(and often the fact is not on the page at all: a default the code substitutes for 0, a limit only a `raise` states).
So the fact comes first, in a sentence or two, then the short signature. The facts are read from what we already
hold: the installed pypulseq (signature defaults, the docstring's "must be one of", the messages its code raises),
the MATLAB facts file (option defaults), and the unit conventions (SI, radians, Hz/m). When the property asked for
is not among them we say so, and the answer is not a confident one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

from . import copy_semantics, default_markers, seqfile_units, value_math
from .pulseq_api import ApiEntry, Param, get_api
from .render_api import footnote, matlab_signature, name_of, output_lines, python_signature
from .source_facts import stated as _facts
from .types import Answer, is_matlab
from .unitfacts import asks_unit, unit_lines

if TYPE_CHECKING:
    from .intent import Intent

# --- which property ----------------------------------------------------------------------------------------------

_U = r"(ms|us|µs|seconds?|mt/m|hz/m|hz|degrees?|radians?|mm|metres?|meters?|1/m|microseconds?|milliseconds?)"
_VALUES = re.compile(r"\b(which|what) (\w+ ){0,2}(values?|keywords?|channels?|names?|types?|units?|"
                     r"strings?|modes?|choices)\b.{0,40}\b(allowed|accept\w*|take|takes|valid|pick|choose|possible|"
                     r"can|supported|exist)\b|\b(valid|allowed|possible|supported) (\w+ )?(values?|options?|"
                     r"channels?|types?|units?|names?|modes?)\b|\b(which|what) \w+ (\w+ )?(does|can) \S+ (accept|"
                     r"take)\b|\b(has|have|needs?) to be '?\w+'? or\b|"
                     r"\b(are there|any) other (outputs|channels|inputs|ports|values|choices)\b", re.I)
_DEFAULT = re.compile(r"\bdefaults?\b|\bby default\b|\bwhen i give (no|neither|none)\b|\bwhich \w+ does it use\b|"
                      r"\bwithout \w+ or \w+\b|\bwhat (length|value) does it (pick|use)\b|\bif i (leave|don'?t|do not|"
                      r"omit)\b|\bwithout (giving|passing|setting|specifying)\b|\bwhen i (don'?t|do not) (give|pass|"
                      r"set)\b|\bleave \w+ out\b", re.I)
_RETURNS = re.compile(r"\bwhat does (it|that|this|\S+) (return|give back|output)|\breturns?\b|\bgives? back\b|"
                      r"\boutputs?\b|\bfirst (value|output)\b", re.I)
# "50 ms?" is a value, not a question about the unit: no number right before it
_UNIT = re.compile(r"\bunits?\b|(?<![\d.] )(?<![\d.])\b" + _U + r"\b[\s,]*(\?|or\b)|\bor " + _U + r"\b|"
                   r"\bis \w+ (in )?" + _U + r"\b|"
                   r"\b(is|are|in) \w+ (in|given in) " + _U + r"\b|\bmean \d+ (ms|us|µs|mm)\b", re.I)
_LIMIT = re.compile(r"\bat most\b|\bmaximum\b|\bhow many\b.{0,40}\bat most\b|\b(can|may) (the|a|an|my|its) "
                    r".{0,40}\b(have|contain|be|hold)\b|\b(limit|allowed)\b", re.I)
# the whole function, or another one, is what is asked for
_NOT_ONE_PROPERTY = re.compile(r"\b(how (do|can|should|would) (i|we)|why|example|show me|write|build|make me|"
                               r"parameters|arguments|fields|(which|what|name-value) options|(which|what|a|any) "
                               r"(function|call|method|helper)s?|possible|feasible|achievable|my (\w+ )?limits?)\b",
                               re.I)


def asked(prose: str) -> Optional[str]:
    """The one property the question asks for, or None when it asks for more (or for something else)."""
    if copy_semantics.ASKS.search(prose):  # "does it change my original gradient or hand me a new one?"
        return "copies"
    if _NOT_ONE_PROPERTY.search(prose):
        return None
    for kind, pattern in (("values", _VALUES), ("default", _DEFAULT), ("unit", _UNIT), ("returns", _RETURNS),
                          ("limit", _LIMIT)):
        if pattern.search(prose) or (kind == "unit" and asks_unit(prose)):
            # a unit in the .seq file is the file's (unitfacts puts it on top), not the function argument's
            return None if kind == "unit" and seqfile_units.about_file(prose) else kind
    return None


# --- facts -------------------------------------------------------------------------------------------------------

_SECONDS = r"(.*_)?(time|times|duration|delay|dwell|raster|width)|d|time_point|default_duration|offset_time"
_UNIT_OF: list[tuple[str, str]] = [  # parameter-name pattern -> unit, first match wins
    (r"flip_angle|phase_offset|angle", "radians"),
    (r"freq_ppm|phase_ppm", "ppm of the Larmor frequency"),
    (r"signal", "any scale: the shape is scaled to give `flip_angle` (in Hz, γ·B1, with `no_signal_scaling=True`)"),
    (r"freq_offset|bandwidth|max_frequency", "Hz"),
    (r"time_bw_product|apodization|center_pos|adiabaticity|n_fac|beta|mu|factor|scale", "no unit (dimensionless)"),
    (_SECONDS, "seconds"),
    (r"max_slew", "Hz/m/s (or the `slew_unit` given)"),
    (r"amplitude|amplitudes|max_grad|grad_start|grad_end|first|last|waveform", "Hz/m"),
    (r"area|flat_area", "1/m"),
    (r"slice_thickness|fov", "metres"),
    (r"b0", "tesla"),
    (r"gamma", "Hz/T"),
]
# what the code puts in place of a 0 / None default (read from pypulseq's source), as a sentence
_SUBSTITUTED: dict[tuple[str, str], str] = {
    ("make_block_pulse", "duration"): "with neither `duration` nor `bandwidth` given it uses **4 ms** (and warns)",
    ("make_trigger", "duration"): "a duration at or below the gradient raster becomes **one gradient raster "
                                  "(10 µs by default)**",
    ("make_digital_output_pulse", "duration"): "a duration at or below the gradient raster becomes one gradient "
                                               "raster (10 µs by default)",
    ("traj_to_grad", "raster_time"): "`None` means the system's gradient raster (**10 µs** by default)",
    ("make_adc", "dwell"): "give either `dwell` or `duration`: the other follows from `num_samples`",
}
# the unit of what a function returns, where the signature's type does not say it
_RETURN_UNITS: dict[str, str] = {
    "calc_duration": "a duration in **seconds** (the longest of the events, delays included)",
    "calc_rf_bandwidth": "the bandwidth in **Hz**",
    "calc_rf_center": "`time_center` in **seconds** (from the start of the shape, the RF delay not included) and "
                      "`id_center`, the sample index of that point in the waveform",
    "traj_to_grad": "the gradient in **Hz/m** and the slew rate in **Hz/m/s**",
    "seq.calculate_kspace": "k-space positions in **1/m** (times in seconds)",
    "seq.duration": "the total duration in **seconds**, the number of blocks and the count of each event type",
    "calc_adc_segments": "`(num_segments, num_samples_seg)`: how many segments and how many samples per segment",
    "seq.check_timing": "`(ok, error_report)`: True when every block is on its raster, and the list of problems",
    "seq.calculate_pns": "`(ok, pns_norm, pns_components, t_pns)`: ok is True when the normalised PNS stays below "
                         "1 (100 % of the stimulation threshold)",
}


def unit_of(name: str, description: str = "") -> Optional[str]:
    """By the parameter's name (the toolboxes' conventions), else as its own docstring states it ("Spectral
    resolution in (Hz)", "Sampling time in (s)")."""
    low = name.lower()
    for pattern, unit in _UNIT_OF:
        if re.fullmatch(pattern, low):
            return unit
    m = _DESCRIBED_UNIT.search(description)
    if m is None:
        return None
    found = m.group(1) or m.group(2)
    return _SPELLED.get(found.lower(), found)


_DESCRIBED_UNIT = re.compile(r"\((Hz/m/s|Hz/m|Hz|s|rad|radians|1/m|m|T|ppm|mT/m|T/m/s|degrees?)\)|\bin "
                             r"(seconds|radians|hertz|degrees|metres|meters|tesla)\b", re.I)
_SPELLED = {"s": "seconds", "rad": "radians", "m": "metres", "t": "tesla", "hertz": "Hz", "meters": "metres"}


def _with_value(p: Param, prose: str, unit: str) -> str:
    """The user's own number, read in that unit: "dwell=10" is 10 seconds, and what they presumably meant."""
    m = re.search(rf"\b{re.escape(p.name)}\s*=\s*(\d+(?:\.\d+)?)\b", prose) or re.search(
        r"\((\d+(?:\.\d+)?)\)", prose)
    if m is None:
        return ""
    n = m.group(1)
    if unit == "seconds":
        return f": `{n}` means {n} s; {n} ms is `{n}e-3`, {n} µs is `{n}e-6`"
    if unit == "Hz/m":
        return f": `{n}` means {n} Hz/m; {n} mT/m is `{n} * 42.576e3`"
    if unit == "radians":
        return f": `{n}` means {n} rad; {n}° is `{n} * pi / 180`"
    return ""


def _readable(value: str, unit: Optional[str]) -> str:
    try:
        x = float(value)
    except ValueError:
        return f"`{value}`"
    if unit == "seconds" and 0 < x < 1:
        scaled, suffix = (x * 1e3, "ms") if x >= 1e-3 else (x * 1e6, "µs")
        return f"`{value}` seconds ({scaled:g} {suffix})"
    return f"`{value}`" + (f" {unit}" if unit and not unit.startswith("no unit") and " " not in unit else "")


def _words(name: str) -> str:
    return r"\b" + r"[ _-]?".join(re.escape(w) for w in name.split("_")) + r"\b"


_ALIASES = {"time_bw_product": r"time[ -]?bandwidth|\btbw\b", "d": r"\bdelay\b|\blength\b|\bduration\b",
            "duration": r"\bdurations?\b|\bhow long\b|\blength\b", "pulse_type": r"\bpulse types?\b|\btypes?\b",
            "alignment_specs": r"\balign\w*\b",
            "grad_disp": r"\bgradients? (are |get )?(drawn|shown|displayed|plotted)\b",
            "time_disp": r"\b(time|times|time axis) (is |are )?(drawn|shown|displayed|plotted)\b"}


# parameters named by a plain English word: the word said as a verb is not the parameter ("what does it use for
# the delay?" asks about the delay, not about `use`)
_VERB_USES = {"use": re.compile(r"\b(?:do|does|did|will|would|to|i|it|we|you|should|can|could|must|they)\s+use\b|"
                                r"\buse\s+(?:for|as|when|to|it|a|an|the|my|with|this|that|if|instead)\b")}


# words a question about a property uses anyway: alone they do not pick a parameter ("default" is not
# `default_duration`)
_ASKING_WORDS = frozenset({"default", "defaults", "value", "values", "units"})


def _param_asked(e: ApiEntry, prose: str, matlab: bool, fallback: bool = True) -> Optional[Param]:
    """The parameter the question is about: written as an identifier, in words, or (MATLAB) as an option name; the
    longest match wins ("time bandwidth product" over "bandwidth"); a function of one argument is about that one."""
    low = prose.lower()
    names = {p.name: p for p in e.params if p.kind in ("keyword", "positional") and p.name != "system"}
    found: list[tuple[int, int, Param]] = []
    for name, p in names.items():
        patterns = [_words(name)] + ([_ALIASES[name]] if name in _ALIASES else [])
        if matlab and e.matlab is not None:
            patterns += [r"\b" + re.escape(o.name.lower()) + r"\b" for o in (*e.matlab.args, *e.matlab.options)
                         if e.matlab.python_of.get(o.name) == name]
        text = _VERB_USES[name].sub(lambda m: " " * len(m.group(0)), low) if name in _VERB_USES else low
        found += [(m.start(), m.end(), p) for pattern in patterns for m in re.finditer(pattern, text)]
    # a match inside a longer one does not count ("bandwidth" in "time bandwidth product"); then the first one
    outer = [f for f in found if not any(g[0] <= f[0] and f[1] <= g[1] and g[1] - g[0] > f[1] - f[0] for g in found)]
    best: tuple[int, Optional[Param]] = (0, min(outer, key=lambda f: f[0])[2] if outer else None)
    if best[1] is None:  # "does it add the signature?": one distinctive word of a parameter's name
        for name, p in names.items():
            for word in name.lower().split("_"):
                if len(word) >= 5 and len(word) > best[0] and word not in _ASKING_WORDS and re.search(
                        r"\b" + word + r"s?\b", low):
                    best = (len(word), p)
    if best[1] is None and fallback and len(names) == 1:
        return next(iter(names.values()))
    return best[1]


def _opts_value(name: str) -> Optional[str]:
    """What `pp.Opts()` holds for a limit its signature leaves as None (limits in Hz/m and Hz/m/s, shown converted)."""
    import pypulseq as pp

    o = pp.Opts()
    value = getattr(o, name, None)
    if value is None:
        return None
    if name == "max_grad":
        return f"{value:g} Hz/m ({value / o.gamma * 1e3:.0f} mT/m)"
    if name == "max_slew":
        return f"{value:g} Hz/m/s ({value / o.gamma:.0f} T/m/s)"
    return f"{value:g}"


def _matlab_name(e: ApiEntry, p: Param) -> str:
    from .callmap import option_spelling

    back = {py: m for m, py in (e.matlab.python_of.items() if e.matlab else ())}
    return option_spelling(back.get(p.name, p.name))


def _matlab_default(e: ApiEntry, p: Param) -> Optional[str]:
    if e.matlab is None:
        return None
    for o in (*e.matlab.args, *e.matlab.options):
        if e.matlab.python_of.get(o.name) == p.name or o.name.lower() == p.name.replace("_", "").lower():
            return getattr(o, "default", None)
    return None


def _choices(e: ApiEntry, p: Optional[Param]) -> list[str]:
    if p is not None and re.search(r"\bone of\b", p.description, re.I):
        return [p.description]
    lines = [s for s in _facts(e) if re.search(r"\bone of\b|\bmust be '", s, re.I)]
    if p is not None:
        lines = [s for s in lines if p.name in s or p.name.replace("_", " ") in s.lower()] or lines
    return lines[:1]


_PLAIN = {"what", "which", "does", "have", "with", "that", "there", "most", "into", "many", "maximum", "make", "calc",
          "string", "allowed", "limit", "readout"}


def _limits(e: ApiEntry, prose: str) -> list[str]:
    own = set(re.findall(r"[a-z]{4,}", (e.python_name or e.key).lower()))
    for skip in (own, set()):  # the function's own name says nothing about which limit, unless nothing else does
        stems = {w[:5] for w in re.findall(r"[a-z]{4,}", prose.lower()) if w not in _PLAIN and w not in skip}
        scored = [(len(stems & {w[:5] for w in re.findall(r"[a-z]{4,}", s.lower())}), i, s) for i, s in
                  enumerate(_facts(e))]
        best = max((n for n, _, _ in scored), default=0)
        if best:
            return [s for n, _, s in scored if n == best][:2]
    return []


def _fact(e: ApiEntry, kind: str, prose: str, lang: str, raw: str = "") -> Optional[str]:
    matlab = is_matlab(lang)
    if kind == "copies":
        return copy_semantics.fact(e, matlab)
    p = _param_asked(e, prose, matlab, fallback=kind != "unit" or e.key not in _RETURN_UNITS)
    of_outputs = kind == "unit" and e.key in _RETURN_UNITS and bool(_RETURNS.search(prose))
    if kind == "returns" or (kind == "unit" and (p is None or of_outputs)):
        unit_line = f"`{name_of(e, lang)}` returns {_RETURN_UNITS[e.key]}." if e.key in _RETURN_UNITS else None
        outs = output_lines(e, lang)
        if kind == "unit" or not outs:
            return unit_line
        return (unit_line + "\n\n" if unit_line else "") + "Outputs, in order:\n" + "\n".join(outs)
    if kind == "values":
        found = _choices(e, p)
        return f"From pypulseq's definition of `{name_of(e, lang)}`: {found[0].rstrip('.')}." if found else None
    if kind == "limit":
        found = [] if matlab else _limits(e, prose)  # pypulseq's raise messages are not MATLAB's
        return ("pypulseq's code states: " + " ".join(f"“{s.rstrip('.')}.”" for s in found)) if found else None
    if p is None:
        return None
    unit = unit_of(p.name, p.description)
    if matlab and p.name == "signal":  # MATLAB always scales the shape: no option turns it off
        unit = ("any scale: the shape is always scaled to give the flip angle (`flip`); MATLAB has no option to keep "
                "the samples as given")
    shown = f"`'{_matlab_name(e, p)}'`" if matlab else f"`{p.name}`"
    if kind == "unit" and not p.name.endswith("_unit"):  # "what unit is max_grad taken in?": grad_unit's default
        if unit is None:
            return None
        hint = {"seconds": " (3 ms is `3e-3`)", "Hz/m": " (mT/m × 42.576e3)", "radians": " (degrees × π/180)"}
        # a limit given with its unit ("max_grad=28, grad_unit='mT/m'") is converted, not read as Hz/m
        stored = value_math.opts_stored(raw or prose, matlab).get(p.name) if e.key == "Opts" else None
        if stored:
            return f"{shown} of `{name_of(e, lang)}` is in **{unit}**: " + stored
        said = _with_value(p, raw or prose, unit) or hint.get(unit, "")
        return f"{shown} of `{name_of(e, lang)}` is in **{unit}**{said}."
    default = _matlab_default(e, p) if matlab else p.default
    marker = default_markers.meaning(e, p.name, default, matlab)
    if marker:  # a "not given" marker the code replaces: what replaces it, not "0 seconds"
        return f"The default {shown} of `{name_of(e, lang)}` is `{default}`: {marker}."
    if e.key == "Opts" and default in (None, "None", "[]"):
        default = _opts_value(p.name)
    extra = _SUBSTITUTED.get((e.key, p.name))
    if default is None and extra is None:
        return f"{shown} of `{name_of(e, lang)}` has no default: it is required." if p.required else None
    text = f"The default {shown} of `{name_of(e, lang)}` is {_readable(str(default), unit)}" if default is not None \
        else f"{shown} of `{name_of(e, lang)}`"
    return text + (f"; {extra}." if extra else ".")


def answer(e: ApiEntry, kind: str, prose: str, lang: str, fact: Optional[str] = None) -> Answer:
    """The fact first, then the signature; "not sure" when the fact is not one we hold. A unit the general unit
    facts already put on top of every answer (unitfacts.py) is not said twice, unless with the user's number."""
    fact = fact or _fact(e, kind, prose, lang)
    bold = re.search(r"\*\*(.+?)\*\*", fact or "")
    said = bold is not None and kind == "unit" and ": `" not in (fact or "") and any(
        "**" + bold.group(1) in ln for ln in unit_lines(prose))
    name, fence = name_of(e, lang), ("matlab" if is_matlab(lang) else "python")
    signature = matlab_signature(e) if is_matlab(lang) else python_signature(e)
    label = {"values": "accepted values", "limit": "limits", "returns": "outputs",
             "copies": "copy or in place"}.get(kind, kind)
    if kind == "unit" and e.key in _RETURN_UNITS and _param_asked(e, prose, is_matlab(lang), fallback=False) is None:
        label = "unit of its outputs"
    if fact is None:
        head = (f"I have no recorded fact about the {label} you ask for in `{name}`; this is its signature, and its "
                "docstring is the place to check.")
    else:
        head = fact
    text = "\n".join([f"### `{name}`: {label}", "", *([] if said else [head, ""]), f"`{name}`: {e.summary_text}", "",
                      f"```{fence}", signature, "```", "",
                      f"*Ask for the parameters of `{name}` for its full reference.*", "", footnote(e, lang)])
    return Answer(text=text, confident=fact is not None, topic=e.key, subject="api:" + e.key)


def instead(ans: Answer, entry: Optional[ApiEntry], intent: "Intent", previous_subject: Optional[str] = None) -> Answer:
    """`ans` with its reference page replaced by the one property asked for, when it is a plain page about one
    function (not a how-to, a template, a pair of functions, or a page that corrects a name first); a function the
    question names is the one asked about, whatever the answer was built on ("how long is make_sinc_pulse if I
    leave duration out?" is not about calc_duration), and so is the previous answer's function in a follow-up that
    names none ("and in which unit are the gradients drawn by default?" after seq.plot), when we hold the fact."""
    prose, lang = intent.prose, intent.lang
    raw = prose + "\n" + (intent.code or "")  # the user's numbers may sit in a pasted call
    kind = asked(prose) if intent.action == "ask" else None
    if kind is None:
        return ans
    previous = get_api().get(previous_subject[4:]) if previous_subject and previous_subject.startswith("api:") else None
    named = [h.entry for h in intent.names if not h.invented] or ([previous] if previous is not None else [])
    if len(named) == 1 and (entry is None or named[0].key != entry.key or "\n### " in ans.text) and ans.confident:
        fact = _fact(named[0], kind, prose, lang, raw)
        return answer(named[0], kind, prose, lang, fact) if fact else ans
    if entry is None or not ans.confident or not ans.text.startswith("### `") or \
            (ans.subject or "") != "api:" + entry.key or "\n### " in ans.text:
        return ans
    if kind == "returns" and ans.text.split("\n", 1)[0].endswith(": outputs"):
        if entry.key in _RETURN_UNITS:  # already the outputs page: their unit on top
            ans.text = f"`{name_of(entry, lang)}` returns {_RETURN_UNITS[entry.key]}.\n\n" + ans.text
        return ans
    fact = _fact(entry, kind, prose, lang, raw)
    if fact is None and (_param_asked(entry, prose, is_matlab(lang)) is None or kind == "returns"):
        return ans  # which property of it is meant is not clear either: the page stays, as it was
    return answer(entry, kind, prose, lang, fact)
