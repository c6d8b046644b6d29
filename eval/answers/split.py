"""The dev / held-out split of the evaluation set: seeded, stratified by kind, reproducible.

Why: a held-out part only means something if it was fixed before anyone tuned on the set and cannot quietly drift.
The split was made once from the full item file (not kept in the repository, so that the held-out questions are only
in heldout.jsonl); `--check` recomputes it from the union of dev.jsonl and heldout.jsonl and fails if any item sits
in the wrong file, so adding or moving items by hand is caught.

heldout2.jsonl is a second sealed set, written later from sources dev and heldout did not use; it is not part of the
seeded split. `--check` also fails if one of its ids is used in another set, or if one of its questions is (nearly)
the same as a question of dev, heldout or our own tests (tests/answers/eval_questions.json).

heldout3.jsonl is a third sealed set, written from a pool no earlier set drew on; `--check` holds it to the same rule
against every other set (dev, dev2, dev3, ..., heldout, heldout2) and our own tests. heldout4.jsonl, a fourth, from
yet another fresh pool, is held to it against every set that existed when it was written (dev..dev5, heldout..heldout3).
heldout5.jsonl, a fifth, from the pulseq organisation's teaching repositories and a few others nobody had drawn on, is
held to it against every other file (dev..dev6x, heldout..heldout4, and cal7.jsonl, written beside it, once it exists).
Calibration files (cal*.jsonl) are tuned on like the later dev files, so the later-dev rule covers them too.
heldout6.jsonl, a sixth, from another fresh pool (open low-field consoles, GrOpt sequence code, a Nim port of pypulseq,
a .seq interpreter), is held to the strict rule against every other file of the folder when it was written (dev ..
dev8x, cal7, heldout .. heldout5), and to the later-dev rule (its own list, empty) against every dev or calibration
file written after it.

dev8.jsonl and dev8x.jsonl (round 8) are one set written by a helper who tuned nothing, split seeded and stratified by
kind (a third of each kind into dev8x, the transfer check the tuners score in aggregate only). `--check` recomputes
that split from their union, keeps their ids and questions clear of every other file, and holds them to the
near rule (difflib >= 0.75) against cal7.jsonl and our own tests and, as later dev files, against every sealed set.

dev11.jsonl and dev11x.jsonl (round 11) are split and checked the same way, with their own seed (`assign_round11`):
a set written from a pool no earlier file draws on (OpenMRF, PTB-MR's mrseq, and three smaller repositories).
dev12.jsonl and dev12x.jsonl (round 12) likewise (`assign_round12`, its own seed), from another fresh pool (a
phase-cycled bSSFP, hyperpolarized 13C sequences, a multi-echo bSSFP, a benchtop NMR console, GIRF measurements).
heldout7.jsonl, a seventh sealed set (a 0.55 T QISS angiography script, a student's radial/EPI/spiral test scripts,
a pypulseq contributor's trapezoid tests), is held to the strict rule against every file there when it was written
(dev .. dev12x, cal7, heldout .. heldout6) and to the later-dev rule (its own list, empty) against later dev files.
dev13.jsonl and dev13x.jsonl (round 13) likewise (`assign_round13`, its own seed), from owners A-M no pool had named
(tabletop MaRCoS sequences in MATLAB, an ultra-low-field pypulseq suite, a user's spiral and radial pypulseq scripts).
heldout8.jsonl, an eighth sealed set (3D-QALAS, a line-scan diffusion TSE, a pTx gradient echo, 2D-MSI and SPGR
scripts, Bruker MRE/RARE pypulseq scripts; owners N-Z), is held to the strict rule against every file there when it
was written (dev .. dev13x, cal7, heldout .. heldout7) and to the later-dev rule (its own list, empty) against later
dev files (dev14.jsonl and dev14x.jsonl, written beside it, included).
heldout9.jsonl, a ninth sealed set (a rotary-excitation spin-lock/spiral MATLAB script, a pypulseq gradient-audio
add-on, an agent-tuned pypulseq TSE; owners N-Z), is held to the strict rule against every file there when it was
written (dev .. dev14x, cal7, heldout .. heldout8) and to the later-dev rule (its own list, empty) against later dev
files.
dev14.jsonl and dev14x.jsonl (round 14) likewise (`assign_round14`, its own seed), from owners A-M no pool had named
(a multi-echo SSFP pypulseq package, sodium triple-quantum and twisted-projection MATLAB sequences, FOV positioning with
gradient delay correction on a radial GRE and a spiral).
dev15.jsonl and dev15x.jsonl (round 15) likewise (`assign_round15`, its own seed), from owners A-M no pool had named
(the ESMRMB 2024 "hardware to map" course's pypulseq notebooks for a portable low-field scanner, the .seq files JEMRIS
exports, and the spiral .seq of a KomaMRI workshop); heldout7 and heldout8 hold them to the later-dev rule.
dev16.jsonl and dev16x.jsonl (round 16) likewise (`assign_round16`, its own seed, stratified by kind and, within a
kind, by language), from repositories no pool had named (a cardiac-gated pypulseq 4D flow sequence, a MATLAB MP2RAGE and
a MATLAB GE GUI's GRE and spiral writers); heldout7, heldout8 and heldout9 hold them to the later-dev rule.

    python eval/answers/split.py --from all_items.jsonl   # write dev.jsonl and heldout.jsonl (done once)
    python eval/answers/split.py --check                 # exit 1 if the split is not the seeded one or sets overlap
"""

