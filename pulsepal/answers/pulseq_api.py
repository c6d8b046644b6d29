"""The Pulseq vocabulary PulsePal may use: pypulseq read at start-up, the MATLAB toolbox from its recorded facts.

The assistant's worst failure is naming a function that does not exist, so every name it prints comes from here:
the Python side is introspected (top-level exports, functions that live only in submodules, and the public
`Sequence` methods); the MATLAB side is the facts file (`data/matlab_api.json`, see matlab_facts.py), linked to
Python by the toolbox's naming rule plus a table of measured exceptions. A rule-derived MATLAB name the facts do not
list does not exist, and MATLAB functions without a pypulseq counterpart become MATLAB-only entries. Modules that
cannot be imported (``make_sigpy_pulse`` needs the optional SigPy) are read with ``ast`` instead.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import pkgutil
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from .matlab_facts import MFunc, link_python, load_facts
from .numpydoc import parse_numpydoc

# --- MATLAB naming: the rule and its measured exceptions (pulseq v1.5.0 vs pypulseq 1.5.0) ------------------------
#
# Keys are Python names (``seq.`` marks Sequence methods); values are the MATLAB spelling with its namespace.
MATLAB_EXCEPTIONS: dict[str, str] = {
    "Opts": "mr.opts",
    "Sequence": "mr.Sequence",
    "calc_adc_segments": "mr.calcAdcSeg",
    "points_to_waveform": "mr.pts2waveform",
    "traj_to_grad": "mr.traj2grad",
    "block_to_events": "mr.block2events",
    "get_supported_rf_uses": "mr.getSupportedRfUse",
    "seq.calculate_kspace": "seq.calculateKspacePP",
    "seq.calculate_pns": "seq.calcPNS",
    "seq.evaluate_labels": "seq.evalLabels",
    "seq.set_extension_string_ID": "seq.setExtensionStringAndID",
    "seq.waveforms_and_times": "seq.waveforms_and_times",
}

# Python-only names: recorded so we say so instead of deriving a MATLAB spelling by the rule. The MATLAB side is
# the facts file (matlab_facts.py): a derived name that is not in it does not exist, and every function in it that
# has no pypulseq counterpart becomes a MATLAB-only entry.
PYTHON_ONLY: frozenset[str] = frozenset(
    {
        "calc_SAR",
        "SigpyPulseOpts",
        "round_half_up",
        "enable_trace",
        "disable_trace",
        "seq.adc_times",
        "seq.rf_times",
        "seq.get_gradients",
        "seq.remove_duplicates",
        "seq.waveforms",
    }
)

# MATLAB option names that are not the keyword with underscores removed (case-insensitively).
MATLAB_OPTION_RENAMES: dict[str, str] = {
    "type": "pulse_type",  # mr.makeAdiabaticPulse('type', ...)
    "convert2arbitrary": "convert_to_arbitrary",
    "gradoversampling": "oversampling",
}
# Python call forms that MATLAB spells as a different function.
MATLAB_KEYWORD_VARIANTS: dict[str, str] = {"seq.write_v141": "seq.write(..., v141_compat=True)"}

_SUBMODULE_SKIP = ("pypulseq.Sequence", "pypulseq.utils", "pypulseq.SAR")


@dataclass(frozen=True)
class Param:
    name: str
    default: Optional[str]  # repr of the default; None when the parameter is required
    annotation: str = ""
    description: str = ""
    kind: str = "keyword"  # "positional", "keyword", "var_positional", "var_keyword"

    @property
    def required(self) -> bool:
        return self.default is None and self.kind in ("positional", "keyword")


@dataclass
class ApiEntry:
    """One callable either toolbox offers; `python_name` is None for MATLAB-only names."""

    python_name: Optional[str]  # "make_trapezoid", "add_block" (methods without the seq. prefix)
    matlab_name: Optional[str]  # "mr.makeTrapezoid", "seq.addBlock"; None for Python-only names
    kind: str  # "function", "class", "method", "submodule", "matlab_only"
    module: str = ""
    summary: str = ""
    params: list[Param] = field(default_factory=list)
    returns: list[tuple[str, str, str]] = field(default_factory=list)  # (name, type, description)
    doc: str = ""
    needs: str = ""  # optional dependency the function needs, e.g. "sigpy"
    matlab: Optional[MFunc] = None  # the MATLAB signature, from the facts file

    @property
    def summary_text(self) -> str:
        """Our own one-line description (glossary), else the MATLAB facts' summary, else pypulseq's docstring."""
        from .glossary import SUMMARIES

        return SUMMARIES.get(self.key) or (self.matlab.summary if self.matlab else "") or self.summary

    @property
    def key(self) -> str:
        """Canonical id used as Answer.topic: python name, `seq.` prefixed for methods."""
        if self.python_name is None:
            return str(self.matlab_name)
        return ("seq." + self.python_name) if self.kind == "method" else self.python_name

    @property
    def python_call(self) -> Optional[str]:
        """How a Python user reaches it, assuming `import pypulseq as pp` and `seq = pp.Sequence()`."""
        if self.python_name is None:
            return None
        if self.kind == "method":
            return "seq." + self.python_name
        if self.kind == "submodule":
            return self.python_name
        return "pp." + self.python_name

    @property
    def python_import(self) -> Optional[str]:
        if self.kind == "submodule":
            return f"from {self.module} import {self.python_name}"
        return None

    def param(self, name: str) -> Optional[Param]:
        for p in self.params:
            if p.name == name:
                return p
        return None


@dataclass
class PulseqApi:
    entries: list[ApiEntry]
    by_key: dict[str, ApiEntry]
    by_matlab: dict[str, ApiEntry]
    version: str

    def get(self, key: str) -> Optional[ApiEntry]:
        return self.by_key.get(key) or self.by_matlab.get(key)

    def called(self, ns: str, name: str, lang: str) -> Optional[ApiEntry]:
        """The entry a call `ns.name(...)` in code of `lang` names, spelled exactly as that toolbox spells it."""
        if lang == "python":
            e = self.by_key.get(("seq." + name) if ns == "seq" else name)
            return e if e is not None and e.python_name == name else None
        e = self.by_matlab.get(f"{ns}.{name}")
        return e if e is not None and e.matlab is not None else None

    @property
    def python_methods(self) -> set[str]:
        return {e.python_name for e in self.entries if e.python_name and e.kind == "method"}

    @property
    def top_level(self) -> set[str]:
        return {e.python_name for e in self.entries if e.python_name and e.kind in ("function", "class")}

    @property
    def matlab_mr(self) -> set[str]:
        return {e.matlab_name[3:] for e in self.entries if e.matlab_name and e.matlab_name.startswith("mr.")}

    @property
    def matlab_seq(self) -> set[str]:
        return {e.matlab_name[4:] for e in self.entries if e.matlab_name and e.matlab_name.startswith("seq.")}


# --- naming helpers ------------------------------------------------------------------------------------------------


def snake_to_camel(name: str) -> str:
    """make_trapezoid -> makeTrapezoid; keeps acronyms already upper-case (calc_SAR -> calcSAR)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest if part)


