"""The integrity file (诚信档案): entering a commendation. Founded complaints and
sanctions enter it through the complaint workflow; the file itself shows on the
mediator's page."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import services
from complaints.forms.workflow import CommendationForm
from core.generic_views import ObjectFormView
from registry.models import Mediator


class CommendationCreateView(ObjectFormView):
    model = Mediator
    form_class = CommendationForm
    success_message = gettext_lazy("The commendation is in the integrity file.")

    def get_title(self):
        return _("Commendation for %(mediator)s") % {"mediator": self.object.name}

    def perform(self, data):
        return services.commend(
            self.object,
            on=data["occurred_on"],
            title=data["title"],
            awarded_by=data["awarded_by"],
            detail=data["detail"],
            user=self.request.user,
        )
