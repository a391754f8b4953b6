"""Exclusion lists as data (PKH recipients, ASN, TNI, Polri, other lists): the `exclusions` import kind, and
the matching the screening runs against the lists of the kinds a programme names, set-based: one join of
all workers with the lists' NIKs per screening, read back per chunk of workers."""

import contextlib
from typing import NamedTuple

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import parsing
from imports.kinds import Built, Column, Kind
from participants.import_kinds import bounded_text, parse_nik
from subsidies.models import ExclusionEntry, ExclusionKind, ExclusionList

RULE_PREFIX = "excluded:"
HITS_TABLE = "screening_exclusion_hits"


def rule_code(list_code):
    """The screening rule of one list, as stored in a recipient's failed rules: "excluded:PKH-2025"."""
    return f"{RULE_PREFIX}{list_code}"


def default_list_name(kind, code):
    """How a new list names its people: the kind's name and what the code adds to the kind's code
    ("penerima PKH 2025" for PKH-2025 of kind PKH); editable in the admin."""
    rest = code[len(kind.code) :].strip(" -_") if code.upper().startswith(kind.code.upper()) else code
    return f"{kind.name} {rest}".strip()


def exclusion_reason(exclusion_list):
    """The failed rule's message, naming the list: "Terdaftar sebagai penerima PKH 2025 (Kemensos)"."""
    if exclusion_list.source:
        return _("Terdaftar sebagai %(name)s (%(source)s)") % {"name": exclusion_list.name, "source": exclusion_list.source}
    return _("Terdaftar sebagai %(name)s") % {"name": exclusion_list.name}


def screening_window(programme, cutoff):
    """The days a listed NIK's validity must overlap to exclude (INTERFACES.md): the programme's period, or
    the cut-off day where the programme has no period."""
    return programme.period_start or cutoff, programme.period_end or cutoff


# A NIK's validity: its own dates, else its list's; an open end (both empty) reaches any day.
_VALID = (
    "COALESCE(e.valid_from, l.valid_from, %s) <= %s AND COALESCE(e.valid_to, l.valid_to, %s) >= %s "
    "AND e.exclusion_list_id IN ({lists})"
)


class ProgrammeExclusions:
    """The exclusion lists of a programme's kinds, with their rule codes and Indonesian reasons."""

    def __init__(self, programme, cutoff):
        self.lists = list(ExclusionList.objects.filter(kind__programmes=programme).order_by("code"))
        self.start, self.end = screening_window(programme, cutoff)
        self.codes = {item.pk: rule_code(item.code) for item in self.lists}
        self.messages = {rule_code(item.code): exclusion_reason(item) for item in self.lists}
        self.hits_ready = False

    def _valid(self):
        lists = ", ".join(str(pk) for pk in self.codes)  # integers from the database
        return _VALID.format(lists=lists), [self.end, self.end, self.start, self.start]

    def lists_of_nik(self, nik):
        """Rule codes of the lists this NIK is on within the window (one worker: `evaluate`)."""
        if not self.codes:
            return []
        condition, params = self._valid()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.exclusion_list_id FROM subsidies_exclusionentry e "
                "JOIN subsidies_exclusionlist l ON l.id = e.exclusion_list_id "
                f"WHERE e.nik = %s AND {condition}",
                [nik, *params],
            )
            found = {pk for (pk,) in cursor.fetchall()}
        return [code for pk, code in self.codes.items() if pk in found]

    @contextlib.contextmanager
    def matching(self):
        """While screening: every (worker, list) hit, computed by one join into a temporary table indexed by
        worker, so that each chunk of workers reads its hits by id range."""
        if not self.codes:
            yield
            return
        condition, params = self._valid()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {HITS_TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {HITS_TABLE} AS "
                "SELECT w.id AS worker_id, e.exclusion_list_id AS list_id FROM participants_worker w "
                "JOIN subsidies_exclusionentry e ON e.nik = w.nik "
                f"JOIN subsidies_exclusionlist l ON l.id = e.exclusion_list_id WHERE {condition}",
                params,
            )
            cursor.execute(f"CREATE INDEX {HITS_TABLE}_worker ON {HITS_TABLE} (worker_id)")
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {HITS_TABLE}")
        self.hits_ready = True
        try:
            yield
        finally:
            self.hits_ready = False
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {HITS_TABLE}")

    def hits(self, first_id, last_id):
        """{worker id: [rule codes, in list-code order]} of the workers first_id..last_id on a list."""
        if not self.hits_ready:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT worker_id, list_id FROM {HITS_TABLE} WHERE worker_id >= %s AND worker_id <= %s",
                [first_id, last_id],
            )
            rows = cursor.fetchall()
        found = {}
        for worker_id, list_id in rows:
            found.setdefault(worker_id, set()).add(list_id)
        return {worker_id: [code for pk, code in self.codes.items() if pk in ids] for worker_id, ids in found.items()}


