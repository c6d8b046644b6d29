"""Neighbouring functions told apart by the words only one of them holds in its facts (family.py)."""

from pulsepal.answers import AnswerRequest, family


def test_neighbours_are_one_kind_of_thing_or_share_a_name_word(api):
    assert family.neighbours(api.get("make_trapezoid"), api.get("make_extended_trapezoid_area"))
    assert family.neighbours(api.get("make_sinc_pulse"), api.get("make_arbitrary_rf"))
    assert family.neighbours(api.get("calc_duration"), api.get("calc_rf_center"))
    assert not family.neighbours(api.get("make_adc"), api.get("make_trapezoid"))


def test_a_word_only_one_neighbour_holds_counts_and_a_shared_one_does_not(api):
    trap, area = api.get("make_trapezoid"), api.get("make_extended_trapezoid_area")
    got = family.bonuses("a gradient of a given area that must be the shortest one", [trap, area])
    assert got.get("make_extended_trapezoid_area", 0) > 0 and "make_trapezoid" not in got
    assert family.bonuses("a gradient with an area", [trap, area]) == {}  # both hold both words
    # not neighbours: an ADC on a flat top is not told from a trapezoid by the trapezoid's words
    assert family.bonuses("the adc on the flat top", [api.get("make_adc"), trap]) == {}


def test_the_specific_neighbour_is_answered_not_the_general_one(responder):
    a = responder.answer(AnswerRequest("I need a gradient with a given area between two nonzero amplitudes in the "
                                       "shortest time", [], "matlab"))
    assert a.confident and a.topic == "make_extended_trapezoid_area"
