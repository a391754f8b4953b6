"""The rejected-rows CSV of an import job: the original cells plus `row` and `errors`."""

from config.spreadsheets import csv_lines
from imports.models import RowIssue


def rejected_rows_lines(job):
    header = [*job.header, "row", "errors"]
    issues = RowIssue.objects.filter(job=job, rejected=True).order_by("row").values_list("row", "cells", "messages")

    def rows():
        for row, cells, messages in issues.iterator(chunk_size=2000):
            padded = list(cells) + [""] * (len(job.header) - len(cells))
            yield [*padded, row, "; ".join(f"{column}: {message}" for column, message in messages)]

    return csv_lines(header, rows())


def write_rejected_rows(job, out):
    for line in rejected_rows_lines(job):
        out.write(line)
