from __future__ import annotations

app_name = "evidence"
urlpatterns: list = []
