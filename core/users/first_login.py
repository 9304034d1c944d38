"""A temporary password (a new user's, or one an admin reset) must be changed before
anything else: the login hook marks the session, and the middleware sends a marked
session to the password change page until the password is changed there.

The mark lives in the session, so requests pay no query for it; the login hook reads
the profile once per login.
"""

from django.shortcuts import redirect
from django.urls import reverse

from core.users import services

SESSION_FLAG = "must_change_password"


def flag_temporary_password(sender, request, user, **kwargs):
    """user_logged_in receiver (connected in core.apps)."""
    if request is not None and services.must_change_password(user):
        request.session[SESSION_FLAG] = True


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.allowed = None

    def __call__(self, request):
        if request.session.get(SESSION_FLAG) and request.path not in self._allowed():
            return redirect("core:password_change")
        return self.get_response(request)

    def _allowed(self):
        if self.allowed is None:
            self.allowed = {reverse("core:password_change"), reverse("logout")}
        return self.allowed
