"""The evaluation set: questions a Pulseq user asks, with fragments a correct answer must contain. The score is
printed so regressions show as a number, and must stay above the threshold."""

import json
from pathlib import Path

from pulsepal.answers import AnswerRequest

EVAL = Path(__file__).with_name("eval_questions.json")
THRESHOLD = 0.9


def grade(answer, case) -> list[str]:
    problems = []
    for frag in case.get("expect", []):
        if frag not in answer.text:
            problems.append(f"missing {frag!r}")
    for frag in case.get("expect_not", []):
        if frag in answer.text:
            problems.append(f"unexpected {frag!r}")
    if "topic" in case and answer.topic != case["topic"]:
        problems.append(f"topic {answer.topic!r} != {case['topic']!r}")
    if "confident" in case and answer.confident != case["confident"]:
        problems.append(f"confident {answer.confident}")
    types = {c.get("sequence_type") for c in answer.code_examples}
    if "sequence_type" in case and case["sequence_type"] not in types:
        problems.append("no template of the expected sequence type")
    return problems


def run_eval(responder):
    cases = json.loads(EVAL.read_text())
    failures = {}
    for case in cases:
        req = AnswerRequest(case["query"], case.get("history", []), case["language"], None)
        problems = grade(responder.answer(req), case)
        if problems:
            failures[case["query"][:60]] = problems
    return len(cases) - len(failures), len(cases), failures


def test_eval_set_is_big_enough():
    cases = json.loads(EVAL.read_text())
    assert len(cases) >= 40
    assert {c["language"] for c in cases} == {"python", "matlab", "octave"}


def test_eval_score(responder):
    passed, total, failures = run_eval(responder)
    print(f"\nEVAL SCORE: {passed}/{total} ({passed / total:.0%})")
    for q, problems in failures.items():
        print(f"  FAIL {q!r}: {problems}")
    assert passed / total >= THRESHOLD, failures


def test_grader_can_fail(responder):
    case = {"query": "What are the parameters of make_trapezoid?", "language": "python", "topic": "make_adc",
            "expect": ["this fragment is not there"]}
    req = AnswerRequest(case["query"], [], "python", None)
    assert len(grade(responder.answer(req), case)) == 2
