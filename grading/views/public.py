"""The public notice of grading rounds (公示) under the bureau's part of the public
site, and the objection form (异议). No login; every request is treated as hostile:
the round and the mediator are re-read from the database on every request, the form
is protected by CSRF, a proof-of-work and rate limits, and the notice shows only the
name, committee and level of each mediator."""

import time

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from complaints import limits, pow
from core.generic_views import see_other
from core.models import Bureau
from core.tenancy import all_regions
from grading import excel, services
from grading.models import Application, GradingRound, RoundStatus
from grading.public_forms import ObjectionForm
from registry import levels

RECEIPT_KEY = "grading_objection_receipt"
RECEIPT_MINUTES = 30
TOO_MANY_FROM_IP = _(
    "Too many objections from your network in the last hour. Please try again later or "
    "call the bureau."
)
TOO_MANY_FOR_PHONE = _(
    "Too many objections with this phone number today. Please try again tomorrow or call "
    "the bureau."
)
NOT_IN_NOTICE = _("This round is not in its public notice; objections are closed.")


def _bureau(region_code) -> Bureau:
    with all_regions():
        bureau = Bureau.objects.select_related("region").filter(region_id=region_code).first()
    if bureau is None:
        raise Http404
    return bureau


def _round(bureau, round_id) -> GradingRound:
    """A round of *bureau* that has published a notice (in notice or after it)."""
    with all_regions():
        found = (
            GradingRound.objects.select_related("bureau")
            .filter(bureau=bureau, pk=round_id, notice_starts_on__isnull=False)
            .first()
        )
    if found is None:
        raise Http404
    return found


def _public_rows(round_):
    """(application, committee, level name) of the approved mediators: the notice."""
    with all_regions():
        applications = list(services.notice_list(round_).order_by("rank", "mediator__name", "pk"))
        committees = excel.committees_of(round_, applications)
    names = (round_.rules or {}).get("levels") or levels.names(round_.bureau)
    return [
        {
            "application_id": a.pk,
            "name": a.mediator.name,
            "committee": getattr(committees.get(a.mediator_id), "name", ""),
            "level": levels.name(a.rank, names),
        }
        for a in applications
    ]


@require_safe
def notices(request, region_code):
    """The bureau's rounds whose notice is running today."""
    bureau = _bureau(region_code)
    today = timezone.localdate()
    with all_regions():
        running = list(
            GradingRound.objects.filter(
                bureau=bureau,
                status=RoundStatus.NOTICE,
                notice_starts_on__lte=today,
                notice_ends_on__gte=today,
            ).order_by("-notice_starts_on", "pk")
        )
    return render(request, "public/grading_notices.html", {"bureau": bureau, "rounds": running})


@require_safe
def notice(request, region_code, round_id):
    bureau = _bureau(region_code)
    round_ = _round(bureau, round_id)
    open_now = round_.notice_open_on(timezone.localdate())
    context = {
        "bureau": bureau,
        "round": round_,
        "open_now": open_now,
        "rows": _public_rows(round_) if open_now else [],
    }
    return render(request, "public/grading_notice.html", context, status=200 if open_now else 404)


def _form_page(request, bureau, round_, form, *, status=200, message=None, row=None):
    """The form page; every rendering carries a fresh proof-of-work challenge."""
    return render(
        request,
        "public/grading_objection.html",
        {
            "bureau": bureau,
            "round": round_,
            "form": form,
            "row": row,
            "message": message,
            "pow_challenge": pow.new_challenge(),
            "pow_bits": pow.bits(),
            "open_now": round_.notice_open_on(timezone.localdate()),
        },
        status=status,
    )


def _row(round_, application_id):
    if application_id is None:
        return None
    return next((r for r in _public_rows(round_) if r["application_id"] == application_id), None)


def _rate_limited(request, phone):
    exceeded = limits.exceeded(request, phone, group="public-objection")
    return {limits.FROM_IP: TOO_MANY_FROM_IP, limits.FOR_PHONE: TOO_MANY_FOR_PHONE}.get(exceeded)


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def objection(request, region_code, round_id):
    bureau = _bureau(region_code)
    round_ = _round(bureau, round_id)
    if request.method == "GET":
        raw = request.GET.get("application", "")
        wanted = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None
        form = ObjectionForm(initial={"application": wanted or ""})
        message = None if round_.notice_open_on(timezone.localdate()) else NOT_IN_NOTICE
        return _form_page(request, bureau, round_, form, message=message, row=_row(round_, wanted))
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        row = _row(round_, form.cleaned_data.get("application"))
        return _form_page(request, bureau, round_, form, row=row)
    data = form.cleaned_data
    row = _row(round_, data["application"])
    message = _rate_limited(request, data["phone"])
    if message is not None:
        return _form_page(request, bureau, round_, form, status=429, message=message, row=row)
    try:
        with all_regions():
            application = Application.objects.filter(pk=data["application"], round=round_).first()
            if application is None:
                raise ValidationError({"application": _("Choose a mediator on the notice.")})
            services.file_objection(
                round_, application, text=data["text"], phone=data["phone"], name=data["name"]
            )
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _form_page(request, bureau, round_, form, row=row)
    request.session[RECEIPT_KEY] = {
        "round": round_.pk,
        "name": row["name"] if row else "",
        "filed_at": time.time(),
    }
    return see_other(reverse("public_grading:objection_received", args=[region_code, round_.pk]))


@never_cache
@require_safe
def objection_received(request, region_code, round_id):
    bureau = _bureau(region_code)
    round_ = _round(bureau, round_id)
    kept = request.session.get(RECEIPT_KEY)
    if (
        not kept
        or kept["round"] != round_.pk
        or time.time() - kept["filed_at"] > RECEIPT_MINUTES * 60
    ):
        raise Http404
    response = render(
        request,
        "public/grading_objection_received.html",
        {"bureau": bureau, "round": round_, "name": kept["name"]},
    )
    response["Cache-Control"] = "no-store"
    return response
