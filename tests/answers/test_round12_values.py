"""Round 12: answers that work out what the user's own values imply. The minimum TI from the user's inversion
pulse, spoiler and excitation; a gradient echo's minimum TR for the user's pulse and ADC window (and the template
taking that pulse); T2-prep delays; a gradient capped at a fraction of the limit; a trigger's duration or delay in
the call; scanner limits from a chat's first message. Each expected number is derived in the test's comment from
how pypulseq places the events; the last tests guard against the new paths firing where they should not."""

import re

import pytest
from answer_turns import ask, chat, then

from pulsepal.answers.knowledge import parse


def head(ans):
    return ans.text.split("```", 1)[0]


# --- the shortest TI from the user's events -------------------------------------------------------------------------

_IR_EVENTS = "adiabatic inversion pulse 8 ms, spoiler 4 ms, 1.5 ms sinc excitation, rf dead time 100 us, ringdown 20 us"


def test_a_ti_shorter_than_the_events_allow_is_refused_with_the_minimum(responder):
    # rest of the inversion block: 8/2 ms + 20 us ringdown = 4.02 ms; spoiler 4 ms; excitation: 100 us dead time +
    # 1.5/2 ms = 0.85 ms -> 8.87 ms
    a = ask(responder, "I'd like an inversion recovery with TI 6 ms, is that possible?", "python",
            knowledge=_IR_EVENTS)
    text = head(a)
    assert "TI 6 ms is too short" in text and "**8.87 ms**" in text


def test_a_ti_that_fits_gets_the_delay_to_add(responder):
    # 20 ms - 8.87 ms = 11.13 ms of delay between the spoiler and the excitation
    a = ask(responder, "inversion recovery, TI 20 ms: will it work with these events?", "matlab", knowledge=_IR_EVENTS)
    text = head(a)
    assert "8.87 ms" in text and "11.13 ms" in text and "fits" in text


def test_a_slice_gradient_ramp_delays_the_excitation_centre(responder):
    # 3 mm slice, 1.5 ms sinc TBW 4: 2667 Hz / 3 mm = 889 kHz/m = 20.9 mT/m; at 100 T/m/s the ramp is 0.21 ms (on the
    # raster), longer than the 100 us dead time: the RF starts at 210 us, its centre 0.96 ms in -> 4.02 + 4 + 0.96
    a = ask(responder, "minimum TI for my inversion recovery?", "python",
            knowledge=_IR_EVENTS + ", slice 3 mm, max slew 100 T/m/s, max grad 40 mT/m")
    assert "**8.98 ms**" in head(a) and "slice gradient ramp" in head(a)


def test_without_the_spoiler_the_answer_says_what_is_missing(responder):
    a = ask(responder, "can I get TI 10 ms after my inversion?", "python",
            knowledge="hypsec inversion 10 ms, excitation pulse 2 ms")
    assert "I also need the spoiler's duration" in head(a)


# --- a gradient echo's minimum with the user's pulse and ADC window -------------------------------------------------

_GRE = "sinc 1.2 ms, slice 4 mm, FOV 240 mm, matrix 192x192, ADC 2.4 ms, 35 mT/m, 150 T/m/s, rf dead time 100 us"


@pytest.mark.parametrize("lang, line", [("python", "pulse_duration = 1200e-6"), ("matlab", "pulseDuration = 1200e-6")])
def test_the_gre_template_takes_the_users_pulse_and_adc(responder, lang, line):
    a = ask(responder, "spoiled gradient echo with TR 2 ms, is that possible?", lang, knowledge=_GRE)
    assert line in a.text and ("readout_time = 2.4e-3" if lang == "python" else "readoutTime = 2.4e-3") in a.text
    assert "is not taken" not in head(a)


def test_the_gre_minimum_tr_is_for_the_users_events(responder):
    import numpy as np
    import pypulseq as pp

    # the same events built here: excitation block + the longest prephaser + the readout, no spoiler
    system = pp.Opts(max_grad=35, grad_unit="mT/m", max_slew=150, slew_unit="T/m/s", rf_dead_time=100e-6)
    rf, gz, gzr = pp.make_sinc_pulse(flip_angle=np.pi / 2, duration=1.2e-3, slice_thickness=4e-3, apodization=0.5,
                                     time_bw_product=4, system=system, return_gz=True)
    gx = pp.make_trapezoid(channel="x", flat_area=192 / 0.24, flat_time=2.4e-3, system=system)
    pre = max(pp.calc_duration(pp.make_trapezoid(channel="x", area=gx.area / 2, system=system)),
              pp.calc_duration(pp.make_trapezoid(channel="y", area=96 / 0.24, system=system)), pp.calc_duration(gzr))
    minimum = pp.calc_duration(rf, gz) + pre + pp.calc_duration(gx)
    a = ask(responder, "spoiled gradient echo with TR 2 ms, is that possible?", "python", knowledge=_GRE)
    assert "TR 2 ms is too short" in head(a) and f"**{minimum * 1e3:.3g} ms**" in head(a)


