"""The client's address, read one way everywhere: rate limits (django-ratelimit reads
RATELIMIT_IP_META_KEY itself), the login lockout (AXES_CLIENT_IP_CALLABLE) and the
audit trail."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The address the proxy put in RATELIMIT_IP_META_KEY (it must overwrite the
    header, so a client cannot choose it), else the socket's. A value that is not an
    address falls back to the socket's rather than reaching the database."""
    meta = request.META
    key = settings.RATELIMIT_IP_META_KEY
    value = (meta.get(key) or "").strip() if key else ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return meta.get("REMOTE_ADDR") or None
