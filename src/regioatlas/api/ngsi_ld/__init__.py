"""NGSI-LD (ETSI GS CIM 009 v1.8) over the store: Smart Data Models entities, queries with
``q`` and geo-queries, temporal representation, the @context served offline, and writes of
published KPI values kept as datasets with provenance. Framework-neutral handlers."""
