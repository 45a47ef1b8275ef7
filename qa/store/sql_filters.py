"""Narrow a Haystack filter down in SQL before checking it in Python.

``filter_documents``, ``delete_by_filter`` and friends used to load every chunk and test the
filter on each one. This turns the part of a filter that SQL can decide exactly (``==`` and
``in`` on ``id``, ``content`` and ``meta.*`` with plain values) into a ``WHERE`` clause that
every matching document meets. Haystack's own ``document_matches_filter`` still decides on the
rows that remain, so the semantics (dates, type errors, ``NOT``) stay exactly Haystack's:

- ``AND``: the conditions SQL can decide, up to the first one it cannot. Haystack checks the
  conditions in order and stops at the first false one, so a document ruled out by that prefix
  never reaches a later condition (and never raises a comparison error there either).
- ``OR``: only when SQL can decide every branch.
- anything else (``NOT``, ordering comparisons, ISO dates, lists as values): no narrowing.

PostgreSQL (``dialect="postgresql"``) compares text with text only, so there only strings (and
``None``) are narrowed; numbers and booleans are left to the matcher.
"""

from __future__ import annotations

import json
import math
from typing import Any

_COLUMNS = {"id": "id", "content": "content"}


def prefilter(filters: dict[str, Any] | None, dialect: str = "sqlite") -> tuple[str, list] | None:
    """``(sql, params)`` that every document matching ``filters`` satisfies, or None when SQL
    cannot narrow anything down."""
    narrowed = _narrow(filters, dialect) if filters else None
    return None if narrowed is None else narrowed[:2]


def _narrow(filters: dict[str, Any], dialect: str) -> tuple[str, list, bool] | None:
    """``(sql, params, whole)``; ``whole`` is True when SQL covers the entire condition, which
    then holds only ``==``/``in`` comparisons and can never raise in Haystack's matcher."""
    if "field" in filters:
        comparison = _comparison(filters, dialect)
        return None if comparison is None else (*comparison, True)
    conditions = filters.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        return None
    if filters.get("operator") == "AND":
        parts, whole = [], True
        for condition in conditions:
            part = _narrow(condition, dialect) if isinstance(condition, dict) else None
            if part is not None:
                parts.append(part)
            if part is None or not part[2]:
                # a condition SQL cannot cover whole may raise for documents that reach it; only
                # the ones before it decide which documents do
                whole = False
                break
        return _join(parts, "AND", whole) if parts else None
    if filters.get("operator") == "OR":
        parts = [_narrow(c, dialect) if isinstance(c, dict) else None for c in conditions]
        if any(p is None for p in parts):
            return None
        return _join(parts, "OR", all(p[2] for p in parts))
    return None


def _join(parts: list[tuple[str, list, bool]], operator: str, whole: bool) -> tuple[str, list, bool]:
    sql = f" {operator} ".join(f"({part[0]})" for part in parts)
    return sql, [p for part in parts for p in part[1]], whole


def _comparison(condition: dict[str, Any], dialect: str) -> tuple[str, list] | None:
    if "value" not in condition or condition.get("operator") not in ("==", "in"):
        return None
    column = _column(condition.get("field"), dialect)
    if column is None:
        return None
    expression, params = column
    value = condition["value"]
    if condition["operator"] == "==":
        if value is None:
            return f"{expression} IS NULL", params
        return (f"{expression} = ?", params + [value]) if _exact_in_sql(value, dialect) else None
    if not isinstance(value, list) or not all(v is None or _exact_in_sql(v, dialect) for v in value):
        return None
    values = [v for v in value if v is not None]
    clauses, out = [], []
    if values:
        clauses.append(f"{expression} IN ({','.join('?' * len(values))})")
        out += params + values
    if len(values) < len(value):
        clauses.append(f"{expression} IS NULL")
        out += params
    if not clauses:
        return "1 = 0", []  # "in []" matches nothing
    return " OR ".join(clauses), out


def _column(field: Any, dialect: str) -> tuple[str, list] | None:
    if not isinstance(field, str):
        return None
    if field in _COLUMNS:
        return _COLUMNS[field], []
    parts = field.split(".")
    if parts[0] != "meta" or len(parts) < 2 or not all(parts):
        return None
    if dialect == "postgresql":  # the value as text (NULL when missing or JSON null), by a key path
        return "(data::jsonb #>> ?)", [["meta", *parts[1:]]]
    # a JSON path with every key quoted, so keys with odd characters stay one key
    return "json_extract(data, ?)", ["$.meta" + "".join("." + json.dumps(p) for p in parts[1:])]


def _exact_in_sql(value: Any, dialect: str) -> bool:
    """Values the database compares the way Python's ``==`` does (ISO dates are compared as
    dates by Haystack, so they are left to it)."""
    if dialect == "postgresql" and not isinstance(value, str):
        return False
    if isinstance(value, bool) or isinstance(value, int):
        return abs(value) < 2**63
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return not (len(value) >= 10 and value[:4].isdigit() and value[4] == "-" and value[7:8] == "-")
    return False
