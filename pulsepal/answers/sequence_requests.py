"""How a request for a sequence is answered: whether its form asks for the sequence itself, and, for a variant
of a template we have, the one line on how to add it ("readout-segmented EPI", "GRE with RF shimming") and what
Pulseq itself offers for it in each dialect.

The form decides before the words: "modify the GRE into a MOLLI" and "can pulseq do qDESS?" ask for a sequence even
when a function or note matches their words well (the ranker would answer "navigator-gated GRE" with make_trigger).

A variant answer used to say only "it does not implement the X part, which you would add to it": honest, but it
left the user with nothing to start from. The lines here are the same kind of hint a missing sequence gets
(`sequences.Kind.how`); the pTx one states per dialect what exists (facts: pypulseq 1.5.0 has no RF-shim event;
the MATLAB toolbox v1.5.1 has `mr.makeRfShim` and `seq.registerRfShimEvent`, see data/matlab_api.json).
"""

from __future__ import annotations

import re
from typing import Optional

from . import render_docs
from .knowledge import Knowledge
from .sequence_variants import _VARIANTS
from .sequences import INTO, KINDS, Kind, few_words, requested
from .types import Answer, is_matlab

_CAN_DO = re.compile(r"^\W*(?:can|could|does|is it possible to)\s+(?:(?:py)?pulseq|matlab|python|you|i|we)\s+(?:do|run|"
                     r"make|build|handle|support|implement|program|write|generate|play)\s+", re.I)
_PROGRAM = re.compile(r"\bhow (?:do|can|would|should) (?:i|we|one) (?:program|write|implement|code|build|make|create|"
                      r"set up)\s+(?:(?:a|an|the)\s+)?(?P<x>.{2,60}?)\s+(?:sequence|protocol|scan)s?\b", re.I)


# what may follow the name in "can I do a rosette trajectory?": a word for the whole acquisition, a language
_CAN_TAIL = re.compile(r"^(?P<name>.+?)(?:\s+(?:trajector(?:y|ies)|readouts?|imaging|acquisitions?|sequences?|scans?|"
                       r"protocols?))?(?:\s+(?:in|with|using)\s+(?:py)?(?:pulseq|matlab|python|octave))?\W*$", re.I)


def can_do_sequence(prose: str) -> bool:
    """"can I do a rosette trajectory?", "could pypulseq make a spiral readout?": the "can ...?" form asks whether
    the sequence can be had, even though its name qualifies a part ("trajectory"); the part is not the question
    (seqcontext.part_question would take it as one). Only the name, a word for the acquisition and a language may
    follow the verb: "can I make the EPI readout faster?" asks about a part."""
    can = _CAN_DO.search(prose)
    if can is None:
        return False
    tail = _CAN_TAIL.match(re.sub(r"^(?:a|an)\s+", "", prose[can.end():].strip(), flags=re.I))
    kind = requested(tail.group("name")) if tail is not None else None
    m = kind.find(tail.group("name")) if kind is not None and tail is not None else None
    if m is None or tail is None:
        return False
    name = tail.group("name")
    return len((name[:m.start()] + " " + name[m.end():]).split()) <= 1 and not re.match(r"(the|my|this|our|your|"
                                                                                        r"that)\b", name, re.I)


def asks_for_sequence(prose: str) -> bool:
    """The request's form says the sequence itself is wanted, whatever its words also describe: a bare name with
    a language (few_words), "modify the GRE into a MOLLI", "can pulseq do qDESS?", "how do I program a navigator-
    gated GRE sequence?" (the navigator is a part of what is asked for, not the question)."""
    if few_words(prose):
        return True
    into = INTO.search(prose)
    if into is not None and any(k.find(prose, into.end()) for k in KINDS):
        return True
    can = _CAN_DO.search(prose)
    if can is not None and requested(prose[can.end():]) is not None and len(prose[can.end():].split()) <= 6:
        return True
    program = _PROGRAM.search(prose)
    if program is not None and requested(program.group("x")) is not None:
        return True
    # "3d spin echo for a tabletop where the spoilers ... are merged, in matlab": a noun phrase that opens with the
    # sequence and goes on to say what it is for or how it is built, not a question about one of its parts
    kind = requested(prose) if "?" not in prose and not re.search(
        r"^\W*(where|when)\b|\b(how|what|why|which|can|could|should|does|do i|is it|is there)\b", prose, re.I) else None
    head = kind.find(prose) if kind is not None else None
    return head is not None and bool(_NOUN_HEAD.match(prose[:head.start()])) and bool(
        re.match(r"\s+(for|with|where|that|on)\b", prose[head.end():]))


_NOUN_HEAD = re.compile(r"^\W*(?:(?:an?|the|my|our|some)\s+)?(?:[\w-]+\s+){0,2}$", re.I)


