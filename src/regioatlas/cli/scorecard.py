"""Scorecard commands: scorecard, typology, indicators, composite (issue 4). Parse, call, print."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from regioatlas import settings
from regioatlas.api.downloads import SafeDictWriter
from regioatlas.cli._common import FORMATS, fail, main, print_rows, store_option


def _has_statistics(store) -> bool:
    from regioatlas.analytics.indicators import series_needed

    return any(
        store.figures(s, codes=["FI1B1", "AT13"])
        for s in series_needed()
        if "/" in s and not s.startswith("atlas/")
    )


def _open(store_url: str):
    """The store to read; the demo store (real data in the package) when the given one does not
    exist or holds no scorecard statistics, said on stderr."""
    from regioatlas.demo import store_or_demo

    demo = settings.get("demo_store")
    store, why = store_or_demo(store_url, _has_statistics, demo)
    if why:
        click.echo(
            f"note: {why}; using the demo store {demo} (real Eurostat data shipped in the "
            "package). Ingest Eurostat tables with `regioatlas ingest eurostat-tsv FILE` (or "
            "eurostat-sdmx-csv, eurostat-csv) to use your own.",
            err=True,
        )
    return store


def _run(store_url: str, call):
    from regioatlas.api.scorecard import Scorecards

    store = _open(store_url)
    try:
        return call(Scorecards(store))
    finally:
        store.close()


def _trend(t: dict | None) -> str:
    if not t:
        return ""
    if t.get("value") is None:
        return "n/a"
    unit = "%" if t["kind"] == "pct" else ""
    return f"{t['value']:+.1f}{unit}" + (" b" if t.get("break_in_series") else "")


def _num(v) -> str:
    if v is None:
        return ""
    v = float(v)
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}" if abs(v) < 10 else f"{v:.1f}"


def _value(fig: dict | None) -> str:
    if not fig or fig.get("value") is None:
        return "n/a"
    flag = f" {fig['flag']}" if fig.get("flag") else ""
    return f"{_num(fig['value'])} ({fig['year']}{flag})"


def _rank(fig: dict | None) -> str:
    if not fig or not fig.get("rank_eu"):
        return ""
    return f"{fig['rank_country']}/{fig['n_country']} {fig['rank_eu']}/{fig['n_eu']}"


def _print_card(card: dict) -> None:
    r, t, m = card["region"], card["typology"], card["metropolis"]
    asked = r["asked"]
    click.echo(f"{r['name']} {r['code']} (NUTS {r['version']}, level {r['level']})"
               + (f", asked as {asked['code']} (NUTS {asked['version']})"
                  if asked["code"] != r["code"] else ""))  # fmt: skip
    click.echo(f"typology: {t['type'].replace('_', ' ')}; " + "; ".join(t["reasons"]))
    if m:
        click.echo(f"metropolis: {m['name']} {m['code']} ({m['relation']})")
    click.echo(
        "peers: "
        + ", ".join(
            f"{p['name']} {p['code']} ({p['distance']:.2f})" for p in card["peers"]["items"]
        )
    )
    comp = card.get("composite") or {}
    if comp.get("status") == "ok":
        click.echo(
            f"composite index: rank {comp['rank']} of {comp['of']}, median {comp['median_rank']:.0f}, "
            f"90 % interval {comp['rank_p05']}-{comp['rank_p95']} ({comp['options']})"
        )
    rows = []
    for ind in card["indicators"]:
        reg = ind["region"]
        rows.append(
            {
                "pillar": ind["pillar"],
                "indicator": ind["title"]
                + (f" [NUTS {ind['level']}]" if ind["level"] != r["level"] else ""),
                "unit": ind["unit"],
                "region": _value(reg),
                "5y": _trend(reg.get("trend_5y")),
                "10y": _trend(reg.get("trend_10y")),
                "rank country/EU": _rank(reg),
                "metropolis": _value(ind["metropolis"]) if m else "",
                "metro 5y": _trend((ind["metropolis"] or {}).get("trend_5y")) if m else "",
                "peers median": _num((ind["peers"] or {}).get("median")),
            }
        )
    click.echo("")
    print_rows(rows, "table")
    click.echo("\nflags: p provisional, e estimated, b break in series (a trend marked b spans one), "
               "u low reliability, d definition differs. Sources: " + "; ".join(card["sources"]))  # fmt: skip


@main.command()
@click.argument("region")
@store_option
@click.option(
    "--version", "nuts_version", help="NUTS version of REGION (default: the latest it is valid in)."
)
@click.option("--peers", "k", default=5, show_default=True, help="Number of peer regions (1-20).")
@click.option("--peer-scope", type=click.Choice(["eu", "type", "country"]), default="eu", show_default=True,
              help="Peers among all EU regions of the level, the same typology class, or the country.")  # fmt: skip
@click.option("--as-of", type=int, help="Use values up to this year.")
@click.option("--type", "type_", type=click.Choice(["metropolis", "next_to_metropolis", "other"]),
              help="Override the typology class.")  # fmt: skip
@click.option("--metropolis", help="Override the metropolis to compare with (NUTS code).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--report", type=click.Path(path_type=Path),
              help="Also write the one-page report to this .png or .pdf file.")  # fmt: skip
def scorecard(
    region, store_url, nuts_version, k, peer_scope, as_of, type_, metropolis, fmt, report
):
    """REGION (NUTS 2 or 3, any NUTS version) against its metropolis and its peers.

    Latest value and year of every indicator, 5- and 10-year trends, ranks in the country and
    the EU, the same for the metropolis and the peer group; see docs/scorecard.md.
    """
    params = {"version": nuts_version, "peers": k, "as_of": as_of, "peer_scope": peer_scope,
              "type": type_, "metropolis": metropolis}  # fmt: skip
    if report and report.suffix.lower() not in (".png", ".pdf"):
        fail("--report must name a .png or .pdf file")

    def call(cards):
        out = (
            cards.scorecard_csv(region, **params)
            if fmt == "csv"
            else cards.scorecard(region, **params)
        )
        if report:
            data, _ = cards.report(region, report.suffix.lower()[1:], **params)
            report.write_bytes(data)
            click.echo(f"report written to {report}", err=True)
        return out

    out = _run(store_url, call)
    if fmt == "csv":
        sys.stdout.write(out)
    elif fmt == "json":
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        _print_card(out)


@main.command()
@click.argument("region", required=False)
@store_option
@click.option("--version", "nuts_version", help="NUTS version (of REGION, or of the list).")
@click.option("--level", help="With no REGION: list every region of this level (2 or 3).")
@click.option("--country", help="With no REGION: only this country.")
@click.option("--type", "type_", type=click.Choice(["metropolis", "next_to_metropolis", "other"]),
              help="Override the class of REGION.")  # fmt: skip
@click.option("--metropolis", help="Override the metropolis of REGION.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def typology(region, store_url, nuts_version, level, country, type_, metropolis, fmt):
    """Metropolis, next to a metropolis, or other: for REGION, or for every region of a level."""
    from regioatlas.api.scorecard import Scorecards
    from regioatlas.store import open_store

    with open_store(":memory:") as store:  # the typology needs no statistics
        cards = Scorecards(store)
        if region:
            out = cards.typology(region, nuts_version, type_, metropolis)
            rows = [out]
        else:
            out = cards.typologies(level, nuts_version, country)
            rows = out["items"]
    if fmt == "json":
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for row in rows:
        row["reasons"] = "; ".join(row["reasons"])
        row["metropolises"] = " ".join(row["metropolises"])
    print_rows(
        rows,
        fmt,
        ["code", "version", "level", "type", "metropolis", "relation", "source", "reasons"],
    )


@main.command()
@store_option
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def indicators(store_url, fmt):
    """The indicator catalogue: definition, unit, direction, source, licence, availability."""
    out = _run(store_url, lambda cards: cards.indicators())
    if fmt == "json":
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    rows = []
    for i in out["items"]:
        avail = ", ".join(
            f"NUTS {a['level']}: {a['regions']} regions {a['first_year']}-{a['last_year']}"
            if a["regions"] else f"NUTS {a['level']}: none"
            for a in i["available"]
        )  # fmt: skip
        rows.append({"id": i["id"], "pillar": i["pillar"], "unit": i["unit"],
                     "direction": "+" if i["direction"] > 0 else "-", "source": i["source"],
                     "in our data": avail, "licence": i["licence"]})  # fmt: skip
    print_rows(rows, fmt)


@main.command()
@store_option
@click.option("--level", default="2", show_default=True, help="NUTS level, 2 or 3.")
@click.option(
    "--normalisation", type=click.Choice(["minmax", "zscore"]), default="minmax", show_default=True
)
@click.option(
    "--aggregation",
    type=click.Choice(["arithmetic", "geometric"]),
    default="arithmetic",
    show_default=True,
)
@click.option(
    "--weighting", type=click.Choice(["equal", "user", "pca"]), default="equal", show_default=True
)
@click.option(
    "--weights",
    help="Indicator weights for --weighting user, e.g. gdp_per_head_pps:2,tertiary_attainment:1.",
)
@click.option("--pillar-weights", help="Pillar weights for --weighting user, e.g. competence:2.")
@click.option("--indicators", "ids", help="Indicator ids to use, comma-separated (default: all).")
@click.option(
    "--missing", type=click.Choice(["reweight", "complete"]), default="reweight", show_default=True
)
@click.option("--runs", default=1000, show_default=True, help="Uncertainty runs (0 = none).")
@click.option(
    "--seed", default=0, show_default=True, help="Random seed of the uncertainty analysis."
)
@click.option("--country", help="Show only this country's regions (ranks stay EU-wide).")
@click.option("--top", type=int, help="Show only the first N regions.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def composite(store_url, fmt, top, ids, **options):  # fmt: skip
    """The composite index (JRC/OECD Handbook) with median rank and 5-95 % rank interval."""
    params = {k: v for k, v in options.items() if v is not None}
    if ids:
        params["indicators"] = ids
    out = _run(store_url, lambda cards: cards.composite(params))
    items = out["items"][:top] if top else out["items"]
    if fmt == "json":
        click.echo(json.dumps({**out, "items": items}, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{out['regions']} NUTS {out['level']} regions scored on "
        + ", ".join(
            f"{i['id']} ({i['reference_year']}, w {i['weight']:.2f})" for i in out["indicators"]
        )
        + f"; {len(out['not_scored'])} not scored",
        err=True,
    )
    rows = [{k: it[k] for k in ("rank", "code", "name", "type", "score", "median_rank", "rank_p05", "rank_p95")}
            for it in items]  # fmt: skip
    if fmt == "csv":
        w = SafeDictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["rank"])
        w.writeheader()
        w.writerows(rows)
    else:
        print_rows(rows, "table")
