"""docker-compose.yml and the Dockerfile agree: the site's services wait for the
migrations, the files the site writes live on named volumes that web and worker share at
the paths the image gives the settings, and the image runs the installed wheel."""

import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SITE_SERVICES = ("web", "worker", "beat")


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _final_stage():
    """The Dockerfile's last stage as (instruction, arguments) pairs."""
    lines, current = [], ""
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        if not current and (not raw.strip() or raw.lstrip().startswith("#")):
            continue
        current += raw.rstrip("\\").strip() + " "
        if not raw.endswith("\\"):
            lines.append(current.strip())
            current = ""
    instructions = [tuple(line.split(None, 1)) for line in lines]
    start = max(i for i, (word, _) in enumerate(instructions) if word.upper() == "FROM")
    return [(word.upper(), args) for word, args in instructions[start + 1 :]]


def _image_env():
    env = {}
    for word, args in _final_stage():
        if word == "ENV":
            env.update(pair.split("=", 1) for pair in shlex.split(args))
    return env


def test_the_site_services_start_after_the_migrations_have_run():
    services = _compose()["services"]
    migrate = services["migrate"]
    assert "migrate" in " ".join(migrate["command"])
    assert migrate["restart"] == "no"  # one-shot: it must not be started again and again
    for name in SITE_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert services[name]["image"] == migrate["image"], name


def test_web_and_worker_keep_the_site_files_on_shared_named_volumes():
    compose = _compose()
    env = _image_env()
    wanted = {env["MEDIA_ROOT"], env["PRIVATE_MEDIA_ROOT"]}
    mounts = {}
    for name in ("web", "worker"):
        volumes = dict(reversed(v.split(":")[:2]) for v in compose["services"][name]["volumes"])
        assert wanted <= set(volumes), name
        mounts[name] = {path: volumes[path] for path in wanted}
    assert mounts["web"] == mounts["worker"]
    assert set(mounts["web"].values()) <= set(compose["volumes"])
    assert len(set(mounts["web"].values())) == 2


def test_the_image_runs_the_installed_wheel_not_a_source_tree():
    stage = _final_stage()
    assert "PYTHONPATH" not in _image_env()
    assert not [args for word, args in stage if word in {"COPY", "ADD"} and args.startswith(".")]
    runs = " ".join(args for word, args in stage if word == "RUN")
    assert "pip install /tmp/wheels/" in runs
    assert "mediator-registry collectstatic" in runs


def test_beat_runs_the_schedule_from_the_settings():
    command = _compose()["services"]["beat"]["command"]
    assert command[:4] == ["celery", "-A", "mediation", "beat"]
    assert not {"-S", "--scheduler"} & set(command)


def test_the_web_server_runs_the_measured_gunicorn_settings(monkeypatch):
    """The image serves with mediation/gunicorn_conf.py, the settings `make
    bench-public` measures: gthread workers, two per core plus one unless set."""
    import importlib
    import json

    import mediation.gunicorn_conf as conf

    (command,) = [json.loads(args) for word, args in _final_stage() if word == "CMD"]
    assert command[:3] == ["gunicorn", "-c", "python:mediation.gunicorn_conf"]
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    importlib.reload(conf)
    assert conf.worker_class == "gthread"
    assert conf.workers == 2 * conf._cores() + 1
    assert conf.threads == 4
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "8")
    assert (importlib.reload(conf).workers, conf.threads) == (3, 8)
