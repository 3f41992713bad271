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


def _check_shape(path: Path, text: str) -> None:
    """Walk the parser's events (which needs no recursion) to bound nesting and alias expansion.

    Both are measured on the data the file expands to, so an alias counts as the whole node it names.
    """
    loader = _LOADER(text)
    # One [expanded node count, depth below, anchor] per open collection; anchors map to (count, depth).
    open_nodes: list[list[Any]] = []
    anchors: dict[str, tuple[int, int]] = {}
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                open_nodes.append([1, 0, event.anchor])
                size, depth = 0, len(open_nodes)
            else:
                if isinstance(event, yaml.CollectionEndEvent):
                    size, below, anchor = open_nodes.pop()
                    depth = below + 1
                elif isinstance(event, yaml.ScalarEvent):
                    size, depth, anchor = 1, 1, event.anchor
                elif isinstance(event, yaml.AliasEvent):
                    (size, depth), anchor = anchors.get(event.anchor or "", (1, 1)), None
                else:
                    continue
                if anchor is not None:
                    anchors[anchor] = (size, depth)
                if open_nodes:
                    parent = open_nodes[-1]
                    parent[0] += size
                    parent[1] = max(parent[1], depth)
                    size, depth = parent[0], len(open_nodes) + depth
            line = event.start_mark.line + 1
            if depth > MAX_DEPTH:
                raise YamlSyntaxError(path, line, f"nested more than {MAX_DEPTH} levels deep")
            if size > MAX_NODES:
                raise YamlSyntaxError(path, line, f"aliases expand to more than {MAX_NODES} nodes")
    except yaml.YAMLError:
        return  # composing reports syntax errors with their line
    finally:
        loader.dispose()


def _check_duplicate_keys(path: Path, root: yaml.Node) -> None:
    """The first key given twice in one mapping; each shared (aliased) node is visited once."""
    pending: list[tuple[yaml.Node, tuple[int | str, ...]]] = [(root, ())]
    visited: set[int] = set()
    while pending:
        node, loc = pending.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first_line: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                if isinstance(key_node, yaml.ScalarNode) and key in first_line:
                    raise YamlSyntaxError(
                        path,
                        key_node.start_mark.line + 1,
                        f"duplicate key '{key}' (first given on line {first_line[key]})",
                        field=format_loc((*loc, key)),
                    )
                first_line.setdefault(key, key_node.start_mark.line + 1)
                pending.append((value_node, (*loc, key)))
        elif isinstance(node, yaml.SequenceNode):
            pending.extend((item, (*loc, index)) for index, item in enumerate(node.value))


def read_yaml(path: Path) -> YamlDocument:
    """Parse once into both plain data and the node tree that carries positions."""
    text = _read_text(path)
    _check_shape(path, text)
    loader = _LOADER(text)
    root: yaml.Node | None = None
    try:
        root = loader.get_single_node()
        if root is not None:
            _check_duplicate_keys(path, root)
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
