"""What functions and their parameters do, in our own words, for both toolboxes.

pypulseq's docstrings are not a safe source for answers: some are wrong (`make_adc`'s `dwell` is described as a
dead time; it is the time between samples) and none describe MATLAB's options or outputs. Answers therefore use
these sentences first; a Python answer falls back to pypulseq's docstring only for a parameter not listed here.
Keys of `PARAMS` are option keys (lower case, no underscores), the form both toolboxes' spellings reduce to.
"""

from __future__ import annotations

from typing import Optional

# Generic meaning of a parameter, whatever function takes it.
PARAMS: dict[str, str] = {
    "system": "the system limits (`mr.opts` / `pp.Opts`); the toolbox defaults are used when it is left out",
    "channel": "gradient axis: 'x', 'y' or 'z' (for triggers and outputs, the hardware channel)",
    "amplitude": "gradient amplitude in Hz/m (the flat-top value)",
    "area": "total gradient area (zeroth moment) in 1/m, ramps included",
    "flatarea": "area of the flat top only, in 1/m (what a readout needs: number of samples / FOV)",
    "flattime": "duration of the flat top in seconds",
    "risetime": "ramp-up time in seconds (the ramp-down uses the same unless a fall time is given)",
    "falltime": "ramp-down time in seconds",
    "duration": "total duration of the event in seconds",
    "delay": "time from the start of the block to the start of the event, in seconds",
    "maxgrad": "gradient amplitude limit for this event (overrides the system's), Hz/m unless a unit is given",
    "maxslew": "slew-rate limit for this event (overrides the system's), Hz/m/s unless a unit is given",
    "flipangle": "flip angle in radians (`pi/2` for 90 degrees)",
    "flip": "flip angle in radians (`pi/2` for 90 degrees)",
    "freqoffset": "frequency offset in Hz (moves a slice: gradient amplitude × slice position)",
    "phaseoffset": "phase offset in radians (RF spoiling changes it from one repetition to the next)",
    "freqppm": "frequency offset in ppm of the Larmor frequency (e.g. -3.3 for fat)",
    "phaseppm": "phase offset in ppm, scaled with the Larmor frequency",
    "slicethickness": "slice thickness in metres; needed for the slice-select gradient",
    "timebwproduct": "time-bandwidth product of the pulse (sets its bandwidth for a given duration)",
    "apodization": "window applied to the pulse shape (0 = none, 0.5 = Hanning)",
    "centerpos": "position of the pulse peak as a fraction of its duration (0.5 = middle)",
    "dwell": "time between two ADC samples (or RF raster of the pulse shape), in seconds; "
             "for an ADC, dwell × samples is the acquisition window",
    "numsamples": "number of ADC samples",
    "num": "number of ADC samples",
    "bandwidth": "bandwidth in Hz (of the pulse, or used instead of its duration)",
    "use": "what the pulse is for: 'excitation', 'refocusing', 'inversion', 'saturation', 'preparation'",
    "returngz": "Python only: also return the slice-select gradient and its rephaser",
    "times": "time points of the waveform corners, in seconds, starting at 0",
    "amplitudes": "gradient amplitudes at those time points, in Hz/m",
    "waveform": "gradient samples on the gradient raster, in Hz/m",
    "signal": "complex RF samples (the pulse shape), scaled to the flip angle",
    "converttoarbitrary": "return the result as an arbitrary (sampled) gradient instead of corner points",
    "skipcheck": "skip the check that the waveform starts and ends within the slew limits",
    "first": "gradient value just before the waveform starts (for joining waveforms)",
    "last": "gradient value just after the waveform ends",
    "oversampling": "waveform given on a twice finer raster",
    "gradstart": "gradient amplitude at the start, in Hz/m",
    "gradend": "gradient amplitude at the end, in Hz/m",
    # the lists of MATLAB v1.5.1 mr.getSupportedLabels and pypulseq's get_supported_labels (a test compares them)
    "label": "the label name: counters 'SLC', 'SEG', 'REP', 'AVG', 'SET', 'ECO', 'PHS', 'LIN', 'PAR', 'ACQ', flags "
             "'NAV', 'REV', 'SMS', 'REF', 'IMA', 'NOISE', 'OFF' (MATLAB v1.5.1 only, not in pypulseq 1.5.0: data "
             "the online reconstruction leaves out), controls 'PMC', 'NOROT', 'NOPOS', 'NOSCL', 'ONCE', 'TRID'",
    "type": "'SET' (assign the value) or 'INC' (add it); for adiabatic pulses the pulse type",
    "value": "the label's value (an integer, or true/false for a flag)",
    "d": "delay duration in seconds",
    "grad": "the gradient event to work on",
    "grads": "the gradients to add (a list/cell array of events)",
    "scale": "the factor every amplitude (and area) is multiplied by",
    "timepoint": "where to cut, in seconds from the start of the gradient",
    "angle": "rotation angle in radians",
    "axis": "rotation axis: 'x', 'y' or 'z'",
    "fromvalue": "the value to convert",
    "fromunit": "unit of the value: 'Hz/m', 'mT/m', 'rad/ms/mm' (gradients) or 'Hz/m/s', 'mT/m/ms', 'T/m/s', "
                "'rad/ms/mm/ms' (slew rates)",
    "tounit": "unit to convert to (same choices as the source unit)",
    "gamma": "gyromagnetic ratio in Hz/T (42.576e6 for protons)",
    "rf": "the RF event",
    "pulsetype": "'hypsec' (hyperbolic secant) or 'wurst'",
    "adiabaticity": "adiabaticity factor of the pulse",
    "beta": "AM waveform parameter of the hyperbolic secant",
    "mu": "frequency sweep parameter of the hyperbolic secant",
    "nfac": "number of samples of the pulse shape, as a factor",
    "hint": "name the scanner shows for the adjustable delay (e.g. 'TE')",
    "numid": "numeric id shared by the soft delays that move together",
    "offset": "offset in seconds added to the user's value",
    "factor": "factor the user's value is multiplied by",
    "defaultduration": "duration used until the scanner sets it",
    # mr.opts / pp.Opts
    "gradunit": "unit of the gradient limit: 'Hz/m', 'mT/m' or 'rad/ms/mm'",
    "slewunit": "unit of the slew limit: 'Hz/m/s', 'mT/m/ms', 'T/m/s' or 'rad/ms/mm/ms'",
    "rfringdowntime": "time the RF amplifier needs after a pulse before anything else (e.g. 20e-6 s)",
    "rfdeadtime": "time needed before an RF pulse can start (e.g. 100e-6 s)",
    "adcdeadtime": "time needed before and after sampling (e.g. 10e-6 s)",
    "adcrastertime": "ADC dwell-time raster (100e-9 s on Siemens)",
    "rfrastertime": "RF sample raster (1e-6 s on Siemens)",
    "gradrastertime": "gradient raster (10e-6 s on Siemens); every gradient corner lies on it",
    "blockdurationraster": "raster every block duration is rounded to (the gradient raster by default)",
    "adcsampleslimit": "most samples one ADC may take (larger readouts are split into segments)",
    "adcsamplesdivisor": "ADC segment lengths must be a multiple of this",
    "b0": "main field in tesla (for ppm offsets)",
    "filename": "path of the .seq file",
    "key": "name of the definition, e.g. 'FOV', 'Name', 'ReadoutOversamplingFactor'",
    "timerange": "start and end time in seconds of the part to look at",
}

