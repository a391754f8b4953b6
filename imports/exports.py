"""What an import job shows of its rows: the rejected-rows CSV (the original cells plus `row` and `errors`)
and the preview's example rows."""

from config.spreadsheets import csv_lines
from imports.kinds import normalize_header
from imports.models import RowIssue


def unmasked(field_name, value):
    return value


def masked_cells(kind, header, mask):
    """A function showing a file row's cells as this user may see them: each cell through
    `mask(field name, value)` by the column its header names (an account number masked)."""
    if mask is unmasked:
        return list
    fields = []
    for title in header:
        name = normalize_header(title)
        fields.append(next((c.field for c in kind.columns if c.field and name in c.accepted_headers), None))

    def show(cells):
        return [
            mask(field, cell) if field and cell not in (None, "") else cell for field, cell in zip(fields, cells, strict=False)
        ]

    return show


def rejected_rows_lines(job, kind=None, mask=unmasked):
    header = [*job.header, "row", "errors"]
    issues = RowIssue.objects.filter(job=job, rejected=True).order_by("row").values_list("row", "cells", "messages")
    show = masked_cells(kind, job.header, mask)

    def rows():
        for row, cells, messages in issues.iterator(chunk_size=2000):
            padded = show(list(cells) + [""] * (len(job.header) - len(cells)))
            yield [*padded, row, "; ".join(f"{column}: {message}" for column, message in messages)]

    return csv_lines(header, rows())


def write_rejected_rows(job, out):
    for line in rejected_rows_lines(job):
        out.write(line)


def _shown(value):
    """A stored value as the preview prints it: lists (an office's cities) joined, nothing as a dash."""
    if value is None or value == "":
        return "-"
    if isinstance(value, list | tuple):
        return " ".join(str(item) for item in value) or "-"
    return str(value)


def _related_names(kind, examples):
    """{field: {stored id: the code people know}} for the foreign keys of the changed fields (an employer's id
    is shown as its NPP), one query per such field over at most a few rows."""
    resolved = {}
    for column in kind.columns:
        path = column.canonical or ""
        if "__" not in path or kind.model is None:
            continue
        relation, attribute = path.split("__", 1)
        ids = {value for e in examples for value in e["changes"].get(column.field, ()) if value is not None}
        if ids:
            related = kind.model._meta.get_field(relation).related_model
            resolved[column.field] = dict(related.objects.filter(pk__in=ids).values_list("pk", attribute))
    return resolved


def preview_examples(job, kind, *, mask):
    """The preview's example rows (kept by the check, see imports.pipeline) ready for the job page:
    created and rejected rows as the file has them, updated rows as column: before -> after.
    `mask(field_name, value)` shows a stored value as the user may see it (account numbers masked)."""
    stored = job.examples or {}
    header, width = list(job.header), len(job.header)
    show = masked_cells(kind, header, mask)

    def cells_of(example):
        cells = show(list(example.get("cells", ()))[:width])
        return [_shown(cell) if cell not in (None, "") else "" for cell in cells + [""] * (width - len(cells))]

    by_name = {column.name: column for column in kind.columns}
    key_positions = []
    for name in kind.key_columns:
        accepted = by_name[name].accepted_headers if name in by_name else {name}
        key_positions += [i for i, title in enumerate(header) if normalize_header(title) in accepted][:1]
    column_of = {column.field: column.name for column in kind.columns if column.field}
    updated = stored.get("updated", [])
    related = _related_names(kind, updated)
    changed_rows = []
    for example in updated:
        cells = cells_of(example)
        changes = []
        for field_name, (before, after) in example["changes"].items():
            if names := related.get(field_name):  # ids of a foreign key (values of other fields may be lists)
                before, after = names.get(before, before), names.get(after, after)
            before, after = (mask(field_name, value) if value not in (None, "") else value for value in (before, after))
            changes.append((column_of.get(field_name, field_name), _shown(before), _shown(after)))
        changed_rows.append({"row": example["row"], "key": " | ".join(cells[i] for i in key_positions), "changes": changes})
    return {
        "header": header,
        "created": [{"row": e["row"], "cells": cells_of(e)} for e in stored.get("created", [])],
        "updated": changed_rows,
        "rejected": [{"row": e["row"], "cells": cells_of(e), "errors": e["errors"]} for e in stored.get("rejected", [])],
        "any": any(stored.get(name) for name in ("created", "updated", "rejected")),
    }
