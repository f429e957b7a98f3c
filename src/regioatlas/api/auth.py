"""Accounts: API tokens with roles, checked from the ``Authorization: Bearer`` header.

Framework-neutral: the web layer (``web/auth.py``) calls :func:`authenticate` and
:func:`require`; the CLI calls :func:`create_token`, :func:`revoke_token` and
:func:`list_tokens`. A token is shown once, when created; the store keeps its SHA-256 only
(a token is 32 random bytes, so a fast hash cannot be brute-forced and needs no salt).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime

from regioatlas.model.errors import BadInput, Forbidden, TooManyRequests, Unauthorized
from regioatlas.store.base import Store

#: the roles, least to most allowed: each may do what the ones before it may
ROLES = ("viewer", "editor", "reviewer", "admin")
#: every token starts with this, so a leaked one is easy to recognise (secret scanners)
TOKEN_PREFIX = "ra_"
TOKEN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


@dataclass(frozen=True)
class Principal:
    """Who makes a request: the token's name and role.

    Example
    -------
    >>> Principal("alice", "editor").may("viewer")
    True
    """

    name: str
    role: str

    def may(self, role: str) -> bool:
        """True when this principal's role is ``role`` or above it."""
        return ROLES.index(self.role) >= ROLES.index(check_role(role))


def check_role(role: str) -> str:
    """``role`` if it is one of :data:`ROLES`, else BadInput naming them.

    Example
    -------
    >>> check_role("editor")
    'editor'
    """
    if role not in ROLES:
        raise BadInput(f"unknown role {role!r}; one of {', '.join(ROLES)}", parameter="role")
    return role