from __future__ import annotations

import argparse
import difflib
import functools
import json
import random
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 1510
HELDOUT_SHARE = 0.35  # of every kind; with 191 items this holds out 67
OWN_TESTS = HERE.parents[1] / "tests" / "answers" / "eval_questions.json"
SAME_QUESTION = 0.75  # difflib ratio of normalised questions at or above which two questions count as one
# Later dev items found, after they were written (by someone who never read the sealed sets), to be nearly the same
# as a sealed item: written from the same line of the same source, or the same shape of question with the user's
# values. They stay in their dev set (they were tuned on);
# score.py reports each sealed set with and without the sealed items they match. Any NEW such pair fails --check.
KNOWN_LATER_OVERLAPS = frozenset({
    "d2-check-kw-in-matlab-ml", "d2-check-nv-in-python-py", "d2-know-tse-values-py", "d2-par-arb-grad-py",
    "d2-tr-sinc-ml", "d2b-par-label-order", "d2c-know-epi-values", "d2c-nt-press-py", "d2e-check-ml-sys-last",
    "d2f-tpl-fid-ml",
    # dev3 (third round), found the same way when it was merged
    "d3-b3-know-bssfp-values-ml", "d3-b3-nt-cine-py", "d3-b6-know-tse-values-py", "d3-desc-radial-spoke-py",
    "d3-fu-rotate-args-ml", "d3-know-se-values-ml", "d3-units-grad-raster-py",
})
# heldout3 has its own list (a dev item excused for heldout or heldout2 is not excused for heldout3): later dev items
# (dev4.jsonl on) found nearly the same as a heldout3 item go here. The dev sets that existed when heldout3 was written
# are held to the strict rule instead: no question of theirs may be near a heldout3 question at all.
KNOWN_LATER_OVERLAPS_HELDOUT3: frozenset[str] = frozenset()
HELDOUT3_WRITTEN_AFTER = ("dev.jsonl", "dev2.jsonl", "dev3.jsonl", "heldout.jsonl", "heldout2.jsonl")
# heldout4 likewise: its own list for dev items written after it (dev6.jsonl, dev6x.jsonl, ... : none excused so far),
# and the strict rule against every set that existed when it was written.
KNOWN_LATER_OVERLAPS_HELDOUT4: frozenset[str] = frozenset()
HELDOUT4_WRITTEN_AFTER = ("dev.jsonl", "dev2.jsonl", "dev3.jsonl", "dev4.jsonl", "dev5.jsonl", "heldout.jsonl",
                          "heldout2.jsonl", "heldout3.jsonl")
# heldout5 likewise: its own list for the dev and calibration items written after it (dev7.jsonl, ... and cal7.jsonl,
# written in parallel with it: none excused), and the strict rule against every other file, cal7 included once it exists
KNOWN_LATER_OVERLAPS_HELDOUT5: frozenset[str] = frozenset()
HELDOUT5_WRITTEN_AFTER = ("dev.jsonl", "dev2.jsonl", "dev3.jsonl", "dev4.jsonl", "dev5.jsonl", "dev6.jsonl",
                          "dev6x.jsonl", "cal7.jsonl", "heldout.jsonl", "heldout2.jsonl", "heldout3.jsonl",
                          "heldout4.jsonl")
