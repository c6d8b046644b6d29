"""The unit of each parameter of either toolbox, by the toolboxes' conventions and the docstrings.

Both toolboxes work in SI: seconds, Hz, gradients in Hz/m and slew rates in Hz/m/s, RF amplitudes in Hz (γ·B1),
angles in radians, areas and k-space in 1/m, lengths in metres. A parameter's unit follows from its name (the
toolboxes name them consistently: every `*_time`, `duration`, `delay`, `dwell` is in seconds), else from its own
docstring ("Spectral resolution in (Hz)"). Checked against pypulseq 1.5.0's source where the name misleads:
`beta` of the hyperbolic-secant pulse is in rad/s (`cosh(beta * t)` with t in seconds), not a plain number.
"""

from __future__ import annotations

import re
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

