"""The `roadmap` command (CONTRACT.md): serve, migrate, load the demo, manage accounts."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app.core.settings import ConfigurationError, get_settings

Handler = Callable[[argparse.Namespace], int]


def _fail(message: str) -> int:
    print(f"roadmap: {message}", file=sys.stderr)
    return 1


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.main import create_app

    if args.reload:
        os.environ["TEMPLATE_RELOAD"] = "1"  # the worker re-reads templates that change
    # Check here first, so that a mistake is one clear line rather than a worker's traceback.
    create_app()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=None if args.reload else args.workers,
        reload=args.reload,
        # X-Forwarded-For is read by the app itself, and only from TRUSTED_PROXIES
        # (core.security.client_ip): uvicorn's rewrite would believe any hop.
        proxy_headers=False,
    )
    return 0


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    from app.upgrade import upgrade_database

    settings = get_settings()
    for line in upgrade_database(settings):
        print(line)
    print(f"database at {_redacted(settings.database_url)} is up to date")
    return 0


def _redacted(url: str) -> str:
    import sqlalchemy as sa

    return sa.engine.make_url(url).render_as_string(hide_password=True)


def cmd_demo(_args: argparse.Namespace) -> int:
    from app.demo import load_demo

    settings = get_settings()
    if settings.is_production:
        return _fail("the demo is not loaded when ENVIRONMENT=production")
    print(load_demo(settings))
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from app.core.database import make_engine, session_scope
    from app.identity.passwords import WeakPassword
    from app.identity.service import DuplicateAccount, create_user, get_or_create_organisation

    password = args.password
    if password is None:
        if not sys.stdin.isatty():
            return _fail("give --password, or run in a terminal to be asked for one")
        password = getpass.getpass("Password (12 characters or more): ")
        if password != getpass.getpass("Password again: "):
            return _fail("the passwords do not match")
    engine = make_engine(get_settings().database_url)
    try:
        with session_scope(engine, write=True) as db:
            organisation = get_or_create_organisation(db, name=args.organisation)
            user = create_user(
                db,
                email=args.email,
                name=args.name,
                organisation=organisation,
                password=password,
                is_admin=args.admin,
            )
    except (DuplicateAccount, WeakPassword) as exc:
        return _fail(str(exc))
    finally:
        engine.dispose()
    role = "site administrator" if user.is_admin else "user"
    print(f"created {role} {user.email} ({user.name}, {organisation.name})")
    return 0


def cmd_roadmap_check(args: argparse.Namespace) -> int:
    from app.wizard.loader import InvalidRoadmap, load_roadmap

    directory = Path(args.directory) if args.directory else get_settings().roadmap_dir
    try:
        roadmap = load_roadmap(directory)
    except InvalidRoadmap as exc:
        for error in exc.errors:
            print(f"{directory / error.file}: {error.path or '-'}: {error.message}")
        print(f"{len(exc.errors)} error(s)", file=sys.stderr)
        return 1
    questions = sum(len(s.questions) for s in roadmap.stages)
    statements = sum(len(s.statements) for s in roadmap.stages)
    print(
        f"{directory}: roadmap {roadmap.version} is valid: {len(roadmap.stages)} stages, "
        f"{questions} questions, {statements} readiness statements"
    )
    return 0


def cmd_roadmap_schema(args: argparse.Namespace) -> int:
    from app.wizard.loader import editor_schemas

    directory = Path(args.directory) if args.directory else get_settings().roadmap_dir / "schema"
    directory.mkdir(parents=True, exist_ok=True)
    for name, schema in editor_schemas().items():
        (directory / name).write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {directory / name}")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from app.audit.service import chains, verify_chain
    from app.core.database import make_engine, session_scope

    engine = make_engine(get_settings().database_url)
    try:
        with session_scope(engine, write=False) as db:
            names = chains(db, args.partnership)
            breaks = [b for b in (verify_chain(db, name) for name in names) if b is not None]
    finally:
        engine.dispose()
    if breaks:
        for broken in breaks:
            print(f"BROKEN {broken}")
        if any(broken.wrong_key for broken in breaks):
            _fail(
                "SECRET_KEY is not the key that sealed the audit trail: run this with the "
                "SECRET_KEY the service runs with (a break reported with it is tampering)"
            )
        return 1
    print(f"audit trail intact: {len(names)} chain(s) verified")
    return 0


def cmd_audit_seal(_args: argparse.Namespace) -> int:
    from app.audit.service import seal_chains
    from app.core.database import make_engine, session_scope

    engine = make_engine(get_settings().database_url)
    try:
        with session_scope(engine, write=True) as db:
            lines = seal_chains(db)
    finally:
        engine.dispose()
    for line in lines:
        print(line)
    if any(line.startswith("NOT SEALED") for line in lines):
        return 1
    print("every audit chain has a sealed head")
    return 0


def cmd_remind(_args: argparse.Namespace) -> int:
    from datetime import timedelta

    from app.core.database import make_engine, session_scope, utcnow
    from app.mail.service import deliver_due
    from app.wizard.loader import load_roadmap
    from app.wizard.signing import remind

    settings = get_settings()
    engine = make_engine(settings.database_url)
    info = {"base_url": settings.base_url, "roadmap": load_roadmap(settings.roadmap_dir)}
    try:
        with session_scope(engine, write=True, info=info) as db:
            sent = remind(
                db,
                now=utcnow(),
                every=timedelta(days=settings.reminder_days),
                base_url=settings.base_url,
            )
        delivered = deliver_due(engine, settings)
    finally:
        engine.dispose()
    print(f"{sent} reminder(s) queued, {delivered} email(s) sent")
    return 0


def cmd_digest(_args: argparse.Namespace) -> int:
    from app.core.database import make_engine
    from app.mail.service import deliver_due
    from app.notify.service import send_digests

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        sent = send_digests(engine, base_url=settings.base_url)
        delivered = deliver_due(engine, settings)
    finally:
        engine.dispose()
    print(f"{sent} digest(s) queued, {delivered} email(s) sent")
    return 0


def cmd_agreement_verify(args: argparse.Namespace) -> int:
    from app.core.database import make_engine, session_scope
    from app.export.verification import NotAnAgreement, read_document, verify

    try:
        data = read_document(Path(args.file).read_bytes())
    except OSError as exc:
        return _fail(f"{args.file} cannot be read: {exc}")
    except NotAnAgreement as exc:
        return _fail(f"{args.file} is not an agreement export: {exc}")
    from app.wizard.loader import load_roadmap

    settings = get_settings()
    engine = make_engine(settings.database_url)
    info = {"base_url": settings.base_url, "roadmap": load_roadmap(settings.roadmap_dir)}
    try:
        with session_scope(engine, write=False, info=info) as db:
            problems = verify(db, data)
    finally:
        engine.dispose()
    if problems:
        for problem in problems:
            print(f"NOT VALID {problem}")
        return 1
    print(
        "valid: every field is as exported, the audit chain holds it and its head, and every "
        "signature that counts matches the database"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roadmap",
        description="The shared-service partnership roadmap service.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the web service",
        description="Run the web service with uvicorn. The database must be migrated first.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (%(default)s)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (%(default)s)")
    serve.add_argument(
        "--reload", action="store_true", help="restart on code changes (development)"
    )
    serve.set_defaults(handler=cmd_serve)

    db = commands.add_parser("db", help="database commands", description="Database commands.")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    db_commands.add_parser(
        "upgrade",
        help="apply migrations to DATABASE_URL",
        description="Apply every migration to the database at DATABASE_URL. Safe to run twice.",
    ).set_defaults(handler=cmd_db_upgrade)

    commands.add_parser(
        "demo",
        help="load a demo partnership",
        description="Load a demo partnership of three "
        "councils with people in every role and some answers, and print how to sign in. "
        "Safe to run twice.",
    ).set_defaults(handler=cmd_demo)

    user = commands.add_parser(
        "create-user",
        help="create an account",
        description="Create an account. Asks for the password when --password is not given.",
    )
    user.add_argument("--email", required=True)
    user.add_argument("--name", required=True)
    user.add_argument("--organisation", required=True, help="created if it does not exist")
    user.add_argument("--password", help="12 to 128 characters; asked for when omitted")
    user.add_argument("--admin", action="store_true", help="make a site administrator")
    user.set_defaults(handler=cmd_create_user)

    audit = commands.add_parser(
        "audit", help="audit trail commands", description="Audit trail commands."
    )
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="COMMAND")
    verify = audit_commands.add_parser(
        "verify",
        help="recompute the audit hash chains and check their seals",
        description="Recompute every audit "
        "event's hash and its link to the one before, check its seal and the chain's sealed "
        "head with SECRET_KEY. Exit 0 when intact; otherwise name the first break of each "
        "broken chain (chain and position) and exit 1.",
    )
    verify.add_argument("--partnership", help="verify only this partnership's chain")
    verify.set_defaults(handler=cmd_audit_verify)
    audit_commands.add_parser(
        "seal",
        help="seal the chains written before sealing began (once, after upgrading)",
        description="Give every audit chain written before sealing began a head sealed with "
        "the SECRET_KEY in use, after checking it. Run once after upgrading, with the service's "
        "SECRET_KEY. A chain whose events are sealed but whose head is missing is refused (its "
        "head was deleted). Exit 0 when every chain has a sealed head.",
    ).set_defaults(handler=cmd_audit_seal)

    agreement = commands.add_parser(
        "agreement", help="agreement summary commands", description="Agreement summary commands."
    )
    agreement_commands = agreement.add_subparsers(
        dest="agreement_command", required=True, metavar="COMMAND"
    )
    agreement_verify = agreement_commands.add_parser(
        "verify",
        help="check an exported agreement against the database",
        description="Check an exported agreement (its JSON, or its PDF, which carries the JSON) "
        "against the database: every field as exported, the export and the chain's head in the "
        "audit chain, and every signature that counts against the content it was given for. "
        "Exit 0 when valid; otherwise name each field or signature that is not, and exit 1.",
    )
    agreement_verify.add_argument("file", help="the agreement's JSON or PDF export")
    agreement_verify.set_defaults(handler=cmd_agreement_verify)

    commands.add_parser(
        "remind",
        help="send the sign-off reminders that are due",
        description="Remind signatories of sign-offs outstanding for longer than REMINDER_DAYS "
        "(default 7), at most once per that interval. For a scheduler such as cron.",
    ).set_defaults(handler=cmd_remind)
    commands.add_parser(
        "digest",
        help="send each person's daily digest of news",
        description="Put each person's waiting news (everything that does not ask them to act) "
        "in one email, grouped by partnership. Run once a day from a scheduler such as cron. "
        "Safe to run twice, or on two machines at once: nothing is sent twice.",
    ).set_defaults(handler=cmd_digest)

    definition = commands.add_parser(
        "roadmap", help="roadmap definition commands", description="Roadmap definition commands."
    )
    definition_commands = definition.add_subparsers(
        dest="roadmap_command", required=True, metavar="COMMAND"
    )
    check = definition_commands.add_parser(
        "check",
        help="validate the definition files",
        description="Validate the roadmap "
        "definition files and print each error with its file and path.",
    )
    check.add_argument("directory", nargs="?", help="default: ROADMAP_DIR")
    check.set_defaults(handler=cmd_roadmap_check)
    schema = definition_commands.add_parser(
        "schema",
        help="write the JSON Schemas for editors",
        description="Write the JSON Schemas of the definition files (default: ROADMAP_DIR/schema).",
    )
    schema.add_argument("directory", nargs="?")
    schema.set_defaults(handler=cmd_roadmap_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `roadmap` console script."""
    from app.core.migrations import DatabaseNotMigrated
    from app.wizard.loader import InvalidRoadmap

    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except (ConfigurationError, DatabaseNotMigrated, InvalidRoadmap) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