def matlab_name_for(python_name: str, is_method: bool) -> Optional[str]:
    key = ("seq." + python_name) if is_method else python_name
    if key in PYTHON_ONLY:
        return None
    if key in MATLAB_EXCEPTIONS:
        return MATLAB_EXCEPTIONS[key]
    return ("seq." if is_method else "mr.") + snake_to_camel(python_name)


def option_key(name: str) -> str:
    return name.replace("_", "").lower()


def matlab_option(python_param: str) -> str:
    """flat_time -> 'FlatTime' (MATLAB option names are case-insensitive; this is the usual spelling)."""
    for matlab, py in MATLAB_OPTION_RENAMES.items():
        if py == python_param:
            return {"type": "type", "convert2arbitrary": "convert2arbitrary", "gradoversampling": "gradOversampling"}[
                matlab
            ]
    return "".join(part[:1].upper() + part[1:] for part in python_param.split("_"))


def python_option(matlab_option_name: str, entry: Optional[ApiEntry] = None) -> Optional[str]:
    """'FlatTime' -> flat_time, matched against the entry's keywords when given."""
    k = option_key(matlab_option_name)
    if k in MATLAB_OPTION_RENAMES:
        renamed = MATLAB_OPTION_RENAMES[k]
        if entry is None or entry.param(renamed):
            return renamed
    if entry is not None:
        for p in entry.params:
            if option_key(p.name) == k:
                return p.name
        return None
    return re.sub(r"(?<!^)(?=[A-Z])", "_", matlab_option_name).lower()


# --- introspection -------------------------------------------------------------------------------------------------


def _fmt_default(value) -> str:
    if isinstance(value, float):
        return repr(value)
    text = repr(value)
    return text if len(text) < 40 else text[:37] + "..."


def _fmt_annotation(ann) -> str:
    if ann is inspect.Parameter.empty:
        return ""
    text = ann if isinstance(ann, str) else getattr(ann, "__name__", None) or str(ann)
    return str(text).replace("typing.", "").replace("types.", "").replace("numpy.", "np.").replace("pypulseq.opts.", "")


_KIND = {
    inspect.Parameter.POSITIONAL_ONLY: "positional",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "keyword",
    inspect.Parameter.KEYWORD_ONLY: "keyword",
    inspect.Parameter.VAR_POSITIONAL: "var_positional",
    inspect.Parameter.VAR_KEYWORD: "var_keyword",
}


def _params_from_callable(obj, docparams: dict[str, tuple[str, str]]) -> list[Param]:
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return []
    out = []
    for p in sig.parameters.values():
        if p.name == "self":
            continue
        default = None if p.default is inspect.Parameter.empty else _fmt_default(p.default)
        typ, desc = docparams.get(p.name, ("", ""))
        out.append(Param(p.name, default, _fmt_annotation(p.annotation) or typ, desc, _KIND[p.kind]))
    return out


