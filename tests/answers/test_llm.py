"""The LLM backend against a real loopback HTTP server speaking the streaming chat-completions format."""

import asyncio

import pytest

from pulsepal.answers import AnswerRequest
from pulsepal.answers.llm import LLMResponder


def run_stream(responder, req):
    async def go():
        s = responder.stream_answer(req)
        pieces = [p async for p in s]
        return pieces, s.answer

    return asyncio.run(go())


REQ = AnswerRequest(
    query="What are the parameters of make_trapezoid?",
    history=[{"role": "user", "content": "I am writing a GRE"}, {"role": "assistant", "content": "Sure."}],
    preferred_language="python",
    sequence_knowledge="My sequence is a 2D GRE with TE 5 ms.",
)


def test_streams_model_answer_and_sends_grounded_prompt(fake_llm, responder, llm_settings):
    llm = LLMResponder(llm_settings(fake_llm.base_url), responder)
    pieces, answer = run_stream(llm, REQ)
    assert pieces == ["Use ", "`pp.make_trapezoid`", " for a trapezoid."]
    assert answer.text == "".join(pieces) and answer.confident and answer.topic == "make_trapezoid"
    body = fake_llm.requests[0]["body"]
    assert fake_llm.requests[0]["path"].endswith("/chat/completions")
    assert body["stream"] is True and body["model"] == "test-model"
    contents = [m["content"] for m in body["messages"]]
    roles = [m["role"] for m in body["messages"]]
    assert "Python (pypulseq)" in contents[0]
    assert any("2D GRE with TE 5 ms" in c for c in contents)
    assert any("Reference material" in c and "pp.make_trapezoid" in c and "flat_time" in c for c in contents)
    assert roles[-3:] == ["user", "assistant", "user"] and contents[-1] == REQ.query


def test_matlab_preference_reaches_the_prompt(fake_llm, responder, llm_settings):
    llm = LLMResponder(llm_settings(fake_llm.base_url), responder)
    req = AnswerRequest("parameters of mr.makeTrapezoid", [], "octave", None)
    run_stream(llm, req)
    msgs = fake_llm.requests[0]["body"]["messages"]
    assert "Octave" in msgs[0]["content"] and "'FlatTime'" in msgs[1]["content"]
    assert not any("sequence context" in m["content"] for m in msgs)


def test_invented_names_get_a_correction_note_as_last_piece(fake_llm, responder, llm_settings):
    fake_llm.pieces = ["Try this:\n```matlab\n", "g = mr.createTrap('x', sys);\n", "mr.write('a.seq');\n```\n"]
    llm = LLMResponder(llm_settings(fake_llm.base_url), responder)
    pieces, answer = run_stream(llm, AnswerRequest("make a trapezoid", [], "matlab", None))
    assert pieces[:3] == fake_llm.pieces
    note = pieces[-1]
    assert "PulsePal name check" in note and "`mr.makeTrapezoid`" in note and "`seq.write`" in note
    assert not answer.confident and answer.text.endswith(note)
    assert answer.code_examples and answer.code_examples[0]["language"] == "matlab"


def test_http_500_falls_back_to_offline(fake_llm, responder, llm_settings):
    fake_llm.mode = "http500"
    llm = LLMResponder(llm_settings(fake_llm.base_url), responder)
    pieces, answer = run_stream(llm, REQ)
    text = "".join(pieces)
    offline = responder.answer(REQ).text
    assert text.startswith("> Model unavailable (HTTP 500") and text.endswith(offline)
    assert text.count("\n> Model unavailable") + text.startswith("> Model") == 1
    assert "Traceback" not in text and answer.text == text
    assert len(fake_llm.requests) == 1  # no retries: the user is waiting


def test_connection_refused_falls_back_to_offline(closed_port_url, responder, llm_settings):
    llm = LLMResponder(llm_settings(closed_port_url), responder)
    pieces, answer = run_stream(llm, REQ)
    text = "".join(pieces)
    assert text.startswith("> Model unavailable (could not reach the endpoint)")
    assert text.endswith(responder.answer(REQ).text) and answer.topic == "make_trapezoid"


@pytest.mark.parametrize("mode", ["broken", "nofinish"])
def test_stream_cut_mid_answer_keeps_partial_text_then_offline(fake_llm, responder, llm_settings, mode):
    fake_llm.mode = mode
    llm = LLMResponder(llm_settings(fake_llm.base_url), responder)
    pieces, answer = run_stream(llm, REQ)
    text = "".join(pieces)
    assert text.startswith("Use `pp.make_trapezoid`")
    assert "Model unavailable" in text and text.endswith(responder.answer(REQ).text)
    assert "Traceback" not in text and answer.text == text


def test_respond_and_stream_agree(fake_llm, responder, llm_settings):
    llm = LLMResponder(llm_settings(fake_llm.base_url), responder)

    async def go():
        a = await llm.respond(REQ)
        pieces = [p async for p in llm.stream(REQ)]
        return a, pieces

    a, pieces = asyncio.run(go())
    assert a.text == "".join(pieces) == "Use `pp.make_trapezoid` for a trapezoid."
