"""Extract the error messages the MATLAB Pulseq toolbox raises, and which public function raises each, into a JSON
facts file (pulsepal/answers/data/matlab_errors.json).

Why: users paste the message MATLAB printed ("Requested area is too large for this gradient. Minimum required
duration ...") and ask what it means. The answer starts with which function raised it, and that is a fact of the
toolbox's source, like its argument order (extract_matlab_api.py). The explanations are ours
(pulsepal/answers/error_messages.py); this file only records the messages. A developer tool: run it by hand against
a local checkout or snapshot of https://github.com/pulseq/pulseq at the release matlab_api.json was read from:

    python tools/extract_matlab_errors.py /path/to/pulseq-checkout --ref v1.5.1 --commit <sha> \
        -o pulsepal/answers/data/matlab_errors.json

What it reads: every ``error(...)`` call in the function files of ``matlab/+mr`` and ``matlab/+mr/@Sequence``. The
message is the call's text argument (after the message identifier when there is one); a part computed at run time
(``num2str(x)``, a ``%d`` format) is recorded as "…". An error in ``@Sequence`` is attributed to the method whose
``function`` line comes last before it; one in a ``+mr`` file to the file's function (local helpers included).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # a stand-alone tool: its lexer module sits beside it

from matlab_source import call_args, logical_lines, split_args  # noqa: E402

FUNC = re.compile(r"^\s*function\s+(?:(?:\[[^\]]*\]|\w+)\s*=\s*)?(\w+)")
STRING = re.compile(r"'((?:[^']|'')*)'|\"((?:[^\"]|\"\")*)\"")


def message_of(args: list[str]) -> str | None:
    """The message text of an error call's arguments: literal pieces kept, computed pieces as '…'."""
    if not args:
        return None
    first = args[0].strip()
    # error('makeTrapezoid:invalidDuration', 'text') and error('text'): an identifier has a colon and no spaces
    ident = STRING.fullmatch(first)
    if ident and len(args) > 1 and re.fullmatch(r"[\w.]+(:[\w.]+)+", ident.group(1) or ident.group(2) or ""):
        first = args[1].strip()
    if first.startswith("[") and first.endswith("]"):
        first = first[1:-1]
    pieces, pos = [], 0
    for m in STRING.finditer(first):
        if first[pos:m.start()].strip():
            pieces.append("…")
        pieces.append((m.group(1) if m.group(1) is not None else m.group(2)).replace("''", "'"))
        pos = m.end()
    if first[pos:].strip():
        pieces.append("…")
    text = re.sub(r"%[-+ #0]*\d*(?:\.\d+)?[dfgsceEGxu]", "…", "".join(pieces)).replace("%%", "%")
    text = re.sub(r"\\n", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text if re.search(r"[A-Za-z]{3,}", text) else None


def errors_in(path: Path, call: str, methods: bool) -> list[dict]:
    """Every error message in one file, each with the public function or method it belongs to."""
    out, owner = [], call
    for number, code in logical_lines(path.read_text(encoding="utf-8", errors="replace")):
        f = FUNC.match(code)
        if f and methods:
            owner = "seq." + f.group(1)
        for m in re.finditer(r"(?<![\w.])error\s*\(", code):
            msg = message_of(split_args(call_args(code, m.end() - 1)))
            if msg:
                out.append({"message": msg, "function": owner, "file": path.as_posix(), "line": number})
    return out


def extract(checkout: Path) -> list[dict]:
    mr = checkout / "matlab" / "+mr"
    found: list[dict] = []
    for f in sorted(mr.glob("*.m")):
        found += errors_in(f, "mr." + f.stem, methods=False)
    for f in sorted((mr / "@Sequence").glob("*.m")):
        found += errors_in(f, "seq." + f.stem, methods=True)
    for item in found:
        item["file"] = Path(item["file"]).relative_to(checkout).as_posix()
    unique = {(e["message"], e["function"]): e for e in found}  # one row per message and function
    return sorted(unique.values(), key=lambda e: (e["function"], e["message"]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkout", type=Path, help="local checkout or snapshot of pulseq/pulseq (has matlab/+mr)")
    ap.add_argument("--ref", required=True, help="tag or branch the checkout is at, e.g. v1.5.1")
    ap.add_argument("--commit", required=True, help="40-hex commit id of that state")
    ap.add_argument("-o", "--output", type=Path, required=True)
    ns = ap.parse_args(argv)
    if not (ns.checkout / "matlab" / "+mr").is_dir():
        print(f"error: {ns.checkout} has no matlab/+mr folder", file=sys.stderr)
        return 2
    if not re.fullmatch(r"[0-9a-f]{40}", ns.commit):
        print("error: --commit must be a 40-hex commit id", file=sys.stderr)
        return 2
    rows = extract(ns.checkout)
    doc = {"schema": 1, "source": {"repository": "https://github.com/pulseq/pulseq", "ref": ns.ref,
                                   "commit": ns.commit, "read": ["matlab/+mr/*.m", "matlab/+mr/@Sequence/*.m"],
                                   "extracted_by": "tools/extract_matlab_errors.py"},
           "errors": rows}
    ns.output.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(rows)} messages from {len({r['function'] for r in rows})} functions -> {ns.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