# Meanings that differ for one function: (function key, option key).
PARAM_OVERRIDES: dict[tuple[str, str], str] = {
    ("make_adc", "delay"): "time from the start of the block to the first sample; raised to the ADC dead time",
    ("make_adc", "duration"): "total acquisition window in seconds (give either this or 'Dwell')",
    ("make_adc", "dwell"): "time between two samples in seconds (give either this or 'Duration'); "
                           "the receiver bandwidth is 1/dwell",
    ("make_delay", "d"): "the delay in seconds (a block of only this duration)",
    ("make_trigger", "delay"): "time before the trigger starts, in seconds",
    ("make_trigger", "duration"): "how long the trigger event lasts (at least the gradient raster)",
    ("make_trigger", "channel"): "which input to wait for: 'physio1' or 'physio2' (Siemens: ECG/pulse)",
    ("make_digital_output_pulse", "channel"): "output channel: 'osc0', 'osc1' or 'ext1'",
    ("make_digital_output_pulse", "duration"): "length of the output pulse in seconds",
    ("make_block_pulse", "duration"): "pulse duration in seconds (or give the bandwidth instead)",
    ("make_arbitrary_grad", "channel"): "gradient axis: 'x', 'y' or 'z'",
    ("seq.write", "name"): "file name of the .seq file to write",
    ("seq.check_timing", "print_errors"): "print the problems found",
    ("calc_duration", "args"): "the events of a block (any number)",
    ("seq.add_block", "args"): "the events to play together, or a block duration",
    ("seq.set_definition", "value"): "the value: a number, a list (the FOV as [x y z] in metres) or text",
    ("seq.set_definition", "val"): "the value: a number, a list (the FOV as [x y z] in metres) or text",
    ("Opts", "maxgrad"): "the scanner's maximum gradient amplitude, in the unit given by the gradient unit "
                         "(Hz/m when none is given)",
    ("Opts", "maxslew"): "the scanner's maximum slew rate, in the unit given by the slew unit (Hz/m/s when none "
                         "is given)",
    ("Opts", "maxb1"): "MATLAB only: the maximum B1 amplitude (default 20 µT), in the unit given by 'b1Unit'",
    ("Opts", "b1unit"): "unit of the B1 limit: 'Hz', 'T', 'mT' or 'uT'",
}

