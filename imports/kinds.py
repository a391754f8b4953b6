"""Import kinds: the small, uniform extension point of the import pipeline.

A kind names its columns (English and Indonesian header names, a parser each), how a parsed row becomes
a database record, and how records are written. Apps declare kinds in an `import_kinds` module and call
`register()`; the pipeline does the rest (reading, parsing, duplicates, scope, counts, rejected rows).
"""

import datetime as dt
import functools
import operator
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, models
from django.utils.translation import gettext as _

from config.bulk import bulk_insert, in_condition
from config.parsing import ParseError

registry = {}


def _to_date(value):
    return value if value is None or value.__class__ is dt.date else dt.date.fromisoformat(str(value)[:10])


def _to_decimal(value):
    return value if value is None or value.__class__ is Decimal else Decimal(str(value))


# Raw database values that differ from parsed values on some backends (SQLite keeps dates as text).
_RAW_CONVERTERS = defaultdict(lambda: None, {"DateField": _to_date, "DecimalField": _to_decimal})


def register(kind):
    registry[kind.name] = kind
    return kind


def normalize_header(name):
    return re.sub(r"[\s\-/]+", "_", str(name or "").strip().lower().lstrip("\ufeff"))


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # the Indonesian header name, also accepted
    parse: object
    required: bool = False
    aliases: tuple = ()
    help: str = ""
    repeats: bool = True  # values recur across rows, so parsing is memoised per file (False for NIK, names)
    field: str | None = None  # the record field this column fills (a column missing from a file keeps it as stored)
    canonical: str | None = None  # field path whose text form the cell is compared with; defaults to `field`
    fills: tuple = ()  # further record fields the column writes with `field` (kept as stored when it is missing)

    @property
    def accepted_headers(self):
        return {normalize_header(n) for n in (self.name, self.label, *self.aliases)}

    @property
    def choices(self):
        """The values a `choice` column accepts, as the upload page lists them (empty for free columns)."""
        return getattr(self.parse, "choices", ())


def choice(options, *, upper=True):
    """A parser accepting one of `options` (a dict of accepted spelling -> stored value)."""
    accepted = {(k.upper() if upper else k): v for k, v in options.items()}

    def parse(value):
        if value is None or str(value).strip() == "":
            return None
        key = str(value).strip()
        key = key.upper() if upper else key
        if key not in accepted:
            raise ParseError(
                _("Nilai %(value)s tidak dikenal; pilihan: %(choices)s.")
                % {"value": value, "choices": ", ".join(sorted(set(options)))}
            )
        return accepted[key]

    parse.choices = tuple(options)  # listed on the upload page, in the kind's own order
    return parse


@dataclass
class Context:
    """What a pass knows besides the file: the job, and the cities the uploader may write to (None = all)."""

    job: object
    allowed_cities: set | None
    apply: bool
    city_codes: set = field(default_factory=set)


TEXT_TYPES = ("CharField", "TextField")


@dataclass
class Built:
    """One row turned into a record (a tuple in `Kind.fields` order) or rejected with messages."""

    key: tuple | None
    record: tuple | None = None
    errors: list = field(default_factory=list)  # [(column, message)]
    warnings: list = field(default_factory=list)