# heldout6 likewise: its own list for the dev and calibration items written after it (none excused), and the strict
# rule against every file that existed when it was written (round 8's dev8/dev8x and cal7 included)
KNOWN_LATER_OVERLAPS_HELDOUT6: frozenset[str] = frozenset()
HELDOUT6_WRITTEN_AFTER = ("dev.jsonl", "dev2.jsonl", "dev3.jsonl", "dev4.jsonl", "dev5.jsonl", "dev6.jsonl",
                          "dev6x.jsonl", "dev7.jsonl", "dev8.jsonl", "dev8x.jsonl", "cal7.jsonl", "heldout.jsonl",
                          "heldout2.jsonl", "heldout3.jsonl", "heldout4.jsonl", "heldout5.jsonl")
# heldout7 likewise: its own list (empty) for the dev and calibration files written after it (dev13.jsonl, written
# beside it, included), and the strict rule against every file there when it was written (round 12's dev12/dev12x too)
KNOWN_LATER_OVERLAPS_HELDOUT7: frozenset[str] = frozenset()
HELDOUT7_WRITTEN_AFTER = (*HELDOUT6_WRITTEN_AFTER, "heldout6.jsonl", "dev11.jsonl", "dev11x.jsonl", "dev12.jsonl",
                          "dev12x.jsonl")
# heldout8 likewise: its own list (empty) for the dev and calibration files written after it (dev14.jsonl and
# dev14x.jsonl, written beside it, included), and the strict rule against every file there when it was written
# (heldout7 and round 13's dev13/dev13x too). Round 15's dev15/dev15x, written after both heldout7 and heldout8, are
# later dev files for both (`later_dev_files`: the near rule), so they are in neither WRITTEN_AFTER list
KNOWN_LATER_OVERLAPS_HELDOUT8: frozenset[str] = frozenset()
HELDOUT8_WRITTEN_AFTER = (*HELDOUT7_WRITTEN_AFTER, "heldout7.jsonl", "dev13.jsonl", "dev13x.jsonl")
# heldout9 likewise: its own list (empty) for the dev and calibration files written after it (the tuning set written
# beside it included), and the strict rule against every file there when it was written (heldout8 and round 14's
# dev14/dev14x too)
KNOWN_LATER_OVERLAPS_HELDOUT9: frozenset[str] = frozenset()
HELDOUT9_WRITTEN_AFTER = (*HELDOUT8_WRITTEN_AFTER, "heldout8.jsonl", "dev14.jsonl", "dev14x.jsonl")
# each sealed set written after the split: the dev items excused for it, and the sets its questions must stay clear of
LATER_SEALED = {
    "heldout2": (KNOWN_LATER_OVERLAPS, ("dev.jsonl", "heldout.jsonl")),
    "heldout3": (KNOWN_LATER_OVERLAPS_HELDOUT3, HELDOUT3_WRITTEN_AFTER),
    "heldout4": (KNOWN_LATER_OVERLAPS_HELDOUT4, HELDOUT4_WRITTEN_AFTER),
    "heldout5": (KNOWN_LATER_OVERLAPS_HELDOUT5, HELDOUT5_WRITTEN_AFTER),
    "heldout6": (KNOWN_LATER_OVERLAPS_HELDOUT6, HELDOUT6_WRITTEN_AFTER),
    "heldout7": (KNOWN_LATER_OVERLAPS_HELDOUT7, HELDOUT7_WRITTEN_AFTER),
    "heldout8": (KNOWN_LATER_OVERLAPS_HELDOUT8, HELDOUT8_WRITTEN_AFTER),
    "heldout9": (KNOWN_LATER_OVERLAPS_HELDOUT9, HELDOUT9_WRITTEN_AFTER),
}


