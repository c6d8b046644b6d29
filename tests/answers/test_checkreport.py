"""A code check is confident only about what it can account for, and always says what it did not verify."""

from pulsepal.answers import AnswerRequest


def ask(responder, text, lang="python"):
    return responder.answer(AnswerRequest(query=text, history=[], preferred_language=lang, sequence_knowledge=None))


CLEAN_PY = ("```python\nimport pypulseq as pp\nsystem = pp.Opts(max_grad=25, grad_unit='mT/m')\n"
            "gy = pp.make_trapezoid(channel='y', area=200, duration=2e-3, system=system)\n```")


def test_clean_code_under_review_is_confidently_clean(responder):
    a = ask(responder, "could you review this?\n" + CLEAN_PY)
    assert a.confident
    assert "No problems found" in a.text and "Not verified here" in a.text


def test_clean_code_with_a_reported_error_is_not_confident(responder):
    a = ask(responder, "this throws an exception when I run it, why?\n" + CLEAN_PY)
    assert not a.confident
    assert "not sure" in a.text and "Not verified here" in a.text


def test_an_error_the_findings_do_not_explain_is_not_confident(responder):
    code = ("```python\nimport pypulseq as pp\nrf = pp.make_block_pulse(flip_angle=1.0, duration=1e-3)\n"
            "seq.addBlock(rf)\n```")
    explained = ask(responder, "AttributeError: 'Sequence' object has no attribute, help\n" + code)
    assert explained.confident and "seq.add_block" in explained.text
    unexplained = ask(responder, "ValueError: too many values to unpack, help\n" + code)
    assert not unexplained.confident
    assert "seq.add_block" in unexplained.text  # the finding it has is still reported
    assert "another mistake" in unexplained.text


def test_unknown_name_far_from_any_real_one_is_not_confident(responder):
    a = ask(responder, "is this ok?\n```python\nimport pypulseq as pp\nx = pp.quantum_flux_capacitor(3)\n```")
    assert not a.confident


def test_unknown_name_one_word_off_is_a_sure_finding(responder):
    a = ask(responder, "is this ok?\n```python\nimport pypulseq as pp\nd = pp.delay(1e-3)\n```")
    assert a.confident and "pp.make_delay" in a.text


def test_a_fact_about_a_word_in_passing_does_not_make_a_guess_confident(responder):
    a = ask(responder, "gradient points on the raster from my optimiser: how do I use them?", "matlab")
    assert "10 µs" in a.text  # the raster fact is there ...
    assert not a.confident  # ... but it does not answer "how do I use them?"


def test_matlab_index_zero_is_a_finding():
    from pulsepal.answers.checker import check_code

    code = "parts = mr.splitGradientAt(g, 1e-3);\nfirst = parts(0);\nsecond = parts(2);\n"
    found = [(f.line, f.suggestion) for f in check_code(code, "matlab") if f.problem == "indexing"]
    assert found == [(2, "parts(1)")]


def test_inline_code_with_the_question_after_it_is_checked(responder):
    a = ask(responder, "Snippet: `g = mr.makeTrapezoid('y', 'Area', 50); seq.addblock(g);` is this right?", "matlab")
    assert "seq.addBlock" in a.text and "problem" in a.text


def test_python_option_name_in_the_matlab_system_slot_is_a_finding():
    from pulsepal.answers.checker import check_code

    found = check_code("g = mr.makeTrapezoid('y', 'flat_time', 2e-3, 'FlatArea', 20);", "matlab")
    assert [(f.problem, f.suggestion) for f in found] == [("wrong_argument", "'FlatTime'")]


def test_code_that_reads_as_either_toolbox_is_not_a_sure_finding(responder):
    a = ask(responder, "what's wrong?\n```\nseq = Sequence()\nrf = make_block_pulse(flip_angle=pi/2, duration=1e-3)\n"
                       "seq.addBlock(rf)\n```", "matlab")
    assert not a.confident and "I read this code as MATLAB" in a.text
    tagged = ask(responder, "what's wrong?\n```python\nseq = pp.Sequence()\nseq.addBlock(rf)\n```", "matlab")
    assert tagged.confident and "seq.add_block" in tagged.text


def test_python_loop_syntax_decides_the_language():
    from pulsepal.answers.intent import code_language

    assert code_language("for k in range(4):\n    seq.addBlock(rf, gz)\n    seq.addBlock(gx, adc)\n") == "python"
    assert code_language("for k=1:4\n    seq.add_block(rf, gz)\n    seq.add_block(gx, adc)\nend\n") == "matlab"


