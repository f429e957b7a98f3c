"""KPI commands: kpis, convert, aq, compass, recode. Parse, call the library, print."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from regioatlas.cli._common import FORMATS, fail, main, note_on_error, print_rows, store_option


class _Atlas:
    """What the handlers need without a store: the NUTS registry."""

    def __init__(self):
        from regioatlas.geo.nuts import NutsRegistry

        self.registry = NutsRegistry.default()


@main.command()
@click.option(
    "--lang", default="en", show_default=True, help="Language of the names: en, fi, de, it, fr."
)
@click.option("--area", help="Only KPIs of this area (air quality, digital).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def kpis(lang, area, fmt):
    """List the KPI registry: id, name, unit, direction, source."""
    from regioatlas.api.kpi import KpiApi

    out = KpiApi(_Atlas()).kpis(lang, area)
    if fmt == "json":
        click.echo(json.dumps(out["items"], ensure_ascii=False, indent=2))
        return
    rows = [
        {
            "id": k["id"],
            "name": k["name"],
            "unit": k["unit"],
            "direction": k["direction"],
            "source": k["source"]["publisher"],
        }  # fmt: skip
        for k in out["items"]
    ]
    print_rows(rows, fmt)


@main.command()
@click.argument("value", type=float)
@click.argument("from_unit")
@click.argument("to_unit")
@click.option("--pollutant", help="Gas for µg/m³ <-> ppb: NO2, O3, SO2, CO.")
@click.option(
    "--temperature",
    type=float,
    default=293.15,
    show_default=True,
    help="Reference temperature in kelvin (EU directives: 293 K; WHO/US: 298.15 K).",
)
def convert(value, from_unit, to_unit, pollutant, temperature):
    """Convert VALUE from FROM_UNIT to TO_UNIT, e.g. `regioatlas convert 40 ppb µg/m3 --pollutant NO2`."""
    from regioatlas.api.kpi import KpiApi

    out = KpiApi(_Atlas()).convert_units(value, from_unit, to_unit, pollutant, temperature)
    extra = f" (at {temperature:g} K, 101.325 kPa)" if out["pollutant"] else ""
    click.echo(f"{value:g} {from_unit} = {out['result']:.6g} {to_unit}{extra}")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--berlin",
    is_flag=True,
    help="Use the real EEA PM2.5 series of Berlin (2021) in the store (`regioatlas demo` ingests it).",
)
@click.option("--nuts", help="NUTS code (any level) of every station in FILES.")
@click.option(
    "--stations",
    type=click.Path(path_type=Path),
    help="CSV: station, and nuts (+ nuts_version) or lon, lat (WGS 84, located on NUTS 3 2024).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@store_option
def aq(files, berlin, nuts, stations, fmt, store_url):
    """Air quality side by side: EEA AQI (2024 and pre-2024), UBA, CAQI, WHO 2021 and EU limit
    values for every station in FILES (EEA hourly time-series CSV) and every region."""
    from regioatlas.analytics.air_quality import assess_air_quality
    from regioatlas.api.kpi import read_eea_timeseries
    from regioatlas.geo.stations import place_stations, stations_in_region
    from regioatlas.sources.eea_aq import read_station_table

    if berlin == bool(files):
        fail("give EEA time-series FILES, or --berlin for the Berlin data set (not both)")
    if nuts and stations:
        fail("give --nuts or --stations, not both")
    if berlin:
        table = _stored_berlin(store_url)
    else:
        note_on_error("the files cannot be read:")
        reg = _Atlas().registry
        with click.progressbar(
            length=2, label="reading and assessing", file=sys.stderr, show_eta=False
        ) as bar:
            data = read_eea_timeseries(list(files))
            bar.update(1)
            places: dict[str, dict] = {}
            if nuts:
                places = stations_in_region(data.stations, nuts, None, reg)
            elif stations:
                places = place_stations(read_station_table(stations), reg, name=stations)
            table = assess_air_quality(data, places)
            bar.update(1)
        missing = sorted(set(data.stations) - set(places)) if places else []
        if missing:
            click.secho(
                f"note: no place for {', '.join(missing)}; they appear under no region", err=True
            )
    if fmt == "json":
        click.echo(json.dumps(table, ensure_ascii=False, indent=2))
        return
    _print_side_by_side(table)


def _stored_berlin(store_url: str) -> dict:
    """The Berlin side-by-side table the API serves, from the store (`regioatlas demo`)."""
    from regioatlas.api.atlas import Atlas
    from regioatlas.api.kpi import KpiApi
    from regioatlas.store import open_store

    with open_store(store_url, read_only=True) as store:
        return KpiApi(Atlas(store)).aq_table("eea-berlin-pm25-2021")


def _print_side_by_side(table: dict) -> None:
    rows = []
    for entity in table["stations"] + table["regions"]:
        name = entity.get("station") or f"region {entity['code']}"
        row = {"station/region": name}
        for ix in entity["indices"]:
            row[ix["name"]] = f"{ix['most_frequent']} / worst {ix['worst']}"
        for st in entity["standards"]:
            if st["id"].endswith(("_annual", "_24h", "_daily")) and st.get("status"):
                ex = st.get("exceedances")
                val = st.get("value") if st.get("value") is not None else st.get("period_mean")
                row[st["id"]] = (
                    f"{st['status']}"
                    + (f" ({ex} d)" if ex is not None else "")
                    + (f" {val:.1f}" if isinstance(val, float) else "")
                )
        rows.append(row)
    columns = list(dict.fromkeys(k for r in rows for k in r))
    for c in columns[1:]:
        click.echo(f"\n{c}")
        for r in rows:
            click.echo(f"  {r['station/region']:<16} {r.get(c, '')}")
    if table.get("issues"):
        click.echo("\nflagged input (excluded, never zeroed):")
        for i in table["issues"]:
            click.echo(f"  {i['station']} {i['pollutant']}: {i['count']} hours {i['kind']}")


@main.command()
@click.argument("region")
@click.option(
    "--version", "version", help="NUTS version of REGION (default: the latest it is valid in)."
)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@store_option
def compass(region, version, fmt, store_url):
    """Digital Compass: REGION's distance to the Digital Decade 2030 targets, in people.

    Reads the Digital Decade, Eurostat population and regional digital figures from the store
    (`regioatlas demo` ingests them). Example: `regioatlas compass FI1C3 --store demo.duckdb`
    (Päijät-Häme; FI1C6 in NUTS 2024).
    """
    from regioatlas.api.atlas import Atlas
    from regioatlas.api.compass import CompassApi
    from regioatlas.store import open_store

    with open_store(store_url, read_only=True) as store:
        plan = CompassApi(Atlas(store)).plan(region, version)
    if fmt == "json":
        click.echo(json.dumps(plan, ensure_ascii=False, indent=2))
        return
    r = plan["region"]
    pop = plan["population"]
    if fmt == "table":
        asked = r["asked"]
        click.echo(
            f"{r['name']} ({r['code']}, NUTS {r['version']}; asked {asked['code']} NUTS {asked['version']})"
        )
        if pop:
            click.echo(
                f"population {int(pop['groups']['TOTAL']):,} on 1 January {pop['year']} ({pop['code']}, Eurostat)"
            )
    rows = []
    for t in plan["targets"]:
        cur = t.get("current") or {}
        gap = t.get("gap")
        people = (
            ""
            if not gap
            else f"{gap['low']:,}"
            if gap["low"] == gap["high"]
            else f"{gap['low']:,}-{gap['high']:,}"
        )
        rows.append(
            {
                "target": t["id"],
                "now": f"{cur.get('value', float('nan')):.1f} ({cur.get('year')})"
                if cur
                else "no data",
                "value is": cur.get("label", ""),
                "2030": f"{t['target']:g}",
                "gap pp": t.get("gap_points"),
                "gap persons": people,
                "needed/yr": t.get("needed_per_year"),
                "trend/yr": t.get("trend_per_year"),
                "reached": t.get("year_reached"),
            }
        )
    print_rows(rows, fmt)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--from", "from_version", type=int, required=True, help="NUTS version of FILE.")
@click.option("--to", "to_version", type=int, required=True, help="NUTS version to recode to.")
@click.option(
    "--kind",
    type=click.Choice(["auto", "extensive", "intensive"]),
    default="auto",
    show_default=True,
    help="extensive: adds up (persons, EUR); intensive: rates. auto reads the Eurostat unit.",
)
@click.option(
    "--weight", type=click.Choice(["population", "area"]), default="population", show_default=True
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="Write the CSV here (default: stdout)."
)
def recode(file, from_version, to_version, kind, weight, output):
    """Recode FILE (Eurostat TSV, SDMX-CSV or long CSV) from one NUTS version to another.

    Every value states its method (unchanged, renamed, recoded, split, merge, boundary change);
    what cannot be recoded is flagged, never dropped. Exit 1 on bad input.
    """
    from regioatlas.geo.recoding import recode_values
    from regioatlas.sources.region_series import infer_kind, read_region_series, write_recoded

    note_on_error(f"{file} cannot be read:")
    try:
        series = read_region_series(file)
    except OSError as exc:  # not a domain error: the file system's own
        fail(str(exc), 1)
    note_on_error("")
    if kind == "auto":
        kind = infer_kind(series)
        if kind is None:
            fail(
                "cannot tell from the file whether the values add up over territory: "
                "give --kind extensive (persons, EUR, counts) or --kind intensive (rates, shares)",
                2,
            )
    with click.progressbar(length=1, label="recoding", file=sys.stderr, show_eta=False) as bar:
        result = recode_values(
            series.codes, series.periods, series.values, from_version, to_version,
            kind=kind, weight=weight, keys=series.keys,
        )  # fmt: skip
        bar.update(1)
    meta = {"from_version": from_version, "to_version": to_version, "kind": kind, "weight": weight}
    out = output.open("w", newline="", encoding="utf-8") if output else sys.stdout
    try:
        n = write_recoded(out, series, result, meta)
    finally:
        if output:
            out.close()
    flags = {}
    for f in result["flag"]:
        if f:
            flags[f] = flags.get(f, 0) + 1
    methods = {}
    for m in result["method"]:
        if m:
            methods[m] = methods.get(m, 0) + 1
    click.echo(
        f"{len(series.codes):,} values ({series.layout}, {kind}) -> {n:,} rows in NUTS {to_version}; "
        + ", ".join(f"{k}: {v:,}" for k, v in sorted(methods.items()))
        + ("; flagged " + ", ".join(f"{k}: {v:,}" for k, v in flags.items()) if flags else ""),
        err=True,
    )