# round 8: dev8.jsonl (the tuner reads it) and dev8x.jsonl (its transfer check, aggregate only), split from one set
ROUND8 = ("dev8.jsonl", "dev8x.jsonl")
ROUND8_SHARE = 1 / 3  # of every kind, into dev8x


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def assign(items: list[dict], share: float = HELDOUT_SHARE, tag: str = "") -> tuple[list[dict], list[dict]]:
    """(dev, heldout): within each kind, ids are sorted, shuffled with a seed named after the kind (and the round's
    `tag`, so each round's split has its own seed), and the first `share` of them (rounded, at least one) are held
    out."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        by_kind[item["kind"]].append(item)
    dev, held = [], []
    for kind in sorted(by_kind):
        group = sorted(by_kind[kind], key=lambda i: i["id"])
        random.Random(f"{SEED}:{tag}{kind}").shuffle(group)
        n = max(1, round(len(group) * share))
        held += group[:n]
        dev += group[n:]
    return sorted(dev, key=lambda i: i["id"]), sorted(held, key=lambda i: i["id"])


# round 11: the same shape as round 8 (dev11 for the tuner, dev11x its transfer check), from another fresh pool
ROUND11 = ("dev11.jsonl", "dev11x.jsonl")
ROUND11_SHARE = 1 / 3  # of every kind, into dev11x


# round 12: the same shape again (dev12 for the tuner, dev12x its transfer check), from yet another fresh pool
ROUND12 = ("dev12.jsonl", "dev12x.jsonl")

# round 13: the same shape (dev13 for the tuner, dev13x its transfer check), from a pool of owners A-M nobody drew on
ROUND13 = ("dev13.jsonl", "dev13x.jsonl")

# round 14: the same shape (dev14 for the tuner, dev14x its transfer check), from another pool of owners A-M
ROUND14 = ("dev14.jsonl", "dev14x.jsonl")

# round 15: the same shape (dev15 for the tuner, dev15x its transfer check), from a third pool of owners A-M
ROUND15 = ("dev15.jsonl", "dev15x.jsonl")

# round 16: the same shape (dev16 for the tuner, dev16x its transfer check), from a pool of any owner letter
ROUND16 = ("dev16.jsonl", "dev16x.jsonl")


def assign_round8(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """(dev8, dev8x): as `assign`, with the round's own seed per kind and a third of each kind held back."""
    return assign(items, ROUND8_SHARE, "round8:")


