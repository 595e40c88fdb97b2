"""Writing an import: checked rows are streamed into temporary staging tables while they are
validated (PostgreSQL binary ``COPY``, SQLite ``executemany`` of a generator: one call per file, no
data table touched), then, in one write transaction, one set-based statement per file resolves
the natural keys to ids and inserts or updates the target rows: ``INSERT ... SELECT ... ON CONFLICT
DO UPDATE`` where the table has a unique key; activities and the audit log, which have none, are
matched by occurrence (see ``_merge_by_occurrence``). Rows whose values are unchanged are not
touched, so importing a bundle twice equals importing it once. An empty table that receives many
rows is loaded in bulk (``_prepare_bulk_tables``): plain INSERT, its secondary indexes (and on
PostgreSQL its foreign keys) put back after the load, in the same transaction. The caller owns
the transactions.
"""
from __future__ import annotations

from sqlalchemy.engine import Connection

from services.record_territory import fill_missing_territories

from .spec import BY_NAME, CODES, ENTITIES, LOAD_ORDER, REF, FileSpec
from .validate import CheckedBundle
from .values import _sqlite_text, utc_naive


BULK_ROWS = 20_000                 # rows from which an empty table is loaded in bulk (_prepare_bulk_tables)
PG_MAINTENANCE_WORK_MEM = "256MB"  # for the index builds (server memory, this transaction only)


def q(identifier: str) -> str:
    return f'"{identifier}"'


