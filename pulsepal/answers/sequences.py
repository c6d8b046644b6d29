"""Which sequence a request names, whether we have a checked template for it, and the closest one when we do not.

A request for a sequence we have no template for must never be answered with another sequence as if it were the
one asked for (a TSE request used to get the single-echo spin echo): `requested` returns the kind with
`template=None` and the templates closest to it, and the answer says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    pattern: re.Pattern
    template: Optional[str] = None  # stem of templates/<stem>.py and .m
    closest: tuple[str, ...] = ()  # templates to start from when there is none
    how: str = ""  # what to change in the closest template
    core: Optional[re.Pattern] = None  # the name alone, without the modifiers before it

    def find(self, prose: str, pos: int = 0) -> Optional[re.Match]:
        """`pattern.search`, but the name alone is looked for first: the modifiers' long alternation tried at
        every position costs ~15 ms per kind on a 20,000-character question, and most questions name no kind."""
        if self.core is not None and not self.core.search(prose, pos):
            return None
        return self.pattern.search(prose, pos)


# The words before a sequence's name that say which variant of it is asked for ("3D stack-of-spirals",
# "pseudo-continuous ASL", "segmented multi-echo GRE"): part of the match, so the answer names the sequence as the
# user did (family and variant), not only its family.
_MODIFIERS = (r"(?:\b(?:[23]-?d|multi-?slice|single-?slice|single-?shot|multi-?shot|segmented|interleaved|stack[- ]of|"
              r"golden[- ]angle|pseudo[- ]continuous|pulsed|continuous|velocity[- ]selective|balanced|spoiled|"
              r"unbalanced|multi-?echo|dual-?echo|double-?echo|fast|turbo|ultra-?fast|accelerated|"
              r"variable[- ]density|cent(?:er|re)[- ]out|cartesian|non-?cartesian|blipped|navigated|cardiac|gated|"
              r"triggered|free[- ]breathing|breath[- ]hold|magneti[sz]ation[- ]prepared|inversion[- ]prepared|"
              r"fat[- ]sat(?:urated)?|water[- ]excit\w*|spectral[- ]spatial|diffusion[- ]weighted|"
              r"t[12]\*?[- ]weighted|proton[- ]density|isotropic|high[- ]resolution|whole[- ]brain|"
              r"single[- ]voxel|volumetric|retrospective|prospective|(?:wave[- ])?caipi(?:rinha)?|black[- ]blood|"
              r"flow[- ]compensated|partial[- ]fourier|t2[- ]prep(?:ared)?|motion[- ]corrected|readout[- ]segmented|"
              r"reduced[- ]fov|zoomed|self[- ]gated|ecg[- ]gated|ecg[- ]triggered|respiratory[- ]gated)[\s-]+){0,3}")


def _k(key: str, label: str, pattern: str, template: Optional[str] = None, closest: tuple[str, ...] = (),
       how: str = "") -> Kind:
    pattern = pattern.replace("-?", "[- ]?")  # "multi-echo", "multiecho" and "multi echo" alike
    pattern = re.sub(r"(?<=[a-z]{4})\\b(?=\||$)", r"(?:e?s)?\\b", pattern)  # "spin echoes", "sequences"
    return Kind(key, label, re.compile(_MODIFIERS.replace("-?", "[- ]?") + f"(?:{pattern})" + r"(?:(?<=\w)\w*)",
                                       re.I), template, closest, how, re.compile(pattern, re.I))


# Most specific first: "diffusion-weighted spin-echo EPI" is a diffusion request, "3D FLASH" a 3D one.
KINDS: list[Kind] = [
    _k("mprage", "MPRAGE", r"\bmp-?rage\b|\bmp2rage\b", None, ("flash_3d", "ir_se_2d"),
       "put an inversion pulse and TI delay before each 3D FLASH partition loop"),
    _k("haste", "HASTE (single-shot half-Fourier TSE)", r"\bhaste\b|single[- ]shot (fse|tse|turbo)|\bssfse\b", None,
       ("tse_2d",), "use one shot with an echo train covering (a little more than) half of k-space"),
    _k("propeller", "PROPELLER / BLADE", r"\bpropeller\b|\bblade\b", None, ("tse_2d",),
       "rotate the echo-train blades with `rotate`"),
    _k("grase", "GRASE", r"\bgrase\b", None, ("tse_2d", "epi_2d"), "replace each TSE readout with a short EPI train"),
    _k("ute", "UTE (ultrashort echo time)", r"\bute\b|ultra-?short", None, ("gre_2d",),
       "use a half pulse, start sampling on the ramp and go radial"),
    _k("zte", "ZTE / PETRA", r"\bzte\b|zero[- ]te|zero[- ]echo[- ]time|\bpetra\b", None, ("flash_3d",),
       "switch the readout gradient on before a short hard pulse and go 3D radial"),
    _k("spiral", "spiral", r"\bspiral", None, ("gre_2d",),
       "replace the Cartesian readout with an arbitrary gradient (`make_arbitrary_grad`)"),
    _k("radial", "radial", r"\bradial\b|\bprojection reconstruction|\bstack[- ]of[- ]stars\b|\bkoosh\w*", None,
       ("gre_2d",),
       "drop phase encoding and rotate the readout each TR (`rotate`)"),
    # before diffusion: a "diffusion-prepared STEAM" is a stimulated-echo sequence with a preparation
    _k("steam", "stimulated echo (STEAM / three-pulse STE)", r"\bsteam\b|stimulated[- ]echo|\bste\b|three[- ]pulse "
       r"echo", None, ("se_2d", "fid"), "split the refocusing pulse into two 90-degree pulses with a mixing time "
       "(TM) between them, and crush the transverse signal during TM"),
    _k("diffusion", "diffusion-weighted spin-echo EPI (DWI)", r"\bdiffusion|\bdwi\b|\bdti\b|\bb-?value|stejskal|"
       r"\bivim\b|\bdki\b|multi[- ]shell|\bhardi\b|"
       r"tanner", "dwi_se_epi"),
    _k("se_epi", "spin-echo EPI", r"\bspin[- ]echo[- ]epi\b|\bse[- ]epi\b", "dwi_se_epi"),
    _k("csi", "chemical shift imaging (CSI / MRSI)", r"\bcsi\b|\bmrsi\b|\bepsi\b|chemical shift imaging|"
       r"spectroscopic imaging",
       None, ("fid", "se_2d"), "add phase encoding in two directions before a long ADC without readout gradient"),
    _k("press", "PRESS / spectroscopy", r"\bpress\b|\bsemi-?laser\b|\bspectroscop|\bmrs\b|\bsvs\b|\bsteam\b", None,
       ("se_2d",), "use three slice-selective pulses on x, y, z and one long ADC without gradients"),
    _k("grappa", "parallel imaging (GRAPPA/SENSE undersampling)", r"\bgrappa\b|\bsense\b|parallel imaging|"
       r"undersampl|acceleration factor|\bacs lines\b|\bcaipirinha\b|\bwave[- ]caipi\b", None, ("gre_2d",),
       "acquire every R-th phase-encoding line plus a fully sampled block of ACS lines at the centre"),
    _k("fid", "FID / pulse-acquire", r"\bfid\b|free induction|pulse[- ]acquire", "fid"),
    _k("cine", "cardiac CINE", r"\bcine\b", None, ("gre_2d", "bssfp_2d"), "trigger each segment with `make_trigger`"),
    _k("asl", "arterial spin labelling (ASL)", r"\b(p|pc|c)?asl\b|spin label", None, ("epi_2d",),
       "prepend a labelling module before the readout"),
    _k("dixon", "Dixon (multi-echo fat/water)", r"\bdixon\b", None, ("gre_2d",), "acquire two or three echoes"),
    _k("mrf", "MR fingerprinting", r"\bmrf\b|fingerprint", None, ("bssfp_2d", "gre_2d"),
       "vary flip angle and TR from one repetition to the next and read a short spiral or radial readout each time"),
    _k("tof", "time-of-flight angiography", r"\btof\b|time[- ]of[- ]flight|angiograph", None, ("flash_3d", "gre_2d"),
       "use a short TR, a thin slab and a venous saturation band"),
    _k("phase_contrast", "phase-contrast flow imaging", r"phase[- ]contrast|flow (encod|quantif|imaging)|\bvenc\b|"
       r"\b4d[- ]flow\b|velocity[- ]encod",
       None, ("gre_2d",), "add bipolar flow-encoding gradients and acquire with both polarities"),
    _k("cest", "CEST / saturation transfer", r"\bcest\b|saturation transfer|\bmtr?\b (pulse|prep)", None,
       ("gre_2d",), "prepend a train of off-resonant saturation pulses (`make_gauss_pulse` with a frequency offset)"),
    _k("t1_mapping", "T1 mapping (Look-Locker / MOLLI / saturation recovery)", r"look[- ]locker|\b(?:sh)?molli\b|"
       r"\bsasha\b|t1[- ]map"
       r"|saturation[- ]recovery|\bvfa\b|variable flip", None, ("ir_se_2d", "gre_2d"),
       "repeat the readout at several inversion times (or flip angles)"),
    _k("t2_mapping", "T2 mapping (multi-echo spin echo)", r"t2[- ]map|multi[- ]echo spin|\bmese\b|\b(?:\d+|two|three|"
       r"four|five|six|eight|ten|several|multiple|many) spin[- ]echoes\b", None,
       ("tse_2d", "se_2d"), "read every echo of the CPMG train with the same phase encoding"),
    _k("t1rho", "T1rho / spin-lock", r"\bt1-?rho\b|\bt1ρ|\bspin[- ]?lock\w*", None, ("gre_2d", "se_2d"),
       "put a spin-lock preparation (90-degree tip-down, a long low-amplitude block pulse phase-shifted by 90 "
       "degrees, tip-up) and a spoiler before the readout"),
    _k("dess", "DESS / double echo steady state", r"\bq?dess\b|double[- ]echo steady", None, ("bssfp_2d", "gre_2d"),
       "read the FID and the echo either side of an unbalanced gradient"),
    # several steady-state echoes (dephasing orders) in one TR: "multi-echo SSFP" is not the balanced template
    _k("mess", "multi-echo steady state (MESS / TESS)", r"(?-i:\bMESS\b|\bTESS\b)|multi[- ]?echo "
       r"(steady[- ]state|ssfp)|"
       r"triple[- ]echo steady|\bdephasing orders?\b", None, ("bssfp_2d", "gre_2d"),
       "read several echoes (dephasing orders) in one TR on one unbalanced readout, with the gradient areas that "
       "select each order"),
    _k("sms", "simultaneous multi-slice (multiband)", r"\bsms\b|multi-?band|simultaneous multi|(several|multiple|many|"
       r"two|three) slices (at once|simultaneously|at the same time)|slices simultaneously", None, ("epi_2d",),
       "use a multiband RF pulse (several frequency offsets summed) and CAIPI blips"),
    # SPACE only as the acronym: "k-space", "free space" are not the sequence
    _k("tse3d", "3D turbo spin echo (SPACE / CUBE / VISTA)", r"\bcube\b|\bvista\b|\bsampling perfection|"
       r"(?<![\w-])(?-i:SPACE)\b", None,
       ("tse_2d", "flash_3d"), "add partition encoding to the echo train and lower the refocusing flip angles"),
    _k("vibe", "3D fat-suppressed spoiled GRE (VIBE / LAVA / THRIVE)", r"\bvibe\b|\blava\b|\bthrive\b", None,
       ("flash_3d",), "put a fat-saturation pulse and spoiler before each group of partitions"),
    _k("fisp", "unbalanced SSFP (FISP / PSIF / SSFP-echo)", r"\bpsif\b|\bssfp[- ]echo\b|\bssfp[- ]fid\b|"
       r"\b(?<!true)(?<!true-)(?<!true )fisp\b|\bciss\b", None, ("bssfp_2d",),
       "leave a constant gradient area on one axis each TR instead of balancing it"),
    _k("b1map", "B1 mapping (AFI / double angle / Bloch-Siegert)", r"\bb1\+?[- ]?map\w*|\bafi\b|actual flip[- ]angle|"
       r"bloch[- ]siegert|double[- ]angle|\bdream\b", None, ("gre_2d",),
       "acquire with two flip angles (or two TRs, or an off-resonant pulse) and compare the images"),
    _k("mre", "MR elastography (MRE)", r"\bmre\b|elastograph", None, ("gre_2d",),
       "add motion-encoding gradients synchronised to the mechanical driver (`make_trigger`)"),
    _k("perfusion", "dynamic contrast perfusion (DCE / DSC)", r"\bdce\b|\bdsc\b|dynamic contrast|\bperfusion\b",
       None, ("flash_3d", "epi_2d"), "repeat a fast readout (3D FLASH for DCE, EPI for DSC) in a loop over the time "
       "points"),
    _k("xnuclei", "X-nuclei / multinuclear MR (sodium, phosphorus, hyperpolarised carbon)", r"\bsodium\b|\b23 ?na\b|"
       r"\bx-?nucle\w*|\bmulti-?nuclear|\bphosphorus\b|\b31 ?p\b|hyperpolari[sz]ed|\b13 ?c\b", None, ("fid", "gre_2d"),
       "set the nucleus's gyromagnetic ratio (gamma) in the system limits and use short, hard pulses"),
    _k("vaso", "VASO (vascular space occupancy)", r"\bvaso\b", None, ("epi_2d", "ir_se_2d"),
       "put a blood-nulling inversion and its delay before each EPI readout"),
    _k("multi_echo_gre", "multi-echo gradient echo", r"multi-?echo (gre|gradient)|\bmge\b|\bswi\b|\bqsm\b|"
       r"\b[tr]2\*[- ]?map\w*|susceptibility[- ]weighted", None,
       ("gre_2d",), "repeat the readout with alternating gradients after one excitation"),
    _k("bssfp3d", "3D balanced SSFP (3D TrueFISP / FIESTA-C)", r"\b3-?d[- ](?:b-?ssfp|true[- ]?fisp|trufi|fiesta|"
       r"balanced)|(?<!2d )(?<!2-d )\b(?:b-?ssfp|true[- ]?fisp|trufi|fiesta|balanced(?: ssfp| steady[- ]state)?)\b"
       r"(?:(?!\b(?:or|vs|versus|and|flash|gre|spgr|tse|epi)\b)[^,.;?]){0,30}\b(?:3-?d|three[- ]dimensional|"
       r"partitions?)\b|\bbalanced 3-?d\b|\bfiesta[- ]c\b", "bssfp_3d"),
    _k("bssfp", "balanced SSFP (bSSFP / TrueFISP)", r"\bb-?ssfp\b|\btrue[- ]?fisp\b|\btrufi\b|\bfiesta\b|balanced"
       r"( steady[- ]state| ssfp)|\bssfp\b", "bssfp_2d"),
    _k("tse", "turbo spin echo (TSE/FSE)", r"\btse\b|\bfse\b|\bturbo[- ]spin|\bfast[- ]spin|\brare\b|echo[- ]train"
       r"|\bcpmg\b|multi-?echo spin", "tse_2d"),
    _k("epi", "echo-planar imaging (EPI)", r"\bepi\b|echo[- ]planar|\bbold\b|\bfmri\b", "epi_2d"),
    _k("ir", "inversion recovery", r"inversion[- ]recovery|\bir[- ]?se\b|\bflair\b|\bstir\b|\bdir\b"
       r"|\binversion\b(?! (pulse|rf))|\bti\b", "ir_se_2d"),
    # a 3D spin echo is not the 3D FLASH (a gradient echo) nor the 2D spin echo: no template makes it
    _k("se3d", "3D spin echo", r"\b3-?d[- ](?:spin[- ]echo|se)\b|\bspin[- ]echo\b[^,.;?]{0,25}\b"
       r"(?:3-?d(?![- ]?print)|partitions?|kz)\b", None, ("se_2d", "flash_3d"),
       "add partition encoding to the 2D spin echo: a second phase-encoding lobe on z before the readout (and "
       "its rewinder after it), stepped in an outer loop over the partitions"),
    _k("flash3d", "3D FLASH / 3D gradient echo", r"\b3d\b|\b3-d\b|three[- ]dimensional|\bvolume\b|\bslab\b",
       "flash_3d"),
    _k("se", "spin echo", r"\bspin[- ]echo\b|\bse\b", "se_2d"),
    _k("gre", "gradient echo (GRE/FLASH)", r"\bgre\b|gradient[- ]echo|\bflash\b|\bspoiled\b|\bfl2d\b|\bflash 2d"
       r"|\bspgr\b|\bflash-?2d\b|gradient[- ]recalled|\bffe\b|\bt1[- ]?ffe\b|fast low[- ]angle shot",
       "gre_2d"),
    # after the GRE: "a GRE with a field map" is the GRE template's missing variant, "a B0 mapping sequence" this
    _k("b0map", "B0 field mapping (dual-echo phase difference)", r"\b(b0|field)[- ]?map\w*", None, ("gre_2d",),
       "acquire two echoes with different TEs and take their phase difference"),
    # preparations and trajectories asked for on their own, after every sequence (a "SPAIR GRE" is a GRE variant)
    _k("fatsat_prep", "CHESS / SPAIR spectral fat saturation", r"\bchess\b|\bspair\b", None, ("gre_2d",),
       "before each excitation play a spectrally selective pulse on the fat frequency (`make_gauss_pulse` with "
       "`freq_offset`; SPAIR: an adiabatic inversion and its delay) and a spoiler; our fat-saturation note shows it"),
    _k("satband", "spatial saturation band (regional saturation)", r"\bsat(?:uration)?[- ]?bands?\b|regional "
       r"saturation|\brest[- ]slabs?\b", None, ("gre_2d",),
       "before each excitation play a slice-selective 90-degree pulse on the band's slab (rotated to its "
       "orientation) and a spoiler"),
    _k("dante", "DANTE black-blood preparation", r"\bdante\b", None, ("gre_2d", "flash_3d"),
       "before the readout play a train of low-flip block pulses, each followed by a short gradient pulse, and a "
       "spoiler"),
    _k("rosette", "rosette trajectory", r"\brosettes?\b", None, ("gre_2d",),
       "replace the Cartesian readout with an arbitrary gradient (`make_arbitrary_grad`) tracing the rosette (a sum "
       "of two sinusoids on each axis)"),
    _k("noise_scan", "noise measurement (ADC only, no RF)",
       r"\bnoise (?:scan|measurement|sequence|prescan|acquisition)s?\b|\brecord\w* (?:the )?noise\b", None, ("fid",),
       "keep only the ADC blocks (no RF pulse, no gradients): one long ADC, or several, with delays between them"),
    _k("trajectory_measurement", "gradient trajectory measurement (thin-slice method)",
       r"\btrajector(?:y|ies) (?:measurement|mapping|calibration)\b|\bmeasur\w* (?:(?:my|the|our|an?|actual|real|"
       r"true|gradient|k-?space)\s+)*trajector(?:y|ies)\b|\bduyn\b|\bgradient impulse response\b|\bgirf\b", None,
       ("gre_2d",), "excite a thin slice away from the isocentre, then play the readout gradient under test along "
       "the slice axis with the ADC running, once with the gradient and once without (and at the opposite slice "
       "position); the phase difference over time gives the trajectory, one axis at a time"),
]
TEMPLATES: dict[str, dict[str, str]] = {
    "gre_2d": {"title": "2D spoiled gradient echo (GRE)", "sequence_type": "gradient echo",
               "keywords": "gre gradient echo spoiled flash 2d cartesian t1 weighted rf spoiling"},
    "se_2d": {"title": "2D spin echo (SE)", "sequence_type": "spin echo",
              "keywords": "se spin echo 2d refocusing 180 crusher t2 weighted cartesian"},
    "tse_2d": {"title": "2D turbo spin echo (TSE/FSE)", "sequence_type": "turbo spin echo",
               "keywords": "tse fse turbo fast spin echo rare echo train cpmg refocusing t2 weighted"},
    "epi_2d": {"title": "2D single-shot gradient-echo EPI", "sequence_type": "epi",
               "keywords": "epi echo planar imaging single shot blipped bipolar readout fmri multi slice"},
    "flash_3d": {"title": "3D FLASH (spoiled gradient echo)", "sequence_type": "flash 3d",
                 "keywords": "flash 3d three dimensional volume slab partition encoding kz rf spoiling"},
    "ir_se_2d": {"title": "Inversion recovery spin echo (IR-SE)", "sequence_type": "inversion recovery",
                 "keywords": "inversion recovery ir ti inversion time t1 flair stir adiabatic spin echo"},
    "fid": {"title": "FID (pulse-acquire)", "sequence_type": "fid",
            "keywords": "fid free induction decay pulse acquire hard pulse adc spectroscopy calibration"},
    "dwi_se_epi": {"title": "Diffusion-weighted spin-echo EPI (DWI)", "sequence_type": "diffusion",
                   "keywords": "diffusion dwi dti b value stejskal tanner spin echo epi single shot"},
    "bssfp_2d": {"title": "2D balanced SSFP (bSSFP/TrueFISP)", "sequence_type": "bssfp",
                 "keywords": "bssfp balanced ssfp truefisp trufi fiesta steady state alternating phase"},
    "bssfp_3d": {"title": "3D balanced SSFP (3D bSSFP/TrueFISP)", "sequence_type": "bssfp 3d",
                 "keywords": "3d bssfp balanced ssfp truefisp trufi fiesta volume slab partition encoding kz"},
}


# a name followed by one of these is a part of the sequence asked for ("... with a GRASE readout"), not the sequence
_PART = re.compile(r"^[\s-]*(readout|read-?out|trajectory|preparation|prep|prepared|module|labell?ing|excitation|"
                   r"encoding|"
                   r"pulses?|train|block|part|segment)s?\b", re.I)


_PURPOSE = re.compile(r"\b(for|to (do|measure|get|map|quantify|estimate)|so (that )?i can (do|get|fit|map|measure))\s+"
                      r"(?:(?:a|an|the|my|some|quantitative|fast|rapid)\s+)?$", re.I)


_WITH = re.compile(r"\b(with|plus)\s+(?:(?:a|an|the|some|one)\s+)?$", re.I)


# "modify the GRE into a MOLLI", "turn my spin echo into a TSE": the sequence after "into" is the one asked for
INTO = re.compile(r"\b(modify|turn|convert|change|adapt|extend|transform|make|upgrade|rewrite)\b[^.?!]{0,60}?"
                   r"\b(into|to)\s+(?:(?:a|an|the)\s+)?", re.I)


# a sequence's name that is a file's name, when the file already exists ("I have", "exported", "load", "save my
# sequence"): the file, not a request for the sequence ("called epi.seq" may still be one: "generate epi.seq")
_FILE_NAMED = re.compile(r"\b([\w-]+)(\s?\.seq)\b", re.I)
_EXISTING_FILE = re.compile(r"\b(i|we) (have|had|got)\b|\b(exported|export|loads?|loading|read(ing)?|open(ing)?|"
                            r"look(ing)? at|plot(ting)?|import(ing)?|inspect(ing)?|view(ing)?|wrote|written)\b|"
                            r"\bsav\w* (my|our|this|the) (sequence|file)\b", re.I)


def requested(prose: str) -> Optional[Kind]:
    """The sequence a request names, or None. Of several, the one named as the sequence ("an ASL sequence with a
    GRASE readout": ASL) beats one named as a part of it, and the one a modification turns into beats its source;
    otherwise the most specific pattern comes first."""
    if _EXISTING_FILE.search(prose):  # "I have a gre .seq JEMRIS exported", "load my epi.seq and plot it": a file
        prose = _FILE_NAMED.sub(lambda m: " " * len(m.group(1)) + m.group(2), prose)  # (offsets kept)
    found = [(kind, m) for kind in KINDS if (m := kind.find(prose))]
    if not found:
        return None
    into = INTO.search(prose)
    target = [(kind, m) for kind in KINDS if into is not None and (m := kind.find(prose, into.end()))]
    if target and [k for k, _ in target] != [k for k, _ in found]:
        found = target
    elif into is not None and not target and _acronym_request(prose):
        return None  # "modify the GRE into FOOBAR": a sequence we do not know (unknown_sequence), not the GRE
    if len(found) > 1:
        # "a cardiac MRF sequence (spiral, ECG triggered)": what an aside names is a part of a request whose main
        # clause names a sequence we have no template for; "turboflash with inversion (MPRAGE-like)" says in the
        # aside what the plain words only approximate, so there the aside stays
        outside = [(kind, m) for kind, m in found if prose[:m.start()].count("(") <= prose[:m.start()].count(")")]
        found = outside if any(kind.template is None for kind, _ in outside) else found
        whole = [(kind, m) for kind, m in found if not _PART.match(prose[m.end():])]
        # "IR spin echo for T1 mapping", "3D spoiled GRE for variable flip angle T1 mapping": what follows "for" is
        # the purpose the named sequence serves, not the sequence
        named = [kind for kind, m in whole if not _PURPOSE.search(prose[:m.start()])]
        # "turbo FLASH with an inversion": what comes after "with" is added to the sequence named before it; when
        # that addition is a variant the head's template lacks, the head is the sequence (and the answer says the
        # variant is missing) rather than the template of the added part
        added = [kind for kind, m in whole if _WITH.search(prose[:m.start()])]
        heads = [kind for kind in named if kind not in added]
        if heads and added and all(k.template for k in added) and missing_variant(prose, heads[0]):
            return heads[0]
        if named and len(named) < len(found):
            return named[0]
        if whole and len(whole) < len(found):  # "a spiral readout for my ASL": the part is still not the sequence
            return whole[0][0]
    return found[0][0]


_FILLER = re.compile(r"\b(in|for|with|using|via|a|an|the|my|me|please|pls|pypulseq|python|matlab|octave|pulseq|"
                     r"sequences?|protocol|any|some|is|there|do|you|have|can|i|get|example|examples|template|code|"
                     r"script|version)\b", re.I)


def names_sequence(kind: Kind, prose: str) -> bool:
    """ "A gradient echo sequence with labels", "FID protocol": the kind is the head of what is asked for, not an
    adjective somewhere else ("the b-value of my diffusion gradients ... from the sequence")."""
    return bool(re.search(f"(?:{kind.pattern.pattern})" + r"\W+(?:\w+\W+){0,1}(sequence|protocol|scan|template|script)",
                          prose, re.I))


def few_words(prose: str) -> bool:
    """A bare name with a language ("trueFISP in pypulseq?", "MP2RAGE example?"): a request for that sequence."""
    return len(re.findall(r"[A-Za-z0-9][\w-]*", _FILLER.sub(" ", prose))) <= 3


_UNKNOWN_SEQUENCE = re.compile(
    r"^\W*(?:(?:a|an|the|please|pls|give me|write|need|i need|i want|want|do you have|have you got)\s+)*"
    r"(?!(?:my|the|this|a|an|your|whole|entire|full|pulseq|pypulseq|matlab|python)\b)"
    r"((?:[\w*/-]+\s+){0,2}[\w*/-]+)\s+(?:sequence|protocol)\b", re.I)
_NOT_A_NAME = frozenset("my the this that a an your our of to for in on with after before whole entire full pulseq "
                        "pypulseq matlab python i we you is it and or my own same new existing".split())
_ACTION = re.compile(r"^\W*(plot|check|read|load|save|export|show|simulate|compute|calculate|run|test|print|"
                     r"debug|fix|convert|translate|time|scale|rotate|shift|repeat|loop)\b", re.I)


# The other shapes of a request for a sequence ("give me a X template", "I need X in pypulseq", "X example in MATLAB
# please", "can pulseq do X?", "modify the GRE into X"): X is taken as a sequence's name only when it is written as
# an acronym (two capitals or more: "SASHA", "qDESS") and is not one of the parts every sequence has.
_X = r"(?P<x>[\w*/-]+(?:\s+[\w*/-]+){0,2}?)"
_REQUEST_FORMS = tuple(re.compile(p, re.I) for p in (
    r"^\W*(?:(?:please|pls|hi|hey)\W+)?(?:give me|i need|i want|i'd like|do you have|have you got|write|show me|"
    r"send me|provide)\s+(?:(?:a|an|the|some)\s+)?" + _X + r"\s+(?:template|example|script|implementation|demo|"
    r"code)s?\b",
    r"^\W*(?:i need|i want|i'd like|need)\s+(?:(?:a|an|the)\s+)?" + _X + r"\s+(?:in|for|with|using)\s+(?:py)?"
    r"(?:pulseq|matlab|python|octave)\b",
    r"^\W*(?:(?:a|an|the)\s+)?" + _X + r"\s+(?:template|example|script|demo)s?\b",
    r"^\W*can\s+(?:(?:py)?pulseq|matlab|python|you|i)\s+(?:do|run|make|build|handle|support|implement|program|"
    r"write)\s+(?:(?:a|an|the)\s+)?" + _X + r"\W*$",
    r"\b(?:modify|turn|convert|change|adapt|extend|transform|upgrade)\b[^.?!]{0,60}?\b(?:into|to)\s+(?:(?:a|an|"
    r"the)\s+)?" + _X + r"(?:\s+(?:sequence|protocol))?\W*$"))
_PART_ACRONYMS = frozenset("adc rf te tr ti fov sar pns ecg ttl b0 b1 slr sms gpu cpu api seq mr pp gui io kspace "
                           "dwell ppm hz id ids ok ram verse girf bir json csv yaml".split())


def _acronym_request(prose: str) -> Optional[str]:
    for form in _REQUEST_FORMS:
        m = form.search(prose)
        if m is None:
            continue
        words = [w for w in m.group("x").split() if w.lower() not in _NOT_A_NAME]
        # one name ("SASHA", "wave-CAIPI"); "ECG trigger", "SLR pulse" are parts, with functions of their own
        if len(words) == 1 and re.search(r"[A-Z][^A-Z\s]*[A-Z]", words[0]) and not (
                set(re.findall(r"\w+", words[0].lower())) <= _PART_ACRONYMS):
            return words[0]
    return None


def unknown_sequence(prose: str, ranking: Optional[Any] = None) -> Optional[Kind]:
    """A request for a named sequence none of KINDS knows ("rosette trajectory sequence", "a FLORET sequence",
    "give me a FOOBAR template"): a Kind with no template and no closest one, so the answer says we do not have it
    instead of answering with a function that happens to share a word. With the question's `ranking`, an acronym
    that clearly describes a function or note ("can pulseq do VERSE?") is that, not an unknown sequence."""
    if _ACTION.search(prose):
        return None
    m = _UNKNOWN_SEQUENCE.search(prose)
    if not m:
        acronym = _acronym_request(prose)
        top = ranking.top if ranking is not None else None
        if acronym is None or (top is not None and top.vocab >= 1.0):
            return None
        return Kind("unknown", acronym, re.compile(re.escape(acronym), re.I))
    name = m.group(1).strip()
    if set(name.lower().split()) & _NOT_A_NAME:
        return None  # "after building the sequence": words about a sequence, not its name
    return Kind("unknown", name, re.compile(re.escape(name), re.I))


def closest_templates(kind: Kind, prose: str) -> list[str]:
    """The templates to start from for a kind we have none for: one the request also names ("multi-slice EPI with
    GRAPPA": the EPI), then the kind's own closest ones (the order the no-template answer offers them in)."""
    also = [k.template for k in KINDS if k is not kind and k.template and k.find(prose)]
    return list(dict.fromkeys(also[:1] + [s for s in kind.closest if s in TEMPLATES]))


def title(stem: str) -> str:
    return TEMPLATES.get(stem, {}).get("title", stem)


from .sequence_variants import _VARIANTS, missing_variant  # noqa: E402,F401  (their old home; the readers import it)
