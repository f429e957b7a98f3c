"""NUTS regions and versions, gazetteers, and locating places on NUTS regions."""
