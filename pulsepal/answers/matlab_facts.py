"""The MATLAB toolbox as recorded from its source (`data/matlab_api.json`): names, argument order, options with
defaults, outputs.

MATLAB answers used to be derived from pypulseq's docstrings by a naming rule, which got argument orders
(`mr.makeExtendedTrapezoidArea`), outputs (`mr.makeSincPulse`'s fourth, `delay`) and option meanings wrong. This
module reads the facts file once and links each MATLAB argument to the pypulseq parameter that means the same
thing, so translation and answers can move between the two without guessing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

FACTS_FILE = Path(__file__).parent / "data" / "matlab_api.json"

# MATLAB argument/option names whose pypulseq parameter is not the same word without underscores.
ARG_RENAMES: dict[tuple[str, str], str] = {
    ("mr.addRamps", "gradOversampling"): "oversampling",
    ("mr.calcRamp", "gradOversampling"): "oversampling",
    ("mr.calcRamp", "kend"): "k_end",
    ("mr.calcRfBandwidth", "df"): "dw",
    ("mr.compressShape", "w"): "decompressed_shape",
    ("mr.convert", "in"): "from_value",
    ("mr.decompressShape", "shape"): "compressed_shape",
    ("mr.makeAdiabaticPulse", "type"): "pulse_type",
    ("mr.makeDelay", "delay"): "d",
    ("mr.makeExtendedTrapezoid", "convert2arbitrary"): "convert_to_arbitrary",
    ("mr.makeExtendedTrapezoidArea", "Gs"): "grad_start",
    ("mr.makeExtendedTrapezoidArea", "Ge"): "grad_end",
    ("mr.makeExtendedTrapezoidArea", "A"): "area",
    ("mr.makeExtendedTrapezoidArea", "sys"): "system",
    ("mr.rotate", "raxis"): "axis",
    ("mr.splitGradientAt", "timepoint"): "time_point",
    ("seq.getBlock", "index"): "block_index",
    ("seq.getExtensionTypeID", "str"): "extension_string",
    ("seq.getExtensionTypeString", "id"): "extension_id",
    ("seq.getRawBlockContentIDs", "index"): "block_index",
    ("seq.read", "filename"): "file_path",
    ("seq.setBlock", "index"): "block_index",
    ("seq.setDefinition", "val"): "value",
    ("seq.setExtensionStringAndID", "str"): "extension_str",
    ("seq.setExtensionStringAndID", "id"): "extension_id",
    ("seq.write", "filename"): "name",
}


@dataclass(frozen=True)
class MArg:
    name: str
    required: bool
    default: Optional[str] = None  # source text of the default


@dataclass(frozen=True)
class MFunc:
    call: str  # "mr.makeTrapezoid", "seq.addBlock"
    args: tuple[MArg, ...]
    options: tuple[MArg, ...]
    outputs: tuple[str, ...]
    varargin: bool = False
    inputs: str = ""  # what a varargin function reads, in words
    summary: str = ""
    signature: str = ""
    python_of: dict[str, str] = field(default_factory=dict)  # MATLAB arg/option name -> pypulseq parameter

    @property
    def is_method(self) -> bool:
        return self.call.startswith("seq.")

    @property
    def positional(self) -> list[str]:
        return [a.name for a in self.args]

    def option(self, name: str) -> Optional[MArg]:
        """Option names are matched case-insensitively, as MATLAB's inputParser does."""
        low = name.lower()
        for o in self.options:
            if o.name.lower() == low:
                return o
        return None

    def arg(self, name: str) -> Optional[MArg]:
        low = name.lower()
        return next((a for a in self.args if a.name.lower() == low), None)

    def accepts(self, name: str) -> bool:
        """An option name this function takes as a name/value pair (addOptional arguments count too)."""
        return self.option(name) is not None or self.arg(name) is not None

    def matlab_for(self, python_param: str) -> Optional[str]:
        """The MATLAB argument or option that a pypulseq parameter corresponds to."""
        for m, p in self.python_of.items():
            if p == python_param:
                return m
        return None


def _arg(raw: dict, required_default: bool) -> MArg:
    return MArg(raw["name"], bool(raw.get("required", required_default)), raw.get("resolved") or raw.get("default"))


def _link(func: MFunc, python_params: list[str]) -> None:
    by_key = {p.replace("_", "").lower(): p for p in python_params}
    for a in (*func.args, *func.options):
        renamed = ARG_RENAMES.get((func.call, a.name))
        py = renamed if renamed in python_params else by_key.get(a.name.replace("_", "").lower())
        if py:
            func.python_of[a.name] = py


@lru_cache(maxsize=1)
def load_facts() -> dict[str, MFunc]:
    """Every MATLAB function and Sequence method of the recorded toolbox version, by call name."""
    data = json.loads(FACTS_FILE.read_text(encoding="utf-8"))
    out: dict[str, MFunc] = {}
    for raw in [*data.get("functions", []), *data.get("sequence_methods", [])]:
        out[raw["call"]] = MFunc(
            call=raw["call"],
            args=tuple(_arg(a, True) for a in raw.get("args", [])),
            options=tuple(_arg(o, False) for o in raw.get("options", [])),
            outputs=tuple(raw.get("outputs", [])),
            varargin=bool(raw.get("varargin")),
            inputs=raw.get("inputs") or "",
            summary=raw.get("summary") or "",
            signature=raw.get("signature") or "",
        )
    return out


def facts_version() -> str:
    data = json.loads(FACTS_FILE.read_text(encoding="utf-8"))
    src = data.get("source", {})
    return str(src.get("ref") or src.get("commit") or "unknown")


def link_python(func: MFunc, python_params: list[str]) -> None:
    """Record which pypulseq parameter each MATLAB argument is (called once per function when the API is built)."""
    if not func.python_of:
        _link(func, python_params)


@lru_cache(maxsize=1)
def later_names() -> dict[str, str]:
    """Names only the toolbox's default branch has (no release yet), each with where it is: call -> "master after
    v1.5.1". Why: a user on the newest toolbox writes them, and "not a name PulsePal knows" would be wrong."""
    data = json.loads(FACTS_FILE.read_text(encoding="utf-8"))
    return {call: where for where, calls in data.get("later_versions", {}).items() for call in calls}


def later_note(call: str) -> Optional[str]:
    """What to say about a name that is newer than the recorded release, or None when it is not one."""
    where = later_names().get(call)
    if where is None:
        return None
    return (f"`{call}` is newer than the MATLAB toolbox release PulsePal has recorded ({facts_version()}): it is on "
            f"the toolbox's default branch only ({where}), so its arguments are not checked here.")


@lru_cache(maxsize=1)
def sequence_properties() -> tuple[str, ...]:
    """The Sequence object's properties (`seq.gradRasterTime`), which MATLAB code reads without parentheses."""
    data = json.loads(FACTS_FILE.read_text(encoding="utf-8"))
    return tuple(data.get("sequence_properties", []))

