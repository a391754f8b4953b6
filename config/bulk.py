"""Bulk writes of many rows in one statement per batch: the import pipeline and BSU screening use it.

PostgreSQL: new rows are COPied straight into the table (610-765 k rows/s for a COPY alone here); with
`conflict` (the columns of a unique constraint, so existing rows are updated) they are COPied into a
session-local staging table, then moved by one INSERT ... SELECT ... ON CONFLICT DO UPDATE.
SQLite: INSERTs [ON CONFLICT DO UPDATE] of 500 rows each rather than an executemany of one-row
INSERTs, which binds and steps row by row (1M 15-field rows into 5M: 9.4 µs per row by executemany, 8.1
in multi-row INSERTs). Larger statements were no faster and kept more memory (2,184 rows, SQLite's
parameter limit for 15 fields: +50 MB peak RSS over the 1M-row import).
"""

import contextlib
import itertools
import sqlite3

from django.db import connection

KEY_SEPARATOR = "\x1f"
SQLITE_ROWS_PER_INSERT = 500
LARGE_WRITES_CACHE_SIZE = -16384  # SQLite's page cache during a bulk load, in KiB (negative: a size, not pages)


def in_condition(column, values):
    """`column IN (...)` for a chunk of keys: one array parameter on PostgreSQL, a list elsewhere."""
    values = list(values)
    if connection.vendor == "postgresql":
        if values != [""] and all(value.__class__ is str and KEY_SEPARATOR not in value for value in values):
            # (a single empty text would split into no element at all)
            # One text parameter: psycopg dumps a list of 10,000 strings as an array in Python, slowly.
            return f"{column} = ANY(string_to_array(%s, chr(31)))", [KEY_SEPARATOR.join(values)]
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def bulk_insert(model, fields, rows, *, conflict=()):
    """Writes `rows` (tuples in `fields` order, attnames) into `model`'s table."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name).column for name in fields]
    column_list = ", ".join(quote(c) for c in columns)
    table = quote(meta.db_table)
    suffix = ""
    if conflict:
        keys = {meta.get_field(name).column for name in conflict}
        updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns if c not in keys)
        suffix = f" ON CONFLICT ({', '.join(quote(meta.get_field(n).column) for n in conflict)}) DO UPDATE SET {updates}"
    rows = list(rows)
    if any(len(row) != len(columns) for row in rows):  # SQLite binds one flat list: it would shift the values
        raise ValueError(f"bulk_insert: every row needs {len(columns)} values")
    # COPY and sqlite3 are used below Django's cursor: their errors are made Django's (IntegrityError...) here.
    with connection.wrap_database_errors, connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not conflict:
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:  # straight in
                for row in rows:
                    copy.write_row(row)
        elif connection.vendor == "postgresql":
            staging = quote(f"staging_{meta.db_table}")
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {staging} AS SELECT {column_list} FROM {table} WITH NO DATA")
            cursor.execute(f"TRUNCATE {staging}")
            with cursor.cursor.copy(f"COPY {staging} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging}{suffix}")
        else:  # SQLite, the only other database Jangkau runs on
            _sqlite_insert(f"INSERT INTO {table} ({column_list}) VALUES", len(columns), rows, suffix)


def _sqlite_insert(head, width, rows, suffix):
    """Multi-row INSERTs sent straight to sqlite3: Django's cursor would rewrite every placeholder with a regular
    expression (2 s per million rows). So they are not in Django's query log (`connection.queries`, test query
    counts), like the COPYs on PostgreSQL."""
    connection.validate_no_broken_transaction()
    database = connection.connection
    placeholders = f"({', '.join(['?'] * width)})"
    limit = database.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # 32,766 since SQLite 3.32, 999 before
    per_statement = max(1, min(SQLITE_ROWS_PER_INSERT, limit // width))
    for start in range(0, len(rows), per_statement):
        part = rows[start : start + per_statement]
        database.execute(f"{head} {', '.join([placeholders] * len(part))}{suffix}", list(itertools.chain(*part)))


class FreshStatistics:
    """PostgreSQL plans the lookups of each chunk from table statistics, which a bulk load makes stale:
    a table it believes empty gets a sequential scan per probe (measured: 4 s per 10,000-row chunk at
    230,000 rows). So the written table is analysed whenever it has grown by as much as it held at the
    last ANALYZE (10 k, 20 k, 40 k ... rows: a handful of ANALYZEs per million). A table that already
    holds millions keeps its statistics until the load has doubled it (each ANALYZE of 5 M rows takes
    ~0.4 s and finds the same plans)."""

    def __init__(self, model, start=10_000):
        self.table = model._meta.db_table
        self.pending = 0
        self.threshold = max(start, self._estimated_rows())

    def _estimated_rows(self):
        if connection.vendor != "postgresql":
            return 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [self.table])
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] > 0 else 0  # -1: never analysed

    def written(self, count):
        self.pending += count
        if self.pending >= self.threshold:
            self._analyze()

    def finish(self):
        """At the end of a load: fresh statistics for the next one and for the dashboards."""
        if self.pending >= 10_000:
            self._analyze()

    def _analyze(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(self.table)}")
        self.threshold += self.pending
        self.pending = 0


@contextlib.contextmanager
def large_writes():
    """SQLite: checkpoint the write-ahead log every ~80 MB instead of every ~4 MB while a bulk load runs,
    so pages that every chunk rewrites (the unique index) reach the database file a few times instead of
    at every commit (measured: commits took 5.5 s of a 1,000,000-row import); and a 16 MB page cache instead
    of 64 MB, since the operating system's cache holds the pages anyway (1M rows into 5M: 23.2-24.7 s either
    way, peak RSS 252 MB instead of 307). No-op elsewhere."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint = 20000")
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {LARGE_WRITES_CACHE_SIZE}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint = 1000")
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
