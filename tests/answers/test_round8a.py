"""Round 8 (tuner a): general classes found in described functions, units and worked-out values.

- the example call uses the flip angle the user wants, the same one the worked-out amplitude uses;
- functions described by their effect: a pulse named by its shape and its peak, a named .seq file read back, two
  overlapping gradients summed ("add them into one"), a check that goes through every block, the shortest lobe for
  an area;
- values: what a system object holds after a limit was given with its unit, the k-space area of a blip / readout /
  prephaser for a FOV, a ramp shorter than the slew rate allows called impossible with the minimum, the slice-select
  gradient of a pulse given by its duration and time-bandwidth product.
"""

from pulsepal.answers import AnswerRequest


def ask(responder, text, lang="python", knowledge=None):
    return responder.answer(AnswerRequest(query=text, history=[], preferred_language=lang,
                                          sequence_knowledge=knowledge))


def first_heading(ans) -> str:
    return next((ln for ln in ans.text.splitlines() if ln.startswith("### ")), "")


# --- the wanted flip angle in the example call --------------------------------------------------------------------

def test_flip_reader_is_public_and_reads_the_wanted_angle():
    from pulsepal.answers.pulse_math import flip_degrees  # here: its absence fails this test, not the whole file

    assert flip_degrees("now 180 deg, change it to 120 deg") == 120
    assert flip_degrees("a 30° pulse") == 30


def test_example_call_uses_the_wanted_flip_not_the_first(responder):
    for lang, call in (("python", "flip_angle=60 * np.pi / 180"), ("matlab", "mr.makeBlockPulse(60 * pi / 180")):
        ans = ask(responder, "my rect pulse is 180 deg over 2 ms; I need 60 deg instead, which amplitude then?", lang)
        assert "60° block pulse" in ans.text
        assert call in ans.text, ans.text[:800]
        assert "180 * " not in ans.text


# --- functions described by what they do --------------------------------------------------------------------------

def test_peak_of_a_pulse_named_by_its_shape_is_the_rf_centre(responder):
    ans = ask(responder, "for my echo time I need the moment the maximum of the gauss pulse occurs, any function?")
    assert ans.confident and "calc_rf_center" in first_heading(ans)


def test_named_seq_file_brought_back_is_read(responder):
    ans = ask(responder, "a colleague sent scan_v2.seq; how do I get it back into MATLAB as a sequence object",
              "matlab")
    assert ans.confident and "seq.read" in first_heading(ans)


def test_overlapping_gradients_summed_with_a_pronoun(responder):
    ans = ask(responder, "the crusher and the rewinder on z overlap in time, can I combine them into one?", "matlab")
    assert ans.confident and "mr.addGradients" in first_heading(ans)


def test_a_check_over_every_block_is_the_sequence_timing_check(responder):
    ans = ask(responder, "is there a tool that walks through every block and reports where the dead times or raster "
                         "are violated?", "matlab")
    assert ans.confident and "seq.checkTiming" in first_heading(ans)  # not the note on rounding to the raster


def test_shortest_lobe_for_an_area_is_a_trapezoid_function(responder):
    ans = ask(responder, "my rewinder should be as fast as the hardware lets it be for its area; which call does that")
    assert ans.confident
    assert "make_trapezoid" in first_heading(ans) or "make_extended_trapezoid_area" in first_heading(ans)


# --- values worked out -----------------------------------------------------------------------------------------

def test_opts_with_a_unit_holds_the_converted_value(responder):
    ans = ask(responder, "pp.Opts(max_grad=33, grad_unit='mT/m'): what value does system.max_grad contain then?")
    assert "1405008 Hz/m" in ans.text  # 33 mT/m x 42.576e3
    assert "`33` means 33 Hz/m" not in ans.text
    ans = ask(responder, "after sys = mr.opts('MaxSlew', 120, 'SlewUnit', 'T/m/s') what is stored in sys.maxSlew?",
              "matlab")
    assert "5109120000 Hz/m/s" in ans.text and "sys.maxSlew" in ans.text


def test_kspace_area_of_a_blip_and_a_readout_for_a_fov(responder):
    ans = ask(responder, "what area must each phase encoding blip have at a 200 mm FOV?")
    assert "**5 1/m**" in ans.text
    ans = ask(responder, "FOV 256 mm, 128 readout samples: what flat area for the readout, and the prephaser area?")
    assert "500 1/m" in ans.text and "250 1/m" in ans.text


def test_ramp_shorter_than_the_slew_allows_is_impossible_with_the_minimum(responder):
    ans = ask(responder, "ramp time of 80 us to reach 30 mT/m please", "python", "max slew 120 T/m/s")
    assert "not possible" in ans.text and "250 µs" in ans.text  # 30 / 120 = 0.25 ms
    ok = ask(responder, "ramp time of 300 us to reach 30 mT/m please", "python", "max slew 120 T/m/s")
    assert "not possible" not in ok.text


def test_slice_gradient_from_duration_and_time_bandwidth_product(responder):
    ans = ask(responder, "gauss pulse of 2 ms, TBW 3, slice 6 mm: how strong is the slice gradient amplitude?")
    assert "250000 Hz/m" in ans.text  # 3 / 2 ms = 1500 Hz over 6 mm
