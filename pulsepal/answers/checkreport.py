""""Check my code" answers: every finding, what was not verified, and whether the answer can be sure.

A code check is only as good as what it can see. It checks names, arguments and call shapes against the real
signatures; it does not run the code, and it does not know the values of variables defined elsewhere. So the answer
says plainly what it did not verify, and it is *not confident* when it cannot account for what the user reports:

* no finding, but the user reports an error or a symptom ("ValueError ...", "it fails", "no signal"): the cause is
  in what the check cannot see, so "everything is fine" would be a guess;
* findings, but the error the user quotes is of a kind none of them explains (an unpacking error when only a
  spelling was found): another mistake is probably still there;
* a name reported unknown with no close real name: it may be real in a version we do not know.

An honest "not sure" with the findings it does have is worth more to the user than a confident, incomplete answer.
"""

from __future__ import annotations

import difflib
import re
from typing import Optional

from .checker import Checker, format_findings
from .flowcheck import check_write
from .intent import Intent, language_margin
from .intent import _fence_language as fence_language
from .search import Index
from .types import Answer, Finding, is_matlab, lang_label

# what a user's words say went wrong, and the finding kinds that explain it
_ERROR_KINDS: tuple[tuple[str, frozenset[str]], ...] = (
    (r"unexpected keyword|got an unexpected|keyword argument|invalidArguments|unrecognized (?:option|parameter)|"
     r"is not a recognized parameter|argument '\w+' did not match",
     frozenset({"wrong_argument", "argument_order", "missing_argument", "argument_conflict", "missing_unit"})),
    (r"too many values to unpack|not enough values to unpack|too many output arguments|cannot unpack",
     frozenset({"output_count", "missing_argument", "not_called"})),
    (r"not callable", frozenset({"not_exported", "wrong_case", "wrong_namespace"})),
    (r"has no attribute|attributeerror|no appropriate method|unrecognized (?:method|property|field)|"
     r"reference to non-existent field",
     frozenset({"wrong_namespace", "wrong_language", "wrong_case", "invented", "unknown", "wrong_field",
                "not_exported", "matlab_only", "python_only"})),
    (r"undefined (?:function|variable)|unrecognized function|nameerror|is not defined|cannot find",
     frozenset({"invented", "unknown", "wrong_case", "wrong_language", "wrong_namespace", "matlab_only",
                "python_only", "undefined_sequence"})),
    (r"either dwell or duration", frozenset({"argument_conflict"})),
    (r"slice ?thickness must be provided", frozenset({"missing_argument"})),
)
_SYMPTOM = re.compile(
    r"\b(error|errors|exception|traceback|fails?|failed|failing|crash\w*|throws?|raises?|complains?|breaks?|"
    r"broken|dies|won'?t|doesn'?t (?:work|run)|does not (?:work|run)|can'?t get|cannot get|not working|"
    r"undefined|\w+Error|no signal|dark|artifacts?|artefacts?|ghost\w*|blurr\w*|weird|strange|"
    r"(?:goes|went|comes out|looks|came out) wrong|no echo|rejects?|way off|tiny|not cent(?:red|ered)|"
    r"isn'?t cent(?:red|ered)|off[- ]cent(?:re|er))\b", re.I)
# what the user asks to be checked that a name check cannot see: TE/TR arithmetic, block order, values, timing
_CONCERN = re.compile(
    r"\b(te|tr|ti|echo time|repetition time|timing|order|calculat\w*|arithmetic|values?(?! to unpack)|"
    r"numbers?|flip angle|raster|bandwidth|dwell|centred|centered)\b", re.I)
_VALUE_KINDS = frozenset({"wrong_unit", "off_raster", "adc_on_ramp", "missing_unit", "wrong_value"})


def reported_problem(prose: str) -> bool:
    """The user says something goes wrong (an error, a failure, a bad image), not just "is this right?"."""
    return bool(_SYMPTOM.search(prose))


def explained(prose: str, findings: list[Finding]) -> bool:
    """False when the user quotes an error of a kind that none of the findings accounts for."""
    kinds = {f.problem for f in findings}
    low = prose.lower()
    for pattern, fixes in _ERROR_KINDS:
        if re.search(pattern, low, re.I) and not kinds & fixes:
            return False
    return True


def _sure_unknown(f: Finding) -> bool:
    """An unknown name is a sure finding only when the real name it points to is plainly the one meant: one typo
    away, or the same name with a word added or dropped (`pp.delay` / `pp.make_delay`)."""
    if f.problem != "unknown":
        return True
    if not f.suggestion:
        return False
    a = f.name.split(".")[-1].lower()
    b = f.suggestion.split(".")[-1].lower()
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def concern(prose: str) -> Optional[str]:
    """What the user asks about that only values, timing or physics decide ("is my TE calculation right?")."""
    m = _CONCERN.search(prose)
    return m.group(1) if m else None


_ADD_BLOCK = re.compile(r"\b\w+\.(?:add_block|addBlock)\s*\((.*)\)", re.I)


def order_doubt(code: str) -> Optional[str]:
    """A readout added before the first excitation ("seq.add_block(gx, adc)" then "seq.add_block(rf, gz)"): a
    mistake unless it is a noise scan or a dummy readout, which the code cannot tell us. Not a finding, a doubt that
    keeps the answer from being sure."""
    first_adc = first_rf = None
    for n, line in enumerate(code.splitlines()):
        m = _ADD_BLOCK.search(line)
        if not m:
            continue
        args = [a.strip().lstrip("*") for a in m.group(1).split(",")]
        if first_adc is None and any(re.match(r"adc", a, re.I) for a in args):
            first_adc = n
        if first_rf is None and any(re.match(r"rf", a, re.I) for a in args):
            first_rf = n
    if first_adc is not None and first_rf is not None and first_adc < first_rf:
        return ("In the order of your blocks the readout (ADC) comes before the first excitation (RF): unless that "
                "is meant (a noise scan, a dummy readout), move the excitation before the readout.")
    return None


