"""Settings declared once (issue 14 part 9): environment > file > default, checked, documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from regioatlas import settings
from regioatlas.cli import main
from regioatlas.model.errors import BadInput

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def config(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "regioatlas.toml"
    monkeypatch.setenv("REGIOATLAS_CONFIG", str(path))
    for setting in settings.SETTINGS.values():
        monkeypatch.delenv(setting.env, raising=False)
    return path


def test_environment_beats_the_file_which_beats_the_default(config, monkeypatch):
    assert settings.get_int("workers") == 1 and settings.get("auth") == "public"
    config.write_text('workers = 3\nauth = "viewer"\nstore = "duckdb:///srv/atlas.duckdb"\n')
    assert settings.get_int("workers") == 3
    assert settings.get("auth") == "viewer"
    assert settings.get("store") == "duckdb:///srv/atlas.duckdb"
    monkeypatch.setenv("REGIOATLAS_WORKERS", "5")
    assert settings.get_int("workers") == 5
    assert settings.get("auth") == "viewer"  # others still from the file


def test_the_default_file_is_in_the_users_config_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("REGIOATLAS_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert settings.config_path() == tmp_path / "regioatlas" / "regioatlas.toml"
    (tmp_path / "regioatlas").mkdir()
    settings.config_path().write_text("upload_max_bytes = 1000\n")
    assert settings.get_int("upload_max_bytes") == 1000


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("workers = \n", "not TOML"),
        ("wrokers = 2\n", "unknown setting(s) wrokers"),
        ('workers = "many"\n', "key 'workers': 'many' is not a whole number"),
        ("workers = 0\n", "key 'workers': 0 is below the minimum 1"),
        ('auth = "everyone"\n', "key 'auth': 'everyone' is not one of public, viewer"),
    ],
)
def test_a_bad_file_is_an_error_naming_file_and_key(config, text, words):
    config.write_text(text)
    with pytest.raises(BadInput) as caught:
        settings.get_int("workers") if "auth" not in text else settings.get("auth")
    assert words in str(caught.value) and str(config) in str(caught.value)


def test_a_bad_environment_value_names_the_variable(config, monkeypatch):
    monkeypatch.setenv("REGIOATLAS_UPLOAD_MAX_BYTES", "lots")
    with pytest.raises(BadInput, match="REGIOATLAS_UPLOAD_MAX_BYTES: 'lots' is not a whole"):
        settings.get_int("upload_max_bytes")


def test_the_cli_says_what_is_wrong_with_the_settings_file(config):
    config.write_text("wrokers = 2\n")
    done = CliRunner().invoke(main, ["token", "list"])
    assert done.exit_code != 0 and "error:" in done.stderr and "wrokers" in done.stderr


def test_an_unreachable_store_names_host_and_port():
    done = CliRunner().invoke(
        main, ["token", "list", "--store", "postgresql://atlas@127.0.0.1:9/atlas"]
    )
    assert done.exit_code == 5
    assert "error: cannot reach PostgreSQL at 127.0.0.1:9" in done.stderr


@pytest.mark.parametrize("doc", ["README.md", "docs/deploy.md"])
def test_every_setting_is_documented(doc):
    text = (ROOT / doc).read_text()
    assert [
        s.env for s in settings.SETTINGS.values() if s.env not in text
    ] == [] or doc != "README.md"
    server = (
        "store",
        "workers",
        "auth",
        "upload_max_bytes",
        "auth_max_failures",
        "auth_failure_window",
    )
    assert [
        n for n in server if f"`{n}`" not in text and settings.SETTINGS[n].env not in text
    ] == []


def test_the_docs_check_can_fail(monkeypatch):
    monkeypatch.setitem(
        settings.SETTINGS,
        "secret_knob",
        settings.Setting("secret_knob", "REGIOATLAS_KNOB", "1", "x"),
    )
    readme = (ROOT / "README.md").read_text()
    assert [s.env for s in settings.SETTINGS.values() if s.env not in readme] == ["REGIOATLAS_KNOB"]
