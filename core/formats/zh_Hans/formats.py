"""Simplified Chinese as bureaus and finance write numbers: Django's zh_Hans file
groups by four digits with no separator (12345678), which reads as one long number;
statements, Excel and the provincial system write 12,345,678 and ¥1,234.50."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
