"""DRF's parsers, reading text with LF line ends: a client pasting from Windows sends
CR LF, and the text rules (core.validators) keep a lone CR out of stored text."""

from rest_framework import parsers

from core.inputs import normalized_data
from core.validators import normalize_newlines


def _normalized(value):
    if isinstance(value, dict):
        return {key: _normalized(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalized(item) for item in value]
    return normalize_newlines(value)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _normalized(super().parse(stream, media_type, parser_context))


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return normalized_data(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        return parsers.DataAndFiles(normalized_data(parsed.data), parsed.files)
