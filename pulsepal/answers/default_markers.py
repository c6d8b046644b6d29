"""What a "not given" default stands for: `dwell=0.0`, `rise_time=None`, MATLAB's `'maxGrad', 0` or `'riseTime', []`.

Many defaults in both toolboxes are markers, not values: the code replaces them (`if dwell == 0: dwell =
system.rf_raster_time`). Saying "the default rise time of mr.makeTrapezoid is 0 seconds" is then confidently wrong:
the ramp is not zero, it is the shortest the slew rate allows. So a marker default is stated with what the code puts
in its place. Most of these are read from pypulseq's own source (an `if` that tests the parameter against 0 or None
and assigns a system attribute to it, or copies it over one); the rest, which the source states in a way that
cannot be read mechanically (a computed ramp, a required pair, an error), are written out below from the source of
pypulseq 1.5.0 and of the MATLAB toolbox v1.5.1, each with the line it comes from.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from functools import lru_cache
from typing import Optional

MARKERS = frozenset({"None", "0", "0.0", "[]", "NaN", "''"})

# (entry key or "*", pypulseq parameter) -> what the marker stands for, read from the source by hand
_BY_HAND: dict[tuple[str, str], str] = {
    # make_trapezoid.py: rise_time = rise_time or fall_time; None -> calculate_shortest_rise_time / _params_for_area
    ("make_trapezoid", "rise_time"): "not given, the ramps are the shortest the maximum slew rate allows (on the "
                                     "gradient raster); a given `fall_time` is used for both",
    ("make_trapezoid", "fall_time"): "not given, the fall time equals the rise time",
    ("make_trapezoid", "duration"): "not given, the gradient is made as short as the limits allow (give one of "
                                    "area, flat area or amplitude)",
    ("make_trapezoid", "flat_time"): "not given, it follows from the duration, or the shortest one is used",
    ("make_trapezoid", "amplitude"): "not given, it is computed from the area (or flat area) and the timing",
    ("make_trapezoid", "area"): "not given; one of area, flat area or amplitude must be given",
    ("make_trapezoid", "flat_area"): "not given; one of area, flat area or amplitude must be given",
    # make_adc.py: (dwell == 0 and duration == 0) or (dwell > 0 and duration > 0) raises
    ("make_adc", "dwell"): "give either dwell or duration, not both: the other follows from the number of samples",
    ("make_adc", "duration"): "give either dwell or duration, not both: the other follows from the number of "
                              "samples",
    # make_block_pulse.py: duration None and bandwidth None -> 4e-3 with a warning
    ("make_block_pulse", "duration"): "with neither duration nor bandwidth given it uses **4 ms** (and warns); "
                                      "with a bandwidth, the duration follows from it",
    ("make_block_pulse", "bandwidth"): "not given, it follows from the duration",
    # make_gauss_pulse.py: if bandwidth == 0: bandwidth = time_bw_product / duration
    ("make_gauss_pulse", "bandwidth"): "not given, the bandwidth is `time_bw_product / duration`",
    # make_sinc_pulse.py, make_gauss_pulse.py, ...: gz is only made when slice_thickness is given
    ("*", "slice_thickness"): "not given: without one there is no slice-select gradient (asking "
                              "for it, `return_gz=True`, is then an error)",
    # make_extended_trapezoid.py: None -> np.zeros(1), then the times must hold a non-zero value
    ("make_extended_trapezoid", "times"): "not a usable default: the corner times are required (they must not all "
                                          "be 0)",
    ("make_extended_trapezoid", "amplitudes"): "not a usable default: the amplitudes are required, one per corner "
                                               "time",
    # make_adiabatic_pulse.py:235-253: passed on to make_trapezoid for the slice-select gradient (None: system's)
    ("make_adiabatic_pulse", "max_grad"): "not given, the system's `max_grad` is used for the slice-select gradient "
                                          "(40 mT/m by default)",
    ("make_adiabatic_pulse", "max_slew"): "not given, the system's `max_slew` is used for the slice-select gradient "
                                          "(170 T/m/s by default)",
    # make_arbitrary_rf.py:137 only a given center is stored; calc_rf_center.py:25-28 otherwise takes the peak
    ("make_arbitrary_rf", "center"): "not given, no centre is stored and `calc_rf_center` takes the peak of the "
                                     "amplitude",
    # calc_ramp.py: None -> np.zeros(0), then `max_grad <= 0` -> system.max_grad
    ("calc_ramp", "max_grad"): "not given, the system's `max_grad` is used (40 mT/m by default)",
    ("calc_ramp", "max_slew"): "not given, the system's `max_slew` is used (170 T/m/s by default)",
    # add_ramps.py: only `if max_grad > 0` overrides the system's
    ("add_ramps", "max_grad"): "not given, the system's `max_grad` (40 mT/m by default)",
    ("add_ramps", "max_slew"): "not given, the system's `max_slew` (170 T/m/s by default)",
    # opts.py: if rise_time is not None: max_slew = max_grad / rise_time (mr.opts: the same, lines 91-93)
    ("Opts", "rise_time"): "not set: ramps are timed by the maximum slew rate; a rise time given sets the slew "
                           "limit to `max_grad / rise_time`",
    # make_arbitrary_grad.py: first/last None -> extrapolated from the waveform's first/last samples
    ("make_arbitrary_grad", "first"): "not given, it is extrapolated from the first two samples of the waveform",
    ("make_arbitrary_grad", "last"): "not given, it is extrapolated from the last two samples of the waveform",
}
# MATLAB behaviour that differs from pypulseq's for the same parameter (v1.5.1 source)
_MATLAB: dict[tuple[str, str], str] = {
    # makeSincPulse.m:67 `if opt.duration<=0 error('rf pulse duration must be positive')`
    ("make_sinc_pulse", "duration"): "not a usable value: 'Duration' is required (the function stops with 'rf "
                                     "pulse duration must be positive'; pypulseq defaults to 4 ms)",
    # makeGaussPulse.m: the samples are round(duration/dwell): 0 gives an empty pulse
    ("make_gauss_pulse", "duration"): "not a usable value: 'Duration' is required (0 makes an empty pulse; "
                                      "pypulseq defaults to 4 ms)",
    # makeBlockPulse.m:58-64: duration from tbw/bandwidth or 1/(4*bandwidth), else an error
    ("make_block_pulse", "duration"): "not given, it follows from the bandwidth (`timeBwProduct / bandwidth`, or "
                                      "`1/(4*bandwidth)`); with neither given it stops with 'Either bandwidth or "
                                      "duration must be defined'",
    # makeAdc.m:54 the same pair rule as pypulseq
    ("make_adc", "dwell"): _BY_HAND[("make_adc", "dwell")],
    ("make_adc", "duration"): _BY_HAND[("make_adc", "duration")],
    # makeExtendedTrapezoid.m:45 `if all(opt.times == 0) error(...)`
    ("make_extended_trapezoid", "times"): "not a usable value: the corner times are required (the function stops "
                                          "when they are all 0)",
    ("make_extended_trapezoid", "amplitudes"): "not a usable value: the amplitudes are required, one per corner "
                                               "time",
    # makeTrapezoid.m:57-64: maxGrad/maxSlew/riseTime > 0 override the system's; riseTime 0 -> from maxSlew
    ("make_trapezoid", "rise_time"): "not given, the ramps are the shortest the maximum slew rate allows "
                                     "(on the gradient raster)",
    ("make_trapezoid", "fall_time"): "not given, the fall time equals the rise time",
}


def _system_value(attr: str) -> str:
    """The attribute's value in `pp.Opts()`, in the unit people say it in."""
    import pypulseq as pp

    o = pp.Opts()
    value = getattr(o, attr, None)
    if value is None:
        return ""
    if attr == "max_grad":
        return f"{value / o.gamma * 1e3:.0f} mT/m"
    if attr == "max_slew":
        return f"{value / o.gamma:.0f} T/m/s"
    if attr.endswith(("_time", "_raster")):
        return f"{value * 1e6:g} µs" if value >= 1e-6 else f"{value * 1e9:g} ns"
    return f"{value:g}"


