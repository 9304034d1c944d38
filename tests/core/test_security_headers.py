"""Headers and sessions: a strict Content-Security-Policy on every response, API
tokens that die with the password or the account, and a login lockout per username
and client address behind a proxy."""

import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from rest_framework.authtoken.models import Token

from tests.isolation.test_walker import PARAMS, ROUTES, _concrete, _methods, _model_of

PASSWORD = "pass-word-123"
ROOT = Path(settings.BASE_DIR)
OUR_APPS = ("core", "registry", "mediation", "publication", "complaints", "grading", "subsidies")

# What a page may not carry under the policy: an inline <script> or <style> without
# a nonce (a <script src> and a JSON data block are fine), an inline event handler,
# a style attribute.
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*type=\"application/json\")[^>]*>", re.I
)
INLINE_STYLE = re.compile(r"<style\b(?![^>]*\bnonce=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)
TEMPLATE_COMMENT = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)


def _inline_code(html: str) -> list[str]:
    found = []
    for name, pattern in (
        ("inline script", INLINE_SCRIPT),
        ("inline style element", INLINE_STYLE),
        ("event handler attribute", EVENT_HANDLER),
        ("style attribute", STYLE_ATTRIBUTE),
    ):
        found += [f"{name}: {m.group(0)[:80]}" for m in pattern.finditer(html)]
    return found


def _templates():
    folders = [ROOT / "templates", *(ROOT / app / "templates" for app in OUR_APPS)]
    return [path for folder in folders if folder.is_dir() for path in folder.rglob("*.html")]


def test_no_template_carries_inline_script_or_style():
    templates = _templates()
    assert len(templates) > 50, "the scan found too few templates to be scanning them"
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in templates
        if (found := _inline_code(TEMPLATE_COMMENT.sub("", path.read_text())))
    }
    assert not offenders, offenders


def test_the_scan_sees_what_it_is_looking_for():
    page = (
        '<script>alert(1)</script><script nonce="n">ok()</script><script src="/a.js"></script>'
        '<button onclick="x()">b</button><div style="color: red"></div><style>p{}</style>'
    )
    assert len(_inline_code(page)) == 4


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_the_policy_allows_only_the_sites_own_assets(client, db):
    policy = _policy(client.get("/login/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert policy[directive][0] == "'self'"
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(policy[directive])


def _crawl_urls(objects, world):
    """Every GET route the URL resolver knows, the public ones included, made concrete
    with an own object of unit "a" and the county's code."""
    params = {**PARAMS, "region_code": world["a"]["county"].pk}
    for route, pattern in ROUTES:
        if "GET" not in _methods(pattern):
            continue
        names = set(pattern.pattern.regex.groupindex)
        if names - {"pk"} - set(params):
            continue  # a public card's slug and the like: its page is tested elsewhere
        obj = None
        if "pk" in names:
            obj = objects["a"].get(_model_of(pattern))
            if obj is None:
                continue
        yield _concrete(route, pattern, obj, params=params)


def test_every_page_carries_the_policy_and_no_inline_code(client, world, objects):
    """Crawl every route as a bureau admin of unit "a", and the public ones as a
    stranger: each answer has the header, and each page runs no inline code."""
    client.force_login(world["a"]["county_admin"])
    stranger = type(client)()
    pages = 0
    for url in sorted(set(_crawl_urls(objects, world))):
        visitor = stranger if url.startswith("/public/") else client
        response = visitor.get(url)
        assert "Content-Security-Policy" in response, f"GET {url}: no policy"
        if response["Content-Type"].startswith("text/html") and response.status_code == 200:
            assert not _inline_code(response.content.decode()), url
            pages += 1
    assert pages > 40, f"only {pages} pages crawled"


def test_errors_and_cached_public_pages_carry_the_policy_too(client, world, objects):
    assert "Content-Security-Policy" in client.get("/no-such-page/")
    url = f"/public/{world['a']['county'].pk}/"
    first, cached = client.get(url), client.get(url)
    assert first.status_code == cached.status_code == 200
    assert "Content-Security-Policy" in cached


# --- API tokens die with the credentials ---------------------------------------------


@pytest.fixture
def token(world):
    return Token.objects.create(user=world["a"]["county_user"])


def test_changing_the_password_revokes_the_users_tokens(token):
    user = token.user
    user.set_password("another-pass-word-456")
    user.save()
    assert not Token.objects.filter(user=user).exists()


def test_deactivating_the_account_revokes_the_users_tokens(token):
    user = token.user
    user.is_active = False
    user.save()
    assert not Token.objects.filter(user=user).exists()


def test_a_revoked_token_is_refused(client, token):
    header = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get("/api/v1/me/", **header).status_code == 200
    user = token.user
    user.set_password("another-pass-word-456")
    user.save()
    assert client.get("/api/v1/me/", **header).status_code == 401


def test_other_saves_keep_the_token(client, token):
    user = token.user
    user.first_name = "三"
    user.save()
    # Logging in saves last_login (and may rehash the password): not a change of it.
    login = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert login.status_code == 302
    assert Token.objects.filter(pk=token.pk).exists()


def test_reactivating_does_not_revive_a_revoked_token(token):
    user = token.user
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()
    assert not Token.objects.filter(user=user).exists()


# --- The login lockout, per username and client address --------------------------


@pytest.fixture
def behind_proxy(settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.AXES_FAILURE_LIMIT = 3


def _login(client, username, password, client_ip):
    return client.post(
        "/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="10.9.9.9",  # the proxy, the same for everyone
        HTTP_X_REAL_IP=client_ip,
    )


def test_the_lockout_uses_the_client_address_from_the_proxy_header(client, world, behind_proxy):
    _login(client, "a_county", "wrong", "203.0.113.7")
    attempt = AccessAttempt.objects.get(username="a_county")
    assert attempt.ip_address == "203.0.113.7"


def test_colleagues_behind_one_proxy_address_do_not_lock_each_other_out(
    client, world, behind_proxy
):
    for _attempt in range(3):
        _login(client, "a_county", "wrong", "203.0.113.7")
    locked = _login(client, "a_county", PASSWORD, "203.0.113.7")
    assert locked.status_code == 429
    # A colleague at the same desk, and the same user from another address, log in.
    colleague = _login(type(client)(), "a_clerk", PASSWORD, "203.0.113.7")
    assert colleague.status_code == 302
    elsewhere = _login(type(client)(), "a_county", PASSWORD, "198.51.100.4")
    assert elsewhere.status_code == 302


def test_a_header_that_is_not_an_address_falls_back_to_the_socket(client, world, behind_proxy):
    _login(client, "a_county", "wrong", "not-an-address")
    assert AccessAttempt.objects.get(username="a_county").ip_address == "10.9.9.9"


def test_the_audit_trail_records_the_client_address_not_a_forwarded_for(
    client, world, behind_proxy
):
    """auditlog reads X-Forwarded-For, which any client can send; the trail takes the
    address the proxy vouches for, as the lockout does."""
    from auditlog.models import LogEntry

    office = world["a"]["office"]
    client.force_login(world["a"]["county_user"])
    response = client.patch(
        f"/api/v1/offices/{office.pk}/",
        data='{"phone": "0575-2"}',
        content_type="application/json",
        REMOTE_ADDR="10.9.9.9",
        HTTP_X_REAL_IP="203.0.113.7",
        HTTP_X_FORWARDED_FOR="192.0.2.66",
    )
    assert response.status_code == 200
    entry = LogEntry.objects.get_for_object(office).latest("timestamp")
    assert entry.remote_addr == "203.0.113.7"
