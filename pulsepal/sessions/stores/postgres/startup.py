"""What must be true before an app replica starts on PostgreSQL, as sentences an operator can act on.

The app's start-up (wired by the lead) refuses to start when this returns anything: a replica on an old schema
would write rows the new code cannot read, and replicas with different (or random, per-process) Chainlit auth
secrets would sign each other's users out whenever the load balancer moves them.
"""

from __future__ import annotations

import os
from typing import Mapping, Optional

from ....settings import Settings


def startup_problems(settings: Settings, environ: Optional[Mapping[str, str]] = None) -> list[str]:
    """[] when a replica may start; else one message per problem. Nothing is asked of a file-store deployment."""
    url = settings.session_database_url
    if not url:
        return []
    env: Mapping[str, str] = os.environ if environ is None else environ
    problems = []
    if not (env.get("CHAINLIT_AUTH_SECRET") or "").strip():
        problems.append("SESSION_DATABASE_URL is set but CHAINLIT_AUTH_SECRET is not: every replica must sign sign-ins "
                        "with the same secret (generate one with `chainlit create-secret` and give it to all of them)")
    from . import schema
    from .pool import DatabaseUnavailable, connection, open_pool, redact_url

    try:
        pool = open_pool(url, size=2, timeout=settings.session_database_timeout_seconds, name="pulsepal-startup")
    except DatabaseUnavailable as exc:
        return problems + [str(exc)]
    try:
        with connection(pool) as conn:
            message = schema.problem(schema.current_version(conn))
        if message:
            problems.append(f"{redact_url(url)}: {message}")
    except DatabaseUnavailable as exc:
        problems.append(str(exc))
    finally:
        pool.close()
    return problems
