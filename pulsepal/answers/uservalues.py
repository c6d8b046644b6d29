"""The user's values when the sequence they ask for has no template: none of them may silently disappear.

A template answer fills every value its parameters take and names the rest ("Not used by this template"). A
no-template answer used to drop them all: the TI, TR and matrix someone gave for an MPRAGE were nowhere in it. Here
each value is accounted for against the closest template's parameters block: which ones it takes (so asking for it
gives them filled in and built) and which ones it has no parameter for, so the user can see what was read and what
would still be theirs to add.
"""

from __future__ import annotations

from .builder import TEMPLATE_DIR, parameters
from .knowledge import Knowledge, describe
from .sequences import Kind, closest_templates, requested, title

_DERIVED = {"bandwidth": "readout_time", "dwell": "readout_time", "slice_thickness": "slab_thickness"}
_SILENT = {"b0", "bandwidth_total"}  # used by calculators, not by any template parameter


def taken_by(stem: str, values: dict[str, float]) -> int:
    """How many of the user's values a template has a parameter for."""
    names = set(parameters((TEMPLATE_DIR / f"{stem}.py").read_text(encoding="utf-8")))
    return sum(1 for k in values if k in names or _DERIVED.get(k) in names)


def closest_for(kind: Kind, prose: str, values: dict[str, float]) -> list[str]:
    """The closest templates, the one that takes most of the user's values first (a request for eight spin echoes
    per excitation with an echo-train length: the TSE template, which has that parameter, before the plain SE)."""
    stems = closest_templates(kind, prose)
    return sorted(stems, key=lambda s: -taken_by(s, values)) if values else stems


def for_missing_sequence(prose: str, values: dict[str, float]) -> list[str]:
    """One sentence that accounts for every value given, when the question asks for a sequence we have no template
    for; nothing otherwise (a template answer does this itself)."""
    kind = requested(prose)
    values = {k: v for k, v in values.items() if not k.startswith("wanted_") and k not in _SILENT}
    if kind is None or kind.template is not None or not values:
        return []
    closest = closest_for(kind, prose, values)
    everything = describe(Knowledge(values=values))
    if not closest:
        return [f"Your values ({everything}) are read, but with no template for a {kind.label} sequence there is "
                "nothing I can build them into."]
    stem = closest[0]
    names = set(parameters((TEMPLATE_DIR / f"{stem}.py").read_text(encoding="utf-8")))
    taken = {k: v for k, v in values.items() if k in names or _DERIVED.get(k) in names or
             (k in ("n_x", "n_y") and k in names)}
    rest = {k: v for k, v in values.items() if k not in taken}
    line = f"Your values for the {kind.label}: {everything}."
    left = describe(Knowledge(values=rest))
    if not taken:
        return [line + f" The closest template, {title(stem)}, has no parameter for any of them."]
    which = "all of them" if not left else f"all but {left}" if len(rest) < len(taken) else \
        describe(Knowledge(values=taken))
    line += (f" The closest template, {title(stem)}, takes {which}: ask for it with these values and it is filled "
             "in with them and built")
    return [line + (f"; {left} would be yours to add." if left else ".")]
