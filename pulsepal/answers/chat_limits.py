"""Scanner limits stated in the first message of a chat, kept for the whole chat like the settings panel's.

"My scanner: 30 mT/m, 120 T/m/s, RF dead time 100 us. How do I make a spoiler?" sets the limits once; three
questions later "and at 80% of the max grad?" or "is a TR of 4 ms possible?" should use them. A follow-up only
carries the values of the question just before it (followups.carried_values), so limits said at the start were lost
after one turn. Here they are read from the first user message and put beside the settings panel's text (which
wins where it gives the same limit), and the answer says where they came from.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Optional

from .intent import Intent
from .knowledge import parse
from .types import Answer, AnswerRequest

# (key, how the knowledge text writes it, scale, unit)
_LIMITS = (("max_grad", "max grad", 1.0, "mT/m"), ("max_slew", "max slew", 1.0, "T/m/s"),
           ("rf_dead_time", "rf dead time", 1e6, "us"), ("rf_ringdown_time", "rf ringdown", 1e6, "us"),
           ("adc_dead_time", "adc dead time", 1e6, "us"), ("grad_raster", "gradient raster", 1e6, "us"))
# a message that states the scanner's limits: there a value's unit alone names one ("30 mT/m, 120 T/m/s")
_STATES_LIMITS = re.compile(r"\b(limits?|scanner|system|hardware|specs?|gradients? (?:can|do|does|are))\b", re.I)
# where the limits show in an answer: a system object, a filled template, numbers worked out
_USES_LIMITS = re.compile(r"\b(pp\.Opts|mr\.opts)\(|\*\*With your numbers:\*\*|### Template:")


def first_limits(history: list[dict], settings: Optional[str]) -> list[str]:
    """The first user message's scanner limits as knowledge lines ("max grad 30 mT/m"), those the settings panel
    already gives left out; empty when the chat has no earlier message or it states none."""
    first = next((m.get("content") or "" for m in history or [] if m.get("role") == "user"), "")
    if not first:
        return []
    text = re.sub(r"```.*?```", " ", first, flags=re.S)
    read = parse(text, settings_text=bool(_STATES_LIMITS.search(text))).values
    panel = parse(settings, settings_text=True).values if settings else {}
    return [f"{said} {read[key] * scale:.6g} {unit}" for key, said, scale, unit in _LIMITS
            if key in read and key not in panel]


def answered(responder: Any, req: AnswerRequest, intent: Intent) -> Optional[Answer]:
    """The answer with the first message's limits as the scanner's, said on top when they are used in it (a system
    object, a template, computed numbers); None when the chat's first message states no limits. An answer that uses
    none of them is what the question gets without them, so it is returned as it is rather than built again."""
    if not req.history or intent.action != "ask":
        return None
    limits = first_limits(req.history, req.sequence_knowledge)
    if not limits:
        return None
    knowledge = "\n".join(x for x in ((req.sequence_knowledge or "").strip(), *limits) if x)
    ans = responder._answer(dataclasses.replace(req, sequence_knowledge=knowledge), intent)
    if not _USES_LIMITS.search(ans.text):
        return ans
    ans.text = f"*With the scanner limits from your first message: {', '.join(limits)}.*\n\n" + ans.text
    ans.route = "chat_limits"
    return ans
