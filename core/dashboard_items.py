"""Core's part of the dashboard (registered by CoreConfig.ready): checked imports
waiting for their owner to import them, the users a bureau admin has yet to see
started, and the judicial offices of the jurisdiction."""

from django.utils.translation import gettext_lazy as _

from core import dashboard
from core.dashboard import ADMINS, DIRECTORS, OVERVIEW
from core.filtersets import CHECKED_IMPORTS
from core.models.roles import WRITE_KINDS
from core.users.filtersets import NEVER_LOGGED_IN, TEMPORARY_PASSWORD


def register():
    dashboard.register(
        "imports_to_confirm",
        _("Checked imports not imported yet"),
        "core:job_list",
        roles=WRITE_KINDS,
        order=80,
        query=f"waiting={CHECKED_IMPORTS}",
    )
    dashboard.register(
        "users_never_logged_in",
        _("Users who never logged in"),
        "core:user_list",
        roles=ADMINS,
        order=90,
        query=f"setup={NEVER_LOGGED_IN}",
    )
    dashboard.register(
        "users_temporary_password",
        _("Users still on a temporary password"),
        "core:user_list",
        roles=ADMINS,
        order=91,
        query=f"setup={TEMPORARY_PASSWORD}",
    )
    dashboard.register(
        "offices",
        _("Judicial offices"),
        "core:office_list",
        roles=DIRECTORS,
        section=OVERVIEW,
        order=50,
    )
