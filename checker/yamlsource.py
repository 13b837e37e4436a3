"""Read YAML keeping the line of every key, so problems can be reported as file:line: key.path."""

import yaml

from . import limits


class YamlError(Exception):
    """A YAML file that cannot be read; `line` is 1-based (0 when unknown)."""

    def __init__(self, path, line, message):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = str(path), line, message


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings (JSON has no date type) and refuses duplicate keys."""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except ValueError as exc:  # a value that cannot be built (e.g. !!timestamp 2022-99-99): name its line
            raise _Problem(node.start_mark.line + 1, f"invalid value: {limits.shorten(exc, 120)}") from None


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_INT_TAG = "tag:yaml.org,2002:int"
_MAX_DIGITS = 100  # no count in the policy data or an answers file is longer; int() would refuse > 4,300 digits


class _Problem(Exception):
    def __init__(self, line, message):
        super().__init__(message)
        self.line, self.message = line, message


def _lines(root, out):
    """Record the 1-based line of every mapping key and sequence item, walking the node graph iteratively.

    Bounded: at most MAX_YAML_NODES nodes, aliases counted as often as they are used (an "alias bomb" of a few
    hundred bytes would otherwise expand to billions), MAX_DEPTH levels, no alias inside itself, plain keys only,
    and integers of at most _MAX_DIGITS digits. Raises _Problem naming the line."""
    budget = limits.MAX_YAML_NODES
    on_path = set()  # ids of the nodes enclosing the current one: an alias among them is a loop
    stack = [(root, (), False)]
    while stack:
        node, path, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            continue
        line = node.start_mark.line + 1
        budget -= 1
        if budget < 0:
            raise _Problem(line, f"more than {limits.MAX_YAML_NODES} values (with aliases expanded); "
                                 "write the values out instead of using &anchors and *aliases")
        if len(path) > limits.MAX_DEPTH:
            raise _Problem(line, f"nested more than {limits.MAX_DEPTH} levels deep")
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _INT_TAG and len(node.value) > _MAX_DIGITS:
                raise _Problem(line, f"a number of more than {_MAX_DIGITS} digits")
            continue
        if id(node) in on_path:
            raise _Problem(line, "an alias (*name) refers to a value that contains it (a loop)")
        on_path.add(id(node))
        stack.append((node, path, True))
        children = []
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Problem(key_line, "a key must be plain text, not a list or a mapping")
                key = key_node.value
                if key in seen:
                    raise _Duplicate(key_line, ".".join(map(str, path + (key,))))
                seen.add(key)
                out[path + (key,)] = key_line
                children.append((value_node, path + (key,), False))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                out[path + (index,)] = item.start_mark.line + 1
                children.append((item, path + (index,), False))
        stack.extend(reversed(children))


class _Duplicate(Exception):
    def __init__(self, line, key_path):
        super().__init__(key_path)
        self.line, self.key_path = line, key_path


def load_text(text, path="<text>"):
    """Parse YAML text into (data, lines) where lines maps key paths (tuples) to 1-based line numbers.

    Hostile input gives a YamlError naming the line, never another exception: see _lines for the bounds."""
    if len(text) > limits.MAX_YAML_CHARS:
        raise YamlError(path, 0, f"too large ({len(text)} characters; at most {limits.MAX_YAML_CHARS})")
    try:
        loader = _Loader(text)  # it checks every character first: NUL, a form feed or a vertical tab is refused here
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise YamlError(path, line, f"a character YAML does not allow (U+{exc.character:04X}) at column "
                                    f"{exc.position - text.rfind(chr(10), 0, exc.position)}: remove it") from None
    try:
        node = loader.get_single_node()  # compose only; the values are built below, once the graph is checked
        lines = {(): 1}
        if node is not None:
            _lines(node, lines)
        data = loader.construct_document(node) if node is not None else None
    except _Duplicate as dup:
        raise YamlError(path, dup.line, f"duplicate key '{dup.key_path}'") from None
    except _Problem as problem:
        raise YamlError(path, problem.line, problem.message) from None
    except RecursionError:  # PyYAML composes nested collections recursively
        raise YamlError(path, loader.get_mark().line + 1, f"nested more than {limits.MAX_DEPTH} levels deep") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        column = f", column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(path, line, f"invalid YAML{column}: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(path, 0, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return data, lines


def load_file(path):
    """Read and parse a UTF-8 YAML file; see load_text."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError as exc:
        raise YamlError(path, 0, f"not UTF-8 text: {exc.reason}") from None
    except OSError as exc:
        raise YamlError(path, 0, f"cannot read: {exc.strerror}") from None
    return load_text(text, path)


def line_of(lines, path):
    """The line of the nearest recorded ancestor of a key path."""
    path = tuple(path)
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)
