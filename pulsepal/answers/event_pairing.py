"""A follow-up that brings in a second event and places it against the first: "now the ADC has to sit on the flat
part of that, how?" after a readout trapezoid; "and the adc for it?"; "the RF pulse should play during its plateau".

Why: the previous answer's "that" is the gradient, but what is asked for is the other event (its maker), and the
part users get wrong is the tie between the two: an ADC that covers a trapezoid's flat top lasts its flat time and
starts after its rise time (both events start at the block's start); a pulse played on a slice gradient's plateau
is delayed by the gradient's rise time. Both toolboxes spell these fields differently, so the line is written per
dialect. The rule fires only when the previous subject makes a gradient and the follow-up names the other event as
what it asks about.
"""

from __future__ import annotations

import re
from typing import Optional

# the first noun of the follow-up is the new event, and the rest places it against "that" / "it" / its flat top
_LEAD = r"^\W*(?:(?:and|ok(?:ay)?|so|then|now|but|also),?\s+)*(?:how (?:do|can|should) i (?:put|place|get|make|time|" \
        r"set up|add)\s+)?(?:the|an?|my)\s+"
_ADC = re.compile(_LEAD + r"(?:adc|acquisition|sampling window|readout adc)s?\b(?P<rest>.*)$", re.I)
_RF = re.compile(_LEAD + r"(?:rf(?: pulse)?|excitation(?: pulse)?|pulse)\b(?P<rest>.*)$", re.I)
_BACK = re.compile(r"\b(it|its|that|this|them|the gradient|the trapezoid|the readout|the lobe)\b|\bflat\b|"
                   r"\bplateau\b|\bfor it\b", re.I)
GRADIENT_MAKERS = frozenset({"make_trapezoid", "make_extended_trapezoid", "make_extended_trapezoid_area"})


def paired_subject(previous: Optional[str], prose: str) -> Optional[str]:
    """The maker of the event the follow-up brings in, when the previous subject made a gradient; else None."""
    if not previous or previous[4:] not in GRADIENT_MAKERS:
        return None
    for pattern, subject in ((_ADC, "api:make_adc"), (_RF, "api:make_block_pulse")):
        m = pattern.match(prose.strip())
        if m and _BACK.search(m.group("rest")):
            return subject
    return None


def pairing_line(subject: str, matlab: bool) -> Optional[str]:
    """How the new event is timed against the gradient just made (called `gx` / `gz`), in the dialect asked for."""
    if subject == "api:make_adc":
        code = ("adc = mr.makeAdc(Nx, 'Duration', gx.flatTime, 'Delay', gx.riseTime, 'system', sys);" if matlab else
                "adc = pp.make_adc(num_samples=Nx, duration=gx.flat_time, delay=gx.rise_time, system=system)")
        field = "`gx.flatTime`" if matlab else "`gx.flat_time`"
        rise = "`gx.riseTime`" if matlab else "`gx.rise_time`"
        return (f"**To sample on the flat top of the gradient (`gx`)**, make the ADC last its flat time ({field}) and "
                f"start after its rise time ({rise}); both start with the block, so add them together "
                f"(`{'seq.addBlock' if matlab else 'seq.add_block'}(gx, adc)`):\n\n"
                f"```{'matlab' if matlab else 'python'}\n{code}\n```")
    if subject == "api:make_block_pulse":
        code = ("rf = mr.makeBlockPulse(flip, 'Duration', 1e-3, 'Delay', gz.riseTime, 'system', sys);" if matlab else
                "rf = pp.make_block_pulse(flip_angle=flip, duration=1e-3, delay=gz.rise_time, system=system)")
        return ("**To play the pulse on the gradient's plateau (`gz`)**, delay it by the gradient's rise time and keep "
                "it within the flat time; add both in one block "
                f"(`{'seq.addBlock' if matlab else 'seq.add_block'}(rf, gz)`). A shaped slice-selective pulse makes "
                f"its own gradient instead (`{'mr.makeSincPulse' if matlab else 'pp.make_sinc_pulse'}` with a slice "
                "thickness):\n\n"
                f"```{'matlab' if matlab else 'python'}\n{code}\n```")
    return None
