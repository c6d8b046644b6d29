"""The unit of each parameter of either toolbox, by the toolboxes' conventions and the docstrings.

Both toolboxes work in SI: seconds, Hz, gradients in Hz/m and slew rates in Hz/m/s, RF amplitudes in Hz (γ·B1),
angles in radians, areas and k-space in 1/m, lengths in metres. A parameter's unit follows from its name (the
toolboxes name them consistently: every `*_time`, `duration`, `delay`, `dwell` is in seconds), else from its own
docstring ("Spectral resolution in (Hz)"). Checked against pypulseq 1.5.0's source where the name misleads:
`beta` of the hyperbolic-secant pulse is in rad/s (`cosh(beta * t)` with t in seconds), not a plain number.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from .pulseq_api import ApiEntry
from .render_api import name_of
from .types import is_matlab

_SECONDS = r"(.*_)?(time|times|duration|delay|dwell|raster|width)|d|time_point|default_duration|offset_time"
_UNIT_OF: list[tuple[str, str]] = [  # parameter-name pattern -> unit, first match wins
    (r"flip_angle|phase_offset|angle", "radians"),
    (r"freq_ppm|phase_ppm", "ppm of the Larmor frequency"),
    (r"signal", "any scale: the shape is scaled to give `flip_angle` (in Hz, γ·B1, with `no_signal_scaling=True`)"),
    (r"freq_offset|bandwidth|max_frequency", "Hz"),
    (r"time_bw_product|apodization|center_pos|adiabaticity|n_fac|mu|factor|scale|frequency_oversampling",
     "no unit (dimensionless)"),
    (r"cutoff", "no unit (a fraction of the spectrum's peak)"),
    (r"beta", "rad/s (`beta · t` is dimensionless; `mu · beta` is the sweep amplitude in rad/s)"),
    (r"dw", "Hz"),
    (r"dt", "seconds"),
    (_SECONDS, "seconds"),
    (r"max_slew", "Hz/m/s"),
    (r"amplitude|amplitudes|max_grad|grad_start|grad_end|first|last|waveform|gradient_offset", "Hz/m"),
    (r"area|flat_area|k|k0|k_end", "1/m"),
    (r"slice_thickness|fov", "metres"),
    (r"b0", "tesla"),
    (r"gamma", "Hz/T"),
]


def unit_of(name: str, description: str = "", key: str = "", lang: str = "python") -> Optional[str]:
    """By the parameter's name (the toolboxes' conventions), else as its own docstring states it ("Spectral
    resolution in (Hz)", "Sampling time in (s)"). Only the system object converts a limit from the unit named
    beside it; every other function takes `max_grad` / `max_slew` in Hz/m and Hz/m/s as they are."""
    if key == "Opts" and name in _OPTS_UNITS:
        unit, py, ml = _OPTS_UNITS[name]
        return f"{unit} unless another unit is given in {ml if is_matlab(lang) else py}"
    low = name.lower()
    for pattern, unit in _UNIT_OF:
        if re.fullmatch(pattern, low):
            return unit
    m = _DESCRIBED_UNIT.search(description)
    if m is None:
        return None
    found = m.group(1) or m.group(2)
    return _SPELLED.get(found.lower(), found)


_OPTS_UNITS = {"max_grad": ("Hz/m", "`grad_unit`", "'gradUnit'"), "max_slew": ("Hz/m/s", "`slew_unit`", "'slewUnit'")}
_DESCRIBED_UNIT = re.compile(r"\((Hz/m/s|Hz/m|Hz|s|rad|radians|1/m|m|T|ppm|mT/m|T/m/s|degrees?)\)|\bin "
                             r"(seconds|radians|hertz|degrees|metres|meters|tesla)\b", re.I)
_SPELLED = {"s": "seconds", "rad": "radians", "m": "metres", "t": "tesla", "hertz": "Hz", "meters": "metres"}


def units_line(entry: ApiEntry, lang: str) -> str:
    """Each parameter with its unit, as the toolboxes' conventions and the docstrings state them."""
    seen: list[str] = []
    for p in entry.params:
        if p.kind in ("var_positional", "var_keyword") or p.name == "system":
            continue
        unit = unit_of(p.name, p.description, entry.key, lang)
        spelled = _spelled(p.name, entry, lang)
        if unit and spelled:
            if is_matlab(lang) and p.name == "signal":  # MATLAB always scales the shape to the flip angle
                unit = "any scale: the shape is always scaled to give the flip angle"
            seen.append(f"`{spelled}`: {unit}")
    name = name_of(entry, lang)
    if not seen:
        return (f"*`{name}` takes no physical quantities (its arguments are events or names); Pulseq's units "
                "are SI: seconds, Hz, Hz/m for gradients, radians for angles.*")
    return f"Units of `{name}` (Pulseq works in SI: seconds, Hz, Hz/m, radians):\n\n" + "\n".join(
        f"- {s}" for s in seen)


def _spelled(param: str, entry: ApiEntry, lang: str) -> Optional[str]:
    """The parameter as the dialect writes it: MATLAB's linked option (or the one of the same name); None when
    MATLAB has no such option, so that a MATLAB answer never offers a Python keyword."""
    if not is_matlab(lang):
        return param
    if entry.matlab is None:
        return param if entry.python_name is None else None
    linked = entry.matlab.matlab_for(param)
    if linked:
        return linked
    flat = param.replace("_", "").lower()
    for o in tuple(entry.matlab.options) + tuple(entry.matlab.args):
        if o.name.replace("_", "").lower() == flat:
            return o.name
    return None



# --- a parameter named without its function: "in pypulseq, what unit is the apodization in?" -------------------

_ASKED_AT = re.compile(r"\b(?:what|which|in what|in which)\s+units?\b|\bunits?\s+(?:is|are|do|does|of|for)\b|"
                       r"\b(?:what|which) is the default\b", re.I)


def asked_after(prose: str) -> int:
    """Where the quantity asked about starts: after "what unit (is/do I give) ..." or "what is the default", else 0.
    A question that describes a function first ("for the function that makes a trapezoid from an area ..., what
    unit is the max slew?") names other quantities in the description; the one asked for comes after the question
    words."""
    found = [m.end() for m in _ASKED_AT.finditer(prose)]
    return found[-1] if found else 0


@lru_cache(maxsize=1)
def _inventory() -> tuple[tuple[re.Pattern, str], ...]:
    """Every parameter name of either toolbox whose unit is the same wherever it occurs, with a pattern for how it
    is written: as the identifier (pypulseq or MATLAB spelling) or, for a long or compound name, in words."""
    from .pulseq_api import get_api

    units: dict[str, set[str]] = {}
    spellings: dict[str, set[str]] = {}
    for e in get_api().entries:
        for p in e.params:
            if p.kind not in ("keyword", "positional") or p.name == "system":
                continue
            unit = unit_of(p.name, p.description)
            if unit is not None and "`" in unit:  # said without a dialect's names, or not at all
                unit = unit.split(" (")[0]
            if unit is None or "`" in unit:
                continue
            units.setdefault(p.name, set()).add(unit)
            names = spellings.setdefault(p.name, {p.name})
            if e.matlab is not None and e.matlab.matlab_for(p.name):
                names.add(str(e.matlab.matlab_for(p.name)))
    out = []
    for name, found in units.items():
        if len(found) != 1 or len(name) < 2:
            continue
        forms = [re.escape(s) for s in spellings[name]]
        if "_" in name or len(name) >= 5:
            forms.append(r"[ _-]?".join(re.escape(w) for w in name.split("_")))
        out.append((re.compile(r"(?<![\w.])(?:" + "|".join(forms) + r")(?!\w)", re.I), next(iter(found))))
    return tuple(out)


def named_parameter_units(prose: str) -> list[tuple[int, int, str, str]]:
    """(start, end, as written, unit) of each parameter name the question holds, by the inventory."""
    found = []
    for pattern, unit in _inventory():
        for m in pattern.finditer(prose):
            found.append((m.start(), m.end(), m.group(0), unit))
    # a name inside a longer one does not count ("bandwidth" in "time_bw_product" never; "delay" in "trajectory
    # delay" does not)
    return [f for f in found if not any(g[0] <= f[0] and f[1] <= g[1] and g[1] - g[0] > f[1] - f[0] for g in found)]
