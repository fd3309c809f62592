"""End-to-end journeys: Playwright for Python drives Debian's Chromium against Django's live server."""
