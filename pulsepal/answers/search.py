"""Finding what a question is about: exact names first, then a small BM25.

Measured on this corpus, plain BM25 puts the wrong function first whenever a question names one ("parameters of
make_trapezoid" ranks `add_block` higher), so any spelling of a real name is resolved through an alias table before
ranking is consulted. API docs and how-to/template docs are ranked in separate indexes so a long template never
outranks the one-paragraph API entry a name question wants, and vice versa.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from .pulseq_api import ApiEntry, PulseqApi, snake_to_camel

_PREFIXES = ("pypulseq.", "pp.", "mr.", "seq.", "self.", "sequence.", "sys.")
_METHOD_PREFIXES = ("seq.", "self.", "sequence.")

# Names people (and general-purpose models) use that do not exist, with the real function they mean.
INVENTED: dict[str, str] = {
    "createtrap": "make_trapezoid",
    "createtrapezoid": "make_trapezoid",
    "maketrap": "make_trapezoid",
    "trapezoid": "make_trapezoid",
    "makegradient": "make_trapezoid",
    "makerectpulse": "make_block_pulse",
    "makerect": "make_block_pulse",
    "makehardpulse": "make_block_pulse",
    "makerfpulse": "make_block_pulse",
    "makesinc": "make_sinc_pulse",
    "calckspace": "seq.calculate_kspace",
    "kspace": "seq.calculate_kspace",
    "getkspace": "seq.calculate_kspace",
    "calculatektraj": "seq.calculate_kspace",
    "writeseq": "seq.write",
    "writesequence": "seq.write",
    "addevent": "seq.add_block",
    "makeadcevent": "make_adc",
    "makereadout": "make_adc",
    "checktimings": "seq.check_timing",
    "makesystem": "Opts",
    "systemopts": "Opts",
    "makerf": "make_block_pulse",
    "makepulse": "make_block_pulse",
    "makeexcitation": "make_sinc_pulse",
    "makeexcitationpulse": "make_sinc_pulse",
    "makegrad": "make_trapezoid",
    "makespoiler": "make_trapezoid",
    "makecrusher": "make_trapezoid",
    "makephaseencode": "make_trapezoid",
    "makephaseencoding": "make_trapezoid",
}
# invented names that stand for a whole family: the finding lists every real member, since which one was meant
# depends on the pulse or gradient the user has in mind
INVENTED_FAMILIES: dict[str, tuple[str, ...]] = {
    **{k: ("make_sinc_pulse", "make_block_pulse", "make_gauss_pulse", "make_arbitrary_rf")
       for k in ("makerfpulse", "makerf", "makepulse", "makeexcitation", "makeexcitationpulse")},
    **{k: ("make_trapezoid", "make_extended_trapezoid", "make_arbitrary_grad") for k in ("makegradient", "makegrad")},
    "makereadout": ("make_adc", "make_trapezoid"),
}

_STOP = frozenset(
    "a an the of to in on for and or is are be do does i my me how what which with it its this that can from by as at"
    " use using get give show please want should would could will".split()
)


def name_key(text: str) -> str:
    """Any spelling -> lookup key: 'mr.makeTrapezoid', 'make_trapezoid', 'maketrapezoid' -> 'maketrapezoid'."""
    t = text.strip().strip("`'\"()")
    low = t.lower()
    for p in _PREFIXES:
        if low.startswith(p):
            t = t[len(p) :]
            break
    return t.replace("_", "").lower()


def prefix_of(text: str) -> str:
    low = text.strip("`'\" ").lower()
    for p in _PREFIXES:
        if low.startswith(p):
            return p
    return ""


def tokenize(text: str) -> list[str]:
    """Words, with snake_case and camelCase also split, so 'flat_time' matches 'FlatTime' and 'flat time'."""
    out: list[str] = []
    for raw in re.findall(r"[A-Za-z][A-Za-z0-9_]*|\d+", text):
        low = raw.lower()
        parts = [p.lower() for p in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", raw.replace("_", " "))]
        if low not in _STOP and len(low) > 1:
            out.append(low.replace("_", ""))
        if len(parts) > 1:
            out.extend(p for p in parts if p not in _STOP and len(p) > 1)
    return out


def singular(token: str) -> str:
    """"segments" and "segment", "stores" and "store" are one term to the ranker; "axis", "bus", "class" stay."""
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def terms(text: str) -> list[str]:
    return [singular(t) for t in tokenize(text)]


class BM25:
    """The textbook Okapi BM25; a 30-line version ranked as well as the libraries on this corpus. Terms are
    tokens in the singular (a question says "waveforms" where a docstring says "waveform")."""

    def __init__(self, docs: list[str], k1: float = 1.4, b: float = 0.75):
        self.k1, self.b = k1, b
        self.tfs = [Counter(terms(d)) for d in docs]
        self.lens = [sum(tf.values()) for tf in self.tfs]
        self.avg = (sum(self.lens) / len(self.lens)) if self.lens else 1.0
        df: Counter = Counter()
        for tf in self.tfs:
            df.update(tf.keys())
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.postings: dict[str, list[int]] = {}
        for i, tf in enumerate(self.tfs):
            for t in tf:
                self.postings.setdefault(t, []).append(i)

    def scores(self, query: str) -> dict[int, float]:
        out: dict[int, float] = {}
        for t in set(terms(query)):
            idf = self.idf.get(t)
            if idf is None:
                continue
            for i in self.postings[t]:
                f = self.tfs[i][t]
                norm = self.k1 * (1 - self.b + self.b * self.lens[i] / self.avg)
                out[i] = out.get(i, 0.0) + idf * f * (self.k1 + 1) / (f + norm)
        return out

    def top(self, query: str, k: int = 5) -> list[tuple[int, float]]:
        return sorted(self.scores(query).items(), key=lambda kv: -kv[1])[:k]


@dataclass
class Doc:
    id: str
    title: str
    text: str  # what is indexed
    kind: str  # "api", "howto", "template"
    entry: Optional[ApiEntry] = None
    meta: dict = field(default_factory=dict)


@dataclass
class NameHit:
    entry: ApiEntry
    written: str  # the spelling the user used
    invented: bool = False  # True when the spelling is a known non-existent name


def _rank(entry: ApiEntry, prefix: str) -> int:
    if prefix in _METHOD_PREFIXES:
        return 0 if entry.kind in ("method",) or (entry.matlab_name or "").startswith("seq.") else 2
    order = {"function": 0, "class": 0, "method": 1, "submodule": 2, "matlab_only": 3}
    return order.get(entry.kind, 4)


class Index:
    """Alias table plus the two BM25 indexes. Built once from the introspected API and the how-to/template docs."""

    def __init__(self, api: PulseqApi, howtos: Iterable[Doc] = ()):
        self.api = api
        self.aliases: dict[str, list[ApiEntry]] = {}
        for e in api.entries:
            for form in self._forms(e):
                bucket = self.aliases.setdefault(name_key(form), [])
                if e not in bucket:
                    bucket.append(e)
        self.api_docs = [self._api_doc(e) for e in api.entries]
        self.api_bm25 = BM25([d.text for d in self.api_docs])
        self.howto_docs = list(howtos)
        self.howto_bm25 = BM25([d.text for d in self.howto_docs]) if self.howto_docs else None

    @staticmethod
    def _forms(e: ApiEntry) -> list[str]:
        forms = []
        if e.python_name:
            forms += [e.python_name, snake_to_camel(e.python_name)]
        if e.matlab_name:
            forms.append(e.matlab_name)
        return forms

    @staticmethod
    def _api_doc(e: ApiEntry) -> Doc:
        words = [e.python_name or "", e.matlab_name or "", e.summary]
        for p in e.params:
            words += [p.name, p.description]
        for r in e.returns:
            words += [r[0], r[2]]
        return Doc(id=e.key, title=e.key, text=" ".join(words), kind="api", entry=e)

    # --- exact names -------------------------------------------------------------------------------------------

    def lookup(self, written: str) -> Optional[NameHit]:
        key = name_key(written)
        cands = self.aliases.get(key)
        if cands:
            prefix = prefix_of(written)
            best = sorted(cands, key=lambda e: (_rank(e, prefix), 0 if e.summary else 1))[0]
            return NameHit(best, written)
        if key in INVENTED:
            real = self.api.get(INVENTED[key])
            if real is not None:
                return NameHit(real, written, invented=True)
        return None

    _CODEY = re.compile(
        r"`([^`]+)`|((?:pypulseq|pp|mr|seq|self)\.[A-Za-z_][A-Za-z0-9_]*)|([A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+)"
        r"|([a-z]+[A-Z][A-Za-z0-9]*)|\b([a-z]{8,})\b|\b([A-Za-z_][A-Za-z0-9_]*)\s*\("
    )

    def names_in(self, text: str) -> list[NameHit]:
        """Real Pulseq names mentioned in free text, in order. Plain English words ('plot', 'write') only count when
        written like code (prefixed, in backticks or called), so prose does not trigger lookups."""
        hits: list[NameHit] = []
        seen: set[str] = set()
        for m in self._CODEY.finditer(text):
            raw = next(g for g in m.groups() if g)
            if m.group(1):
                raw = re.split(r"[\s(]", raw.strip())[0] if raw.strip() else raw
            hit = self.lookup(raw)
            if hit is None:
                continue
            if m.group(5) and "_" not in (hit.entry.python_name or "_") and not hit.invented:
                continue  # a long plain word like 'waveforms' in prose
            if m.group(5) and hit.invented:
                continue
            if hit.entry.key not in seen:
                seen.add(hit.entry.key)
                hits.append(hit)
        return hits

    # --- ranked search ----------------------------------------------------------------------------------------

    def search_api(self, query: str, k: int = 5) -> list[tuple[Doc, float]]:
        return [(self.api_docs[i], s) for i, s in self.api_bm25.top(query, k)]

    def search_howto(self, query: str, k: int = 5) -> list[tuple[Doc, float]]:
        if self.howto_bm25 is None:
            return []
        return [(self.howto_docs[i], s) for i, s in self.howto_bm25.top(query, k)]

    def coverage(self, query: str, doc: Doc) -> float:
        """Share of the query's words that the document contains: a high BM25 score on one stray word is noise."""
        words = set(terms(query))
        if not words:
            return 0.0
        bm = self.howto_bm25 if doc.kind != "api" else self.api_bm25
        docs = self.howto_docs if doc.kind != "api" else self.api_docs
        if bm is None:
            return 0.0
        tf = bm.tfs[docs.index(doc)]
        return sum(1 for w in words if w in tf) / len(words)

    def closest_names(self, written: str, k: int = 5) -> list[ApiEntry]:
        """Real names nearest a spelling that matched nothing (for 'did you mean')."""
        import difflib

        key = name_key(written)
        keys = difflib.get_close_matches(key, list(self.aliases), n=k * 2, cutoff=0.55)
        out: list[ApiEntry] = []
        for kk in keys:
            e = self.aliases[kk][0]
            if e not in out:
                out.append(e)
        return out[:k]


