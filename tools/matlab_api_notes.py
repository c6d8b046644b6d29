"""Our own words about the MATLAB Pulseq API, merged by tools/extract_matlab_api.py into the shipped facts file.

Why a separate module: the extraction script takes names, arguments, options and outputs from the toolbox source,
but the summaries must be written by us (facts only, no copied doc prose), and a few inputs that the toolbox reads
from `varargin` by hand cannot be recovered mechanically; those were read in the source and are written here.
"""

from __future__ import annotations

from typing import Any

HAND_CHECKED = [
    "mr.makeSincPulse: outputs rf, gz, gzr, delay; gz needs 'sliceThickness'; delay is assigned only when the "
    "system has rfRingdownTime > 0 (asking for it otherwise is an error)",
    "mr.makeExtendedTrapezoidArea: plain signature (channel, Gs, Ge, A, sys): start and end amplitude before the "
    "area, system last and required",
    "mr.makeAdc: 'dwell' is the time between samples (s); dead time comes from system.adcDeadTime and is not an option",
    "mr.makeTrigger: channel then delay, duration, system declared with addOptional (demos pass them as 'duration', d)",
    "mr.makeDigitalOutputPulse: channel then name-value 'delay', 'duration', 'system'",
    "mr.makeLabel: exactly three inputs (type 'SET'|'INC', label name, value)",
    "mr.makeSoftDelay: numID and hint required, offset and factor optional (positional or by name)",
    "mr.scaleGrad: system is optional (limits are checked only when it is given)",
    "mr.simRf: the rephase_factor default depends on the pulse (written out by hand)",
    "seq.read: filename then an optional 'detectRFuse' flag read from varargin",
    "seq.plot: options are those of mr.aux.SeqPlot, which plot() passes varargin to",
    "seq.addBlock, seq.setBlock, mr.align, mr.calcDuration, mr.checkTiming, mr.rotate, mr.rotate3D, "
    "seq.applySoftDelay: inputs read from varargin by hand, described in 'inputs'",
    "there is no seq.calculateKspace in this version: seq.calculateKspacePP (and the older calculateKspaceUnfunc)",
    "mr.rotate3D: the first input (renamed rotation in v1.5.1) is a 3x3 rotation matrix or a unit quaternion "
    "[w x y z] (scalar first)",
    "mr.makeRotation: reads varargin by hand (one or two angles, axis and angle, quaternion or 3x3 matrix); returns "
    "a 'rot3D' event for seq.addBlock",
    "mr.makeRfShim: one input, the complex shim vector (one weight per transmit channel); returns an 'rfShim' event",
    "mr.TransformFOV: options only ('rotation', 'translation', 'prior_phase_cycle', 'system'), one of rotation and "
    "translation required; methods applyToBlock(events...) and applyToSeq(seq, 'sameSeq', 'blockRange'); its output "
    "(obj in the source) is recorded as tra, so that it is not read as the Sequence object",
    "seq.calcPNS: calcCNS has no fixed default since v1.5.1: false, or both false and true when the .asc file "
    "holds cardiac (CNS) limits",
    "seq.autoLabel, seq.gradSpectrum, mr.addCustomLabel and the others in later_versions are on the default "
    "branch only, not in the release read here",
]

# Classes in +mr that user code never constructs (the Sequence's event tables); every other class is extracted.
INTERNAL_CLASSES = ("EventLibrary",)

CONVENTIONS = [
    "args are positional, in order; required=false ones may be left out from the end. Arguments declared with "
    "addOptional may also be passed as a 'name', value pair (MATLAB inputParser accepts that; the demos do it).",
    "options are name-value pairs given after the positional arguments: mr.makeTrapezoid('x', sys, 'flatArea', a, "
    "'flatTime', t).",
    "option names are matched case-insensitively by inputParser ('FlatTime' and 'flatTime' are the same option); "
    "function and method names are case-sensitive (seq.addBlock, not seq.addblock).",
    "default is the source text as written; value is its JSON value when it is a literal; expression=true marks a "
    "default that is an expression; resolved is the literal a local constant in the default stands for.",
    "an empty default ([]) usually means 'not given': the function then takes the value from the system "
    "(mr.opts()) or computes it.",
    "units: times in s, gradients in Hz/m, slew in Hz/m/s, RF amplitude in Hz, angles in rad, k-space in 1/m; "
    "mr.opts converts from 'mT/m', 'T/m/s', 'uT' when gradUnit/slewUnit/b1Unit are given.",
    "outputs are in order; a function returns only as many as the caller asks for ([rf, gz] = ... skips gzr, delay).",
    "functions are called as mr.<name>(...); Sequence methods as seq.<name>(...) on an object made with "
    "seq = mr.Sequence(sys) (or <name>(seq, ...)).",
    "varargin=true means the function reads further inputs from varargin by hand; 'inputs' says what they are.",
]

