"""What a question asks for: naming a language is not a translation request; code, check and follow-up cues."""

import pytest

from pulsepal.answers.intent import detect, split_code


@pytest.fixture(scope="module")
def idx(index):
    return index


@pytest.mark.parametrize("query,lang", [
    ("How do I make a trapezoid in pypulseq?", "python"),
    ("In MATLAB, how do I add a delay between two blocks?", "matlab"),
    ("using python, what does seq.check_timing return?", "python"),
])
def test_naming_a_language_sets_the_answer_language_without_translating(idx, query, lang):
    intent = detect(query, "matlab" if lang == "python" else "python", idx)
    assert intent.action != "translate_code" and intent.action != "translate_name"
    assert intent.lang == lang


def test_a_call_in_the_question_is_not_translated_when_it_is_already_in_that_language(idx):
    intent = detect("In pypulseq, how do I pass the duration to pp.make_trapezoid(channel='x', area=10)?", "matlab",
                    idx)
    assert intent.action == "ask" and intent.lang == "python"
    assert [h.entry.key for h in intent.names] == ["make_trapezoid"]


@pytest.mark.parametrize("query", [
    "translate to python: gx = mr.makeTrapezoid('x', sys, 'Area', 10);",
    "port this to pypulseq:\n```matlab\nseq.addBlock(rf, gz);\n```",
    "what is `[rf, gz] = mr.makeSincPulse(pi/2, sys)` in python?",
])
def test_translation_needs_a_verb_or_code_in_the_other_language(idx, query):
    intent = detect(query, "matlab", idx)
    assert intent.action == "translate_code" and intent.lang == "python"


def test_unit_conversion_is_not_a_code_translation(idx):
    assert detect("convert 40 mT/m to Hz/m", "python", idx).action == "ask"


def test_equivalence_words_make_a_name_translation(idx):
    intent = detect("what is the python equivalent of mr.calcAdcSeg?", "matlab", idx)
    assert intent.action == "translate_name" and intent.lang == "python"


def test_check_and_aspect(idx):
    assert detect("is this right?\n```matlab\nmr.write('a.seq');\n```", "matlab", idx).action == "check"
    assert detect("what does mr.makeSincPulse return?", "matlab", idx).aspect == "returns"
    assert detect("how do I send an output trigger", "python", idx).aspect == "overview"  # not "output" = returns
    assert detect("which options does make_adc take?", "python", idx).aspect == "params"


def test_follow_up_cues(idx):
    assert detect("what are its parameters?", "python", idx).refers_back
    assert not detect("what are the parameters of make_adc?", "python", idx).refers_back


def test_split_code_takes_fences_pasted_lines_and_inline_statements():
    assert split_code("check:\n```python\nx = pp.make_delay(1)\n```")[1].strip() == "x = pp.make_delay(1)"
    prose, code = split_code("MATLAB please: `g1, g2 = pp.split_gradient_at(grad=g, time_point=1e-3)`")
    assert code == "g1, g2 = pp.split_gradient_at(grad=g, time_point=1e-3)" and "`" not in code
    assert split_code("How do I make a trapezoid?") == ("How do I make a trapezoid?", "")


def test_py_please_is_a_translation_to_python(index):
    from pulsepal.answers.intent import detect

    it = detect("py please: `g = mr.makeTrapezoid('x', sys, 'Area', 10);`", "matlab", index)
    assert it.action == "translate_code" and it.lang == "python"


def test_an_inline_statement_assigns_to_names_not_to_the_words_before_them():
    prose, code = split_code("how would I write gx = mr.makeTrapezoid('x', 'Area', 1000) in pypulseq?")
    assert code == "gx = mr.makeTrapezoid('x', 'Area', 1000)" and "how would I write" in prose
    prose, code = split_code("so what is rf, gz = mr.makeSincPulse(pi/2, sys) for Python then")
    assert code.startswith("rf, gz = mr.makeSincPulse(") and "so what is" in prose
