"""OGC CQL2 (1.0.0) text and JSON, parsed into the filter tree of ``model.expressions``.

The text parser is a recursive descent over the grammar of the standard's ``cql2.bnf``
(boolean expressions, comparison, LIKE, BETWEEN, IN, IS NULL, CASEI, spatial ``S_*`` and
temporal ``T_*`` functions, DATE/TIMESTAMP/INTERVAL, WKT and BBOX geometry literals). A CQL2
JSON filter is validated against the standard's JSON Schema first. Every error is a
``BadInput`` on the ``filter`` parameter naming the character position (1-based) of the fault.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache
from importlib import resources

import shapely
from jsonschema import Draft202012Validator

from regioatlas.model.errors import BadInput
from regioatlas.model.expressions import (
    COMPARISONS,
    SPATIAL,
    TEMPORAL,
    Call,
    Geometry,
    Interval,
    Prop,
    Value,
)

_TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>'(?:[^']|'')*')
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<quoted>"(?:[^"]|"")+")
  | (?P<word>[A-Za-z_][A-Za-z0-9_.:]*)
  | (?P<op><>|<=|>=|[=<>(),])
  )""",
    re.VERBOSE,
)
_GEOMETRY_WORDS = (
    "POINT",
    "LINESTRING",
    "POLYGON",
    "MULTIPOINT",
    "MULTILINESTRING",
    "MULTIPOLYGON",
    "GEOMETRYCOLLECTION",
)


def _error(message: str, position: int) -> BadInput:
    return BadInput(f"CQL2 error at position {position}: {message}", parameter="filter")


class _Tokens:
    """The tokens of a CQL2 text with their positions."""

    def __init__(self, text: str):
        self.text = text
        self.items: list[tuple[str, str, int]] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                where = pos + len(text[pos:]) - len(text[pos:].lstrip()) + 1
                raise _error(f"unexpected character {text[where - 1]!r}", where)
            kind = m.lastgroup or ""
            start = m.start(kind) + 1
            self.items.append((kind, m.group(kind), start))
            pos = m.end()
        self.i = 0

    def peek(self, ahead: int = 0) -> tuple[str, str, int]:
        j = self.i + ahead
        return self.items[j] if j < len(self.items) else ("end", "", len(self.text) + 1)

    def word(self, *words: str) -> bool:
        kind, value, _ = self.peek()
        return kind == "word" and value.upper() in words

    def take(self) -> tuple[str, str, int]:
        token = self.peek()
        self.i += 1
        return token

    def expect(self, value: str) -> int:
        kind, got, pos = self.take()
        if got.upper() != value:
            raise _error(f"expected {value!r}, found {got or 'the end'!r}", pos)
        return pos


def parse_text(text: str) -> Value:
    """Parse a CQL2 text filter.

    Example
    -------
    >>> parse_text("country = 'FI' AND eu_contribution_eur > 1e6")
    Call(op='and', args=(Call(op='=', args=(Prop(name='country'), 'FI')), Call(op='>', args=(Prop(name='eu_contribution_eur'), 1000000.0))))
    """
    tokens = _Tokens(text)
    if not tokens.items:
        raise _error("the filter is empty", 1)
    expr = _or(tokens)
    kind, value, pos = tokens.peek()
    if kind != "end":
        raise _error(f"unexpected {value!r} after a complete expression", pos)
    return expr


def _or(t: _Tokens) -> Value:
    args = [_and(t)]
    while t.word("OR"):
        t.take()
        args.append(_and(t))
    return args[0] if len(args) == 1 else Call("or", tuple(args))


def _and(t: _Tokens) -> Value:
    args = [_not(t)]
    while t.word("AND"):
        t.take()
        args.append(_not(t))
    return args[0] if len(args) == 1 else Call("and", tuple(args))


def _not(t: _Tokens) -> Value:
    if t.word("NOT"):
        t.take()
        return Call("not", (_not(t),))
    return _primary(t)


def _primary(t: _Tokens) -> Value:
    kind, value, pos = t.peek()
    if kind == "op" and value == "(":
        # a parenthesised boolean expression, unless it is the left operand of a comparison
        start = t.i
        t.take()
        inner = _or(t)
        t.expect(")")
        if t.peek()[0] == "op" and t.peek()[1] in COMPARISONS:
            t.i = start
        else:
            return inner
    if kind == "word" and value.upper() in ("TRUE", "FALSE") and _ends_term(t, 1):
        t.take()
        return value.upper() == "TRUE"
    if kind == "word" and value.lower() in SPATIAL + TEMPORAL:
        t.take()
        t.expect("(")
        left = _operand(t)
        t.expect(",")
        right = _operand(t)
        t.expect(")")
        return Call(value.lower(), (left, right))
    return _predicate(t)