def _entry_from_object(name: str, obj, kind: str, module: str) -> ApiEntry:
    doc = inspect.getdoc(obj) or ""
    if inspect.isclass(obj) and not doc and obj.__init__.__doc__:
        doc = obj.__init__.__doc__
    summary, docparams, returns, cleaned = parse_numpydoc(doc)
    return ApiEntry(
        python_name=name,
        matlab_name=matlab_name_for(name, kind == "method"),
        kind=kind,
        module=module,
        summary=summary,
        params=_params_from_callable(obj, docparams),
        returns=returns,
        doc=cleaned,
    )


def _entries_from_source(path: Path, module: str, needs: str) -> list[ApiEntry]:
    """Read public functions of a module we cannot import (missing optional dependency)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        summary, docparams, returns, cleaned = parse_numpydoc(ast.get_docstring(node) or "")
        args = node.args
        defaults = [None] * (len(args.args) - len(args.defaults)) + list(args.defaults)
        params = []
        for a, d in zip(args.args, defaults, strict=True):
            typ, desc = docparams.get(a.arg, ("", ""))
            ann = ast.unparse(a.annotation) if a.annotation is not None else typ
            params.append(Param(a.arg, None if d is None else ast.unparse(d), ann, desc))
        out.append(
            ApiEntry(
                python_name=node.name,
                matlab_name=None,
                kind="submodule",
                module=module,
                summary=summary,
                params=params,
                returns=returns,
                doc=cleaned,
                needs=needs,
            )
        )
    return out


def _is_public_callable(obj) -> bool:
    return inspect.isfunction(obj) or inspect.isclass(obj)


def build_api() -> PulseqApi:
    import pypulseq as pp

    entries: list[ApiEntry] = []
    seen: set[str] = set()
    for name in sorted(dir(pp)):
        obj = getattr(pp, name)
        if name.startswith("_") or not _is_public_callable(obj):
            continue
        if not getattr(obj, "__module__", "").startswith("pypulseq"):
            continue
        entries.append(_entry_from_object(name, obj, "class" if inspect.isclass(obj) else "function", obj.__module__))
        seen.add(name)

    for info in pkgutil.iter_modules(pp.__path__, "pypulseq."):
        modname = info.name
        if modname.startswith(_SUBMODULE_SKIP):
            continue
        try:
            mod = importlib.import_module(modname)
        except ImportError as exc:
            spec = importlib.util.find_spec(modname)
            if spec is None or spec.origin is None:
                continue
            needs = "sigpy" if "sigpy" in str(exc).lower() else str(exc).split()[0]
            for e in _entries_from_source(Path(spec.origin), modname, needs):
                if e.python_name and e.python_name not in seen:
                    entries.append(e)
                    seen.add(e.python_name)
            continue
        for name, obj in sorted(vars(mod).items()):
            if name.startswith("_") or name in seen or not _is_public_callable(obj):
                continue
            if getattr(obj, "__module__", None) != modname:
                continue
            entries.append(_entry_from_object(name, obj, "submodule", modname))
            seen.add(name)

    for name, obj in sorted(vars(pp.Sequence).items()):
        if name.startswith("_") or not inspect.isfunction(obj):
            continue
        entries.append(_entry_from_object(name, obj, "method", "pypulseq.Sequence"))

    # The MATLAB side is what the facts file records: a rule-derived name it lacks does not exist.
    facts = load_facts()
    claimed: set[str] = set()
    for e in entries:
        if e.matlab_name is None:
            continue
        func = facts.get(e.matlab_name)
        if func is None or e.matlab_name in claimed:
            e.matlab_name = None
            continue
        claimed.add(e.matlab_name)
        e.matlab = func
        link_python(func, [p.name for p in e.params])
    for call, func in sorted(facts.items()):
        if call not in claimed and call not in _MATLAB_VARIANTS:
            entries.append(ApiEntry(python_name=None, matlab_name=call, kind="matlab_only", summary=func.summary,
                                    matlab=func))
    by_key = {e.key: e for e in entries}
    by_matlab = {e.matlab_name: e for e in entries if e.matlab_name}
    # calculate_kspacePP exists in both; the MATLAB name belongs to the plain Python calculate_kspace.
    if "seq.calculate_kspace" in by_key and "seq.calculateKspacePP" in facts:
        by_matlab["seq.calculateKspacePP"] = by_key["seq.calculate_kspace"]
        by_key["seq.calculate_kspace"].matlab_name = "seq.calculateKspacePP"
        by_key["seq.calculate_kspace"].matlab = facts["seq.calculateKspacePP"]
    return PulseqApi(entries, by_key, by_matlab, getattr(pp, "__version__", "unknown"))


# MATLAB calls that are another spelling of a Python call's keyword (`seq.write(..., v141_compat=True)`): they are
# MATLAB-only entries that say so.
_MATLAB_VARIANTS: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def get_api() -> PulseqApi:
    """Built once per process: introspection imports pypulseq (about a second)."""
    return build_api()