class Kind:
    """Base class. Subclasses set the attributes and implement `build`; most need nothing else."""

    name = ""
    label = ""
    model = None
    columns = []
    key_columns = ()  # parsed column names forming the natural key in the file
    key_fields = ()  # model attnames of the same key
    fields = ()  # model attnames written, in record order (key fields included)
    trace_field = None  # attname set to the import job's id on created/updated rows (such kinds can be reverted)
    scope_field = None  # attname in `fields` of the record's city: a stored record outside the uploader's scope is not theirs
    key_label = ""  # how users call the key, for the out-of-scope message ("NIK", "NPP")
    # No row of a file needs what an earlier chunk of the same file wrote (a list it created, a record it
    # refers to): the apply may read chunk N+1 while chunk N is being written (imports.pipeline.ChunkWriter).
    independent_chunks = False
    records_changes = True  # updates keep a RowChange (before/after of the changed fields); False where the kind audits itself
    permission = ""

    @functools.cached_property
    def column_names(self):
        return tuple(column.name for column in self.columns)

    def prepare(self, rows, context):
        """Bulk lookups for one chunk of parsed rows (a list of dicts); returns whatever `build` needs."""
        return None

    def build(self, values, lookups, context):
        raise NotImplementedError

    @property
    def stored_fields(self):
        """What `existing` reads per record: the written fields, then the import trace if the kind has one."""
        return (*self.fields, self.trace_field) if self.trace_field else self.fields

    def existing(self, keys, lookups, *, lock=False):
        """Current records of these keys: {key: tuple in `stored_fields` order}, read with one raw query
        (a kind whose `prepare` lookups already hold them answers from those). `lock` holds the rows until the
        transaction ends (PostgreSQL; SQLite's write transaction already excludes other writers)."""
        meta = self.model._meta
        quote = connection.ops.quote_name
        names = self.stored_fields
        columns = ", ".join(quote(meta.get_field(name).column) for name in names)
        conditions, params = [], []
        for i, name in enumerate(self.key_fields):
            condition, values = in_condition(quote(meta.get_field(name).column), {k[i] for k in keys})
            conditions.append(condition)
            params.extend(values)
        sql = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {' AND '.join(conditions)}"
        if lock and connection.vendor == "postgresql":
            sql += " FOR UPDATE"
        converters = [(i, _RAW_CONVERTERS[meta.get_field(n).get_internal_type()]) for i, n in enumerate(names)]
        converters = [(i, c) for i, c in converters if c is not None]
        positions = [self.fields.index(name) for name in self.key_fields]
        wanted = set(keys)
        result = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for row in cursor.fetchall():
                if converters:
                    row = list(row)
                    for i, convert in converters:
                        row[i] = convert(row[i])
                    row = tuple(row)
                key = tuple(row[i] for i in positions)
                if key in wanted:
                    result[key] = row
        return result

    def write(self, records, context, *, new=False):
        """Writes records in one statement per chunk: plain inserts when `new` (the pipeline has checked,
        under its per-kind lock, that the keys do not exist), else INSERT ... ON CONFLICT DO UPDATE."""
        fields = list(self.stored_fields)
        params = [(*record, context.job.pk) for record in records] if self.trace_field else list(records)
        params.sort(key=self._sort_key)  # in key order the unique index is written page by page
        bulk_insert(self.model, fields, params, conflict=() if new else self.key_fields)

    @functools.cached_property
    def _sort_key(self):
        return operator.itemgetter(*[self.fields.index(name) for name in self.key_fields])

    def unchanged(self, stored, record):
        """Whether a row changes nothing: by default, the record equals the stored one."""
        return stored == record

    def records_in_use(self, pks):
        """Of these records (primary keys), those other records refer to, which a revert must not delete."""
        used = set()
        for relation in self.model._meta.related_objects:
            if relation.on_delete is models.DO_NOTHING or relation.many_to_many:
                continue  # simple-history's copies point here without owning anything
            column = relation.field.attname
            used.update(relation.related_model._base_manager.filter(**{f"{column}__in": pks}).values_list(column, flat=True))
        return used

    def record_errors(self, record):
        """Errors of a record as it would be stored, after columns missing from the file were filled in from the
        stored record (a rule across fields the row alone could not break): [(column, message)]."""
        return []

    def key_warnings(self, key):
        """Warnings that depend on the key alone (also given for rows found unchanged without parsing)."""
        return []

    def canonical_query(self, present):
        """SQL returning, per stored record, the text of each present column as a tidy file would write it.

        A row whose cells equal that text is unchanged and skips parsing: re-importing a file is cheap.
        None when a present column has no text form (then every row is parsed).
        """
        if self.model is None or not self.key_fields:
            return None
        paths = [column.canonical or column.field for column in present]
        if None in paths or any(column.name in self.key_columns and not column.field for column in present):
            return None
        meta = self.model._meta
        quote = connection.ops.quote_name
        selects, joins = [], {}
        for path in paths:
            if "__" in path:
                relation, attribute = path.split("__")
                foreign_key = meta.get_field(relation)
                related = foreign_key.related_model._meta
                alias = f"j_{relation}"
                joins[alias] = (
                    f"LEFT JOIN {quote(related.db_table)} {alias} "
                    f"ON {alias}.{quote(related.pk.column)} = t.{quote(foreign_key.column)}"
                )
                expression = f"{alias}.{quote(related.get_field(attribute).column)}"
            else:
                expression = f"t.{quote(meta.get_field(path).column)}"
            selects.append(f"COALESCE(CAST({expression} AS TEXT), '')")
        selects.extend(self._key_texts())  # then the stored keys as the lookup compares them (canonical_rows)
        return f"SELECT {', '.join(selects)} FROM {quote(meta.db_table)} t {' '.join(joins.values())}"

    def _key_texts(self):
        """The key columns as text, the form `canonical_rows` looks raw key cells up by."""
        meta = self.model._meta
        texts = []
        for name in self.key_fields:
            field = meta.get_field(name)
            column = f"t.{connection.ops.quote_name(field.column)}"
            texts.append(column if field.get_internal_type() in TEXT_TYPES else f"CAST({column} AS TEXT)")
        return texts

    @functools.cached_property
    def _text_keys(self):
        """Whether every key field is text: then a parsed key's `str()` is exactly its stored form (a date's
        or a number's text depends on the database's settings)."""
        return all(self.model._meta.get_field(name).get_internal_type() in TEXT_TYPES for name in self.key_fields)

    def canonical_rows(self, query, present, raw_keys):
        """({raw key: text tuple}, absent) for the stored records whose key cells are `raw_keys`; `absent`: the
        key texts looked for that no record has (a row whose parsed key has such a text needs no `existing`
        lookup: a first import asks the database once per chunk, not twice)."""
        conditions, params = [], []
        wanted = [tuple(str(value) for value in raw) for raw in raw_keys]
        for i, column in enumerate(self._key_texts()):
            condition, values = in_condition(column, {key[i] for key in wanted})
            conditions.append(condition)
            params.extend(values)
        names = [column.name for column in present]
        positions = [names.index(name) for name in self.key_columns]
        width = len(present)
        with connection.cursor() as cursor:
            cursor.execute(f"{query} WHERE {' AND '.join(conditions)}", params)
            rows = cursor.fetchall()
        absent = set(wanted).difference(row[width:] for row in rows) if self._text_keys else set()
        return {tuple(row[i] for i in positions): row[:width] for row in rows}, absent

    # Fields whose old and new values an apply collects on its job (ImportJob.touched), so that after_apply
    # refreshes the figures of those cities or employers only.
    touch_fields = ()

    def after_apply(self, job):
        """Called once after a successful apply or revert (e.g. to refresh dashboard figures)."""

    def out_of_scope_message(self):
        """One wording for every stored record outside the uploader's scope, so that a preview never tells
        where a NIK or NPP lives (and says "updated" for none of them)."""
        return _("%(key)s sudah terdaftar di luar cakupan wilayah Anda; perpindahan wilayah diproses oleh Kanwil.") % {
            "key": self.key_label
        }

    def owner_in_scope(self, city, context, errors, column):
        """Whether a stored record (or the worker a row is about) lives in the uploader's scope; if not,
        records the neutral refusal."""
        if context.allowed_cities is None or city in context.allowed_cities:
            return True
        errors.append((column, self.out_of_scope_message()))
        return False

    def check_city(self, code, context, errors, column="city_code"):
        """Returns the city code when it exists and is in the uploader's scope, else records an error."""
        if code is None:
            return None
        if code not in context.city_codes:
            errors.append((column, _("Kode kabupaten/kota %(code)s tidak dikenal.") % {"code": code}))
            return None
        if context.allowed_cities is not None and code not in context.allowed_cities:
            errors.append((column, _("Kabupaten/kota %(code)s di luar cakupan wilayah Anda.") % {"code": code}))
            return None
        return code
