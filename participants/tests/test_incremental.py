"""Incremental figures (issue 16): an import rebuilds the figures of the cities and employers it touched,
nothing else, and ends where a full rebuild would; refreshes of the same city at once end as one."""

import datetime as dt
import logging
import threading

import pytest
from django.db import connections

from imports.services import job_apply, job_check, job_create
from participants.figures import figures_refresh
from participants.models import CoverageFigure, EmployerFigure, Worker
from participants.tests.factories import EmployerFactory, WorkerFactory

CITIES = ("61.01", "61.02", "61.71", "61.72", "64.71")
NEW_NIK = "6172012808950001"  # born on the 28th: never one of the factory's NIKs


def coverage_rows():
    """{city: {(pk, group, day, joined, left)}}: the pk shows whether a row was rewritten."""
    rows = {}
    for row in CoverageFigure.objects.values_list("city_id", "pk", "group", "day", "joined_total", "left_total"):
        rows.setdefault(row[0], set()).add(row[1:])
    return rows


def without_pk(rows):
    return {city: {row[1:] for row in city_rows} for city, city_rows in rows.items()}


def employer_rows():
    return set(EmployerFigure.objects.values_list("employer_id", "day", "active_workers", "active_wage_total"))


@pytest.fixture
def country(users):
    employers = {code: EmployerFactory(npp=f"E{code.replace('.', '')}", city_code=code) for code in CITIES}
    for code in CITIES:
        WorkerFactory.create_batch(3, city_code=code, employer=employers[code])
        WorkerFactory(city_code=code, segment="BPU", employer=None, member_since=dt.date(2023, 5, 1))
    figures_refresh()
    return employers


def import_workers(user, text, tmp_path):
    path = tmp_path / "workers.csv"
    path.write_text(text, encoding="utf-8")
    with path.open("rb") as binary:
        job = job_create(kind="workers", fileobj=binary, filename=path.name, user=user)
    job_check(job=job)
    job_apply(job=job)  # the tasks run immediately in tests: its figures refresh too
    job.refresh_from_db()
    return job


@pytest.mark.django_db
def test_an_import_touching_three_cities_rebuilds_only_those_and_ends_like_a_full_rebuild(country, users, tmp_path, caplog):
    before, employers_before = coverage_rows(), employer_rows()
    leaving = Worker.objects.filter(city_id="61.71", segment="PU").first()
    moving = Worker.objects.filter(city_id="61.01", segment="PU").first()
    text = (
        "nik,name,segment,city_code,member_since,member_until,npp\n"
        f"{NEW_NIK},Pekerja Baru,PU,61.72,2025-02-03,,E6172\n"
        f"{leaving.nik},{leaving.name},PU,61.71,2024-01-01,2025-03-31,E6171\n"
        f"{moving.nik},{moving.name},PU,61.72,2024-01-01,,E6101\n"
    )
    job = import_workers(users["admin"], text, tmp_path)
    assert job.counts_line() == "rows=3 created=1 updated=2 unchanged=0 rejected=0"
    assert job.touched["city_id"] == ["61.01", "61.71", "61.72"]
    assert sorted(job.touched["employer_id"]) == sorted(country[c].pk for c in ("61.01", "61.71", "61.72"))

    after = coverage_rows()
    for code in ("61.02", "64.71"):  # untouched: the very same rows, not rewritten
        assert after[code] == before[code]
    for code in ("61.01", "61.71", "61.72"):
        assert without_pk({code: after[code]}) != without_pk({code: before[code]})
    changed = {row[0] for row in employer_rows() ^ employers_before}
    assert changed == {country[c].pk for c in ("61.71", "61.72")}  # E6101 keeps its worker, who moved city only

    incremental, incremental_employers = without_pk(after), employer_rows()
    with caplog.at_level(logging.WARNING, logger="participants.figures"):
        figures_refresh()  # the nightly safety net
    assert without_pk(coverage_rows()) == incremental
    assert employer_rows() == incremental_employers
    assert "corrected" not in caplog.text


@pytest.mark.django_db
def test_the_full_rebuild_names_the_cities_it_had_to_correct(country, caplog):
    WorkerFactory(city_code="61.02", employer=country["61.02"])  # written past imports and the admin
    with caplog.at_level(logging.WARNING, logger="participants.figures"):
        figures_refresh()
    assert "corrected cities the refreshes had left wrong: 61.02" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_of_the_same_city_at_once_end_as_one(country):
    employer = country["61.72"]
    WorkerFactory.create_batch(5, city_code="61.72", employer=employer)
    errors = []

    def refresh():
        try:
            figures_refresh(cities=["61.72"], employers=[employer.pk])
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    concurrent, concurrent_employers = without_pk(coverage_rows()), employer_rows()
    figures_refresh(cities=["61.72"], employers=[employer.pk])
    assert without_pk(coverage_rows()) == concurrent
    assert employer_rows() == concurrent_employers
    assert EmployerFigure.objects.get(employer=employer).active_workers == 8
