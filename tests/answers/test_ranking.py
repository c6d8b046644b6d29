"""Functions, how-to notes and templates on one scale; described functions found by their MRI words; an answer only
when the top candidate is clearly ahead."""

import json

import pytest

from pulsepal.answers import AnswerRequest
from pulsepal.answers.ranking import CALIBRATION_FILE, Ranker, calibration, related
from pulsepal.answers.vocabulary import votes


@pytest.fixture(scope="module")
def ranker(index):
    return Ranker(index)


@pytest.mark.parametrize("question,expected", [
    ("How do I make a hard (rectangular) RF pulse of 1 ms?", "api:make_block_pulse"),
    ("I need a Gaussian pulse", "api:make_gauss_pulse"),
    ("an ADC that records 256 samples", "api:make_adc"),
    ("how can I scale a gradient by -1", "api:scale_grad"),
    ("add two gradients on the same axis into one", "api:add_gradients"),
    ("split a gradient at a time point", "api:split_gradient_at"),
    ("convert mT/m to Hz/m", "api:convert"),
    ("send an output trigger to external equipment", "api:make_digital_output_pulse"),
    ("wait for the ECG R-wave before each shot", "api:make_trigger"),
    ("how do I spoil the transverse magnetisation after the readout", "howto:spoiler"),
])
def test_described_functions_rank_first_and_clearly(ranker, question, expected):
    ranking = ranker.rank(question)
    assert ranking.top.id == expected, [(c.id, round(c.score, 2)) for c in ranking.candidates[:3]]
    assert ranking.confident


def test_a_long_note_sharing_words_does_not_beat_the_function(ranker):
    # the slice-selection note mentions RF pulses on every line; the hard pulse is still the answer
    ranking = ranker.rank("a hard RF pulse")
    assert ranking.top.id == "api:make_block_pulse"
    assert all(0 <= c.bm25 <= 1 for c in ranking.candidates)  # normalised BM25: one scale for all documents


def test_nonsense_is_not_confident(ranker):
    assert not ranker.rank("how do I frobnicate the flux capacitor").confident


def test_output_trigger_is_not_the_trigger_one_waits_for():
    v = votes("generate an output trigger for another device, not one that waits for a trigger")
    assert v["api:make_digital_output_pulse"] > 2 * v.get("api:make_trigger", 0)


def test_a_note_and_its_function_agree_rather_than_compete(ranker):
    ranking = ranker.rank("how to write the seq file")
    assert {ranking.top.id, ranking.candidates[1].id} == {"api:seq.write", "howto:write_seq_file"}
    assert related(ranking.candidates[0], ranking.candidates[1]) and ranking.confident


def test_calibration_file_is_what_the_ranker_uses():
    data = json.loads(CALIBRATION_FILE.read_text())
    assert calibration() == (data["floor"], data["margin"])
    assert data["calibrated_on"].startswith("dev.jsonl + dev2.jsonl") and data["questions"] >= 100
    assert "heldout" not in CALIBRATION_FILE.read_text()


def test_choose_fits_the_floor_too():
    from pulsepal.answers.calibration import choose

    # one topic word gives about 1.1 and a lead over nothing: those answers are wrong, the stronger ones right
    samples = [(1.1, 1.0, False, f"w{i}") for i in range(6)] + [(1.5, 0.6, True, f"r{i}") for i in range(12)]
    floor, margin, objective = choose(samples)
    assert 1.1 < floor <= 1.5 and margin <= 0.6 and objective == 12


def test_the_ecg_question_is_answered_not_refused(responder):
    """Issue 10, class 1: the right function was listed first and still refused."""
    a = responder.answer(AnswerRequest("How do I wait for an ECG trigger before each acquisition?", [], "matlab"))
    assert a.confident and a.topic == "make_trigger" and "mr.makeTrigger(" in a.text


def test_functions_missing_in_the_requested_toolbox_are_damped(ranker):
    py = ranker.rank("compute the SAR of my sequence", lang="matlab")
    plain = ranker.rank("compute the SAR of my sequence")
    score = {c.id: c.score for c in plain.candidates}
    damped = {c.id: c.score for c in py.candidates}
    assert damped["api:calc_SAR"] < score["api:calc_SAR"]