def hash_token(token: str) -> str:
    """The SHA-256 (hex) a token is kept by.

    Example
    -------
    >>> len(hash_token("ra_example"))
    64
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: Store, name: str, role: str, now: datetime | None = None) -> str:
    """Create a token for ``name`` with ``role`` and return it: the only time it is seen.

    Raises BadInput for an unknown role or a name that is not 1-64 letters, digits or
    ``_.@-``; Conflict when a token has had that name (names are never reused).

    Example
    -------
    >>> from regioatlas.store import open_store
    >>> store = open_store("duckdb://:memory:")
    >>> create_token(store, "alice", "editor").startswith("ra_")
    True
    """
    check_role(role)
    if not TOKEN_NAME.match(name):
        raise BadInput(
            f"token name {name!r}: 1-64 letters, digits or _.@- (starting with a letter or digit)",
            parameter="name",
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    store.add_token(name, role, hash_token(token), now or datetime.now(UTC))
    return token


def revoke_token(store: Store, name: str, now: datetime | None = None) -> None:
    """Revoke the token ``name`` (NotFound when there is no unrevoked one).

    Example
    -------
    >>> revoke_token(store, "alice")  # doctest: +SKIP
    """
    store.revoke_token(name, now or datetime.now(UTC))
    for key, (_, principal) in list(_recent_lookups.items()):
        if key[0] == store.url and principal.name == name:
            _recent_lookups.pop(key, None)


def list_tokens(store: Store) -> list[dict]:
    """Every token: name, role, created_at, revoked_at (never the token or its hash).

    Example
    -------
    >>> [t["name"] for t in list_tokens(store)]  # doctest: +SKIP
    ['alice']
    """
    return store.tokens()


def bearer_token(header_value: str | None) -> str:
    """The token of an ``Authorization: Bearer TOKEN`` header; Unauthorized when there is none.

    Example
    -------
    >>> bearer_token("Bearer ra_abc")
    'ra_abc'
    """
    if not header_value:
        raise Unauthorized(
            "this needs an API token: send it as `Authorization: Bearer TOKEN` "
            "(`regioatlas token create` makes one)",
            parameter="Authorization",
        )
    scheme, _, token = header_value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "the Authorization header must be `Bearer TOKEN`", parameter="Authorization"
        )
    return token.strip()


def authenticate(store: Store, header_value: str | None) -> Principal:
    """The principal of an ``Authorization`` header value.

    Raises Unauthorized when the header is missing or malformed, or the token is unknown or
    revoked (one message for both: the answer does not say which names exist).

    Example
    -------
    >>> token = create_token(store, "bob", "viewer")  # doctest: +SKIP
    >>> authenticate(store, f"Bearer {token}")  # doctest: +SKIP
    Principal(name='bob', role='viewer')
    """
    digest = hash_token(bearer_token(header_value))
    known = _recent(store, digest)
    if known is not None:
        return known
    row = store.token_by_hash(digest)
    # the lookup is by hash, so its timing says nothing about the token; compare anyway in
    # constant time so that no future lookup can leak a prefix
    if row is None or not hmac.compare_digest(row["token_sha256"], digest):
        raise Unauthorized("unknown or revoked API token", parameter="Authorization")
    principal = Principal(row["name"], row["role"])
    if len(_recent_lookups) > 10_000:  # bounded memory
        _recent_lookups.clear()
    _recent_lookups[(store.url, digest)] = (time.monotonic(), principal)
    return principal


def recently_authenticated(store: Store, header_value: str | None) -> Principal | None:
    """The principal of a token found in the store less than ``TOKEN_REUSE_S`` ago, else None
    (answered from memory: a caller on an event loop may ask without a thread)."""
    try:
        digest = hash_token(bearer_token(header_value))
    except Unauthorized:
        return None
    return _recent(store, digest)


def _recent(store: Store, digest: str) -> Principal | None:
    known = _recent_lookups.get((store.url, digest))
    if known is not None and time.monotonic() - known[0] < TOKEN_REUSE_S:
        return known[1]
    return None


#: how long, in seconds, a successful token lookup answers again without asking the store: a
#: lookup was one round trip of each write (an NGSI-LD creation is about ten). A revocation
#: in this process takes effect at once, one in another process (the CLI) within this time
TOKEN_REUSE_S = 1.0
#: (store URL, token hash) → (when looked up, its principal); only tokens that were found
_recent_lookups: dict[tuple[str, str], tuple[float, Principal]] = {}


def require(principal: Principal, role: str) -> Principal:
    """``principal`` if its role is ``role`` or above; Forbidden naming both otherwise.

    Example
    -------
    >>> require(Principal("alice", "admin"), "editor").name
    'alice'
    """
    if not principal.may(role):
        raise Forbidden(
            f"token {principal.name!r} has the role {principal.role}; this needs {role} "
            f"or above ({' < '.join(ROLES)})"
        )
    return principal


class FailedAttempts:
    """Failed token attempts per client address in a sliding window.

    Kept in the server process: with N workers a client makes at most N × ``limit`` failed
    attempts per window before every worker refuses it, a bound that stays correct without
    a write to the store on every request.

    Example
    -------
    >>> attempts = FailedAttempts(limit=2, window=60)
    >>> attempts.record("10.0.0.1"); attempts.record("10.0.0.1")
    >>> attempts.check("10.0.0.1")
    Traceback (most recent call last):
    ...
    regioatlas.model.errors.TooManyRequests: too many failed token attempts from 10.0.0.1; try again in 60 s
    """

    def __init__(self, limit: int, window: int, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str) -> deque[float]:
        times = self._seen.setdefault(client, deque())
        cutoff = self.clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        return times

    def record(self, client: str) -> None:
        """Count one failed attempt of ``client``."""
        with self._lock:
            self._recent(client).append(self.clock())
            if len(self._seen) > 10_000:  # forget clients with nothing recent (bounded memory)
                for key in [k for k, v in self._seen.items() if not self._recent(k)]:
                    del self._seen[key]

    def check(self, client: str) -> None:
        """TooManyRequests (with ``retry_after``) when ``client`` used up its attempts."""
        with self._lock:
            times = self._recent(client)
            if len(times) >= self.limit:
                wait = max(1, int(times[0] + self.window - self.clock() + 0.999))
                raise TooManyRequests(
                    f"too many failed token attempts from {client}; try again in {wait} s",
                    retry_after=wait,
                )