# Short summaries (our own words) of what each function is for; keys are canonical keys (`seq.` for methods,
# MATLAB names for MATLAB-only functions).
SUMMARIES: dict[str, str] = {
    "make_trapezoid": "Makes a trapezoidal gradient on one axis from an area, a flat-top area or an amplitude, "
                      "with durations or the fastest ramps the system allows.",
    "make_sinc_pulse": "Makes a sinc-shaped RF pulse; with a slice thickness it also gives the slice-select "
                       "gradient and its rephaser.",
    "make_block_pulse": "Makes a rectangular (hard, block) RF pulse: constant amplitude, non-selective.",
    "make_gauss_pulse": "Makes a Gaussian-shaped RF pulse, optionally with its slice-select gradient.",
    "make_adiabatic_pulse": "Makes an adiabatic RF pulse (hyperbolic secant or WURST), typically for inversion.",
    "make_arbitrary_rf": "Makes an RF pulse from your own complex waveform, optionally with a slice gradient.",
    "make_adc": "Makes an ADC (readout sampling) event from the number of samples and the dwell time or duration.",
    "make_delay": "Makes a delay event: a block of a given duration with nothing in it.",
    "make_trigger": "Makes an input trigger event: the scanner waits for an external signal (ECG, pulse).",
    "make_digital_output_pulse": "Makes a digital output pulse (an output trigger) the scanner sends to external "
                                 "equipment.",
    "make_label": "Makes a label event that sets or increments a counter/flag (LIN, SLC, ...) for reconstruction.",
    "make_extended_trapezoid": "Makes a gradient from corner points: amplitudes at given times, joined linearly.",
    "make_extended_trapezoid_area": "Makes the shortest gradient with a given area that starts and ends at given "
                                    "amplitudes.",
    "make_arbitrary_grad": "Makes a gradient from an arbitrary waveform sampled on the gradient raster.",
    "make_soft_delay": "Makes a soft delay: a block duration the operator can change at the scanner (e.g. TE).",
    "calc_duration": "Returns the duration of a block: the longest of its events, delays included.",
    "calc_rf_center": "Returns the time of the RF pulse's centre (its peak) and the sample index of it.",
    "calc_rf_bandwidth": "Computes the bandwidth of an RF pulse from its spectrum.",
    "calc_ramp": "Finds ramps that join two k-space points in the shortest time within the limits.",
    "calc_adc_segments": "Splits a long ADC into equal segments that meet the scanner's sample limits (on Siemens "
                         "an ADC of more than 8192 samples must be split; each segment on the gradient raster).",
    "add_gradients": "Adds gradients on one axis into one gradient (their sum).",
    "scale_grad": "Multiplies a gradient by a factor (amplitude and area scale together).",
    "split_gradient": "Splits a trapezoid into its ramp up, flat top and ramp down.",
    "split_gradient_at": "Cuts a gradient at a time point into two gradients.",
    "rotate": "Rotates gradients about an axis by an angle (for oblique or radial acquisitions).",
    "align": "Sets the delays of events in a block so they are aligned left, centre or right.",
    "convert": "Converts gradient amplitudes and slew rates between units (Hz/m, mT/m, T/m/s, ...).",
    "traj_to_grad": "Turns a k-space trajectory into the gradient waveform (and slew) that produces it.",
    "points_to_waveform": "Interpolates amplitude points onto the gradient raster.",
    "add_ramps": "Adds ramps to a trajectory so it starts and ends at zero.",
    "block_to_events": "Unpacks a block into its list of events.",
    "check_timing": "Checks that events lie on the raster and respect dead times (the per-event check).",
    "compress_shape": "Compresses a waveform with the run-length scheme of the .seq format.",
    "decompress_shape": "Expands a shape compressed with the .seq format's run-length scheme.",
    "Opts": "Holds the system limits: maximum gradient and slew rate, raster times, dead times.",
    "Sequence": "The sequence object: blocks are added to it, it is checked, plotted and written to a .seq file.",
    "get_supported_labels": "Lists the label names the toolbox supports.",
    "get_supported_rf_uses": "Lists the RF 'use' values the toolbox supports: 'excitation', 'refocusing', "
                             "'inversion', 'saturation', 'preparation', 'other', 'undefined' (pass one as the pulse's "
                             "`use` so the interpreter knows what the pulse is for).",
    "calc_SAR": "Python only; estimates SAR (deprecated in pypulseq 1.5).",
    "seq.add_block": "Adds a block to the sequence: events that play at the same time.",
    "seq.write": "Writes the sequence to a .seq file.",
    "seq.read": "Reads a .seq file into the sequence object.",
    "seq.plot": "Plots the RF, ADC and gradient waveforms over time.",
    "seq.check_timing": "Checks every block's timing; returns whether it passed and a report of what failed.",
    "seq.calculate_kspace": "Computes the k-space trajectory: at the ADC samples and continuously.",
    "seq.test_report": "Writes a text report about the sequence (timing, k-space, gradient figures).",
    "seq.set_definition": "Sets a definition in the file header (FOV, Name, ...).",
    "seq.get_definition": "Reads a definition of the file header.",
    "seq.duration": "Returns the total duration of the sequence, the number of blocks and event counts.",
    "seq.calculate_pns": "Predicts peripheral nerve stimulation from a scanner's hardware description.",
    "seq.calculate_gradient_spectrum": "Computes the spectrum of the gradient waveforms (acoustic resonances).",
    "seq.evaluate_labels": "Evaluates the label values through the sequence.",
    "seq.flip_grad_axis": "Inverts all gradients on one axis.",
    "seq.mod_grad_axis": "Scales all gradients on one axis by a factor.",
    "seq.get_block": "Returns one block of the sequence by its index.",
    "seq.set_block": "Replaces a block of the sequence.",
    "seq.find_block_by_time": "Finds the block playing at a given time.",
    "seq.waveforms_and_times": "Returns the gradient waveforms and the RF and ADC times of the whole sequence.",
    "seq.install": "Copies the sequence to a scanner (Siemens, over the network).",
    "seq.paper_plot": "Plots the sequence in a compact style for publications.",
    "seq.apply_soft_delay": "Applies values to the sequence's soft delays.",
    "seq.adc_times": "Python only: the times of the ADC samples.",
    "seq.rf_times": "Python only: the times of the excitation and refocusing pulses.",
    "seq.get_gradients": "Python only: the gradient waveforms as piecewise polynomials.",
    "seq.remove_duplicates": "Python only: removes duplicate events from the libraries.",
    "seq.waveforms": "Python only: the decompressed gradient waveforms.",
    "seq.write_v141": "Writes the .seq file in the older v1.4.1 format, for scanners whose interpreter predates "
                      "v1.5 (pypulseq: `seq.write(name, v141_compat=True)`); `seq.write` writes the current format.",
}