def test_an_invented_family_name_lists_every_real_member():
    from pulsepal.answers.checker import check_code

    (f,) = check_code("rf = mr.makeRfPulse(pi/2, 'Duration', 1e-3);", "matlab")
    assert f.problem == "invented" and f.suggestion is None
    for real in ("mr.makeSincPulse", "mr.makeBlockPulse", "mr.makeGaussPulse", "mr.makeArbitraryRf"):
        assert real in f.message


# --- round 4: what the user asks about decides whether "no name problems" can be confident ----------------------

TE_CODE = ("```python\nte = 3e-3\nte_wait = te - pp.calc_duration(rf) / 2 - pp.calc_duration(gx) / 2\n"
           "seq.add_block(pp.make_delay(te_wait))\n```")


def test_a_question_about_the_te_arithmetic_is_not_answered_confidently(responder):
    a = ask(responder, "did I get the echo time calculation right?\n" + TE_CODE)
    assert not a.confident
    assert "cannot" in a.text and "Not verified here" in a.text
    plain = ask(responder, "any mistakes?\n" + TE_CODE)  # the same code, no question about values: names only
    assert plain.confident


def test_name_findings_do_not_settle_a_question_about_block_order(responder):
    code = "```python\nseq.addBlock(gx, adc)\nseq.add_block(rf, gz)\n```"
    a = ask(responder, "is the order of my blocks ok?\n" + code)
    assert "seq.add_block" in a.text  # the spelling is still reported
    assert not a.confident


def test_a_literal_dwell_off_the_adc_raster_is_a_finding(responder):
    a = ask(responder, "check this\n```python\nadc = pp.make_adc(num_samples=128, dwell=3.33e-6, system=system)\n```")
    assert "ADC raster" in a.text and "3.3e-06" in a.text
    ok = ask(responder, "check this\n```python\nadc = pp.make_adc(num_samples=128, dwell=4e-6, system=system)\n```")
    assert "ADC raster" not in ok.text and ok.confident


def test_a_literal_delay_off_the_block_raster_is_a_finding_in_matlab(responder):
    a = ask(responder, "check please\n```matlab\nseq.addBlock(mr.makeDelay(13.5855e-3));\n```", "matlab")
    assert "block-duration raster" in a.text and "ceil" in a.text


def test_one_line_of_code_with_a_symptom_is_checked_not_explained(responder):
    a = ask(responder, "the scanner rejects my ADC:\n```matlab\nadc = mr.makeAdc(256, 'Dwell', 3.33e-6);\n```",
            "matlab")
    assert a.text.startswith("### Pulseq names in your code")


def test_a_readout_before_the_first_excitation_is_a_doubt_not_a_clean_bill(responder):
    code = ("```python\nfor i in range(n):\n    seq.add_block(gx_read, adc)\n    seq.add_block(rf_ex, gz_sel)\n"
            "    seq.add_block(pp.make_delay(1e-3))\n```")
    a = ask(responder, "look over this please\n" + code)
    assert not a.confident and "before the first excitation" in a.text
    fixed = code.replace("gx_read, adc", "TMP").replace("rf_ex, gz_sel", "gx_read, adc").replace("TMP", "rf_ex, gz_sel")
    b = ask(responder, "look over this please\n" + fixed)
    assert b.confident and "before the first excitation" not in b.text


def test_options_passed_through_a_spread_are_not_claimed_checked(responder):
    hidden = "```python\nopts = dict(system=system, rise_time=1e-4)\ngx = pp.make_trapezoid('x', area=500, **opts)\n```"
    a = ask(responder, "any mistakes?\n" + hidden)
    assert not a.confident and "could not see every argument on line 2" in a.text
    events = ("```python\nblocks = [gx, adc]\nseq.add_block(*blocks)\n"
              "seq.add_block(*pp.rotate(gx, angle=0.5, axis='z'))\n```")
    b = ask(responder, "any mistakes?\n" + events)
    assert b.confident and "could not see" not in b.text


def test_a_method_left_uncalled_and_a_negative_delay_are_findings(responder):
    code = ("```python\nseq.add_block(pp.make_delay(-2e-3))\nok, report = seq.check_timing\nn = seq.definitions\n"
            "seq.plot()\n```")
    a = ask(responder, "what's wrong?\n" + code)
    assert "line 1: a delay of -2e-3 s is negative" in a.text and "`seq.check_timing()`" in a.text
    assert "seq.definitions" not in a.text  # an attribute, not a method