# Names on the toolbox's default branch that no release has yet (master 2fd6ab6, read 2026-12-01; the facts are
# v1.5.1). An answer can call them "newer than the release" instead of "unknown". mr.md5 and mr.transform are
# gone there (mr.aux.md5 replaces the first); they are still real in v1.5.1.
LATER_VERSIONS: dict[str, list[str]] = {
    "master after v1.5.1": ["mr.addCustomLabel", "mr.makeHexagonGradientArea", "mr.verifyFileSignature",
                            "seq.addTRID", "seq.autoLabel", "seq.copyDefinitions", "seq.getOrCreateTridId",
                            "seq.gradSpectrum"],
}

SUMMARIES: dict[str, str] = {
    # --- mr.* functions ---
    "mr.addGradients": "Sums several gradient events on one axis (passed as a cell array) into a single gradient.",
    "mr.addRamps": "Extends a k-space trajectory with segments that ramp from k=0 to its start and from its end back "
                   "to 0 within the gradient limits; can pad an RF shape to match.",
    "mr.align": "Sets the delays of events so that they are left-, centre- or right-aligned inside one block.",
    "mr.block2events": "Turns a block structure into a list of its events (used by functions that accept either).",
    "mr.calcAdcSeg": "Splits a long ADC into equal segments that respect the scanner's sample limit and divisor "
                     "and the gradient raster; returns the segment count and samples per segment.",
    "mr.calcDuration": "Returns the duration of one or more events or of a block: the longest of them, delays "
                       "included.",
    "mr.calcRamp": "Finds the shortest k-space path joining two trajectory points within gradient and slew limits.",
    "mr.calcRfBandwidth": "Estimates an RF pulse's bandwidth (and centre frequency) from its spectrum; optionally "
                          "returns the spectrum and frequency axis.",
    "mr.calcRfCenter": "Returns the time of an RF pulse's effective centre (amplitude peak; midpoint of a block "
                      "pulse), delay not included, and the sample index there.",
    "mr.calcRfPower": "Computes an RF pulse's energy, peak power and RMS amplitude in Pulseq's Hz-based units.",
    "mr.checkTiming": "Checks that the given events (one block) lie on the system's raster times; returns ok, an "
                      "error text and the duration.",
    "mr.compressShape": "Compresses a waveform with Pulseq's run-length encoding of derivatives (the .seq shape "
                        "format).",
    "mr.compressShape_mat": "Plain MATLAB implementation of the shape compression (compressShape may use a mex build).",
    "mr.convert": "Converts gradient, slew or B1 values between units (Hz/m, mT/m, rad/ms/mm, T/m/s, uT, ...).",
    "mr.decompressShape": "Expands a compressed shape back to its full waveform.",
    "mr.getSupportedLabels": "Lists the label names makeLabel accepts (counters, flags and control labels).",
    "mr.getSupportedRfUse": "Lists the allowed values of an RF pulse's 'use' (excitation, refocusing, inversion, ...).",
    "mr.makeAdc": "Creates an ADC readout event of numSamples samples, given 'dwell' (time per sample) or total "
                  "'duration'; the system's adcDeadTime sets the minimum delay.",
    "mr.makeAdiabaticPulse": "Creates an adiabatic inversion pulse (hyperbolic secant 'hypsec' or 'wurst'), "
                             "optionally with its slice-select gradients.",
    "mr.makeArbitraryGrad": "Creates a gradient event on one axis from a waveform sampled on the gradient raster "
                            "(Hz/m).",
    "mr.makeArbitraryRf": "Creates an RF pulse from a given complex shape scaled to a flip angle; with bandwidth and "
                          "slice thickness it also returns the slice-select gradients.",
    "mr.makeBlockPulse": "Creates a hard (rectangular, constant-amplitude) RF pulse of a flip angle, from its duration "
                         "or bandwidth.",
    "mr.makeDelay": "Creates a delay event, a block filler of the given length in seconds.",
    "mr.makeDigitalOutputPulse": "Creates an output trigger (TTL pulse) on channel 'osc0', 'osc1' or 'ext1', e.g. to "
                                 "trigger external equipment.",
    "mr.makeExtendedTrapezoid": "Creates a gradient from corner points: amplitudes at given times, joined linearly.",
    "mr.makeExtendedTrapezoidArea": "Finds the shortest extended trapezoid with a given area that starts and ends at "
                                    "given (possibly non-zero) amplitudes; returns the gradient, its times and "
                                    "amplitudes.",
    "mr.makeGaussPulse": "Creates a Gaussian-shaped RF pulse, optionally with slice-select and rephasing gradients.",
    "mr.makeLabel": "Creates a label event that sets ('SET') or increments ('INC') a counter or flag such as LIN, SLC, "
                    "REP or NAV, for reconstruction or scanner control.",
    "mr.makeSincPulse": "Creates a sinc RF pulse; with 'sliceThickness' it also returns the slice-select gradient, "
                        "its rephaser and a ringdown delay.",
    "mr.makeSLRpulse": "Creates an SLR-designed RF pulse (needs Python with sigpy, called through pythonCmd), "
                       "optionally with slice-select gradients.",
    "mr.makeRfShim": "Creates an RF-shim extension event: one complex weight per transmit channel, applied to the RF "
                     "pulse of the block it is added to (parallel transmit).",
    "mr.makeRotation": "Creates a rotation extension event (stored as a unit quaternion) that the scanner applies to "
                       "the gradients of the block it is added to; from angles, an axis and angle, a quaternion or a "
                       "3x3 matrix.",
    "mr.makeSoftDelay": "Creates a soft-delay extension: a block whose duration the scanner operator can change "
                        "(e.g. TE or TR) by the rule duration = input/factor + offset.",
    "mr.makeTrapezoid": "Creates a trapezoidal gradient on axis 'x', 'y' or 'z' from an area, flat area, amplitude, "
                        "duration or ramp times, as fast as the limits allow.",
    "mr.makeTrigger": "Creates an input-trigger wait event, e.g. for the ECG/pulse signal on 'physio1' or 'physio2'.",
    "mr.md5": "Computes the MD5 digest of a string (used to sign .seq files).",
    "mr.opts": "Returns the system limits and raster times (max gradient, slew, dead times, rasters, B0, gamma); "
               "values can be given in chosen units.",
    "mr.pts2waveform": "Interpolates corner points (times, amplitudes) onto the gradient raster as a sampled waveform.",
    "mr.restoreAdditionalShapeSamples": "Helper for reading arbitrary gradients: rebuilds edge samples of a shape "
                                        "from its first and last values.",
    "mr.rotate": "Rotates the gradient events of a block about axis 'x', 'y' or 'z' by an angle; other events pass "
                 "through unchanged.",
    "mr.rotate3D": "Rotates the gradient events of a block by a 3x3 rotation matrix.",
    "mr.scaleGrad": "Multiplies a gradient's amplitude (and areas) by a factor; with a system, checks the limits.",
    "mr.Sequence": "Creates an empty sequence object for the given system limits; blocks are then added to it.",
    "mr.simRf": "Simulates an RF pulse's slice profile (Bloch rotation): longitudinal and transverse response and "
                "refocusing efficiency.",
    "mr.splitGradient": "Splits a trapezoid into its ramp-up, flat top and ramp-down as three extended trapezoids.",
    "mr.splitGradientAt": "Cuts a gradient into two parts at a time point (delays set so that adding them gives the "
                          "original).",
    "mr.TransformFOV": "Creates an object that rotates ('rotation', 3x3 matrix) and/or shifts ('translation', "
                       "[x y z] in m) the field of view; its applyToBlock and applyToSeq methods return transformed "
                       "events or a transformed sequence.",
    "TransformFOV.applyToBlock": "Returns a block's events transformed: gradients rotated, the shift turned into RF "
                                 "and ADC frequency and phase offsets.",
    "TransformFOV.applyToSeq": "Returns a transformed copy of a sequence (or changes it in place with 'sameSeq'), "
                               "optionally only for a 'blockRange'.",
    "mr.traj2grad": "Converts a k-space trajectory (1/m) into gradient waveforms (Hz/m) and slew rates.",
    "mr.transform": "Makes a copy of a sequence rotated and/or translated (rotation matrix, offset or 4x4 transform).",
    # --- seq.* methods ---
    "seq.addBlock": "Appends a block to the sequence: the events played at the same time (or a block structure); a "
                    "number among them sets the block duration.",
    "seq.applySoftDelay": "Sets soft delays by their hints (e.g. 'TE', 40e-3), changing the durations of the blocks "
                          "that carry them.",
    "seq.calcMomentsBtensor": "Computes the diffusion b-tensor and gradient moments (m1, m2, m3) of the sequence.",
    "seq.calcPNS": "Predicts peripheral nerve stimulation with the SAFE model (needs the safe_pns_prediction "
                   "package) for a hardware struct or a Siemens .asc file; returns ok, normalised PNS, per-axis "
                   "components and time axis.",
    "seq.calcRfPower": "Computes the RF power of the whole sequence or a block range: mean and peak power, RMS B1 "
                       "and energy.",
    "seq.calculateKspacePP": "Computes the k-space trajectory (at ADC samples and in full) and excitation/refocusing "
                             "times, using piecewise-polynomial gradients.",
    "seq.calculateKspaceUnfunc": "Older k-space trajectory calculation on sampled waveforms (calculateKspacePP is "
                                 "the faster one).",
    "seq.checkTiming": "Checks every block against the raster times and limits; returns ok and a report, and stores "
                       "TotalDuration in the definitions.",
    "seq.duration": "Returns the sequence's total duration in s, its number of blocks and how many blocks use each "
                     "event-table column.",
    "seq.evalLabels": "Evaluates the label counters and flags over the sequence (or a block range), at the end or "
                      "along the way.",
    "seq.findBlockByTime": "Returns the index of the block playing at a given time.",
    "seq.flipGradAxis": "Inverts the sign of every gradient already added on one axis.",
    "seq.getBinaryCodes": "Returns the section codes of the binary sequence format.",
    "seq.getBlock": "Returns block number index with its events decompressed, as a block structure.",
    "seq.getDefaultSoftDelayValues": "Returns the current values of the soft delays as a struct, with a consistency "
                                     "report.",
    "seq.getDefinition": "Returns the value of a definition (header entry such as 'FOV'); empty if it is not set.",
    "seq.getExtensionTypeID": "Returns the numeric id of an extension given its string id, assigning one if new.",
    "seq.getExtensionTypeString": "Returns the string id of an extension given its numeric id.",
    "seq.getRawBlockContentIDs": "Returns the raw event ids stored for a block, without building the events.",
    "seq.install": "Copies the sequence file to a scanner (Siemens Numaris4/NumarisX or a RANGE system).",
    "seq.modGradAxis": "Scales (or inverts) every gradient already added on one axis by a factor.",
    "seq.paperPlot": "Plots the sequence in a clean style for figures in papers.",
    "seq.plot": "Plots the sequence's RF, ADC and gradient waveforms, optionally for a time or block range.",
    "seq.read": "Loads a .seq file into the sequence object.",
    "seq.readBinary": "Loads a sequence from Pulseq's binary format.",
    "seq.registerAdcEvent": "Stores an ADC event in the sequence's library and returns its id (lets events be reused).",
    "seq.registerControlEvent": "Stores a control event (trigger/output) in the library and returns its id.",
    "seq.registerGradEvent": "Stores a gradient event (and its shapes) in the library and returns the ids.",
    "seq.registerLabelEvent": "Stores a label event in the library and returns its id.",
    "seq.registerRfEvent": "Stores an RF event (and its shapes) in the library and returns the ids.",
    "seq.registerRfShimEvent": "Stores an RF-shim event in the library and returns its id.",
    "seq.registerRotationEvent": "Stores a rotation extension event (its quaternion) in the library and returns its "
                                 "id.",
    "seq.registerSoftDelayEvent": "Stores a soft-delay event in the library and returns its id.",
    "seq.rfFromLibData": "Rebuilds an RF event from its library entry (used when reading blocks back).",
    "seq.setBlock": "Replaces or adds the block at a given index, from events or a block structure.",
    "seq.setDefinition": "Sets a definition in the file header (e.g. 'FOV', 'Name'); creates it if missing.",
    "seq.setExtensionStringAndID": "Registers the numeric id to use for an extension's string id.",
    "seq.sound": "Plays the gradient waveforms through the speaker, or returns them as sound data.",
    "seq.testReport": "Analyses the sequence and returns a text report (flip angles, TE/TR estimates, k-space "
                      "extent, limits); a system can be given to test against.",
    "seq.waveforms_and_times": "Returns the decompressed gradient waveforms with their time points, plus excitation, "
                               "refocusing and ADC times.",
    "seq.write": "Writes the sequence to a .seq file (with an MD5 signature unless told not to).",
    "seq.write_v141": "Writes the sequence in the older v1.4.1 file format.",
    "seq.writeBinary": "Writes the sequence in Pulseq's binary format.",
}

