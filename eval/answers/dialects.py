"""Which Pulseq names are real in which dialect, and where an answer's text mentions them.

Why it exists: the scorer must tell an invented call (`mr.makeRectPulse`, `seq.addblock`, `pp.makeTrapezoid`) from a
real one without trusting the responder's own tables. MATLAB names come from the shipped facts file extracted from
the toolbox source (pulsepal/answers/data/matlab_api.json); Python names from introspecting the installed pypulseq
here (top level, submodules, `Sequence` methods and attributes), independently of pulsepal's own introspection.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import types
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MATLAB_API = ROOT / "pulsepal" / "answers" / "data" / "matlab_api.json"

FENCE = re.compile(r"```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)```", re.S)
PY_TAGS = {"python", "py", "python3", "pycon", "ipython"}
ML_TAGS = {"matlab", "octave", "m", "mat"}
NAME = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\.([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)*)(\s*\()?")
BACKTICK = re.compile(r"`([A-Za-z_][\w.]*)\s*(\([^`]*\))?`")
# A mention on a line that reports it as wrong is a finding, not an offer. Which side of the line a name is on
# decides: after "use"/"should be"/"->" it is the correction; after "not"/"instead of", or before "does not
# exist"/"is the Python spelling", it is the mistake.
TRIGGER = re.compile(
    r"\b(not|no such|invalid|wrong|incorrect|typo|misspel\w*|unknown|never|doesn't|does not|isn't|is not|don't|"
    r"invented|nonexistent|non-existent|mistakes?|instead of|rather than|spelling|namespace)\b|n't\b|❌|✗", re.I)
CORRECTION = re.compile(r"\b(use|should be|replace\w* (it )?(with|by)|correct (name|spelling) is|instead(?! of)|"
                        r"you probably mean|did you mean)\b|→|->|=>", re.I)
NEGATION = TRIGGER  # a line that marks something as wrong (for whole-line checks)
UNIMPORTABLE = types.SimpleNamespace(__name__="unimportable")  # a pypulseq submodule whose optional extra is missing


def negated_at(line: str, start: int, end: int) -> bool:
    """Whether the text at line[start:end] is reported as wrong by its line (see TRIGGER / CORRECTION)."""
    markers = sorted([(m.start(), m.end(), "t") for m in TRIGGER.finditer(line)]
                     + [(m.start(), m.end(), "c") for m in CORRECTION.finditer(line)])
    before = [k for s_, e_, k in markers if e_ <= start]
    if before:
        return before[-1] == "t"
    after = [k for s_, e_, k in markers if s_ >= end]
    return bool(after) and after[0] == "t"


@dataclass
class Mention:
    """One `prefix.name` in an answer: where it is and in which dialect it has to be real."""

    prefix: str
    name: str
    rest: str  # further `.attr` parts
    called: bool
    dialect: str  # "python" | "matlab" | "either"
    in_code: bool
    negated: bool  # its line says it is wrong / replaced (a finding, not an offer)
    line: str

    @property
    def full(self) -> str:
        return f"{self.prefix}.{self.name}{self.rest}"


@dataclass
class Dialects:
    """The real names of both dialects."""

    ml_functions: set[str] = field(default_factory=set)
    ml_methods: set[str] = field(default_factory=set)
    ml_props: set[str] = field(default_factory=set)
    ml_subpackages: dict[str, set[str]] = field(default_factory=dict)
    ml_later: set[str] = field(default_factory=set)
    py_top: dict[str, object] = field(default_factory=dict)
    py_seq: dict[str, bool] = field(default_factory=dict)  # name -> callable

    @classmethod
    def load(cls, matlab_api: Path = MATLAB_API) -> Dialects:
        d = cls()
        api = json.loads(matlab_api.read_text(encoding="utf-8"))
        d.ml_functions = {e["name"] for e in api["functions"]}
        d.ml_methods = {e["name"] for e in api["sequence_methods"]}
        d.ml_props = set(api.get("sequence_properties", []))
        d.ml_subpackages = {k: set(v) for k, v in api.get("subpackages", {}).items()}
        d.ml_later = {n for names in api.get("later_versions", {}).values() for n in names}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pypulseq

            for name in dir(pypulseq):
                obj = getattr(pypulseq, name)
                if name.startswith("_") or (isinstance(obj, types.ModuleType)
                                            and not obj.__name__.startswith("pypulseq")):
                    continue
                d.py_top[name] = obj
            for info in pkgutil.walk_packages(pypulseq.__path__, "pypulseq.", onerror=lambda _name: None):
                top = info.name.split(".")[1]
                if top not in d.py_top:
                    try:
                        d.py_top[top] = importlib.import_module(f"pypulseq.{top}")
                    except ImportError:  # needs an optional extra (make_sigpy_pulse needs sigpy): real all the same
                        d.py_top[top] = UNIMPORTABLE
            seq = pypulseq.Sequence()
        for name in set(dir(pypulseq.Sequence)) | set(vars(seq)):
            if name.startswith("_"):
                continue
            value = getattr(seq, name, None)
            if isinstance(value, types.ModuleType):
                continue
            d.py_seq[name] = callable(value)
        return d

    # --- validity ------------------------------------------------------------------------------------------------

    def real_matlab(self, prefix: str, name: str, rest: str) -> bool:
        if prefix == "mr":
            if name in self.ml_subpackages:
                parts = [p for p in rest.split(".") if p]
                return bool(parts) and parts[0] in self.ml_subpackages[name]
            return name in self.ml_functions or f"mr.{name}" in self.ml_later
        if prefix == "seq":
            return name in self.ml_methods or name in self.ml_props or f"seq.{name}" in self.ml_later
        return True

    def real_python(self, prefix: str, name: str, rest: str, called: bool) -> bool:
        if prefix == "seq":
            if name not in self.py_seq:
                return False
            return self.py_seq[name] or not called or bool(rest)
        obj = self.py_top.get(name)
        if obj is None:
            return False
        if obj is UNIMPORTABLE:
            return True
        for part in [p for p in rest.split(".") if p]:
            if isinstance(obj, types.ModuleType) and not hasattr(obj, part):
                try:
                    obj = importlib.import_module(f"{obj.__name__}.{part}")
                    continue
                except ImportError:
                    return False
            if not hasattr(obj, part):
                return False
            obj = getattr(obj, part)
        return callable(obj) or not called

    def settle_spelling(self, m: Mention) -> None:
        """A `seq.` name outside code gets its dialect from its spelling; where the facts contradict the spelling
        (the MATLAB methods `seq.write_v141` and `seq.waveforms_and_times` are snake_case), the facts decide: a name
        real only in the other dialect is that dialect's name."""
        if m.in_code or m.prefix != "seq" or m.dialect == "either":
            return
        real = {"matlab": self.real_matlab(m.prefix, m.name, m.rest),
                "python": self.real_python(m.prefix, m.name, m.rest, m.called)}
        other = "python" if m.dialect == "matlab" else "matlab"
        if not real[m.dialect] and real[other]:
            m.dialect = other

    def is_real(self, m: Mention) -> bool:
        """Real in the dialect the mention is in: a code fence's language, or for prose its spelling."""
        ml = m.prefix in ("mr", "seq") and self.real_matlab(m.prefix, m.name, m.rest)
        py = m.prefix != "mr" and self.real_python(m.prefix, m.name, m.rest, m.called)
        if m.dialect == "matlab":
            return ml
        if m.dialect == "python":
            return py
        return ml or py


