import json

from django import template

register = template.Library()


@register.filter
def as_json(value):
    """Chart data for a data- attribute: JSON with Chinese unescaped, not a Python repr."""
    return json.dumps(value, ensure_ascii=False)
