"""Read YAML keeping the line of every key, so problems can be reported as file:line: key.path."""

import yaml


class YamlError(Exception):
    """A YAML file that cannot be read; `line` is 1-based (0 when unknown)."""

    def __init__(self, path, line, message):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = str(path), line, message


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings (JSON has no date type) and refuses duplicate keys."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _lines(node, path, out):
    """Record the 1-based line of every mapping key and sequence item below `node`."""
    if isinstance(node, yaml.MappingNode):
        seen = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                raise _Duplicate(key_node.start_mark.line + 1, ".".join(map(str, path + (key,))))
            seen[key] = True
            out[path + (key,)] = key_node.start_mark.line + 1
            _lines(value_node, path + (key,), out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[path + (index,)] = item.start_mark.line + 1
            _lines(item, path + (index,), out)


class _Duplicate(Exception):
    def __init__(self, line, key_path):
        super().__init__(key_path)
        self.line, self.key_path = line, key_path


def load_text(text, path="<text>"):
    """Parse YAML text into (data, lines) where lines maps key paths (tuples) to 1-based line numbers."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        lines = {(): 1}
        if node is not None:
            _lines(node, (), lines)
        data = yaml.load(text, Loader=_Loader)
    except _Duplicate as dup:
        raise YamlError(path, dup.line, f"duplicate key '{dup.key_path}'") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        column = f", column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(path, line, f"invalid YAML{column}: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(path, 0, f"invalid YAML: {exc}") from None
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
