"""Reverting an applied import job: the records it changed get their previous values back (from its
RowChange before-images), the records it created are deleted, and records changed again since, or in
use by other records, are left as they are and reported."""

import itertools

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.bulk import bulk_insert
from imports.kinds import registry
from imports.models import ImportJob, RowChange
from imports.pipeline import key_text, lock_writes

BATCH = 5000
REPORTED_KEYS = 20


def _batches(iterable):
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, BATCH)):
        yield batch


def revertible(job):
    """Why this job cannot be reverted (a message), or None."""
    if registry[job.kind].trace_field is None:
        return _("Impor jenis ini tidak bisa dibatalkan.")
    if job.status != ImportJob.Status.DONE:
        return _("Hanya impor yang sudah selesai diterapkan yang bisa dibatalkan.")
    if job.reverted_at:
        return _("Impor ini sudah dibatalkan.")
    return None


def job_revert(*, job, actor):
    """Reverts `job` in one transaction (under the kind's import lock); returns the report message."""
    kind = registry[job.kind]
    with transaction.atomic():
        lock_writes(kind)
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if reason := revertible(job):
            raise ValidationError(reason)
        restored, changed_since = _restore(kind, job)
        deleted, in_use = _delete_created(kind, job)
        message = _(
            "Dikembalikan: %(restored)d baris diubah, %(deleted)d baris baru dihapus. "
            "Dibiarkan: %(changed)d baris sudah diubah lagi sesudah impor ini, %(in_use)d baris baru sudah dipakai data lain."
        ) % {"restored": restored, "deleted": deleted, "changed": len(changed_since), "in_use": len(in_use)}
        kept = changed_since + in_use
        if kept:
            message += " " + _("Kunci yang dibiarkan: %(keys)s") % {"keys": ", ".join(kept[:REPORTED_KEYS])}
            if len(kept) > REPORTED_KEYS:
                message += " …"
        ImportJob.objects.filter(pk=job.pk).update(reverted_at=timezone.now(), reverted_by=actor, revert_message=message)
    kind.after_apply(job)  # the dashboards follow
    job.refresh_from_db()
    return message


def _restore(kind, job):
    """Puts back the before-values of every record the job updated that nobody changed since (its stored
    values still equal the job's after-values, the trace included)."""
    meta = kind.model._meta
    names = kind.stored_fields
    position = {name: i for i, name in enumerate(names)}
    fields = {name: meta.get_field(name) for name in names}
    key_fields = [meta.get_field(name) for name in kind.key_fields]
    restored, changed_since = 0, []
    changes = RowChange.objects.filter(job=job).order_by("pk").values_list("key", "changes")
    for batch in _batches(changes.iterator(chunk_size=BATCH)):
        wanted = {
            tuple(f.to_python(part) for f, part in zip(key_fields, text.split("|"), strict=True)): (text, diff)
            for text, diff in batch
        }
        current = kind.existing(list(wanted), None)
        rows = []
        for key, (text, diff) in wanted.items():
            stored = current.get(key)
            if stored is None or any(
                fields[n].to_python(after) != fields[n].to_python(stored[position[n]]) for n, (_b, after) in diff.items()
            ):
                changed_since.append(text)
                continue
            row = list(stored)
            for name, (before, _after) in diff.items():
                row[position[name]] = fields[name].to_python(before)
            rows.append(tuple(row))
        if rows:
            bulk_insert(kind.model, names, rows, conflict=kind.key_fields)
            restored += len(rows)
    return restored, changed_since


def _delete_created(kind, job):
    """Deletes the records the job created and nobody changed since (they still carry its id), except those
    other records refer to (a worker with a BSU recipient or a bank account, an employer with workers)."""
    model = kind.model
    created = list(model._base_manager.filter(**{kind.trace_field: job.pk}).values_list("pk", flat=True))
    relations = [r for r in model._meta.related_objects if r.on_delete is not models.DO_NOTHING and not r.many_to_many]
    deleted, in_use = 0, []
    for batch in _batches(created):
        used = set()
        for relation in relations:
            column = relation.field.attname
            used.update(relation.related_model._base_manager.filter(**{f"{column}__in": batch}).values_list(column, flat=True))
        if used:
            keys = model._base_manager.filter(pk__in=used).values_list(*kind.key_fields)
            in_use.extend(key_text(key) for key in keys)
        free = [pk for pk in batch if pk not in used]
        deleted += model._base_manager.filter(pk__in=free).delete()[1].get(model._meta.label, 0)
    return deleted, in_use
