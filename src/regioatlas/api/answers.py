"""Answers kept per data version: a repeated question costs a dictionary look-up.

The key of every answer starts with ``Store.data_version()``, so an answer is never served
after a write changed the data: the first question asked under a new version finds nothing
kept for it and the answers of older versions are dropped.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import astuple
from typing import Any

from regioatlas.model.query import ProjectFilter


class AnswerCache:
    """The most recently used answers of one data version (thread-safe).

    Example
    -------
    >>> cache = AnswerCache(2)
    >>> cache.get("v1", ("x",), lambda: [1, 2])
    [1, 2]
    >>> cache.get("v1", ("x",), lambda: "not computed again")
    [1, 2]
    >>> cache.get("v2", ("x",), lambda: [3])
    [3]
    """

    def __init__(self, size: int = 512):
        self.size = size
        self._version: str | None = None
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: str, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The kept answer of ``key`` under ``version``, else ``compute()`` kept and returned.

        Callers must not change what they get: the same object answers later questions.
        """
        with self._lock:
            if version == self._version and key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        answer = compute()  # outside the lock: other questions are answered meanwhile
        with self._lock:
            if version != self._version:
                self._version, self._answers = version, OrderedDict()
            self._answers[key] = answer
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return answer


def filter_key(flt: ProjectFilter) -> tuple:
    """A hashable key of a filter; the order of values in a list does not matter.

    Example
    -------
    >>> filter_key(ProjectFilter(countries=["FI", "AT"])) == filter_key(
    ...     ProjectFilter(countries=["AT", "FI"]))
    True
    """
    return tuple(tuple(sorted(v)) if isinstance(v, list) else v for v in astuple(flt))
