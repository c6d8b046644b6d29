"""The user's pulse numbers put into the pulse call of an example, so the code shown is the code asked for.

"The slice gradient for a 3 ms sinc with a 4 mm slice" used to be answered with a note whose example made a 5 mm
slice: right function, wrong numbers, and the user has to spot that the code is not theirs. Scanner limits were
already filled in (`builder.fill_limits`); this does the same for what a pulse call takes: slice thickness, duration,
time-bandwidth product and flip angle.

Only example calls are touched, never a signature (its argument list shows defaults such as `system=None` or
`'Name', value`). A slice thickness goes into every pulse of the example (a spin echo's 90 and 180 share the slice);
duration, time-bandwidth product and flip only when the example has one pulse, since with two the user's numbers
belong to one of them and we cannot tell which. A saturation or inversion pulse (fat saturation before the
excitation) keeps its own flip and duration: the user's are the excitation's.
"""

from __future__ import annotations

import re

from .builder import fill_limits
from .types import Answer

_MAKER = re.compile(r"\b(?:pp\.make_(?:sinc|gauss|block)_pulse|mr\.make(?:Sinc|Gauss|Block)Pulse)\(")
_SIGNATURE = re.compile(r"=None\b|'Name', value|\bsystem\*")
_OWN_PURPOSE = re.compile(r"""\buse\s*=\s*["'](?:saturation|inversion|preparation|refocusing)|'use'\s*,\s*"""
                          r"""'(?:saturation|inversion|preparation|refocusing)|\bflip_angle\s*=\s*(?:np\.)?pi\b(?!\s*/)|"""
                          r"""\(\s*pi\s*,""", re.I)
_PY = {"slice_thickness": "slice_thickness", "pulse_duration": "duration", "tbw": "time_bw_product"}
_ML = {"slice_thickness": "SliceThickness", "pulse_duration": "Duration", "tbw": "timeBwProduct"}
_LABEL = {"slice_thickness": "slice thickness", "pulse_duration": "pulse duration", "tbw": "time-bandwidth product",
          "flip_deg": "flip angle"}


def _seconds(value: float) -> str:
    """3 ms as `3e-3`, 100 us as `100e-6`: how the examples write times and lengths."""
    if value >= 1e-3:
        return f"{value * 1e3:.6g}e-3"
    return f"{value * 1e6:.6g}e-6"


def _calls(text: str) -> list[tuple[int, int]]:
    """The spans of the pulse calls (argument lists may run over several lines and hold parentheses)."""
    spans = []
    for m in _MAKER.finditer(text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        spans.append((m.start(), i))
    return spans


def _fill_one(call: str, key: str, value: float) -> str:
    """One of the user's values put into one call, if the call writes that argument."""
    matlab = call.startswith("mr.")
    if key == "flip_deg":
        deg = f"{value:.6g}"
        if matlab:  # the flip is the first positional argument
            return re.sub(r"^(mr\.make\w+\()\s*[^,()]*(?:\([^()]*\))?[^,()]*,", rf"\g<1>{deg}*pi/180,", call)
        return re.sub(r"(\bflip_angle\s*=\s*)(?:np\.deg2rad\([^()]*\)|[^,()]+)", rf"\g<1>np.deg2rad({deg})", call)
    text = _seconds(value) if key != "tbw" else f"{value:.6g}"
    if matlab:
        return re.sub(rf"('{_ML[key]}'\s*,\s*)[-+\d.eE]+", rf"\g<1>{text}", call, flags=re.I)
    return re.sub(rf"(\b{_PY[key]}\s*=\s*)[-+\d.eE]+", rf"\g<1>{text}", call)


def _same(old: str, new: str) -> bool:
    """Whether a call is unchanged but for how its numbers are spelled (5e-3 written over 0.005)."""
    def numbers(call: str) -> list[float]:
        found = re.findall(r"(?<![\w.])\d+(?:\.\d*)?(?:e-?\d+)?", call.replace("*pi/180", ""))
        return [float(x) for x in found]
    return numbers(old) == numbers(new) and re.sub(r"[\d.e*/-]", "", old) == re.sub(r"[\d.e*/-]", "", new)


def fill_pulses(text: str, values: dict[str, float]) -> tuple[str, list[str]]:
    """The text with the user's pulse values in its example pulse calls, and the names of the values put in."""
    wanted = {k: v for k, v in values.items() if k in _LABEL and v > 0}
    if not wanted:
        return text, []
    # a signature, or "Ask only for what you need: `rf = mr.makeSincPulse(...)`", is no example call
    spans = [(a, b) for a, b in _calls(text) if not _SIGNATURE.search(text[a:b]) and
             not re.search(r"\(\s*\.\.\.\s*\)$", text[a:b])]
    single = len(spans) == 1
    out, last, used = [], 0, set()
    for a, b in spans:
        call = text[a:b]
        own = bool(_OWN_PURPOSE.search(call))
        for key, value in wanted.items():
            if key != "slice_thickness" and (own or not single):
                continue
            new = _fill_one(call, key, value)
            if new != call and not _same(call, new):
                used.add(key)
            call = new
        out += [text[last:a], call]
        last = b
    out.append(text[last:])
    return "".join(out), [_LABEL[k] for k in _LABEL if k in used]


def fill_answer(ans: Answer, values: dict[str, float], prose: str = "") -> None:
    """The user's pulse values put into an answer's examples (its text and its code examples), with a line that
    says which values are theirs; a template answer is filled by the builder, not here. A question about a
    refocusing, inversion or saturation pulse keeps the example's flip and duration: the user's are the
    excitation's."""
    if (ans.subject or "").startswith("template:"):
        return
    if re.search(r"\b(refocus\w*|180|inversion|invert\w*|saturat\w*|fat[- ]?sat\w*)\b", prose, re.I):
        values = {k: v for k, v in values.items() if k not in ("flip_deg", "pulse_duration", "tbw")}
    ans.text, changed = fill_limits(ans.text, values)
    if changed:
        ans.text = "*System limits in the code are the ones from your sequence knowledge.*\n\n" + ans.text
    text, used = fill_pulses(ans.text, values) if "With your values (" not in ans.text else (ans.text, [])
    if used:  # (an answer that already shows the call made with the question's values is left as it is)
        named = used[0] if len(used) == 1 else ", ".join(used[:-1]) + " and " + used[-1]
        ans.text = f"*The {named} in the code {'is' if len(used) == 1 else 'are'} yours.*\n\n" + text
    for ex in ans.code_examples if changed or used else []:
        ex["code"] = fill_pulses(fill_limits(ex["code"], values)[0], values)[0]
