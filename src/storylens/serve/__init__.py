"""`storylens serve`: the local web app and JSON API over the store (SPEC 2.8, 3)."""

from __future__ import annotations

from storylens.serve.app import ServeSettings, create_app

__all__ = ["ServeSettings", "create_app"]