TEMPLATE_DIR = Path(__file__).parent / "templates"
HOWTO_DIR = TEMPLATE_DIR / "howto"


def _header(lines: list[str], marker: str) -> dict[str, str]:
    """Read 'key: value' lines from a template's leading comment block."""
    meta: dict[str, str] = {}
    for line in lines[:25]:
        m = re.match(rf"^\s*(?:{marker})?\s*(title|keywords|sequence_type|description|functions)\s*:\s*(.+)$", line)
        if m:
            meta[m.group(1)] = m.group(2).strip()
    return meta


def load_docs() -> list[Doc]:
    """How-to notes (Markdown with MATLAB and Python code blocks) and sequence templates (.py/.m pairs)."""
    docs: list[Doc] = []
    for path in sorted(HOWTO_DIR.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        meta = _header(text.splitlines(), "")
        title = text.splitlines()[0].lstrip("# ").strip()
        meta["title"] = title
        body = re.sub(r"```.*?```", " ", text, flags=re.S)
        docs.append(Doc(id="howto:" + path.stem, title=title, text=(title + " ") * 2 + body, kind="howto",
                        meta={**meta, "path": str(path)}))
    from .sequences import TEMPLATES

    for py in sorted(TEMPLATE_DIR.glob("*.py")):
        m_path = py.with_suffix(".m")
        meta = dict(TEMPLATES.get(py.stem, {"title": py.stem}))
        lead = []
        for line in py.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            lead.append(line.lstrip("# ").strip())
        meta["description"] = " ".join(lead)
        title = meta["title"]
        text = " ".join([title, title, meta.get("keywords", ""), meta.get("keywords", ""), meta["description"]])
        docs.append(Doc(id="template:" + py.stem, title=title, text=text, kind="template",
                        meta={**meta, "py": str(py), "m": str(m_path) if m_path.exists() else ""}))
    return docs


@lru_cache(maxsize=1)
def get_index() -> Index:
    from .pulseq_api import get_api

    return Index(get_api(), load_docs())
