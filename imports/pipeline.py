"""The one import pipeline: stream a file, parse and check every row, classify, write in chunks.

A pass either checks (nothing written but the job's figures and rejected rows) or applies. Applying
commits chunk by chunk; each chunk's writes, its rejected rows and the job's counters and resume point
(`applied_rows`) commit together, so a killed worker resumes where it stopped and ends in the same state.
With all_or_nothing the whole apply is one transaction that rolls back on the first rejected row.

An apply on PostgreSQL of a kind whose chunks are independent (`ImportKind.independent_chunks`: no row
needs what an earlier chunk of the file wrote) overlaps reading with writing: this thread parses and looks up chunk N+1
while a writer thread, on its own connection, commits chunk N (`ChunkWriter`). The kind's write lock is then
held for the whole pass (a session lock), so no other job's chunk slips between a lookup and
its write; chunks still commit one by one, in file order, each with its resume point.
"""

import contextlib
import functools
import gc
import itertools
import json
import operator
import queue
import threading
import time

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.bulk import FreshStatistics, bulk_insert, large_writes
from config.spreadsheets import FileRefused
from imports.kinds import Built, Context, normalize_header
from imports.models import ImportJob, RowChange, RowIssue
from regions.models import City

MAX_STORED_WARNINGS = 1000
TOUCHED_MAX = 5000  # values of a touched field a job keeps; beyond, it records "all" (None)
MAX_EXAMPLES = 5  # rows of each class (created, updated, rejected) the check keeps for the preview
INVALID = object()  # in a parsed column, a cell its parser refused (the row's slow path gives the message)
MEMO_LIMIT = 50_000  # distinct texts a repeating column remembers (more: it forgets them after the chunk)


def max_stored_rejected():
    """Rejected rows kept per job with their cells (the rest are counted): a file of 500,000 bad rows
    must not add hundreds of megabytes to the database."""
    return settings.JANGKAU_MAX_STORED_REJECTED


class AllOrNothingRefused(Exception):
    pass


def chunk_rows():
    """Rows per chunk (JANGKAU_IMPORT_CHUNK_ROWS, 20,000): bigger chunks cost fewer round trips and lookups
    (1M rows into 5M on PostgreSQL: 45.7 s at 10,000, 32.2 s at 50,000) and more memory (up to three chunks
    are alive while one is written, see `ChunkWriter`)."""
    return settings.JANGKAU_IMPORT_CHUNK_ROWS


def lock_writes(kind):
    """Chunks (and reverts) of one kind commit one at a time across jobs, so counts and before-images stay
    exact: an advisory lock on PostgreSQL, inside the caller's transaction. SQLite's IMMEDIATE transactions
    already serialise every write."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_lock_name(kind)])


LOCK_POLL_SECONDS = 1.0


@contextlib.contextmanager
def lock_writes_for_the_pass(kind, job):
    """`lock_writes` held by this session until the pass ends (its chunks commit on another connection).
    While another job of the kind holds it for its own pass, this job waits with its heartbeat beating, so
    the sweep of silent jobs does not take it for dead and run it twice."""
    name = _lock_name(kind)
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [name])
            if cursor.fetchone()[0]:
                break
            ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
            time.sleep(LOCK_POLL_SECONDS)
    try:
        with connection.cursor() as cursor:
            # The lookups run outside a chunk transaction here; their pages are in memory (see `Pass._chunk`).
            cursor.execute("SET random_page_cost = 1.1")
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [name])
                cursor.execute("RESET random_page_cost")
        except DatabaseError:
            connection.close()  # a session that cannot unlock gives its locks up by ending


def _lock_name(kind):
    return f"jangkau-import-{kind.name}"


class ChunkWriter:
    """Commits the chunks' writes in order on a thread of its own (and so its own database connection), each
    in one transaction, while the pass goes on reading. One chunk waits at most: memory holds three (the one
    being written, the one waiting, the one being read).
    A failed write stops it; the pass raises that error at its next chunk or at the end."""

    def __init__(self):
        self.pending = queue.Queue(maxsize=1)
        self.error = None
        self.thread = threading.Thread(target=self._loop, name="import-writer", daemon=True)
        self.thread.start()

    def submit(self, write):
        self._raise()
        self.pending.put(write)

    def finish(self):
        """Waits for the last chunk to commit; raises a write's error."""
        self.close()
        self._raise()

    def close(self):
        if self.thread.is_alive():
            self.pending.put(None)
            self.thread.join()

    def _raise(self):
        if self.error is not None:
            raise self.error

    def _loop(self):
        try:
            while (write := self.pending.get()) is not None:
                if self.error is None:
                    try:
                        with transaction.atomic():
                            _commit_lazily()
                            write()
                    except BaseException as error:  # handed to the pass, which raises it
                        self.error = error
        finally:
            connections.close_all()  # this thread's connections


