"""Whether an answer writes a finding's right value, in any arithmetic form.

Why it exists: a `check` item's right spelling is matched as written, so a correction written differently but with
the same value (`flip_angle=90 * np.pi / 180` for `np.pi / 2`, `rise_time=0.0002` for `rise_time=200e-6`) was
counted as a missed finding. A right spelling that ends in a numeric expression is also found when the answer writes
the same prefix followed by an expression of the same value. Only numbers, pi and + - * / ( ) are evaluated (with
the ast module, never eval); a right spelling with no prefix must involve pi, so that a bare number does not match
any number in the answer.
"""

from __future__ import annotations

import ast
import math
import operator
import re

NUMBER = r"(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
EXPR = rf"(?:(?:np|math|numpy)\.pi|\bpi\b|{NUMBER}|[-+*/()]|[ \t])+"
SPLIT = re.compile(rf"(.*?)({EXPR})")
OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def value(expr: str) -> float | None:
    """The value of an arithmetic expression of numbers and pi, or None if it is not one."""
    text = re.sub(r"\b(?:np|math|numpy)\.pi\b|\bpi\b", "PI", expr.strip())
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name) and node.id == "PI":
            return math.pi
        if isinstance(node, ast.BinOp) and type(node.op) in OPS:
            return OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return -ev(node.operand) if isinstance(node.op, ast.USub) else ev(node.operand)
        raise ValueError(node)

    try:
        return ev(tree)
    except (ValueError, ZeroDivisionError):
        return None


def split_right(right: str) -> tuple[str, float] | None:
    """(prefix, value) when a right spelling ends in a numeric expression (`rise_time=200e-6` -> 'rise_time=',
    2e-4); None otherwise, or when it has no prefix and no pi."""
    m = SPLIT.fullmatch(right)
    if not m or not re.search(r"\d|pi", m.group(2)):
        return None
    prefix, expr = m.group(1), m.group(2)
    if not prefix.strip() and "pi" not in expr:
        return None
    v = value(expr)
    return None if v is None else (prefix, v)


def same_value_present(right: str, text: str) -> bool:
    """Whether `text` writes the right spelling's prefix followed by an expression of the same value."""
    parts = split_right(right)
    if parts is None:
        return False
    prefix, want = parts
    left = r"(?<!\w)" if prefix[:1].isalnum() or prefix[:1] == "_" else ""
    for m in re.finditer(left + re.escape(prefix) + rf"({EXPR})", text):
        found = m.group(1).strip()
        if not prefix and "pi" not in found:
            continue
        # the match may begin with the call's opening bracket or run into its closing one: drop unmatched ends
        for expr in (found, found.lstrip("( \t")):
            while expr:
                got = value(expr)
                if got is not None:
                    if math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-15):
                        return True
                    break
                expr = expr[:-1].rstrip()
    return False
