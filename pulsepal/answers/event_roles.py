"""How a sequence-level analysis tells RF pulses apart: by the role recorded on the pulse (`use`), never by its
flip angle.

Why: "does it need my refocusing pulses marked?", "my 20-degree refocusers break the trajectory", "why are my
inversions counted as excitations?" are questions about the k-space calculation (and the RF timing it rests on)
that its reference page does not answer: the page lists `t_refocusing` as an output without saying where it comes
from. In pypulseq 1.5 (`Sequence.rf_times`) and the MATLAB toolbox alike, a pulse whose use is `'refocusing'`
flips the trajectory, and any other pulse without a recorded use counts as an excitation and sends k-space back to
its centre; a low-flip refocuser therefore has to carry the role explicitly.
"""

from __future__ import annotations

import re
from typing import Optional

# the functions whose result depends on the pulses' recorded role
_ANALYSES = frozenset({"seq.calculate_kspace", "seq.calculate_kspacePP", "seq.rf_times", "seq.calculateKspacePP",
                       "seq.calculate_kspace_pp"})
# the question is about that role: a kind of pulse, or marking / flagging / labelling one
_ROLE_WORDS = re.compile(r"\b(refocus\w*|excitation|excit\w*|inversion|saturation|mark\w*|flag\w*|tag\w*|"
                         r"labell?\w*|role|kind of pulse|type of pulse|low[- ]flip|vfa)\b", re.I)


def role_note(key: str, prose: str, matlab: bool) -> Optional[str]:
    """One paragraph on how the analysis `key` classifies RF pulses, when the question is about that; else None."""
    if key not in _ANALYSES or not _ROLE_WORDS.search(prose):
        return None
    if matlab:
        how = ("`'use', 'refocusing'` in `mr.makeSincPulse` / `mr.makeBlockPulse` / `mr.makeArbitraryRf` ... "
               "(the allowed values: `mr.getSupportedRfUse`)")
    else:
        how = ("`use='refocusing'` in `pp.make_sinc_pulse` / `pp.make_block_pulse` / `pp.make_arbitrary_rf` ... "
               "(allowed: 'excitation', 'refocusing', 'inversion', 'saturation', 'preparation', 'other')")
    return ("**The pulses' roles come from their recorded `use`, not from their flip angle**: the k-space "
            "calculation classifies each RF pulse by it. Only a pulse with use `'refocusing'` mirrors the "
            "trajectory (and is listed in `t_refocusing`); a pulse with no use (or `'excitation'`/`'undefined'`) "
            "counts as an excitation and sends k-space back to the centre, so a low-flip refocuser (20 degrees, say) "
            f"left unmarked breaks the trajectory. Mark it when you make the pulse: {how}.")
