"""Translate PostgreSQL, MySQL and BigQuery habits into SQLite with sqlglot, plus the date arithmetic it lacks.

This runs inside the sandboxed child, never in the app: a query that makes the parser recurse without
end or run for long fails there. It imports nothing from the project.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

SECONDS = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": 86400, "WEEK": 604800}
TRUNC_FORMATS = {
    "SECOND": "%Y-%m-%d %H:%M:%S",
    "MINUTE": "%Y-%m-%d %H:%M:00",
    "HOUR": "%Y-%m-%d %H:00:00",
    "DAY": "%Y-%m-%d 00:00:00",
    "MONTH": "%Y-%m-01 00:00:00",
    "YEAR": "%Y-01-01 00:00:00",
}


EXTRACT_FORMATS = {"YEAR": "%Y", "MONTH": "%m", "DAY": "%d", "HOUR": "%H", "MINUTE": "%M", "SECOND": "%S",
                   "DOW": "%w", "DAYOFWEEK": "%w", "DOY": "%j", "DAYOFYEAR": "%j"}  # fmt: skip
# Functions or forms only one dialect has: the query is read as that dialect first.
_BIGQUERY = re.compile(
    r"\b(?:TIMESTAMP_DIFF|DATETIME_DIFF|DATE_DIFF|TIMESTAMP_TRUNC|DATETIME_TRUNC|SAFE_DIVIDE|COUNTIF|TIMESTAMP_ADD"
    r"|TIMESTAMP_SUB)[ \t\n]*\(|\bDATE_TRUNC[ \t\n]*\([^'\"()]*,[ \t\n]*(?:DAY|WEEK|MONTH|QUARTER|YEAR|HOUR)\b",
    re.IGNORECASE,
)
_MYSQL = re.compile(r"`|\b(?:DATE_FORMAT|TIMESTAMPDIFF|DATE_ADD|DATE_SUB|IFNULL|STR_TO_DATE)[ \t\n]*\(", re.IGNORECASE)


MAX_REWRITE_PASSES = 8  # a date rewrite nested deeper than this is left as written and fails in SQLite


class TranslationError(Exception):
    pass


def _call(name: str, *args: exp.Expression) -> exp.Expression:
    """A plain SQLite function call (sqlglot's builders check other dialects' arities)."""
    return exp.Anonymous(this=name, expressions=list(args))


def _unit(node: exp.Expression | None) -> str:
    return (node.name if node is not None else "DAY").upper().rstrip("S")


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, (exp.TimestampTrunc, exp.DateTrunc)):
        unit = _unit(node.args.get("unit"))
        if unit == "WEEK":  # weeks start on Monday, as in PostgreSQL
            return _call("DATETIME", node.this, exp.Literal.string("weekday 0"), exp.Literal.string("-6 days"),
                            exp.Literal.string("start of day"))  # fmt: skip
        if unit in TRUNC_FORMATS:
            return _call("STRFTIME", exp.Literal.string(TRUNC_FORMATS[unit]), node.this)
    if isinstance(node, (exp.Add, exp.Sub)) and isinstance(node.expression, exp.Interval):
        interval = node.expression
        amount, unit = _interval_parts(interval)
        sign = "-" if isinstance(node, exp.Sub) else "+"
        return _call("DATETIME", node.this, exp.Literal.string(f"{sign}{amount} {unit.lower()}s"))
    if isinstance(node, exp.Extract):
        unit = node.this.name.upper()
        inner = node.expression
        while isinstance(inner, exp.Paren):  # EXTRACT(EPOCH FROM (logout_at - login_at))
            inner = inner.this
        if unit == "EPOCH" and isinstance(inner, exp.Sub):
            return _seconds_between(inner.this, inner.expression)
        if unit in EXTRACT_FORMATS:
            strftime = _call("STRFTIME", exp.Literal.string(EXTRACT_FORMATS[unit]), node.expression)
            return exp.Cast(this=strftime, to=exp.DataType.build("INTEGER"))
    if (
        isinstance(node, exp.TimestampDiff)
        and isinstance(node.this, exp.Column)
        and node.this.name.upper().rstrip("S") in SECONDS
    ):
        # MySQL's TIMESTAMPDIFF(unit, start, end) read by the PostgreSQL parser: the parts are shifted.
        factor = SECONDS[node.this.name.upper().rstrip("S")]
        later = exp.column(node.args["unit"].name.lower())
        return _whole_units(_seconds_between(later, node.expression), factor)
    if isinstance(node, exp.DateDiff) and _unit(node.args.get("unit")) == "DAY":
        # MySQL's DATEDIFF and BigQuery's DATE_DIFF count calendar days, ignoring the time of day.
        days = exp.Sub(this=_call("JULIANDAY", _call("DATE", node.this)),
                       expression=_call("JULIANDAY", _call("DATE", node.expression)))  # fmt: skip
        return exp.Cast(this=days, to=exp.DataType.build("INTEGER"))
    if isinstance(node, (exp.TimestampDiff, exp.DateDiff)) and _unit(node.args.get("unit")) in SECONDS:
        seconds = _seconds_between(node.this, node.expression)
        return _whole_units(seconds, SECONDS[_unit(node.args.get("unit"))])
    if isinstance(node, exp.Anonymous) and str(node.this).upper() == "TIMESTAMPDIFF" and len(node.expressions) == 3:
        unit, earlier, later = node.expressions
        if unit.name.upper().rstrip("S") in SECONDS:
            factor = SECONDS[unit.name.upper().rstrip("S")]
            return _whole_units(_seconds_between(later, earlier), factor)
    return node


def _interval_parts(interval: exp.Interval) -> tuple[str, str]:
    text = interval.this.name if interval.this is not None else "1"
    parts = text.split()
    unit = _unit(interval.args.get("unit")) if interval.args.get("unit") else (parts[1] if len(parts) > 1 else "DAY")
    return parts[0], unit.upper().rstrip("S")


def _seconds_between(later: exp.Expression, earlier: exp.Expression) -> exp.Expression:
    """Seconds as a number, rounded to milliseconds: Julian days carry float noise in the last digits."""
    days = exp.Sub(this=_call("JULIANDAY", later), expression=_call("JULIANDAY", earlier))
    seconds = exp.Mul(this=exp.Paren(this=days), expression=exp.Literal.number(86400))
    return _call("ROUND", seconds, exp.Literal.number(3))


def _whole_units(seconds: exp.Expression, factor: int) -> exp.Expression:
    """TIMESTAMPDIFF and TIMESTAMP_DIFF count whole units, truncating toward zero."""
    return exp.Cast(this=exp.Div(this=seconds, expression=exp.Literal.number(factor)),
                    to=exp.DataType.build("INTEGER"))  # fmt: skip


def _rewritten(tree: exp.Expr) -> exp.Expr:
    """Every rewrite applied, nested ones too.

    A rewrite builds a new node around parts it has not visited, and `transform` does not go into a node it
    has just built: in DATE_TRUNC('day', x) + INTERVAL '1 day' the DATE_TRUNC would be left as it was. Each
    pass reaches one level further in; the rewrites produce only plain calls and casts, which no rewrite
    matches, so the passes end.
    """
    for _ in range(MAX_REWRITE_PASSES):
        rewritten = tree.transform(_rewrite)
        if rewritten == tree:
            return rewritten
        tree = rewritten
    return tree


def to_sqlite(query: str) -> str:
    """Parse as PostgreSQL, then MySQL, and write SQLite; SQLite's own syntax passes through.

    A query using something only BigQuery or only MySQL has is read as that dialect first.
    """
    last: Exception | None = None
    dialects = ["postgres", "mysql", "sqlite"]
    if _BIGQUERY.search(query):
        dialects.insert(0, "bigquery")
    elif _MYSQL.search(query):
        dialects = ["mysql", "postgres", "sqlite"]
    for dialect in dialects:
        try:
            trees = sqlglot.parse(query, read=dialect)
        except ParseError as exc:
            last = exc
            continue
        statements = [t for t in trees if t is not None]
        if len(statements) != 1:
            raise TranslationError("give exactly one query")
        return _rewritten(statements[0]).sql(dialect="sqlite")
    raise TranslationError(f"could not parse the query: {str(last).splitlines()[0] if last else 'unknown error'}")
