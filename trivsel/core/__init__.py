"""The small core every area stands on: database, roles, rendering, forms, plugins.

It imports no area: a contract in pyproject.toml (lint-imports) keeps it so.
"""
