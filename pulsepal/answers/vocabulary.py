"""The words MRI people use for what a Pulseq function does, mapped to that function (or how-to note).

Users describe a function rather than name it: "a hard pulse", "wait for the ECG", "convert mT/m to Hz/m". Word
overlap alone (BM25) cannot tell that "hard" means `make_block_pulse`, and a long how-to note that happens to share
words outranks the one-line function it should have lost to. Each entry here is a pattern over the lower-cased
question and the candidates it votes for, with a weight on the ranker's scale (a full match of a specific phrase
is worth about as much as a perfect BM25 match, 1.0). Candidate ids: `api:<key>`, `howto:<stem>`, `template:<stem>`.
"""

from __future__ import annotations

import re

from .phrasings import MORE_TERMS
from .terms import A, H, Term, _t

_PULSE = r"(?:rf )?(?:pulse|excitation|rf)"
# "cut the gradient at the end of the flat top" splits at one time point, not into ramps and flat top
_NOT_AT_A_TIME = r"^(?!.*\bat (the |a )?(end|start|beginning|time|instant|point|t ?=|\d))(?s:.*?)"

TERMS: list[Term] = [
    # --- RF pulses -------------------------------------------------------------------------------------------
    _t(rf"\b(hard|block|rect|rectangular|square|box(?:car)?|non-?selective|constant[- ]amplitude) {_PULSE}",
       A("make_block_pulse", 1.6)),
    _t(r"\bblock pulse\b|\bhard pulse|\brect pulse", A("make_block_pulse", 0.6)),
    _t(r"\bgauss(ian)?\b", A("make_gauss_pulse", 1.6)),
    # a topic named in passing ("my sinc", "an EPI blip", "k-space") is weaker evidence than an action described:
    # alone it stays under the confidence floor unless the rest of the question backs it
    _t(r"\bsinc\b", A("make_sinc_pulse", 0.9), H("slice_selection", 0.3)),
    # ... but a sinc pulse that is the request itself ("non-selective sinc inversion pulse, 6 ms") is that function
    _t(r"^\W*(?:\w+: )?(?:a |an |the |my )?(?:[\w-]+ ){0,4}sinc(?:[- ]shaped)?(?: [\w-]+){0,2} pulse\b(?!.*\bhow\b)",
       A("make_sinc_pulse", 1.4)),
    _t(r"\badiabatic|hyperbolic secant|\bhypsec|\bwurst\b|\b(insensitive|robust|immune)\w* to b1|b1[- ]"
       r"(insensitive|robust)|\b(bad|poor|inhomogeneous|non-?uniform|low|varying) b1\b|\bb1 inhomogeneit",
       A("make_adiabatic_pulse", 1.6)),
    # an inversion pulse is adiabatic unless the question gives its shape ("a sinc inversion pulse")
    _t(r"^(?!.*\b(sinc|gauss\w*|block|hard|rect\w*|slr)\b).*?(\binversion pulse|\binvert (the )?magneti[sz]ation)",
       A("make_adiabatic_pulse", 1.0)),
    _t(r"\bramps? (faster|slower|quicker|shorter|longer)|\brise[- ]?time|\bramp time", A("make_trapezoid", 1.2),
       H("system_limits", 0.8)),
    _t(r"\b(arbitrary|custom|own|user[- ]defined|shaped?) (rf|pulse|waveform for (the )?rf|rf shape)|"
       r"\b(rf|pulse) (from|with) (a|my|an) (own |custom |arbitrary )?(complex |numpy |designed )?"
       r"(waveform|shape|samples)",
       A("make_arbitrary_rf", 1.4)),
    _t(r"\bslr\b|shinnar", ("api:mr.makeSLRpulse", 1.2)),
    _t(r"\b(rf|pulse)('?s)? (center|centre|peak)|\b(center|centre|peak|middle) of (the |an |my )?(rf|pulse)"
       r"|\bisodelay|time of the (rf )?peak|\b(rf|pulse)\b.{0,25}\b(reach|hit|attain)\w* (its |the |a )?(peak|maximum|"
       r"max|cent(er|re))\b|\bpeak (time|point|position|instant) of (the |my |an )?(rf|pulse)",
       A("calc_rf_center", 1.6)),
    _t(r"\bbandwidth of (the |an |my |a )?([\w-]+ )?(rf|pulse)|\b(rf|pulse) bandwidth|spectrum of (the |an |my )?"
       r"([\w-]+ )?(rf|pulse)", A("calc_rf_bandwidth", 1.6)),
    _t(r"\brf power|\bsar\b|specific absorption|energy of (the |an )?(rf|pulse)", ("api:mr.calcRfPower", 1.0),
       A("calc_SAR", 0.6)),
    _t(r"\bbloch|simulate (the |an |my )?(rf|pulse)|slice profile", ("api:mr.simRf", 1.4)),
    _t(r"\brf shim|\bptx\b|parallel transmi", ("api:mr.makeRfShim", 1.4)),
    _t(r"\bslice[- ]?(select(ive|ion)?|thickness)\b", H("slice_selection", 0.9), A("make_sinc_pulse", 0.3)),
    _t(r"\b(move|shift|offset) (the )?slice|slice (offset|position|loop)|multi[- ]?slice|frequency offset|"
       r"(multiple|several|more|many|\d+) slices|interleav\w* slices", H("slice_selection", 1.2)),
    _t(r"\brephas(er|ing)|refocusing (lobe|gradient)", H("slice_selection", 0.5)),
    # --- gradients -------------------------------------------------------------------------------------------
    _t(r"\btrapezoid(al)?\b|\btrap\b", A("make_trapezoid", 1.0)),
    _t(r"\b(readout|read-out|frequency[- ]encod\w*) gradient|\bprephas|\bgradient (lobe|with (a|an) (given )?area)"
       r"|\bflat[- ]?(top|time|area)", A("make_trapezoid", 0.7)),
    _t(r"\bextended trapezoid|piecewise[- ]linear|\bcorner points|times? (points )?and amplitudes|amplitudes at "
       r"(given )?(times|time points)|list of (time points|times)", A("make_extended_trapezoid", 1.6)),
    _t(r"(extended trapezoid|gradient|lobe).{0,40}\barea\b.{0,60}\b(start|end|non-?zero|begin)"
       r"|shortest (gradient|lobe|waveform).{0,80}area.{0,80}\b(start|end|non-?zero|begin)"
       r"|(start|begin)\w* (at|with|from) (a )?non-?zero|\bfrom (one|a|an|some|a given) (gradient )?(amplitude|value|"
       r"strength) to (another|a second|a different|an other)\b.{0,60}\barea|\barea\b.{0,60}\bfrom (one|a|an|some) "
       r"(gradient )?(amplitude|value|strength) to (another|a second|a different)\b",
       A("make_extended_trapezoid_area", 1.8)),
    # the gradients of a spiral are a waveform (from its k-space trajectory), whatever words sit between; what is
    # done to gradients already made (rotated per interleave, scaled) is another function's job
    _t(r"^(?!.*\b(rotat|scal|shift|flip|mirror|revers)\w*)(?s:.*?)(\bspiral( [\w-]+)? gradients?\b|\bgradients? "
       r"(for|of) (a |the |my |each )?spiral)",
       A("make_arbitrary_grad", 1.3), A("traj_to_grad", 1.0)),
    # an EPI blip is a short trapezoid on the phase axis: making one is make_trapezoid's job
    _t(r"\b(make|create|build|design|get|add)\b.{0,30}\bblips?\b|\bblips?\b.{0,20}\b(made|built|created)\b",
       A("make_trapezoid", 1.2)),
    _t(r"\b(arbitrary|custom|free-?form|sampled|own|spiral) gradient|gradient (from|with) (a|an|my) "
       r"(own |custom |arbitrary )?(waveform|samples|shape)|\bgradient waveform\b"
       r"|\bgradient samples\b|\bsamples? (of|for) (a |the |my )?gradient\b", A("make_arbitrary_grad", 1.3)),
    # a shape a trapezoid cannot have: the gradient is an arbitrary waveform
    _t(r"\b(sinus\w*|sine|cosine|sin|cos|oscillat\w*|chirp\w*)(-shaped| shaped| shape)? gradient|"
       r"\bgradient\b.{0,30}\b(sinus\w*|sine|cosine|oscillat\w*|"
       r"chirp\w*)\b", A("make_arbitrary_grad", 1.7)),
    _t(r"\b(add|sum|superimpose|superpose|combine|merge|adding|summing|combining)( up)? (two |several |multiple "
       r"|the |my )?(gradients|gradient waveforms|grads)|\bsum of (two |several )?gradients|superposition"
       r"|\b(add|sum|combin|merg|superimpos|superpos)\w*\b.{0,30}\bgradients?\b.{0,40}\b(into one|together|single|"
       r"one waveform|one gradient|same (channel|axis))", A("add_gradients", 1.8)),
    _t(r"\b(scal|multipl|negat|invert|revers|flip)\w* (the (sign|polarity|direction) of )?(a |the |my |an |an existing "
       r"|existing |every |each )?((?!(x|y|z|all|whole)\b)[\w-]+ ){0,2}(gradient|grad|trapezoid|prephaser|rephaser|"
       r"rewinder|lobe|blip)s?\b"
       r"|\b(gradient|trapezoid)\w* by a (factor|scalar|constant)", A("scale_grad", 1.8)),
    _t(r"\b(split|cut|divide|break)\w* (a |the |my )?([\w-]+ )?(gradient|trapezoid|grad|blip|lobe)\b.{0,60}\b(at|"
       r"time point|point|instant|middle|half|halves|centre|center)\b", A("split_gradient_at", 2.4)),
    _t(_NOT_AT_A_TIME + r"\b(split|cut|divide|break)\w* (a |the |my )?([\w-]+ )?(gradient|trapezoid|grad)\b.{0,40}"
       r"\b(ramps?|rise|"
       r"flat top|three parts|slew up)", A("split_gradient", 2.0)),
    _t(r"\bsplit\w* (a |the |my )?(gradient|trapezoid)", A("split_gradient_at", 0.8), A("split_gradient", 0.7)),
    _t(r"\b(rotat\w*|oblique|angulat\w*|orientation)\b", A("rotate", 1.6), ("api:mr.rotate3D", 0.3),
       ("api:mr.makeRotation", 0.3)),
    _t(r"rotation matrix|3d rotation|rotate3d", ("api:mr.rotate3D", 1.2), ("api:mr.makeRotation", 1.0)),
    _t(r"\balign\w*|\bleft[- ]align|\bright[- ]align|\bcent(er|re) (the )?events", A("align", 1.8)),
    _t(r"\b(mt/m|hz/m|t/m/s|hz/m/s|mt/m/ms|rad/ms/mm|g/cm)\b.{0,30}\b(to|into|in)\b\s*(the |pulseq'?s? |its |"
       r"toolbox'?s? )?(internal )?(mt/m|hz/m|t/m/s|hz/m/s|mt/m/ms|"
       r"rad/ms/mm|g/cm|khz/m|pulseq|pypulseq|internal|si)\b|\bconvert\w* (the |a )?"
       r"(unit|gradient amplitude|amplitude|slew)|\bunit conversion|\bconvert\w* .{0,20}(mt/m|hz/m|t/m/s)",
       A("convert", 2.0)),
    _t(r"\btrajectory (in)?to (a )?gradient|gradient from (a |the )?(k-?space )?trajectory|\btraj2grad",
       A("traj_to_grad", 1.8)),
    _t(r"\binterpolat\w* .{0,30}(raster|points|amplitudes)|points? to (a )?waveform", A("points_to_waveform", 1.4)),
    # a ramp between two gradient amplitudes ("ramp from 0 to 10 mT/m") is one gradient, not a k-space helper
    _t(r"\badd\w* ramps?\b|\bramps? (up |down )?(to|from) (k ?= ?0|zero|0|the cent)"
       r"(?! ?(to|-) ?[\d.]+ ?(mt/m|hz/m|g/cm|t/m))", A("add_ramps", 1.6)),
    _t(r"\bramps? (up |down )?(from )?[\d.]+ ?(mt/m|hz/m|g/cm)? ?(to|-) ?[\d.]+ ?(mt/m|hz/m|g/cm|t/m)\b|"
       r"\bramps? (up |down )?(to|from) (zero|0) (to|-) ?[\d.]+ ?(mt/m|hz/m|g/cm)", A("make_extended_trapezoid", 2.0)),
    _t(r"\bjoin .{0,20}k-?space (points|positions)|(shortest|minimal) time between k-?space|\b(join|connect|link|"
       r"bridge)\w*\b.{0,20}\b(two |the )?gradient (values|amplitudes|strengths|levels)\b", A("calc_ramp", 1.6)),
    _t(r"\bspoil(s|ing|ed)?\b|\bcrush(es|ing|ed)?\b|\bdephas(e|es|ing)\b|residual (transverse )?magneti|"
       r"\brf[- ]spoil|\b(rf |pulse |excitation )?phase\b.{0,40}\b(increment|cycl|chang|step|advanc|rotat)\w*\b.{0,40}"
       r"\b(each|every|per|from) (tr|shot|excitation|repetition|pulse|one tr)", H("spoiler", 1.3)),
    _t(r"\bspoilers?\b|\bcrushers?\b", H("spoiler", 0.9)),
    # the phase of the pulses and the receiver per TR: alternating, phase cycling, "same phase as the pulse"
    _t(r"\b(adc|receiver|readout)('s)? phase\b|\badc\b.{0,40}\b(pulse|rf)('s|s')? phase\b|"
       r"\bphase of the (adc|receiver)\b|\bsame phase as (the|my) (pulse|rf)\b|"
       r"\b(pulse|rf) phase\b.{0,40}\b(every|each|per|from one) (tr|repetition|pulse)\b|\b(flip|alternat|invert|"
       r"toggl|chang)\w* (the )?(pulse |rf )?phase\b.{0,30}\b(180|pi|sign|every|each)\b|\bphase[- ]cycl\w*\b",
       H("rf_phase", 1.8)),
    _t(r"\bfat[- ]?(sat\w*|suppress\w*)|chemical[- ]shift (sat|selective)|spectral(ly)? (selective|saturation)"
       r"|\bfatsat|water[- ]?(only|selective)", H("fat_saturation", 2.0), A("make_gauss_pulse", 0.4)),
    _t(r"\bgyromagnetic|\bgamma\b|\blarmor|\b(internal|default|which|what) units?\b|\bunits? (does|do|of|for)\b|"
       r"\bhz/m\b.{0,20}\b(mean|why|unit)|\bdefaults?\b.{0,40}\b(opts|limits?|gradient|slew|raster)",
       H("units_defaults", 1.6)),
    _t(r"\braster\b", H("raster_rounding", 0.8)),
    _t(r"\bmultiple of\b|\bnot (on|aligned)|\brounding\b|\bround (up|to|it)\b|fails? the timing",
       H("raster_rounding", 1.4)),
    _t(r"\b(dwell|adc|delay|duration|block)\w*\b.{0,40}\b(multiple|raster|granularity|rounded)\b",
       H("raster_rounding", 1.8), H("units_defaults", 1.0)),
    _t(r"\bphase[- ]?encod\w*|\bky\b|\bk-?space lines?\b|\bblips?\b|\brewind\w*", H("phase_encoding", 0.8)),
    _t(r"\bgradient spectrum|acoustic|forbidden frequenc|mechanical resonanc", A("seq.calculate_gradient_spectrum",
       1.6)),
    # "I want to compute the PNS myself": the waveforms are asked for, not our PNS model
    _t(r"^(?!.*\b(myself|my own|by hand|ourselves|own (pns )?(model|code|calculation|script|tool)|externally)\b)"
       r"(?s:.*?)(\bpns\b|peripheral nerve|nerve stimulation|stimulat\w* (the )?(patient'?s? )?nerves?|nerves?\b.{0,20}"
       r"\bstimulat)", A("seq.calculate_pns", 1.8)),
    _t(r"\b(myself|my own|by hand|own (model|code|calculation|script|tool))\b.{0,60}\b(pns|nerve)|\b(pns|nerve "
       r"stimulation)\b.{0,60}\b(myself|my own|by hand|own (model|code|calculation|script|tool))\b",
       A("seq.waveforms_and_times", 1.6)),
    _t(r"\b(flip|invert|mirror)\w* (all )?(the )?gradients? (on|along|of) (an |the |one )?(axis|x|y|z)"
       r"|\bflip (the )?gradient axis", A("seq.flip_grad_axis", 1.6)),
    _t(r"\bscale (all )?(the )?gradients? (on|along|of) (an |the |one )?(axis|channel)", A("seq.mod_grad_axis", 1.6)),
    _t(r"\b(hexagon|hexagonal)", ("api:mr.makeHexagonGradientArea", 1.2)),
    _t(r"\b(gradient )?moments?\b|\bb-?(value|tensor|matrix)\b", ("api:seq.calcMomentsBtensor", 0.9)),
    # --- ADC, timing, triggers -------------------------------------------------------------------------------
    _t(r"\badcs?\b|\banalog[- ]to[- ]digital|\breadout (event|samples)|\bacquire (the )?(data|samples|signal|echo)",
       A("make_adc", 0.9)),
    _t(r"\bsampl(e|es|ing)\b", A("make_adc", 0.6)),
    _t(r"\b(create|make|build|define|construct)\w* (a |an |the |my )?(adc|acquisition|sampling) (event|window)\b",
       A("make_adc", 0.9)),
    # what is made is the head of the request: "make an ADC that covers the flat top" asks for the ADC
    _t(r"\b(create|make|build|define|construct|set up|need|want)\w* (a |an |one |the |my )?(new |single |separate )?"
       r"adcs?\b(?! (dead|raster|delay|dwell|samples? limit))", A("make_adc", 1.8)),
    _t(r"\b(max(imum)?|how many|limit (of|on)|more than)\b.{0,20}\bsamples\b", A("calc_adc_segments", 1.6)),
    _t(r"\bdwell|receiver bandwidth|readout bandwidth|\bbandwidth per pixel|hz/pixel|\bbw\b", A("make_adc", 1.0),
       H("system_limits", 0.2)),
    _t(r"\b(split|segment)\w* (the |an |my )?(long )?adc|adc segment|\b(8192|more than \d+ samples)|adc samples? "
       r"limit", A("calc_adc_segments", 1.8)),
    _t(r"\bdelay\b|\bdelays\b|\bwait(ing)? \d|\bpause|\bempty block|\bdead ?time (block|event)|\bfill (the )?"
       r"(rest of (the )?)?(tr|time)", A("make_delay", 0.9)),
    _t(r"\bsoft[- ]?delay|adjust\w* (te|tr|the delay) (at|on) the (scanner|console)|change (te|tr) (at|on) the "
       r"(scanner|console)", A("make_soft_delay", 2.0)),
    _t(r"\btrigger|\becg\b|\bekg\b|\bcardiac|\bgating|\bgated\b|\bphysio|pulse[- ]?ox|respiratory|heart ?beat"
       r"|external signal", A("make_trigger", 1.3)),
    _t(r"\boutput trigger|trigger (out|output)|\bdigital output|\bttl\b|\bosc0|\bosc1|\bext1|send (a |an )?"
       r"(trigger|pulse|signal)|trigger (an |the )?(external|stimulus|device|camera|equipment)|sync(hroni[sz]\w*)? "
       r"(pulse|signal) (to|for)", A("make_digital_output_pulse", 2.4), damps=("api:make_trigger",)),
    _t(r"\blabels?\b|\bcounters?\b|\bmdh\b|\bloop counter|\b(lin|par|slc|seg|rep|avg|eco|phs) (label|counter)"
       r"|reconstruction (flag|label|counter)|\bflags? for (the )?recon", A("make_label", 1.3)),
    _t(r"\blabel\w* (the |each |every )?(slice|line|partition|echo|repetition|average|set|phase|segment|contrast)s?"
       r"\b", A("make_label", 2.0)),
    _t(r"\btrid\b|\b(tag|mark|label)\w*\b.{0,40}\b(where )?(each |every |a )?segments?\b.{0,30}\b(starts?|begins?|"
       r"ids?)\b|\bsegment (ids?|tags?|labels?)\b", A("make_label", 1.8)),
    _t(r"\bline (number|index|counter)|\bso (that )?the recon\w*|sort the (data|lines|k-?space)|(tell|let) the recon",
       A("make_label", 2.0)),
    _t(r"\b(tag|mark|flag|label|annotat)\w* (each |every |the |all |which )?([\w-]+ )?(readouts?|lines?|adcs?|"
       r"echo(es)?|scans?|shots?)\b|\bso (that )?the recon\w*|recon\w* (can |could )?(sort|flip|know)|sort the data",
       A("make_label", 1.6)),
    _t(r"\bevaluat\w* (the )?labels|label values", A("seq.evaluate_labels", 1.4)),
    _t(r"\bduration of (a|an|the|my|this) (block|event|gradient|pulse|rf|adc|lobe|trapezoid|events)|how long "
       r"(is|does|will|lasts?) (a|an|the|my|this) (block|event|gradient|pulse|lobe|trapezoid)|\bblock duration",
       A("calc_duration", 1.6)),
    _t(r"\b(total|whole|overall) (sequence |scan )(duration|time|length)|\bscan time|how long (is|does|will) (the|my) "
       r"(whole )?(sequence|scan)|(total )?duration of (the|my) (whole )?(sequence|scan)|\b(total|whole|overall|entire)"
       r" (time|duration|length) of (the|my|this) (whole |entire )?(sequence|scan|acquisition|protocol)",
       A("seq.duration", 1.8)),
    _t(r"\b(te|tr|echo time|repetition time)\b", H("te_tr_timing", 0.7)),
    # a TR or TE that changes through the scan is set by the delay of each repetition: the timing note
    _t(r"^(?!.*\b(multi-?echo|echo trains?|several echoes|multiple echoes|each echo)\b).*?"
       r"\b(variable|varying|different|changing|alternating|increasing|several)\s+(trs?|tes?|repetition times?|echo "
       r"times?)\b|\b(vary|change|alternate|increase|step)\w*\s+(the\s+)?(trs?|tes?|repetition time|echo time)\b"
       r".{0,40}\b(each|every|per|from one|between|next|repetitions?|shots?|lines?)\b", H("te_tr_timing", 1.2),
       A("make_delay", 0.6)),
    _t(r"\braster|\bdead ?times?|\bring-?down|\bslew|\bmax(imum)? gradient|gradient (limit|strength)|\bsystem "
       r"(limits|settings|object|struct|specs)|\bscanner (limits|hardware|specs)|\bhardware limits",
       H("system_limits", 0.8), A("Opts", 0.6)),
    # --- the sequence object ---------------------------------------------------------------------------------
    _t(r"\b(add|append|put|insert|play)\w* (a |the |an |my |these |those )?(block|events?|objects?)\b"
       r"|\bsame block\b|\bsimultaneous(ly)?\b|\bat the same time", A("seq.add_block", 1.0)),
    # "write a sequence with a variable TR" is programming one, not writing a file: a sequence then described
    _t(r"\b(write|save|export|output|store)\w* (the |a |my |it )?(\.seq|seq\b|file)|\.seq file|"
       r"\b(save|export|output|store)\w* (the |a |my |it )?sequence|\bwrite\w* (the |my |it )?sequence|"
       r"\bwrite\w* (an? )?sequence(?! (with|that|where|which|using|for|in which|whose|having)\b)",
       A("seq.write", 1.0), H("write_seq_file", 0.8)),
    # taking the file to one vendor's scanner: the interpreters and, for GE, the conversion (a raster "on GE" is
    # vendor_facts' value, not this)
    _t(r"\b(export|run|convert|use|play|execute|transfer|install|get|port|send|load|work|compatible)\w*\b.{0,40}\b(on|"
       r"for|to|with|into) (a |an |the |my |our )?(siemens|ge|general electric|philips|united imaging|uih|bruker|canon|"
       r"other vendors?|vendors?'?s?)\b(?!.{0,20}\binterpreter)|\bvendor[- ](neutral|independent|agnostic)",
       H("vendors", 1.6)),
    _t(r"\b(pulseq )?interpreters?\b|\bpge2\b|\bpulceq\b|\bseq2ceq\b", H("vendors", 0.9)),
    # simulating or testing the whole sequence (not one pulse's profile): the checks, the report and simulators
    _t(r"\bsimulat\w*\b(?!.{0,30}\b(rf|pulses?|slice profile|excitation profile)\b).{0,40}\b(sequence|seq|image|"
       r"images|scan|signal|phantom)|\b(sequence|\.seq)\b.{0,30}\bsimulat\w*|\bsimulators?\b|\b(test|check|"
       r"verify|validate|try)\w*\b.{0,30}\b(sequence|seq)\b.{0,30}\b(before|without)\b.{0,20}\b(scanner|"
       r"magnet|hardware)|\bdry[ -]run\b", H("simulate_check", 1.6), A("seq.check_timing", 0.4)),
    _t(r"\b(read|load|open|import|parse)\w* (?:(?:a|an|the|my|existing|this|that|in|back)\s+){0,3}"
       r"(\.seq|seq|sequence)\b", A("seq.read", 1.3), damps=("api:seq.write", "howto:write_seq_file")),
    _t(r"\b(plot|visuali[sz]e|display|draw|show)\w* (the |a |my )?(sequence|waveforms|diagram|timing diagram|"
       r"gradients|rf)", A("seq.plot", 1.2)),
    _t(r"\bplot\w*\b.{0,30}\b(trs?|repetitions|blocks|time range|part of|first|segment|window|zoom)\b",
       A("seq.plot", 1.6)),
    _t(r"\b(check|verify|validate|test)\w* (the |my |a )?(timing|sequence timing|sequence|block timing)|timing "
       r"(error|check|problem|report)", A("seq.check_timing", 1.4)),
    _t(r"\bk-?space( trajectory)?|\bktraj|\btrajectory\b", A("seq.calculate_kspace", 0.8), H("kspace_plot", 0.6)),
    _t(r"\b(plot|draw|visuali[sz]e|show|display)\w* (the |my |a )?(k-?space|trajectory)", H("kspace_plot", 1.6)),
    _t(r"\b(test|sanity) report|report (on|about|of) (the |my )?sequence|sequence (report|statistics)",
       A("seq.test_report", 1.6)),
    _t(r"\breports?\b", A("seq.test_report", 1.1)),
    _t(r"\b(summary|overview|report)\b.{0,40}\b(te|tr|fov|max(imum)? grad\w*|of (my|the) (finished |whole )?"
       r"sequence)\b",
       A("seq.test_report", 1.8)),
    _t(r"\b(join|connect|link|bridge)\w*\b.{0,20}\bk-?space (points|positions|locations)|\bshortest\b.{0,30}\bramps?\b"
       r".{0,20}\bbetween\b|\bfrom one k-?space point to another", A("calc_ramp", 1.8)),
    _t(r"\bdefinitions?\b|\bheader\b|\bfov (in|into) the (file|header)|\bmetadata", A("seq.set_definition", 1.2)),
    _t(r"\b(read|reads|reading|get|gets|retrieve|retrieving|query|look up|access)\b (the |a |its )?(stored )?"
       r"(definitions?|header|fov)\b",
       A("seq.get_definition", 1.8)),
    _t(r"\bget (a |the )?block|inspect (a |the )?block|block (number|index) \d*|\bread back (a |the )?block"
       r"|(look at|examine|extract|inspect|access) (one of |a |the )?(its |the )?blocks?", A("seq.get_block", 1.4)),
    _t(r"\bblock (at|playing at|for|active at|running at) (a |the |one )?(given |specific |certain |particular )?"
       r"(time|instant|moment|time ?point)|which block .{0,20}time|which block\b.{0,30}\b(at|playing)\b"
       r".{0,8}(t\s*=|\d)", A("seq.find_block_by_time", 1.6)),
    _t(r"\bwaveforms? (of|from) the (whole |entire )?sequence|all (the )?waveforms|export (the )?waveforms",
       A("seq.waveforms_and_times", 1.4)),
    _t(r"\binstall\w* (the |a |my )?sequence|\b(install|copy|upload|transfer|send|put)\w* (the |a |my )?(sequence|seq|"
       r"\.seq|file)\b.{0,30}\b(scanner|siemens|console|host)", A("seq.install", 1.8)),
    _t(r"\bsound|\bplay (the )?gradients|listen", ("api:seq.sound", 1.4)),
    _t(r"\bsequence object|new sequence|create (a |an |the )?(empty )?sequence\b", A("Sequence", 1.0)),
    # --- broader phrasings of what people want done ---------------------------------------------------------
    _t(r"\b(wait|pause|hold|halt|stop)\w*\b.{0,30}\b(until|for|till)\b.{0,40}\b(ecg|ekg|r-?wave|trigger|signal|"
       r"heart ?beat|cardiac|physio\w*|pulse ?ox\w*|breath\w*|respirat\w*)|\bsynchroni[sz]\w* (with|to) (the )?"
       r"(heart|ecg|cardiac|breathing|respiration|physio)", A("make_trigger", 2.0)),
    _t(r"\b(wait|pause|idle|nothing)\w*\b.{0,15}\b\d+(\.\d+)? ?(ms|s|us|µs)\b|\bempty (block|time|gap)|\bgap of\b",
       A("make_delay", 1.4)),
    _t(r"\b(record|acquire|collect|take|sample|digiti[sz]e|read)\w*\b.{0,25}\b\d+\s*(samples|points|data points)"
       r"|\b\d+\s*(samples|points)\b.{0,40}\b(readout|window|flat top|adc)", A("make_adc", 1.8)),
    _t(r"\bhow long (does|will|do) .{0,30}\b(take|last)|\blength of (the |a |my |this )?(block|event|gradient|pulse)",
       A("calc_duration", 1.4)),
    _t(r"\b(load|import|read|use)\w* (a |my |an |the )?(own |custom |external )?(rf |pulse )(shape|waveform|envelope)"
       r"|\b(pulse|rf) (shape|waveform|envelope) (from|in) (a |my )?(file|array|vector|samples)",
       A("make_arbitrary_rf", 1.8)),
    _t(r"\b(from|turn|convert)\w* (a |my |the )?(k-?space )?trajector\w*.{0,20}\b(gradient|waveform)",
       A("traj_to_grad", 1.8)),
    _t(r"\bsar\b|rf power|rf energy|power deposition|specific absorption", ("api:mr.calcRfPower", 1.2)),
    _t(r"\b(compute|calculat|get|check|what|verif|confirm|validat|evaluat|measur|determin)\w*\b.{0,30}\bb-?values?\b"
       r".{0,30}\b(my |the )?(sequence|gradients)|\bb-?(tensor|matrix)\b.{0,30}\b(of|for) (my |the |a )?([\w-]+ )?"
       r"(sequence|scan|gradients)",
       ("api:seq.calcMomentsBtensor", 1.8)),
    _t(r"\bexceed\w*\b.{0,30}\blimit|\b(amplitude|slew|gradient)\b.{0,20}\b(too (high|large|big)|exceed\w*)|requested"
       r" area is too large|violat\w* (the )?(gradient|slew|hardware) limit", H("system_limits", 1.6),
       A("make_trapezoid", 0.5)),
    _t(r"\bdead ?time\b.{0,30}\b(violat|error|fail|problem)|\b(violat|error|fail)\w*\b.{0,40}\bdead ?time",
       H("system_limits", 1.8)),
    _t(r"\b(finish|end|start|begin|stop)\w*\b.{0,40}\b(exactly when|at the same time|together|simultaneously|same "
       r"(time|moment))", A("align", 2.0)),
    _t(r"\bk-?space (positions?|coordinates|locations|points) of|\b(positions?|coordinates) in k-?space|"
       r"trajectory for (my |the )?recon", A("seq.calculate_kspace", 2.0)),
    _t(r"\bexport\w* (the |all |my )?(gradient )?waveforms|waveforms? (to|into|as) (a )?(text|csv|file|array|numpy)",
       A("seq.waveforms_and_times", 1.8)),
    _t(r"\b(timing|waveforms?) of (my |the )?(first|last|few|\d+)|\bsee the timing\b", A("seq.plot", 1.5)),
    _t(r"\b(excitation|refocusing) pulse\b|time[- ]bandwidth", A("make_sinc_pulse", 0.9)),
    _t(r"\bnumber of blocks|how many blocks|block count", A("seq.duration", 1.8)),
    _t(r"\b(make|build|create|define|play|turn|use)\w*\b.{0,30}\bgradient\b.{0,40}\b(array|numpy|vector|list of "
       r"(values|amplitudes|samples))|\b(array|numpy|vector)\b.{0,30}\b(in|into) (a )?gradient",
       A("make_arbitrary_grad", 1.8)),
    _t(r"\buse\b.{0,25}\b(option|argument|values?|parameter|keyword)|\brf use\b|supported (rf )?uses?",
       A("get_supported_rf_uses", 1.6)),
    _t(r"\b(which|what|list|supported|available) (of the )?labels\b", A("make_label", 2.0),
       A("get_supported_labels", 0.8)),
]

