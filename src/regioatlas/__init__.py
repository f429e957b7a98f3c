"""RegioAtlas: EU-funded projects located on NUTS regions."""

__version__ = "0.1.0"