OVERRIDES: dict[str, dict[str, Any]] = {
    "mr.Sequence": {
        "args": [{"name": "system", "required": False, "default": "mr.opts()", "expression": True}],
        "varargin": False,
    },
    "mr.align": {
        "inputs": "an alignment 'left' | 'center' | 'right', then the events it applies to; more alignment/event "
                  "groups may follow; one number among them fixes the block duration",
        "outputs_note": "the events with their delays set, in the order given (one output: a cell array); the "
                        "fixed duration is returned last when one was given",
    },
    "mr.calcDuration": {"inputs": "any number of events, arrays of events or one block structure"},
    "mr.checkTiming": {"inputs": "after system: the events of one block (a number is taken as the block duration)"},
    "mr.rotate": {
        "inputs": "after axis and angle: the events of a block; 'system', sys may come first or last",
        "outputs_note": "the rotated events (one output: a cell array that seq.addBlock accepts)",
    },
    "mr.rotate3D": {
        "inputs": "after rotation (a 3x3 rotation matrix or a unit quaternion [w x y z]): the events of a block; "
                  "'system', sys may come first or last",
        "outputs_note": "the rotated events (one output: a cell array that seq.addBlock accepts)",
    },
    "mr.addRamps": {"outputs_note": "one ramped trajectory per input channel (or one matrix), then the padded RF "
                                    "shape when 'rf' was given"},
    "mr.splitGradientAt": {"outputs_note": "the two gradient parts (one output: both in an array)"},
    "mr.simRf": {
        "args": [
            {"name": "rf", "required": True},
            {"name": "rephase_factor", "required": False,
             "default": "-(rf.shape_dur-rf.center)/rf.shape_dur (0 for a refocusing pulse)", "expression": True},
            {"name": "prephase_factor", "required": False, "default": "0", "value": 0},
        ],
    },
    "mr.makeRotation": {
        "inputs": "one angle phi (about z), optionally a second angle theta (tilt about y); or a 3-vector axis and "
                  "an angle; or a unit quaternion [w x y z]; or a 3x3 rotation matrix (angles in rad)",
    },
    "mr.TransformFOV": {"outputs": ["tra"]},
    "TransformFOV.applyToBlock": {"inputs": "the events of a block, cell arrays of events, or one block structure",
                                  "outputs_note": "the transformed events as a cell array that seq.addBlock "
                                                  "accepts"},
    "seq.calcPNS": {
        "args": [
            {"name": "hardware", "required": True},
            {"name": "doPlots", "required": False, "default": "true", "value": True},
            {"name": "calcCNS", "required": False,
             "default": "false ([false, true] for an .asc file with cardiac limits)",
             "expression": True},
        ],
    },
    "seq.addBlock": {"inputs": "the events of the block (rf, gradients, adc, delay, trigger, labels, soft delay, "
                               "rotation from mr.makeRotation, RF shim from mr.makeRfShim), or one block structure, "
                               "or a duration number followed by events"},
    "seq.setBlock": {"inputs": "after index: the events of the block, or a block structure, or a duration followed "
                               "by events"},
    "seq.applySoftDelay": {"inputs": "pairs of a soft-delay hint and its value in seconds: 'TE', 40e-3, 'TR', 2"},
    "seq.read": {"inputs": "after filename: the optional flag 'detectRFuse' (guess each pulse's use)"},
    "seq.plot": {"varargin": False},
}
