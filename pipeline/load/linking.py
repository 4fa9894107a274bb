"""Linking new and revised articles to their originals (runs in the link step, ``link``).

Every duplicate cluster has one original, the row whose ``duplicate_of`` is NULL; all
other members point straight at it (no chains) with ``similarity`` = the exact
Jaccard of their shingles with the original's (1.0 for exact duplicates). The
original is the earliest published member; an unknown date counts as later than any
known one; ties go to the member seen first, then to the lower ``article_id``.

A revised article is first unlinked (``unlink``): it leaves its cluster, or, when it was
the original, its members are set free and linked again. For each changed article, in
the order above, its candidates (any equal LSH band, which exact duplicates share in all
of them: equal content hashes mean equal normalised bodies, so equal shingles,
signatures and buckets; the link step finds them) are verified with the exact Jaccard;
if the best one reaches the threshold, the article's cluster and the candidate's cluster
are merged under the earlier of their two originals. A member joined through another
member may be less similar to the original than the threshold; its ``similarity`` shows
it. When a stored article's publication date changes, its cluster's original is chosen
again (``reroot``). Bodies without words are never linked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import psycopg

from pipeline.dedup.shingles import jaccard, shingle_hashes

_NODES = """
SELECT article_id, published_at, first_seen_at, duplicate_of, similarity, content_hash
FROM warehouse.articles WHERE article_id = ANY(%s)
"""
_MEMBERS = """
SELECT article_id, published_at, first_seen_at, duplicate_of, similarity, content_hash
FROM warehouse.articles WHERE duplicate_of = ANY(%s)
"""
_BODIES = "SELECT article_id, body FROM warehouse.articles WHERE article_id = ANY(%s)"


@dataclass(slots=True)
class Node:
    article_id: int
    published_at: datetime | None
    first_seen_at: datetime
    duplicate_of: int | None
    similarity: float | None
    content_hash: str
    original: tuple[int | None, float | None] = (None, None)
    """(duplicate_of, similarity) as read from the database."""

    @property
    def order(self) -> tuple[bool, datetime, datetime, int]:
        """Sort key: earliest published first, unknown dates last, then first seen."""
        return (
            self.published_at is None,
            self.published_at or self.first_seen_at,
            self.first_seen_at,
            self.article_id,
        )

    @property
    def changed(self) -> bool:
        return (self.duplicate_of, self.similarity) != self.original


class Linker:
    """Cluster state for one load; reads rows on demand, writes nothing itself."""

    def __init__(
        self,
        conn: psycopg.Connection,
        threshold: float,
        bodies: dict[int, str],
        new: Iterable[int] = (),
    ):
        """``bodies``: the bodies of the batch's changed articles, by id (shingled only
        when an article has candidates; other bodies are read when needed). ``new``:
        the ids of rows this load inserted, which no stored row can point at yet."""
        self.conn = conn
        self.threshold = threshold
        self.nodes: dict[int, Node] = {}
        self.bodies = bodies
        self.shingles: dict[int, np.ndarray] = {}
        self._members_loaded: set[int] = set(new)
        self._pointing: dict[int, set[int]] = {}
        """Original -> ids that pointed at it at some time (a superset of its members:
        ``members`` checks), so finding members needs no scan of every node."""

    # --- reading ---------------------------------------------------------------
    def _add(self, rows: Iterable[tuple[Any, ...]]) -> None:
        for article_id, published, first_seen, dup, sim, chash in rows:
            if article_id not in self.nodes:
                self.nodes[article_id] = Node(
                    article_id, published, first_seen, dup, sim, chash, original=(dup, sim)
                )
                if dup is not None:
                    self._pointing.setdefault(dup, set()).add(article_id)

    def load(self, ids: Iterable[int]) -> None:
        missing = [i for i in set(ids) if i not in self.nodes]
        if missing:
            self._add(self.conn.execute(_NODES, (missing,)))

    def _shingles(self, ids: Iterable[int]) -> None:
        missing = [i for i in set(ids) if i not in self.shingles]
        for article_id in [i for i in missing if i in self.bodies]:
            self.shingles[article_id] = shingle_hashes(self.bodies[article_id])
        unread = [i for i in missing if i not in self.shingles]
        if unread:
            for article_id, body in self.conn.execute(_BODIES, (unread,)):
                self.shingles[article_id] = shingle_hashes(body)

    def load_members(self, roots: Iterable[int]) -> None:
        """Read the stored members of ``roots`` (one query for all not read yet)."""
        missing = [r for r in set(roots) if r not in self._members_loaded]
        if missing:
            self._add(self.conn.execute(_MEMBERS, (missing,)))
            self._members_loaded.update(missing)

    def members(self, root: int) -> list[Node]:
        """Every node pointing at ``root`` (loading them from the database once)."""
        self.load_members([root])
        pointing = (self.nodes[i] for i in sorted(self._pointing.get(root, ())))
        return [n for n in pointing if n.duplicate_of == root]

    def root(self, node: Node) -> Node:
        if node.duplicate_of is None:
            return node
        self.load([node.duplicate_of])
        return self.nodes[node.duplicate_of]

    # --- changing ----------------------------------------------------------------
    def _point(self, members: list[Node], root: Node) -> None:
        self._shingles([m.article_id for m in members] + [root.article_id])
        root.duplicate_of, root.similarity = None, None
        for member in members:
            if member is root:
                continue
            member.duplicate_of = root.article_id
            self._pointing.setdefault(root.article_id, set()).add(member.article_id)
            # Rounded to float4 as stored, so an unchanged link reads back equal.
            member.similarity = float(
                np.float32(
                    jaccard(self.shingles[member.article_id], self.shingles[root.article_id])
                )
            )

    def unlink(self, article_id: int) -> list[int]:
        """Undo the links a revision of ``article_id`` may have invalidated.

        A revised duplicate becomes its own original again; a revised original's
        members all become originals again. Returns the members, which must be linked
        again (``link``) together with the revised article.
        """
        self.load([article_id])
        node = self.nodes[article_id]
        if node.duplicate_of is not None:
            node.duplicate_of, node.similarity = None, None
            return []
        members = self.members(article_id)
        for member in members:
            member.duplicate_of, member.similarity = None, None
        return [m.article_id for m in members]

    def reroot(self, article_id: int) -> None:
        """Make the earliest member of ``article_id``'s cluster its original again
        (after a publication date changed)."""
        self.load([article_id])
        root = self.root(self.nodes[article_id])
        everyone = [root, *self.members(root.article_id)]
        earliest = min(everyone, key=lambda n: n.order)
        if earliest is not root:
            self._point(everyone, earliest)

    def merge(self, first: Node, second: Node) -> None:
        """One cluster of the clusters of originals ``first`` and ``second``."""
        everyone = [
            first,
            second,
            *self.members(first.article_id),
            *self.members(second.article_id),
        ]
        self._point(everyone, min((first, second), key=lambda n: n.order))

    def link(self, changed: list[int], candidate_pairs: Iterable[tuple[int, int]]) -> None:
        """Link every article in ``changed`` (ids of new or revised rows), see module;
        ``candidate_pairs``: (an id of ``changed``, an article sharing an LSH bucket with
        it), other pairs are ignored."""
        pairs: dict[int, set[int]] = {i: set() for i in changed}
        for article_id, candidate in candidate_pairs:
            if article_id in pairs and candidate != article_id:
                pairs[article_id].add(candidate)
        # Articles without candidates stay as they are: their rows need not be read.
        self.load(
            [i for i, cands in pairs.items() if cands] + [c for cs in pairs.values() for c in cs]
        )
        # Band rows have no foreign key (migration 0012): those of an article deleted by
        # hand name an id that no longer exists, which ``load`` did not find.
        pairs = {i: {c for c in cands if c in self.nodes} for i, cands in pairs.items()}
        # The clusters a merge may touch, read in a few queries instead of one each.
        candidates = [self.nodes[c] for cands in pairs.values() for c in cands]
        self.load(n.duplicate_of for n in candidates if n.duplicate_of is not None)
        self.load_members(n.duplicate_of or n.article_id for n in candidates)
        with_candidates = [i for i in changed if pairs[i]]
        self._shingles([c for i in with_candidates for c in pairs[i]] + with_candidates)
        for article_id in sorted(with_candidates, key=lambda i: self.nodes[i].order):
            node = self.nodes[article_id]
            mine = self.shingles[article_id]
            if mine.size == 0:
                continue
            verified = []
            for other_id in pairs[article_id]:
                other, theirs = self.nodes[other_id], self.shingles[other_id]
                if theirs.size == 0:
                    continue
                same = other.content_hash == node.content_hash
                similarity = 1.0 if same else jaccard(mine, theirs)
                if similarity >= self.threshold:
                    verified.append((-similarity, other.order, other))
            if not verified:
                continue
            best = min(verified, key=lambda v: v[:2])
            mine_root, their_root = self.root(node), self.root(best[2])
            if mine_root.article_id != their_root.article_id:
                self.merge(mine_root, their_root)

    def changes(self) -> list[tuple[int, int | None, float | None]]:
        """(article_id, duplicate_of, similarity) of every row whose link changed."""
        return [
            (n.article_id, n.duplicate_of, n.similarity) for n in self.nodes.values() if n.changed
        ]


_CREATE_CHANGES = """
CREATE TEMP TABLE link_changes (
    article_id      bigint PRIMARY KEY,
    duplicate_of    bigint,
    similarity      real
) ON COMMIT DROP
"""
_COPY_CHANGES = (
    "COPY link_changes (article_id, duplicate_of, similarity) FROM STDIN (FORMAT BINARY)"
)
_SET_LINKS = """
UPDATE warehouse.articles a
SET duplicate_of = c.duplicate_of, similarity = c.similarity, updated_at = now(), run_id = %s
FROM link_changes c WHERE a.article_id = c.article_id
"""


def write_links(
    conn: psycopg.Connection, changes: list[tuple[int, int | None, float | None]], run_id: int
) -> None:
    """Store the changed links from ``Linker.changes`` (one COPY, one UPDATE, in the
    transaction ``conn`` has open); the rows get ``run_id``."""
    if not changes:
        return
    conn.execute(_CREATE_CHANGES)
    with conn.cursor() as cur:
        with cur.copy(_COPY_CHANGES) as copy:
            copy.set_types(["int8", "int8", "float4"])
            for change in sorted(changes):
                copy.write_row(change)
        cur.execute(_SET_LINKS, (run_id,))
        cur.execute("DROP TABLE link_changes")
