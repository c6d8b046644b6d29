"""The deployment files: .env.example must list exactly the settings the app reads, with their real defaults,
and the systemd units and crontab must say what deploy/README.md promises."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from pulsepal.settings import Settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
ASSIGNMENT = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$")


def example_values() -> dict[str, str]:
    values = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        match = ASSIGNMENT.match(line.strip())
        if match:
            assert match.group(1) not in values, f"{match.group(1)} listed twice"
            values[match.group(1)] = match.group(2)
    return values


def test_env_example_lists_every_setting_and_nothing_else():
    names = set(example_values())
    fields = {name.upper() for name in Settings.model_fields}
    assert names - fields == set(), "in .env.example but not a setting"
    assert fields - names == set(), "settings missing from .env.example"


def test_env_example_shows_the_real_defaults(tmp_path, monkeypatch):
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    with_values = {k: v for k, v in example_values().items() if v != ""}
    env_file = tmp_path / "example.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in with_values.items()))
    from_example = Settings(_env_file=env_file)
    defaults = Settings(_env_file=None)
    assert from_example.model_dump() == defaults.model_dump()
    for name, field in Settings.model_fields.items():
        if example_values()[name.upper()] == "":
            assert field.default in (None, ""), f"{name.upper()} has a default that .env.example does not show"


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in (DEPLOY / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        assert current is not None, f"{name}: {line!r} outside a section"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def test_app_service_runs_chainlit_hardened():
    service = unit("pulsepal.service")["Service"]
    assert service["WorkingDirectory"] == ["/opt/pulsepal"]
    argv = shlex.split(service["ExecStart"][0])
    assert argv[0] == "/opt/pulsepal/.venv/bin/chainlit"
    assert argv[1:] == ["run", "app.py", "--host", "127.0.0.1", "--port", "8000", "--headless"]
    assert service["NoNewPrivileges"] == ["true"] and service["ProtectSystem"] == ["strict"]
    assert service["PrivateTmp"] == ["true"] and service["UMask"] == ["0077"]
    writable = service["ReadWritePaths"][0].split()
    assert {"/opt/pulsepal/sessions", "/opt/pulsepal/conversationLogs"} <= set(writable)
    assert unit("pulsepal.service")["Install"]["WantedBy"] == ["multi-user.target"]


def test_cleanup_service_and_timer_run_the_script_hourly():
    service = unit("pulsepal-cleanup.service")["Service"]
    assert service["Type"] == ["oneshot"] and service["WorkingDirectory"] == ["/opt/pulsepal"]
    argv = shlex.split(service["ExecStart"][0])
    assert argv[0] == "/opt/pulsepal/.venv/bin/python"
    assert argv[1] == "/opt/pulsepal/scripts/cleanup_sessions.py"
    assert (REPO / "scripts" / "cleanup_sessions.py").is_file()
    assert service["ProtectSystem"] == ["strict"] and service["UMask"] == ["0077"]
    assert "/opt/pulsepal/sessions" in service["ReadWritePaths"][0].split()

    timer = unit("pulsepal-cleanup.timer")
    assert timer["Timer"]["OnCalendar"] == ["hourly"] and timer["Timer"]["Persistent"] == ["true"]
    assert timer["Timer"]["Unit"] == ["pulsepal-cleanup.service"]
    assert timer["Install"]["WantedBy"] == ["timers.target"]


def test_crontab_runs_the_cleanup_hourly_from_the_install_folder():
    lines = [line for line in (DEPLOY / "crontab").read_text().splitlines() if line and not line.startswith("#")]
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    assert fields[:5] == ["0", "*", "*", "*", "*"]
    assert fields[5].startswith("cd /opt/pulsepal && ") and "scripts/cleanup_sessions.py" in fields[5]
