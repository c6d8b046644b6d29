import asyncio

import pytest

from pulsepal.answers import Answer, AnswerRequest, get_responder


def ask(responder, query, lang="python", history=None):
    return responder.answer(AnswerRequest(query=query, history=history or [], preferred_language=lang,
                                          sequence_knowledge=None))


def test_parameters_in_python(responder):
    a = ask(responder, "What are the parameters of make_trapezoid?")
    assert a.topic == "make_trapezoid" and a.confident
    assert "`flat_time`" in a.text and "pp.make_trapezoid(channel=" in a.text
    assert "*MATLAB: `mr.makeTrapezoid`*" in a.text
    assert a.code_examples and a.code_examples[0]["language"] == "python"


def test_parameters_in_matlab_use_option_names(responder):
    a = ask(responder, "which options does mr.makeTrapezoid take?", "matlab")
    assert "`'FlatTime'`" in a.text and "mr.makeTrapezoid('x', sys, 'FlatArea'" in a.text
    assert "pp.make_trapezoid" in a.text.split("---")[-1]  # the other language only as a footnote
    assert "flat_time=" not in a.text


def test_octave_gets_matlab_syntax(responder):
    a = ask(responder, "parameters of makeAdc", "octave")
    assert "mr.makeAdc(" in a.text and a.code_examples[0]["language"] == "octave"


def test_returns_and_follow_up_uses_history(responder):
    first = ask(responder, "How do I use make_sinc_pulse?")
    history = [{"role": "user", "content": "How do I use make_sinc_pulse?"},
               {"role": "assistant", "content": first.text}]
    a = ask(responder, "what does it return?", history=history)
    assert a.topic == "make_sinc_pulse"
    assert "return_gz=True" in a.text and "`gzr`" in a.text


def test_follow_up_without_history_is_not_confident(responder):
    a = ask(responder, "what does it return?")
    assert not a.confident and a.topic is None


def test_howto_answers_in_requested_language(responder):
    py = ask(responder, "How do I add a spoiler gradient after the readout?")
    ml = ask(responder, "How do I add a spoiler gradient after the readout?", "matlab")
    assert "pp.make_trapezoid(channel=\"z\"" in py.text and "```python" in py.text
    assert "mr.makeTrapezoid('z'" in ml.text and "```python" not in ml.text


@pytest.mark.parametrize("query,stem,seq_type", [
    ("give me a gradient echo sequence template", "gre_2d", "gradient echo"),
    ("write a spin echo sequence", "se_2d", "spin echo"),
    ("I need an EPI sequence example", "epi_2d", "epi"),
    ("template for a 3D FLASH", "flash_3d", "flash 3d"),
    ("inversion recovery sequence please", "ir_se_2d", "inversion recovery"),
])
def test_templates(responder, query, stem, seq_type):
    py = ask(responder, query)
    assert py.code_examples[0]["sequence_type"] == seq_type and "import pypulseq as pp" in py.text
    ml = ask(responder, query, "matlab")
    assert "mr.Sequence(sys)" in ml.text and ml.code_examples[0]["language"] == "matlab"


def test_unknown_sequence_type_is_refused_honestly(responder):
    # Saying "no template, start from this one" is a confident, correct answer (issue 10): it is no longer "unsure".
    a = ask(responder, "write me a UTE sequence")
    assert "won't make one up" in a.text and "UTE" in a.text and "2D spoiled gradient echo" in a.text
    assert not a.code_examples  # no other sequence passed off as the one asked for


