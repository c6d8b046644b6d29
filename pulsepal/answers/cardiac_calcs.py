"""How many cardiac phases (time frames of the heartbeat) a gated scan gives, from the user's own words: the
window after each R-wave ("trigger window 1.52 s", "RR 857 ms", "70 bpm") over the time one phase takes (its TRs
times the TR: "(8 TRs)", "two k-space lines with four flow encodings each", "8 TRs per phase").

Why: gated cine and 4D-flow scripts compute this count themselves (a floor of the window over the phase's
duration) and users ask it of a protocol; the count is a floor because a phase that does not fit in the window is
not acquired.
"""

from __future__ import annotations

import math
import re
from typing import Optional

from .toolbox_values import NUMBER as _NUM
from .toolbox_values import SECONDS_PER

_ASKS = re.compile(r"\bhow many\b.{0,40}\b(cardiac|heart|cine)?\s*(phases|frames|time frames|time points)\b|"
                   r"\b(number of|count of)\s+(cardiac |heart )?(phases|frames)\b", re.I)
_WINDOW = re.compile(r"\b(?:trigger(?:ing)?|acquisition|acquire|gating|cardiac)\s+window\s*(?:of|=|:|is)?\s*" + _NUM +
                     r"\s*(s|ms)\b|\b(?:rr|r-r|rr interval|r-r interval|heartbeat|cardiac cycle)\s*(?:of|=|:|is)?\s*" +
                     _NUM + r"\s*(s|ms)\b", re.I)
_BPM = re.compile(_NUM + r"\s*(?:bpm|beats per minute|beats/min)\b", re.I)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "ten": 10,
          "twelve": 12, "sixteen": 16}
_COUNT = r"(\d+|" + "|".join(_WORDS) + r")"
_TRS_PER = re.compile(r"\(\s*" + _COUNT + r"\s+trs?\s*\)|\b" + _COUNT + r"\s+trs?\s+(?:per|each|for each|in each|a)\s+"
                      r"(?:cardiac\s+|heart\s+)?(?:phase|frame)\b", re.I)
_LINES_TIMES = re.compile(r"\b(?:phase|frame)\b[^.;]{0,30}?\b" + _COUNT + r"\s+(?:k-?space\s+)?(?:lines?|views?)\b"
                          r"[^.;]{0,20}?\bwith\s+" + _COUNT + r"\s+(?:flow\s+|velocity\s+)?encod\w*\s+each\b", re.I)


def _count(word: str) -> int:
    return _WORDS.get(word.lower()) or int(word)


def _window(text: str) -> Optional[tuple[float, str]]:
    m = _WINDOW.search(text)
    if m:
        value, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        seconds = float(value) * SECONDS_PER[unit.lower()]
        return seconds, f"the {seconds * 1e3:g} ms window"
    b = _BPM.search(text)
    if b and float(b.group(1)) > 0:
        seconds = 60 / float(b.group(1))
        return seconds, f"the RR interval at {b.group(1)} bpm (60/{b.group(1)} = {seconds * 1e3:.4g} ms)"
    return None


def _trs_per_phase(text: str) -> Optional[tuple[int, str]]:
    m = _TRS_PER.search(text)
    if m:
        n = _count(m.group(1) or m.group(2))
        return n, f"{n} TRs"
    lt = _LINES_TIMES.search(text)
    if lt:
        lines, enc = _count(lt.group(1)), _count(lt.group(2))
        return lines * enc, f"{lines} lines × {enc} encodings = {lines * enc} TRs"
    return None


def phases(values: dict[str, float], prose: str, settings: str = "") -> list[str]:
    """floor(window / (TRs per phase × TR)) when the question asks for the count and the words give all three."""
    if not _ASKS.search(prose) and not re.search(r"\b(phases|frames)\b.{0,30}\b(heart|cardiac|r-?wave)", prose, re.I):
        return []
    text = f"{settings}\n{prose}"
    window, per, tr = _window(text), _trs_per_phase(text), values.get("tr")
    if window is None or per is None or not tr:
        return []
    seconds, said = window
    delay = re.search(r"\btrigger[- ]delay\s*(?:of|=|:|is)?\s*" + _NUM + r"\s*(ms|s)\b", text, re.I)
    if delay:  # the wait after the R-wave comes off the window
        wait = float(delay.group(1)) * SECONDS_PER[delay.group(2).lower()]
        seconds -= wait
        said += f" minus the {wait * 1e3:g} ms trigger delay"
    phase = per[0] * tr
    n = math.floor(seconds / phase + 1e-9)
    return [f"One cardiac phase takes {per[1]} × TR {tr * 1e3:g} ms = {phase * 1e3:.4g} ms; {said} holds "
            f"floor({seconds * 1e3:.4g} / {phase * 1e3:.4g}) = **{n} cardiac phases** (a phase that does not fit "
            "is not acquired)."]