def assign_round11(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """(dev11, dev11x): as `assign_round8`, with round 11's own seed, so its split does not repeat round 8's."""
    return assign(items, ROUND11_SHARE, "round11:")


def assign_round12(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """(dev12, dev12x): as `assign_round11`, with round 12's own seed, so its split repeats no earlier round's."""
    return assign(items, ROUND11_SHARE, "round12:")


def assign_round13(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """(dev13, dev13x): as `assign_round12`, with round 13's own seed, so its split repeats no earlier round's."""
    return assign(items, ROUND11_SHARE, "round13:")


def assign_round14(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """(dev14, dev14x): as `assign_round13`, with round 14's own seed, so its split repeats no earlier round's."""
    return assign(items, ROUND11_SHARE, "round14:")


def assign_round15(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """(dev15, dev15x): as `assign_round14`, with round 15's own seed, so its split repeats no earlier round's."""
    return assign(items, ROUND11_SHARE, "round15:")


def assign_round16(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """(dev16, dev16x): as `assign_round15` (a third of each kind, at least one, round 16's own seed), but the held-out
    share of a kind alternates between the session languages, so both files hold Python and MATLAB sessions about
    equally (a kind-only draw left dev16x 7 Python / 1 MATLAB)."""
    return assign_by_language(items, ROUND11_SHARE, "round16:")


def assign_by_language(items: list[dict], share: float, tag: str) -> tuple[list[dict], list[dict]]:
    """(dev, heldout): within each kind, as many held out as `assign` would (share, rounded, at least one), taken in
    turn from the kind's languages: each language's ids sorted and shuffled with a seed named after the round's `tag`,
    the kind and the language; the language with more items starts (a tie is broken by a seed named after the kind),
    and when one language runs out the other continues."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        by_kind[item["kind"]].append(item)
    dev, held = [], []
    for kind in sorted(by_kind):
        lanes: dict[str, list[dict]] = defaultdict(list)
        for item in by_kind[kind]:
            lanes[item["language"]].append(item)
        for language, lane in lanes.items():
            lane.sort(key=lambda i: i["id"])
            random.Random(f"{SEED}:{tag}{kind}:{language}").shuffle(lane)
        tie_break = random.Random(f"{SEED}:{tag}{kind}:first").random()
        order = sorted(lanes, key=lambda lang: (-len(lanes[lang]), lang))
        if len(order) > 1 and len(lanes[order[0]]) == len(lanes[order[1]]) and tie_break < 0.5:
            order[0], order[1] = order[1], order[0]
        turns = [lanes[lang][k] for k in range(max(len(v) for v in lanes.values())) for lang in order
                 if k < len(lanes[lang])]
        n = max(1, round(len(turns) * share))
        held += turns[:n]
        dev += turns[n:]
    return sorted(dev, key=lambda i: i["id"]), sorted(held, key=lambda i: i["id"])


def check_round8(folder: Path = HERE) -> list[str]:
    """Why dev8/dev8x are not as committed (see `_check_round`)."""
    return _check_round(folder, ROUND8, assign_round8)


def check_round11(folder: Path = HERE) -> list[str]:
    """Why dev11/dev11x are not as committed (see `_check_round`)."""
    return _check_round(folder, ROUND11, assign_round11)


def check_round12(folder: Path = HERE) -> list[str]:
    """Why dev12/dev12x are not as committed (see `_check_round`)."""
    return _check_round(folder, ROUND12, assign_round12)


def check_round13(folder: Path = HERE) -> list[str]:
    """Why dev13/dev13x are not as committed (see `_check_round`)."""
    return _check_round(folder, ROUND13, assign_round13)


def check_round14(folder: Path = HERE) -> list[str]:
    """Why dev14/dev14x are not as committed (see `_check_round`)."""
    return _check_round(folder, ROUND14, assign_round14)


def check_round15(folder: Path = HERE) -> list[str]:
    """Why dev15/dev15x are not as committed (see `_check_round`)."""
    return _check_round(folder, ROUND15, assign_round15)


def check_round16(folder: Path = HERE) -> list[str]:
    """Why dev16/dev16x are not as committed (see `_check_round`)."""
    return _check_round(folder, ROUND16, assign_round16)


def _check_round(folder: Path, names: tuple[str, str],
                 split_of: Callable[[list[dict]], tuple[list[dict], list[dict]]]) -> list[str]:
    """Why a round's pair of files (the tuner's and its transfer check) is not as committed: not the seeded split of
    their union; an id or a question (after normalising) shared with any other file of the folder; or a question
    nearly the same (difflib rule) as one of a calibration file (cal*.jsonl) or our own tests. The sealed sets hold
    them to the near rule themselves (`near_later_dev`: they are later dev files), so the costly comparison is not
    made twice. One function for every such round, so the rounds cannot drift apart in what they check."""
    paths = [folder / name for name in names]
    if not all(p.is_file() for p in paths):
        return []
    tuned, held_back = (read(p) for p in paths)
    pair = "/".join(Path(n).stem for n in names)
    problems = []
    dev, held = split_of(tuned + held_back)
    wrong = sorted({i["id"] for i in held} ^ {i["id"] for i in held_back})
    if wrong:
        problems.append(f"{pair} differ from the seeded split for {', '.join(wrong)}")
    mine = tuned + held_back
    ids = [i["id"] for i in mine]
    problems += [f"id {i} is used twice in {pair}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    others = {p.name: read(p) for p in sorted(folder.glob("*.jsonl")) if p.name not in names}
    taken = {i["id"]: name for name, its in others.items() for i in its}
    asked = {normalised(i["question"]): name for name, its in others.items() for i in its}
    problems += [f"id {i['id']} is also in {taken[i['id']]}" for i in mine if i["id"] in taken]
    problems += [f"question of {i['id']} is also in {asked[normalised(i['question'])]}" for i in mine
                 if normalised(i["question"]) in asked]
    own = [c["query"] for c in json.loads(OWN_TESTS.read_text(encoding="utf-8"))] if OWN_TESTS.is_file() else []
    problems += overlaps(mine, [i for name, its in others.items() if name.startswith("cal") for i in its], own)
    return problems


def normalised(question: str) -> str:
    return re.sub(r"[^a-z0-9_.]+", " ", question.lower()).strip()


@functools.lru_cache(maxsize=None)  # a pair is met twice: as an earlier set's and as a later dev file's
def same_question(mine: str, theirs: str) -> bool:
    """difflib ratio >= SAME_QUESTION; the cheap upper bounds are tried first (same result, a fraction of the time:
    --check compares every sealed question with every other set's), and the matcher for `theirs` is kept, so its
    index is built once for all the sealed questions compared with it."""
    sm = _matcher(theirs)
    sm.set_seq1(mine)
    return (sm.real_quick_ratio() >= SAME_QUESTION and sm.quick_ratio() >= SAME_QUESTION
            and _lcs_ratio(mine, theirs) >= SAME_QUESTION and sm.ratio() >= SAME_QUESTION)


@functools.lru_cache(maxsize=4096)
def _matcher(theirs: str) -> difflib.SequenceMatcher:
    return difflib.SequenceMatcher(None, "", theirs)


def _lcs_ratio(a: str, b: str) -> float:
    """2 * (longest common subsequence) / (summed lengths): an upper bound of difflib's ratio (its matching blocks
    are in order in both strings, so they form a common subsequence), far tighter than quick_ratio's character counts.
    Why: with a sixth sealed set, about 10,000 pairs pass the character bound and difflib on each of them doubled the
    time of --check; this bound is computed bit-parallel (one integer operation per character of `a`) and lets
    difflib run only on the few pairs that can still reach the threshold, so the verdicts stay the same."""
    if not a and not b:
        return 1.0
    masks: dict[str, int] = {}
    for i, ch in enumerate(b):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << len(b)) - 1
    v = full
    for ch in a:
        u = v & masks.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    return 2.0 * (len(b) - v.bit_count()) / (len(a) + len(b))


def overlaps(sealed: list[dict], others: list[dict], questions: list[str]) -> list[str]:
    """Why `sealed` is not disjoint from the other sets: an id used twice, or a question (nearly) the same as another
    set's item or one of our own test questions."""
    problems = []
    taken = {i["id"] for i in others}
    problems += [f"id {i['id']} is also in another set" for i in sealed if i["id"] in taken]
    theirs = [(i["id"], normalised(i["question"])) for i in others] + [("tests", normalised(q)) for q in questions]
    candidates = _possible_pairs([normalised(i["question"]) for i in sealed], [q for _, q in theirs])
    for item, near in zip(sealed, candidates, strict=True):
        mine = normalised(item["question"])
        for where, q in (theirs[k] for k in near):
            if same_question(mine, q):
                problems.append(f"question of {item['id']} is nearly the same as one in {where}")
    return problems


def _possible_pairs(mine: list[str], theirs: list[str]) -> list[list[int]]:
    """For each of `mine`, the indices of `theirs` whose difflib quick_ratio (twice the shared characters, counted
    with multiplicity, over the summed lengths: an upper bound of ratio) reaches SAME_QUESTION, computed for all pairs
    at once from character counts. Why: --check compares every sealed question with every other set's (five sealed
    sets by 1,300 questions), and a pair below this bound can never be the same question, so only the few left need
    difflib; the verdicts are the same as comparing every pair."""
    import numpy as np  # pypulseq's own dependency, so always installed beside it

    def counts(questions: list[str]) -> np.ndarray:
        table = np.zeros((len(questions), 128), dtype=np.int32)
        for row, q in enumerate(questions):
            chars, n = np.unique(np.frombuffer(q.encode("ascii", "replace"), dtype=np.uint8), return_counts=True)
            table[row, chars] = n
        return table

    if not mine or not theirs:
        return [[] for _ in mine]
    a, b = counts(mine), counts(theirs)
    lengths = b.sum(axis=1)
    near = []
    for row in a:
        shared = np.minimum(row, b).sum(axis=1)
        bound = 2.0 * shared / np.maximum(row.sum() + lengths, 1)
        near.append(np.flatnonzero(bound >= SAME_QUESTION - 1e-9).tolist())
    return near


def write(path: Path, items: list[dict]) -> None:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Make or check the seeded dev/held-out split.")
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--from", dest="source", type=Path, help="the full item file to split")
    group.add_argument("--check", action="store_true", help="verify dev.jsonl/heldout.jsonl are the seeded split")
    a = ap.parse_args(argv)
    dev_path, held_path = HERE / "dev.jsonl", HERE / "heldout.jsonl"
    if a.source:
        if not a.source.is_file():
            print(f"error: no file {a.source}", file=sys.stderr)
            return 2
        items = read(a.source)
        ids = [i["id"] for i in items]
        if len(ids) != len(set(ids)):
            print("error: duplicate ids in the source file", file=sys.stderr)
            return 2
        dev, held = assign(items)
        write(dev_path, dev)
        write(held_path, held)
        print(f"{len(items)} items -> dev {len(dev)}, heldout {len(held)}")
        return 0
    dev_now, held_now = read(dev_path), read(held_path)
    dev, held = assign(dev_now + held_now)
    wrong = sorted({i["id"] for i in dev} ^ {i["id"] for i in dev_now})
    if wrong:
        print(f"split differs from the seeded one for {len(wrong)} item(s): {', '.join(wrong)}", file=sys.stderr)
        return 1
    print(f"split OK: dev {len(dev)}, heldout {len(held)} (seed {SEED}, {HELDOUT_SHARE:.0%} of each kind held out)")
    later_dev = [item for path in later_dev_files() for item in read(path)]
    sealed_sets = [("heldout", held_now)] + [(n, read(HERE / f"{n}.jsonl")) for n in LATER_SEALED
                                             if (HERE / f"{n}.jsonl").is_file()]
    for name, sealed in sealed_sets:
        matches = near_later_dev(sealed, later_dev)
        known = LATER_SEALED[name][0] if name in LATER_SEALED else KNOWN_LATER_OVERLAPS
        new = sorted({d for found in matches.values() for d in found} - known)
        if new:
            print(f"{name}: later dev item(s) nearly the same as a sealed item: {', '.join(new)}", file=sys.stderr)
            return 1
        if matches:
            print(f"{name}: {len(matches)} sealed item(s) match known later dev items (score.py reports both)")
    for names, check in ((ROUND8, check_round8), (ROUND11, check_round11), (ROUND12, check_round12),
                         (ROUND13, check_round13), (ROUND14, check_round14),
                         (ROUND15, check_round15), (ROUND16, check_round16)):  # every round's pair of files
        label = "/".join(n.removesuffix(".jsonl") for n in names)
        problems = check()
        if problems:
            print(f"{label}: {'; '.join(problems)}", file=sys.stderr)
            return 1
        if (HERE / names[0]).is_file():
            print(f"{label} OK: the seeded split (a third of each kind in {names[1].removesuffix('.jsonl')}), clear of "
                  "every other file")
    own = [c["query"] for c in json.loads(OWN_TESTS.read_text(encoding="utf-8"))] if OWN_TESTS.is_file() else []
    for name, sealed in sealed_sets[1:]:
        before = LATER_SEALED[name][1]
        earlier = [item for other in before if (HERE / other).is_file() for item in read(HERE / other)]
        problems = overlaps(sealed, earlier, own)
        if problems:
            print(f"{name} overlaps other sets: {'; '.join(problems)}", file=sys.stderr)
            return 1
        print(f"{name} OK: {len(sealed)} items, no id or question shared with "
              f"{', '.join(Path(b).stem for b in before if (HERE / b).is_file())} or tests/answers")
    return 0


def near_later_dev(sealed: list[dict], later_dev: list[dict]) -> dict[str, list[str]]:
    """Sealed item id -> the later dev items whose question is nearly the same (ids shared count too)."""
    theirs = [(d["id"], normalised(d["question"])) for d in later_dev]
    candidates = _possible_pairs([normalised(i["question"]) for i in sealed], [q for _, q in theirs])
    found: dict[str, list[str]] = {}
    for item, near in zip(sealed, candidates, strict=True):
        mine = normalised(item["question"])
        same = [i for i, _ in theirs if i == item["id"]]
        same += [theirs[k][0] for k in near if theirs[k][0] != item["id"] and same_question(mine, theirs[k][1])]
        if same:
            found[item["id"]] = same
    return found


def later_dev_files() -> list[Path]:
    """The development sets later rounds wrote (dev2.jsonl, dev3.jsonl, ...) and the calibration sets (cal7.jsonl, ...):
    tuned on, so never like a sealed item."""
    return sorted(p for p in [*HERE.glob("dev*.jsonl"), *HERE.glob("cal*.jsonl")] if p.name != "dev.jsonl")


if __name__ == "__main__":
    raise SystemExit(main())
