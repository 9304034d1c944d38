"""A published mediator's line of the search results (public/_mediator_row.html, as
the search shows it) written by a format string: publishing a province renders
888,000 of them, and the template took most of the publication's time. The template
stays what the committee page and a roster published before the lines were stored
render; a test holds the two to the same bytes."""

from functools import lru_cache
from html import escape

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.translation import gettext, pgettext

# The template's text, its variables as format fields, each escaped when filled in
# as the template escapes them (django.utils.html.escape is html.escape, called here
# without its lazy-string wrapper, a third of the time of a line).
LINE = (
    "<tr>\n"
    '      <th scope="row"><a href="{mediator_url}">{name}</a>{full_time}</th>\n'
    '      <td data-label="{level_label}">{level_name}</td>\n'
    '      <td data-label="{committee_label}"><a href="{committee_url}">{committee_name}</a></td>\n'
    '      <td data-label="{region_label}">{region}</td>\n'
    '      <td data-label="{expertise_label}">{expertise}</td>\n'
    "    </tr>\n"
)
NONE = "—"  # the template's default for an empty level or expertise
# A mediator id no real one equals (the URL takes up to 18 digits): reversed once,
# then replaced by each row's.
PLACEHOLDER = 987654321987654321


class RowHtml:
    """The lines of one bureau's publication, in the site's language (the only one
    the public pages speak)."""

    def __init__(self, bureau):
        with translation.override(settings.LANGUAGE_CODE):
            self.labels = {
                "level_label": conditional_escape(pgettext("mediator grade", "Level")),
                "committee_label": conditional_escape(gettext("Committee")),
                "region_label": conditional_escape(gettext("Region")),
                "expertise_label": conditional_escape(gettext("Expertise")),
            }
            self.full_time = f' <span class="tag">{conditional_escape(gettext("Full-time"))}</span>'
        region = bureau.region_id
        url = conditional_escape(reverse("public:mediator", args=[region, PLACEHOLDER]))
        self.mediator_url = url.split(str(PLACEHOLDER))
        # Rows come by region, so a committee's rows come together: a few codes kept.
        self.committee_url = lru_cache(maxsize=1024)(
            lambda code: conditional_escape(reverse("public:committee", args=[region, code]))
        )

    def __call__(
        self,
        *,
        mediator_id,
        name,
        full_time,
        level_name,
        committee_code,
        committee_name,
        region_label,
        region_name,
        expertise_names,
    ) -> str:
        before, after = self.mediator_url
        return LINE.format(
            mediator_url=f"{before}{mediator_id}{after}",
            name=escape(name),
            full_time=self.full_time if full_time else "",
            level_name=escape(level_name or NONE),
            committee_url=self.committee_url(committee_code),
            committee_name=escape(committee_name),
            region=escape(region_label or region_name),
            expertise=escape(expertise_names or NONE),
            **self.labels,
        )
