""""Check my code": catch Pulseq names that do not exist or are spelled for the other toolbox.

Most broken Pulseq code that people bring (often written by a general-purpose chatbot) fails on names, not logic:
`mr.write` instead of `seq.write`, MATLAB camelCase in Python, invented helpers like `mr.createTrap`. Every name is
judged against the tables introspected from the installed pypulseq, so a real name is never reported; names we cannot
place are reported as unknown, with the closest real names, rather than silently "corrected".
"""

from __future__ import annotations

import re
from typing import Optional

from ..language import detect_language
from .argcheck import ArgChecker
from .codeparse import sequence_variables
from .dialectcheck import DialectChecker
from .flowcheck import check_flow, check_undefined
from .importcheck import check_imports
from .intent import code_language
from .matlab_facts import later_note
from .pulseq_api import ApiEntry, PulseqApi, get_api
from .search import INVENTED, INVENTED_FAMILIES, Index, get_index, name_key
from .types import Finding
from .usagecheck import UsageChecker
from .valuecheck import check_shapes, check_values

__all__ = ["Checker", "Finding", "check_code", "format_findings", "get_checker"]


def _strip_line(line: str, lang: str) -> str:
    """Blank out string literals and comments so names inside them are not checked."""
    out, quote, i = [], "", 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\" and lang == "python":
                out.append("  ")
                i += 2
                continue
            if ch == quote:
                quote = ""
            out.append(" " if ch != quote else ch)
        elif lang == "python" and ch == "#":
            break
        elif lang != "python" and ch == "%":
            break
        elif ch == '"' or (ch == "'" and (lang == "python" or not (out and re.match(r"[\w)\].']", out[-1])))):
            quote = ch
            out.append(ch)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _code_language(code: str, preferred: Optional[str]) -> str:
    if re.search(r"\bmr\.\w+|\bpp\.\w+|^\s*(import|from)\s|^\s*%|;\s*$", code, re.M):
        return code_language(code)
    lang = detect_language(code) or preferred or "python"
    return "matlab" if lang == "octave" else lang


