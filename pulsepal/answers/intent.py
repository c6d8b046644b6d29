"""What a question asks for: check code, translate it, a sequence template, or something about a function or
topic (its parameters, its outputs, how to use it), and in which language to answer.

Naming a language is not asking for a translation. "How do I make a trapezoid in pypulseq?" asks for a Python
answer; only a translation verb ("translate", "port", "rewrite", "convert this code"), an equivalence word
("equivalent", "counterpart") or code written in the other language than the one asked for makes a translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..language import detect_language, normalise_language
from .followup_rewrite import ONE
from .search import Index, NameHit

CODE_FENCE = re.compile(r"```[ \t]*([a-zA-Z]*)[ \t]*\n(.*?)```", re.S)
_CHECK = re.compile(
    r"\b(check|checks|wrong|error|errors|fix|bug|bugs|broken|review|valid|validate|doesn'?t work|does not work|"
    r"fails?|failing|mistakes?|problems?|issues?|debug|correct\??$|is (this|it|that) (right|correct|ok)|rejects?|"
    r"crash\w*|dies|throws?|complains?|no signal|no echo)\b", re.I)
_TRANSLATE_VERB = re.compile(
    r"\b(translate|translating|translation|port|porting|rewrite|re-write)\b"
    r"|\bconvert\w*\s+(this|the|my|that|these|those|following|code|script|snippet|lines?|it|call|statement)\b"
    r"(?!.{0,25}\b(units?|mt/m|hz/m|t/m/s|gradient amplitude|slew)\b)"
    r"|\bconvert\w*\b.{0,60}\b(to|into)\s+(python|pypulseq|matlab|octave)\b", re.I)
_EQUIV = re.compile(r"\b(equivalent|counterpart|analog(ue)?|corresponding)\b"
                    r"|\b(python|pypulseq|matlab|octave) (version|name|spelling|way|syntax)\b", re.I)
_LANG_WORD = re.compile(r"\b(python|pypulseq|matlab|octave)\b|^\s*(py)\b(?=\s*(please|pls|version|:))", re.I)
_LANG_TARGET = re.compile(r"\b(?:in|to|into|for|with|using|via|from)\s+(python|pypulseq|matlab|octave)\b"
                          r"|\b(python|pypulseq|matlab|octave)(?:'s)?\s+(?:version|equivalent|code|syntax|way)\b", re.I)
# "from MATLAB", "my MATLAB code into Python" name the source; "MATLAB code to register an RF event" names the
# language of the answer, so a source needs the other language after its "to"
# "a .seq written from pypulseq" is made with it: the language of the answer, not a source to translate from
_MADE_WORDS = ("written", "generated", "made", "built", "created", "exported", "produced", "saved")
_MADE = "".join(f"(?<!{w} )" for w in _MADE_WORDS)
# ... unless the question reads the file: "read a .seq generated from pypulseq" in MATLAB stays MATLAB
_MADE_FROM = re.compile(rf"\b(?:{'|'.join(_MADE_WORDS)}) from\s+(python|pypulseq|matlab|octave)\b", re.I)
_LANG_SOURCE = re.compile(_MADE + r"\bfrom\s+(python|pypulseq|matlab|octave)\b|\b(python|pypulseq|matlab|octave)\s+"
                          r"(?:code|script|snippet|call|line|statement)s?\b.{0,40}\b(?:to|into|in)\b"
                          r"(?=.{0,25}\b(?:python|pypulseq|matlab|octave|the other)\b)", re.I)
_RETURNS = re.compile(r"\b(return|returns|returned|returning|give back|gives back|outputs? (?:arguments?|values?)|"
                      r"what (?:are|is) (?:the |its )?outputs?|how many outputs|which outputs|output of)\b", re.I)
# "default for that?": the defaults are in the parameter list (of the function, or of the function a note is built on)
_PARAMS = re.compile(r"\b(param|params|parameters?|arguments?|args|signature|options?|inputs?|keywords?|kwargs|"
                     r"name[- ]value|accepts?|takes?|defaults?)\b", re.I)
_PRONOUN = re.compile(r"\b(it|its|it's|this|that|these|those|them|they|the function|the same|this one|that one|"
                      r"the previous|above)\b", re.I)
_CONTINUES = re.compile(r"^\s*(and|what about|how about|also|then|now)\b", re.I)
_TEMPLATE_WORD = re.compile(r"\b(template|example|skeleton|script|starter|write|writing|build|building|create|"
                            r"give|make|code|implement|program|generate|show me|need|want|full|complete|have|"
                            r"provide|available|please|adapt|"
                            r"how (do|can|would) i (write|build|make|create|program|implement|set up))\b", re.I)
_SEQUENCE_WORD = re.compile(r"\bsequences?\b|\bprotocol\b|\bpulse sequence\b|\bacquisition\b|\bscan\b", re.I)


@dataclass
class Intent:
    query: str
    prose: str  # the question without its code
    code: str  # code the user pasted (fenced or not), "" when none
    code_lang: Optional[str]  # "python" | "matlab" when code is present
    lang: str  # the language to answer in
    explicit_lang: Optional[str]  # a language the question names for this answer
    action: str  # "check" | "translate_code" | "translate_name" | "template" | "ask"
    aspect: str  # "returns" | "params" | "overview"
    names: list[NameHit] = field(default_factory=list)
    refers_back: bool = False  # "its parameters?", "and in MATLAB?", short questions without a name
    pronoun: bool = False  # "it", "that one": certainly the previous subject, whatever else the words suggest
    wants_template: bool = False


# (pattern, weight): the toolbox namespaces and file-level syntax weigh most, call-level habits least (they are
# exactly what people carry over from the other toolbox by mistake).
_PY_MARKS = ((r"\bpp\.\w+", 4), (r"^\s*(import|from)\s", 3), (r"[(,]\s*[a-z_]\w*\s*=(?!=)", 1), (r"\bnp\.", 2),
             (r"\b(True|False|None)\b", 1), (r"^\s*#", 2), (r":\s*$", 2), (r"\bseq\.[a-z]+_[a-z_]+\(", 2),
             (r"^\s*def\s", 3), (r"^\s*for\s+\w+(\s*,\s*\w+)*\s+in\s", 3), (r"\brange\(", 2))
_ML_MARKS = ((r"\bmr\.[a-z]+[A-Z]\w*", 4), (r"^\s*%", 2), (r";\s*$", 1), (r"\bend\s*$", 2),
             (r"\bseq\.[a-z]+[A-Z]\w*", 2), (r"'[A-Za-z]+'\s*,\s*[^,)]+", 1), (r"^\s*\[[\w\s,~]+\]\s*=", 2),
             (r"^\s*function\b", 3), (r"(?<!\.)\bpi\b", 1), (r"^\s*for\s+\w+\s*=", 3))


def language_margin(code: str) -> int:
    """How clearly the marks decide the dialect (the weight difference): 0 or 1 means the code reads either way."""
    def weigh(marks: tuple[tuple[str, int], ...]) -> int:
        return sum(w * len(re.findall(m, code, re.M)) for m, w in marks)

    return abs(weigh(_PY_MARKS) - weigh(_ML_MARKS))


def code_language(code: str) -> str:
    """Which dialect pasted code is written in: the one with more weight of its marks (MATLAB on a tie: it has the
    more distinctive syntax). Weighing marks, not testing for one, keeps a Python script with a stray `mr.` call or
    MATLAB-style name/value pairs (and MATLAB with a Python keyword) in its real language."""
    def weigh(marks: tuple[tuple[str, int], ...]) -> int:
        return sum(w * len(re.findall(m, code, re.M)) for m, w in marks)

    py, ml = weigh(_PY_MARKS), weigh(_ML_MARKS)
    if py == 0 and ml == 0:
        lang = detect_language(code)
        return "python" if lang == "python" else "matlab"
    return "python" if py > ml else "matlab"


def _looks_like_code(text: str) -> bool:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    callish = sum(1 for ln in lines if re.search(
        r"[\w\]]\s*=\s*[\w.\[]+\(|^\s*\w+\.\w+\(.*\)\s*;?\s*$|^\s*(import|from)\s|^\s*\[[\w\s,~]+\]\s*=", ln))
    return callish >= 1 and (len(lines) >= 2 or callish == len(lines)) and callish * 2 >= len(lines)


# what an assignment assigns to: names separated by commas ("rf, gz, gzr"), not the words before them ("how would I
# write gx = ..." assigns to gx)
_TARGETS = r"\b\w+(?:\s*,\s*\w+)*"


def split_code(query: str) -> tuple[str, str]:
    """(prose, code): fenced blocks first, then pasted lines that look like code, then one inline call."""
    blocks = [b for _, b in CODE_FENCE.findall(query)]
    if blocks:
        return CODE_FENCE.sub(" ", query), "\n".join(blocks)
    lines = query.splitlines()
    if len(lines) > 1:
        body = [i for i, ln in enumerate(lines) if re.search(r"[=(;]|^\s*(%|#|end\b|for\b|import\b)", ln)]
        if body:
            rest = "\n".join(lines[body[0]:])
            if _looks_like_code(rest):
                return "\n".join(lines[:body[0]]), rest
    m = re.match(r"^([^=(`]*?):\s*(.+)$", query.strip(), re.S)
    if m and _looks_like_code(m.group(2).strip("` ")) and "\n" not in m.group(2).strip() and \
            "`" not in m.group(2).strip().strip("`"):  # "My code: `...` what's wrong": the words after it count
        return m.group(1), m.group(2).strip().strip("`")
    # a whole statement inline: "what is [rf, gz] = mr.makeSincPulse(pi/2, sys) in python?"
    stmt = re.search(r"`([^`]*\b(?:mr|pp|seq)\.\w+\s*\([^`]*)`|((?:\[[\w\s,~]+\]|" + _TARGETS +
                     r")\s*=\s*(?:mr|pp|seq)\.\w+\s*\((?:[^()]|\([^()]*\))*\)\s*;?)", query)
    if stmt:
        code = stmt.group(1) or stmt.group(2)
        return query.replace(stmt.group(0), " "), code.strip()
    # a statement without parentheses: "`[ok, rep] = seq.checkTiming;`", "`t = seq.duration`"
    bare = re.search(r"`((?:\[[\w\s,~]+\]|" + _TARGETS + r")\s*=\s*(?:mr|pp|seq)\.\w+[^`]*|(?:mr|pp|seq)\.\w+\s*;)`",
                     query)
    if bare:
        return query.replace(bare.group(0), " "), bare.group(1).strip()
    call = re.search(r"(?<![\w.])(?:mr|pp|seq)\.\w+\s*\((?:[^()]|\([^()]*\))*\)\s*;?", query)
    if call and re.search(r"['\"\d]", call.group(0)):  # a call with real arguments, not just a name with ()
        return query.replace(call.group(0), " "), call.group(0).strip()
    return query, ""


def _lang_of(word: str) -> str:
    return normalise_language(word)


def detect(query: str, preferred: str, index: Index) -> Intent:
    prose, code = split_code(query or "")
    code_lang = (_fence_language(query) or code_language(code)) if code else None
    targets = [m.group(1) or m.group(2) for m in _LANG_TARGET.finditer(prose)]
    sources = [m.group(1) or m.group(2) for m in _LANG_SOURCE.finditer(prose)]
    if re.search(r"\b(read|load|open|import|view|inspect|plot)\w*\b", prose, re.I):
        sources += [m.group(1) for m in _MADE_FROM.finditer(prose) if m.group(1)]
    words = [m.group(1) or m.group(2) for m in _LANG_WORD.finditer(prose)]
    explicit: Optional[str] = None
    wanted = [w for w in targets if w not in sources] or ([w for w in words if w not in sources] if len(set(
        _lang_of(w) for w in words)) == 1 else [])
    if wanted:
        explicit = _lang_of(wanted[-1])
    lang = explicit or preferred
    if lang == "matlab" and preferred == "octave" and explicit != "matlab":
        lang = "octave"
    names = [h for h in index.names_in(prose)]
    translate_words = bool(_TRANSLATE_VERB.search(prose) or _EQUIV.search(prose)) or (bool(code) and bool(
        re.match(r"^\s*(py|python|pypulseq|matlab|octave)\s*(please|pls|version)?\s*:", prose, re.I)))
    aspect = "overview"
    if _RETURNS.search(prose) and not re.search(r"\bparam", prose, re.I) and not re.search(
            r"\b(output|digital) (trigger|pulse|signal)|\boutput\w* (a |an )?(trigger|ttl)", prose, re.I):
        aspect = "returns"
    elif _PARAMS.search(prose):
        aspect = "params"
    pronoun = not names and bool(_PRONOUN.search(prose) or ONE.search(prose))  # "make one of 10 ms"
    refers_back = not names and (pronoun or bool(_CONTINUES.search(prose)) or len(prose.split()) <= 6 or (
        aspect != "overview" and len(prose.split()) <= 10))  # "how many outputs can I ask for?"
    wants_template = bool(_TEMPLATE_WORD.search(prose) and _SEQUENCE_WORD.search(prose)) or bool(
        re.search(r"\btemplate\b", prose, re.I))

    action = "ask"
    if code:
        code_target = explicit if explicit else None
        if translate_words and not _CHECK.search(prose):
            action = "translate_code"
        elif code_target and _lang_family(code_target) != _lang_family(code_lang or "") and not _CHECK.search(prose):
            action = "translate_code"
        elif _CHECK.search(prose) or len(code.splitlines()) > 1 or not prose.strip(" ?.:\n"):
            action = "check"
        else:
            names = names or index.names_in(code)
        if action == "translate_code" and not explicit:
            lang = "python" if code_lang == "matlab" else ("octave" if preferred == "octave" else "matlab")
        elif action == "translate_code" and explicit and _lang_family(explicit) == _lang_family(code_lang or ""):
            lang = "python" if code_lang == "matlab" else "matlab"
    elif names and translate_words:
        action = "translate_name"
        if not explicit:
            written = names[0].written
            lang = "python" if _dialect_of(written) == "matlab" else (
                "octave" if preferred == "octave" else "matlab")
    return Intent(query=query, prose=prose, code=code, code_lang=code_lang, lang=lang, explicit_lang=explicit,
                  action=action, aspect=aspect, names=names, refers_back=refers_back, pronoun=pronoun,
                  wants_template=wants_template)


def _fence_language(query: str) -> Optional[str]:
    """The language the user tagged their code fence with: what they say it is beats what it looks like (a Python
    snippet full of MATLAB spellings is still Python that needs fixing)."""
    tags = {m.group(1).lower() for m in CODE_FENCE.finditer(query)}
    langs = {"python" if t in ("python", "py", "python3") else "matlab" if t in ("matlab", "m", "octave") else ""
             for t in tags} - {""}
    return langs.pop() if len(langs) == 1 else None


def _lang_family(lang: str) -> str:
    return "matlab" if lang in ("matlab", "octave") else lang


def _dialect_of(written: str) -> Optional[str]:
    """The toolbox a written name belongs to: `mr.` and camelCase are MATLAB, `pp.` and snake_case Python."""
    w = written.strip("`'\" ()")
    if w.startswith("mr.") or re.search(r"^(seq\.)?[a-z]+[A-Z]", w):
        return "matlab"
    if w.startswith(("pp.", "pypulseq.")) or "_" in w:
        return "python"
    return None


dialect_of = _dialect_of
