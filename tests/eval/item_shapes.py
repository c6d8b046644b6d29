"""The shapes every later round's items must have, checked in one place for each round's and sealed set's tests.

Why: a follow-up is only a follow-up if its first turn is a real question the responder answers itself; an
"in_language" item only tests what it says if it asks for the other language; a knowledge item needs the settings
text; an impossible request is only fair if it expects both the word for it and the minimum computed in pypulseq.
Rounds 13 and 14 and heldout7 and heldout8 hold their files to the same rules.
"""

from __future__ import annotations


def assert_item_shapes(items: list[dict], min_impossible: int) -> list[dict]:
    """Every item's shape for its kind; at least `min_impossible` impossible requests, which are returned."""
    for item in items:
        if item["kind"] == "followup":  # a real first question whose answer the responder gives itself, as in a chat
            first, answer = item["history"]
            assert first["role"] == "user" and first["content"].strip(), item["id"]
            assert answer == {"role": "assistant", "content": None}, item["id"]
        if item["kind"] == "in_language":  # asks for the other language than the session's: not a translation
            assert item["answer_language"] != item["language"], item["id"]
        if item["kind"] == "knowledge":  # the user's values come through the settings panel's text
            assert item["sequence_knowledge"].strip(), item["id"]
    # impossible requests, each expecting the word for it and the computed minimum beside it
    impossible = [i for i in items if i["kind"] == "knowledge" and "minimum" in i["expect"]["text"][0]]
    assert len(impossible) >= min_impossible and all(len(i["expect"]["text"]) >= 2 for i in impossible), impossible
    assert all("pypulseq 1.5.0" in i["provenance"]["where"] for i in impossible)
    return impossible