# --- reading an answer ------------------------------------------------------------------------------------------


def fence_language(tag: str, code: str) -> str:
    """'python' | 'matlab' | 'neutral' for one code fence, from its tag or (untagged) its content."""
    t = tag.lower()
    if t in PY_TAGS:
        return "python"
    if t in ML_TAGS:
        return "matlab"
    if t:
        return "neutral"
    if re.search(r"^\s*(import |from \w+ import |def )|\bpp\.\w+\(", code, re.M):
        return "python"
    if re.search(r"\bmr\.\w+\(|;\s*$|^\s*%", code, re.M):
        return "matlab"
    return "neutral"


def python_aliases(code: str) -> tuple[set[str], set[str]]:
    """Module aliases of pypulseq (`import pypulseq as pp` gives 'pp') and names imported from it."""
    aliases = {m.group(1) for m in re.finditer(r"^\s*import\s+pypulseq\s+as\s+(\w+)", code, re.M)}
    if re.search(r"^\s*import\s+pypulseq\s*$", code, re.M):
        aliases.add("pypulseq")
    imported: set[str] = set()
    for m in re.finditer(r"^\s*from\s+pypulseq(?:\.[\w.]+)?\s+import\s+\(?([\w\s,]+)\)?", code, re.M):
        imported |= {n.split(" as ")[0].strip() for n in m.group(1).split(",") if n.strip()}
    return aliases, imported


def comment_start(line: str, mark: str) -> int:
    """Index where a line comment starts (len(line) if none), skipping marks inside quoted strings."""
    quote = ""
    for i, c in enumerate(line):
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"" and not (mark == "%" and c == "'" and i and (line[i - 1].isalnum() or line[i - 1] in ")]}.")):
            quote = c
        elif c == mark:
            return i
    return len(line)


