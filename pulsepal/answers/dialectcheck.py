"""Mistakes that come from writing one toolbox's habits in the other's code, and from units.

A snippet can use only real names and still fail: MATLAB name/value pairs passed to a pypulseq function
(`pp.make_trapezoid('x', 'FlatArea', a)`), Python keywords inside a MATLAB call (`mr.makeTrapezoid('x',
flat_area=a)`), event fields in the other spelling (`gx.flat_time` in MATLAB, `gx.flatTime` in Python), 1-based
`parts(1)` indexing in Python or 0-based `parts[0]` in MATLAB, a flip angle in degrees, a duration in milliseconds,
a slice thickness in millimetres, or a whole script that never creates its sequence object. People porting a demo
by hand make several of these at once, so each is reported on its own line with the right spelling.

Field names are facts: the Python ones are read from events pypulseq builds, the MATLAB ones are their camelCase
form (or the MATLAB option of the same name, for `freqPPM`).
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Optional

from .callmap import option_spelling
from .codeparse import Tok, join, matching, numbered_lines, split_top, strip, tokenize
from .pulseq_api import PulseqApi, snake_to_camel
from .types import Finding

# fields both toolboxes spell the same way although they hold an underscore
_SAME_IN_BOTH = frozenset({"shape_dur"})
_NOT_FIELD_BASES = frozenset({"mr", "pp", "pypulseq", "np", "numpy", "math", "plt", "os", "sys_", "self"})
_RF_MAKERS = re.compile(r"^(make_(block|sinc|gauss|arbitrary|adiabatic)_?\w*|makeBlockPulse|makeSincPulse|"
                        r"makeGaussPulse|makeArbitraryRf|makeSLRpulse)$")
_ALIGN_WORDS = ("left", "right", "center")


@lru_cache(maxsize=1)
def python_fields() -> frozenset[str]:
    """Attribute names of the events and system object pypulseq builds (snake_case ones only)."""
    import warnings

    import pypulseq as pp

    objs: list[object] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        builders = (
            lambda: pp.Opts(),
            lambda: pp.make_trapezoid(channel="x", area=100.0),
            lambda: pp.make_adc(num_samples=8, duration=1e-3),
            lambda: pp.make_block_pulse(flip_angle=0.1, duration=1e-3),
            lambda: pp.make_delay(1e-3),
            lambda: pp.make_trigger(channel="physio1"),
            lambda: pp.make_label(label="LIN", type="SET", value=0),
            lambda: pp.make_digital_output_pulse(channel="osc0"),
            lambda: pp.make_extended_trapezoid(channel="x", times=[0, 1e-4, 2e-4], amplitudes=[0, 1e3, 0]),
        )
        for build in builders:
            try:
                objs.append(build())
            except Exception:  # noqa: BLE001 - a pypulseq change must not stop the checker from starting
                continue
    names: set[str] = set()
    for obj in objs:
        names.update(n for n in vars(obj) if "_" in n.strip("_") and not n.startswith("_"))
    return frozenset(names - _SAME_IN_BOTH)


class DialectChecker:
    def __init__(self, api: PulseqApi):
        self.api = api
        options = {o.name for e in api.entries if e.matlab for o in (*e.matlab.options, *e.matlab.args)}
        by_key = {o.replace("_", "").lower(): o for o in options}
        self.camel: dict[str, str] = {}
        for snake in python_fields():
            camel = by_key.get(snake.replace("_", "").lower())
            camel = camel if camel and camel[:1].islower() else snake_to_camel(snake)
            if camel != snake:
                self.camel[snake] = camel
        self.snake = {c: s for s, c in self.camel.items()}

    def check(self, code: str, lang: str) -> list[Finding]:
        out: list[Finding] = []
        assigned = set(re.findall(r"^\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*=(?!=)", code, re.M))
        variables = {v.strip() for group in assigned for v in group.split(",")}
        variables |= {v.strip() for group in re.findall(r"^\s*\[([\w\s,~]+)\]\s*=", code, re.M)
                      for v in re.split(r"[\s,]+", group) if v.strip()}
        for lineno, line in numbered_lines(code, lang):
            toks = [t for t in tokenize(line, lang) if t.kind != "comment"]
            out += self._fields(toks, lang, lineno)
            out += self._indexing(toks, lang, lineno, variables)
            for ns, name, args in _calls(toks):
                if lang == "python" and ns in ("pp", "pypulseq"):
                    out += self._python_call(name, args, lineno, variables)
                elif lang == "matlab" and ns == "mr":
                    out += self._matlab_call(name, args, lineno)
        out += self._undefined_sequence(code, lang)
        return out

    # --- event fields --------------------------------------------------------------------------------------------

    def _fields(self, toks: list[Tok], lang: str, line: int) -> list[Finding]:
        out = []
        for i in range(len(toks) - 2):
            a, dot, b = toks[i], toks[i + 1], toks[i + 2]
            if a.kind != "name" or dot.text != "." or b.kind != "name" or a.text in _NOT_FIELD_BASES:
                continue
            if i > 0 and toks[i - 1].text == ".":
                continue
            if i + 3 < len(toks) and toks[i + 3].text == "(":
                continue  # a method call: the name checker judges those
            if lang == "matlab" and b.text in self.camel:
                right = self.camel[b.text]
                out.append(Finding(f"{a.text}.{b.text}", line, "wrong_field",
                                   f"MATLAB event and system fields are camelCase: `{a.text}.{b.text}` is the "
                                   f"pypulseq spelling.", f"{a.text}.{right}"))
            elif lang == "python" and b.text in self.snake:
                right = self.snake[b.text]
                out.append(Finding(f"{a.text}.{b.text}", line, "wrong_field",
                                   f"pypulseq event and system fields are snake_case: `{a.text}.{b.text}` is the "
                                   f"MATLAB spelling.", f"{a.text}.{right}"))
        return out

    # --- 0- and 1-based indexing ---------------------------------------------------------------------------------

    @staticmethod
    def _indexing(toks: list[Tok], lang: str, line: int, variables: set[str]) -> list[Finding]:
        out = []
        for i in range(len(toks) - 3):
            name, open_, num = toks[i], toks[i + 1], toks[i + 2]
            if name.kind != "name" or num.kind != "number" or not num.text.isdigit():
                continue
            if i > 0 and toks[i - 1].text == ".":
                continue
            close = toks[i + 3].text
            if lang == "python" and open_.text == "(" and close == ")" and name.text in variables and \
                    int(num.text) >= 1:
                out.append(Finding(f"{name.text}({num.text})", line, "indexing",
                                   f"`{name.text}({num.text})` calls `{name.text}`; Python indexes lists with "
                                   f"square brackets from 0, so MATLAB's element {num.text} is "
                                   f"`{name.text}[{int(num.text) - 1}]`.", f"{name.text}[{int(num.text) - 1}]"))
            elif lang == "matlab" and open_.text == "(" and close == ")" and num.text == "0" and \
                    name.text in variables:
                out.append(Finding(f"{name.text}(0)", line, "indexing",
                                   f"MATLAB indexes from 1: `{name.text}(0)` is an error ('Index must be a positive "
                                   f"integer'); the first element is `{name.text}(1)`.", f"{name.text}(1)"))
            elif lang == "matlab" and open_.text == "[" and close == "]":
                out.append(Finding(f"{name.text}[{num.text}]", line, "indexing",
                                   f"MATLAB indexes with parentheses from 1: `{name.text}[{num.text}]` is Python "
                                   f"indexing.", f"{name.text}({int(num.text) + 1})"))
        return out

    # --- calls -----------------------------------------------------------------------------------------------------

    def _python_call(self, name: str, args: list[list[Tok]], line: int, variables: set[str]) -> list[Finding]:
        e = self.api.by_key.get(name)
        if e is None or e.python_name != name:
            return []
        out: list[Finding] = []
        texts = [join(a).strip() for a in args]
        if name == "align" and any(_literal(t) in _ALIGN_WORDS for t in texts):
            groups: list[tuple[str, list[str]]] = []
            for t in texts:
                if _literal(t) in _ALIGN_WORDS:
                    groups.append((str(_literal(t)), []))
                elif groups:
                    groups[-1][1].append(t)
            fixed = ", ".join(f"{k}={v[0] if len(v) == 1 else '[' + ', '.join(v) + ']'}" for k, v in groups)
            fixed = re.sub(r"\b(\w+)\((\d+)\)", lambda m: f"{m.group(1)}[{int(m.group(2)) - 1}]"
                           if m.group(1) in variables and int(m.group(2)) >= 1 else m.group(0), fixed)
            out.append(Finding("pp.align('...')", line, "wrong_argument",
                               "pypulseq's `align` takes keywords, not MATLAB's 'left'/'right' strings.",
                               f"pp.align({fixed})"))
            return out
        if name == "rotate" and texts and _literal(texts[0]) in ("x", "y", "z") and len(texts) >= 3:
            events = ", ".join(texts[2:])
            out.append(Finding("pp.rotate('...')", line, "argument_order",
                               "pypulseq's `rotate` takes the events first and the angle and axis as keywords, "
                               "not MATLAB's (axis, angle, events...) order.",
                               f"pp.rotate({events}, angle={texts[1]}, axis={texts[0]})"))
            return out
        if name == "make_label" and len(texts) >= 2 and "=" not in texts[0] and \
                str(_literal(texts[0])).upper() in ("SET", "INC"):
            rest = ", ".join(texts[2:]) or "value"
            out.append(Finding("pp.make_label('...')", line, "argument_order",
                               "pypulseq's `make_label` takes (label, type, value), not MATLAB's (type, label, value): "
                               "here the label name and the type are swapped.",
                               f"pp.make_label(label={texts[1]}, type={texts[0]}, value={rest})"))
            return out
        out += _positional_on_flag(e, texts, line)
        out += _channel(e.key, texts, line, python=True)
        params = {p.name.replace("_", "").lower(): p.name for p in e.params}
        for k, t in enumerate(texts[:-1]):
            lit = _literal(t)
            if lit is None or "=" in t:
                continue
            kw = params.get(lit.replace("_", "").lower())
            if kw is None:
                continue
            out.append(Finding(f"'{lit}'", line, "wrong_argument",
                               f"`pp.{name}` takes keyword arguments, not MATLAB name/value pairs: "
                               f"'{lit}', {texts[k + 1]} is written `{kw}={texts[k + 1]}`.", f"{kw}={texts[k + 1]}"))
        out += _units_python(name, e.params, args, line)
        return out

    def _matlab_call(self, name: str, args: list[list[Tok]], line: int) -> list[Finding]:
        e = self.api.by_matlab.get("mr." + name)
        if e is None or e.matlab is None:
            return []
        f = e.matlab
        out: list[Finding] = []
        for a in args:
            toks = strip(a)
            if len(toks) >= 3 and toks[0].kind == "name" and _next_op(toks, 1) == "=":
                kw = toks[0].text
                value = join(strip(toks[[i for i, t in enumerate(toks) if t.text == "="][0] + 1:]))
                key = kw.replace("_", "").lower()
                match = next((o.name for o in (*f.options, *f.args) if o.name.replace("_", "").lower() == key), None)
                if match is None and key == "system":
                    match = "system"
                spelled = "system" if match == "system" else option_spelling(match) if match else snake_to_camel(kw)
                out.append(Finding(f"{kw}=", line, "wrong_argument",
                                   f"MATLAB has no keyword arguments: `{kw}={value}` is a Python habit; pass the "
                                   f"option as a name/value pair.", f"'{spelled}', {value}"))
        out += _units_matlab(name, f, args, line)
        out += _channel(e.key, texts_of(args), line, python=False)
        lits = [_literal(t) for t in texts_of(args)]
        if name == "makeLabel" and len(lits) >= 2 and str(lits[1]).upper() in ("SET", "INC") and \
                str(lits[0]).upper() not in ("SET", "INC"):
            rest = ", ".join(texts_of(args)[2:])
            out.append(Finding("mr.makeLabel('...')", line, "argument_order",
                               "MATLAB's `mr.makeLabel` takes (type, label, value): the type 'SET' or 'INC' comes "
                               "first.", f"mr.makeLabel('{lits[1]}', '{lits[0]}'{', ' + rest if rest else ''})"))
        return out

    # --- a whole script that never creates its sequence --------------------------------------------------------

    @staticmethod
    def _undefined_sequence(code: str, lang: str) -> list[Finding]:
        # only a Python file that imports pypulseq is surely whole; MATLAB snippets have no such mark
        script = lang == "python" and re.search(r"^\s*(import|from)\s+pypulseq", code, re.M)
        uses = re.search(r"^(.*?)\bseq\.\w+\s*\(", code, re.M | re.S)
        if not script or not uses or re.search(r"\bseq\s*=", code):
            return []
        body = re.sub(r"^\s*(import|from)\s.*$", "", code, flags=re.M)
        if re.search(r"\b(system|sys)\b(?!\s*=[^=])", body) and not re.search(r"^\s*(system|sys)\s*=", body, re.M):
            return []  # it passes a system object it never makes: an excerpt of a script, seq is made elsewhere
        line = code[:uses.end()].count("\n") + 1
        system = re.search(r"^\s*(\w+)\s*=\s*(?:pp\.Opts|mr\.opts)\s*\(", code, re.M)
        sysname = system.group(1) if system else ("system" if lang == "python" else "sys")
        right = f"seq = pp.Sequence({sysname})" if lang == "python" else f"seq = mr.Sequence({sysname});"
        return [Finding("seq", line, "undefined",
                        "`seq` is used but this script never creates it; make the sequence object first.", right)]


def _positional_on_flag(e, texts: list[str], line: int) -> list[Finding]:
    """`pp.make_extended_trapezoid('z', times, amps)`: the third positional argument lands on the
    `convert_to_arbitrary` flag. Positional arguments only work in signature order; keywords always do."""
    positional = [t for t in texts if not re.match(r"^\w+\s*=[^=]", t)]
    params = [p for p in e.params if p.kind not in ("var_positional", "var_keyword")]
    for k, t in enumerate(positional):
        if k >= len(params) or params[k].default not in ("True", "False") or t in ("True", "False"):
            continue
        wanted = [p.name for p in params[1:] if p.default not in ("True", "False") and p.name not in (
            "system", "max_grad", "max_slew", "delay")][:2]
        fix = f"{e.python_call}({positional[0]}, " + ", ".join(f"{w}=..." for w in wanted) + ")"
        return [Finding(f"{e.python_call}(...)", line, "argument_order",
                        f"positional argument {k + 1} (`{t}`) lands on the flag `{params[k].name}`; pass the "
                        "arguments after the first by keyword.", fix)]
    return []


def texts_of(args: list[list[Tok]]) -> list[str]:
    return [join(a).strip() for a in args]


# The channels each kind of event accepts (pypulseq raises on any other; the MATLAB toolbox documents the same).
_CHANNELS = {
    "make_trigger": ("physio1", "physio2"),
    "make_digital_output_pulse": ("osc0", "osc1", "ext1"),
    "make_trapezoid": ("x", "y", "z"), "make_extended_trapezoid": ("x", "y", "z"),
    "make_arbitrary_grad": ("x", "y", "z"),
}


def _channel(key: str, texts: list[str], line: int, python: bool) -> list[Finding]:
    allowed = _CHANNELS.get(key)
    if not allowed or not texts:
        return []
    kw = next((t.split("=", 1)[1].strip() for t in texts if re.match(r"^channel\s*=", t)), None)
    value = _literal(kw if kw is not None else texts[0])
    if value is None or value in allowed:
        return []
    choices = " or ".join(f"'{a}'" for a in allowed)
    # 'Y' for 'y', 'Physio1' for 'physio1': the channel meant, in the case the toolbox compares it in
    meant = next((a for a in allowed if a.lower() == value.lower()), None)
    ratios = [difflib.SequenceMatcher(None, value.lower(), a).ratio() for a in allowed]
    best = max(range(len(allowed)), key=lambda i: (ratios[i], -i))  # the first of equally close ones
    closest = meant or (allowed[best] if ratios[best] >= 0.6 else allowed[0])
    why = " (channel names are lower case)" if meant else ""
    right = f"channel='{closest}'" if kw is not None else f"'{closest}'"
    return [Finding(f"'{value}'", line, "wrong_argument", f"'{value}' is not a channel this event accepts; it takes "
                    f"{choices}{why}.", right)]


def _calls(toks: list[Tok]):
    for i in range(len(toks) - 3):
        t = toks[i]
        if t.kind != "name" or toks[i + 1].text != "." or toks[i + 2].kind != "name" or toks[i + 3].text != "(":
            continue
        if i > 0 and toks[i - 1].text == ".":
            continue
        close = matching(toks, i + 3)
        yield t.text, toks[i + 2].text, (split_top(toks[i + 4:close]) if close > i + 4 else [])


def _next_op(toks: list[Tok], start: int) -> str:
    return next((t.text for t in toks[start:] if t.kind != "ws"), "")


def _literal(text: str) -> Optional[str]:
    t = text.strip()
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"":
        return t[1:-1]
    return None


def _number(text: str) -> Optional[float]:
    try:
        return float(text.strip())
    except ValueError:
        return None


# --- units: radians, seconds, metres -----------------------------------------------------------------------------

_SECONDS = ("duration", "flattime", "risetime", "falltime", "dwell")


def _unit_problem(func: str, option: str, value: float, python: bool) -> Optional[tuple[str, str]]:
    """(message, fix) when a literal value is in the wrong unit for its option, else None."""
    key = option.replace("_", "").lower()
    if key in ("flipangle", "flip") and _RF_MAKERS.match(func) and value > 6.3:
        fix = f"{value:g} * np.pi / 180" if python else f"{value:g}*pi/180"
        return f"flip angles are in radians: {value:g} looks like degrees.", fix
    if key == "slicethickness" and value >= 0.5:
        return f"the slice thickness is in metres: {value:g} m is not a slice.", f"{value:g}e-3"
    if key in _SECONDS:
        limit = 1e-2 if key == "dwell" else 1.0 if func.lower().endswith("adc") else 0.1
        if key == "dwell" and value >= 1:  # a dwell is microseconds: "dwell=10" means 10 us
            return f"times are in seconds: a dwell of {value:g} s is far too long (microseconds?).", f"{value:g}e-6"
        if value >= limit:
            return f"times are in seconds: {value:g} s is far too long here (milliseconds?).", f"{value:g}e-3"
    return None


def _units_python(name: str, params, args: list[list[Tok]], line: int) -> list[Finding]:
    out = []
    positional = [p.name for p in params]
    for k, a in enumerate(args):
        text = join(a).strip()
        kw, _, value = text.partition("=") if re.match(r"^\w+\s*=[^=]", text) else ("", "", text)
        option = kw.strip() or (positional[k] if k < len(positional) else "")
        number = _number(value)
        if not option or number is None:
            continue
        problem = _unit_problem(name, option, number, python=True)
        if problem:
            out.append(Finding(f"{option}={value.strip()}", line, "wrong_unit", problem[0],
                               f"{option}={problem[1]}"))
    return out


def _units_matlab(name: str, f, args: list[list[Tok]], line: int) -> list[Finding]:
    out = []
    texts = [join(a).strip() for a in args]
    if texts and f.args and _number(texts[0]) is not None:
        problem = _unit_problem(name, f.args[0].name, float(texts[0]), python=False)
        if problem:
            out.append(Finding(texts[0], line, "wrong_unit", problem[0], problem[1]))
    for k in range(len(texts) - 1):
        lit, number = _literal(texts[k]), _number(texts[k + 1])
        if lit is None or number is None:
            continue
        problem = _unit_problem(name, lit, number, python=False)
        if problem:
            out.append(Finding(f"'{lit}', {texts[k + 1]}", line, "wrong_unit", problem[0],
                               f"'{lit}', {problem[1]}"))
    return out