def _is_marker_test(test: ast.expr, name: str) -> Optional[str]:
    """'unset' for `name == 0`, `name is None`, `name <= 0` (or an `or` of them); 'set' for `name > 0`."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        kinds = {_is_marker_test(v, name) for v in test.values}
        return "unset" if kinds == {"unset"} else None
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name)
            and test.left.id == name):
        return None
    right, op = test.comparators[0], test.ops[0]
    if not (isinstance(right, ast.Constant) and right.value in (0, None)):
        return None
    if isinstance(op, (ast.Eq, ast.Is, ast.LtE)):
        return "unset"
    return "set" if isinstance(op, ast.Gt) else None


def _system_attr(node: ast.expr) -> Optional[str]:
    """`system.X`, `Opts.default.X` or `Opts().X` -> X."""
    if isinstance(node, ast.Attribute):
        base = node.value
        if isinstance(base, ast.Name) and base.id in ("system", "sys"):
            return node.attr
        if isinstance(base, ast.Attribute) and base.attr == "default":
            return node.attr
        if isinstance(base, ast.Call) and getattr(base.func, "id", "") == "Opts":
            return node.attr
    return None


def _attr_floor(node: ast.If) -> Optional[tuple[str, str]]:
    """`if ev.duration <= system.X: ev.duration = system.X` -> (duration, X): the parameter is raised to X."""
    t = node.test
    if isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], (ast.LtE, ast.Lt)) and isinstance(
            t.left, ast.Attribute):
        attr = _system_attr(t.comparators[0])
        if attr is not None:
            return t.left.attr, attr
    return None


@lru_cache(maxsize=128)
def read_source(module: str, function: str, params: tuple[str, ...]) -> dict[str, str]:
    """{parameter: sentence} for the markers pypulseq's code replaces with a system attribute."""
    try:
        src = textwrap.dedent(inspect.getsource(getattr(importlib.import_module(module), function)))
        tree = ast.parse(src)
    except (ImportError, AttributeError, OSError, TypeError, SyntaxError):
        return {}
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.If):
            continue
        floor = _attr_floor(node)
        if floor is not None and floor[0] in params:
            value = _system_value(floor[1])
            out.setdefault(floor[0], f"a value at or below the system's `{floor[1]}` becomes one `{floor[1]}`"
                                     + (f" ({value} by default)" if value else ""))
            continue
        for name in params:
            kind = _is_marker_test(node.test, name)
            if kind is None:
                continue
            for stmt in node.body:
                if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
                    continue
                target, attr = stmt.targets[0], None
                if kind == "unset" and isinstance(target, ast.Name) and target.id == name:
                    attr = _system_attr(stmt.value)
                elif kind == "set" and isinstance(stmt.value, ast.Name) and stmt.value.id == name:
                    attr = _system_attr(target)
                if attr is not None:
                    value = _system_value(attr)
                    out.setdefault(name, f"not given, the system's `{attr}` is used"
                                         + (f" ({value} by default)" if value else ""))
    return out


def meaning(e, param: str, default: Optional[str], matlab: bool) -> Optional[str]:
    """What the default `default` of `param` (pypulseq spelling) of entry `e` stands for, when it is a marker the
    code replaces; None when it is a plain value (or we do not know what replaces it)."""
    if default is None or default.strip() not in MARKERS:
        return None
    if matlab and (e.key, param) in _MATLAB:
        return _MATLAB[(e.key, param)]
    found = _BY_HAND.get((e.key, param)) or _BY_HAND.get(("*", param))
    if found:
        return found
    if not e.python_name or e.kind in ("method", "class"):  # Opts: its own table of held values (property.py)
        return None
    return read_source(e.module, e.python_name, tuple(p.name for p in e.params)).get(param)