def _ends_term(t: _Tokens, ahead: int) -> bool:
    kind, value, _ = t.peek(ahead)
    return kind == "end" or value == ")" or value.upper() in ("AND", "OR")


def _predicate(t: _Tokens) -> Value:
    _, _, pos = t.peek()
    left = _operand(t)
    kind, value, op_pos = t.peek()
    negate = False
    if t.word("NOT"):
        t.take()
        negate = True
        kind, value, op_pos = t.peek()
    word = value.upper() if kind == "word" else ""
    if kind == "op" and value in COMPARISONS and not negate:
        t.take()
        return Call(value, (left, _operand(t)))
    if word == "LIKE":
        t.take()
        out: Value = Call("like", (left, _operand(t)))
    elif word == "BETWEEN":
        t.take()
        low = _operand(t)
        t.expect("AND")
        out = Call("between", (left, low, _operand(t)))
    elif word == "IN":
        t.take()
        t.expect("(")
        items = [_operand(t)]
        while t.peek()[1] == ",":
            t.take()
            items.append(_operand(t))
        t.expect(")")
        out = Call("in", (left, tuple(items)))
    elif word == "IS" and not negate:
        t.take()
        if t.word("NOT"):
            t.take()
            negate = True
        t.expect("NULL")
        out = Call("isnull", (left,))
    else:
        found = value or "the end"
        if isinstance(left, bool) or isinstance(left, Call):
            return left if not negate else Call("not", (left,))
        raise _error(
            f"expected a comparison operator, LIKE, BETWEEN, IN or IS NULL, found {found!r}",
            op_pos if kind != "end" else pos,
        )
    return Call("not", (out,)) if negate else out


def _operand(t: _Tokens) -> Value:
    kind, value, pos = t.take()
    if kind == "string":
        return value[1:-1].replace("''", "'")
    if kind == "number":
        return float(value) if any(c in value for c in ".eE") else int(value)
    if kind == "quoted":
        return Prop(value[1:-1].replace('""', '"'))
    if kind == "op" and value == "(":
        inner = _operand(t)
        t.expect(")")
        return inner
    if kind != "word":
        raise _error(
            f"expected a property, a literal or a function, found {value or 'the end'!r}", pos
        )
    upper = value.upper()
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE"
    if upper in ("DATE", "TIMESTAMP") and t.peek()[1] == "(":
        t.take()
        _, text, text_pos = t.take()
        t.expect(")")
        return _instant(text.strip("'"), upper.lower(), text_pos)
    if upper == "INTERVAL" and t.peek()[1] == "(":
        t.take()
        start = _interval_end(t)
        t.expect(",")
        end = _interval_end(t)
        t.expect(")")
        return Interval(start, end)
    if upper in ("CASEI", "ACCENTI") and t.peek()[1] == "(":
        if upper == "ACCENTI":
            raise _error("ACCENTI is not supported (accent-insensitive comparison)", pos)
        t.take()
        inner = _operand(t)
        t.expect(")")
        return Call("casei", (inner,))
    if upper == "BBOX" and t.peek()[1] == "(":
        t.take()
        numbers = [_operand(t)]
        while t.peek()[1] == ",":
            t.take()
            numbers.append(_operand(t))
        t.expect(")")
        return _bbox(numbers, pos)
    if upper in _GEOMETRY_WORDS:
        return _wkt(t, pos)
    if t.peek()[1] == "(":
        raise _error(f"unknown function {value!r}", pos)
    return Prop(value)


def _interval_end(t: _Tokens) -> date | datetime | Prop | None:
    kind, value, pos = t.peek()
    if kind == "string":
        t.take()
        text = value[1:-1]
        return None if text == ".." else _instant(text, "timestamp" if "T" in text else "date", pos)
    end = _operand(t)
    if isinstance(end, (date, datetime, Prop)):
        return end
    raise _error("an interval end is a date, a timestamp, '..' or a property", pos)


def _instant(text: str, kind: str, pos: int) -> date | datetime:
    try:
        if kind == "date":
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _error(f"{text!r} is not a valid {kind.upper()}", pos) from None


def _bbox(numbers: list, pos: int) -> Geometry:
    if len(numbers) not in (4, 6) or not all(isinstance(n, (int, float)) for n in numbers):
        raise _error("BBOX takes 4 (or 6) numbers", pos)
    w, s, e, n = (numbers[0], numbers[1], numbers[2], numbers[3]) if len(numbers) == 4 else (
        numbers[0], numbers[1], numbers[3], numbers[4]
    )  # fmt: skip
    return Geometry(shapely.box(w, s, e, n).wkt)


