from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from acknowledgements.models import Signature, SignatureCheckpoint
from audit.models import AuditEvent

# Breach cases are a layer above (cases): named by their table, as the migration table is.
CASES = "cases_case"
# Rows that are only ever added: the application may read and insert them, nothing more (but for the columns below).
APPEND_ONLY = (Signature._meta.db_table, SignatureCheckpoint._meta.db_table, AuditEvent._meta.db_table, CASES)
# The migrations run as the owner; the application only reads which ones ran.
READ_ONLY = ("django_migrations",)
# Of the append-only rows, the columns the application may change: a leaver's personal fields, replaced by their
# pseudonym once their retention ends, and a breach case's outcome. The table's trigger lets through only those
# changes (migrations acknowledgements 0014, audit 0004, cases 0003); the grant keeps every other column out of
# reach even of a trigger gone wrong.
UPDATABLE_COLUMNS = {
    Signature._meta.db_table: ("typed_name", "ip_address", "user_agent", "pseudonymised_at"),
    AuditEvent._meta.db_table: ("object_repr", "details", "pseudonymised_at"),
    CASES: ("description", "outcome", "outcome_note", "assignment_id", "outcome_changed_at"),
}


def grants(role: str) -> list[str]:
    """The statements, in order: everything taken back first, then only what the application needs."""
    quoted = connection.ops.quote_name(role)
    database = connection.ops.quote_name(connection.settings_dict["NAME"])
    append_only = ", ".join(connection.ops.quote_name(table) for table in APPEND_ONLY)
    read_only = ", ".join(connection.ops.quote_name(table) for table in READ_ONLY)
    return [
        f"GRANT CONNECT ON DATABASE {database} TO {quoted}",
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"REVOKE INSERT, UPDATE, DELETE ON {read_only} FROM {quoted}",
        f"REVOKE UPDATE, DELETE ON {append_only} FROM {quoted}",
        *(
            f"GRANT UPDATE ({', '.join(columns)}) ON {connection.ops.quote_name(table)} TO {quoted}"
            for table, columns in UPDATABLE_COLUMNS.items()
        ),
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
    ]


class Command(BaseCommand):
    help = (
        "Give the application's PostgreSQL role exactly the rights it needs, on every table the "
        "migrations made: SELECT, INSERT, UPDATE and DELETE, except that signatures, checkpoints, "
        "audit events and breach cases can only be read and added (but for a signature's personal fields and an "
        "event's or a case's description, where a leaver's pseudonym replaces them, and a case's outcome), and the "
        "migration table only read. Never TRUNCATE, "
        "REFERENCES or TRIGGER, and never ownership: only a table's owner can switch its triggers off. "
        "Run it as the owner, after every `migrate`. Refuses a role that is a superuser or that owns "
        "any table. With --dry-run, prints the statements without running them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", required=True, help="The role the application connects as.")
        parser.add_argument("--dry-run", action="store_true", help="Print the statements; change nothing.")

    def handle(self, *args: Any, role: str, dry_run: bool, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are PostgreSQL's: there is nothing to grant on this database.")
        statements = grants(role)
        if dry_run:
            for statement in statements:
                self.stdout.write(f"{statement};")
            self.stdout.write(f"Dry run: {len(statements)} statements for {role}, none run.")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            if found is None:
                raise CommandError(f"There is no role {role}: create it first (CREATE ROLE … LOGIN PASSWORD …).")
            if found[0]:
                raise CommandError(f"{role} is a superuser: it could switch every guard off. Use a plain role.")
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s", [role])
            if cursor.fetchone()[0]:
                raise CommandError(f"{role} owns tables: an owner can switch their triggers off. Use another role.")
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"Granted {role} the application's rights: {len(statements)} statements run.")
