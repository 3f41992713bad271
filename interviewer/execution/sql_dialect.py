"""Translate PostgreSQL and MySQL habits into SQLite with sqlglot, plus the date arithmetic it lacks."""

from __future__ import annotations

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
    if isinstance(node, exp.Extract) and node.this.name.upper() == "EPOCH" and isinstance(node.expression, exp.Sub):
        diff = node.expression
        return _seconds_between(diff.this, diff.expression)
    if (
        isinstance(node, exp.TimestampDiff)
        and isinstance(node.this, exp.Column)
        and node.this.name.upper().rstrip("S") in SECONDS
    ):
        # MySQL's TIMESTAMPDIFF(unit, start, end) read by the PostgreSQL parser: the parts are shifted.
        factor = SECONDS[node.this.name.upper().rstrip("S")]
        later = exp.column(node.args["unit"].name.lower())
        return exp.Div(this=_seconds_between(later, node.expression), expression=exp.Literal.number(factor))
    if isinstance(node, (exp.TimestampDiff, exp.DateDiff)) and _unit(node.args.get("unit")) in SECONDS:
        seconds = _seconds_between(node.this, node.expression)
        return exp.Div(this=seconds, expression=exp.Literal.number(SECONDS[_unit(node.args.get("unit"))]))
    if isinstance(node, exp.Anonymous) and str(node.this).upper() == "TIMESTAMPDIFF" and len(node.expressions) == 3:
        unit, earlier, later = node.expressions
        if unit.name.upper().rstrip("S") in SECONDS:
            factor = SECONDS[unit.name.upper().rstrip("S")]
            return exp.Div(this=_seconds_between(later, earlier), expression=exp.Literal.number(factor))
    return node


def _interval_parts(interval: exp.Interval) -> tuple[str, str]:
    text = interval.this.name if interval.this is not None else "1"
    parts = text.split()
    unit = _unit(interval.args.get("unit")) if interval.args.get("unit") else (parts[1] if len(parts) > 1 else "DAY")
    return parts[0], unit.upper().rstrip("S")


def _seconds_between(later: exp.Expression, earlier: exp.Expression) -> exp.Expression:
    days = exp.Sub(this=_call("JULIANDAY", later), expression=_call("JULIANDAY", earlier))
    return exp.Paren(this=exp.Mul(this=exp.Paren(this=days), expression=exp.Literal.number(86400)))


def to_sqlite(query: str) -> str:
    """Parse as PostgreSQL, then MySQL, and write SQLite; SQLite's own syntax passes through."""
    last: Exception | None = None
    for dialect in ("postgres", "mysql", "sqlite"):
        try:
            trees = sqlglot.parse(query, read=dialect)
        except ParseError as exc:
            last = exc
            continue
        trees = [t for t in trees if t is not None]
        if len(trees) != 1:
            raise TranslationError("give exactly one query")
        return trees[0].transform(_rewrite).sql(dialect="sqlite")
    raise TranslationError(f"could not parse the query: {str(last).splitlines()[0] if last else 'unknown error'}")
