"""The public complaint pages: file a complaint about a mediator or a committee on a
bureau's published roster, and follow it with the tracking number and secret code.

No login. Every request is treated as hostile: the target is re-read from the live
publication, the form is protected by CSRF, a proof-of-work and rate limits, and
the secret code never travels in a URL.

A filed complaint redirects (303) to its receipt, so refreshing the receipt shows the
receipt again instead of asking to send the form twice. The receipt is kept in the
session: the secret code is taken out of it the first time it is shown (it is shown
once, as the page says: a session outlives the visit on a shared computer), and the
rest stays for RECEIPT_MINUTES for a refresh to show again.
"""

import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from complaints import limits, pow, services
from complaints.forms.public import (
    ComplaintForm,
    NotOnRoster,
    StatusForm,
    find_bureau,
    resolve_target,
)
from complaints.models import Channel, Complaint, ComplaintStatus
from core.generic_views import see_other
from core.tenancy import all_regions
from publication.selectors import bureaus_with_live_roster

NEW_TEMPLATE = "public/complaint_new.html"
CHOOSE_TEMPLATE = "public/complaint_choose.html"
RECEIPT_TEMPLATE = "public/complaint_receipt.html"
RECEIPT_GONE_TEMPLATE = "public/complaint_receipt_gone.html"
RECEIPT_KEY = "complaint_receipt"
RECEIPT_MINUTES = 30
STATUS_TEMPLATE = "public/complaint_status.html"

TOO_MANY_FROM_IP = _(
    "Too many complaints from your network in the last hour. Please try again later "
    "or call the bureau."
)
TOO_MANY_FOR_PHONE = _(
    "Too many complaints with this phone number today. Please try again tomorrow or "
    "call the bureau."
)
TOO_MANY_LOOKUPS = _(
    "Too many status enquiries from your network in the last hour. Please try again later."
)
NOT_FOUND = _(
    "No complaint matches this tracking number and secret code. Please check both and try again."
)


def _choose(request, bureau=None, *, not_found=False):
    """Where the form starts without a target: choose the bureau, then find the
    mediator on its roster and click "Complain"."""
    bureaus = bureaus_with_live_roster()
    if bureau is not None and bureau.pk not in {b.pk for b in bureaus}:
        bureau = None
    return render(
        request,
        CHOOSE_TEMPLATE,
        {"bureaus": bureaus, "bureau": bureau, "not_found": not_found},
        status=404 if not_found else 200,
    )


def _form_page(request, form, target, *, status=200, message=None):
    """The form page. Every rendering carries a fresh proof-of-work challenge."""
    return render(
        request,
        NEW_TEMPLATE,
        {
            "form": form,
            "target": target,
            "bureau": target.bureau if target else None,
            "pow_challenge": pow.new_challenge(),
            "pow_bits": pow.bits(),
            "message": message,
        },
        status=status,
    )


def _rate_limited_message(request, phone):
    exceeded = limits.exceeded(request, phone, group="public-complaint")
    return {limits.FROM_IP: TOO_MANY_FROM_IP, limits.FOR_PHONE: TOO_MANY_FOR_PHONE}.get(exceeded)


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def new(request):
    if request.method == "POST":
        return _submit(request)
    bureau_code = request.GET.get("bureau", "")
    mediator_id = request.GET.get("mediator", "")
    committee_code = request.GET.get("committee", "")
    if not (mediator_id or committee_code):
        return _choose(request, find_bureau(bureau_code) if bureau_code else None)
    try:
        target = resolve_target(bureau_code, mediator_id, committee_code)
    except NotOnRoster:
        return _choose(request, find_bureau(bureau_code), not_found=True)
    return _form_page(request, ComplaintForm(), target)


def _submit(request):
    form = ComplaintForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_page(request, form, form.target)
    data = form.cleaned_data
    message = _rate_limited_message(request, data["phone"])
    if message is not None:
        return _form_page(request, form, form.target, status=429, message=message)
    target = form.target
    try:
        with all_regions():
            complaint, code = services.file_complaint(
                **target.registry_objects(),
                name=data["name"],
                phone=data["phone"],
                description=data["description"],
                channel=Channel.ONLINE,
                attachments=data["attachments"],
            )
    except ValidationError as error:
        for text in error.messages:
            form.add_error(None, text)
        return _form_page(request, form, target)
    request.session[RECEIPT_KEY] = {
        "complaint": complaint.pk,
        "code": code,
        "mediator": target.published_mediator.name if target.published_mediator else "",
        "committee": target.published_committee.name,
        "filed_at": time.time(),
    }
    return see_other(reverse("public_complaints:receipt"))


@never_cache
@require_safe
def receipt(request):
    """The receipt of the complaint this browser just filed: with the secret code the
    first time, without it on a refresh."""
    kept = request.session.get(RECEIPT_KEY)
    if not kept or time.time() - kept["filed_at"] > RECEIPT_MINUTES * 60:
        request.session.pop(RECEIPT_KEY, None)
        response = render(request, RECEIPT_GONE_TEMPLATE, status=404)
    else:
        code = kept.pop("code", None)
        request.session[RECEIPT_KEY] = kept
        with all_regions():
            complaint = Complaint.objects.select_related("bureau").get(pk=kept["complaint"])
        context = {
            "complaint": complaint,
            "code": code,
            "mediator_name": kept["mediator"],
            "committee_name": kept["committee"],
            "bureau": complaint.bureau,
        }
        response = render(request, RECEIPT_TEMPLATE, context)
    # Never kept by the browser or a proxy: the page names the complainant.
    response["Cache-Control"] = "no-store"
    return response


def _public_view(complaint) -> dict:
    """The only things the complainant sees about their complaint."""
    concluded = complaint.status in (ComplaintStatus.CONCLUDED, ComplaintStatus.ANSWERED)
    answered = complaint.status == ComplaintStatus.ANSWERED
    return {
        "tracking_number": complaint.tracking_number,
        "status": complaint.get_status_display(),
        "received_on": complaint.received_on,
        "due_on": complaint.due_on,
        "finding": complaint.get_finding_display() if concluded else "",
        "answer": complaint.answer if answered else "",
        "answered_on": complaint.answered_on if answered else None,
    }


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def status(request):
    if request.method == "GET":
        return render(request, STATUS_TEMPLATE, {"form": StatusForm()})
    if is_ratelimited(
        request,
        group="public-complaint-status",
        key="ip",
        rate=settings.COMPLAINT_STATUS_RATE_PER_IP,
        increment=True,
    ):
        context = {"form": StatusForm(), "message": TOO_MANY_LOOKUPS}
        return render(request, STATUS_TEMPLATE, context, status=429)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return render(request, STATUS_TEMPLATE, {"form": form})
    complaint = services.find_for_complainant(
        form.cleaned_data["tracking_number"], form.cleaned_data["code"]
    )
    if complaint is None:
        # The same page for an unknown number and a wrong code: nothing echoed back.
        return render(request, STATUS_TEMPLATE, {"form": StatusForm(), "message": NOT_FOUND})
    with all_regions():
        bureau = complaint.bureau
        shown = _public_view(complaint)
    return render(request, STATUS_TEMPLATE, {"found": shown, "bureau": bureau})
