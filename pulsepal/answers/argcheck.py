"""Checks of a Pulseq call's arguments against the real signature, and of the classic mistakes around them.

Names can all be right and the code still wrong: a MATLAB option spelled as a Python keyword (`flatArea=`), a
keyword the function does not take, `sys` passed after the name/value options, the arguments of
`mr.makeExtendedTrapezoidArea` in pypulseq's order, three outputs asked of `pp.make_sinc_pulse` without
`return_gz=True`, system limits given without their unit (read as Hz/m), an ADC that starts on the readout's ramp.
Each finding names the right spelling. Signatures come from the installed pypulseq and the MATLAB facts file.
"""

from __future__ import annotations

import difflib
import re
from typing import Optional

from .callmap import option_spelling
from .codeparse import Tok, join, matching, numbered_lines, sequence_variables, split_top, strip, tokenize
from .pulseq_api import ApiEntry, PulseqApi
from .types import Finding

_CHANNEL = re.compile(r"^['\"][xyz]['\"]$")


def _calls(tokens: list[Tok], lang: str, seq_vars: set[str]):
    """(namespace, name, argument token lists, index) of every `pp.`/`mr.`/`seq.` call on a line."""
    for i, t in enumerate(tokens):
        if t.kind != "name" or i + 3 >= len(tokens) or tokens[i + 1].text != "." or tokens[i + 2].kind != "name":
            continue
        if i > 0 and tokens[i - 1].text == ".":
            continue
        if tokens[i + 3].text != "(":
            continue
        ns = t.text
        if ns in ("pp", "pypulseq") and lang == "python" or ns == "mr" and lang == "matlab" or ns in seq_vars:
            close = matching(tokens, i + 3)
            args = split_top(tokens[i + 4:close]) if close > i + 4 else []
            yield ("seq" if ns in seq_vars else ns), tokens[i + 2].text, args, i


def _closest(name: str, options: list[str]) -> Optional[str]:
    low = {o.lower().replace("_", ""): o for o in options}
    key = name.lower().replace("_", "")
    if key in low:
        return low[key]
    close = difflib.get_close_matches(key, list(low), n=1, cutoff=0.6)
    if close:
        return low[close[0]]
    # an abbreviation ('dur' for duration, 'amp' for amplitude) when it can only mean one of them
    prefixed = [o for k, o in low.items() if len(key) >= 3 and k.startswith(key)]
    return prefixed[0] if len(prefixed) == 1 else None


