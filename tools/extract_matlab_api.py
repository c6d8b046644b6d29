"""Extract the MATLAB Pulseq toolbox's public API (names, argument order, options, outputs) into a JSON facts file.

Why: PulsePal's MATLAB answers used to be derived from pypulseq's docstrings, so MATLAB argument orders, options and
outputs were wrong wherever the two toolboxes differ. This script reads the real toolbox source instead. It is a
developer tool: run it by hand against a local checkout or snapshot of https://github.com/pulseq/pulseq; CI and the
tests never run it (they validate the JSON it wrote, see tests/answers/test_matlab_facts.py).

    python tools/extract_matlab_api.py /path/to/pulseq-checkout --ref v1.5.1 --commit <sha> \
        -o pulsepal/answers/data/matlab_api.json

What it reads, and how:
* every function file directly in ``matlab/+mr`` (scripts such as ``compile_mex.m`` are skipped);
* the methods of ``matlab/+mr/@Sequence/Sequence.m`` (the classdef's single public ``methods`` block) plus the
  method files next to it that the classdef declares;
* every other class folder ``matlab/+mr/@<Class>`` (``mr.TransformFOV``) except the internal ones named in the
  notes: its constructor becomes an ``mr.<Class>`` function whose ``methods`` list the public methods;
* positional arguments from ``addRequired``/``addOptional`` when the function uses an ``inputParser``, otherwise from
  the plain signature (an argument is optional when the body tests ``nargin`` for it; its default is the value the
  ``if nargin ...`` block assigns);
* name-value options from ``addParamValue``/``addParameter``, with the default as written in the source;
* outputs from the ``[a, b] = name(...)`` line.
MATLAB lexing lives in ``tools/matlab_source.py``. The one-line summaries and the few hand-checked overrides
(inputs read from ``varargin`` by hand) live in ``tools/matlab_api_notes.py``; they are our own words.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # a stand-alone tool: its notes module sits beside it

import matlab_api_notes as notes  # noqa: E402
from matlab_source import call_args, default_entry, local_values, logical_lines, resolve, split_args  # noqa: E402

FUNC_LINE = re.compile(r"^(\s*)function\s+(?:(\[[^\]]*\]|\w+)\s*=\s*)?(\w+)\s*(?:\(([^)]*)\))?")
PARSER_CALL = re.compile(r"(?:\b\w+\s*\.\s*)?\badd(Required|Optional|ParamValue|Parameter)\s*\(")
PARSE_CALL = re.compile(r"(?:\b\w+\s*\.\s*)?\bparse\s*\(")
NARGIN_IF = re.compile(r"^\s*(?:if|elseif)\s*\(?\s*nargin\s*(<=|>=|==|<|>)\s*(\d+)\s*\)?\s*$")
EXIST_IF = re.compile(r"^\s*if\s*\(?\s*~\s*exist\s*\(\s*'(\w+)'\s*,\s*'var'\s*\)\s*\)?\s*$")
DRAFT = False  # --draft: write TODO for missing summaries (used while writing the notes, never for the shipped file)


def parse_signature(line: str) -> tuple[int, str, list[str], list[str]] | None:
    m = FUNC_LINE.match(line)
    if not m:
        return None
    indent, outs, name, args = m.groups()
    outputs = [o for o in re.split(r"[\s,]+", (outs or "").strip("[] ")) if o and o != "~"]
    arguments = [a.strip() for a in (args or "").split(",") if a.strip()]
    return len(indent.expandtabs(4)), name, outputs, arguments


def analyse(lines: list[tuple[int, str]], sig_args: list[str], is_method: bool) -> dict[str, Any]:
    """Positional arguments, options and whether varargin is read by hand, from one function's body."""
    required: list[str] = []
    optional: list[dict[str, Any]] = []
    options: list[dict[str, Any]] = []
    parsed_positionals: list[str] | None = None
    for _, code in lines:
        for m in PARSER_CALL.finditer(code):
            kind = m.group(1)
            args = split_args(call_args(code, m.end() - 1))
            if args and not re.fullmatch(r"'[^']*'|\"[^\"]*\"", args[0]):
                args = args[1:]  # function form: addX(parser, 'name', ...)
            if not args:
                continue
            name = args[0].strip("'\"")
            if kind == "Required":
                required.append(name)
            elif kind == "Optional":
                optional.append(default_entry(name, args[1] if len(args) > 1 else None))
            else:
                options.append(default_entry(name, args[1] if len(args) > 1 else None))
        pm = PARSE_CALL.search(code)
        if pm and parsed_positionals is None and (required or optional or options):
            pargs = split_args(call_args(code, pm.end() - 1))
            parsed_positionals = [a for a in pargs[1:] if a != "varargin{:}"]
    explicit = [a for a in sig_args if a != "varargin"]
    self_arg = explicit[0] if is_method and explicit else None
    if self_arg:
        explicit = explicit[1:]
        if parsed_positionals and parsed_positionals[0] == self_arg:
            parsed_positionals = parsed_positionals[1:]
            if required:
                required = required[1:]
    args: list[dict[str, Any]] = []
    if parsed_positionals is not None:
        outside = [a for a in explicit if a not in parsed_positionals]
        args += [{"name": a, "required": True} for a in outside]
        args += [{"name": a, "required": True} for a in required]
        args += [{**o, "required": False} for o in optional]
        reads_varargin = False
    else:
        args = nargin_args(lines, explicit, offset=1 if self_arg else 0)
        reads_varargin = "varargin" in sig_args
    found = local_values(lines)
    for entry in args + options:
        resolve(entry, found)
    return {"args": args, "options": options, "varargin": reads_varargin}