class Checker:
    def __init__(self, api: Optional[PulseqApi] = None, index: Optional[Index] = None):
        self.api = api or get_api()
        self.index = index or get_index()
        import pypulseq

        self.py_module_attrs = {n for n in dir(pypulseq) if not n.startswith("_")}
        self.py_module_attrs |= {e.module.split(".")[1] for e in self.api.entries if e.module.count(".") >= 1}
        self.py_top = {e.python_name for e in self.api.entries if e.kind in ("function", "class")}
        self.py_sub = {e.python_name: e for e in self.api.entries if e.kind == "submodule"}
        self.py_methods = self.api.python_methods
        import pypulseq as _pp

        self.py_seq_attrs = {n for n in dir(_pp.Sequence) if not n.startswith("_")}
        self.m_mr = self.api.matlab_mr
        self.m_seq = self.api.matlab_seq
        from .matlab_facts import sequence_properties

        self.m_seq_props = set(sequence_properties())
        self.args = ArgChecker(self.api)
        self.dialect = DialectChecker(self.api)
        self.usage = UsageChecker(self.api)

    # --- public -----------------------------------------------------------------------------------------------

    def check(self, code: str, language: Optional[str] = None) -> list[Finding]:
        if language in (None, ""):
            lang = _code_language(code, language)
        else:
            lang = "matlab" if language == "octave" else str(language)
        stripped = [_strip_line(ln, lang) for ln in code.splitlines()]
        text = "\n".join(stripped)
        local = set(re.findall(r"^\s*def\s+(\w+)", text, re.M))
        local |= set(re.findall(r"^\s*function\s+(?:\[?[\w,\s]*\]?\s*=\s*)?(\w+)", text, re.M))
        local |= set(re.findall(r"^\s*from\s+\S+\s+import\s+(\w+)", text, re.M))
        seq_vars = sequence_variables(text)
        findings: list[Finding] = []
        for lineno, line in enumerate(stripped, 1):
            if re.match(r"^\s*(from|import)\s", line):
                continue
            for m in re.finditer(r"(?<![\w.])(\w+)\.(\w+)(\s*\(|\.\w+)?", line):
                base, name, after = m.group(1), m.group(2), m.group(3) or ""
                f = self._dotted(base, name, after, lang, seq_vars, lineno)
                if f:
                    findings.append(f)
            for m in re.finditer(r"(?<![\w.])([A-Za-z]\w*)\s*\(", line):
                name = m.group(1)
                if name in local:
                    continue
                f = self._bare(name, lang, lineno)
                if f:
                    findings.append(f)
        seen = {(f.line, f.name) for f in findings}
        for f in self.args.check(code, lang, code.splitlines()) + self.dialect.check(code, lang) + \
                self.usage.check(code, lang) + check_values(code, lang) + \
                check_shapes(code, lang) + check_flow(code, lang) + check_undefined(code, lang) + \
                check_imports(code, lang):
            if (f.line, f.name) not in seen:
                seen.add((f.line, f.name))
                findings.append(f)
        return sorted(findings, key=lambda f: f.line)

    # --- rules ---------------------------------------------------------------------------------------------------

    def _spell(self, e: ApiEntry, lang: str) -> Optional[str]:
        if lang == "python":
            return e.python_call
        return e.matlab_name

    def _dotted(self, base, name, after, lang, seq_vars, line) -> Optional[Finding]:
        written = f"{base}.{name}"
        is_call = after.strip().startswith("(")
        if lang == "python":
            if base in ("pp", "pypulseq"):
                return self._py_module_attr(written, name, after, line)
            if base == "mr":
                return self._other_language(written, name, "python", line)
            if base in seq_vars and is_call:
                if name in self.py_seq_attrs:
                    return None
                right = next((m for m in self.py_seq_attrs if m.lower() == name.lower()), None)
                if right:  # `seq.Write`, `pp_seq.set_Definition`: Python names are case-sensitive too
                    return Finding(written, line, "wrong_case", f"Python names are case-sensitive: `{written}` does "
                                   "not exist.", f"{base}.{right}")
                return self._wrong_method(written, name, "python", line)
            return None
        # MATLAB / Octave
        if base == "mr":
            if name in self.m_mr or name == "aux" or after.startswith("."):
                return None
            return self._wrong_mr(written, name, line)
        if base in ("pp", "pypulseq"):
            return self._other_language(written, name, "matlab", line)
        if base in seq_vars and is_call:
            if name in self.m_seq:
                return None
            return self._wrong_method(written, name, "matlab", line)
        if base in seq_vars and not after.startswith("."):
            # MATLAB calls a method without parentheses too (`seq.checkTiming`): a wrong case is still wrong
            if name in self.m_seq or name in self.m_seq_props:
                return None
            right = next((m for m in self.m_seq | self.m_seq_props if m.lower() == name.lower()), None)
            if right:
                return self._wrong_case(written, f"seq.{right}", line)
            hit = self.index.lookup(written)
            if hit is not None and not hit.invented and hit.entry.kind == "method" and hit.entry.matlab_name:
                return self._wrong_method(written, name, "matlab", line)
        return None

    def _py_module_attr(self, written, name, after, line) -> Optional[Finding]:
        if name in self.py_top:
            return None
        if name in self.py_sub and after.strip().startswith("("):
            e = self.py_sub[name]
            return Finding(written, line, "not_exported",
                           f"`{name}` is not exported at the top level of pypulseq (`pp.{name}` is a module there).",
                           f"`{e.python_import}` then `{name}(...)`")
        if name in self.py_module_attrs:
            if after.strip().startswith("(") and self._is_module(name):
                return self._module_called(written, name, line)
            return None  # a real submodule or constant (pp.eps, pp.opts, pp.check_timing.check_timing)
        hit = self.index.lookup(written)
        if hit and not hit.invented:
            e = hit.entry
            if e.kind == "method":
                return Finding(written, line, "wrong_namespace",
                               f"`{name}` is a Sequence method, not a pypulseq function.", e.python_call)
            if e.python_name is None:
                return Finding(written, line, "matlab_only",
                               f"`{e.matlab_name}` exists only in the MATLAB toolbox; pypulseq has no equivalent.",
                               None)
            return Finding(written, line, "wrong_language",
                           f"`{written}` is the MATLAB spelling; pypulseq uses snake_case.", self._spell(e, "python"))
        return self._invented_or_unknown(written, "python", line)

    @staticmethod
    def _is_module(name: str) -> bool:
        import types

        import pypulseq

        return isinstance(getattr(pypulseq, name, None), types.ModuleType)

    def _module_called(self, written: str, name: str, line: int) -> Finding:
        """`pp.opts(...)`: a submodule, not callable ('module' object is not callable); name what is."""
        import pypulseq

        mod = getattr(pypulseq, name)
        right = next((n for n in self.py_top if n and n.lower() == name.lower() and n != name), None)
        inner = getattr(mod, name, None)
        if right is None and callable(inner):
            return Finding(written, line, "not_exported",
                           f"`{written}` is a module in pypulseq, not a function ('module' object is not callable).",
                           f"`from {mod.__name__} import {name}` then `{name}(...)`")
        return Finding(written, line, "wrong_case",
                       f"`{written}` is a module in pypulseq, not callable ('module' object is not callable).",
                       f"pp.{right}" if right else None)

    @staticmethod
    def _wrong_case(written: str, right: Optional[str], line: int) -> Optional[Finding]:
        if right and right != written and right.lower() == written.lower():
            return Finding(written, line, "wrong_case",
                           f"MATLAB names are case-sensitive: `{written}` does not exist.", right)
        return None

    def _wrong_mr(self, written, name, line) -> Optional[Finding]:
        hit = self.index.lookup(written)
        if hit and not hit.invented:
            e = hit.entry
            case = self._wrong_case(written, e.matlab_name, line)
            if case:
                return case
            if e.matlab_name is None:
                return Finding(written, line, "python_only",
                               f"`{e.python_name}` exists only in pypulseq; the MATLAB toolbox has no `{written}`.",
                               None)
            if e.matlab_name.startswith("seq."):
                return Finding(written, line, "wrong_namespace",
                               f"`{name}` is a method of the Sequence object, not an `mr.` function.", e.matlab_name)
            return Finding(written, line, "wrong_language",
                           f"`{written}` is not the MATLAB spelling.", e.matlab_name)
        return self._invented_or_unknown(written, "matlab", line)

    def _wrong_method(self, written, name, lang, line) -> Optional[Finding]:
        hit = self.index.lookup(written)
        if hit and not hit.invented:
            e = hit.entry
            right = self._spell(e, lang)
            if lang == "matlab" and right:
                case = self._wrong_case(written, right, line)
                if case:
                    return case
            if e.kind != "method" and not (e.matlab_name or "").startswith("seq."):
                if right is None:
                    return Finding(written, line, "python_only" if lang == "matlab" else "matlab_only",
                                   f"`{name}` does not exist in this toolbox.", None)
                return Finding(written, line, "wrong_namespace",
                               f"`{name}` is a toolbox function, not a method of the Sequence object.", right)
            if right is None:
                other = "pypulseq" if lang == "matlab" else "the MATLAB toolbox"
                return Finding(written, line, "python_only" if lang == "matlab" else "matlab_only",
                               f"`{written}` exists only in {other}.", None)
            return Finding(written, line, "wrong_language",
                           f"`{written}` is the {'MATLAB' if lang == 'python' else 'Python'} spelling.", right)
        return self._invented_or_unknown(written, lang, line)

    def _other_language(self, written, name, lang, line) -> Optional[Finding]:
        hit = self.index.lookup(written)
        if hit and not hit.invented:
            right = self._spell(hit.entry, lang)
            ns = "`mr.` is the MATLAB namespace" if lang == "python" else "`pp.` is the pypulseq namespace"
            if right is None:
                return Finding(written, line, "wrong_language", f"{ns}, and this name has no equivalent here.", None)
            return Finding(written, line, "wrong_language", f"{ns}.", right)
        return self._invented_or_unknown(written, lang, line)

    def _bare(self, name, lang, line) -> Optional[Finding]:
        key = name_key(name)
        if key in INVENTED:
            return self._invented_or_unknown(name, lang, line)
        hit = self.index.lookup(name)
        if hit is None or "_" not in (hit.entry.python_name or "_") and name[:1].islower() and key == name.lower() and (
            hit.entry.python_name or ""
        ).lower() == name.lower():
            # single-word names (plot, write, align, rotate, convert) clash with ordinary code; leave them alone
            return None
        e = hit.entry
        if lang == "python":
            if name == e.python_name:
                return None  # imported with `from pypulseq import ...`
            right = self._spell(e, "python")
            return Finding(name, line, "wrong_language", f"`{name}` is the MATLAB spelling.", right) if right else None
        if e.matlab_name and e.matlab_name.split(".", 1)[1] == name:
            return Finding(name, line, "wrong_namespace",
                           f"`{name}` needs its namespace in MATLAB.", e.matlab_name)
        right = self._spell(e, "matlab")
        if right:
            return Finding(name, line, "wrong_language", f"`{name}` is the pypulseq spelling.", right)
        return None

    def _invented_or_unknown(self, written, lang, line) -> Finding:
        key = name_key(written)
        if key in INVENTED:
            e = self.api.get(INVENTED[key])
            right = self._spell(e, lang) if e else None
            msg = f"`{written}` does not exist in Pulseq."
            family = [self._spell(m, lang) for k in INVENTED_FAMILIES.get(key, ()) if (m := self.api.get(k))]
            if family:  # which member was meant depends on the pulse or gradient: name them all, pick none
                msg += " Use the one you mean: " + ", ".join(f"`{f}`" for f in family if f) + "."
                right = None
            return Finding(written, line, "invented", msg, right)
        later = later_note(written) if lang == "matlab" else None
        if later:  # real in the newest toolbox, only not in the recorded release (seq.autoLabel)
            return Finding(written, line, "unknown", later, None)
        close = [self._spell(e, lang) for e in self.index.closest_names(written, 3)]
        close = [c for c in close if c]
        msg = f"`{written}` is not a Pulseq name PulsePal knows."
        if close:
            msg += " Closest real names: " + ", ".join(f"`{c}`" for c in close) + "."
        return Finding(written, line, "unknown", msg, close[0] if close else None)


_CHECKER: Optional[Checker] = None


def get_checker() -> Checker:
    global _CHECKER
    if _CHECKER is None:
        _CHECKER = Checker()
    return _CHECKER


def check_code(code: str, language: Optional[str] = None) -> list[Finding]:
    return get_checker().check(code, language)


def format_findings(findings: list[Finding]) -> str:
    if not findings:
        return "No invented or misplaced Pulseq names found."
    lines = []
    for f in findings:
        fix = f" Use `{f.suggestion}`." if f.suggestion and not f.suggestion.startswith("`") else (
            f" Use {f.suggestion}." if f.suggestion else "")
        lines.append(f"- line {f.line}: {f.message}{fix}")
    return "\n".join(lines)
