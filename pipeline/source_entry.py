"""One source's mapping in the sources file, read with errors that name the file, the
line, the source and the field (``sources.yaml:7: source 'x': field 'max_pages' ...``).

The YAML is composed, not loaded, so every value keeps the line it came from; scalars
are converted with the safe loader's rules, and list and map fields are read here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from pipeline.errors import SourcesFileError

NAME_PATTERN = re.compile(r"^[a-z0-9_-]+$")
"""What a source name may be made of."""


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One source's mapping in the file: its name and fields, for errors with a line."""

    origin: str
    node: yaml.MappingNode
    name: str
    fields: dict[str, tuple[yaml.Node, yaml.Node]]

    @classmethod
    def of(cls, node: yaml.Node, origin: str, known_fields: Sequence[str]) -> SourceEntry:
        """The entry of ``node``; ``SourcesFileError`` unless it is a mapping with a valid
        name and only ``known_fields``."""
        if not isinstance(node, yaml.MappingNode):
            raise SourcesFileError(f"{origin}:{line_of(node)}: each source must be a mapping")
        fields = mapping(node)
        name_entry = fields.get("name")
        if name_entry is None:
            raise SourcesFileError(f"{origin}:{line_of(node)}: source is missing the field 'name'")
        name = scalar(name_entry[1])
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise SourcesFileError(
                f"{origin}:{line_of(name_entry[1])}: field 'name' must match [a-z0-9_-]+, "
                f"got {name!r}"
            )
        for key, (key_node, _) in fields.items():
            if key not in known_fields:
                raise SourcesFileError(
                    f"{origin}:{line_of(key_node)}: source '{name}': unknown field '{key}'; "
                    f"known fields: {', '.join(known_fields)}"
                )
        return cls(origin, node, name, fields)

    def value(self, field: str, default: Any = None) -> Any:
        """The scalar value of ``field`` (other nodes as is), ``default`` when absent."""
        return scalar(self.fields[field][1]) if field in self.fields else default

    def fail(self, field: str, message: str) -> SourcesFileError:
        """The error for ``field``, located at its value (else at the source)."""
        line = line_of(self.fields[field][1]) if field in self.fields else line_of(self.node)
        return SourcesFileError(
            f"{self.origin}:{line}: source '{self.name}': field '{field}' {message}"
        )


def string_list(entry: SourceEntry, field: str) -> tuple[str, ...]:
    """A list field: absent or empty (``field:``) is ``()``."""
    if field not in entry.fields:
        return ()
    value_node = entry.fields[field][1]
    if isinstance(value_node, yaml.ScalarNode) and scalar(value_node) is None:
        return ()
    if not isinstance(value_node, yaml.SequenceNode):
        raise entry.fail(field, "must be a list")
    items = [scalar(item) for item in value_node.value]
    if not all(isinstance(item, str) and item for item in items):
        raise entry.fail(field, "must be a list of non-empty strings")
    return tuple(items)


def string_map(entry: SourceEntry, field: str) -> list[tuple[str, str, int]]:
    """A map of names to scalar values as (name, value, line); absent or empty is ``[]``.
    Values are taken as written (``consent: yes`` is the text ``yes``, not a boolean)."""
    if field not in entry.fields:
        return []
    value_node = entry.fields[field][1]
    if isinstance(value_node, yaml.ScalarNode) and scalar(value_node) is None:
        return []
    if not isinstance(value_node, yaml.MappingNode):
        raise entry.fail(field, "must be a map of names to values, e.g. {consent: 'yes'}")
    pairs = []
    for key_node, item in value_node.value:
        if not isinstance(item, yaml.ScalarNode) or scalar(item) is None:
            raise SourcesFileError(
                f"{entry.origin}:{line_of(key_node)}: source '{entry.name}': field '{field}' "
                f"gives {str(key_node.value)!r} no single value"
            )
        pairs.append((str(key_node.value), str(item.value), line_of(key_node)))
    return pairs


def mapping(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {str(key.value): (key, value) for key, value in node.value}


def scalar(node: yaml.Node) -> Any:
    """The Python value of a scalar node (int, float, bool, str, None); other nodes as is."""
    if not isinstance(node, yaml.ScalarNode):
        return node
    return yaml.SafeLoader("").construct_object(node)


def line_of(node: yaml.Node) -> int:
    """The 1-based line of the file where ``node`` starts."""
    return node.start_mark.line + 1