def nargin_args(lines: list[tuple[int, str]], explicit: list[str], offset: int) -> list[dict[str, Any]]:
    """Plain-signature arguments; those whose absence the body tests with nargin are optional."""
    first_optional = len(explicit) + 1
    defaults: dict[str, str] = {}
    for i, (_, code) in enumerate(lines):
        block = [c for _, c in lines[i + 1:i + 6]]
        e = EXIST_IF.match(code)
        if e and e.group(1) in explicit:
            first_optional = min(first_optional, explicit.index(e.group(1)) + 1)
            a = re.match(r"^\s*(\w+)\s*=\s*(.+?);?\s*$", block[0]) if block else None
            if a and a.group(1) == e.group(1):
                defaults[a.group(1)] = a.group(2).rstrip(";").strip()
            continue
        m = NARGIN_IF.match(code)
        if not m:
            continue
        op, k = m.group(1), int(m.group(2))
        missing_from = {"<": k, "<=": k + 1, ">": k + 1, ">=": k, "==": k}[op] - offset
        absent_is_error = op in ("<", "<=") and any("error(" in c for c in block[:2])
        if absent_is_error or missing_from < 1 or missing_from > len(explicit):
            continue
        first_optional = min(first_optional, missing_from)
        if op in ("<", "<="):
            for c in block:
                if re.match(r"^\s*(end|else|elseif)\b", c):
                    break
                a = re.match(r"^\s*(\w+)\s*=\s*(.+?);?\s*$", c)
                if a and a.group(1) == explicit[missing_from - 1] and a.group(1) not in defaults:
                    defaults[a.group(1)] = a.group(2).rstrip(";").strip()
    args = []
    for i, a in enumerate(explicit, 1):
        entry = default_entry(a, defaults.get(a)) if i >= first_optional else {"name": a}
        entry["required"] = i < first_optional
        args.append(entry)
    return args


def function_ranges(lines: list[tuple[int, str]], indent: int | None) -> list[tuple[int, int]]:
    """Index ranges of the functions whose `function` line sits at `indent` (None: the first function's indent)."""
    starts = []
    for i, (_, code) in enumerate(lines):
        sig = parse_signature(code)
        if sig is None:
            continue
        if indent is None:
            indent = sig[0]
        if sig[0] == indent:
            starts.append(i)
    return [(s, e) for s, e in zip(starts, starts[1:] + [len(lines)], strict=True)]


def entry_for(lines: list[tuple[int, str]], rng: tuple[int, int], rel: str, prefix: str,
              is_method: bool) -> dict[str, Any]:
    start, end = rng
    line_no, code = lines[start]
    sig = parse_signature(code)
    assert sig is not None
    _, name, outputs, sig_args = sig
    body = lines[start + 1:end]
    nested = next((i for i, (_, c) in enumerate(body) if parse_signature(c)), len(body))
    body = body[:nested]  # nested and local functions have their own arguments
    info = analyse(body, sig_args, is_method)
    if is_method and name == "Sequence":
        prefix = "mr"  # the constructor: seq = mr.Sequence(sys)
    entry: dict[str, Any] = {
        "name": name, "call": f"{prefix}.{name}", "file": rel, "line": line_no,
        "signature": " ".join(code.split()).removeprefix("function "),
        "args": info["args"], "options": info["options"], "outputs": outputs, "varargin": info["varargin"],
    }
    override = notes.OVERRIDES.get(entry["call"], {})
    entry.update(override)
    summary = notes.SUMMARIES.get(entry["call"])
    if not summary and DRAFT:
        summary = "TODO"
    if not summary:
        raise SystemExit(f"no summary written for {entry['call']} (add it to tools/matlab_api_notes.py)")
    entry["summary"] = summary
    return entry