def style_dialect(prefix: str, name: str) -> str:
    """Dialect a prose mention is written in: mr. is MATLAB, pp./pypulseq. Python, seq. decided by its spelling."""
    if prefix == "mr":
        return "matlab"
    if prefix in ("pp", "pypulseq"):
        return "python"
    if "_" in name:
        return "python" if not re.search(r"[a-z][A-Z]", name) or name.endswith(("ID", "PP")) else "either"
    if re.search(r"[A-Z]", name):
        return "matlab"
    return "either"


def mentions(text: str) -> tuple[list[Mention], list[tuple[str, str]]]:
    """Every `mr.`/`pp.`/`seq.` (or pypulseq alias) name in an answer, plus its code fences as (language, code)."""
    found: list[Mention] = []
    fences = [(fence_language(tag, code), code) for tag, code in FENCE.findall(text)]
    for lang, code in fences:
        if lang == "neutral":
            continue
        aliases, _ = python_aliases(code) if lang == "python" else (set(), set())
        for line in code.splitlines():
            comment = comment_start(line, "#" if lang == "python" else "%")
            for m in NAME.finditer(line):
                prefix = "pp" if m.group(1) in aliases else m.group(1)  # `import pypulseq as mr` makes mr Python
                if prefix not in ("mr", "pp", "pypulseq", "seq"):
                    continue
                in_comment = m.start() >= comment  # a comment may name the other dialect: judge it by its spelling
                dialect = style_dialect(m.group(1), m.group(2)) if in_comment else lang
                found.append(Mention(prefix, m.group(2), m.group(3), bool(m.group(4)), dialect, not in_comment,
                                     negated_at(line, m.start(), m.end()), line.strip()))
    prose = FENCE.sub("\n", text)
    for line in prose.splitlines():
        for m in NAME.finditer(line):
            prefix, name = m.group(1), m.group(2)
            if prefix in ("mr", "pp", "pypulseq", "seq"):
                found.append(Mention(prefix, name, m.group(3), bool(m.group(4)), style_dialect(prefix, name),
                                     False, negated_at(line, m.start(), m.end()), line.strip()))
    return found, fences


def normalise(name: str) -> str:
    """Dialect-free key of a name: `mr.makeTrigger`, `pp.make_trigger` and `make_trigger` all give 'maketrigger'."""
    base = name.split("(")[0].strip("`")
    base = re.sub(r"^(mr|pp|pypulseq|seq)\.", "", base)
    return base.replace("_", "").lower()


def name_pattern(expected: str) -> re.Pattern[str]:
    """How an expected name counts as present: qualified, called, or in backticks; MATLAB functions need `mr.`."""
    prefix, _, name = expected.partition(".")
    n = re.escape(name)
    if prefix == "mr":
        return re.compile(rf"(?<![\w.])mr\.{n}\b")
    if prefix == "seq":
        return re.compile(rf"(?<![\w.])\w+\.{n}\b|(?<![\w.]){n}\s*\(|`{n}`")
    module, dot, func = name.rpartition(".")
    if dot:  # a submodule's function (`pp.convert.convert`) is usually imported from the submodule and called bare
        sub = rf"|from\s+(?:pypulseq|pp)\.{re.escape(module)}\s+import\b[^\n]*\b{re.escape(func)}\b"
    else:
        sub = ""
    return re.compile(rf"(?<![\w.])(?:pp|pypulseq|\w+)\.{n}\b|(?<![\w.]){n}\s*\(|`{n}`|import[^\n]*\b{n}\b"
                      + sub)


def first_candidate(text: str, dialects: Dialects | None = None) -> str | None:
    """The first Pulseq function an answer offers (for an unsure answer: its first 'closest match'): a qualified
    `mr.`/`pp.`/`seq.` name, or a bare name in backticks that is a real pypulseq function or Sequence method."""
    found: list[tuple[int, str]] = []
    for m in NAME.finditer(text):
        if m.group(1) in ("mr", "pp", "pypulseq", "seq"):
            found.append((m.start(), f"{m.group(1)}.{m.group(2)}"))
            break
    for m in BACKTICK.finditer(text):
        name = m.group(1)
        if "." in name:
            continue
        known = dialects is None and "_" in name or dialects is not None and (
            callable(dialects.py_top.get(name)) or dialects.py_seq.get(name) or name in dialects.ml_functions)
        if known:
            found.append((m.start(), name))
            break
    return min(found)[1] if found else None
