"""Users change their own password with Django's page; the form adds one rule."""

from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from core.inputs import CleanInputMixin
from core.users import services
from core.users.first_login import SESSION_FLAG


class NewPasswordForm(CleanInputMixin, PasswordChangeForm):
    """Django's form, refusing the current password as the new one: a temporary
    password, seen by the admin who issued it, must not stay in use."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's help is an HTML list; the page shows plain text beside the field.
        self.fields["new_password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password1")
        if new and "old_password" in cleaned and self.user.check_password(new):
            self.add_error(
                "new_password1",
                ValidationError(
                    _("The new password must differ from the current (temporary) one."),
                    code="password_reused",
                ),
            )
        return cleaned


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = NewPasswordForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("core:dashboard")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.password_changed(form.user)
        self.request.session.pop(SESSION_FLAG, None)
        messages.success(self.request, _("Your password has been changed."))
        return response