def read_lines(path: Path) -> list[tuple[int, str]]:
    return logical_lines(path.read_text(encoding="utf-8", errors="replace"))


def extract(root: Path) -> dict[str, Any]:
    mr = root / "matlab" / "+mr"
    functions, methods = [], []
    for path in sorted(mr.glob("*.m"), key=lambda p: p.name.lower()):
        lines = read_lines(path)
        code_lines = [c for _, c in lines if c.strip()]
        if not code_lines or parse_signature(code_lines[0]) is None:
            continue  # a script (compile_mex.m), not a function
        ranges = function_ranges(lines, 0)
        entry = entry_for(lines, ranges[0], str(path.relative_to(root)), "mr", False)
        if entry["call"] == "mr.opts":  # the limits an mr.opts() without arguments returns
            found = local_values(lines)
            entry["system_defaults"] = [default_entry(k.split(".", 1)[1], v) for k, v in found.items()
                                        if k.startswith("defaultStandardOpts.")]
        if entry["name"] != path.stem:
            raise SystemExit(f"{path}: function {entry['name']} does not match its file name")
        functions.append(entry)

    for cls_dir in sorted(mr.glob("@*"), key=lambda p: p.name.lower()):
        if cls_dir.name[1:] not in ("Sequence", *notes.INTERNAL_CLASSES):
            functions.append(class_entry(root, cls_dir))

    seq_dir = mr / "@Sequence"
    cls = read_lines(seq_dir / "Sequence.m")
    body = public_methods_block(cls, seq_dir / "Sequence.m")
    first = next(parse_signature(c) for _, c in body if parse_signature(c))
    assert first is not None
    declared = []
    for _, code in body:
        # the object argument is usually `obj` but not always (`autoLabel(seq, varargin)` on the default branch)
        d = re.match(r"^\s*(?:\[[^\]]*\]\s*=\s*|\w+\s*=\s*)?(\w+)\s*\(\s*\w+\b[^)]*\)\s*;?\s*$", code)
        if (d and not code.lstrip().startswith("function") and (seq_dir / f"{d.group(1)}.m").exists()
                and d.group(1) not in declared):
            declared.append(d.group(1))
    rel_cls = str((seq_dir / "Sequence.m").relative_to(root))
    for rng in function_ranges(body, first[0]):
        e = entry_for(body, rng, rel_cls, "seq", True)
        if e["call"] == "mr.Sequence":
            functions.append(e)
        else:
            methods.append(e)
    for name in declared:
        path = seq_dir / f"{name}.m"
        lines = read_lines(path)
        methods.append(entry_for(lines, function_ranges(lines, 0)[0], str(path.relative_to(root)), "seq", True))
    if "plot" in {m["name"] for m in methods}:  # seq.plot hands its options to mr.aux.SeqPlot's parser
        plot_file = mr / "+aux" / "@SeqPlot" / "SeqPlot.m"
        pl = read_lines(plot_file)
        ctor = next(r for r in function_ranges(pl, None) if parse_signature(pl[r[0]][1])[1] == "SeqPlot")  # type: ignore[index]
        opts = analyse(pl[ctor[0] + 1:ctor[1]], ["seq", "varargin"], True)["options"]
        for m in methods:
            if m["name"] == "plot":
                m["options"] = opts
                m["options_from"] = str(plot_file.relative_to(root))
    props = []
    for i, (_, c) in enumerate(cls):
        attrs = re.match(r"^\s*properties\s*(?:\((.*)\))?\s*$", c)
        if attrs and not re.search(r"\b(Get)?Access\s*=\s*(private|protected)", attrs.group(1) or ""):
            for _, p in cls[i + 1:]:
                if re.match(r"^\s*end\s*$", p):
                    break
                pm = re.match(r"^\s*(\w+)\s*;?\s*$", p)
                if pm:
                    props.append(pm.group(1))
    subpackages = {d.name[1:]: sorted(p.stem for p in d.glob("*.m")) + sorted(c.name[1:] for c in d.glob("@*"))
                   for d in sorted(mr.glob("+*"))}
    functions.sort(key=lambda e: e["name"].lower())
    methods.sort(key=lambda e: e["name"].lower())
    return {"functions": functions, "sequence_methods": methods, "sequence_properties": props,
            "subpackages": subpackages}


