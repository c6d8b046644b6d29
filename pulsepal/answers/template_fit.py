"""The user's values a template cannot take as they are, each said in a sentence with the reason.

A template answer fills in every value its parameters block has a line for. The others used to be listed by their
internal names ("Not used by this template: flip_deg."), which reads as if nothing was asked: "make it 45 degrees"
after a spin echo looked ignored. Here each one gets what the sequence itself says about it: a spin echo's flip
angles are its 90/180 pair, an FID has no echo and no imaging gradients, and a balanced SSFP's echo sits at TR/2, so
a TE given for it is taken as TR = 2 x TE (computed here, before the build, so the template's own minimum-TR check
decides whether that TR can work).
"""

from __future__ import annotations

from typing import Optional

from .knowledge import Knowledge, describe
from .sequences import title

_SPIN_ECHOES = {"se_2d": "a 90° excitation and a 180° refocusing pulse",
                "tse_2d": "a 90° excitation and a train of 180° refocusing pulses",
                "ir_se_2d": "a 180° inversion, then a 90° excitation and a 180° refocusing pulse",
                "dwi_se_epi": "a 90° excitation and a 180° refocusing pulse between the diffusion gradients"}
_EXCITATION = {"python": "`flip_angle` of the excitation's `pp.make_sinc_pulse` call",
               "matlab": "flip angle (first argument) of the excitation's `mr.makeSincPulse` call"}
_IMAGING = ("fov", "n_x", "n_y", "n_z", "slice_thickness", "slab_thickness", "n_slices")


_BALANCED = ("bssfp_2d", "bssfp_3d")  # TE is TR / 2: the templates take no TE of their own


def implied(stem: str, values: dict[str, float]) -> dict[str, float]:
    """The values with what a template's physics makes of one it has no line for: in balanced SSFP the echo is at
    TR/2, so a TE with no TR of its own sets TR = 2 x TE."""
    if stem in _BALANCED and values.get("te", 0) > 0 and "tr" not in values:
        return {**values, "tr": float(f"{2 * values['te']:.12g}")}
    return values


def _one(key: str, value: float) -> str:
    said = describe(Knowledge(values={key: value}))
    return said[:1].upper() + said[1:]


def reasons(stem: str, ignored: list[str], values: dict[str, float], used: dict[str, float],
            adjusted: dict[str, tuple[float, float]], lang: str) -> list[str]:
    """One line for each value the template does not take as given (`ignored`), saying why and what it did."""
    dialect = "matlab" if lang in ("matlab", "octave") else "python"
    name = title(stem)
    lines: list[str] = []
    for key, label, unit in (("max_grad", "gradient amplitude", "mT/m"), ("max_slew", "slew rate", "T/m/s")):
        if "wanted_" + key in values and key in used:
            lines.append(f"- **The {label} you ask for, {values['wanted_' + key]:g} {unit}, is over your scanner's "
                         f"{used[key]:g} {unit} limit**, so it is not put into the template: the code is built with "
                         f"the limit, {used[key]:g} {unit}.")
    if "te" in values and stem in _BALANCED:
        lines.append(_bssfp_te(values, used, adjusted))
    if "flip_deg" in ignored and stem in _SPIN_ECHOES:
        lines.append(f"- **Flip {values['flip_deg']:g}° is not taken**: the {name} template's flip angles are "
                     f"fixed, {_SPIN_ECHOES[stem]}. The echo is formed by that pair (a refocusing pulse below 180° "
                     "loses signal and mixes in stimulated echoes), so the template has no flip-angle parameter; to "
                     f"excite with a smaller angle, change the {_EXCITATION[dialect]} yourself.")
    if "te" in ignored and stem == "fid":
        lines.append(f"- **{_one('te', values['te'])} is not taken**: an FID has no echo, so there is no TE to "
                     "set (the ADC starts right after the pulse and its dead times). For an echo at a chosen TE use "
                     "the spin-echo or gradient-echo template.")
    imaging = [k for k in _IMAGING if k in ignored]
    if imaging and stem == "fid":
        shown = [_one(k, values[k]) for k in imaging if not (k in ("n_y", "n_z") and "n_x" in imaging)]
        verb, samples = ("is" if len(shown) == 1 else "are"), ("nSamples" if dialect == "matlab" else "n_samples")
        lines.append(f"- **{', '.join(shown)} {verb} not taken**: the FID template plays a non-selective hard pulse "
                     "with no imaging "
                     f"gradients, so it has no field of view, matrix or slice (its `{samples}` is the number of ADC "
                     "samples of the one readout).")
    done = {"flip_deg"} if stem in _SPIN_ECHOES else set()
    done |= {"te"} if stem == "fid" or stem in _BALANCED else set()
    done |= set(_IMAGING) if stem == "fid" else set()
    rest = [k for k in ignored if k not in done and k in values and not (k in ("n_y", "n_z") and "n_x" in ignored)]
    for key in rest:
        lines.append(f"- **{_one(key, values[key])} is not taken**: the {name} template has no parameter for it.")
    return lines


def _bssfp_te(values: dict[str, float], used: dict[str, float], adjusted: dict[str, tuple[float, float]]) -> str:
    te = values["te"]
    tr: Optional[float] = used.get("tr")
    if "tr" in adjusted and tr is not None:
        return (f"- **TE {te * 1e3:g} ms**: in balanced SSFP the echo is at TR/2, so TE {te * 1e3:g} ms needs TR = 2 x "
                f"TE = {2 * te * 1e3:g} ms, shorter than this readout allows; the code uses the shortest TR, "
                f"{tr * 1e3:.2f} ms, which puts the echo at TE = {tr / 2 * 1e3:.2f} ms.")
    if tr is not None and abs(tr - 2 * te) > 1e-6:
        return (f"- **TE {te * 1e3:g} ms is not taken as given**: in balanced SSFP the echo is at TR/2, and you also "
                f"gave TR {tr * 1e3:g} ms, so the echo is at TE = {tr / 2 * 1e3:g} ms. For TE {te * 1e3:g} ms set "
                f"TR = 2 x TE = {2 * te * 1e3:g} ms.")
    return (f"- **TE {te * 1e3:g} ms**: in balanced SSFP the echo is at TR/2, so the template has no TE of its own; "
            f"the code sets TR = 2 x TE = {2 * te * 1e3:g} ms.")