def param_meaning(function_key: str, name: str, fallback: str = "") -> Optional[str]:
    """Our description of a parameter (function-specific first), else the fallback (pypulseq's docstring)."""
    key = name.replace("_", "").lower()
    return PARAM_OVERRIDES.get((function_key, name)) or PARAM_OVERRIDES.get((function_key, key)) or PARAMS.get(key) \
        or (fallback or None)

# What outputs are, by the name either toolbox gives them (lower case, no underscores).
OUTPUTS: dict[str, str] = {
    "rf": "the RF event",
    "gz": "the slice-select gradient (only with a slice thickness)",
    "gzr": "the slice-rephasing gradient that follows it",
    "gzreph": "the slice-rephasing gradient that follows it",
    "delay": "a delay event covering the RF ringdown time, to keep the next event clear of it",
    "grad": "the gradient event",
    "grads": "the gradient events",
    "adc": "the ADC event",
    "trig": "the trigger event",
    "del": "the delay event",
    "out": "the resulting struct/value",
    "isok": "true when every block passed",
    "errorreport": "the problems found, one entry per block that failed",
    "texterror": "the problems found, as text",
    "totaldur": "the total duration of the events",
    "duration": "the duration in seconds",
    "numblocks": "the number of blocks",
    "eventcount": "how many events of each kind the sequence holds",
    "tc": "time of the pulse centre from the start of the RF shape, in seconds (add rf.delay for block time)",
    "ic": "index of the RF sample at the centre",
    "bw": "the bandwidth in Hz",
    "fc": "the centre frequency in Hz",
    "spectrum": "the spectrum of the pulse",
    "ktrajadc": "k-space positions of the ADC samples (3 × samples, 1/m)",
    "tadc": "times of the ADC samples",
    "ktraj": "the continuous k-space trajectory",
    "tktraj": "times of the continuous trajectory",
    "texcitation": "times of the excitation pulses",
    "trefocusing": "times of the refocusing pulses",
    "times": "the corner times of the gradient",
    "amplitudes": "the amplitudes at those times",
    "adcsegments": "the number of ADC segments",
    "adcsamplespersegment": "samples per segment",
    "labels": "the label values through the sequence",
    "report": "the report text",
    "value": "the definition's value",
    "block": "the block: a struct with its events",
    "waveform": "the waveform on the gradient raster",
    "g": "the gradient waveform",
    "sr": "the slew rate of that waveform",
    "kout": "the joining k-space points",
    "success": "whether a solution within the limits was found",
    "supportedlabels": "the supported label names",
    "sd": "the soft-delay event",
    "obj": "the sequence object",
    "seq": "the sequence object",
    "ok": "true when it succeeded",
    "sp": "the plot object",
    "digest": "the MD5 digest",
    "id": "the event's id in the library",
}


