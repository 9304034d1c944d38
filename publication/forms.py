"""Forms of the staff publication pages and the FilterSet the list page and the API
share."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filtersets import TenantFilterSet
from core.inputs import Form
from core.models import Bureau
from publication.models import PublicationStatus, RosterPublication


class RosterPublicationFilterSet(TenantFilterSet):
    status = django_filters.ChoiceFilter(choices=PublicationStatus.choices, label=_("Status"))
    # The default manager is scoped, so only bureaus of the jurisdiction are offered.
    bureau = django_filters.ModelChoiceFilter(
        queryset=lambda request: Bureau.objects.order_by("region_id"), label=_("Bureau")
    )

    class Meta:
        model = RosterPublication
        fields = ["bureau", "status"]


class PublishForm(Form):
    """The confirmation of the preview page: publishing needs an explicit yes."""

    confirm = forms.BooleanField(
        label=_("I have checked the preview"), initial=True, widget=forms.HiddenInput
    )
