"""What a project remembers: its saved values (choices, versions in use, tiers) and a bounded cache.

A project's collaborators share one :class:`ProjectState`: the values saved in the project's
database (or in memory for a project not saved yet), and one :class:`BoundedCache` for what is
derived from them (plans, training rows, inspections). The cache keeps the few most recent
entries of each kind, so a long Clean-page session, or a server that runs for weeks, does not
grow with every edit.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

from leadscore.jsonable import jsonable

__all__ = ["ProjectState", "BoundedCache"]


class BoundedCache:
    """A least-recently-used cache with a limit per kind of entry.

    Parameters
    ----------
    limits : mapping of str to int
        How many entries of each kind to keep ("plan": 16); kinds not named keep ``default``.
    default : int

    Example
    -------
    >>> cache = BoundedCache({"rows": 1})
    >>> cache.get("rows", ("a",), lambda: 1), cache.get("rows", ("b",), lambda: 2)
    (1, 2)
    >>> len(cache)
    1
    """

    def __init__(self, limits: dict[str, int] | None = None, default: int = 8):
        self._limits = dict(limits or {})
        self._default = default
        self._entries: dict[str, OrderedDict] = {}

    def get(self, kind: str, key: Hashable, make: Callable[[], object]):
        """The entry ``key`` of ``kind``, made (and kept) when missing."""
        entries = self._entries.setdefault(kind, OrderedDict())
        if key in entries:
            entries.move_to_end(key)
            return entries[key]
        value = make()
        entries[key] = value
        while len(entries) > self._limits.get(kind, self._default):
            entries.popitem(last=False)
        return value

    def peek(self, kind: str, key: Hashable):
        """The entry if kept, else None (does not make it)."""
        return self._entries.get(kind, {}).get(key)

    def drop(self, kind: str | None = None) -> None:
        """Forget every entry (of one kind)."""
        if kind is None:
            self._entries.clear()
        else:
            self._entries.pop(kind, None)

    def __len__(self) -> int:
        return sum(len(entries) for entries in self._entries.values())


class ProjectState:
    """The values a project saves, in its database when it has one, in memory otherwise.

    Parameters
    ----------
    values : dict
        What is known so far (``name``, ``data_name``, ...).
    db : ProjectDB, optional
    """

    def __init__(self, values: dict, db=None):
        self.values = dict(values)
        self.db = db
        self.cache = BoundedCache({"plan": 16, "suggested": 4, "inspection": 4, "rows": 2, "suggestion": 8, "bundle": 4})

    def get(self, key: str, default=None):
        return self.values.get(key, default)

    def save(self, **values) -> None:
        self.values.update(jsonable(values))
        if self.db is not None:
            self.db.set_meta(**values)

    def sync(self) -> None:
        """Read again what other sessions, processes or a finished training job saved."""
        if self.db is not None:
            self.values.update(self.db.meta())