def _commit_lazily():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A crash loses at most the last chunks, which the resume point re-applies.
            cursor.execute("SET LOCAL synchronous_commit = off")


def compact_key(key):
    """A one-column key as the set of keys seen in a file keeps it. Digits-only text (a NIK, an NPP)
    becomes the number "1" + digits: 32 bytes instead of 65 for a NIK, ~33 MB less for a million rows;
    the leading 1 keeps "0012" and "12" apart, and a number never equals a text. Other keys stay bare
    (a 1-tuple would cost ~60 MB more per million)."""
    (value,) = key
    if value.__class__ is str and value.isascii() and value.isdigit() and len(value) <= 18:
        return int("1" + value)
    if value.__class__ is int:
        return (value,)  # never equal to a compacted text
    return value


def map_header(kind, header):
    """The file's columns for this kind; refuses the file when a required column is missing."""
    positions = {}
    normalized = [normalize_header(name) for name in header]
    for column in kind.columns:
        for index, name in enumerate(normalized):
            if name in column.accepted_headers:
                positions[column.name] = index
                break
    missing = [c for c in kind.columns if c.required and c.name not in positions]
    if missing:
        names = ", ".join(f"{c.name} ({c.label})" for c in missing)
        raise FileRefused(_("Kolom wajib tidak ada: %(columns)s.") % {"columns": names})
    return RowParser(kind, [(column, positions[column.name]) for column in kind.columns if column.name in positions])