_HOW: dict[str, str] = {
    "golden-angle ordering": "advance the readout angle by 111.25 degrees each repetition (`rotate`)",
    "stack-of-stars": "keep the partition (kz) loop and rotate the in-plane readout each repetition (`rotate`)",
    "readout-segmented": "split the readout into segments along kx, each shot covering one (shifted prephaser), "
                         "with a navigator echo per shot",
    "multi-shot (segmented)": "interleave the phase-encoding lines over several shots (each shot starts at a "
                              "different line offset), one excitation per shot",
    "partial Fourier": "skip the first lines (or the early part of the readout) and reconstruct with homodyne or "
                       "POCS",
    "navigator": "add a short extra readout (a navigator echo, no phase encoding) before or after each shot",
    "prospective motion correction": "update the gradient rotation and the RF/ADC frequency and phase offsets "
                                     "from the tracking data before each block (`rotate`, `freq_offset`)",
    "flow compensation": "replace the readout and slice rephasers with gradient-moment-nulled (bipolar) lobes "
                         "(`make_extended_trapezoid`)",
    "CAIPI": "shift the sampled lines between slices or partitions (CAIPI blips on the slice axis)",
    "variable-density / compressed-sensing sampling": "acquire a variable-density random subset of the "
                                                      "phase-encoding lines (fully sampled centre)",
    "fat-suppressed": "before each excitation play a spectrally selective pulse on the fat frequency "
                      "(`make_gauss_pulse` with `freq_offset`) and a spoiler",
    "T2-prepared": "prepend a 90x - 180y ... 180y - 90-x preparation and a spoiler before the readout",
    "magnetisation-transfer": "prepend an off-resonant saturation pulse (a Gaussian with a frequency offset) and "
                              "a spoiler before each excitation",
    "double-inversion": "prepend two inversion pulses with their delays (TI1, TI2) before the readout",
    "black-blood": "prepend a non-selective plus a slice-selective inversion (or a DANTE train) and its delay",
    "dual-echo": "read a second echo after the first with its own readout gradient (and ADC)",
    "reduced field of view": "excite or refocus with a pulse perpendicular to the slice (or saturate outer "
                             "volume) and shrink the phase-encoding FOV",
    "burst": "replace the single excitation with a train of low-flip pulses between readout gradient steps",
    "hard (block) pulses": "replace each sinc pulse and its slice gradient with a block pulse (`make_block_pulse`, "
                           "`use` 'excitation' or 'refocusing'): non-selective, so the slice rephaser goes too",
    "oversampled ADC with extra samples for the decimation filter": "take the ADC's samples `os` times as often "
                           "(dwell / os) and add the extra samples either side, starting the ADC that much earlier",
    "merged (extended-trapezoid) gradient waveforms": "join each axis's lobes into one waveform with "
                                                      "`make_extended_trapezoid` (times and amplitudes at the corners)",
    "ramp sampling": "start the ADC on the readout ramp-up and regrid the samples",
    "centric ordering": "reorder the phase-encoding loop from the centre of k-space outwards",
    "VERSE pulses": "reshape the pulse and its slice gradient together (lower peak B1, same slice profile) with "
                    "`make_arbitrary_rf` and `make_arbitrary_grad`",
    "variable (low) refocusing flip angles": "give each refocusing pulse of the train its own flip angle",
}

_PTX = {
    "python": "pypulseq 1.5.0 has no RF-shim event: each RF event plays one waveform, with no per-channel weights. "
              "The MATLAB toolbox (v1.5.1) has one: `mr.makeRfShim` (one complex weight per transmit channel, "
              "added to the block that holds the pulse).",
    "matlab": "Pulseq v1.5.1 has RF shimming: `rfShim = mr.makeRfShim(shimVec)` (one complex weight per transmit "
              "channel) goes into the block with the pulse, `seq.addBlock(rf, gz, rfShim)`, and the sequence "
              "stores it with `seq.registerRfShimEvent`. Each RF event still plays one waveform: shimming scales "
              "and phases it per channel, it does not give each channel its own pulse (full pTx pulse design is "
              "not in Pulseq). pypulseq 1.5.0 has no RF-shim event.",
}


def how(variant: str, lang: str) -> Optional[str]:
    """The line on how to add `variant` (as the user wrote it) to a template, in the answer's dialect."""
    label = next((lab for pattern, lab in _VARIANTS if re.search(pattern, variant, re.I)), None)
    if label == "parallel transmit (pTx) / RF shimming":
        return _PTX["matlab" if is_matlab(lang) else "python"]
    if label is None and re.search(r"inversion", variant, re.I):
        return render_docs.hint_in_dialect("put an inversion pulse (`make_adiabatic_pulse` or a block pulse) and "
                                           "its TI delay before the readout", lang)
    if label is None and re.search(r"3-?d|three", variant, re.I):
        return "add a partition-encoding (kz) gradient and loop, with a slab-selective (or non-selective) pulse"
    return render_docs.hint_in_dialect(_HOW[label], lang) if label in _HOW else None


def variant_answer(kind: Kind, variant: str, lang: str, knowledge: Optional[Knowledge] = None) -> Answer:
    """The closest template presented as what it is (render_docs.variant_template), with the line on how to add
    the variant under the note."""
    ans = render_docs.variant_template(kind, variant, lang, knowledge)
    line = how(variant, lang)
    if line:
        note, sep, rest = ans.text.partition("\n\n")
        ans.text = f"{note}\n\nHow to add it: {line}{'' if line.endswith('.') else '.'}{sep}{rest}"
    return ans

