"""Ask PulsePal from the command line: `python run_pulsepal.py [--session-id ID] "your question"`.

Prints the session id and the answer. Reuse the printed id to continue the conversation; an unknown or expired id
starts a new session (its id is printed).
"""

from __future__ import annotations

import argparse
import asyncio
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ask PulsePal a Pulseq question.")
    parser.add_argument("query", nargs="+", help="the question (quote it, or pass several words)")
    parser.add_argument("--session-id", help="continue an existing session")
    parser.add_argument("--language", choices=["matlab", "python", "octave"], help="answer in this language")
    args = parser.parse_args(argv)
    try:
        from pulsepal.main_agent import QueryError
        from pulsepal.sessions import InvalidSessionId
        from pulsepal.settings import SettingsError
    except ModuleNotFoundError as exc:
        return _not_installed(exc)
    except Exception as exc:  # noqa: BLE001 - an import-time settings error is the usual cause
        print(f"error: {exc}", file=sys.stderr)
        return 2
    query = " ".join(args.query)
    if args.language:
        query = f"/{args.language}" if not query.strip() else query
    try:
        session_id, response = asyncio.run(_ask(query, args.session_id, args.language))
    except (InvalidSessionId, QueryError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as exc:  # the answers import pypulseq only when they are first needed
        return _not_installed(exc)
    print(f"Session: {session_id}")
    print(f"Response: {response}")
    return 0


def _not_installed(exc: ModuleNotFoundError) -> int:
    """Run by a Python that lacks PulsePal's packages (the system one, not the project's venv): say which to use."""
    print(f"error: {exc} in {sys.executable}; run this with the project's .venv/bin/python "
          "(the README's install command creates it)", file=sys.stderr)
    return 2


async def _ask(query: str, session_id: str | None, language: str | None) -> tuple[str, str]:
    from pulsepal.dependencies import get_session_manager
    from pulsepal.main_agent import run_pulsepal

    if language:
        manager = get_session_manager()
        ctx, _ = await asyncio.to_thread(manager.get_or_create_session, session_id)
        await asyncio.to_thread(manager.update_session, ctx.session_id, preferred_language=language)
        session_id = ctx.session_id
    return await run_pulsepal(query, session_id)


if __name__ == "__main__":
    sys.exit(main())