class ArgChecker:
    def __init__(self, api: PulseqApi):
        self.api = api
        opts = api.get("Opts")
        self.opts_params = [p.name for p in opts.params] if opts else []

    def check(self, code: str, lang: str, lines: list[str]) -> list[Finding]:
        """`lines` are the code's lines with strings and comments intact (the lexer handles them)."""
        seq_vars = sequence_variables(code)
        findings: list[Finding] = []
        trapezoids = set(re.findall(r"(\w+)\s*=\s*(?:pp|mr)\.(?:make_trapezoid|makeTrapezoid)\s*\(", code))
        adcs_without_delay: dict[str, int] = {}
        for lineno, line in numbered_lines("\n".join(lines), lang):
            toks = [t for t in tokenize(line, lang) if t.kind != "comment"]
            outs = _outputs(toks, lang)
            for ns, name, args, _ in _calls(toks, lang, seq_vars):
                e = self.api.called(ns, name, lang)
                if e is None:
                    continue
                if lang == "python":
                    findings += self._python(e, args, outs, lineno)
                else:
                    findings += self._matlab(e, args, lineno)
                if e.key == "make_adc" and outs and not self._has_delay(args, lang):
                    adcs_without_delay[outs[0]] = lineno
                if e.key == "seq.add_block" and adcs_without_delay:
                    names = {join(a).strip() for a in args}
                    for adc, at in list(adcs_without_delay.items()):
                        if adc in names and names & trapezoids:
                            gx = sorted(names & trapezoids)[0]
                            rise = f"{gx}.rise_time" if lang == "python" else f"{gx}.riseTime"
                            delay = f"delay={rise}" if lang == "python" else f"'Delay', {rise}"
                            findings.append(Finding(adc, at, "adc_on_ramp",
                                                    f"`{adc}` has no delay, so it samples from the start of the block, "
                                                    f"on `{gx}`'s ramp, not its flat top.", delay))
                            del adcs_without_delay[adc]
        return findings

    @staticmethod
    def _has_delay(args: list[list[Tok]], lang: str) -> bool:
        for a in args:
            text = join(a).strip()
            if lang == "python" and re.match(r"delay\s*=", text):
                return True
            if lang == "matlab" and text.strip("'\"").lower() == "delay":
                return True
        return False

    def _python(self, e: ApiEntry, args: list[list[Tok]], outs: list[str], line: int) -> list[Finding]:
        out: list[Finding] = []
        params = [p.name for p in e.params]
        takes_any = any(p.kind == "var_keyword" for p in e.params)
        given: dict[str, str] = {}
        for a in args:
            if len(a) >= 2 and a[0].kind == "name" and next((t for t in a[1:] if t.kind != "ws"), a[1]).text == "=":
                kw = a[0].text
                given[kw] = join(strip(a[next(k for k, t in enumerate(a) if t.text == "=") + 1:]))
                if kw in params or takes_any:
                    continue
                right = _closest(kw, params)
                if right is None and _closest(kw, self.opts_params):
                    related = [p for p in self.opts_params if kw in p]
                    kind = "adc" if "adc" in e.key else "rf" if "pulse" in e.key else ""
                    opt = next((p for p in related if p.startswith(kind)), None) if kind else None
                    opt = opt or (related[0] if related else _closest(kw, self.opts_params))
                    out.append(Finding(f"{kw}=", line, "wrong_argument",
                                       f"`{e.python_call}` has no `{kw}` keyword; that is a system setting: "
                                       f"`{opt}` in `pp.Opts(...)` (or move the event with `delay=`).", opt))
                    continue
                msg = f"`{e.python_call}` has no `{kw}` keyword"
                msg += f"; pypulseq spells it `{right}`." if right else f"; it takes {', '.join(params)}."
                out.append(Finding(f"{kw}=", line, "wrong_argument", msg, f"{right}={given[kw]}" if right else None))
        if e.param("return_gz") is not None and len(outs) in (2, 3) and given.get("return_gz", "False") != "True":
            out.append(Finding(e.python_call or e.key, line, "missing_argument",
                               f"{len(outs)} outputs from `{e.python_call}` need `return_gz=True` (it then returns "
                               "rf, gz, gzr); without it only the RF event comes back.", "return_gz=True"))
        if e.key == "Opts":
            out += _units(given, line, "grad_unit", "slew_unit", "max_grad", "max_slew", python=True)
        return out

    def _matlab(self, e: ApiEntry, args: list[list[Tok]], line: int) -> list[Finding]:
        f = e.matlab
        assert f is not None
        out: list[Finding] = []
        texts = [join(a).strip() for a in args]
        literal = [t[1:-1] if len(t) > 1 and t[0] == t[-1] and t[0] in "'\"" else None for t in texts]
        if f.call == "mr.makeExtendedTrapezoidArea" and len(texts) >= 4 and not _CHANNEL.match(texts[0]) and \
                _CHANNEL.match(texts[1]):
            fixed = ", ".join([texts[1], texts[2], texts[3], texts[0], *texts[4:]])
            out.append(Finding(f.call, line, "argument_order",
                               "wrong argument order: MATLAB takes (channel, gradStart, gradEnd, area, sys), "
                               "unlike pypulseq's (area, channel, ...).", f"{f.call}({fixed})"))
        # Where the name/value options start: the first string that names an option, after the positional slots.
        named = [i for i, lit in enumerate(literal) if lit is not None and f.option(lit) is not None]
        beyond = [i for i, lit in enumerate(literal) if lit is not None and (
            i >= len(f.args) or f.args[i].name.lower() in ("system", "sys") and i + 1 < len(texts))]
        start = min(named + beyond) if named or beyond else None
        if not f.varargin:
            out += _unnamed_numbers(f, texts, literal, start, line)
        if start is None or f.varargin:
            return out
        i = start
        while i < len(texts):
            lit = literal[i]
            if lit is None:
                if texts[i] in ("sys", "system", "lims", "opts") and (i - start) % 2 == 0 and f.arg("system"):
                    head = ", ".join(texts[:start])
                    rest = ", ".join(t for k, t in enumerate(texts[start:], start) if k != i)
                    out.append(Finding(texts[i], line, "argument_order",
                                       f"`{texts[i]}` after the name/value options is read as an option name; the "
                                       "system struct goes right after the positional arguments.",
                                       f"{f.call}({head}, {texts[i]}, {rest})"))
                i += 1
                continue
            if not f.accepts(lit):
                names = [o.name for o in f.options] + [a.name for a in f.args if not a.required]
                right = _closest(lit, names)
                msg = f"`{f.call}` has no option '{lit}'"
                msg += f"; did you mean '{option_spelling(right)}'?" if right else \
                    f"; it takes {', '.join(repr(option_spelling(n)) for n in names)}."
                out.append(Finding(f"'{lit}'", line, "wrong_argument", msg,
                                   f"'{option_spelling(right)}'" if right else None))
            i += 2
        if f.call == "mr.opts":
            pairs = {str(literal[k]).lower(): texts[k + 1] for k in range(0, len(texts) - 1) if literal[k]}
            out += _units(pairs, line, "gradunit", "slewunit", "maxgrad", "maxslew", python=False)
        return out


