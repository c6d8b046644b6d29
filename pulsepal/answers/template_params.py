"""Follow-ups about a template's parameters: "how do I change the echo train length?" after a TSE template.

Every template keeps its settings in one parameters block at the top (`# --- parameters ---` ... `# --- end of
parameters ---`), each a name, a value and a comment saying what it is. A question about one of them is answered
by pointing at that line, in the language of the answer, rather than by guessing a function.
"""

from __future__ import annotations

import re
from typing import Optional

from .builder import TEMPLATE_DIR
from .sequences import title
from .types import Answer, is_matlab, lang_label

# words people use for a parameter -> words found in the parameter's name or comment
_SYNONYMS = {
    "etl": "echo-train", "turbo": "echo-train", "train": "echo-train", "echoes": "echo-train", "te": "echo time",
    "tr": "repetition time", "ti": "inversion time", "matrix": "samples lines", "resolution": "samples lines",
    "fov": "field of view", "thickness": "slice", "slices": "slices", "flip": "flip angle", "angle": "flip",
    "bandwidth": "dwell window", "readout": "window", "dwell": "dwell", "b": "b-value diffusion",
    "diffusion": "diffusion", "partitions": "partitions", "dummies": "repetitions before", "averages": "fids",
    "gradient": "gradient limit", "slew": "slew-rate", "dead": "dead", "ringdown": "ringdown",
    "thinner": "thickness", "thicker": "thickness",
}
# "what TE does it use?" after a template asks for one of its settings just as "how do I change the TE?" does
_ASKS_SETTING = re.compile(r"\bwhat\b.{0,30}\b(does|did|do)\b.{0,20}\b(it|this|the template|you|they)\b.{0,10}\b"
                           r"(use|set|have|pick|choose)|\bwhat('s| is| are)\b.{0,25}\b(in|of|for) (it|this|the "
                           r"template)\b|\bhow (many|long|thick|big|large)\b|\b(is|are) (set|used|written|chosen|"
                           r"given)\b.{0,12}\b(in|for|by) (it|this|the template)\b|\b(is|was) (it|this) (written|"
                           r"set up|made|built) for\b", re.I)
_STOP = frozenset("how do i can change set increase decrease make the a an to in of it its my this that what is "
                  "want would like more less fewer use please template sequence".split())


def asks_setting(prose: str) -> bool:
    return bool(_ASKS_SETTING.search(prose))


def parameters(stem: str, lang: str) -> list[tuple[str, str, str]]:
    """(name, value, comment) of each line of the template's parameters block."""
    path = TEMPLATE_DIR / f"{stem}.{'m' if is_matlab(lang) else 'py'}"
    text = path.read_text(encoding="utf-8")
    block = re.search(r"--- parameters ---\n(.*?)\n[%#] --- end of parameters ---", text, re.S)
    out = []
    for line in (block.group(1).splitlines() if block else []):
        m = re.match(r"\s*(\w+)\s*=\s*([^;#%]+?)\s*;?\s*[#%]\s*(.*)$", line)
        if m:
            out.append((m.group(1), m.group(2), m.group(3)))
    return out


def _words(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9*-]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", text).lower().replace("_", " "))
    return {w[:-2] if w.endswith("oes") else w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss")
            else w for w in words if w not in _STOP}


def match(prose: str, params: list[tuple[str, str, str]]) -> Optional[tuple[str, str, str]]:
    """The parameter the question is about: the most question words found in its name and comment."""
    asked = _words(prose)
    asked |= {w for a in list(asked) for w in _words(_SYNONYMS.get(a, ""))}
    raw = set(re.findall(r"[a-z]+", prose.lower()))
    best, score = None, 0.0
    for p in params:
        have = _words(p[0] + " " + p[2])
        hits = len(asked & have) + 0.5 * len(raw & set(re.split(r"_|(?<=[a-z])(?=[A-Z])", p[0].lower())))
        if hits > score:
            best, score = p, hits
    return best if score >= 1 else None


def answer(stem: str, prose: str, lang: str) -> Optional[Answer]:
    params = parameters(stem, lang)
    found = match(prose, params)
    if found is None:
        return None
    name, value, comment = found
    fence = "matlab" if is_matlab(lang) else "python"
    mark = "%" if is_matlab(lang) else "#"
    block = [f"{p[0]} = {p[1]}{';' if is_matlab(lang) else ''}  {mark} {p[2]}" for p in params]
    code = (TEMPLATE_DIR / f"{stem}.{'m' if is_matlab(lang) else 'py'}").read_text(encoding="utf-8")
    body = code.split("end of parameters ---", 1)[-1]
    lines = [ln.strip() for ln in body.splitlines() if ln.strip() and not ln.strip().startswith(mark)]
    direct = [ln for ln in lines if re.search(rf"\b{re.escape(name)}\b", ln) and not re.match(r"(if|error|raise)\b",
                                                                                               ln)]
    derived = {m.group(1) for ln in direct for m in [re.match(r"(\w+)\s*=", ln)] if m and m.group(1) != name}
    calls = [ln for ln in lines if ln not in direct and re.search(r"\b(mr|pp|seq)\.\w+", ln) and any(
        re.search(rf"\b{re.escape(d)}\b", ln) for d in derived)]
    uses = direct[:3] + calls[:3]
    text = [f"### {title(stem)} template: `{name}`", "",
            f"In the {title(stem)} template ({lang_label(lang)}) that is **`{name}`** ({comment}), in the parameters "
            f"block at the top; it is `{value}` now. Change it there and run the script again: the template works out "
            "the delays from it and stops with the minimum (or maximum) that works if the new value cannot.", "",
            f"```{fence}", *block, "```", ""]
    if uses:
        text += ["Where the template uses it:", "", f"```{fence}", *uses, "```", ""]
    return Answer(text="\n".join(text), confident=True, topic=None, subject=f"template:{stem}")