def _wkt(t: _Tokens, pos: int) -> Geometry:
    """A WKT literal: the words and balanced parentheses after the geometry type."""
    depth = 0
    start = pos - 1
    end = start
    while True:
        kind, value, tpos = t.peek()
        if kind == "end":
            raise _error("unbalanced parentheses in a geometry", tpos)
        t.take()
        end = tpos - 1 + len(value)
        if value == "(":
            depth += 1
        elif value == ")":
            depth -= 1
            if depth == 0:
                break
        elif depth == 0 and kind != "word":
            raise _error("a geometry needs its coordinates in parentheses", tpos)
    # the tokeniser splits "1 2" as two numbers; WKT is read from the original text
    text = t.text[start:end]
    try:
        geometry = shapely.from_wkt(text)
    except shapely.errors.GEOSException as exc:
        raise _error(f"not a valid geometry: {str(exc).splitlines()[0]}", pos) from None
    return Geometry(geometry.wkt)


# --- CQL2 JSON ------------------------------------------------------------------------------
@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(resources.files("regioatlas.data").joinpath("ogc/cql2.json").read_text())
    return Draft202012Validator(schema)


def parse_json(text: str | dict) -> Value:
    """Parse a CQL2 JSON filter (validated against the CQL2 JSON Schema).

    Example
    -------
    >>> parse_json('{"op": "=", "args": [{"property": "country"}, "FI"]}')
    Call(op='=', args=(Prop(name='country'), 'FI'))
    """
    if isinstance(text, str):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _error(f"not JSON: {exc.msg}", exc.pos + 1) from None
    else:
        data = text
    error = next(iter(sorted(_validator().iter_errors(data), key=lambda e: e.path)), None)
    if error is not None:
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        raise BadInput(
            f"CQL2 JSON error at {where}: the filter does not follow the CQL2 JSON schema "
            f"({error.message[:200]})",
            parameter="filter",
        )
    return _from_json(data, "")


def _from_json(node, where: str) -> Value:
    if isinstance(node, list):
        return tuple(_from_json(n, f"{where}/{i}") for i, n in enumerate(node))
    if not isinstance(node, dict):
        return node
    if "property" in node:
        return Prop(node["property"])
    if "date" in node:
        return _instant(node["date"], "date", 1)
    if "timestamp" in node:
        return _instant(node["timestamp"], "timestamp", 1)
    if "interval" in node:
        ends = [
            None if e == ".." else _from_json(e, f"{where}/interval/{i}") if isinstance(e, dict)
            else _instant(e, "timestamp" if "T" in e else "date", 1)
            for i, e in enumerate(node["interval"])
        ]  # fmt: skip
        return Interval(ends[0], ends[1])  # type: ignore[arg-type]
    if "bbox" in node:
        return _bbox(list(node["bbox"]), 1)
    if "type" in node and "coordinates" in node or node.get("type") == "GeometryCollection":
        return Geometry(shapely.geometry.shape(node).wkt)
    op = str(node.get("op", "")).lower()
    args = tuple(_from_json(a, f"{where}/args/{i}") for i, a in enumerate(node.get("args", [])))
    if op == "accenti":
        raise BadInput(
            f"CQL2 JSON error at {where or '/'}: ACCENTI is not supported", parameter="filter"
        )
    if op in ("and", "or", "not", "like", "between", "in", "isnull", "casei"):
        return Call(op, args)
    if op in COMPARISONS or op in SPATIAL or op in TEMPORAL:
        return Call(op, args)
    raise BadInput(
        f"CQL2 JSON error at {where or '/'}: unsupported operator {op!r}", parameter="filter"
    )


def parse_filter(text: str, lang: str | None) -> Value:
    """Parse ``filter`` in ``filter-lang`` (``cql2-text``, the default, or ``cql2-json``).

    Example
    -------
    >>> parse_filter("name_latin LIKE 'Päijät%'", None)
    Call(op='like', args=(Prop(name='name_latin'), 'Päijät%'))
    """
    lang = (lang or "cql2-text").strip().lower()
    if lang in ("cql2-text", "cql-text"):  # cql-text: the draft's name, still sent by GDAL 3.6
        return parse_text(text)
    if lang == "cql2-json":
        return parse_json(text)
    raise BadInput(
        f"filter-lang must be cql2-text or cql2-json, not {lang!r}", parameter="filter-lang"
    )
