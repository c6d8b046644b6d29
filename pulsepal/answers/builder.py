"""Fill a template with the user's values and build it with pypulseq before answering.

Every template starts with a parameters block (`name = value  # unit`, one per line). The user's sequence knowledge
replaces those values; the Python template is then run in-process with pypulseq. It either builds and its
`check_timing` result is reported, or it raises because a value cannot work; the templates compute the smallest
value that does (`min_te`, `min_tr`, `min_ti`, `min_readout_time`), so the answer names the computed minimum and
shows the template rebuilt with it, instead of guessing.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .event_words import FLAGS as EVENT_FLAGS
from .knowledge import Knowledge
from .template_fit import implied

TEMPLATE_DIR = Path(__file__).parent / "templates"
_BLOCK = re.compile(r"^([%#] --- parameters ---\n)(.*?)(^[%#] --- end of parameters ---)", re.M | re.S)
MATLAB_NAMES = {"fov": "fov", "n_x": "Nx", "n_y": "Ny", "n_z": "Nz", "slice_thickness": "sliceThickness",
                "slab_thickness": "slabThickness", "te": "TE", "tr": "TR", "ti": "TI", "flip_deg": "flipDeg",
                "readout_time": "readoutTime", "max_grad": "maxGrad", "max_slew": "maxSlew",
                "rf_dead_time": "rfDeadTime", "rf_ringdown_time": "rfRingdownTime", "adc_dead_time": "adcDeadTime",
                "n_echoes": "nEchoes", "n_slices": "nSlices", "dwell": "dwell", "b_value": "bValue",
                "n_samples": "nSamples", "pulse_duration": "pulseDuration", "n_repetitions": "nRepetitions"}
_INTEGERS = {"n_x", "n_y", "n_z", "n_echoes", "n_slices", "n_dummies", "b_value", "n_samples", "n_repetitions",
             "adc_samples_limit"}
_SCALED = {"te", "tr", "ti", "readout_time", "fov", "slice_thickness", "slab_thickness"}  # written as "<x>e-3"
_MICRO = {"rf_dead_time", "rf_ringdown_time", "adc_dead_time", "dwell", "pulse_duration", "grad_raster",
          "rf_raster_time", "adc_raster_time", "block_duration_raster"}  # written as "<x>e-6"
_LABELS = {"te": "TE", "tr": "TR", "ti": "TI", "readout_time": "the readout time", "flip_deg": "the flip angle",
           "b_value": "the b-value"}


@dataclass
class Build:
    ok: bool  # built without an error
    timing_ok: bool = False
    report: str = ""  # check_timing's problems, if any
    error: str = ""
    minimums: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class Filled:
    stem: str
    python: str
    matlab: str
    used: dict[str, float]  # template parameter -> value taken from the knowledge
    adjusted: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> (asked, used instead)
    build: Optional[Build] = None
    ignored: list[str] = field(default_factory=list)  # knowledge values this template has no parameter for
    series: dict[str, list[float]] = field(default_factory=dict)  # several values given for one parameter


def parameters(source: str) -> dict[str, str]:
    """The parameter names of a template and their values as written."""
    m = _BLOCK.search(source)
    if not m:
        return {}
    out = {}
    for line in m.group(2).splitlines():
        pm = re.match(r"^\s*(\w+)\s*=\s*([^;#%]+?)\s*;?\s*(?:[#%].*)?$", line)
        if pm:
            out[pm.group(1)] = pm.group(2)
    return out


def _format(name: str, value: float) -> str:
    if name in _INTEGERS or (name == "flip_deg" and float(value).is_integer()):
        return str(int(round(value)))
    if name in _SCALED and value != 0:
        return f"{value * 1e3:.6g}e-3"
    if name == "gamma":  # Hz/T, as MHz/T times 1e6: 10.708e6 for carbon
        return f"{value / 1e6:.6g}e6"
    if name in _MICRO and value != 0:
        return f"{value * 1e6:.6g}e-6"
    return f"{value:.6g}"


def fill(source: str, values: dict[str, float], matlab: bool) -> str:
    m = _BLOCK.search(source)
    if not m:
        return source
    body = m.group(2)
    for name, value in values.items():
        var = MATLAB_NAMES.get(name, name) if matlab else name
        text = _format(name, value)
        body = re.sub(rf"^(\s*{re.escape(var)}\s*=\s*)([^;#%\n]+?)(\s*;?\s*(?:[#%].*)?)$",
                      lambda mm, text=text: mm.group(1) + text + mm.group(3), body, count=1, flags=re.M)
    return source[:m.start(2)] + body + source[m.end(2):]


def _template_values(stem: str, knowledge: Knowledge, names: set[str]) -> tuple[dict[str, float], list[str]]:
    v = dict(knowledge.values)
    if "bandwidth" in v and v["bandwidth"] > 0:
        if "readout_time" in names and "readout_time" not in v:
            v["readout_time"] = 1 / v["bandwidth"]
        if "dwell" in names and "dwell" not in v:
            v["dwell"] = 1 / (v["bandwidth"] * v.get("n_x", 64))
    if "dwell" in v and "readout_time" in names and "readout_time" not in v:
        v["readout_time"] = v["dwell"] * v.get("n_x", 64)
    if "slab_thickness" in names and "slice_thickness" in v and "slab_thickness" not in v:
        v["slab_thickness"] = v.pop("slice_thickness")
    v = implied(stem, v)  # a value the sequence's physics turns into one of its parameters (bSSFP: TR = 2 x TE)
    used = {k: x for k, x in v.items() if k in names}
    ignored = [k for k in knowledge.values if k not in used and k not in ("bandwidth", "dwell", "b0",
                                                                          "bandwidth_total", "n_ti", *EVENT_FLAGS)
               and not k.startswith("wanted_")]  # a limit asked for above the scanner's is judged, not used
    return used, ignored


def run_python(source: str) -> Build:
    """Run a filled Python template in-process (it builds the sequence but does not write it: it is not __main__)."""
    namespace: dict = {"__name__": "pulsepal_build"}
    out = io.StringIO()
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(source, "<template>", "exec"), namespace)  # noqa: S102 - our own template file
    except Exception as exc:  # noqa: BLE001 - whatever pypulseq raises is the user's answer
        mins = {k: float(namespace[k]) for k in ("min_te", "min_tr", "min_ti", "min_readout_time")
                if isinstance(namespace.get(k), (int, float)) and math.isfinite(float(namespace[k]))}
        return Build(False, error=str(exc).split("\n")[0], minimums=mins, seconds=time.perf_counter() - start)
    ok = bool(namespace.get("ok"))
    errors = namespace.get("errors")
    mins = {k: float(namespace[k]) for k in ("min_te", "min_tr", "min_ti", "min_readout_time")
            if isinstance(namespace.get(k), (int, float))}
    report = "" if ok else "".join(str(e) for e in (errors or []))[:600]
    return Build(True, timing_ok=ok, report=report, minimums=mins, seconds=time.perf_counter() - start)


def _failed_parameter(error: str) -> Optional[str]:
    m = re.match(r"(TE|TR|TI|readout_time)\b", error)
    if not m:
        return None
    return {"TE": "te", "TR": "tr", "TI": "ti", "readout_time": "readout_time"}[m.group(1)]


def _round_up(name: str, value: float) -> float:
    step = 1e-5 if name == "readout_time" else 1e-4  # 10 µs for the readout, 0.1 ms for TE/TR/TI
    return (math.floor(value / step + 1e-9) + 1) * step  # strictly above: the minimum itself may round below


def prepare(stem: str, knowledge: Knowledge, build: bool = True) -> Filled:
    """The template with the user's values; with build=True, built with pypulseq, and when a value cannot work,
    rebuilt with the computed minimum for it (up to three times: a longer TE can raise the minimum TR). The same
    values in a later turn reuse the build: a 256-line sequence takes about a second."""
    key = (stem, tuple(sorted(knowledge.values.items())), tuple(sorted((k, tuple(v)) for k, v in
                                                                        knowledge.series.items())), build)
    if key not in _BUILT:
        if len(_BUILT) >= 32:
            _BUILT.pop(next(iter(_BUILT)))
        _BUILT[key] = _prepare(stem, knowledge, build)
    return _BUILT[key]


_BUILT: dict[tuple, Filled] = {}


def _prepare(stem: str, knowledge: Knowledge, build: bool) -> Filled:
    py_src = (TEMPLATE_DIR / f"{stem}.py").read_text(encoding="utf-8")
    m_src = (TEMPLATE_DIR / f"{stem}.m").read_text(encoding="utf-8")
    names = set(parameters(py_src))
    values, ignored = _template_values(stem, knowledge, names)
    filled = Filled(stem, fill(py_src, values, False), fill(m_src, values, True), values, ignored=ignored,
                    series={k: v for k, v in knowledge.series.items() if len(v) > 1})
    if not build:
        return filled
    result = run_python(filled.python)
    for _ in range(3):
        name = _failed_parameter(result.error) if not result.ok else None
        minimum = result.minimums.get("min_" + name) if name else None
        if name is None or minimum is None:
            break
        asked = values.get(name, float("nan"))
        new = _round_up(name, minimum)
        filled.adjusted[name] = (filled.adjusted.get(name, (asked, new))[0], new)
        values[name] = new
        filled.python, filled.matlab = fill(py_src, values, False), fill(m_src, values, True)
        result = run_python(filled.python)
    filled.build = result
    return filled


def summary(filled: Filled, matlab: bool) -> list[str]:
    """What the build showed, in sentences."""
    lines: list[str] = []
    b = filled.build
    for name, several in filled.series.items():
        scale, unit = (1e3, " ms") if name in ("te", "tr", "ti") else (1, "°" if name == "flip_deg" else "")
        var = MATLAB_NAMES.get(name, name) if matlab else name
        shown = ", ".join(f"{x * scale:g}" for x in several) + unit
        if name in filled.used:
            lines.append(f"- You gave several values of {_LABELS.get(name, var)}: {shown}. One scan takes one; the "
                         f"code is filled with {filled.used[name] * scale:g}{unit}: change `{var}` for each of the "
                         "others (one .seq file per value) or loop over them.")
        else:
            lines.append(f"- You gave several values of {_LABELS.get(name, var)} ({shown}); this template has no "
                         f"`{var}` parameter.")
    for name, (asked, new) in filled.adjusted.items():
        label = _LABELS.get(name, name)
        asked_txt = f"{asked * 1e3:.2f} ms" if math.isfinite(asked) else "the template's value"
        lines.append(f"- **{label} {asked_txt} cannot work** with these gradients: the minimum, computed by building "
                     f"the sequence, is {new * 1e3:.2f} ms, so the code below uses that.")
    if b is None:
        return lines
    if not b.ok:
        lines.append(f"- Building it with pypulseq failed: {b.error}")
        return lines
    twin = " (the Python twin of this MATLAB code)" if matlab else ""
    verdict = "**passed**" if b.timing_ok else "**failed**"
    lines.append(f"- Built with pypulseq on your values{twin} in {b.seconds:.2f} s: `check_timing` {verdict}.")
    if b.report:
        lines.append(f"  Timing problems: {b.report}")
    mins = [f"{_LABELS.get(k[4:], k[4:])} ≥ {_ms(v)} ms" for k, v in b.minimums.items() if k != "min_readout_time"]
    if mins:
        lines.append("- With these gradients: " + ", ".join(mins) + ".")
    return lines


def _ms(seconds: float) -> str:
    """A minimum in ms to two decimals, without trailing zeros (2.4, not 2.40: the figure as people write it)."""
    return f"{seconds * 1e3:.2f}".rstrip("0").rstrip(".")


_LIMITS = {"max_grad": ("max_grad", "MaxGrad"), "max_slew": ("max_slew", "MaxSlew"),
           "rf_dead_time": ("rf_dead_time", "rfDeadTime"), "rf_ringdown_time": ("rf_ringdown_time", "rfRingdownTime"),
           "adc_dead_time": ("adc_dead_time", "adcDeadTime"), "b0": ("B0", "B0"), "gamma": ("gamma", "gamma"),
           "grad_raster": ("grad_raster_time", "gradRasterTime"), "rf_raster_time": ("rf_raster_time",
                                                                                         "rfRasterTime"),
           "adc_raster_time": ("adc_raster_time", "adcRasterTime"),
           "block_duration_raster": ("block_duration_raster", "blockDurationRaster"),
           "adc_samples_limit": ("adc_samples_limit", "adcSamplesLimit")}


def fill_limits(text: str, values: dict[str, float]) -> tuple[str, bool]:
    """The scanner limits the user gave, put into every `pp.Opts(...)` / `mr.opts(...)` call of an example."""
    changed = False
    for key, (py, ml) in _LIMITS.items():
        if key not in values:
            continue
        value = _format(key, values[key]).replace("\\", "")
        new = re.sub(rf"(\b{py}\s*=\s*)[-+\d.eE]+", rf"\g<1>{value}", text)
        new = re.sub(rf"('{ml}'\s*,\s*)[-+\d.eE]+", rf"\g<1>{value}", new, flags=re.I)
        changed = changed or new != text
        text = new

    def add_missing(m: re.Match) -> str:  # a limit the example leaves at its default (B0) is added to the call
        args, matlab = m.group(2), m.group(1).startswith("mr.")
        extra = [f"'{ml}', {_format(k, values[k])}" if matlab else f"{py}={_format(k, values[k])}"
                 for k, (py, ml) in _LIMITS.items() if k in values and not re.search(
                     rf"'{ml}'|\b{py}\s*=", args, re.I)]
        return m.group(1) + args + "".join(", " + x for x in extra) + ")" if extra and args.strip() else m.group(0)

    new = re.sub(r"(\b(?:pp\.Opts|mr\.opts)\()([^()]*)\)", add_missing, text)  # a call over several lines too
    return new, changed or new != text