class RowParser:
    """Turns rows' cells into ({column name: value}, [(column, message)]) pairs, a chunk at a time and column
    by column. A repeating column (segments, dates, wages) parses each distinct text once per file and looks
    the chunk's cells up in C (a dict mapped over the column); the others map their parser over the column.
    A row with any problem is parsed again on its own by the slow path, which collects every column's message.
    (A row of the bench's 12 columns: 5.7 µs parsed row by row, 3.9 µs column by column.)"""

    def __init__(self, kind, present):
        self.present = present
        self.names = [column.name for column, _index in present]
        self.absent = {name: None for name in kind.column_names if name not in self.names}
        self.all_names = [*self.names, *self.absent]
        self.memos = [{} if column.repeats else None for column, _index in present]
        self.cells_of = [operator.itemgetter(index) for _column, index in present]
        self.key_of = operator.itemgetter(*kind.key_columns) if len(kind.key_columns) > 1 else None
        self.width = max(index for _column, index in present) + 1
        self.pick = operator.itemgetter(*[index for _column, index in present])
        self.present_columns = [column for column, _index in present]
        key_indexes = [index for column, index in present if column.name in kind.key_columns]
        key_parsers = [column.parse for column, _index in present if column.name in kind.key_columns]
        if len(key_indexes) == 1:  # the usual case, kept cheap: it runs for every row
            (key_index,), (key_parser,) = key_indexes, key_parsers
            self.raw_key = lambda cells: (cells[key_index] if key_index < len(cells) else None,)
            self.parse_key = lambda raw: (key_parser(raw[0]),)
        else:
            self.raw_key = lambda cells: tuple(cells[i] if i < len(cells) else None for i in key_indexes)
            self.parse_key = lambda raw: tuple(parse(value) for parse, value in zip(key_parsers, raw, strict=True))
        names = [column.name for column in self.present_columns]
        self.city_position = names.index("city_code") if "city_code" in names else None
        filled = {name for column in self.present_columns for name in (column.field, *column.fills)}
        self.absent_positions = {i for i, name in enumerate(kind.fields) if name not in filled and name not in kind.key_fields}

    def pad(self, cells):
        return [*cells, *([None] * (self.width - len(cells)))]

    def many(self, rows):
        """[(values, errors)] of the rows (lists of cells), in their order."""
        width = self.width
        rows = [cells if len(cells) >= width else self.pad(cells) for cells in rows]
        columns, bad = [], set()
        for (column, _index), cells_of, memo in zip(self.present, self.cells_of, self.memos, strict=True):
            values, suspect = self._column(column.parse, list(map(cells_of, rows)), memo, column.required)
            if suspect:  # a refused cell, or an empty one in a required column
                required = column.required
                bad.update(i for i, value in enumerate(values) if value is INVALID or (required and value is None))
            columns.append(values)
        # The absent columns as columns of None: one dict(zip()) per row (merging them in cost 0.5 µs a row).
        columns += [itertools.repeat(None, len(rows)) for _name in self.absent]
        names = self.all_names
        parsed = [(dict(zip(names, values, strict=True)), []) for values in zip(*columns, strict=True)]
        for i in bad:
            parsed[i] = self._slow(self.pick(rows[i]) if len(self.present) > 1 else (self.pick(rows[i]),))
        return parsed

    @staticmethod
    def _column(parse, cells, memo, required):
        """(a column's parsed values with INVALID where a cell is refused, whether any is refused or missing)."""
        if memo is not None and set(map(type, cells)) == {str}:  # text only: XLSX numbers and dates are parsed as they are
            distinct = set(cells)
            for text in distinct.difference(memo):
                try:
                    memo[text] = parse(text)
                except ValueError:
                    memo[text] = INVALID
            results = list(map(memo.__getitem__, distinct))
            values = list(map(memo.__getitem__, cells))
            if len(memo) > MEMO_LIMIT:
                memo.clear()
            return values, INVALID in results or (required and None in results)
        try:
            values = list(map(parse, cells))
        except ValueError:
            values = []
            for cell in cells:
                try:
                    values.append(parse(cell))
                except ValueError:
                    values.append(INVALID)
            return values, True
        return values, required and None in values

    def _slow(self, picked):
        values, errors = dict(self.absent), []
        for (column, _index), raw in zip(self.present, picked, strict=True):
            try:
                value = values[column.name] = column.parse(raw)
            except ValueError as error:
                values[column.name] = None
                errors.append((column.name, str(error)))
                continue
            if value is None and column.required:
                errors.append((column.name, _("Wajib diisi.")))
        return values, errors


