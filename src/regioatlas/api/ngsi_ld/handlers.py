"""The NGSI-LD handlers: framework-neutral, each returns ``(status, headers, body)``.

``query`` is the raw query dict (a repeated parameter as a list), ``accept`` the Accept header
and ``base_url`` the server's base URL (for the @context links). Bad input raises the domain
errors of ``api.ngsi_ld.errors`` (ETSI problem types through the one error map).
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import numpy as np

from regioatlas.api import audit
from regioatlas.api.ngsi_ld import context as ctx
from regioatlas.api.ngsi_ld import errors, writes
from regioatlas.api.ngsi_ld.catalogue import EntityCatalogue
from regioatlas.api.ngsi_ld.entities import ENTITY_TYPES
from regioatlas.api.ngsi_ld.query import geo_mask, parse_geo_query, parse_q
from regioatlas.api.ngsi_ld.representation import feature, normalized, project
from regioatlas.api.ngsi_ld.temporal import temporal_entity

DEFAULT_LIMIT, MAX_LIMIT = 20, 1000
Answer = tuple[int, dict[str, str], object]


def _one(query: dict, name: str):
    value = query.get(name)
    return value[-1] if isinstance(value, list) else value


def _int(query: dict, name: str, default: int, lo: int, hi: int) -> int:
    raw = _one(query, name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise errors.bad_request_data(f"{name} must be an integer, not {raw!r}", name) from None
    if not lo <= value <= hi:
        raise errors.bad_request_data(f"{name} must be between {lo} and {hi}", name)
    return value


def _list(query: dict, name: str) -> list[str]:
    raw = query.get(name)
    items = raw if isinstance(raw, list) else [raw] if raw else []
    return [x.strip() for item in items for x in str(item).split(",") if x.strip()]


def _options(query: dict) -> set[str]:
    options = set(_list(query, "options"))
    fmt = _one(query, "format")
    if fmt:
        options.add(fmt)
    unknown = options - {"keyValues", "simplified", "normalized", "sysAttrs", "count"}
    if unknown:
        raise errors.bad_request_data(f"unknown options {', '.join(sorted(unknown))}", "options")
    return options


class NgsiLdApi:
    """Handlers of /ngsi-ld/v1 over one atlas (its store and NUTS registry)."""

    def __init__(self, atlas):
        self.atlas = atlas
        self.catalogue = EntityCatalogue(atlas.store, atlas.registry)
        self._write_lock = threading.Lock()

    # --- answers -----------------------------------------------------------------------
    def _answer(
        self,
        body,
        media: str,
        base_url: str,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        out = {"Content-Type": media, **(headers or {})}
        if media == ctx.JSON_LD:
            context = ctx.response_context(base_url)
            if isinstance(body, list):
                body = [{**b, "@context": context} for b in body]
            elif isinstance(body, dict):
                body = {**body, "@context": context}
        else:
            out["Link"] = ctx.link_header(base_url)
        return status, out, body

    def _render(self, entities: list[dict], query: dict, media: str, single: bool = False):
        options = _options(query)
        attrs = _list(query, "attrs") or _list(query, "pick")
        keyvalues = bool(options & {"keyValues", "simplified"})
        shown = [project(e, attrs) for e in entities]
        if media == ctx.GEO_JSON:
            features = [feature(e, not keyvalues) for e in shown]
            if single:
                return features[0]
            return {"type": "FeatureCollection", "features": features}
        shown = shown if keyvalues else [normalized(e) for e in shown]
        return shown[0] if single else shown

    # --- entities ----------------------------------------------------------------------
    def entities(self, query: dict, accept: str | None, base_url: str) -> Answer:
        """GET /entities: by ``type``, ``id``, ``idPattern``, ``q``, ``attrs``, geo-query;
        ``limit``/``offset``, ``count=true`` (``NGSILD-Results-Count``)."""
        media = ctx.negotiate(accept)
        limit = _int(query, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT)
        offset = _int(query, "offset", 0, 0, 10**9)
        matches = self.matching(query)
        page = matches[offset : offset + limit]
        headers = {}
        if str(_one(query, "count")).lower() == "true" or "count" in _options(query):
            headers["NGSILD-Results-Count"] = str(len(matches))
        return self._answer(self._render(page, query, media), media, base_url, headers=headers)

    def matching(self, query: dict) -> list[dict]:
        """Every entity matching a query's filters, in a stable order (type, then built)."""
        types = _list(query, "type")
        ids = _list(query, "id")
        pattern = _one(query, "idPattern")
        attrs = _list(query, "attrs")
        q = _one(query, "q")
        geo = parse_geo_query(
            _one(query, "georel"), _one(query, "geometry"), _one(query, "coordinates")
        )
        if not types and ids:
            types = sorted({i.split(":")[2] for i in ids if i.count(":") >= 3})
        if not types:
            if not (attrs or q or geo):
                raise errors.bad_request_data(
                    "name a type, id, attrs, q or a geo-query (RegioAtlas does not list every "
                    f"entity at once); types: {', '.join(self.catalogue.types())}",
                    "type",
                )
            types = list(self.catalogue.types())
        regex = _pattern(pattern)
        predicate = parse_q(q) if q else None
        idset = set(ids)
        out: list[dict] = []
        for t in types:
            table = self.catalogue.table(t)
            selected = np.ones(len(table.entities), dtype=bool)
            if geo is not None:
                selected &= geo_mask(geo, table.lon, table.lat)
            for i in np.nonzero(selected)[0].tolist():
                e = table.entities[i]
                if idset and e["id"] not in idset:
                    continue
                if regex and not regex.search(e["id"]):
                    continue
                if attrs and not any(a in e for a in attrs):
                    continue
                if predicate and not predicate(e):
                    continue
                out.append(e)
        return out

    def entity(self, entity_id: str, query: dict, accept: str | None, base_url: str) -> Answer:
        media = ctx.negotiate(accept)
        found = self.catalogue.find(entity_id)
        if found is None:
            raise errors.resource_not_found(f"no entity {entity_id}", "entityId")
        return self._answer(self._render([found], query, media, True), media, base_url)

    # --- types and attributes ----------------------------------------------------------
    def types(self, query: dict, accept: str | None, base_url: str) -> Answer:
        media = ctx.negotiate(accept, geo=False)
        if str(_one(query, "details")).lower() == "true":
            body: object = [self._type_info(t) for t in self.catalogue.types()]
        else:
            body = {
                "id": "urn:ngsi-ld:EntityTypeList:regioatlas",
                "type": "EntityTypeList",
                "typeList": list(self.catalogue.types()),
            }
        return self._answer(body, media, base_url)

    def _type_info(self, entity_type: str) -> dict:
        table = self.catalogue.table(entity_type)
        names = sorted({k for e in table.entities for k in e if k not in ("id", "type")})
        return {
            "id": entity_type,
            "type": "EntityTypeInfo",
            "typeName": entity_type,
            "entityCount": len(table.entities),
            "smartDataModel": ENTITY_TYPES[entity_type],
            "attributeNames": names,
        }

    def entity_type(self, name: str, accept: str | None, base_url: str) -> Answer:
        if name not in self.catalogue.types():
            raise errors.resource_not_found(
                f"no entity type {name!r}; types: {', '.join(self.catalogue.types())}", "type"
            )
        return self._answer(self._type_info(name), ctx.negotiate(accept, False), base_url)

    def attributes(self, accept: str | None, base_url: str) -> Answer:
        media = ctx.negotiate(accept, geo=False)
        names = sorted(
            {a for t in self.catalogue.LIGHT for a in self._type_info(t)["attributeNames"]}
        )
        body = {
            "id": "urn:ngsi-ld:AttributeList:regioatlas",
            "type": "AttributeList",
            "attributeList": names,
        }
        return self._answer(body, media, base_url)

    def attribute(self, name: str, accept: str | None, base_url: str) -> Answer:
        media = ctx.negotiate(accept, geo=False)
        types, count = [], 0
        for t in self.catalogue.LIGHT:
            n = sum(1 for e in self.catalogue.table(t).entities if name in e)
            if n:
                types.append(t)
                count += n
        if not types:
            raise errors.resource_not_found(f"no attribute {name!r}", "attrId")
        body = {
            "id": name,
            "type": "Attribute",
            "attributeName": name,
            "attributeCount": count,
            "typeNames": types,
        }
        return self._answer(body, media, base_url)

    # --- temporal ----------------------------------------------------------------------
    def temporal_entities(self, query: dict, accept: str | None, base_url: str) -> Answer:
        media = ctx.negotiate(accept, geo=False)
        limit = _int(query, "limit", DEFAULT_LIMIT, 0, MAX_LIMIT)
        offset = _int(query, "offset", 0, 0, 10**9)
        matches = self.matching(query)
        body = [self._temporal(e, query) for e in matches[offset : offset + limit]]
        headers = {}
        if str(_one(query, "count")).lower() == "true":
            headers["NGSILD-Results-Count"] = str(len(matches))
        return self._answer(body, media, base_url, headers=headers)

    def temporal_entity(self, entity_id: str, query: dict, accept, base_url: str) -> Answer:
        media = ctx.negotiate(accept, geo=False)
        found = self.catalogue.find(entity_id)
        if found is None:
            raise errors.resource_not_found(f"no entity {entity_id}", "entityId")
        return self._answer(self._temporal(found, query), media, base_url)

    def _temporal(self, entity: dict, query: dict) -> dict:
        return temporal_entity(
            self.atlas.store,
            entity,
            attrs=_list(query, "attrs"),
            timerel=_one(query, "timerel"),
            time_at=_one(query, "timeAt"),
            end_time_at=_one(query, "endTimeAt"),
            last_n=_int(query, "lastN", 0, 0, 100_000),
            keyvalues=bool(_options(query) & {"keyValues", "simplified", "temporalValues"}),
        )

    # --- contexts ----------------------------------------------------------------------
    def context(self, name: str) -> Answer:
        files = ctx.context_files()
        if name not in files:
            raise errors.resource_not_found(
                f"no @context {name!r}; served: {', '.join(files)}", "contextId"
            )
        return 200, {"Content-Type": ctx.JSON_LD}, files[name]

    # --- writes (a principal with the editor role) ------------------------------------
    def create_entity(self, body: bytes, principal, base_url: str) -> Answer:
        """POST /entities: one published KPI value → 201 with its Location."""
        name = writes.principal_name(principal)
        value = writes.read_entity(writes.parse_body(body))
        self._create([value], name, body)
        location = f"{base_url.rstrip('/')}/ngsi-ld/v1/entities/{value['id']}"
        return 201, {"Location": location}, None

    def create_batch(self, body: bytes, principal) -> Answer:
        """POST /entityOperations/create: a batch of published KPI values, one dataset."""
        name = writes.principal_name(principal)
        payload = writes.parse_body(body)
        if not isinstance(payload, list) or not payload:
            raise errors.invalid_request("a batch is a non-empty JSON array of entities")
        if len(payload) > writes.MAX_BATCH:
            raise errors.bad_request_data(f"a batch has at most {writes.MAX_BATCH} entities")
        units = writes.measure_units()
        values = [writes.read_entity(p, f"entity {i}", units=units) for i, p in enumerate(payload)]
        ids = [v["id"] for v in values]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise errors.bad_request_data(f"the batch names {twice[0]} twice", "id")
        self._create(values, name, body)
        return 201, {}, ids

    def _create(self, values: list[dict], name: str, body: bytes) -> None:
        """Store a batch of new published values as one dataset, with its audit entry, in one
        short transaction (``Store.append_small_dataset``: no copy of a DuckDB file), so that
        hundreds of creations per second fit; an id already published is AlreadyExists and
        nothing is written."""
        for v in values:
            writes.check_owner(name, v["id"])
        dataset, figures = writes.dataset_for(name, values, body)
        done = audit.entry(
            name,
            "ngsi-ld.create",
            dataset.id,
            "succeeded",
            {"entities": len(values), "sha256": dataset.sha256},
        )
        clashes = self.atlas.store.append_small_dataset(dataset, figures, done)
        if clashes:
            taken = next((c for c in clashes if c != dataset.id), clashes[0])
            audit.record(
                self.atlas.store,
                name,
                "ngsi-ld.create",
                taken,
                "conflict",
                {"sha256": dataset.sha256},
            )
            raise errors.already_exists(taken)

    def _published(self) -> dict[str, str]:
        """Entity id → dataset id of every published value."""
        return {
            entity_id: d.id
            for d in self.atlas.store.datasets()
            if d.source == writes.NGSI_SOURCE
            for entity_id in d.files
        }

    def _owned(self, entity_id: str, name: str) -> str:
        dataset = self._published().get(entity_id)
        if dataset is None:
            if self.catalogue.find(entity_id) is not None:
                raise errors.operation_not_supported(
                    f"{entity_id} is derived from a stored dataset; only values published "
                    "through NGSI-LD are written here"
                )
            raise errors.resource_not_found(f"no entity {entity_id}", "entityId")
        writes.check_owner(name, entity_id)
        return dataset

    def update_attributes(self, entity_id: str, body: bytes, principal) -> Answer:
        """PATCH /entities/{id}/attrs: a new ``kpiValue`` for a published value → 204."""
        name = writes.principal_name(principal)
        change = writes.read_entity(writes.parse_body(body), partial=True)
        parsed = writes.parse_id(entity_id, "entityId")
        writes.read_entity({"id": entity_id, "type": "KeyPerformanceIndicator", "kpiValue": change["value"], **({"calculationPeriod": change["period"]} if "period" in change else {}), **({"area": change["area"]} if "area" in change else {})})  # fmt: skip
        with self._write_lock:
            dataset_id = self._owned(entity_id, name)
            dataset, _, _, figures, *_ = self.atlas.store.export_dataset(dataset_id)
            line = dataset.files.index(entity_id)
            figures = [f for f in figures if f.source_line != line]
            figures.append(writes.figure({**parsed, "value": change["value"]}, line))
            dataset.ingested_at = datetime.now(UTC)  # when the values last changed
            self.atlas.store.replace_dataset(dataset, [], [], figures)
        audit.record(self.atlas.store, name, "ngsi-ld.update", entity_id, "succeeded")
        return 204, {}, None

    def delete_entity(self, entity_id: str, principal) -> Answer:
        """DELETE /entities/{id}: a published value → 204 (its dataset shrinks or goes)."""
        name = writes.principal_name(principal)
        with self._write_lock:
            dataset_id = self._owned(entity_id, name)
            dataset, _, _, figures, *_ = self.atlas.store.export_dataset(dataset_id)
            if len(dataset.files) == 1:
                self.atlas.store.remove_dataset(dataset_id)
                audit.record(self.atlas.store, name, "ngsi-ld.delete", entity_id, "succeeded")
                return 204, {}, None
            line = dataset.files.index(entity_id)
            keep = [f for f in figures if f.source_line != line]
            dataset.files = [f for f in dataset.files if f != entity_id]
            dataset.ingested_at = datetime.now(UTC)
            for f in keep:  # renumber: source_line is the place in files
                if f.source_line is not None and f.source_line > line:
                    f.source_line -= 1
            self.atlas.store.replace_dataset(dataset, [], [], keep)
        audit.record(self.atlas.store, name, "ngsi-ld.delete", entity_id, "succeeded")
        return 204, {}, None


def _pattern(pattern):
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise errors.bad_request_data(
            f"idPattern is not a regular expression ({exc})", "idPattern"
        ) from None
