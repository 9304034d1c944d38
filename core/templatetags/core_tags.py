import json

from django import template

register = template.Library()


@register.filter
def as_json(value):
    """Policy values as bureaus typed them (JSON, Chinese unescaped), not Python reprs."""
    return json.dumps(value, ensure_ascii=False)