class Pass:
    """One pass over a file for a job; keeps the counters and the in-file duplicate set."""

    def __init__(self, job, kind, source, *, apply, allowed_cities):
        self.job = job
        self.kind = kind
        self.source = source
        self.parse = map_header(kind, source.header)
        self.context = Context(
            job=job, allowed_cities=allowed_cities, apply=apply, city_codes=set(City.objects.values_list("code", flat=True))
        )
        self.apply = apply
        self.scope_position = kind.fields.index(kind.scope_field) if kind.scope_field else None
        self.canonical_query = kind.canonical_query(self.parse.present_columns)
        if allowed_cities is not None and self.parse.city_position is None:
            self.canonical_query = None  # the scope could not be checked without parsing
        self.statistics = FreshStatistics(kind.model) if kind.model else None
        # Keys seen in this file, kept small: a million of them are most of an import's memory.
        self.seen = set()
        self.seen_key = compact_key if len(kind.key_columns) == 1 else tuple
        self.stored_warnings = self.stored_rejected = 0
        self.max_rejected = max_stored_rejected()
        resume = job.applied_rows if apply else 0
        self.resume_after = resume
        if resume:
            self.counts = {k: getattr(job, k) for k in ("rows", "created", "updated", "unchanged", "rejected", "warnings")}
            self.stored_warnings = min(self.counts["warnings"], MAX_STORED_WARNINGS)
            self.stored_rejected = min(self.counts["rejected"], self.max_rejected)
        else:
            self.counts = dict.fromkeys(("rows", "created", "updated", "unchanged", "rejected", "warnings"), 0)
        # What the apply changed, for the figures refresh: {field: set of old and new values, or None for too many}
        self.touch = [(name, kind.fields.index(name)) for name in kind.touch_fields] if apply else []
        self.touched = {name: _touched_set(job.touched, name) for name, _position in self.touch}
        # The check keeps the first rows of each class for the preview; the apply leaves them as they are.
        self.examples = None if apply else {"created": [], "updated": [], "rejected": []}
        self.examples_changed = not apply  # the first chunk also clears those of an earlier check

    def numbered_rows(self):
        """(spreadsheet row number, cells) for non-blank rows; the header is row 1."""
        for number, cells in enumerate(self.source.rows, start=2):
            if cells and (cells[0] not in (None, "") or any(cell not in (None, "") for cell in cells)):
                yield number, cells

    def run(self, on_chunk=None):
        # Millions of small objects and no reference cycles: the cyclic collector would only rescan them.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            with large_writes():
                return self._run(on_chunk)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _run(self, on_chunk):
        if not self._overlapped():
            self._chunks(on_chunk, self._chunk)
        else:
            with lock_writes_for_the_pass(self.kind, self.job):
                writer = ChunkWriter()
                try:
                    self._chunks(on_chunk, lambda chunk: writer.submit(self._process(chunk)))
                    writer.finish()
                finally:
                    writer.close()  # the last write ends before the lock is given up, whatever went wrong
        if self.statistics:
            self.statistics.finish()
        return self.counts

    def _overlapped(self):
        """Whether reading overlaps writing: an apply of independent chunks outside a transaction (not all
        or nothing), on PostgreSQL. SQLite's writes run in this process under the same interpreter lock and
        gained nothing (1M rows into 5M: 39.4 s, 37.6 s overlapped), for a second 64 MB page cache."""
        return (
            self.apply and self.kind.independent_chunks and connection.vendor == "postgresql" and not connection.in_atomic_block
        )

    def _chunks(self, on_chunk, handle):
        rows, size = self.numbered_rows(), chunk_rows()
        while chunk := list(itertools.islice(rows, size)):
            if chunk[-1][0] <= self.resume_after:
                self._replay_keys(chunk)
                continue
            if chunk[0][0] <= self.resume_after:
                self._replay_keys([r for r in chunk if r[0] <= self.resume_after])
                chunk = [r for r in chunk if r[0] > self.resume_after]
            handle(chunk)  # no gc.collect per chunk: it cost 1 s per million rows and freed nothing (no cycles)
            if on_chunk:
                on_chunk(self)

    def _replay_keys(self, chunk):
        """Rows applied before an interruption: only their keys matter, for the duplicate check."""
        for values, _errors in self.parse.many([cells for _number, cells in chunk]):
            key = tuple(values[c] for c in self.kind.key_columns)
            if None not in key:
                self.seen.add(self.seen_key(key))

    def _chunk(self, chunk):
        if connection.vendor == "postgresql":
            with transaction.atomic(), connection.cursor() as cursor:
                # The key lookups of a chunk hit pages that are in memory: tell the planner, or it prefers
                # a sequential scan over thousands of index probes (measured 4x slower at 1M rows).
                cursor.execute("SET LOCAL random_page_cost = 1.1")
                if self.apply:
                    lock_writes(self.kind)
                    _commit_lazily()
                self._process(chunk)()
        elif self.apply:
            with transaction.atomic():
                self._process(chunk)()
        else:
            self._process(chunk)()

    def _process(self, chunk):
        """Reads and classifies a chunk; returns its writes (the records, rejected rows, the job's counters)."""
        counts, issues, kind = self.counts, [], self.kind
        slow, not_stored = self._unchanged_fast(chunk, issues) if self.canonical_query else (chunk, ())
        built, lookups = self._build(slow)
        # A text key's parsed value is its text (`Kind.canonical_rows`); any other key is looked up.
        keys = [b[2].key for b in built if not b[2].errors and b[2].key not in not_stored]
        current = kind.existing(keys, lookups) if keys else {}
        created, updated, updated_old, changes = [], [], [], []
        absent = self.parse.absent_positions
        traced, scope = kind.trace_field is not None, self.scope_position
        examples = self.examples
        for number, cells, result in built:
            counts["rows"] += 1
            record, old = result.record, current.get(result.key)
            warnings = result.warnings
            if old is not None:
                old, old_trace = (old[:-1], old[-1]) if traced else (old, None)
                # The key is someone else's: checked against the stored record, not the row's new city.
                if scope is not None and not result.errors:
                    kind.owner_in_scope(old[scope], self.context, result.errors, kind.key_columns[0])
            if result.errors:
                self._reject(number, cells, result.errors, issues)
                if examples is not None and len(examples["rejected"]) < MAX_EXAMPLES:
                    self._example("rejected", {"row": number, "cells": _jsonable(cells), "errors": result.errors})
                continue
            if old is None:
                self._warn(number, warnings, issues)
                counts["created"] += 1
                created.append(record)
                if examples is not None and len(examples["created"]) < MAX_EXAMPLES:
                    self._example("created", {"row": number, "cells": _jsonable(cells)})
                continue
            if absent:  # columns missing from the file keep their stored values
                record = tuple(old[i] if i in absent else value for i, value in enumerate(record))
                if merged_errors := kind.record_errors(record):
                    self._reject(number, cells, merged_errors, issues)
                    continue
            if scope is not None and old[scope] != record[scope]:
                move = _("Pindah kabupaten/kota dari %(old)s ke %(new)s.") % {"old": old[scope], "new": record[scope]}
                warnings = [*warnings, ("city_code", move)]
            self._warn(number, warnings, issues)
            if not kind.unchanged(old, record):
                counts["updated"] += 1
                updated.append(record)
                updated_old.append(old)
                if examples is not None and len(examples["updated"]) < MAX_EXAMPLES:
                    names = kind.fields or kind.column_names
                    changed = {n: [was, new] for n, was, new in zip(names, old, record, strict=False) if was != new}
                    self._example("updated", {"row": number, "cells": _jsonable(cells), "changes": _json_ready(changed)})
                if self.apply and kind.records_changes:
                    changes.append(self._change(result.key, old, old_trace, record))
            else:
                counts["unchanged"] += 1
        if self.job.all_or_nothing and self.apply and counts["rejected"]:
            raise AllOrNothingRefused
        if self.apply:
            self._touch(created, updated, updated_old)
        fields = {**counts, "progress": self.source.progress(), "heartbeat_at": timezone.now()}
        if self.apply:
            fields["applied_rows"] = chunk[-1][0]
            if self.touch:
                fields["touched"] = {name: None if values is None else sorted(values) for name, values in self.touched.items()}
        if self.examples_changed:
            fields["examples"], self.examples_changed = self.examples, False
        if not self.apply:  # a check writes its rejected rows and counters only
            created, updated = [], []
        return functools.partial(self._write, created, updated, changes, issues, fields)

    def _write(self, created, updated, changes, issues, fields):
        """One chunk's writes, in the caller's transaction."""
        if created:
            self.kind.write(created, self.context, new=True)
        if updated:
            self.kind.write(updated, self.context)
            # Written like the records (COPY on PostgreSQL): the ORM's bulk_create doubled an update import's time.
            bulk_insert(RowChange, ("job_id", "key", "changes"), changes)
        if self.statistics and (created or updated):
            self.statistics.written(len(created) + len(updated))
        RowIssue.objects.bulk_create(issues)
        ImportJob.objects.filter(pk=self.job.pk).update(**fields)

    def _touch(self, *record_lists):
        for name, position in self.touch:
            values = self.touched[name]
            if values is None:
                continue
            for records in record_lists:
                values.update(record[position] for record in records)
            values.discard(None)
            if len(values) > TOUCHED_MAX:
                self.touched[name] = None

    def _example(self, kind_of_row, example):
        self.examples[kind_of_row].append(example)
        self.examples_changed = True

    def _reject(self, number, cells, errors, issues):
        self.counts["rejected"] += 1
        if self.stored_rejected < self.max_rejected:
            self.stored_rejected += 1
            issues.append(RowIssue(job=self.job, row=number, rejected=True, messages=errors, cells=_jsonable(cells)))

    def _change(self, key, old, old_trace, record):
        """The before/after of the fields an update changes, the import trace included."""
        changed = {
            name: [before, after] for name, before, after in zip(self.kind.fields, old, record, strict=True) if before != after
        }
        if self.kind.trace_field:
            changed[self.kind.trace_field] = [old_trace, self.job.pk]
        return (self.job.pk, key_text(key), json.dumps(_json_ready(changed), cls=DjangoJSONEncoder))

    def _unchanged_fast(self, chunk, issues):
        """Counts rows whose cells equal the stored record's text as unchanged; returns the other rows and the
        key texts no stored record has (`Kind.canonical_rows`)."""
        parse, kind, seen, counts, seen_key_of = self.parse, self.kind, self.seen, self.counts, self.seen_key
        key_of, pick = parse.raw_key, parse.pick
        raw_keys = [key_of(cells) for _n, cells in chunk]
        stored, absent = kind.canonical_rows(self.canonical_query, parse.present_columns, raw_keys)
        if not stored:
            return chunk, absent
        allowed, city, width, parse_key = self.context.allowed_cities, parse.city_position, parse.width, parse.parse_key
        rest = []
        unchanged = 0
        for number, cells in chunk:
            raw = key_of(cells)
            text = stored.get(raw)
            if (
                text is not None
                and (allowed is None or text[city] in allowed)
                and pick(cells if len(cells) >= width else parse.pad(cells)) == text
                and (key := parse_key(raw))  # a tuple of one or more values: always true
                and (seen_key := seen_key_of(key)) not in seen
            ):
                seen.add(seen_key)
                unchanged += 1
                if warnings := kind.key_warnings(key):
                    self._warn(number, warnings, issues)
            else:
                rest.append((number, cells))
        counts["rows"] += unchanged
        counts["unchanged"] += unchanged
        return rest, absent

    def _build(self, rows):
        kind, context, seen = self.kind, self.context, self.seen
        parsed = []
        key_of, (first_key, *_others) = self.parse.key_of, kind.key_columns
        results = self.parse.many([cells for _number, cells in rows])
        for (number, cells), (values, errors) in zip(rows, results, strict=True):
            key = key_of(values) if key_of else (values[first_key],)
            if None not in key:
                seen_key = self.seen_key(key)
                if seen_key in seen:
                    errors.append(
                        (
                            kind.key_columns[0],
                            _("Kunci ganda dalam berkas: baris sebelumnya dengan kunci yang sama yang dipakai."),
                        )
                    )
                else:
                    seen.add(seen_key)
            parsed.append((number, cells, values, errors))
        lookups = kind.prepare([p[2] for p in parsed if not p[3]], context) if parsed else None
        built = []
        for number, cells, values, errors in parsed:
            result = kind.build(values, lookups, context) if not errors else Built(key=None)
            result.errors = errors + result.errors
            built.append((number, cells, result))
        return built, lookups

    def _warn(self, number, warnings, issues):
        if warnings:
            self.counts["warnings"] += 1
            if self.stored_warnings < MAX_STORED_WARNINGS:
                self.stored_warnings += 1
                issues.append(RowIssue(job=self.job, row=number, rejected=False, messages=warnings, cells=[]))


def _touched_set(touched, name):
    """A job's touched values of a field so far (resumed applies go on collecting); None: too many."""
    if name in touched and touched[name] is None:
        return None
    return set(touched.get(name, ()))


def key_text(key):
    """A natural key as RowChange stores it: "6172015508950001", "61.72|2025"."""
    return "|".join(str(part) for part in key)


def _json_ready(changed):
    """Sets (an office's cities) as sorted lists; dates and decimals are written by the field's encoder."""
    return {
        name: [sorted(value) if isinstance(value, frozenset | set) else value for value in pair] for name, pair in changed.items()
    }


def _jsonable(cells):
    return [cell if isinstance(cell, str | int | float | bool) or cell is None else str(cell) for cell in cells]
