"""Every URL the portal serves, found by walking the URL configuration."""

from __future__ import annotations

from django.urls import URLResolver, get_resolver


def all_url_paths(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """One concrete path per named URL pattern, with every parameter filled with "1"."""
    resolver = resolver or get_resolver()
    paths = set()
    for key in resolver.reverse_dict:
        if not isinstance(key, str):
            continue
        for possibilities, _pattern, _defaults, _converters in resolver.reverse_dict.getlist(key):
            for template, parameters in possibilities:
                paths.add("/" + prefix + template % dict.fromkeys(parameters, "1"))
    for namespace_prefix, sub_resolver in resolver.namespace_dict.values():
        paths.update(all_url_paths(sub_resolver, prefix + namespace_prefix))
    return sorted(paths)
