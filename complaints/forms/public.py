"""Forms of the public complaint pages. Everything that arrives is re-checked here:
the mediator or committee named in hidden fields must be on the bureau's live
published roster, whatever the GET link said."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints import pow
from complaints.uploads import AttachmentsField, check_uploads
from core.form_renderer import PublicForm
from core.models import Bureau
from core.personal import validate_phone
from core.tenancy import all_regions
from publication.models import PublishedCommittee, PublishedMediator, RosterPublication
from publication.selectors import live_publication
from registry.models import Committee, Mediator

DESCRIPTION_MAX = 2000
NAME_MAX = 50


@dataclass
class Target:
    """Whom the complaint is about, as the public roster shows it."""

    bureau: Bureau
    publication: RosterPublication
    published_committee: PublishedCommittee
    published_mediator: PublishedMediator | None = None

    @property
    def query(self) -> dict:
        """The GET parameters that lead back to this form."""
        params = {"bureau": self.bureau.region_id}
        if self.published_mediator is not None:
            params["mediator"] = str(self.published_mediator.mediator_id)
        else:
            params["committee"] = self.published_committee.code
        return params

    def registry_objects(self) -> dict:
        """The registry rows file_complaint takes: mediator=… (with its published
        committee as the fallback) or committee=…."""
        with all_regions():
            committee = Committee.objects.filter(pk=self.published_committee.committee_id).first()
            if self.published_mediator is None:
                return {"committee": committee}
            mediator = Mediator.objects.filter(pk=self.published_mediator.mediator_id).first()
        return {"mediator": mediator, "committee": committee}


class NotOnRoster(Exception):
    """The link names a bureau, mediator or committee the live roster does not have."""


def find_bureau(code: str) -> Bureau | None:
    code = (code or "").strip()
    if not (code.isascii() and code.isdigit()) or len(code) > 12:
        return None
    with all_regions():
        return Bureau.objects.select_related("region").filter(region_id=code).first()


def resolve_target(bureau_code: str, mediator_id: str = "", committee_code: str = "") -> Target:
    """The target named by a link or the hidden fields, read from the bureau's live
    publication only. Raises NotOnRoster."""
    bureau = find_bureau(bureau_code)
    publication = live_publication(bureau) if bureau is not None else None
    if publication is None:
        raise NotOnRoster
    mediator_id = (mediator_id or "").strip()
    committee_code = (committee_code or "").strip()
    if mediator_id:
        if not (mediator_id.isascii() and mediator_id.isdigit()) or len(mediator_id) > 18:
            raise NotOnRoster
        published = (
            PublishedMediator.objects.filter(publication=publication, mediator_id=int(mediator_id))
            .select_related("committee")
            .first()
        )
        if published is None:
            raise NotOnRoster
        return Target(bureau, publication, published.committee, published)
    if committee_code and len(committee_code) <= 40:
        committee = PublishedCommittee.objects.filter(
            publication=publication, code=committee_code
        ).first()
        if committee is not None:
            return Target(bureau, publication, committee)
    raise NotOnRoster


NOT_ON_ROSTER = _(
    "The mediator or committee named in this form is not on the bureau's published "
    "roster. Please find them on the roster and click “Complain” again."
)


class DescribedFieldsMixin:
    """Link each input to its help text and its errors (aria-describedby) and mark
    invalid inputs (aria-invalid), for screen readers. The template gives the help
    text the id ``<auto_id>_helptext`` and the errors ``<auto_id>_error``."""

    def full_clean(self):
        super().full_clean()
        self.describe_fields()

    def describe_fields(self):
        errors = self._errors or {}
        for name, field in self.fields.items():
            if field.widget.is_hidden:
                continue
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if name in errors:
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


class ProofOfWorkForm(forms.Form):
    """The proof-of-work's hidden fields, declared first so they are checked first: no
    other work is done for a request that did not pay for it (``pow_passed``). A failed
    proof is one error for the whole form. The hidden fields carry no limits of their
    own: pow.verify checks them."""

    pow_challenge = forms.CharField(widget=forms.HiddenInput, required=False)
    pow_counter = forms.CharField(widget=forms.HiddenInput, required=False)
    pow_passed = False

    def clean_pow_counter(self):
        try:
            pow.verify(self.data.get("pow_challenge", ""), self.data.get("pow_counter", ""))
        except forms.ValidationError as error:
            self.add_error(None, error)
        else:
            self.pow_passed = True
        return ""


class ComplaintForm(DescribedFieldsMixin, ProofOfWorkForm, PublicForm):
    # Hidden fields carry no limits of their own: resolve_target checks them and
    # reports one visible error.
    bureau = forms.CharField(widget=forms.HiddenInput, required=False)
    mediator = forms.CharField(widget=forms.HiddenInput, required=False)
    committee = forms.CharField(widget=forms.HiddenInput, required=False)
    description = forms.CharField(
        label=_("What happened"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "When and where, and what the mediator or committee did. At most 2000 characters."
        ),
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=20,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text=_(
            "A mobile number or a landline with its area code. We call you about the complaint."
        ),
    )
    attachments = AttachmentsField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target: Target | None = None
        self.describe_fields()

    def clean_description(self):
        value = self.cleaned_data["description"].strip()
        if not value:
            raise forms.ValidationError(self.fields["description"].error_messages["required"])
        return value

    def clean_name(self):
        value = self.cleaned_data["name"].strip()
        if not value:
            raise forms.ValidationError(self.fields["name"].error_messages["required"])
        return value

    def clean_attachments(self):
        if not self.pow_passed:
            return []
        return check_uploads(self.cleaned_data.get("attachments"))

    def clean(self):
        data = super().clean()
        try:
            self.target = resolve_target(
                self.data.get("bureau", ""),
                self.data.get("mediator", ""),
                self.data.get("committee", ""),
            )
        except NotOnRoster:
            self.add_error(None, forms.ValidationError(NOT_ON_ROSTER, code="not_on_roster"))
        return data


class StatusForm(DescribedFieldsMixin, PublicForm):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    code = forms.CharField(
        label=_("Secret code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
