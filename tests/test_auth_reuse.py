"""A found token is reused for at most ``TOKEN_REUSE_S``: revocations still take effect."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from regioatlas.api import auth
from regioatlas.model.errors import Unauthorized
from regioatlas.store import open_store


def test_a_revocation_here_is_at_once_and_elsewhere_within_the_reuse_time(tmp_path):
    url = f"duckdb://{tmp_path / 'a.duckdb'}"
    with open_store(url) as store:
        alice = auth.create_token(store, "alice", "editor")
        bob = auth.create_token(store, "bob", "editor")
        assert auth.authenticate(store, f"Bearer {alice}").name == "alice"
        assert auth.authenticate(store, f"Bearer {bob}").name == "bob"
        auth.revoke_token(store, "alice")  # this process: at once
        with pytest.raises(Unauthorized):
            auth.authenticate(store, f"Bearer {alice}")
        # another process (the CLI beside a running server) revokes bob
        code = (
            "import sys\nfrom regioatlas.api.auth import revoke_token\n"
            "from regioatlas.store import open_store\n"
            "with open_store(sys.argv[1]) as s:\n    revoke_token(s, 'bob')"
        )
        subprocess.run([sys.executable, "-c", code, url], check=True)
        time.sleep(auth.TOKEN_REUSE_S + 0.05)
        with pytest.raises(Unauthorized):
            auth.authenticate(store, f"Bearer {bob}")
