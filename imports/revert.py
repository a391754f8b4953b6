"""Reverting an applied import job: the records it changed get their previous values back (from its
RowChange before-images), the records it created are deleted, and records changed again since, or in
use by other records, are left as they are and reported."""

import itertools

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.bulk import bulk_insert
from config.pagecache import figures_changed
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
    # A job that failed during its apply committed whole chunks (with their before-images): revertible too.
    applied = job.status == ImportJob.Status.DONE or (job.status == ImportJob.Status.FAILED and job.started_at)
    if not applied:
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
        restored, changed_since, dangling = _restore(kind, job)
        deleted, in_use, forgotten = _delete_created(kind, job)
        message = _(
            "Dikembalikan: %(restored)d baris diubah, %(deleted)d baris baru dihapus. "
            "Dibiarkan: %(changed)d baris sudah diubah lagi sesudah impor ini, %(in_use)d baris baru sudah dipakai data lain."
        ) % {"restored": restored, "deleted": deleted, "changed": len(changed_since), "in_use": len(in_use)}
        if dangling:
            message += " " + _("%(count)d baris tidak dikembalikan karena nilai lamanya merujuk data yang sudah dihapus.") % {
                "count": len(dangling)
            }
        if forgotten:
            message += " " + _("%(count)d baris baru sudah diubah lagi atau dihapus sesudah impor ini.") % {"count": forgotten}
        kept = changed_since + dangling + in_use
        if kept:
            message += " " + _("Kunci yang dibiarkan: %(keys)s") % {"keys": ", ".join(kept[:REPORTED_KEYS])}
            if len(kept) > REPORTED_KEYS:
                message += " …"
        ImportJob.objects.filter(pk=job.pk).update(reverted_at=timezone.now(), reverted_by=actor, revert_message=message)
    kind.after_apply(job)  # the dashboards follow
    figures_changed()
    job.refresh_from_db()
    return message


def _restore(kind, job):
    """Puts back the before-values of every record the job updated that nobody changed since (its stored
    values still equal the job's after-values, the trace included). A before-value naming a record that no
    longer exists (an employer a revert deleted) is not put back: the row is left and reported."""
    meta = kind.model._meta
    names = kind.stored_fields
    position = {name: i for i, name in enumerate(names)}
    fields = {name: meta.get_field(name) for name in names}
    key_fields = [meta.get_field(name) for name in kind.key_fields]
    restored, changed_since, dangling = 0, [], []
    changes = RowChange.objects.filter(job=job).order_by("pk").values_list("key", "changes")
    for batch in _batches(changes.iterator(chunk_size=BATCH)):
        wanted = {
            tuple(f.to_python(part) for f, part in zip(key_fields, text.split("|"), strict=True)): (text, diff)
            for text, diff in batch
        }
        current = kind.existing(list(wanted), None, lock=True)  # no edit slips in between this read and the write
        missing = _missing_references(fields, [diff for _text, diff in wanted.values()])
        rows = []
        for key, (text, diff) in wanted.items():
            stored = current.get(key)
            if stored is None or any(
                fields[n].to_python(after) != fields[n].to_python(stored[position[n]]) for n, (_b, after) in diff.items()
            ):
                changed_since.append(text)
                continue
            if any((name, before) in missing for name, (before, _after) in diff.items()):
                dangling.append(text)
                continue
            row = list(stored)
            for name, (before, _after) in diff.items():
                row[position[name]] = fields[name].to_python(before)
            rows.append(tuple(row))
        if rows:
            bulk_insert(kind.model, names, rows, conflict=kind.key_fields)
            restored += len(rows)
    return restored, changed_since, dangling


def _missing_references(fields, diffs):
    """{(field name, id)} of before-values of relations (the import trace aside) whose record is gone."""
    wanted = {}
    for diff in diffs:
        for name, (before, _after) in diff.items():
            field = fields[name]
            if field.is_relation and before is not None and field.related_model is not ImportJob:
                wanted.setdefault(name, set()).add(field.to_python(before))
    missing = set()
    for name, ids in wanted.items():
        found = set(fields[name].related_model._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
        missing.update((name, value) for value in ids - found)
    return missing


def _delete_created(kind, job):
    """Deletes the records the job created and nobody changed since (they still carry its id), except those
    in use (`Kind.records_in_use`: a worker with a BSU recipient or an account, an employer with workers, an
    account a subsidy was determined on). Their import history goes with them, so that a record created
    later with the same key starts a history of its own. Returns (deleted, keys in use, created rows that
    were changed or deleted since)."""
    model = kind.model
    # Rows the job updated but that could not be restored still carry its id: they were not created by it.
    updated = set(RowChange.objects.filter(job=job).values_list("key", flat=True))
    traced = model._base_manager.filter(**{kind.trace_field: job.pk}).values_list("pk", *kind.key_fields)
    created = [pk for pk, *key in traced if key_text(key) not in updated]
    deleted, in_use = 0, []
    for batch in _batches(created):
        used = kind.records_in_use(batch)
        if used:
            keys = model._base_manager.filter(pk__in=used).values_list(*kind.key_fields)
            in_use.extend(key_text(key) for key in keys)
        free = [pk for pk in batch if pk not in used]
        gone = [key_text(key) for key in model._base_manager.filter(pk__in=free).values_list(*kind.key_fields)]
        RowChange.objects.filter(job__kind=kind.name, key__in=gone).delete()
        deleted += model._base_manager.filter(pk__in=free).delete()[1].get(model._meta.label, 0)
    return deleted, in_use, max(0, job.created - deleted - len(in_use))
