"""Check the sandboxed child's reply before using any of it, and compare its values with the expected ones.

The reply is data from candidate code: any field may be missing, of the wrong type, huge or nested without
end. Values arrive as plain JSON with three tagged forms the child uses for what JSON lacks:
{"set": [...]}, {"dict": [[key, value], ...]} and {"float": "nan"}. Both sides are turned into one
comparable form here, with booleans kept apart from numbers and floats compared to six places.
"""

from __future__ import annotations

from typing import Any, Literal

MAX_DEPTH = 40
MAX_NODES = 200_000
TEXT_LIMIT = 300
SHOWN_LIMIT = 120

Canonical = tuple[Any, ...]


class Malformed(Exception):
    pass


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise Malformed(f"{what} is not text")
    return value[:TEXT_LIMIT]


def checked_python_reply(raw: Any, calls: int) -> list[dict[str, Any]] | Literal["no_function"] | None:
    """One {'value': canonical} or {'error': text} per call; 'no_function'; or None when the run did not finish."""
    if not isinstance(raw, dict):
        raise Malformed("the reply is not an object")
    status = raw.get("status")
    if status == "no_function":
        return "no_function"
    if status != "ran":
        _text(raw.get("error", ""), "the error")
        return None
    cases = raw.get("cases")
    if not isinstance(cases, list) or len(cases) != calls:
        raise Malformed(f"expected {calls} case results")
    budget = [MAX_NODES]
    checked: list[dict[str, Any]] = []
    for case in cases:
        if not isinstance(case, dict) or len(case) != 1:
            raise Malformed("a case result is not an object with one field")
        if "error" in case:
            checked.append({"error": _text(case["error"], "a case error")})
        elif "value" in case:
            checked.append({"value": from_wire(case["value"], 0, budget)})
        else:
            raise Malformed("a case result has neither a value nor an error")
    return checked


def checked_sql_reply(raw: Any, datasets: int) -> list[tuple[list[list[Any]], bool]] | None:
    """The rows and a 'capped' flag per dataset, or None when the query did not run."""
    if not isinstance(raw, dict):
        raise Malformed("the reply is not an object")
    if raw.get("status") != "ran":
        _text(raw.get("error", ""), "the error")
        return None
    results = raw.get("results")
    if not isinstance(results, list) or len(results) != datasets:
        raise Malformed(f"expected results for {datasets} dataset(s)")
    checked = []
    for result in results:
        if not isinstance(result, dict) or not isinstance(result.get("capped"), bool):
            raise Malformed("a dataset's result is not an object with 'capped'")
        rows = result.get("rows")
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise Malformed("rows are not a list of lists")
        for row in rows:
            for cell in row:
                if cell is not None and type(cell) not in (int, float, str):
                    raise Malformed("a cell is not a number, text or NULL")
        checked.append((rows, result["capped"]))
    return checked


def from_wire(value: Any, depth: int, budget: list[int]) -> Canonical:
    """The comparable form of a value the child sent, refusing anything outside the agreed shapes."""
    budget[0] -= 1
    if budget[0] < 0:
        raise Malformed("the value is too large")
    if depth > MAX_DEPTH:
        raise Malformed("the value is nested too deeply")
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return _scalar(value)
    if kind is list:
        return ("list", tuple(from_wire(v, depth + 1, budget) for v in value))
    if kind is dict and len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "set" and type(inner) is list:
            return ("set", tuple(sorted((from_wire(v, depth + 1, budget) for v in inner), key=repr)))
        if tag == "dict" and type(inner) is list:
            pairs = []
            for pair in inner:
                if type(pair) is not list or len(pair) != 2:
                    raise Malformed("a dict entry is not a pair")
                pairs.append((from_wire(pair[0], depth + 1, budget), from_wire(pair[1], depth + 1, budget)))
            return ("dict", tuple(sorted(pairs, key=repr)))
        if tag == "float" and inner in ("nan", "inf", "-inf"):
            return ("special", inner)
    raise Malformed(f"a value of an unexpected shape ({kind.__name__})")


def _scalar(value: Any) -> Canonical:
    if value is None:
        return ("none",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, float):
        return ("num", round(value, 6))
    if isinstance(value, int):
        return ("num", value)
    return ("str", value)


def canonical(expected: Any) -> Canonical:
    """The comparable form of an expected value from a fixture (YAML: JSON-like values)."""
    if expected is None or isinstance(expected, (bool, int, float, str)):
        return _scalar(expected)
    if isinstance(expected, (list, tuple)):
        return ("list", tuple(canonical(v) for v in expected))
    if isinstance(expected, (set, frozenset)):
        return ("set", tuple(sorted((canonical(v) for v in expected), key=repr)))
    if isinstance(expected, dict):
        return ("dict", tuple(sorted(((canonical(k), canonical(v)) for k, v in expected.items()), key=repr)))
    raise TypeError(f"an expected value of type {type(expected).__name__}")


def _as_bag(value: Canonical) -> Canonical:
    if value[0] in ("list", "set"):
        return ("bag", tuple(sorted(value[1], key=repr)))
    return value


def same(got: Canonical, want: Canonical, unordered: bool = False) -> bool:
    if unordered:
        got, want = _as_bag(got), _as_bag(want)
    return got == want


def shown(value: Canonical) -> str:
    text = _render(value)
    return text if len(text) <= SHOWN_LIMIT else text[: SHOWN_LIMIT - 3] + "..."


def _render(value: Canonical) -> str:
    tag = value[0]
    if tag == "none":
        return "None"
    if tag in ("bool", "num", "str"):
        return repr(value[1])
    if tag == "special":
        return f"float({value[1]!r})"
    if tag == "list":
        return "[" + ", ".join(_render(v) for v in value[1]) + "]"
    if tag == "set":
        return "{" + ", ".join(_render(v) for v in value[1]) + "}" if value[1] else "set()"
    return "{" + ", ".join(f"{_render(k)}: {_render(v)}" for k, v in value[1]) + "}"
