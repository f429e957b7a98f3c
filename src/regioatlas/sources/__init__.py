"""Readers of real published formats, one registry (see ``registry``)."""