@pytest.mark.parametrize("question,expected", [
    ("each projection of my radial scan is turned by theta about the z axis, how?", "api:rotate"),
    ("how long will an rf pulse plus its slice gradient take together?", "api:calc_duration"),
    ("the operator should adjust TI on the scanner console", "api:make_soft_delay"),
    ("what events are inside block 42?", "api:seq.get_block"),
    ("gradient defined by a few breakpoints", "api:make_extended_trapezoid"),
    ("from my k-space positions I want the gradients that produce them", "api:traj_to_grad"),
    ("break the trapezoid into its ramps and flat top", "api:split_gradient"),
    ("put a pause between the excitation and the readout", "api:make_delay"),
])
def test_everyday_phrasings_find_the_function(ranker, question, expected):
    ranking = ranker.rank(question)
    assert ranking.top.id == expected, [(c.id, round(c.score, 2)) for c in ranking.candidates[:3]]


def test_the_sequence_object_and_the_file_step_back_when_something_specific_is_asked(ranker):
    r = ranker.rank("load the .seq file back into a sequence object")
    assert r.top.id == "api:seq.read" and r.confident
    assert votes("add a block to the sequence object")["api:Sequence"] == 1.0  # alone, they keep their weight


def test_a_function_and_the_method_of_one_name_do_not_compete(ranker):
    r = ranker.rank("peak rf power of my pulse")
    assert {r.top.id, r.candidates[1].id} == {"api:mr.calcRfPower", "api:seq.calcRfPower"}
    assert related(r.candidates[0], r.candidates[1]) and r.runner_up is not r.candidates[1]


@pytest.mark.parametrize("question,expected", [
    ("negate every x gradient of the finished sequence", "api:seq.flip_grad_axis"),
    ("at what times are the ADC samples taken?", "api:seq.adc_times"),
    ("play the crusher at the same time as the readout", "api:seq.add_block"),
    ("a lobe that ramps from the flat top down to zero with a set area", "api:make_extended_trapezoid_area"),
])
def test_more_phrasings(ranker, question, expected):
    assert ranker.rank(question).top.id == expected


@pytest.mark.parametrize("question,expected", [
    ("selective excitation of a thick slab", "api:make_sinc_pulse"),
    ("counting the partitions for the recon", "api:make_label"),
    ("stitch the two halves into one single gradient", "api:add_gradients"),
    ("what bandwidth does my refocusing pulse really have?", "api:calc_rf_bandwidth"),
    ("does something report the actual TE of the finished sequence?", "api:seq.test_report"),
    ("line up the rf and the gradient in the block", "api:align"),
    ("I computed a trajectory in k-space and want the gradient for it", "api:traj_to_grad"),
])
def test_phrasings_of_a_third_round(ranker, question, expected):
    assert ranker.rank(question).top.id == expected


def test_tilting_is_rotating(ranker):
    assert ranker.rank("tilt the slice 15 degrees about y").top.id == "api:rotate"


@pytest.mark.parametrize("question,expected", [
    ("how do I put the ADC in the middle of the flat top?", "api:make_adc"),
    ("what do I pass so the scanner knows this pulse is for inversion?", "api:get_supported_rf_uses"),
    ("calculate the k-space trajectory with the ADC samples", "api:seq.calculate_kspace"),
    ("a gradient from 20 mT/m down to 0 with a given area", "api:make_extended_trapezoid_area"),
])
def test_phrasings_of_a_fourth_round(ranker, question, expected):
    assert ranker.rank(question).top.id == expected


@pytest.mark.parametrize("question,expected", [
    ("a gradient shape given by points in time", "api:make_extended_trapezoid"),
    ("I need 2 s of silence between the volumes", "api:make_delay"),
])
def test_phrasings_of_a_fifth_round(ranker, question, expected):
    assert ranker.rank(question).top.id == expected


def test_exciting_several_slices_at_once_is_sms(responder):
    a = responder.answer(AnswerRequest("an RF pulse that excites three slices simultaneously", [], "python"))
    assert "multiband" in a.text and "don't have" in a.text


@pytest.mark.parametrize("question,expected,not_above", [
    ("swap block 3 of a sequence I loaded from disk: replace block 3 with my edited one", "api:seq.set_block",
     "api:seq.get_block"),
    ("could these gradients stimulate the nerves?", "api:seq.calculate_pns", None),
])
def test_round4_phrasings(ranker, question, expected, not_above):
    r = ranker.rank(question, lang="python")
    assert r.top is not None and r.top.id == expected
    if not_above:
        other = next((c for c in r.candidates if c.id == not_above), None)
        assert other is None or other.vocab < r.top.vocab


