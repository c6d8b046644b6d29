"""Round 13: the shortest TE or echo spacing of the user's own events (gradient echo, spin echo, echo train, each
built with pypulseq), worked values (a sequencer clock's ticks, the proton Larmor frequency at a low field, a
readout's amplitude from its samples, extent and time, kmax, a block pulse named by its angle, a limit's unit written
without quotes), phrasings, and acquisitions no template makes. Questions and numbers are ours; each expected value
is worked out in the comment beside it."""

import pytest
from answer_turns import ask

_GRE = ("GRE, 40 mT/m, 150 T/m/s, rf dead time 100 us, hard 90 of 200 us, FOV 200 mm, 128 samples, readout flat "
        "2.56 ms, prephaser 1 ms")
_SE = ("spin echo, 40 mT/m, 150 T/m/s, rf dead time 100 us, 90 200 us, 180 400 us, crushers 1 ms, FOV 200 mm, "
       "128 samples, readout flat 2.56 ms, prephaser 1 ms")
_TSE = ("TSE, 40 mT/m, 150 T/m/s, rf dead time 100 us, hard 180 400 us, FOV 200 mm, 128 samples, readout flat "
        "2.56 ms, phase encode and rewinder 0.8 ms each")


def test_the_shortest_gradient_echo_te_of_the_users_events(responder):
    # readout 128/0.2 m/2.56 ms = 250 kHz/m = 5.87 mT/m, ramp 40 us at 150 T/m/s; TE = 0.1 (half the hard pulse)
    # + 1 (the prephaser) + 0.04 + 1.28 (the readout to its centre) = 2.42 ms
    a = ask(responder, "can I get TE 2 ms in my gradient echo?", "python", knowledge=_GRE)
    assert a.confident and "**TE 2 ms is too short**" in a.text and "the minimum is **2.42 ms**" in a.text


def test_the_shortest_spin_echo_te_of_the_users_events(responder):
    # before the 180's centre: 0.1 + 1 (prephaser) + 1 (crusher) + 0.1 + 0.2 = 2.4 ms; after: 0.2 + 1 + 1.32 =
    # 2.52 ms: TE = 2 x 2.52 = 5.04 ms
    a = ask(responder, "is TE 3 ms possible for my spin echo?", "matlab", knowledge=_SE)
    assert a.confident and "the minimum is **5.04 ms**" in a.text


def test_an_echo_spacing_that_fits_is_said_to_fit(responder):
    # 0.5 (refocusing block) + 0.8 + 2.64 (readout) + 0.8 = 4.74 ms <= 5 ms
    a = ask(responder, "can the echo spacing be 5 ms in this tse?", "python", knowledge=_TSE)
    assert a.confident and "Echo spacing 5 ms fits these events (minimum 4.74 ms)" in a.text


def test_no_minimum_is_claimed_without_the_readout(responder):
    a = ask(responder, "can I get TE 2 ms in my gradient echo?", "python",
            knowledge="GRE, 40 mT/m, 150 T/m/s, hard 90 of 200 us")
    assert "is too short** for these events" not in a.text


@pytest.mark.parametrize("q, lang, want", [
    # 7.3 us at 64 MHz is 467.2 ticks -> 468 = 7.3125 us
    ("console clock 64 MHz, which raster near 7.3 us is a whole number of ticks?", "python",
     "**468 ticks = 7.3125 µs**"),
    # 42.576 MHz/T x 0.1 T
    ("proton larmor frequency at 100 mT?", "python", "**4.2576 MHz**"),
    # 128 / 0.064 m / 2 ms = 1e6 Hz/m = 23.49 mT/m
    ("128 samples across 64 mm in 2 ms, what gradient amplitude in mT/m?", "matlab", "**23.49 mT/m**"),
    # kmax = 192 / (2 x 0.24 m) = 400 1/m
    ("for 240 mm and 192 pixels what is kmax?", "python", "400 1/m**"),
    # a 180 degree block of 0.5 ms: 0.5 / 0.5e-3 = 1000 Hz = 23.5 uT
    ("block 180 of 0.5 ms, what b1 amplitude in hz?", "matlab", "**1000 Hz**"),
    # 50 T/m/s x 42.576e6
    ("max_slew=50 with slew_unit T/m/s, what does the system object keep internally?", "python",
     "**2128800000 Hz/m/s**"),
    # 4096 samples in 0.8192 ms: 200 ns
    ("4096 samples in 0.8192 ms, what dwell is that?", "python", "**200 ns**"),
])
def test_worked_values(responder, q, lang, want):
    a = ask(responder, q, lang)
    assert a.confident and want in a.text


@pytest.mark.parametrize("q, lang, name", [
    ("an inversion pulse that sweeps its frequency so b1 hardly matters, which function?", "python",
     "pp.make_adiabatic_pulse"),
    ("how do I find where in k space each adc sample of my sequence lies?", "python", "seq.calculate_kspace"),
    ("spin my gradient and adc events about the z axis by some angle, which function?", "matlab", "mr.rotate"),
    ("for my delays I need the time of the pulse's middle, is there a helper?", "matlab", "mr.calcRfCenter"),
    ("how do I use my own waveform samples as a gradient?", "python", "pp.make_arbitrary_grad"),
])
def test_phrasings(responder, q, lang, name):
    a = ask(responder, q, lang)
    assert a.confident and a.text.split("### ", 1)[1].startswith(f"`{name}`")  # the page shown is that function's


def test_the_field_strength_in_words_is_b0_of_the_system_object(responder):
    a = ask(responder, "where do i tell pypulseq the field strength of my magnet in the system object?", "python")
    assert a.confident and "**That is the keyword `B0` of `pp.Opts`" in a.text


@pytest.mark.parametrize("q, said", [("noise measurement sequence with no rf at all, any template?", "noise"),
                                     ("tse with interleaved phase ordering, template please", "interleaved")])
def test_acquisitions_no_template_makes(responder, q, said):
    a = ask(responder, q, "matlab")
    assert a.confident and a.route in ("variant_template", "no_template") and said in a.text.split("\n")[0]


def test_an_adc_block_for_noise_is_still_the_adc_function(responder):
    a = ask(responder, "how do I make an adc block to record pure noise, no rf?", "matlab")
    assert a.route not in ("variant_template", "no_template") and "mr.makeAdc" in a.text


def test_the_readout_window_may_come_from_the_dwell(responder):
    # 128 samples x 20 us = 2.56 ms, as in _GRE: the same 2.42 ms
    a = ask(responder, "can I get TE 2 ms in my gradient echo?", "python",
            knowledge=_GRE.replace("readout flat 2.56 ms", "dwell 20 us"))
    assert a.confident and "the minimum is **2.42 ms**" in a.text


def test_a_crusher_written_in_the_singular_still_counts_in_the_spin_echo(responder):
    # "crusher 1 ms" is read both as the IR spoiler it may be and as the spin echo's crusher: the same 5.04 ms
    a = ask(responder, "is TE 3 ms possible for my spin echo?", "matlab", knowledge=_SE.replace("crushers", "crusher"))
    assert a.confident and "the minimum is **5.04 ms**" in a.text


def test_a_metabolite_in_the_settings_does_not_set_the_nucleus(responder):
    # a proton spectroscopy protocol names lactate too; only "13C" or "carbon" makes the system object carbon's
    a = ask(responder, "set up my system limits", "python", knowledge="lactate spectroscopy, 3 T, max grad 30 mT/m")
    assert "gamma=" not in a.text
    b = ask(responder, "set up my system limits", "python", knowledge="13C lactate imaging, 3 T, max grad 30 mT/m")
    assert "gamma=10.7084e6" in b.text
