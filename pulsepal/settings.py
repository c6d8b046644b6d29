"""The one settings object, and the only reader of the environment.

Every knob is an environment variable of the same name in upper case (also read from `.env` in the working
directory), and can be overridden programmatically: `Settings(max_session_duration_hours=48)`. Values that would
make the engine misbehave (negative hours, a zero history) are refused when the object is built, so a bad
deployment fails at start-up with the variable's name instead of corrupting sessions later.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, Optional

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        validate_assignment=True,
    )

    # --- Session lifecycle (the spec's documented variables) ---------------------------------------------------
    max_session_duration_hours: float = Field(24, gt=0, description="Age after which an active session is archived.")
    session_inactive_timeout_hours: float = Field(2, gt=0, description="Idle time after which a session expires.")
    max_conversation_history: int = Field(
        100, ge=1, description="Messages kept in the active session file and in prompts; the full log is kept."
    )
    max_active_sessions: int = Field(
        1000, ge=1, description="When reached, the least recently active sessions are archived to make room."
    )
    session_archive_days: float = Field(7, gt=0, description="Days an archive is kept before the cleanup removes it.")
    session_compression: bool = Field(True, description="gzip archived sessions.")
    session_storage_path: Path = Field(Path("./sessions"), description="Root folder of the session store.")

    # --- Engine extras --------------------------------------------------------------------------------------------
    conversation_log_path: Optional[Path] = Field(
        None, description="Folder of per-session conversation logs; default: conversationLogs/ beside the store."
    )
    session_cleanup_interval_minutes: float = Field(60, gt=0, description="How often the background cleanup runs.")
    session_storage_limit_mb: float = Field(1024, gt=0, description="Storage use above this raises an alert.")
    session_backup_days: float = Field(30, gt=0, description="Days backups of removed sessions are kept.")
    session_active_alert_ratio: float = Field(
        0.9, gt=0, le=1, description="Alert when active sessions exceed this share of MAX_ACTIVE_SESSIONS."
    )
    session_prune_max_share: float = Field(
        0.5, gt=0, le=1, description="A cleanup pass that would remove more than this share of all archives at once "
        "(and more than 10) waits for confirmation: --force on the CLI, or the admin page.",
    )
    session_encryption_key: Optional[str] = Field(
        None, description="Fernet key; when set, archives and backups are encrypted with it."
    )

    # --- PostgreSQL session store (several replicas over one database; unset = the file store) -------------------
    session_database_url: Optional[str] = Field(
        None, description="postgresql://user:password@host:5432/db: keep sessions, archives, users and records in "
        "PostgreSQL instead of SESSION_STORAGE_PATH (run `python -m pulsepal.cli db upgrade` first)."
    )
    session_database_pool_size: int = Field(
        10, ge=2, le=200, description="PostgreSQL connections per app process (a cleanup pass holds one)."
    )
    session_database_timeout_seconds: float = Field(
        10, gt=0, description="Give up waiting for a PostgreSQL connection, or for a lock, after this long (then 503)."
    )

    # --- Answers (the optional LLM backend; offline when LLM_BASE_URL is empty) -------------------------------------
    llm_base_url: Optional[str] = Field(None, description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1.")
    llm_api_key: Optional[str] = Field(None, description="API key for the endpoint (any placeholder for Ollama/vLLM).")
    llm_model: str = Field("gpt-4o-mini", description="Model name sent to the endpoint.")
    llm_timeout_seconds: float = Field(30, gt=0, description="Give up on the endpoint after this long.")

    # --- Web app --------------------------------------------------------------------------------------------------
    auth_mode: Literal["local", "password", "proxy"] = Field("local", description="How chat users are identified.")
    users_file: Optional[Path] = Field(
        None, description="Password mode: the users file of salted password hashes; default: <storage>/users.json."
    )
    proxy_user_header: str = Field(
        "X-Forwarded-User",
        min_length=1,
        description="Proxy mode: the request header in which the trusted reverse proxy names the signed-in user.",
    )
    admin_users: str = Field(
        "", description="Password and proxy modes: comma-separated user identifiers that may use the admin page."
    )
    local_user_name: str = Field(
        "local", min_length=1, max_length=64, description="Local mode: the identifier of the single local user."
    )
    allow_remote_local: bool = Field(
        False,
        description="Local mode normally refuses to listen on a non-loopback address (anyone reaching it would be "
        "the local user); set true only behind your own access control.",
    )
    trusted_proxy_ips: str = Field(
        "",
        description="Comma-separated IP addresses or CIDR networks of the reverse proxies allowed to name the user "
        "(PROXY_USER_HEADER) and the client (X-Forwarded-For); required in proxy mode. Replaces uvicorn's "
        "FORWARDED_ALLOW_IPS, which the app turns off so that it can see the proxy's own address.",
    )
    allowed_hosts: str = Field(
        "",
        description="Comma-separated host names the app answers to besides localhost and loopback addresses (the "
        "Host header of every request and of the chat socket is checked, against DNS rebinding); * allows any.",
    )
    max_request_body_bytes: int = Field(
        131072,
        ge=1024,
        description="Largest request body accepted, in bytes; larger ones get 413 before they are read. The default "
        "fits the longest question (20,000 characters) even when every character is JSON-escaped.",
    )
    login_free_failures: int = Field(
        5, ge=0, description="Wrong passwords allowed per user and per client address before logins slow down."
    )
    login_backoff_max_seconds: float = Field(
        60,
        gt=0,
        description="Longest wait imposed after repeated wrong passwords (the wait doubles per failure up to this, "
        "and is forgotten after a quiet spell; nobody is locked out for good).",
    )
    default_chat_language: Literal["matlab", "python", "octave"] = Field(
        "matlab", description="Language of a user's first chat, before they choose one in the chat settings."
    )
    pulsepal_bench_no_persist: bool = Field(
        False, description="Benchmark only (bench/bench_chat.py): the chat app answers without touching the store."
    )

    @property
    def users_path(self) -> Path:
        """Users file, defaulting to users.json inside the session store."""
        return self.users_file if self.users_file is not None else self.session_storage_path / "users.json"

    @property
    def admin_user_set(self) -> frozenset[str]:
        return frozenset(name.strip() for name in self.admin_users.split(",") if name.strip())

    @property
    def trusted_proxy_networks(self) -> tuple:
        """TRUSTED_PROXY_IPS as ip_network objects (validated when the settings were built)."""
        import ipaddress

        return tuple(ipaddress.ip_network(item, strict=False) for item in _items(self.trusted_proxy_ips))

    @property
    def allowed_host_set(self) -> frozenset[str]:
        return frozenset(item.lower() for item in _items(self.allowed_hosts))

    @field_validator("trusted_proxy_ips")
    @classmethod
    def _valid_proxy_ips(cls, value: str) -> str:
        import ipaddress

        for item in _items(value):
            if item == "*":
                raise ValueError("'*' would trust every client to name itself; list the proxies' addresses")
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)") from None
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _valid_hosts(cls, value: str) -> str:
        import re

        for item in _items(value):
            if item != "*" and not re.fullmatch(r"\[?[A-Za-z0-9._:-]+\]?", item):
                raise ValueError(f"{item!r} is not a host name (give names like chat.example.org, no scheme or path)")
        return value

    @field_validator("session_storage_path", "conversation_log_path", mode="before")
    @classmethod
    def _not_blank(cls, value):
        if isinstance(value, str) and not value.strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("session_database_url")
    @classmethod
    def _database_url(cls, value: Optional[str]) -> Optional[str]:
        if value is None or not value.strip():
            return None
        if not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a postgresql:// URL, e.g. postgresql://pulsepal:secret@db:5432/pulsepal")
        return value.strip()

    @field_validator("session_encryption_key")
    @classmethod
    def _valid_fernet_key(cls, value: Optional[str]) -> Optional[str]:
        if value in (None, ""):
            return None
        import base64

        try:
            raw = base64.urlsafe_b64decode(value.encode("ascii"))
        except Exception:  # noqa: BLE001 - any decoding failure means the same thing to the operator
            raw = b""
        if len(raw) != 32:
            raise ValueError(
                "must be a Fernet key (32 url-safe base64-encoded bytes); generate one with "
                "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
            )
        return value

    @model_validator(mode="after")
    def _derived_paths(self) -> "Settings":
        if self.conversation_log_path is None:
            object.__setattr__(
                self, "conversation_log_path", self.session_storage_path.parent / "conversationLogs"
            )
        return self

    @property
    def log_path(self) -> Path:
        """Conversation-log folder, always set after validation."""
        assert self.conversation_log_path is not None
        return self.conversation_log_path


def _items(value: str) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


class SettingsError(RuntimeError):
    """Raised with a readable message naming the environment variable that is wrong."""


def load_settings(**overrides) -> Settings:
    """Build Settings, turning pydantic's validation error into one line per bad variable."""
    from pydantic import ValidationError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = str(err["loc"][0]).upper() if err["loc"] else "SETTINGS"
            lines.append(f"{name}: {err['msg']} (got {err.get('input')!r})")
        raise SettingsError("invalid PulsePal settings:\n  " + "\n  ".join(lines)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
