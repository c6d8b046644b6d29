"""Variants of a sequence we have a template for that the template does not implement ("readout-segmented EPI",
"stack-of-stars FLASH", "a 3D cones gradient echo"): the template is then the closest starting point, and the answer
says so instead of passing the plain template off as the variant (issue 10, failure class 5).

Apart from sequences.py, which says what each kind is, because this list grows with every trajectory and
preparation users ask for and has no other reader than the request answers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from .sequences import Kind

# Variants of a sequence we have a template for, that the template does not implement: "readout-segmented EPI",
# "stack-of-stars FLASH", "3D TSE". The template is then the closest starting point, and the answer says so
# instead of passing the plain template off as the variant (issue 10, failure class 5).
_VARIANTS: tuple[tuple[str, str], ...] = (
    (r"\bgolden[- ]?angle", "golden-angle ordering"),
    (r"\bstack[- ]of[- ]stars\b", "stack-of-stars"),
    # non-Cartesian readouts: every template reads Cartesian lines (EPI's zig-zag included)
    (r"\bseiffert\b", "Seiffert-spiral trajectory"),
    (r"\bcones?\b", "3D cones trajectory"),
    (r"\bspirals?\b", "spiral readout"),
    (r"\brosettes?\b", "rosette trajectory"),
    (r"\bradial\b|\bkoosh[- ]?ball\b|\bprojection reconstruction\b", "radial readout"),
    (r"\bpropeller\b|\bblade\b", "PROPELLER/BLADE"),
    (r"\bfloret\b|\btpi\b|\btwisted projection\w*|\byarn[- ]?ball\b|\bconcentric rings?\b",
     "non-Cartesian 3D trajectory"),
    (r"\breadout[- ]segmented\b|\bresolve\b|\brs[- ]?epi\b", "readout-segmented"),
    (r"\bmulti[- ]?shot\b|\bsegmented\b", "multi-shot (segmented)"),
    (r"\b(partial|half)[- ]fourier\b|\bhomodyne\b", "partial Fourier"),
    (r"\bnavigators?\b", "navigator"),
    (r"\b(?:prospective )?motion[- ]correct\w*|\bpmc\b|\bprospective\b", "prospective motion correction"),
    (r"\bflow[- ]compensat\w*", "flow compensation"),
    (r"\b(?:wave[- ])?caipi\w*", "CAIPI"),
    (r"\bvariable[- ]density\b|\bcompressed[- ]sensing\b", "variable-density / compressed-sensing sampling"),
    # preparations and echoes no template has: none carries a fat-sat, T2-prep, MT or second inversion module
    (r"\bfat[- ]?(sat\w*|suppress\w*)|\bwater[- ]excitation|\bspair\b", "fat-suppressed"),
    (r"\bt2[- ]?prep\w*", "T2-prepared"),
    (r"\bmagneti[sz]ation[- ]transfer|\bmt[- ]prep\w*", "magnetisation-transfer"),
    (r"\bdouble[- ]inversion|\bdir\b", "double-inversion"),
    (r"\bblack[- ]blood\b", "black-blood"),
    (r"\b(dual|double|two|multiple)[- ]echo(es)?\b|\b(b0|field)[- ]?map\w*", "dual-echo"),
    (r"\bouter[- ]volume suppression|\bzoomed\b|\breduced[- ]fov\b", "reduced field of view"),
    # echo-train and transmit variants: low-flip "burst" trains, variable refocusing flip angles, several transmit
    # channels (Pulseq drives one RF channel: pTx / RF shimming is not in any template, nor in Pulseq itself)
    (r"\bburst\b", "burst"),
    # every imaging template excites with a shaped (sinc) pulse; a tabletop or low-field console often uses hard ones
    (r"\b(hard|block|rectangular) (rf )?pulses\b|\bwith (a )?(hard|block) (90|180|excitation|refocusing)\b",
     "hard (block) pulses"),
    # a console's receiver needs: an oversampled ADC with extra samples either side for its decimation filter
    (r"\boversampl\w*.{0,60}\b(decimat\w*|dummy samples|extra (samples|points))\b|\bdecimation filter\b",
     "oversampled ADC with extra samples for the decimation filter"),
    # the gradients of one axis glued into one waveform (extended trapezoids), where the templates play lobes
    (r"\bmerged\b.{0,40}\b(single|one) (continuous )?waveforms?\b|\b(merged|combined|joined) into (single|one) "
     r"(continuous )?waveforms?\b", "merged (extended-trapezoid) gradient waveforms"),
    (r"\bramp[- ]?sampl\w*|\bsampl\w* on the ramps?\b", "ramp sampling"),
    (r"\bcentric\b|\bcent(er|re)[- ]out (order\w*|encod\w*|k-?space)", "centric ordering"),
    (r"\bverse\b", "VERSE pulses"),
    (r"\bvariable[- ]flip[- ]angle refocus\w*|\bvfa (tse|fse|train|refocus\w*)|\blow[- ]flip refocus\w*",
     "variable (low) refocusing flip angles"),
    # acquisitions a template's loop does not make: a phase-cycled series, a 1D projection (no phase encoding),
    # a CPMG train read as NMR echoes with no imaging gradients (a "CPMG" that names imaging is the TSE itself)
    (r"\bphase[- ]cycl\w*", "phase-cycled"),
    (r"\binterleaved (phase[- ])?(order\w*|encod\w*)\b", "interleaved phase ordering"),
    (r"\b1-?d\b.{0,40}\bprojections?\b|\b1-?d (profile|readout|spin[- ]echo|se|gradient[- ]echo|gre|sequence)\b|"
     r"\bwithout phase[- ]encod\w*|\bno phase[- ]encod\w*",
     "1D projection (no phase encoding)"),
    (r"\bcpmg\b(?!.{0,80}\b(imag\w*|slices?|phase[- ]encod\w*|k-?space|fov|matrix|tse|fse|rare)\b)",
     "non-imaging CPMG echo train"),
    (r"\bp-?tx\b|\bparallel[- ]transmi\w*|\brf[- ]shim\w*|\bb1[- ]shim\w*|\bmulti[- ]?channel transmi\w*|"
     r"\b\d+ tx channels\b", "parallel transmit (pTx) / RF shimming"),
)
# an inversion before the readout is a variant of every template but the inversion-recovery one
_INVERSION = re.compile(r"\binversion[- ]prepared\b|\b(with|plus|and) (an )?inversion\b|\binversion[- ]prep\b", re.I)
_THREE_D = re.compile(r"\b3d\b|\b3-d\b|three[- ]dimensional", re.I)


def missing_variant(prose: str, kind: "Kind") -> Optional[str]:
    """The variant a request asks for that `kind`'s template does not implement, as the user wrote it, or None."""
    if kind.template is None:
        return None
    for pattern, label in _VARIANTS:
        if label == "hard (block) pulses" and kind.template == "fid":
            continue  # the FID template's excitation is a block pulse already
        m = re.search(pattern, prose, re.I)
        if m:
            return m.group(0)
    m = _INVERSION.search(prose)
    if m and kind.key != "ir":
        return re.sub(r"^(with|plus|and) ", "", m.group(0), flags=re.I)
    m = _THREE_D.search(prose)
    if m and kind.template.endswith("_2d"):
        return m.group(0)
    return None
