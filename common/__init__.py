"""Helpers every app may use: no models, and no import of any app (the bottom layer)."""