_STAR = r"\*{1,2}\s*(?!(?:pp|mr)\.)[A-Za-z_]\w*"
# calls that take events, where spreading a list of them is ordinary (`seq.add_block(*blocks)`, `pp.rotate(*g)`)
_EVENT_CALLS = r"(?!(?:add_block|addBlock|rotate|calc_duration|calcDuration|align|add_gradients|addGradients)\b)"
_SPREAD = re.compile(r"\b(?:pp|mr|seq|pypulseq)\." + _EVENT_CALLS + r"\w+\s*\((?:\s*" + _STAR +
                     r"|(?:[^()]|\([^()]*\))*?,\s*" + _STAR + r"|(?:[^()]|\([^()]*\))*?\w+\{:\})")


def unseen_arguments(code: str) -> list[int]:
    """Lines whose Pulseq call takes options the check cannot see (`**kw`, `*args`, MATLAB `opts{:}`): their
    names and values were not checked, so "no problems" there would be a claim about code it did not read.
    Events spread into `add_block`, `rotate` and the like are not options and are left alone."""
    return [n for n, line in enumerate(code.splitlines(), 1) if _SPREAD.search(line)]


def not_verified(lang: str) -> str:
    timing = "`seq.checkTiming`" if lang == "matlab" else "`seq.check_timing()`"
    return ("Not verified here: timing and raster alignment (run " + timing + "), the values of variables "
            "defined outside the snippet, gradient areas, TE/TR arithmetic and the physics of the sequence.")


def check_report(findings: list[Finding], prose: str, lang: str, version: str,
                 formatted: str) -> tuple[str, bool]:
    """The answer's Markdown and whether it is confident."""
    symptom = reported_problem(prose)
    if findings:
        n = len(findings)
        text = f"### Pulseq names in your code: {n} problem{'s' if n > 1 else ''}\n\n" + formatted + "\n"
        if any(f.problem == "unknown" for f in findings):
            text += ("\nNames marked unknown are not in pypulseq and not in the MATLAB toolbox's recorded "
                     "functions; if you are sure they exist in your version, ignore that line.\n")
        sure = all(_sure_unknown(f) for f in findings) and explained(prose, findings)
        asked = concern(prose)
        if asked and not any(f.problem in _VALUE_KINDS for f in findings):
            # the names are fixed, but what the user asked about (TE, the order, a value) is not what they were
            text += (f"\nYou ask about the {asked}: that depends on values and timing this check does not "
                     "verify, so I cannot say these are the only mistakes.\n")
            sure = False
        if not explained(prose, findings):
            text += ("\nThese do not explain the error you quote, so there is probably another mistake that this "
                     "check cannot see.\n")
        text += "\n" + not_verified(lang) + "\n"
        return text, sure
    checked = (f"every Pulseq function, method and option name in your code exists, with arguments that match "
               f"the real signatures (pypulseq {version} and the MATLAB toolbox)")
    asked = concern(prose)
    if asked and not symptom:
        text = ("### Pulseq names in your code\n\n" + checked[0].upper() + checked[1:] + f". You ask about the "
                f"{asked}: this check cannot verify that (it does not run the code or know the values), so I "
                "cannot say it is right.\n\n" + not_verified(lang) + "\n")
        return text, False
    if symptom:
        text = ("### Pulseq names in your code\n\nI am not sure what causes the problem you describe: " + checked +
                ", so the cause is probably in something this check cannot see.\n\n" + not_verified(lang) + "\n")
        return text, False
    text = ("### Pulseq names in your code\n\nNo problems found: " + checked + ".\n\n" + not_verified(lang) + "\n")
    return text, True


def first_suggestion(findings: list[Finding]) -> Optional[str]:
    f = next((f for f in findings if f.suggestion), None)
    return f.suggestion if f else None


def check_answer(checker: Checker, index: Index, intent: Intent) -> Answer:
    code_lang = intent.code_lang or ("matlab" if is_matlab(intent.lang) else "python")
    findings = checker.check(intent.code, code_lang)
    findings = sorted(findings + check_write(intent.code, code_lang, intent.prose), key=lambda f: f.line)
    text, sure = check_report(findings, intent.prose, code_lang, index.api.version, format_findings(findings))
    hidden = unseen_arguments(intent.code)
    if hidden:
        text += ("\nI could not see every argument on line" + ("s " if len(hidden) > 1 else " ") +
                 ", ".join(map(str, hidden)) + " (passed through `*`/`**` or a cell expansion), so those were not "
                 "checked.\n")
        sure = False
    doubt = order_doubt(intent.code)
    if doubt:
        text += "\n" + doubt + "\n"
        sure = False
    if not fence_language(intent.query) and language_margin(intent.code) <= 1 and any(
            f.problem in ("wrong_language", "wrong_namespace", "wrong_field") for f in findings):
        # the code reads as either toolbox, and the findings depend on which: say which one was assumed
        text += (f"\nI read this code as {lang_label(code_lang)}; if it is meant for the other toolbox, these "
                 "spellings are the other way round (tag the code block with its language to be sure).\n")
        sure = False
    first = first_suggestion(findings)
    if first and not first.startswith(("pp.", "mr.", "`")):
        first = re.sub(r"^\w*seq\w*\.", "seq.", first, flags=re.I)  # `pp_seq.write`: the Sequence method
    hit = index.lookup(first) if first else None
    return Answer(text=text, confident=sure, topic=hit.entry.key if hit else None)