# --- T2-prep delays ------------------------------------------------------------------------------------------------

def test_t2prep_delays_for_every_prep_time(responder):
    # two refocusing pulses of 1 ms: tau = (30 - 2) / 4 = 7 ms, (60 - 2) / 4 = 14.5 ms
    a = ask(responder, "how do I time the delays of my T2 prep?", "matlab",
            knowledge="T2 prep times 30 and 60 ms, refocusing pulses 1 ms")
    text = head(a)
    assert "**7 ms**" in text and "**14.5 ms**" in text and "mr.makeDelay(7e-3)" in text


def test_t2prep_without_the_refocusing_pulses_says_what_is_missing(responder):
    a = ask(responder, "how do I time the delays of my T2 prep?", "python", knowledge="T2 prep time 50 ms")
    assert "I need the refocusing pulses' duration" in head(a)


# --- a gradient capped at a fraction of the limit ------------------------------------------------------------------

def test_a_crusher_at_a_percentage_of_the_limit_gets_max_grad_and_the_value(responder):
    a = ask(responder, "how do I keep my crushers at 75% of the max gradient?", "matlab",
            knowledge="max grad 32 mT/m, slew 150 T/m/s")
    text = head(a)
    assert "**24 mT/m**" in text and "'maxGrad', sys.maxGrad*0.75" in text


def test_a_fraction_after_a_spoiler_answer_is_worked_out(responder):
    a = then(responder, "how do I add a slice spoiler in pypulseq?", "and if it may only use half the slew rate?")
    assert "max_slew=system.max_slew * 0.5" in head(a) and "**85 T/m/s**" in head(a)


# --- a trigger's duration or delay ---------------------------------------------------------------------------------

def test_a_trigger_lasting_a_time_is_put_into_the_call(responder):
    a = then(responder, "how do I wait for the cardiac trigger in pypulseq?", "and if the trigger should last 20 ms?")
    assert "pp.make_trigger(channel='physio1', duration=20e-3, system=system)" in head(a)


def test_a_trigger_starting_into_its_block_gets_the_delay(responder):
    a = ask(responder, "my ECG trigger should start 50 us into the block, how?", "matlab")
    assert "mr.makeTrigger('physio1', 'system', sys, 'delay', 50e-6)" in head(a)


# --- limits from the chat's first message ---------------------------------------------------------------------------

def test_limits_of_the_first_message_are_used_turns_later(responder):
    a = chat(responder, ["my scanner limits: 25 mT/m, 100 T/m/s", "how do I make a spoiler gradient in pypulseq?",
                         "and with half the max gradient?"])
    assert "first message" in head(a) and "**12.5 mT/m**" in head(a)


def test_the_settings_panel_wins_over_the_first_message(responder):
    history = [{"role": "user", "content": "my scanner limits: 25 mT/m, 100 T/m/s"},
               {"role": "assistant", "content": "Noted.", "metadata": {}}]
    a = ask(responder, "crushers at 50% of the gradient limit?", "python", history, knowledge="max grad 60 mT/m")
    assert "**30 mT/m**" in head(a) and "12.5 mT/m" not in a.text


# --- over-reach ----------------------------------------------------------------------------------------------------

def test_no_events_no_ti_minimum(responder):
    a = ask(responder, "what is TI in an inversion recovery?", "python")
    assert "shortest TI with your events" not in a.text


def test_an_inversion_time_is_not_an_inversion_pulse():
    k = parse("inversion time 300 ms, refocusing pulse 3 ms", settings_text=True)
    assert k.values.get("ti") == pytest.approx(0.3) and "inversion_duration" not in k.values
    assert k.values.get("pulse_duration") == pytest.approx(3e-3)  # a refocusing pulse stays a pulse duration


def test_an_inversion_pulse_is_not_the_excitation():
    k = parse("inversion pulse 10 ms, excitation pulse 2 ms", settings_text=True)
    assert k.values["inversion_duration"] == pytest.approx(10e-3) and k.values["pulse_duration"] == pytest.approx(2e-3)


def test_a_percentage_of_kspace_is_no_gradient_cap(responder):
    a = ask(responder, "partial Fourier: how do I acquire only 75% of k-space?", "python")
    assert not re.search(r"max_grad=system\.max_grad", a.text)


def test_a_trigger_without_a_time_gets_no_call_worked_out(responder):
    a = ask(responder, "how do I wait for the cardiac trigger in pypulseq?", "python")
    assert "**With your numbers:**" not in a.text