def public_methods_block(cls: list[tuple[int, str]], where: Path) -> list[tuple[int, str]]:
    """The lines after a classdef's one public `methods` line (its functions are found by their indent)."""
    starts = [i for i, (_, c) in enumerate(cls) if re.match(r"^\s*methods\s*$", c)]
    if len(starts) != 1:
        raise SystemExit(f"{where}: expected exactly one public methods block")
    return cls[starts[0] + 1:]


def class_entry(root: Path, cls_dir: Path) -> dict[str, Any]:
    """A class other than Sequence (mr.TransformFOV): its constructor is the mr.* entry, its methods nest in it.

    Why nested: the methods are called on the object the constructor returns (`tr.applyToSeq(seq)`), under no
    fixed prefix, so they are neither mr.* functions nor Sequence methods."""
    name = cls_dir.name[1:]
    path = cls_dir / f"{name}.m"
    lines = read_lines(path)
    body = public_methods_block(lines, path)
    first = next(parse_signature(c) for _, c in body if parse_signature(c))
    assert first is not None
    rel = str(path.relative_to(root))
    ctor: dict[str, Any] | None = None
    methods = []
    for rng in function_ranges(body, first[0]):
        sig = parse_signature(body[rng[0]][1])
        assert sig is not None
        if sig[1] == name:
            ctor = entry_for(body, rng, rel, "mr", False)
        else:
            methods.append(entry_for(body, rng, rel, name, True))
    if ctor is None:
        raise SystemExit(f"{path}: no constructor {name}()")
    ctor["methods"] = sorted(methods, key=lambda e: e["name"].lower())
    return ctor


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkout", type=Path, help="local checkout or snapshot of pulseq/pulseq (has matlab/+mr)")
    ap.add_argument("--ref", required=True, help="tag or branch the checkout is at, e.g. v1.5.0")
    ap.add_argument("--commit", required=True, help="40-hex commit id of that state")
    ap.add_argument("-o", "--output", type=Path, required=True)
    ap.add_argument("--draft", action="store_true", help="allow missing summaries (TODO); not for the shipped file")
    a = ap.parse_args(argv)
    global DRAFT
    DRAFT = a.draft
    if not (a.checkout / "matlab" / "+mr").is_dir():
        print(f"error: {a.checkout} has no matlab/+mr folder", file=sys.stderr)
        return 2
    if not re.fullmatch(r"[0-9a-f]{40}", a.commit):
        print("error: --commit must be 40 lowercase hex digits", file=sys.stderr)
        return 2
    data = extract(a.checkout)
    known = {e["call"] for e in data["functions"] + data["sequence_methods"]}
    stale = sorted(known & {n for names in notes.LATER_VERSIONS.values() for n in names})
    if stale:  # a name the release now has must leave LATER_VERSIONS, or answers would call it newer than it is
        print(f"{'warning' if DRAFT else 'error'}: in this checkout but listed in LATER_VERSIONS: {', '.join(stale)}",
              file=sys.stderr)
        if not DRAFT:
            return 2
    doc = {
        "schema": 1,
        "source": {"repository": "https://github.com/pulseq/pulseq", "ref": a.ref, "commit": a.commit,
                   "read": ["matlab/+mr/*.m", "matlab/+mr/@Sequence/*.m", "matlab/+mr/@<Class>/<Class>.m",
                            "matlab/+mr/+aux/@SeqPlot/SeqPlot.m"],
                   "extracted_by": "tools/extract_matlab_api.py", "hand_checked": notes.HAND_CHECKED},
        "conventions": notes.CONVENTIONS,
        **data,
        "later_versions": notes.LATER_VERSIONS,
    }
    a.output.parent.mkdir(parents=True, exist_ok=True)
    a.output.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(data['functions'])} functions, {len(data['sequence_methods'])} Sequence methods -> {a.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
