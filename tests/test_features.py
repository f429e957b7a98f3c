"""One feature registry: every feature's routes, pages, page script, CLI and datasets come from
its entry in ``regioatlas.features``; a broken feature stops the start-up."""

from __future__ import annotations

import importlib
import re

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from regioatlas import features as features_module
from regioatlas.demo import DEMO_DATASETS
from regioatlas.features import FEATURES, Feature, load_features
from regioatlas.plugins import Registry, load_target

#: a third-party feature: one route module (here, this test module) and one entry
EXAMPLE = Feature(
    "example",
    "An example API family",
    routes="tests.test_features:register_example",
    pages=("/example",),
    script="app",
)


def register_example(app, atlas) -> None:
    @app.get("/api/example", tags=["example"])
    def example():
        return {"regions": len(atlas.registry.regions(2024))}


def _features_with(monkeypatch, **extra: str) -> None:
    entries = {**FEATURES.entries(), **extra}
    monkeypatch.setattr(
        features_module, "FEATURES", Registry("feature", entries, group="regioatlas.features")
    )


def test_the_atlas_is_registered_like_every_other_feature():
    names = [f.name for f in load_features()]
    assert names[0] == "atlas"  # its page script defines the RA the other scripts use
    assert {"atlas", "scorecard", "kpi", "similarity"} <= set(names)
    for feature in load_features():
        assert feature.routes or feature.cli, feature.name  # a feature adds something
        if feature.routes:
            assert callable(load_target(feature.routes)), feature.name
        if feature.cli:
            importlib.import_module(feature.cli)


def test_every_feature_page_serves_the_shell_with_every_page_script(app_client):
    features = load_features()
    for feature in features:
        for page in feature.pages:
            r = app_client.get(page.replace("{code}", "FI1C6").replace("{project_id:path}", "x"))
            assert r.status_code == 200, (page, r.status_code)
            assert 'id="ra-config"' in r.text
            # the page's bundles (web/assets.py: the one it reads first, the one its config
            # names for after its first draw) hold every page script, each named in a comment
            urls = re.findall(r'src="(/bundles/[^"]+)"', r.text)
            urls += re.findall(r'"later": "(/bundles/[^"]+)"', r.text)
            bundles = "".join(app_client.get(url).text for url in urls)
            for other in features:
                if other.script:
                    assert f"/* static/app/{other.script}.js */" in bundles
    assert app_client.get("/static/app/scorecard.js").status_code == 200


def test_a_new_api_family_is_one_route_module_and_one_entry(monkeypatch, demo_store_path):
    from regioatlas.web.app import create_app

    _features_with(monkeypatch, example="tests.test_features:EXAMPLE")
    with TestClient(create_app(str(demo_store_path))) as client:
        assert client.get("/api/example").json()["regions"] > 1000
        assert "/api/example" in client.get("/openapi.json").json()["paths"]
        assert client.get("/example").status_code == 200
        assert client.get("/api/projects?limit=1").status_code == 200


def test_a_feature_that_fails_to_import_stops_the_app_and_the_cli(monkeypatch, demo_store_path):
    from regioatlas.web.app import create_app

    _features_with(monkeypatch, broken="tests.no_such_feature_module:FEATURE")
    with pytest.raises(ModuleNotFoundError, match="no_such_feature_module"):
        create_app(str(demo_store_path))
    import regioatlas.cli

    with pytest.raises(ModuleNotFoundError, match="no_such_feature_module"):
        importlib.reload(regioatlas.cli)


def test_a_feature_entry_that_is_not_a_feature_is_an_error(monkeypatch):
    _features_with(monkeypatch, odd="regioatlas.features:load_features")
    with pytest.raises(TypeError, match="odd"):
        load_features()


def test_a_feature_whose_page_script_is_missing_stops_the_app(monkeypatch, demo_store_path):
    from regioatlas.web.app import create_app

    _features_with(monkeypatch, example="tests.test_features:EXAMPLE_NO_SCRIPT")
    with pytest.raises(FileNotFoundError, match="no_such_script"):
        create_app(str(demo_store_path))


EXAMPLE_NO_SCRIPT = Feature("example", "no script", script="no_such_script")


def test_the_demo_datasets_are_the_features_datasets():
    demo_sources = {source for source, _ in DEMO_DATASETS}
    claimed = [source for f in load_features() for source in f.datasets]
    assert sorted(set(claimed)) == sorted(demo_sources), "a demo dataset no feature declares"
    assert len(claimed) == len(set(claimed)), "a dataset declared by two features"


def test_the_cli_has_every_features_commands():
    from regioatlas.cli import main

    out = CliRunner().invoke(main, ["--help"]).output
    for command in ("projects", "scorecard", "kpis", "similar"):
        assert command in out
