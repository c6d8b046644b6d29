"""Round 8 (tuner b): general classes found in follow-ups, missing templates and the code check.

- a sequence we have no template for hidden behind a preparation word ("<X>-prepared STEAM") or a variant of a
  template we do have (burst trains, pTx / RF shimming) is said to be missing, with the closest template;
- "is there a ... I could start from" asks for a template;
- a follow-up that mentions the user's own sequence only to qualify a part ("my MESE refocusers") stays on the
  previous subject, and a question about how the k-space calculation tells pulses apart gets the `use` fact;
- a short follow-up asking for a quantity of the previous question's numbers gets it worked out;
- the code check names the lower-case channel for a capitalised one, and flags imports from pypulseq modules that
  do not exist.
"""

from answer_turns import ask, chat

from pulsepal.answers.sequences import missing_variant, requested

# --- missing templates ----------------------------------------------------------------------------------------

def test_a_prepared_stimulated_echo_is_not_the_preparation_s_template():
    kind = requested("T2-weighted STEAM, diffusion prepared, for the liver")
    assert kind is not None and kind.key == "steam" and kind.template is None
    kind = requested("flow-prepared stimulated echo imaging")
    assert kind is not None and kind.key == "steam"


def test_stimulated_echo_request_says_no_template_and_names_the_closest(responder):
    a = ask(responder, "a stimulated-echo (STE) sequence with a 100 ms mixing time, matlab please", "matlab")
    assert a.route == "no_template" and "stimulated" in a.text.lower()
    assert "2D spin echo" in a.text


def test_train_and_transmit_variants_of_a_template_are_not_passed_off_as_it():
    tse = requested("turbo spin echo")
    gre = requested("gradient echo")
    assert tse is not None and gre is not None
    assert missing_variant("a burst FSE with many small refocusing pulses", tse) == "burst"
    assert missing_variant("FLASH using parallel transmission with 16 channels", gre) is not None
    assert missing_variant("spoiled GRE with B1 shimming", gre) is not None


def test_a_transmit_variant_request_gets_the_variant_answer(responder):
    a = ask(responder, "pypulseq spoiled gradient echo with B1 shimming across two transmit coils")
    assert a.route == "variant_template" and "closest starting point" in a.text


def test_something_to_start_from_is_a_template_request(responder):
    a = ask(responder, "is there a burst turbo spin echo I can start from?")
    assert a.route in ("variant_template", "no_template") and "burst" in a.text


# --- follow-ups -----------------------------------------------------------------------------------------------

def test_own_sequence_qualifying_a_part_keeps_the_follow_up_on_its_subject(responder):
    a = chat(responder, ["how do I compute the k-space trajectory of a pypulseq sequence?",
                         "will it know about my MESE refocusers, or do I flag them?"])
    assert a.subject == "api:seq.calculate_kspace"
    assert "use='refocusing'" in a.text


def test_kspace_role_fact_in_matlab(responder):
    a = chat(responder, ["how do I compute the k-space trajectory of a pypulseq sequence?",
                         "do my refocusing pulses have to be marked for it?"], "matlab")
    assert "'use', 'refocusing'" in a.text


def test_quantity_of_the_previous_numbers_is_worked_out(responder):
    a = chat(responder, ["pypulseq adc, 128 samples, 6.4 ms duration", "and what's the bandwidth of that?"])
    assert "**50 µs**" in a.text and "kHz" in a.text


# --- code check -----------------------------------------------------------------------------------------------

def test_capitalised_channel_gets_the_lower_case_one(responder):
    code = "```python\ng = pp.make_trapezoid(channel='Z', area=100, system=system)\n```"
    a = ask(responder, "what's wrong here?\n" + code)
    assert "channel='z'" in a.text and "Use `'x'`" not in a.text


def test_import_from_a_module_pypulseq_does_not_have(responder):
    code = ("```python\nimport pypulseq as pp\nfrom pypulseq.make_sinc import make_sinc_pulse\n"
            "rf = make_sinc_pulse(flip_angle=0.5, duration=2e-3)\n```")
    a = ask(responder, "this old script breaks on import, why?\n" + code)
    assert "pypulseq.make_sinc" in a.text and "from pypulseq import make_sinc_pulse" in a.text


def test_import_from_a_real_module_is_not_flagged(responder):
    code = ("```python\nimport pypulseq as pp\nfrom pypulseq.opts import Opts\nsystem = Opts()\n"
            "seq = pp.Sequence(system)\n```")
    a = ask(responder, "check this please\n" + code)
    assert "does not exist in the installed" not in a.text


# --- second pass: more kinds, variants and ways of asking ------------------------------------------------------

def test_spin_lock_is_a_sequence_we_do_not_have(responder):
    a = ask(responder, "any pypulseq template for T1rho weighting?")
    assert a.route == "no_template" and "T1rho" in a.text


def test_readout_and_ordering_variants_are_named_as_missing():
    epi = requested("EPI")
    gre = requested("FLASH")
    assert epi is not None and gre is not None
    assert missing_variant("single-shot EPI, sampling on the ramps too", epi) is not None
    assert missing_variant("FLASH, centre-out ordering of the lines", gre) is not None
    assert missing_variant("spoiled GRE using VERSE excitation", gre) == "VERSE"


def test_an_added_inversion_keeps_the_named_readout_as_the_sequence():
    kind = requested("a fast FLASH with an inversion before it, for T1 contrast")
    assert kind is not None and kind.key == "gre"
    assert missing_variant("a fast FLASH with an inversion before it", kind) == "an inversion"


def test_something_to_base_mine_on_is_a_template_request(responder):
    a = ask(responder, "got a ramp-sampled EPI I could base my own on?")
    assert a.route == "variant_template" and "ramp" in a.text


def test_so_what_is_the_quantity_follow_up_is_worked_out(responder):
    a = chat(responder, ["pypulseq adc, 200 samples, 10 ms duration", "ok, and the dwell?"])
    assert "**50 µs**" in a.text


def test_an_excerpt_with_imports_is_not_told_to_create_its_sequence(responder):
    code = ("```python\nimport pypulseq as pp\ngx = pp.make_trapezoid(channel='x', flat_area=800, flat_time=4e-3, "
            "system=system)\nseq.add_block(gx)\n```")
    a = ask(responder, "anything wrong in this part of my script?\n" + code)
    assert "never creates it" not in a.text
