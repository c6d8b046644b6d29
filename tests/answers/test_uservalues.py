"""Every value the user gives is in the answer or accounted for: a limit asked for above the scanner's in one
settings text, and the values given for a sequence we have no template for."""

from __future__ import annotations

from pulsepal.answers.knowledge import parse
from pulsepal.answers.types import AnswerRequest


def test_a_limit_asked_for_above_the_scanners_in_the_same_text_is_kept_apart():
    k = parse("Trio, 38 mT/m and 170 T/m/s; I would like a slew of 220 T/m/s", settings_text=True)
    assert k.values["max_slew"] == 170 and k.values["wanted_max_slew"] == 220
    within = parse("gradients 80 mT/m, 200 T/m/s, but please use max slew 120 T/m/s", settings_text=True)
    assert within.values["max_slew"] == 120 and "wanted_max_slew" not in within.values


def test_the_request_above_the_limit_is_reported_with_both_numbers(responder):
    a = responder.answer(AnswerRequest("write the system struct for me", [], "matlab",
                                       "my gradients: 33 mT/m, 125 T/m/s; want max grad 50 mT/m"))
    assert "50 mT/m" in a.text and "above your scanner's 33 mT/m limit" in a.text
    assert "'MaxGrad', 33" in a.text  # the example keeps the scanner's limit


def test_values_for_a_missing_sequence_are_accounted_for(responder):
    a = responder.answer(AnswerRequest("a golden-angle radial sequence please", [], "python",
                                       "TR 7 ms, TE 2.5 ms, flip 12, 192x192, FOV 220 mm, TBW 3"))
    assert "I don't have a checked template" in a.text
    for value in ("TR 7 ms", "TE 2.5 ms", "flip 12°", "matrix 192×192", "FOV 220 mm", "time-bandwidth product 3"):
        assert value in a.text
    assert "2D spoiled gradient echo (GRE), takes" in a.text


def test_the_readout_gradient_a_fov_and_dwell_need_is_judged_against_the_limit():
    from pulsepal.answers.calculators import readout_gradient

    too_fast = readout_gradient({"fov": 0.16, "dwell": 3e-6, "max_grad": 30.0}, "can I sample with this dwell?")
    assert "48.9 mT/m" in too_fast[0] and "cannot work" in too_fast[0] and "4.89 µs" in too_fast[0]
    fine = readout_gradient({"fov": 0.3, "bandwidth": 400.0, "n_x": 128, "max_grad": 40.0}, "is my bandwidth ok?")
    assert "within your 40 mT/m limit" in fine[0]
    assert readout_gradient({"fov": 0.3, "dwell": 1e-5}, "what is the readout duration?") == []


def test_several_values_of_one_parameter_are_all_read():
    k = parse("TE 8 16 24 32 ms, TR 1500 ms, flip angles 5, 10 and 20 deg, FOV 240x240x120 mm", settings_text=True)
    assert k.series["te"] == [0.008, 0.016, 0.024, 0.032] and k.values["te"] == 0.008
    assert k.series["flip_deg"] == [5.0, 10.0, 20.0] and k.values["tr"] == 1.5
    assert k.values["fov"] == 0.24 and k.values["slab_thickness"] == 0.12
    assert parse("TR 12 ms, flip 9, 96x96", settings_text=True).series == {}


def test_the_template_says_which_of_several_values_it_took(responder):
    a = responder.answer(AnswerRequest("a 2D spin echo with my values", [], "python",
                                       "TE 20 40 60 ms, TR 1200 ms, 96x96, FOV 210 mm, slice 4 mm"))
    assert "several values of TE: 20, 40, 60 ms" in a.text and "filled with 20 ms" in a.text


def test_a_sequence_named_for_a_purpose_is_the_one_asked_for():
    from pulsepal.answers.sequences import requested

    assert requested("a spin echo EPI for diffusion tensor imaging").key == "se_epi"
    assert requested("balanced SSFP to measure T2 mapping").key == "bssfp"
    assert requested("multi echo spin echo sequence").key == "t2_mapping"


def test_a_missing_sequence_with_values_gets_the_closest_template_that_takes_most_of_them():
    from pulsepal.answers.render_docs import no_template
    from pulsepal.answers.sequences import requested
    from pulsepal.answers.uservalues import closest_for

    kind = requested("six spin echoes per shot to fit a T2 map")
    assert kind is not None and kind.template is None
    values = parse("ETL 6, TE 12 ms, TR 2500 ms, 128x128, FOV 230 mm", settings_text=True)
    assert closest_for(kind, "six spin echoes per shot", values.values)[0] == "tse_2d"
    a = no_template(kind, "python", "six spin echoes per shot", None, values)
    assert "I don't have a checked template" in a.text and "n_echoes = 6" in a.text and "seq.add_block" in a.text
    assert "no_template" not in a.text and a.subject == "template:tse_2d"
    plain = no_template(kind, "python", "six spin echoes per shot")
    assert "seq.add_block" not in plain.text  # no values: the offer, not the code
    limits = no_template(kind, "python", "six spin echoes per shot", None,
                         parse("Skyra: 43 mT/m, 180 T/m/s", settings_text=True))
    assert "seq.add_block" not in limits.text  # scanner limits alone are no protocol to fill in


def test_the_spoiler_area_for_the_users_slice_is_computed():
    from pulsepal.answers.calculators import spoiler_area

    line = spoiler_area({"slice_thickness": 2.5e-3}, "what moment does my spoiler need?")[0]
    assert "400 1/m" in line and "1600 1/m" in line
    assert spoiler_area({"slice_thickness": 2.5e-3}, "what is the slice gradient area?") == []
