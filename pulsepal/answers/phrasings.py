"""More ways people describe what they want, beyond the core vocabulary (vocabulary.py): everyday verbs ("turn the
spoke by phi", "how long will these events take", "load the file back"), the words of other vendors' and
textbooks' descriptions ("receiver window", "gradient lobe", "breakpoints"), and common misspellings.

Each phrasing names the action or object a function exists for, so it holds for questions not seen yet; weights
follow the core table (about 1.0 for a phrase that could mean two things, 1.6 to 2.0 for one that can only mean
this function).
"""

from __future__ import annotations

from .terms import A, H, M, Term, _t

# anchored where used ("^" + it): unanchored, a search retries the lazy prefix (and a lookahead over the
# rest of the text) from every position, quadratic in the question's length (19,000 characters took 60 s)
_LIBRARY = (r"(?s:.*?)(\b(stor|put|add|keep|cach|sav|load|insert)\w*\b.{0,40}\b(event |sequence'?s? )?librar(y|ies)\b|"
            r"\b(event |sequence'?s? )?librar(y|ies)\b.{0,30}\b(once|up ?front|in advance|beforehand|ahead|before the "
            r"loop))")

_PULSE = r"(?:rf )?(?:pulse|excitation|rf|90|180)"

MORE_TERMS: list[Term] = [
    # --- RF pulses ------------------------------------------------------------------------------------------------
    _t(rf"\b(hard|rectangle|rectangualr|rectangluar|square[- ]?shaped|box[- ]?shaped|broadband|global) {_PULSE}"
       r"|\bconstant (rf|b1)\b|\bnon[- ]?selective (90|180|inversion|refocus\w*|rf|pulse|excitation)",
       A("make_block_pulse", 1.6)),
    _t(r"\bg(a)?u(a)?ss?ian|\bguass", A("make_gauss_pulse", 1.6)),
    _t(r"\bsinc[- ]?shaped|\bwindowed sinc|\bhamming|\bhanning|\bapodi[sz]", A("make_sinc_pulse", 1.2)),
    _t(r"\b(my|own|custom|external|imported|designed|numpy|precomputed|pre-computed) (complex )?(rf )?"
       r"(waveform|shape|array|envelope|samples)\b.{0,60}\b(pulse|rf|excitation)|\b(turn|make|convert|use)\w*\b"
       r".{0,40}\b(array|waveform|samples|envelope)\b.{0,40}\b(into|as) (a |an |the )?(rf|pulse)",
       A("make_arbitrary_rf", 1.8)),
    _t(r"\bshinnar|\ble ?roux\b|\bslr[- ]?(designed|pulse|excitation|refocus\w*)?\b", M("mr.makeSLRpulse", 1.9)),
    _t(r"\bwhen (is|does) (the |my )?(rf|pulse)('s)? (cent(er|re)|peak)|\b(cent(er|re)|peak|isodelay) of "
       r"(the |my |an )?(rf|pulse|excitation)|\brf cent(er|re)\b", A("calc_rf_center", 1.6)),
    _t(r"\bhow wide .{0,30}\b(pulse|rf|excitation)\b.{0,20}(frequency|spectrum|hz)|\bfrequency (response|profile|"
       r"content) of (the |my |an )?(pulse|rf)|\bfwhm\b|\bfull width", A("calc_rf_bandwidth", 1.6)),
    _t(r"\b(peak|rms|mean|average|total) (rf )?(power|b1|energy)\b|\bb1 ?rms\b|\bpower of (the |an |a |my )?(rf|pulse)"
       r"|\b(rf|pulse)('s)? (energy|power)\b", M("mr.calcRfPower", 1.6), M("seq.calcRfPower", 1.0)),
    _t(r"\b(sar|rf power|b1 ?rms|rf energy) of (the |my )?(whole |entire )?(sequence|protocol|scan)",
       M("seq.calcRfPower", 1.9)),
    _t(r"\bsimulat\w*\b.{0,30}\b(pulse|rf|excitation|slice profile|magneti[sz]ation)|\bbloch (simulation|equation)",
       M("mr.simRf", 1.6)),
    # --- gradients --------------------------------------------------------------------------------------------
    _t(r"\btrape[sz]\w*|\btrapezi\w*|\btrapeziod\w*", A("make_trapezoid", 1.0)),
    _t(r"\bgradient (lobe|pulse|blip)\b|\b(slice[- ]select(ion|ive)?|phase[- ]encod\w*|readout|read[- ]out|spoiler|"
       r"crusher|prephas\w*|rephas\w*|rewind\w*|dephas\w*) (gradient|lobe|trapezoid)",
       A("make_trapezoid", 0.8)),
    _t(r"\b(from|with|given|know|using) (its |the |an |a |my )?(amplitude|strength) and (its |the |a )?"
       r"(flat[- ]?(top|time)|duration)|\bgradient (with|of) (a )?(given|certain|specific|fixed|known) (area|amplitude|"
       r"duration|moment|flat)", A("make_trapezoid", 1.6)),
    _t(r"\b(shortest|fastest|quickest|minimum[- ]duration|time[- ]optimal) (gradient|lobe|trapezoid|blip)\b",
       A("make_trapezoid", 1.3)),
    _t(r"\b(several|multiple|a few|list of|some) (points|corners|breakpoints|vertices|knots)\b|\bbreakpoints\b|"
       r"\bcorners?\b.{0,30}\bgradient|\bgradient\b.{0,40}\b(corners?|breakpoints|vertices)\b|\bpiece-?wise\b",
       A("make_extended_trapezoid", 1.6)),
    _t(r"\bsample[- ]by[- ]sample|point[- ]by[- ]point|\b(computed|calculated|designed|precomputed|numerical|"
       r"numeric) (gradient )?waveform|\bwaveform (i|that i) (computed|calculated|designed|have)",
       A("make_arbitrary_grad", 1.6)),
    _t(r"\b(reuse|re-use|same) .{0,30}gradient .{0,40}(different|other|new|varying) (amplitude|strength|area|sign|"
       r"polarity)|\b(change|adjust|set|modify|vary)\w* (the )?(amplitude|strength|area|sign) of "
       r"(an existing |a |the |my )?(gradient|trapezoid|blip)|\bscaled (copy|version) of", A("scale_grad", 1.8)),
    _t(r"^(?!.*\bat (the |a )?(end|start|beginning|time|instant|point|t ?=|\d))(?s:.*?)"
       r"\b(break|split|cut|divide|separate)\w* .{0,20}\b(trapezoid|gradient)\b.{0,20}\b(into )?(its )?(ramps?|"
       r"ramp[- ]up|flat[- ]top|three (parts|pieces)|pieces|parts)\b", A("split_gradient", 2.2)),
    _t(r"\b(turn|tilt|angulat|twist)\w*\b.{0,40}\b(by|around|about|through)\b.{0,25}\b(angle|phi|theta|degrees?|°|axis|[xyz])\b"
       r"|\bspokes?\b|\bprojections?\b.{0,30}\b(angle|rotat\w*|each)|\bgolden[- ]angle|\b(turn|spin)\w* the (readout|"
       r"gradient|trajectory|k-?space)", A("rotate", 1.7)),
    _t(r"\b(oblique|angulated|tilted|double[- ]oblique) (slice|slices|fov|orientation|plane)",
       A("rotate", 1.2), M("mr.rotate3D", 1.0)),
    _t(r"\btrajector\w*\b.{0,60}\b(in)?to (the |a |my )?(gradient|waveform)|\bk-?space (points|positions|coordinates|"
       r"samples|locations|values)\b.{0,60}\bgradient|\bgradients?\b.{0,40}\b(produce|give|achieve|follow|trace)s? "
       r"(this |my |the |a )?(k-?space )?trajectory|\b(gradients?|waveforms?)\b.{0,30}\bfrom (a |an |the |my |this )?"
       r"([\w-]+ )?(k-?space )?trajector", A("traj_to_grad", 2.0)),
    _t(r"\bresampl\w*\b.{0,30}\b(onto|on|to) (the )?(gradient )?raster|\bonto the (gradient )?raster",
       A("points_to_waveform", 1.4)),
    # --- ADC and timing ---------------------------------------------------------------------------------------
    _t(r"\b(sampling|acquisition|receiver|data|readout) (event|window|gate)\b|\bturn on the receiver|\bdigiti[sz]\w* "
       r"(the )?(signal|echo|data)|\brecord (the )?(signal|echo|data|fid)\b", A("make_adc", 1.6)),
    _t(r"\b(wait|pause|idle|gap|dead time|padding|fill|space)\w*\b.{0,20}\b(between|before|after)\b.{0,25}"
       r"\b(blocks?|events?|pulses?|readouts?|excitations?)\b|\b(add|insert|put)\w* (a |an )?(short |small |fixed )?"
       r"(delay|pause|wait)\b|\b(empty|blank|idle) (delay )?(block|time|period|interval)|\bdelay block",
       A("make_delay", 1.6)),
    _t(r"\b(chang|adjust|modif|tweak|edit|vary|set)\w*\b.{0,40}\b(on|at|from|in) the (scanner|console|ui|user "
       r"interface|protocol|host|exam card|scanner ui)\b|\b(operator|technician|radiographer|technologist)\b.{0,40}"
       r"\b(chang|adjust|set|modif)\w*|\bwithout (re-?)?(writing|generating|exporting|compiling|recompiling) the "
       r"(\.seq|seq|file|sequence)|\b(ui|scanner|console)[- ]adjustable", A("make_soft_delay", 2.0)),
    _t(r"\b(how long|duration|length)\b.{0,40}\b(take|last|be|is)\b.{0,30}\b(together|combined|in (one|a|the same) "
       r"block)|\bhow long\b.{0,50}\b(events?|block|gradient|pulse|lobe|trapezoid)s?\b.{0,20}\b(take|last)"
       r"|\b(total|combined|overall) (length|duration) of (the |these |my |a set of |several )?(events|objects|block)"
       r"|\bduration of (several|multiple|these|a set of|all the|all) (events|objects)|\blongest event",
       A("calc_duration", 1.8)),
    _t(r"\b(total|overall|whole|entire) (scan|acquisition|sequence|protocol) (time|duration|length)|\bhow long\b.{0,20}"
       r"\b(scan|sequence|acquisition|protocol)\b.{0,15}\b(take|last|be|run)|\bacquisition time\b",
       A("seq.duration", 1.8)),
    # --- the sequence object ------------------------------------------------------------------------------------
    _t(r"\b(what|which) (events|objects)\b.{0,30}\b(in|inside|of) (a |the )?block|\bblock (number|no\.?|index|#) ?"
       r"\d+|\b(what'?s inside|what is inside|look inside|contents? of) (a |the |one )?block|\bblock \d+ of",
       A("seq.get_block", 1.9)),
    _t(r"(\.seq|seq file|sequence file)\b.{0,60}\b(load|read|open|import|parse)\w* (it|this|that|them)\b",
       A("seq.read", 1.8), damps=("api:seq.write", "howto:write_seq_file")),
    _t(r"\b(load|read|open|import|parse)\w*\b.{0,40}\b(\.seq|seq file|sequence file|file)\b.{0,40}\b(back|into|in)\b",
       A("seq.read", 1.8), damps=("api:seq.write", "howto:write_seq_file")),
    _t(r"\b(time|amplitude|numpy|sample) arrays?\b.{0,40}\bwaveforms?|\bwaveforms?\b.{0,40}\b(as|into) (time|numpy|"
       r"arrays|plain arrays|samples)|\b(get|extract|obtain|access|read out|pull|grab|take|dump|retrieve)\w* (out )?"
       r"(the |all )?(actual |raw |sampled )?((gradient|rf|adc)s?( and (the )?(gradient|rf|adc)s?)? )?waveforms\b|"
       r"\bwaveforms?\b.{0,40}\bout of (the |my |a )?(seq|sequence)\b", A("seq.waveforms_and_times", 1.8),
       A("seq.get_gradients", 0.8)),
    # replacing a block is writing one: not the getter the word "block" also fits
    _t(r"\b(replace|overwrite|change|modify)\w* (a |the |an existing |one )?block\b", A("seq.set_block", 1.4),
       damps=("api:seq.get_block",)),
    _t(r"\bregister\w* (the |an |my )?(gradient|rf|adc|label)? ?events?|\breuse (the )?same event",
       A("seq.register_grad_event", 1.0), A("seq.register_rf_event", 0.8)),
    # what is registered decides which method: "register an RF event", "register the gradient once up front"
    _t(r"\bregister\w*\b.{0,25}\b(rf|pulse)\b|\b(rf|pulse)\b.{0,25}\bregister", A("seq.register_rf_event", 1.4)),
    _t(r"\bregister\w*\b.{0,25}\b(gradient|grad|trapezoid)s?\b|\b(gradient|grad)s?\b.{0,40}\bregister\w*\b"
       r"|\bregister\w* (it|them) (once|up ?front|in advance|beforehand)", A("seq.register_grad_event", 1.4)),
    _t(r"\bregister\w*\b.{0,25}\badc\b", A("seq.register_adc_event", 1.4)),
    # registering in other words: an event stored in the sequence's (event) library ahead of the loop; what is
    # stored decides which method
    _t("^" + _LIBRARY, A("seq.register_grad_event", 1.0), A("seq.register_rf_event", 0.8)),
    _t(rf"^(?=.*\b(spoiler|crusher|gradient|trapezoid|grad|lobe)s?\b)(?!.*\b(rf|pulse)\b){_LIBRARY}",
       A("seq.register_grad_event", 1.4)),
    _t(rf"^(?=.*\b(rf|pulse)s?\b){_LIBRARY}", A("seq.register_rf_event", 1.4)),
    _t(rf"^(?=.*\badcs?\b){_LIBRARY}", A("seq.register_adc_event", 1.4)),
    _t(r"\bregister\w*\b.{0,25}\blabels?\b", A("seq.register_label_event", 1.4)),
    _t(r"\bpaper plot|\bpublication[- ]?(quality|style|ready)? ?(figure|plot)|\bfigure for (a |my )?paper",
       A("seq.paper_plot", 1.6)),
    _t(r"\bremove duplicat\w*|\bduplicate events", A("seq.remove_duplicates", 1.4)),
    _t(r"\b(set|give|apply)\w* (the )?(value of |values of )?(a |the |my )?soft[- ]?delays?", A("seq.apply_soft_delay",
                                                                                             1.2)),
    _t(r"\b(shift|translate|move|offset)\w* (the )?(whole |entire )?(sequence|fov|field of view)\b",
       M("mr.transform", 1.4)),
    _t(r"\bmd5\b|\bchecksum|\bsignature of (the )?(file|sequence)", M("mr.md5", 1.2)),
    _t(r"\bbinary (format|file|seq|\.seq)", M("seq.writeBinary", 1.2), M("seq.readBinary", 1.0)),
    _t(r"\b(set|define|specify|enter)\w*( up)? (the |my )?(scanner'?s? |system'?s? )?(max(imum)? )?(gradient|slew)"
       r"(s| rate)? (limits?|strength|amplitude|performance)|\bscanner (performance|specification)|"
       r"\b(set|setting|sets|define|defining|make|create|build)( up)? (the |my |a )?(system|scanner|hardware) "
       r"(limits|settings|specs|specifications|parameters)\b", H("system_limits", 1.6), A("Opts", 1.4)),
    _t(r"\bsystem (object|struct)\b", A("Opts", 1.5), H("system_limits", 0.8)),
    _t(r"\b(slice|partition|kz) (loop|encoding|position)s?\b|\bmulti[- ]?slab\b", H("slice_selection", 0.6)),
    _t(r"\b(at the same time as|simultaneous(ly)? with|together with|in the same block as|during) (the |an |my )?"
       r"(adc|readout|rf|pulse|gradient|excitation)", A("seq.add_block", 1.6)),
    _t(r"\b(goes|go|going|ramps?|ramping|runs?) (down )?from\b.{0,40}\b(to|down to) (zero|0)\b.{0,60}\barea\b|"
       r"\barea\b.{0,60}\b(from|starting at) (my |the |its |a )?\w* ?(amplitude|plateau|flat top)\b.{0,30}\bto (zero|0)"
       r"|\b(glued|attached|joined|appended) to (the |my )?(readout|flat top|gradient)",
       A("make_extended_trapezoid_area", 1.9)),
    _t(r"\b(flip|invert|mirror|negate|reverse)\w* (all |every |each )?(of )?(the )?[xyz][- ]?"
       r"(gradients?|axis|channel)\b|"
       r"\b(all|every) (the )?(gradients?|events?) (on|along|of) (the )?[xyz]( axis| channel)?\b",
       A("seq.flip_grad_axis", 1.8), A("seq.mod_grad_axis", 1.0)),
    _t(r"\btimes? (of|when|at which) (each|the|every|all)? ?(adc )?samples?\b|\b(sample|adc) (time ?points|"
       r"timestamps|times)\b|\bwhen (each|every) (adc )?sample|\b(what|which) times?\b.{0,30}\b(adc )?samples?\b|"
       r"\bsamples? (are |were |get )?(taken|acquired|recorded|played)\b.{0,10}\b(when|at what time)",
       A("seq.adc_times", 1.8), A("seq.calculate_kspace", 1.0)),
    _t(r"\b(excite|excites|exciting|excitation of|select|selects|selecting)\b (a |the |one |my )?"
       r"(thin |thick |single )?(slice|slab)s?\b|\bslab[- ]?selective|\bslice[- ]?selective (excitation|pulse|rf)",
       A("make_sinc_pulse", 1.6), H("slice_selection", 1.2)),
    _t(r"\bcount\w*\b.{0,30}\b(lines?|slices?|partitions?|echoes|repetitions|averages|segments|shots)\b|"
       r"\bwith (a |an )?(label|counter)s?\b", A("make_label", 1.8)),
    _t(r"\b(join|glue|stitch|concatenat\w*|fuse|merge)\w*\b.{0,60}\b(blips?|gradients?|lobes?|halves|half|pieces)\b"
       r".{0,40}\b(single|one|into)\b|\b(into|as) (a |one )?single (gradient|waveform|event)"
       r"|\b(join|glue|stitch|put|fuse)\w*\b.{0,40}\b(pieces|parts|halves)\b.{0,20}\b(back )?together\b"
       # "stick the prephaser in front of the first piece so it's one gradient": one lobe put before/after another
       r"|\b(stick|glue|attach|prepend|append|put|place|chain)\w*\b.{0,50}\b(in front of|before|after|onto|to the "
       r"(start|end) of)\b.{0,50}\b(so (it'?s|it is|they are|that it'?s) )?(one|a single|single) (gradient|waveform|"
       r"event|object)\b",
       A("add_gradients", 1.8)),
    _t(r"\bbandwidth\b.{0,30}\b(of|for) (the |my |a |an |this )?([\w-]+ )?(excitation|refocus\w*|inversion|"
       r"saturation|pulse|rf)\b|\b(excitation|pulse|rf)('s)? (actual |real |effective )?(frequency )?bandwidth",
       A("calc_rf_bandwidth", 1.8), damps=("api:make_sinc_pulse", "howto:slice_selection")),
    _t(r"\bbandwidth\b(?!.{0,25}\b(pixel|receiver|readout|adc|dwell)).{0,40}\b(pulse|rf|excitation|refocus\w*)\b",
       A("calc_rf_bandwidth", 1.6), damps=("api:make_sinc_pulse",)),
    _t(r"\b(real|actual|true|effective|resulting|achieved)\b.{0,20}\b(te|tr|echo time|repetition time|timing)\b|"
       r"\b(te|tr)\b.{0,40}\b(ends? up|really|actually) ", A("seq.test_report", 1.8)),
    _t(r"\bline (them |it |everything |the events |events )?up\b|\b(centred|centered) (on|in|within|inside)\b.{0,30}"
       r"\b(gradient|block|flat top|ramp)|\b(same|common) (centre|center|end|start)\b", A("align", 1.7)),
    _t(r"\b(designed|computed|have|got|made)\b.{0,30}\b(in|a) k-?space\b.{0,60}\bgradients?\b|\bk-?space\b.{0,60}"
       r"\b(need|want|get|derive|compute)\w*\b.{0,20}\bgradient", A("traj_to_grad", 1.8),
       damps=("api:seq.calculate_kspace",)),
    _t(r"\b(build|builds|make|makes|create|creates|generate|generates)\b (that |the |a |this |my |such a )?(readout )?"
       r"gradient\b|\bflat[- ]?(top|time|area)\b", A("make_trapezoid", 1.2)),
    _t(r"\b(shift|move|cent(er|re)|delay|place|position)\w*\b.{0,30}\badcs?\b|\badcs?\b.{0,40}\b(middle|cent(er|re)|"
       r"start|shift)\w*\b.{0,30}\bflat[- ]?top", A("make_adc", 1.6)),
    _t(r"\b(interpreter|scanner|toolbox|sequence|seq file)\b.{0,30}\bknows?\b.{0,40}\b(refocusing|excitation|inversion|"
       r"saturation|preparation)\b|\b(mark|declare|tag|label|tell)\w*\b.{0,30}\b(pulse|rf)\b.{0,30}\b(as|is) (a |an )?"
       r"(refocusing|excitation|inversion|saturation)", A("get_supported_rf_uses", 1.8)),
    _t(r"\b(start|begin|play)\w*\b.{0,30}\b(after|later than|into)\b.{0,20}\b(beginning|start) of (its |the )?block|"
       r"\b(offset|delay)\w* (an |the |a )?(event|gradient|pulse|adc) (within|inside|in) (its |the )?block",
       A("make_trapezoid", 1.0), H("te_tr_timing", 0.4)),
    _t(r"\b(compute|calculat\w*|get|obtain|derive|extract)\b (the |my )?k-?space( trajectory)?|\bk-?space trajectory\b"
       r".{0,30}\b(incl\w*|with|and) (the )?adc", A("seq.calculate_kspace", 1.6)),
    _t(r"\bfrom\b.{0,30}\b(down )?to (zero|0)\b.{0,40}\barea\b", A("make_extended_trapezoid_area", 1.8)),
    _t(r"\b(shape|waveform|gradient)\b.{0,30}\b(defined?|given|specified|set) by\b.{0,15}\b(points|corners|times|"
       r"time points)|\bpoints in time\b", A("make_extended_trapezoid", 1.7)),
    _t(r"\b\d+(\.\d+)? ?(ms|s|us|µs) of (nothing|silence|dead time|waiting|idle|pause|delay)|\b(nothing|silence) "
       r"(for|of) \d", A("make_delay", 1.8)),
    _t(r"\b(adc|receiver|readout)('s)? (frequency|phase)\b|\b(frequency|phase) of the (adc|receiver)",
       A("make_adc", 1.6), damps=("api:mr.transform",)),
    # --- round 8: what is described by its effect rather than by the toolbox's words -------------------------
    # the pulse is often named by its shape ("my sinc", "the gauss"), and its centre by where it "sits" (the shape
    # is then the setting, not what is asked for); "peak RF power / amplitude" is its strength, not its centre
    _t(r"\b(peak|cent(er|re)|maximum|middle|top)\b (of )?(the |my |a |an |this )?([\w-]+ )?(rf|pulse|sinc|gauss\w*|"
       r"excitation|refocus\w*)\b(?!\s*(power|amplitude|b1|voltage|energy|sar))|"
       r"\b(where|when)\b.{0,30}\b(peak|cent(er|re)|maximum)\b.{0,40}\b(sits?|lies|is|"
       r"occurs?|falls?)\b.{0,30}\b(rf|pulse|event)\b", A("calc_rf_center", 1.8),
       damps=("api:make_sinc_pulse", "api:make_gauss_pulse", "api:make_block_pulse")),
    # a named .seq file brought back into Python or MATLAB is reading it, whatever verb comes first
    _t(r"\b[\w-]+\.seq\b.{0,80}\b(back|in|into|as) (a |an |the )?(sequence|seq|pp\.sequence)( object)?\b|\b(load|read|"
       r"open|import|parse|bring|get)\w*\b.{0,40}\b[\w-]+\.seq\b|\b(turn|convert)\w*\b.{0,20}\.seq\b.{0,30}\b(object|"
       r"sequence)\b", A("seq.read", 1.9), damps=("api:seq.write", "howto:write_seq_file")),
    # two gradients on one axis that overlap become their sum, said with a pronoun as often as with "gradients"
    _t(r"\b(add|sum|superimpose|superpose|combine|merge|overlay)\w*\b (them|both|the two|these|those)( up)?\b.{0,30}"
       r"\b(into one|together|one|single|same)\b|\boverlap\w*\b.{0,80}\b(sum|add|combine|merge)\w*\b",
       A("add_gradients", 1.8)),
    # a check that goes through the whole sequence is the sequence's timing check, not the notes on the raster or
    # the limits it checks against
    _t(r"\b(all|every|each|whole|entire)\b (of )?(my |the )?(blocks?|events?|sequence)\b.{0,60}\b(violat|break|"
       r"respect|obey|satisf|check|wrong|error)\w*|\b(violat|break)\w*\b.{0,30}\b(raster|dead ?times?|timing)\b"
       r".{0,60}\b(blocks?|sequence)\b|\b(blocks?|sequence)\b.{0,60}\b(violat|break)\w*\b.{0,30}\b(raster|dead ?"
       r"times?|timing)\b", A("seq.check_timing", 2.2), damps=("howto:raster_rounding", "howto:system_limits")),
    # round 11: "bell shaped" is how a Gaussian pulse is described; "the whole summary of the sequence" is its
    # report; "the total length of everything added so far" is the sequence's duration; a gradient that starts at
    # zero and ends at a plateau's amplitude with an area is the extended trapezoid from an area
    _t(r"\bbell[- ]?shaped?\b|\bbell[- ]curve\b", A("make_gauss_pulse", 1.6)),
    _t(r"\b(summary|overview|report|statistics|stats)\b (of|for) (the |my |this )?(whole |entire )?sequence\b|"
       r"\bsequence(\'s)? (summary|statistics|stats)\b", A("seq.test_report", 2.0)),
    _t(r"\btotal (length|duration|time|play ?time)\b.{0,40}\b(sequence|everything|so far|added)\b|\b(length|duration) "
       r"of (everything|all)\b.{0,30}\b(added|sequence)\b|\bso far\b.{0,30}\b(how long|length|duration)\b",
       A("seq.duration", 1.9)),
    _t(r"\bfrom (zero|0)\b.{0,15}\bto (the )?(amplitude|plateau|flat[- ]?top|level)\b.{0,60}\barea\b|"
       r"\b(start\w*|begin\w*) (at|from) (zero|0)\b.{0,40}\b(end\w*|finish\w*) (at|on)\b.{0,60}\barea\b",
       A("make_extended_trapezoid_area", 2.0)),
    # "as short as my limits allow for a given area": the shortest lobe of an area is a trapezoid from its area
    _t(r"\b(as short as|as fast as|shortest|fastest|quickest|minimum[- ]time|time[- ]optimal)\b.{0,80}\b(area|moment)"
       r"\b|\b(area|moment)\b.{0,60}\b(as short as|as fast as|shortest|fastest|quickest)\b",
       A("make_trapezoid", 1.6), A("make_extended_trapezoid_area", 1.4)),
    # "a copy of my gradient multiplied by a factor": the noun first, the factor after it
    _t(r"\b(gradient|trapezoid|lobe|blip|waveform)s?\b.{0,25}\bmultipl\w* by\b|\bmultipl\w* by a (factor|constant|"
       r"scalar)\b", A("scale_grad", 1.8)),
    # "reuse the same spiral at a bigger fov": the same shape at another FOV or resolution is a scaled copy
    _t(r"\b(same|reuse\w*|existing|my) (spiral|trajectory|readout|waveform|gradient)s?\b.{0,40}\b(bigger|larger|"
       r"smaller|coarser|finer|different|another|half|double) (fov|field of view|resolution)\b", A("scale_grad", 1.8)),
    # round 13's phrasings: a frequency-swept (B1-insensitive) inversion, where each sample sat in k-space, turning
    # events about an axis, the time of a pulse's middle, one's own waveform played as a gradient
    _t(r"\b(sweeps?|swept)\b.{0,20}\bfrequenc\w*|\bfrequency[- ]swept\b|\b(insensitive|immune|doesn'?t care\w*)\b"
       r".{0,30}\bb1\b|\bb1[- ]insensitive\b", A("make_adiabatic_pulse", 1.8)),
    _t(r"\bwhere in k[- ]?space\b|\bk[- ]?space (position|location|coordinate)s? of (every|each|all)\b",
       A("seq.calculate_kspace", 1.8)),
    _t(r"\b(spin|turn|rotate|twist)\w*\b.{0,40}\b(gradients?|adc|events?|readout)\b.{0,40}\b(about|around) (the )?"
       r"[xyz][- ]?(axis)?\b", A("rotate", 1.8)),
    _t(r"\b(time|moment|instant)\b.{0,20}\b(of )?(the |my )?(pulse'?s?|rf'?s?) (middle|cent(er|re)|peak)\b|"
       r"\b(middle|cent(er|re)|peak) of (the |my )?(rf )?pulse\b.{0,30}\b(time|when)\b", A("calc_rf_center", 1.8)),
    _t(r"\b(play|use|turn|make)\w*\b.{0,20}\bmy own\b.{0,30}\b(waveform|samples|shape)\b.{0,30}\b(as|into) (a )?"
       r"gradient\b", A("make_arbitrary_grad", 1.8)),
    _t(r"\b(field strength|main field|static field|strength of the magnet|b0)\b.{0,40}\b(system (settings|limits|"
       r"object|struct)|opts|where do i (tell|set|put|give))\b|\b(tell|give|set)\w* (pypulseq|pulseq|the system|it)\b"
       r".{0,20}\b(field strength|main field|strength of the magnet)\b", A("Opts", 1.8)),
    # "longer than one adc may be ... chop it into equal pieces that fit the limit"
    _t(r"\b(longer|more samples|too many samples) (than|for) (one|a single|an?) adc\b|"
       r"\b(chop|split|cut|divide|break)\w*\b.{0,40}\b(equal )?(pieces|parts|segments|chunks)\b.{0,40}\blimit\b",
       A("calc_adc_segments", 1.8)),
    # round 14: one's own entries in the file header; a tag on each ADC saying which line it is; the middle of an
    # asymmetric pulse; a lobe of a given area stretched to a chosen length; whether rasters and dead times hold
    # everywhere; the FOV moved after the fact; one block taken out of a sequence; a lobe ending with its block
    _t(r"\b(own|custom|extra|additional|my) (key[- ]?value( pairs?)?|header (entries|entry|fields?|keys?)|metadata)\b|"
       r"\b(store|save|put|write|add|keep)\w*\b.{0,50}\b(in|into|to) (the )?(\.seq('?s)? |file('?s)? |sequence('?s)? )?"
       r"header\b|\bheader (of|in) (the |my )?(\.seq|seq file|file)\b", A("seq.set_definition", 1.9)),
    _t(r"\b(adc|readout|block)s?\b.{0,40}\b(carry|carries|tag|tagged|mark|marked|know|say|tell)\w*\b.{0,40}\b(which|"
       r"what) (ky|kz|k-?space|phase[- ]encod\w*|line|slice|echo|partition|repetition)\b", A("make_label", 1.8)),
    _t(r"\b(pulse|rf|excitation)\b.{0,20}\b(asymmetric|isn'?t symmetric|not symmetric|non-?symmetric)\b.{0,60}"
       r"\b(cent(er|re)|middle|peak|instant)\b|\b(asymmetric|non-?symmetric) (rf |sinc |excitation )?(pulse|rf|"
       r"excitation)\b.{0,60}\b(cent(er|re)|middle|peak)\b", A("calc_rf_center", 1.8)),
    _t(r"\b(lobe|gradient|trapezoid|grad)s?\b.{0,60}\b(stretch|lengthen|spread)\w*\b.{0,40}\b(exact|exactly|fixed|"
       r"given|chosen|the length|duration)\b|\barea\b.{0,60}\b(exact(ly)?|fixed|given|chosen|pick\w*) (length|duration|"
       r"time)\b|\b(lobes|gradients)\b.{0,30}\bshare (one|a|the same) duration\b", A("make_trapezoid", 1.8)),
    _t(r"\b(rasters?|dead ?times?)\b.{0,40}\b(respected|obeyed|satisfied|met|violated|honou?red)\b|\bwhether\b.{0,40}"
       r"\b(rasters?|dead ?times?)\b", A("seq.check_timing", 2.2),
       damps=("howto:raster_rounding", "howto:system_limits")),
    _t(r"\b(fov|field of view)\b.{0,15}\b(moved|shifted|offset|translated|off-?cent\w*)\b|\b(shift|move|translate)\w* "
       r"(the )?(fov|field of view)\b", M("mr.TransformFOV", 1.8)),
    _t(r"\b(pull|take|get|grab|extract|copy)\w* (out )?(one|a|each|every|the|a single) blocks?\b(?![- ]?pulse)",
       A("seq.get_block", 1.8)),
    _t(r"\b(end|finish|stop)\w*\b.{0,20}\b(exactly )?(where|when|at) the (block|others?|rest) (ends?|finish\w*|stops?)"
       r"\b|\bflush (with|to|against) the (end|right)\b", A("align", 1.9)),
    # round 14's own probes, in other words than its set: an EPI blip, the sequence plotted over time, the sample
    # positions for gridding, the FOV told to the file, two gradients on one axis made one, an ADC on the flat top,
    # the TE a built sequence really has, a pulse's spectrum
    _t(r"\b(small|little|short|tiny)\b.{0,20}\bgradients?\b.{0,40}\b(steps?|moves?|jumps?|advances?)\b.{0,30}\b(lines?|"
       r"k-?space)\b|\b(step|move|jump|advance)\w* (on )?(to|through) the next (k-?space )?line\b",
       A("make_trapezoid", 1.6)),
    _t(r"\bplot\w*\b.{0,40}\b(sequence|waveforms?|timing|blocks?)\b.{0,30}\b(over time|time ?line|time axis|looks? "
       r"like)\b|\bwhat (the |my )?sequence looks like\b", A("seq.plot", 1.9), damps=("howto:kspace_plot",)),
    _t(r"\btrajectory of (the |my |all )?(samples|adc|readout|data)\b|\b(grid|regrid|nufft)\w*\b.{0,40}\b(trajectory|"
       r"k-?space (positions|coordinates))\b|\b(trajectory|k-?space (positions|coordinates))\b.{0,40}\b(grid|regrid|"
       r"nufft)", A("seq.calculate_kspace", 1.9)),
    _t(r"\b(tell|give|store|put)\w*\b (the )?(file|header|\.seq)\b.{0,30}\b(fov|field of view|resolution)\b|"
       r"\b(fov|field of view)\b.{0,20}\b(in|into|to) the (file|header|\.seq)\b", A("seq.set_definition", 1.9)),
    _t(r"\b(two|both|several|multiple) gradients\b.{0,40}\b(same axis|one axis|together|into one|single)\b|\b(put|"
       r"combine|merge|add)\w*\b.{0,30}\bgradients\b.{0,30}\b(together|into one|single one)\b",
       A("add_gradients", 1.8)),
    _t(r"\badc\b.{0,50}\b(flat|plateau)\b|\b(samples?|sampling)\b.{0,30}\b(during|on|over) the (flat|plateau)",
       A("make_adc", 1.6)),
    _t(r"\b(actual|real|effective|resulting|true)\b (te|tr|echo time|repetition time)\b|\b(te|tr|echo time)\b.{0,30}"
       r"\b(actually|really)\b", A("seq.test_report", 1.8)),
    _t(r"\b(frequency )?spectrum of (the |my |a |an |its )?(rf |sinc |gauss\w* )?(pulse|rf|shape)\b|"
       r"\b(pulse|rf|shape)('s)? (frequency )?spectrum\b|\b(rf|pulse) (shape|waveform)\b.{0,30}\b(into|to) (its |a )?"
       r"(frequency )?spectrum\b", A("calc_rf_bandwidth", 1.8)),
    _t(r"\b(set|change|define|specify|use)\w*\b.{0,25}\b(gradient|grad|rf|adc|block(?: duration)?)[- _]raster",
       A("Opts", 1.8)),
    _t(r"\bphase(?:[ _-]?offset)?\b.{0,30}\badc\b.{0,30}\b(match|same|follow|equal)\w*\b|\badc\b.{0,30}\bphase\b.{0,30}"
       r"\b(match|same as|follow|equal)\w*\b.{0,20}\b(rf|pulse|excitation)\b", H("rf_phase", 1.8)),
    _t(r"\b(read|get|compute|calculate|obtain|extract)\w*\b.{0,15}\b(the |my )?k-?space (trajector(y|ies)|positions)\b",
       A("seq.calculate_kspace", 1.9), damps=("api:seq.read",)),
    # "make a delay of 2 ms" is the delay event, even right after a gradient whose `delay` option it could be
    _t(r"\b(make|create|add|insert|put)\w* (a|an|one|another) (\d+(\.\d+)? ?m?s )?(delay|pause|wait)\b",
       A("make_delay", 2.2)),
    # round 15's own probes, in other words than its set: a .seq looked at, part of the timeline shown, a lobe scaled
    # per step rather than rebuilt, lobes played as one waveform that never returns to zero, the TR's rest filled,
    # the length of a few events added up, a gradient multiplied by a number
    _t(r"\.seq\b.{0,60}\b(look at|view|inspect|examine)\b(?![^.?]{0,30}\b(simulator|scanner|viewer|poet|idea)\b)|"
       r"\b(look at|view|inspect|examine|load(ing|ed)?|"
       r"import(ing)?)\b.{0,30}\.seq\b", A("seq.read", 1.6)),
    _t(r"\bk-?space (positions|coordinates|locations|points) of\b|\bwhere in k-?space\b",
       A("seq.calculate_kspace", 1.9)),
    _t(r"\b(only|just)\b.{0,25}\b\d+(\.\d+)? ?(ms|s)? ?(to|-|–|until) ?\d+(\.\d+)? ?(ms|s)\b.{0,30}\b("
       r"on (the )?screen|shown|plotted|displayed|visible|in the (plot|figure))\b|"
       r"\bon (the )?screen\b.{0,30}\bnot the (whole|entire|full)\b|"
       r"\bzoom\w*\b(?![^.?]{0,30}\bk-?space)[^.?]{0,30}\b(plot|figure|sequence|waveforms?)\b|"
       r"\b(plot|show|display)\w*\b.{0,20}\b(a )?time ?range\b",
       A("seq.plot", 1.8)),
    _t(r"\bscal(e|ed|ing)\b.{0,30}\b(or|vs\.?|versus|instead of)\b.{0,15}\b(rebuild|recreat|remak|re-?mak|mak\w* (a )?"
       r"new)\w*|\b(rebuild|recreat|remak)\w*\b.{0,30}\b(or|vs\.?|versus|instead of)\b.{0,15}\bscal(e|ed|ing)\b|"
       r"\b(gradient|lobe|grad)\b.{0,40}\bmultipl\w*\b.{0,30}\bby (a |some |one )?(factor|scalar|number|constant)\b",
       A("scale_grad", 1.8)),
    _t(r"\b(gradient|waveform|lobe)\b.{0,20}\bstarts? (at|from) [-\d.]+\s*(mt/m|hz/m)?.{0,20}\b(ends?|finish\w*|goes?|"
       r"ramps?) (at|to) [-\d.]+", A("make_extended_trapezoid", 1.9)),
    _t(r"\b(one|single|a) continuous (gradient|waveform)\b|\b(no|without( a)?|never) (return\w*|going|dropping) "
       r"(back )?to zero\b|\bnot (return|go|drop)\w* (back )?to zero\b", A("make_extended_trapezoid", 1.9)),
    _t(r"\b(pad|fill|wait out|top up)\w*\b.{0,30}\b(rest|remainder|remaining|end)\b.{0,20}\b(tr|repetition|"
       r"time)\b|\b(rest|remainder) of (the|my|each) tr\b", A("make_delay", 1.9)),
    _t(r"\b(length|duration|how long)\b.{0,20}\bof (a |an |the |my )?(delay|gradient|event|block|pulse|adc)s?"
       r"( objects?)?\b.{0,30}\b(plus|and|together|combined|with)\b", A("calc_duration", 1.9)),
    _t(r"\b(block|hard)\b.{0,30}\b(tag|mark|label|flag|declare)\w*\b.{0,20}\b(refocus|excit|invers|saturat)\w*|"
       r"\b(tag|mark|label|flag|declare)\w*\b.{0,20}\b(block|hard) (pulse|90|180)\b.{0,20}\b(refocus|excit|invers|"
       r"saturat)\w*", A("make_block_pulse", 1.9)),
    # "the gradient and rf shapes as arrays with their time points, to plot myself"
    _t(r"\b(shapes?|waveforms?|samples)\b.{0,20}\bas (numpy |plain )?arrays?\b|\barrays?\b.{0,30}\b(with )?(their )?"
       r"time (points|stamps|axis|values)\b", A("seq.waveforms_and_times", 1.8)),
    # round 16: a cut at the end of the flat top is a time point; k brought back between readouts is a rewinder
    _t(r"\b(split|cut|divide|break|chop)\w*\b.{0,60}\b(where|when|at the (end|start) of|after|before) (the |its )?"
       r"(flat[- ]?top|plateau|ramp[- ]?down|ramp)\b", A("split_gradient_at", 2.8), damps=("api:split_gradient",)),
    _t(r"\bfly-?back\b|\b(get|bring|return|move|take|put)\w*\b.{0,15}\bk[xyz]?(-?space)?\b.{0,15}\bback\b|"
       r"\bback to where\b.{0,40}\b(began|started|begin|start)", A("make_trapezoid", 1.8)),
    _t(r"\b(derive|get|make|compute|obtain|build)\w*\b.{0,30}\b(every|each|all|the other)\b.{0,20}\b(line|step|"
       r"phase[- ]encod\w*|encode|lobe)s?('?s)?\b.{0,40}\bfrom (it|that|this|the (largest|biggest|max\w*|one))\b",
       A("scale_grad", 2.0)),
    _t(r"\b(time|delay|offset|how long)\b.{0,40}\b(excitation|rf|pulse)\b.{0,30}\b(to|until|till) (its|the) (peak|"
       r"cent(er|re)|middle|maximum)\b", A("calc_rf_center", 1.8)),
    # which image, contrast or kind of TR a readout belongs to: a label (and TRID for GE's segments)
    _t(r"\b(mark|tag|flag|label|tell|record|indicate|identify)\w*\b.{0,40}\bwhich\b.{0,50}\b(belongs?|is from|comes? "
       r"from|image|contrast|inversion|volume|echo|kind|type)\b|\b(ge|pge2|interpreter|scanner|recon\w*)\b.{0,30}"
       r"\b(learn|know|tell|identify|distinguish|recogni[sz]e)\w*\b.{0,40}\b(which|what)\b.{0,20}\b(kinds?|types?|"
       r"sorts?)\b", A("make_label", 1.9)),
]
