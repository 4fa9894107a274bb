"""Reading newsflow's schemas (relations, columns, indexes, comments) from the catalog.

Relations, columns, indexes and functions come with their ``COMMENT ON`` texts. What
this returns depends only on the migrations applied, never on the data, the database
name, owners or grants, so two freshly migrated databases give equal results
(``docs/schema.md`` is rendered from it and checked in).
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

DOCUMENTED_SCHEMAS = ("analytics", "warehouse")
"""Schemas described in docs/schema.md, analyst-facing first."""

_KINDS = {"r": "table", "p": "table", "v": "view", "m": "materialized view"}

_SCHEMAS = """
SELECT n.nspname, obj_description(n.oid, 'pg_namespace')
FROM pg_namespace n WHERE n.nspname = ANY(%(schemas)s)
"""

_RELATIONS = """
SELECT n.nspname, c.relname, c.relkind, obj_description(c.oid, 'pg_class')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p', 'v', 'm')
ORDER BY n.nspname, c.oid
"""

_COLUMNS = """
SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
       a.attnotnull, a.attgenerated <> '', a.attidentity <> '',
       pg_get_expr(d.adbin, d.adrelid), col_description(c.oid, a.attnum)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p', 'v', 'm')
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY n.nspname, c.relname, a.attnum
"""

# The part of the definition after "USING": "btree (source, published_at)".
_INDEXES = """
SELECT n.nspname, t.relname, i.relname, ix.indisunique, ix.indisprimary,
       regexp_replace(pg_get_indexdef(ix.indexrelid), '^.* USING ', ''),
       obj_description(i.oid, 'pg_class')
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = ANY(%(schemas)s)
ORDER BY n.nspname, t.relname, i.relname
"""

_FUNCTIONS = """
SELECT n.nspname, p.proname, pg_get_function_arguments(p.oid),
       pg_get_function_result(p.oid), obj_description(p.oid, 'pg_proc')
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = ANY(%(schemas)s)
ORDER BY n.nspname, p.proname, pg_get_function_arguments(p.oid)
"""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    not_null: bool
    default: str | None
    """The default expression; None for generated and identity columns."""
    generated: bool
    """A stored generated column (computed from other columns, never written)."""
    identity: bool
    comment: str | None


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    unique: bool
    primary: bool
    definition: str
    """Method and key, e.g. ``btree (source, published_at)``."""
    comment: str | None


@dataclass(frozen=True, slots=True)
class Relation:
    schema: str
    name: str
    kind: str
    """``table``, ``view`` or ``materialized view``."""
    comment: str | None
    columns: tuple[Column, ...]
    indexes: tuple[Index, ...]

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True, slots=True)
class Function:
    schema: str
    name: str
    arguments: str
    result: str
    comment: str | None


@dataclass(frozen=True, slots=True)
class Schema:
    name: str
    comment: str | None
    relations: tuple[Relation, ...]
    functions: tuple[Function, ...]


def read_catalog(
    conn: psycopg.Connection, schemas: tuple[str, ...] = DOCUMENTED_SCHEMAS
) -> list[Schema]:
    """The ``schemas`` that exist in the database, in the order given."""
    params = {"schemas": list(schemas)}
    schema_comments: dict[str, str | None] = dict(conn.execute(_SCHEMAS, params).fetchall())
    columns: dict[tuple[str, str], list[Column]] = {}
    for nsp, rel, *fields in conn.execute(_COLUMNS, params):
        name, type_, not_null, generated, identity, default, comment = fields
        columns.setdefault((nsp, rel), []).append(
            Column(
                name,
                type_,
                not_null,
                None if generated or identity else default,
                generated,
                identity,
                comment,
            )
        )
    indexes: dict[tuple[str, str], list[Index]] = {}
    for nsp, rel, *fields in conn.execute(_INDEXES, params):
        indexes.setdefault((nsp, rel), []).append(Index(*fields))
    relations: dict[str, list[Relation]] = {}
    for nsp, rel, kind, comment in conn.execute(_RELATIONS, params):
        relations.setdefault(nsp, []).append(
            Relation(
                nsp,
                rel,
                _KINDS[kind],
                comment,
                tuple(columns.get((nsp, rel), ())),
                tuple(indexes.get((nsp, rel), ())),
            )
        )
    functions: dict[str, list[Function]] = {}
    for nsp, *fields in conn.execute(_FUNCTIONS, params):
        functions.setdefault(nsp, []).append(Function(nsp, *fields))
    return [
        Schema(
            name,
            schema_comments[name],
            tuple(relations.get(name, ())),
            tuple(functions.get(name, ())),
        )
        for name in schemas
        if name in schema_comments
    ]


def undocumented(schemas: list[Schema]) -> list[str]:
    """Names of schemas, relations, columns and functions that have no comment."""
    missing: list[str] = []
    for schema in schemas:
        if not schema.comment:
            missing.append(f"schema {schema.name}")
        for relation in schema.relations:
            if not relation.comment:
                missing.append(f"{relation.kind} {relation.qualified_name}")
            missing.extend(
                f"column {relation.qualified_name}.{column.name}"
                for column in relation.columns
                if not column.comment
            )
        missing.extend(
            f"function {f.schema}.{f.name}({f.arguments})"
            for f in schema.functions
            if not f.comment
        )
    return missing