_NUMERIC = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(\s*[-+*/]\s*[\w.()]+)*$")


def _unnamed_numbers(f, texts: list[str], literal: list, start, line: int) -> list[Finding]:
    """`mr.makeTrapezoid('x', 1000, 2e-3)`: numbers where MATLAB takes the system struct or nothing. The toolbox
    reads options only by name ('Area', 1000), so these are not an area and a duration but an error."""
    end = start if start is not None else len(texts)
    bad = [i for i in range(end) if literal[i] is None and _NUMERIC.match(texts[i]) and (
        i >= len(f.args) or f.args[i].name.lower() in ("system", "sys"))]
    if not bad:
        return []
    options = ", ".join(f"'{option_spelling(o.name)}'" for o in f.options[:6])
    return [Finding(texts[bad[0]], line, "argument_order",
                    f"`{f.call}` takes no number at position {bad[0] + 1}: after its positional arguments "
                    f"({', '.join(a.name for a in f.args) or 'none'}) options are given by name, "
                    f"e.g. {f.call}({', '.join(texts[:bad[0]])}{', ' if bad[0] else ''}'Name', value) with one of "
                    f"{options}.", None)]


def _units(given: dict[str, str], line: int, gunit: str, sunit: str, gmax: str, smax: str,
           python: bool) -> list[Finding]:
    """A gradient limit given as a plain number is read in Hz/m (slew in Hz/m/s): 32 then means almost nothing."""
    out = []
    for limit, unit, right_unit, per in ((gmax, gunit, "mT/m", "Hz/m"), (smax, sunit, "T/m/s", "Hz/m/s")):
        value = given.get(limit)
        if value is None or unit in given:
            continue
        try:
            number = float(value)
        except ValueError:
            continue
        if number < (1e4 if per == "Hz/m" else 1e7):
            spell = f"{unit}='{right_unit}'" if python else f"'{'GradUnit' if unit == gunit else 'SlewUnit'}', " \
                f"'{right_unit}'"
            out.append(Finding(limit, line, "missing_unit",
                               f"`{limit}` = {value} without its unit is read as {per}, far below any scanner's "
                               f"limit; add the unit.", spell))
    return out


def _outputs(toks: list[Tok], lang: str) -> list[str]:
    t = strip(toks)
    eq = next((i for i, x in enumerate(t) if x.kind == "op" and x.text == "="), -1)
    if eq <= 0:
        return []
    left = join(t[:eq]).strip()
    if lang == "matlab":
        left = left.strip("[]")
    return [x for x in re.split(r"[\s,]+", left) if x]