def test_a_purpose_clause_weighs_less_than_the_question(ranker):
    from pulsepal.answers.ranking import purpose_split

    asked, purpose = purpose_split("how can I read the k-space trajectory, I want to plot it in my own tool")
    assert asked == "how can I read the k-space trajectory" and purpose.startswith(", I want to")
    assert purpose_split("I want to plot the k-space trajectory") == ("I want to plot the k-space trajectory", "")
    q = "how do I turn a trajectory into gradients, I want to run a bloch simulation later"
    r = ranker.rank(q)
    assert r.top.id == "api:traj_to_grad"
    simrf = next((c for c in r.candidates if c.id == "api:mr.simRf"), None)
    assert simrf is None or simrf.vocab <= 0.5 * votes(q)["api:mr.simRf"] + 1e-9


def test_taking_the_waveforms_out_of_a_sequence(ranker):
    r = ranker.rank("can I grab the rf and gradient waveforms out of my sequence")
    assert r.top.id == "api:seq.waveforms_and_times" and r.confident


@pytest.mark.parametrize("question,expected", [
    ("the same crusher goes into every TR; could it sit in the event library beforehand?",
     "api:seq.register_grad_event"),
    ("put my refocusing pulse into the sequence library once, ahead of the loop", "api:seq.register_rf_event"),
])
def test_storing_an_event_in_the_library_ahead_is_registering_it(ranker, question, expected):
    r = ranker.rank(question)
    assert r.top.id == expected


def test_the_block_at_a_given_time(ranker):
    r = ranker.rank("matlab: the block running at a specific time point?")
    assert r.top.id == "api:seq.find_block_by_time" and r.confident


@pytest.mark.parametrize("question,expected", [
    ("what's the entire length of my acquisition?", "api:seq.duration"),
    ("my excitation phase should advance by 50 degrees every TR", "howto:spoiler"),
])
def test_more_ways_to_say_scan_time_and_rf_spoiling(ranker, question, expected):
    r = ranker.rank(question)
    assert r.top.id == expected and r.confident


@pytest.mark.parametrize("question,expected", [
    ("the time at which my pulse hits its maximum, which helper?", "api:calc_rf_center"),
    ("turn 25 mT/m into the internal Hz/m", "api:convert"),
    ("a lobe of a set area going from one gradient value to another, as short as possible",
     "api:make_extended_trapezoid_area"),
    ("bridge two gradient levels on x, y and z at the maximum slew", "api:calc_ramp"),
])
def test_functions_described_in_other_words(ranker, question, expected):
    assert ranker.rank(question).top.id == expected


@pytest.mark.parametrize("question,expected", [
    ("a cosine-shaped gradient lobe for my wave encoding, what do I call?", "api:make_arbitrary_grad"),
    ("build an ADC that samples only during the flat top of the readout", "api:make_adc"),
])
def test_what_is_made_decides(ranker, question, expected):
    assert ranker.rank(question).top.id == expected


@pytest.mark.parametrize("question,lang,name", [
    ("how would I make a delay of 5 ms", "python", "pp.make_delay"),
    ("delay 8 ms", "python", "pp.make_delay"),
    ("matlab: a delay of 10 ms", "matlab", "mr.makeDelay"),
])
def test_the_unit_of_a_given_value_does_not_push_the_function_below_the_line(responder, question, lang, name):
    """'ms' is rare in the function texts: as a BM25 term it raised the ceiling and left make_delay at a quarter of
    its score, unsure, although the question names a delay."""
    a = responder.answer(AnswerRequest(question, [], lang))
    assert a.confident and f"### `{name}`" in a.text, a.text[:300]


@pytest.mark.parametrize("question,first", [
    ("the spiral readout gradients: how are they made?", "pp.make_arbitrary_grad"),
    ("how can I make the EPI blips?", "pp.make_trapezoid"),
])
def test_a_part_of_a_sequence_points_at_the_function_that_makes_it(responder, question, first):
    a = responder.answer(AnswerRequest(question, [], "python"))
    assert first in a.text.split("\n- ")[1] if not a.confident else f"`{first}`" in a.text, a.text[:300]