def output_meaning(name: str) -> str:
    return OUTPUTS.get(name.replace("_", "").lower(), "")


# Functions that go with each other: a question about one is often answered by the other ("how do I then set its
# value?" after a soft delay). Keys are canonical keys; each companion says in a few words what it adds.
SEE_ALSO: dict[str, tuple[tuple[str, str], ...]] = {
    "make_soft_delay": (("seq.apply_soft_delay", "sets the soft delays' values in a built sequence"),),
    "seq.apply_soft_delay": (("make_soft_delay", "makes the adjustable delay"),),
    "make_label": (("get_supported_labels", "lists the label names"), ("seq.evaluate_labels", "follows the values")),
    "make_trigger": (("make_digital_output_pulse", "sends a trigger out instead of waiting for one"),),
    "make_digital_output_pulse": (("make_trigger", "waits for an input trigger instead"),),
    "make_adc": (("calc_adc_segments", "splits a long readout into segments"),),
    "calc_adc_segments": (("make_adc", "makes the ADC with the segment length found"),),
    "split_gradient_at": (("add_gradients", "joins the pieces with their neighbours"),),
    "add_gradients": (("split_gradient_at", "cuts a gradient into the pieces to join"),),
    "make_sinc_pulse": (("calc_rf_center", "the pulse centre for TE arithmetic"),
                        ("calc_rf_bandwidth", "its bandwidth")),
    "make_trapezoid": (("make_extended_trapezoid", "any piecewise-linear shape"), ("scale_grad", "scaled copies")),
    "make_extended_trapezoid": (("make_extended_trapezoid_area", "the shortest one with a given area"),),
    "make_extended_trapezoid_area": (("make_extended_trapezoid", "from corner points"),),
    "traj_to_grad": (("make_arbitrary_grad", "turns the waveform into a gradient event"),),
    "make_arbitrary_grad": (("traj_to_grad", "the waveform from a k-space trajectory"),),
    "seq.check_timing": (("seq.test_report", "TE, TR and k-space figures"),),
    "seq.test_report": (("seq.check_timing", "the timing check itself"),),
    "seq.write": (("seq.check_timing", "check before writing"), ("seq.read", "read a file back")),
    "seq.read": (("seq.get_block", "look at one block"),),
    "seq.calculate_kspace": (("seq.plot", "plots the waveforms"),),
    "make_delay": (("make_soft_delay", "a delay the operator can change"), ("calc_duration", "durations to fill")),
    "calc_duration": (("make_delay", "fills the time left"),),
    "seq.duration": (("calc_duration", "the duration of one block"),),
    "seq.get_block": (("seq.find_block_by_time", "which block plays at a time"),),
}