def test_translate_name_and_code(responder):
    a = ask(responder, "what is mr.calcAdcSeg in python?")
    assert "pp.calc_adc_segments" in a.text and a.topic == "calc_adc_segments"
    code = ("translate to python:\n```matlab\n[rf, gz, gzr] = mr.makeSincPulse(pi/2, sys, 'Duration', 3e-3, "
            "'SliceThickness', 5e-3);\nseq.addBlock(rf, gz);\n```")
    b = ask(responder, code, "matlab")
    assert ("pp.make_sinc_pulse(flip_angle=np.pi/2, duration=3e-3, slice_thickness=5e-3, return_gz=True, "
            "system=system)") in b.text
    assert "seq.add_block(rf, gz)" in b.text
    c = ask(responder, "convert to matlab: gx = pp.make_trapezoid(channel='x', flat_time=3e-3, area=10, system=system)")
    assert "mr.makeTrapezoid('x', sys, 'FlatTime', 3e-3, 'Area', 10)" in c.text


def test_check_my_code(responder):
    a = ask(responder, "check my code:\n```matlab\ng = mr.createTrap('x', sys, 'Area', 1);\nmr.write('a.seq');\n```",
            "matlab")
    assert "`mr.makeTrapezoid`" in a.text and "`seq.write`" in a.text
    ok = ask(responder,
             "is this correct?\n```python\nimport pypulseq as pp\nseq = pp.Sequence()\nseq.write('a.seq')\n```")
    assert "exists" in ok.text and "line" not in ok.text


def test_invented_name_in_question_is_corrected(responder):
    a = ask(responder, "parameters of mr.createTrap", "matlab")
    assert "does not exist" in a.text and a.topic == "make_trapezoid"


def test_only_one_language_has_it(responder):
    a = ask(responder, "parameters of calc_SAR", "matlab")
    assert "only in pypulseq" in a.text
    b = ask(responder, "what does mr.calcRfPower return", "python")
    assert "only in the MATLAB toolbox" in b.text


def test_not_confident_lists_real_names_only(responder, index):
    a = ask(responder, "how do I frobnicate the flux capacitor")
    assert not a.confident and a.topic is None
    b = ask(responder, "what about make_trapezoidal_thing")
    assert not b.confident
    for name in __import__("re").findall(r"`([\w.]+)`", b.text):
        assert index.lookup(name) is not None, name


def test_stream_joins_to_answer_and_exposes_answer(responder):
    req = AnswerRequest("What are the parameters of make_adc?", [], "python", None)

    async def run():
        pieces = [p async for p in responder.stream(req)]
        s = responder.stream_answer(req)
        pieces2 = [p async for p in s]
        return pieces, pieces2, s.answer, await responder.respond(req)

    pieces, pieces2, streamed, whole = asyncio.run(run())
    assert len(pieces) > 3 and "".join(pieces) == responder.answer(req).text == "".join(pieces2)
    assert isinstance(streamed, Answer) and streamed.topic == "make_adc" and whole.text == streamed.text


def test_get_responder_picks_backend(responder):
    from types import SimpleNamespace

    from pulsepal.answers.llm import LLMResponder

    assert get_responder(SimpleNamespace(llm_base_url=None)) is responder
    llm = get_responder(SimpleNamespace(llm_base_url="http://127.0.0.1:9/v1", llm_api_key=None, llm_model="m",
                                        llm_timeout_seconds=1))
    assert isinstance(llm, LLMResponder)


def test_howto_prose_has_one_line_per_paragraph():
    """Chat front ends render every newline as a break, so wrapped source lines must not reach the answer."""
    import re

    from pulsepal.answers import get_offline_responder

    answer = get_offline_responder().answer(AnswerRequest("how do I do slice selection?", [], "python", None))
    prose = re.sub(r"```.*?```", "", answer.text, flags=re.S)
    paragraph = next(p for p in prose.split("\n\n") if "slice gradient" in p)
    assert "\n" not in paragraph.strip()


def test_an_answer_names_the_companion_functions(responder):
    from pulsepal.answers import AnswerRequest

    a = responder.answer(AnswerRequest("what is pp.make_soft_delay?", [], "python"))
    assert "See also" in a.text and "`seq.apply_soft_delay`" in a.text
    m = responder.answer(AnswerRequest("what is mr.makeTrigger?", [], "matlab"))
    assert "`mr.makeDigitalOutputPulse`" in m.text
