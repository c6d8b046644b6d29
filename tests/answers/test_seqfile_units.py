"""A unit asked about the .seq file is the file's (raster counts, µs, ns), not the toolbox's seconds."""

import pytest

from pulsepal.answers import AnswerRequest
from pulsepal.answers.unitfacts import unit_lines


@pytest.mark.parametrize("question,fact", [
    ("what unit are the durations in the [BLOCKS] section of a seq file?", "block duration rasters"),
    ("the ADC dwell written to the .seq file: seconds or nanoseconds?", "`dwell` in **ns**"),
    ("in which unit are trapezoid rise times stored in the seq file?", "rise, flat, fall and delay in **µs**"),
])
def test_the_files_unit(question, fact):
    found = unit_lines(question)
    assert found and fact in found[0] and "**seconds**" not in found[0]


def test_the_file_fact_is_not_replaced_by_an_arguments_unit(responder):
    a = responder.answer(AnswerRequest("adc delay in my .seq file reads 20, is that in us?", [], "python"))
    assert a.confident and "`delay` in **µs**" in a.text and "is in **seconds**" not in a.text