ALL_TERMS: list[Term] = TERMS + MORE_TERMS
_WS = re.compile(r"\s+")
_PUNCT = re.compile(r"[()\[\]{},;:!?\"`*]")


# "non slice selective", "without a slice gradient": the words of slice selection, negated. Read as one word that
# no slice-selection term matches (a negation would otherwise vote for what the user says they do not want).
_NO_SLICE = re.compile(r"\b(?:non|not)[- ]?slice[- ]?selective\b|\b(?:without|no) (?:a |any |the )?slice[- ]?"
                       r"(?:select\w*|gradient)\b")


def normalise(text: str) -> str:
    """Lower case, one space between words, hyphen forms kept (the patterns allow both); negated slice selection as
    one word, "nonselective"."""
    return _NO_SLICE.sub("nonselective", _WS.sub(" ", _PUNCT.sub(" ", text.lower())).strip())


def votes(text: str) -> dict[str, float]:
    """Each candidate's vocabulary score: the strongest matching term per candidate, plus a little for others."""
    low = normalise(text)
    best: dict[str, list[float]] = {}
    damped: set[str] = set()
    for term in ALL_TERMS:
        if term.pattern.search(low):
            for cid, w in term.votes:
                best.setdefault(cid, []).append(w)
            damped.update(term.damps)
    out = {cid: max(ws) + 0.25 * (sum(ws) - max(ws)) for cid, ws in best.items()}
    for cid in damped & set(out):
        out[cid] *= 0.5
    # the sequence object, adding a block and writing the file are the setting of most questions, not their
    # subject: when something specific is asked for too, they step back
    if any(w >= 1.3 for cid, w in out.items() if cid not in CONTEXT):
        for cid in CONTEXT & set(out):
            if max(best[cid]) < 1.3:  # a passing mention; a phrase that asks for it keeps its weight
                out[cid] *= 0.6
    return out


CONTEXT = frozenset({"api:Sequence", "api:seq.add_block", "api:seq.write", "howto:write_seq_file"})
