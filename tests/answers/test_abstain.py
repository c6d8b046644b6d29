"""The abstention rule (abstain.py, abstain_fit.py) and the answer routes it is fitted per; round 7's fixes of
confident errors (PNS by hand, a ramp between two amplitudes, a template's setting asked about)."""

import json

import pytest

from pulsepal.answers import AnswerRequest, abstain, abstain_fit
from pulsepal.answers.abstain import FAMILIES, FAMILY, Features, Rule

NAMES_ONE_DESCRIBES_ANOTHER = ("my pp.make_adc readout is fine, but how do I spoil the magnetization between TRs "
                               "with a crusher?")


def ask(responder, text, lang="python", history=None, table=None):
    responder.abstention = table
    try:
        return responder.answer(AnswerRequest(query=text, history=history or [], preferred_language=lang))
    finally:
        responder.abstention = None


def test_every_route_has_a_family(responder):
    routes = {"template": "TSE template please", "not_sure": "frobnicate the quuxer of my wobble",
              "ranked_api": "how do I make a hard pulse?", "named": "what does pp.make_trapezoid return?",
              "check": "check my code:\n```python\nseq = pp.Sequence()\nseq.add_block(pp.make_delay(1e-3))\n```"}
    for route, question in routes.items():
        a = ask(responder, question, table={})
        assert a.route == route, (question, a.route)
        assert FAMILY[route] in FAMILIES


def test_a_named_function_the_question_is_not_about_turns_not_sure_and_names_the_described_one(responder):
    plain = ask(responder, NAMES_ONE_DESCRIBES_ANOTHER, table={})
    assert plain.confident and plain.topic == "make_adc"  # what the answer path alone decides
    assert not responder.last_features.agrees
    turned = ask(responder, NAMES_ONE_DESCRIBES_ANOTHER, table={"named": Rule("agree")})
    assert not turned.confident
    first = turned.text.split("\n", 1)[0]
    assert first.startswith("*I'm not sure") and "Spoiling" in first  # the described note, named before the page
    assert "pp.make_adc" in turned.text  # the best reading is still shown


def test_a_named_function_the_question_is_about_stands(responder):
    a = ask(responder, "what does pp.make_trapezoid return?", table={"named": Rule("agree")})
    assert a.confident and responder.last_features.agrees


def test_whole_family_abstention_keeps_the_content():
    ans = abstain.Answer(text="### `pp.make_delay`\n", confident=True, route="ranked_api")
    f = Features(family="ranked", top_vocab=2.0, top_score=2.0, lead=1.0, has_code=False)
    out = abstain.judge(ans, f, {"ranked": Rule("abstain")})
    assert not out.confident and out.text.endswith("### `pp.make_delay`\n")
    assert out.text.startswith(abstain.NOT_SURE_LINE)


def _rows(family, pattern):
    """Calibration rows: (verdict, agrees) pairs for one family."""
    return [{"id": f"c-{i}", "route": None, "verdict": v, "family": family, "top_vocab": 1.0, "top_score": 1.0,
             "lead": 0.5, "has_code": False, "agrees": a}
            for i, (v, a) in enumerate(pattern)]


def test_fit_requires_agreement_only_where_it_pays_and_keeps_small_families():
    misread = _rows("named", [("correct", True)] * 8 + [("wrong", False)] * 3 + [("correct", False)])
    rule, value, base = abstain_fit.choose(misread)
    assert rule.action == "agree" and value > base
    mixed = _rows("named", [("correct", True)] * 8 + [("correct", False)] * 3 + [("wrong", True)])
    assert abstain_fit.choose(mixed)[0].action == "keep"  # disagreeing answers were right: nothing to gain
    few = _rows("template", [("wrong", False)] * 3)
    assert abstain_fit.choose(few)[0].action == "keep"  # too few questions to decide anything


@pytest.mark.parametrize("name", ["heldout4.jsonl", "heldout5.jsonl", "heldout6.jsonl", "heldout7.jsonl",
                                  "heldout.jsonl", "dev6x.jsonl", "dev8x.jsonl", "dev11x.jsonl", "dev12x.jsonl",
                                  "dev13x.jsonl", "dev14x.jsonl", "dev15x.jsonl", "dev16x.jsonl"])
def test_fitting_refuses_the_sets_that_measure_the_result(name):
    with pytest.raises(SystemExit, match="measures the result"):
        abstain_fit.dump(f"eval/answers/{name}")


def test_the_shipped_rules_are_valid_and_recorded(responder):
    data = json.loads(abstain.RULE_FILE.read_text(encoding="utf-8"))
    for table in (data["rules"], data.get("fitted_rules", {})):
        assert set(table) <= set(FAMILIES)
        assert all(spec["action"] in ("abstain", "agree") for spec in table.values())
    if data.get("fitted_rules", data["rules"]) != data["rules"]:
        assert "heldout4" in data["decision"] and "heldout5" in data["decision"]  # a fit not adopted says why
    assert abstain.rules() == {fam: Rule(**spec) for fam, spec in data["rules"].items()}  # what the app applies
    plain = ask(responder, NAMES_ONE_DESCRIBES_ANOTHER)  # the shipped file decides (table=None)
    assert plain.confident == abstain.rules().get("named", Rule()).stands(responder.last_features)
    assert not any(m in name for name in data["fitted_on"] for m in abstain_fit.MEASURING)
    assert data["questions"] == sum(f["items"] for f in data["families"].values())


# --- round 7: confident errors of the exploratory test, fixed --------------------------------------------------

def test_pns_computed_by_hand_asks_for_the_waveforms(responder):
    a = ask(responder, "how can I extract the gradient waveforms of my sequence? I want to compute the PNS myself")
    assert a.confident and a.topic == "seq.waveforms_and_times"
    assert ask(responder, "how do I check PNS of my sequence?").topic == "seq.calculate_pns"


def test_a_ramp_between_two_amplitudes_is_not_the_kspace_helper(responder):
    a = ask(responder, "make the gradient ramp from 0 to 10 mT/m")
    assert a.topic != "add_ramps"
    assert "make_extended_trapezoid" in a.text.split("\n- ")[1 if not a.confident else 0]
    assert ask(responder, "add ramps to my spiral trajectory").topic == "add_ramps"


def test_a_setting_of_the_template_shown_is_answered_from_its_parameters(responder):
    first = ask(responder, "give me a spin echo template")
    history = [{"role": "user", "content": "give me a spin echo template"},
               {"role": "assistant", "content": first.text, "metadata": first.metadata}]
    a = ask(responder, "what TE does it use?", history=history)
    assert a.route == "template_change" and "**`te`**" in a.text


def test_a_turned_note_says_why_and_its_follow_up_shows_no_internal_id(responder):
    turn = {"howto": Rule("abstain")}  # round 7's fitted rule for a how-to the ranker chose (not adopted)
    first = ask(responder, "how do I write the .seq file", table=turn)
    assert not first.confident and first.text.startswith(abstain.HOWTO_LINE)
    history = [{"role": "user", "content": "how do I write the .seq file"},
               {"role": "assistant", "content": first.text, "metadata": first.metadata}]
    a = ask(responder, "and in matlab?", history=history, table=turn)
    assert "howto:" not in a.text and "seq.write" in a.text
