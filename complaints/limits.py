"""The rate limits of the public site's filing forms (a complaint, an objection to a
grading notice): per client address and per phone number, the same rates for both
(settings COMPLAINT_RATE_PER_IP / _PER_PHONE), each form counted in its own groups."""

from django.conf import settings
from django_ratelimit.core import is_ratelimited

from core.personal import digest, normalize_phone

FROM_IP, FOR_PHONE = "ip", "phone"


def exceeded(request, phone: str, *, group: str) -> str | None:
    """Count this filing against the address's and the phone's limits of *group*;
    which one is exceeded (FROM_IP or FOR_PHONE), else None."""
    if is_ratelimited(
        request,
        group=f"{group}-ip",
        key="ip",
        rate=settings.COMPLAINT_RATE_PER_IP,
        increment=True,
    ):
        return FROM_IP
    phone_digest = digest(normalize_phone(phone))
    if is_ratelimited(
        request,
        group=f"{group}-phone",
        key=lambda group, request: phone_digest,
        rate=settings.COMPLAINT_RATE_PER_PHONE,
        increment=True,
    ):
        return FOR_PHONE
    return None