def parse_list_code(value):
    """A list code, upper-cased ("pkh-2025" is "PKH-2025"): letters, digits, "-", "_" and ".", up to 30."""
    text = parsing.text(value)
    if text is None:
        return None
    code = text.upper()
    if len(code) > 30 or not all(c.isascii() and (c.isalnum() or c in "-_.") for c in code):
        raise parsing.ParseError(_("Kode daftar hanya huruf, angka, '-', '_' atau '.', paling banyak 30 karakter."))
    return code


class KindCode:
    """The `kind` column: a code of the exclusion kinds table (data), matched in `prepare`."""

    def __call__(self, value):
        text = parsing.text(value)
        return text.upper() if text is not None else None

    @property
    def choices(self):
        return tuple(ExclusionKind.objects.values_list("code", flat=True))


class NewList(NamedTuple):
    """A list a file names for the first time (created when the first of its rows is written)."""

    code: str
    kind_id: int
    source: str
    name: str


class ExclusionImportKind(Kind):
    """Key: list + NIK. A row names its list by code; the first row of an unknown code creates the list with
    the row's kind and source. A row contradicting its list's kind or source is rejected naming the list's."""

    name = "exclusions"
    label = gettext_lazy("Daftar pengecualian BSU")
    model = ExclusionEntry
    permission = "subsidies.add_exclusionentry"  # admins: the lists are national
    columns = [
        Column("list", "daftar", parse_list_code, required=True, aliases=("kode_daftar",), help=gettext_lazy("mis. PKH-2025")),
        Column("kind", "jenis", KindCode(), required=True),
        Column("nik", "nik", parse_nik, required=True, repeats=False, field="nik"),
        Column("valid_from", "berlaku_mulai", parsing.date, field="valid_from"),
        Column("valid_to", "berlaku_sampai", parsing.date, field="valid_to"),
        Column("source", "sumber", bounded_text(150), help=gettext_lazy("mis. Kemensos")),
    ]
    key_columns = ("list", "nik")
    key_fields = ("exclusion_list_id", "nik")
    fields = ("exclusion_list_id", "nik", "valid_from", "valid_to")
    trace_field = "import_job_id"
    key_label = "NIK"

    def prepare(self, rows, context):
        """{kind code: kind}, {list code: (stored list id or NewList, kind code, source)}: a list named for the
        first time takes the kind and source of its first row, and is created when a row of it is written."""
        kinds = {kind.code: kind for kind in ExclusionKind.objects.all()}
        codes = {row["list"] for row in rows}
        lists = {
            code: (pk, kind, source)
            for code, pk, kind, source in ExclusionList.objects.filter(code__in=codes).values_list(
                "code", "pk", "kind__code", "source"
            )
        }
        for row in rows:
            code, kind = row["list"], kinds.get(row["kind"])
            if code not in lists and kind is not None:
                source = row["source"] or ""
                lists[code] = (NewList(code, kind.pk, source, default_list_name(kind, code)), kind.code, source)
        return kinds, lists

    def build(self, v, lookups, context):
        kinds, lists = lookups
        errors = []
        if v["kind"] not in kinds:
            message = _("Jenis %(value)s tidak dikenal; pilihan: %(choices)s.") % {
                "value": v["kind"],
                "choices": ", ".join(kinds),
            }
            return Built(key=None, errors=[("kind", message)])
        target, kind, source = lists[v["list"]]
        if v["kind"] != kind:
            errors.append(("kind", _("Daftar %(list)s berjenis %(kind)s.") % {"list": v["list"], "kind": kind}))
        if v["source"] and v["source"] != source:
            errors.append(
                ("source", _("Sumber daftar %(list)s adalah %(source)s.") % {"list": v["list"], "source": source or "-"})
            )
        record = (target, v["nik"], v["valid_from"], v["valid_to"])
        errors.extend(self.record_errors(record))
        return Built(key=(target, v["nik"]), record=record, errors=errors)

    def existing(self, keys, lookups, *, lock=False):
        stored = [key for key in keys if not isinstance(key[0], NewList)]  # a list not created yet has no entries
        return super().existing(stored, lookups, lock=lock) if stored else {}

    def write(self, records, context, *, new=False):
        """Creates the lists named for the first time, then writes the entries in bulk."""
        created = {}
        resolved = []
        for target, *rest in records:
            if isinstance(target, NewList):
                if target.code not in created:
                    created[target.code] = ExclusionList.objects.create(
                        code=target.code, kind_id=target.kind_id, name=target.name, source=target.source
                    ).pk
                target = created[target.code]
            resolved.append((target, *rest))
        super().write(resolved, context, new=new)

    def record_errors(self, record):
        _list_id, _nik, valid_from, valid_to = record
        if valid_from and valid_to and valid_to < valid_from:
            return [("valid_to", _("Tanggal akhir berlaku sebelum tanggal mulai."))]
        return []

    def canonical_query(self, present):
        return None  # the file names lists by code, the table by id: every row is parsed
