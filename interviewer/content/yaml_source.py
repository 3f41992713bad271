"""Read YAML while keeping line numbers, so errors can point at the offending line.

Content files come from users, so reading one is bounded before anything is built from it: its
size, how deeply it nests (deep nesting would overflow the stack of the node builder) and how many
nodes its aliases expand to (a "billion laughs" file is small on disk and huge in memory). A key
given twice in one mapping is refused rather than letting the last one silently win.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from interviewer.content.problems import format_loc

# The largest built-in file is under 10 KB and about 600 nodes; these leave ample room for real content.
MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 64
MAX_NODES = 50_000
# libyaml builds nodes by recursion in C: 30,000 levels overflow an 8 MB stack, 10,000 do not. A file that
# cannot nest deeper than this is built directly; any other has its depth checked on the parser's events first.
SAFE_BUILD_DEPTH = 2000


@dataclass(frozen=True)
class YamlDocument:
    path: Path
    data: Any
    root: yaml.Node | None

    def line_of(self, loc: tuple[int | str, ...]) -> int | None:
        """Line (1-based) of the deepest node on the path `loc` that exists in the file."""
        node = self.root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            node = child
            line = node.start_mark.line + 1
        return line


def _child(node: yaml.Node, part: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if str(key_node.value) == str(part):
                child: yaml.Node = value_node
                return child
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item: yaml.Node = node.value[part]
        return item
    return None


# libyaml's parser when PyYAML was built with it; both keep node positions.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSyntaxError(Exception):
    """A file that cannot be used as content; `field` names where in it, when that is known."""

    def __init__(self, path: Path, line: int | None, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message
        self.field = field


def _read_text(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise YamlSyntaxError(path, None, f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise YamlSyntaxError(path, None, f"file is larger than the limit of {MAX_FILE_BYTES // 1024} KB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlSyntaxError(path, line, "not UTF-8 text") from None


def _nesting_bound(text: str) -> int:
    """A cheap upper bound on how deeply the text nests, without parsing it.

    Each flow collection opens with its own `[` or `{`. A block collection starts to the right of the one
    holding it, or in the same column once (a sequence as a mapping's value), so a chain of them is at
    most twice as long as the widest line.
    """
    widest = max((len(line) for line in text.splitlines()), default=0)
    return text.count("[") + text.count("{") + 2 * widest + 3


def _check_depth_before_building(path: Path, text: str) -> None:
    """Walk the parser's events, which needs no recursion, and stop at the first node nested too deeply."""
    loader = _LOADER(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    raise YamlSyntaxError(path, line, f"nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # building the nodes reports syntax errors with their line
    finally:
        loader.dispose()


# Where a node is, as (where its parent is, its key or index): built in constant space per node, spelled out
# only for an error message.
Where = tuple[Any, int | str] | None


def _spelled(where: Where) -> str | None:
    parts: list[int | str] = []
    while where is not None:
        where, part = where
        parts.append(part)
    return format_loc(tuple(reversed(parts))) or None


def _children(node: yaml.Node, where: Where) -> list[tuple[yaml.Node, Where]]:
    if isinstance(node, yaml.MappingNode):
        pairs = [((where, str(key.value)), key, value) for key, value in node.value]
        return [item for inside, key, value in pairs for item in ((key, inside), (value, inside))]
    if isinstance(node, yaml.SequenceNode):
        return [(item, (where, index)) for index, item in enumerate(node.value)]
    return []


def _refuse_duplicate_keys(path: Path, node: yaml.MappingNode, where: Where) -> None:
    first_line: dict[str, int] = {}
    for key_node, _ in node.value:
        key = str(key_node.value)
        if isinstance(key_node, yaml.ScalarNode) and key in first_line:
            raise YamlSyntaxError(
                path,
                key_node.start_mark.line + 1,
                f"duplicate key '{key}' (first given on line {first_line[key]})",
                field=_spelled((where, key)),
            )
        first_line.setdefault(key, key_node.start_mark.line + 1)


def _check_tree(path: Path, root: yaml.Node) -> None:
    """Depth and duplicate keys of a file without anchors, whose nodes therefore form a plain tree."""
    pending: list[tuple[yaml.Node, Where, int]] = [(root, None, 1)]
    while pending:
        node, where, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise YamlSyntaxError(path, node.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.MappingNode):
            _refuse_duplicate_keys(path, node, where)
            pending.extend((value, (where, str(key.value)), depth + 1) for key, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend((item, (where, index), depth + 1) for index, item in enumerate(node.value))


def _check_nodes(path: Path, root: yaml.Node) -> None:
    """One pass over the node graph, each shared (aliased) node measured once: duplicate keys, and the depth
    and number of nodes of the data the file expands to, where an alias counts as the whole node it names."""
    measured: dict[int, tuple[int, int]] = {}  # node id -> (nodes once expanded, depth of the deepest below)
    open_ids: set[int] = set()  # the nodes whose children are being measured: the path from the root
    # (node, where it is, how deep it is, whether its children are measured)
    pending: list[tuple[yaml.Node, Where, int, bool]] = [(root, None, 1, False)]
    while pending:
        node, where, depth, children_measured = pending.pop()
        line = node.start_mark.line + 1
        if children_measured:
            open_ids.discard(id(node))
            sizes = [measured[id(child)] for child, _ in _children(node, where)]
            nodes = 1 + sum(size for size, _ in sizes)
            if nodes > MAX_NODES:
                raise YamlSyntaxError(
                    path, line, f"more than {MAX_NODES} values once aliases are expanded", _spelled(where)
                )
            measured[id(node)] = (nodes, 1 + max((below for _, below in sizes), default=0))
            continue
        below = measured[id(node)][1] if id(node) in measured else 1
        if depth - 1 + below > MAX_DEPTH:
            raise YamlSyntaxError(path, line, f"nested more than {MAX_DEPTH} levels deep")
        if id(node) in measured:
            continue
        if id(node) in open_ids:
            raise YamlSyntaxError(path, line, "an alias refers to a node that contains it", _spelled(where))
        if isinstance(node, yaml.MappingNode):
            _refuse_duplicate_keys(path, node, where)
        open_ids.add(id(node))
        pending.append((node, where, depth, True))
        # Children go on the stack last first, so the file is walked in document order: a shared node is first
        # reached where its anchor is defined, and an error names that line and that key, not an alias's.
        children = [(child, inside, depth + 1, False) for child, inside in _children(node, where)]
        pending.extend(reversed(children))


def read_yaml(path: Path) -> YamlDocument:
    """Parse once into both plain data and the node tree that carries positions."""
    text = _read_text(path)
    if _nesting_bound(text) > SAFE_BUILD_DEPTH:
        _check_depth_before_building(path, text)
    loader = _LOADER(text)
    root: yaml.Node | None = None
    try:
        root = loader.get_single_node()
        if root is not None and "&" in text:  # anchors: aliases may share (or loop back to) a node
            _check_nodes(path, root)
        elif root is not None:
            _check_tree(path, root)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSyntaxError(path, line, f"YAML syntax error: {problem}") from exc
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(path, None, f"YAML syntax error: {exc}") from exc
    except ValueError as exc:  # a value YAML accepts but Python will not build, such as a 10,000-digit number
        raise YamlSyntaxError(path, root.start_mark.line + 1 if root else None, f"unusable value: {exc}") from exc
    finally:
        loader.dispose()
    return YamlDocument(path=path, data=data, root=root)