class BundleLoader:
    def __init__(self, conn: Connection, *, progress, keep_absent_columns: bool):
        self.conn = conn
        self.checked: CheckedBundle | None = None
        self.progress = progress
        self.keep_absent = keep_absent_columns
        self.dialect = conn.dialect
        self.pg = self.dialect.name == "postgresql"
        self.dbapi = conn.connection.driver_connection
        self.staged: list[str] = []
        self.was_empty: dict[str, bool] = {}
        self.bulk_tables: set[str] = set()      # empty tables loaded in bulk (see _prepare_bulk_tables)

    # -- dialect details -------------------------------------------------------------------
    def same(self, a: str, b: str) -> str:
        return f"{a} IS NOT DISTINCT FROM {b}" if self.pg else f"{a} IS {b}"

    def differs(self, a: str, b: str) -> str:
        return f"{a} IS DISTINCT FROM {b}" if self.pg else f"{a} IS NOT {b}"

    def literal(self, value) -> str:
        if isinstance(value, bool):
            return ("TRUE" if value else "FALSE") if self.pg else str(int(value))
        return str(int(value))

    # -- the whole bundle --------------------------------------------------------------------
    def load(self, checked: CheckedBundle) -> None:
        """Write the staged files to the tables (inside the caller's write transaction)."""
        self.checked = checked
        rebuild = self._prepare_bulk_tables(checked)
        for name in LOAD_ORDER:
            if name in checked.headers:
                if name == "leads.csv":
                    # BUNDLE.md: a missing due_at is computed by the SLA policy — the bundle's own
                    # settings.csv (loaded first, same transaction), else the database's — before
                    # the rows are matched, so re-importing the same bundle changes nothing.
                    self._fill_due_at(f"stg_{BY_NAME[name].table.name}")
                self._load_file(BY_NAME[name])
        if "leads.csv" in checked.headers:      # once every opportunity exists
            self._link_late(BY_NAME["leads.csv"])
        if "activities.csv" in checked.headers or "feedback.csv" in checked.headers:
            # The bundle has no territory column for these: new rows get the one they belong to.
            fill_missing_territories(self.conn)
        self._finish_bulk_tables(rebuild)

    def _fill_due_at(self, stage: str) -> None:
        """Write the policy's deadlines into the staged leads that bring none (services.sla).
        One UPDATE per line, by the driver (no per-row SQLAlchemy bind processing), on an index of
        the line: without it each UPDATE scanned the whole staging table, quadratic in the leads
        (a 1M-row bundle with 471k hand-overs did not finish in minutes; bench/README.md)."""
        from services.sla import staged_deadlines

        deadlines = staged_deadlines(self.conn, stage)
        if not deadlines:
            return
        # Staged as every timestamp is (values.StagePlan): naive UTC, as SQLite's DATETIME text there.
        staged = utc_naive if self.pg else (lambda due: _sqlite_text(utc_naive(due)))
        self.conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_{stage}_line ON {stage} (c__line)")
        mark = "%s" if self.pg else "?"
        self.conn.exec_driver_sql(f"UPDATE {stage} SET c_due_at = {mark} WHERE c__line = {mark}",
                                  [(staged(due), line) for due, line in deadlines])

    # -- a large load into an empty table -------------------------------------------------------
    def _prepare_bulk_tables(self, checked: CheckedBundle) -> list[tuple[str, str]]:
        """For each empty table that gets at least BULK_ROWS rows: drop its non-unique indexes
        (and, on PostgreSQL, its foreign keys) so that they are built once, sorted, after the
        load (foreign keys: checked by one query per key when they are added back) instead of
        row by row. Same transaction: a failed import gets them back as they were. Unique
        indexes, primary keys and CHECK constraints stay and are enforced on every row; the
        foreign keys are enforced for every row before the commit. PostgreSQL: the table is
        locked against writers first, so it is still empty when written (readers of it and of
        the tables its foreign keys point at wait for the commit: this is for a first load).
        Returns the statements that put the indexes and keys back."""
        rebuild: list[tuple[str, str]] = []
        for name in LOAD_ORDER:
            if checked.rows.get(name, 0) < BULK_ROWS:
                continue
            table = BY_NAME[name].table.name
            if self.pg:
                self.conn.exec_driver_sql(f"LOCK TABLE {q(table)} IN SHARE ROW EXCLUSIVE MODE")
            if self.conn.exec_driver_sql(f"SELECT 1 FROM {q(table)} LIMIT 1").first() is not None:
                continue
            self.bulk_tables.add(table)
            if self.pg:
                indexes = self.conn.exec_driver_sql(
                    "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "WHERE i.indrelid = CAST(%(t)s AS regclass) AND NOT i.indisunique AND NOT i.indisprimary "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                    "ORDER BY 1", {"t": q(table)}).all()
                keys = self.conn.exec_driver_sql(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = CAST(%(t)s AS regclass) AND contype = 'f' ORDER BY conname",
                    {"t": q(table)}).all()
            else:
                indexes = [(index, sql) for index, sql in self.conn.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
                    "ORDER BY name", (table,)) if not sql.lstrip().upper().startswith("CREATE UNIQUE")]
                keys = []     # SQLite cannot drop a foreign key; it checks each row (by rowid: cheap)
            for index, ddl in indexes:
                self.conn.exec_driver_sql(f"DROP INDEX {index if self.pg else q(index)}")
                rebuild.append((table, ddl))
            for key, definition in keys:
                self.conn.exec_driver_sql(f"ALTER TABLE {q(table)} DROP CONSTRAINT {q(key)}")
                rebuild.append((table, f"ALTER TABLE {q(table)} ADD CONSTRAINT {q(key)} {definition}"))
        return rebuild

    def _finish_bulk_tables(self, rebuild: list[tuple[str, str]]) -> None:
        """Put the indexes and foreign keys back; refresh the statistics of the tables loaded."""
        if not self.bulk_tables:
            return
        self.progress.phase("building indexes")
        if self.pg:
            self.conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{PG_MAINTENANCE_WORK_MEM}'")
        for _table, ddl in rebuild:
            self.conn.exec_driver_sql(ddl)
        tables = sorted(self.bulk_tables)
        if self.pg:
            for table in tables:
                self.conn.exec_driver_sql(f"ANALYZE {q(table)}")
        elif self.conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
            for table in tables:             # only where the database keeps statistics already
                self.conn.exec_driver_sql(f"ANALYZE {q(table)}")

    def _load_file(self, spec: FileSpec) -> None:
        table = spec.table.name
        was_empty = self.conn.exec_driver_sql(f'SELECT 1 FROM "{table}" LIMIT 1').first() is None
        self.was_empty[spec.name] = was_empty
        self.progress.phase(f"writing {spec.name}")
        stage = f"stg_{table}"
        select_sql, columns = self._resolved_select(spec, stage)
        column_list = ", ".join(f'"{c}"' for c in columns)
        if spec.repeats_allowed:
            self._merge_by_occurrence(spec, select_sql, columns, was_empty)
        elif table in self.bulk_tables:
            # empty and locked, the keys checked unique: nothing to conflict with
            self.conn.exec_driver_sql(f'INSERT INTO "{table}" ({column_list}) {select_sql}')
        else:
            self.conn.exec_driver_sql(f'INSERT INTO "{table}" ({column_list}) {select_sql}'
                                      f'{"" if self.pg else " WHERE true"} {self._on_conflict(spec, columns)}')
        if spec.name == "users.csv":
            self._link_late(spec)
        if spec.name == "campaigns.csv" and not self._absent(spec, "territories"):
            self.conn.exec_driver_sql(
                f"DELETE FROM campaign_territory WHERE campaign_id IN "
                f"(SELECT c.id FROM campaign c JOIN {stage} s ON s.c_code = c.code)")
            self.conn.exec_driver_sql(
                f"INSERT INTO campaign_territory (campaign_id, territory_id) "
                f"SELECT DISTINCT c.id, t.id FROM {stage}_territories x "
                f"JOIN campaign c ON c.code = x.campaign JOIN territory t ON t.code = x.territory")

    def _absent(self, spec: FileSpec, column: str) -> bool:
        return self.keep_absent and column not in self.checked.headers[spec.name]

    # -- staging -------------------------------------------------------------------------------
    def stage_file(self, spec: FileSpec, rows, code_pairs: list[tuple[str, str]]) -> None:
        """Stream ``rows`` (staged tuples of checked rows: line, then each column's value as
        values.StagePlan converts it) into the file's staging table; ``code_pairs`` (campaign,
        territory) is filled while they are read."""
        stage = f"stg_{spec.table.name}"
        columns = [c for c in spec.columns if c.kind != CODES]
        types = [self._stage_type(spec, c) for c in columns]
        self._create(stage, ["c__line INTEGER" if self.pg else "c__line"]
                     + [f"c_{c.name} {t}" for c, t in zip(columns, types)])
        self._fill(stage, len(columns) + 1, rows)
        if any(c.kind == CODES for c in spec.columns):
            self._create(f"{stage}_territories", ["campaign TEXT", "territory TEXT"])
            self._fill(f"{stage}_territories", 2, iter(code_pairs))
        if self.pg:
            self.conn.exec_driver_sql(f"ANALYZE {stage}")

    def drop_stages(self) -> None:
        for table in self.staged:
            self.conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
        self.staged.clear()

    def _stage_type(self, spec: FileSpec, col) -> str:
        if not self.pg:
            return ""
        if col.kind == REF or col.db is None or col.db == "":
            return "INTEGER" if col.name == "version" else "TEXT"
        return spec.table.c[col.db].type.compile(dialect=self.dialect)

    def _create(self, name: str, columns: list[str]) -> None:
        self.conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        self.conn.exec_driver_sql(f"CREATE TEMP TABLE {name} ({', '.join(columns)})")
        self.staged.append(name)

    def _fill(self, table: str, width: int, rows) -> None:
        if self.pg:
            # binary COPY: values are sent in the column types' own binary form (no text to parse)
            with self.dbapi.cursor() as cursor:
                types = [oid for (oid,) in cursor.execute(
                    "SELECT atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                    "AND NOT attisdropped ORDER BY attnum", (table,))]
                with cursor.copy(f"COPY {table} FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(types)
                    write_row = copy.write_row
                    for row in rows:
                        write_row(row)
        else:
            cursor = self.dbapi.cursor()
            try:
                cursor.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * width)})", rows)
            finally:
                cursor.close()

    # -- SQL -------------------------------------------------------------------------------------
    def _resolved_select(self, spec: FileSpec, stage: str) -> tuple[str, list[str]]:
        """SELECT of target columns from the staging table, natural keys turned into ids."""
        items: list[tuple[str, str]] = []
        joins: list[str] = []
        for i, col in enumerate(spec.columns):
            if col.kind == CODES:
                continue
            if spec.name == "note_reads.csv" and col.name in ("campaign", "version"):
                if col.name == "campaign":
                    joins.append("LEFT JOIN campaign rc ON rc.code = s.c_campaign "
                                 "LEFT JOIN campaign_note rn ON rn.campaign_id = rc.id AND rn.version = s.c_version")
                    items.append(("note_id", "rn.id"))
                continue
            if col.kind == REF:
                entity = ENTITIES[col.ref]
                if col.late:
                    items.append((col.db, "CAST(NULL AS INTEGER)"))
                    continue
                joins.append(f'LEFT JOIN "{entity.table.name}" r{i} ON r{i}."{entity.key}" = s.c_{col.name}')
                items.append((col.db, f"r{i}.id"))
            else:
                items.append((col.db, f"s.c_{col.name}"))
        for column, value in spec.constants.items():
            items.append((column, self.literal(value)))
        for column, source in spec.lowered.items():
            collate = ' COLLATE "C"' if self.pg else ""       # ASCII letters only, as values.ascii_lower
            items.append((column, f"LOWER(s.c_{source}{collate})"))
        select_list = ", ".join(f'{expr} AS "{column}"' for column, expr in items)
        line = ", s.c__line AS _line" if spec.repeats_allowed else ""
        return f"SELECT {select_list}{line} FROM {stage} s {' '.join(joins)}", [c for c, _ in items]

    def _db_column(self, spec: FileSpec, bundle_column: str) -> str:
        if spec.name == "note_reads.csv" and bundle_column in ("campaign", "version"):
            return "note_id"
        return spec.col(bundle_column).db

    def _updatable(self, spec: FileSpec, columns: list[str], key: list[str]) -> list[str]:
        skip = set(key) | set(spec.constants)
        for col in spec.columns:
            if col.late or (col.db and self._absent(spec, col.name)):
                skip.add(col.db)
        return [c for c in columns if c not in skip]

    def _on_conflict(self, spec: FileSpec, columns: list[str]) -> str:
        key = list(spec.conflict) or list(dict.fromkeys(self._db_column(spec, c) for c in spec.key))
        update = self._updatable(spec, columns, key)
        conflict = ", ".join(f'"{c}"' for c in key)
        if not update:
            return f"ON CONFLICT ({conflict}) DO NOTHING"
        table = spec.table.name
        sets = [f'"{c}" = excluded."{c}"' for c in update]
        if spec.bump_version:
            sets.append(f'"version" = "{table}"."version" + 1')
        changed = " OR ".join(self.differs(f'"{table}"."{c}"', f'excluded."{c}"') for c in update)
        return f"ON CONFLICT ({conflict}) DO UPDATE SET {', '.join(sets)} WHERE {changed}"

    def _merge_by_occurrence(self, spec: FileSpec, select_sql: str, columns: list[str], was_empty: bool) -> None:
        """Tables without a unique key (activities, audit log): the n-th file row with a key
        matches the n-th database row with that key (by id); matched rows are updated, the
        others inserted in file order."""
        table = spec.table.name
        target = ", ".join(q(c) for c in columns)
        if was_empty:
            self.conn.exec_driver_sql(f"INSERT INTO {q(table)} ({target}) SELECT {target} "
                                      f"FROM ({select_sql}) x ORDER BY x._line")
            return
        key = [self._db_column(spec, c) for c in spec.key]
        keys = ", ".join(q(c) for c in key)
        staged, existing = f"stg_{table}_x", f"stg_{table}_e"
        self._create_as(staged, f"SELECT y.*, ROW_NUMBER() OVER (PARTITION BY {keys} ORDER BY y._line) AS _n "
                                f"FROM ({select_sql}) y")
        self._create_as(existing, f"SELECT t.id AS _id, {', '.join(f't.{q(c)}' for c in key)}, "
                                  f"ROW_NUMBER() OVER (PARTITION BY {', '.join(f't.{q(c)}' for c in key)} "
                                  f"ORDER BY t.id) AS _n FROM {q(table)} t "
                                  f"WHERE t.{q(key[0])} IN (SELECT {q(key[0])} FROM {staged})")
        self.conn.exec_driver_sql(f"CREATE INDEX ix_{existing} ON {existing} ({q(key[0])}, _n)")
        # Plain equality on the key's NOT NULL columns lets the database hash-join the two sides;
        # null-safe comparison (IS NOT DISTINCT FROM) on the nullable ones only.
        columns_of = spec.table.c
        match = " AND ".join(["e._n = x._n"] + [
            f"e.{q(c)} = x.{q(c)}" if not columns_of[c].nullable else self.same(f"e.{q(c)}", f"x.{q(c)}")
            for c in key])
        rest = [c for c in columns if c not in key]
        if rest:
            sets = ", ".join(f"{q(c)} = m.{q(c)}" for c in rest)
            changed = " OR ".join(self.differs(f"{q(table)}.{q(c)}", f"m.{q(c)}") for c in rest)
            self.conn.exec_driver_sql(
                f"UPDATE {q(table)} SET {sets} FROM (SELECT e._id, {', '.join(f'x.{q(c)}' for c in rest)} "
                f"FROM {staged} x JOIN {existing} e ON {match}) m WHERE {q(table)}.id = m._id AND ({changed})")
        self.conn.exec_driver_sql(
            f"INSERT INTO {q(table)} ({target}) SELECT {', '.join(f'x.{q(c)}' for c in columns)} FROM {staged} x "
            f"WHERE NOT EXISTS (SELECT 1 FROM {existing} e WHERE {match}) ORDER BY x._line")

    def _create_as(self, name: str, select_sql: str) -> None:
        self.conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        self.conn.exec_driver_sql(f"CREATE TEMP TABLE {name} AS {select_sql}")
        if self.pg:
            self.conn.exec_driver_sql(f"ANALYZE {name}")   # autovacuum never analyses temp tables
        self.staged.append(name)

    def _link_late(self, spec: FileSpec) -> None:
        """Set references to rows that may be loaded after this file (a lead's opportunity, a
        user's manager) once both ends exist."""
        was_empty = self.was_empty[spec.name]
        stage = f"stg_{spec.table.name}"
        table = spec.table.name
        key = spec.col(spec.key[0])
        for col in spec.columns:
            if not col.late or self._absent(spec, col.name):
                continue
            entity = ENTITIES[col.ref]
            only_set = f" WHERE s.c_{col.name} IS NOT NULL" if was_empty else ""
            self.conn.exec_driver_sql(
                f'UPDATE "{table}" SET "{col.db}" = x.v FROM '
                f'(SELECT s.c_{key.name} AS k, r.id AS v FROM {stage} s '
                f'LEFT JOIN "{entity.table.name}" r ON r."{entity.key}" = s.c_{col.name}{only_set}) x '
                f'WHERE "{table}"."{key.db}" = x.k AND {self.differs(f"{q(table)}.{q(col.db)}", "x.v")}')


