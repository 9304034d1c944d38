"""Every route the URLconf registers, as (route text, pattern): what the page
benchmark times and the isolation walker visits."""

from django.urls import URLPattern, URLResolver, get_resolver


def walk(patterns=None, prefix=""):
    """(route, pattern) of each URLPattern below *patterns* (default: the root
    URLconf's), the route being the concatenated pattern texts."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry
