"""config.bulk: the chunk lookups' IN condition matches exactly the keys given, an empty text included; bulk
writes go in whole, across statements."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from config.bulk import LARGE_WRITES_CACHE_SIZE, SQLITE_ROWS_PER_INSERT, bulk_insert, in_condition, large_writes
from participants.models import Employer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("keys", "found"),
    [([""], [""]), (["", "A"], ["", "A"]), (["A", "B"], ["A"])],
)
def test_in_condition_finds_exactly_the_keys(keys, found):
    condition, params = in_condition("t.k", keys)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t.k FROM (SELECT '' AS k UNION ALL SELECT 'A') t WHERE {condition} ORDER BY 1", params)  # noqa: S608
        assert [row[0] for row in cursor.fetchall()] == found


def test_bulk_insert_writes_and_updates_across_statements(reference_regions):
    """More rows than one statement takes (SQLite: SQLITE_ROWS_PER_INSERT), dates and empty values kept,
    and an update of existing keys (ON CONFLICT) that spans two statements."""
    count = SQLITE_ROWS_PER_INSERT * 2 + 7
    rows = [(f"N{i:07d}", f"PT {i}", "61.72", None, "", dt.date(2020, 1, 1) + dt.timedelta(days=i % 400)) for i in range(count)]
    fields = ("npp", "name", "city_id", "branch_id", "sector", "registered_on")
    bulk_insert(Employer, fields, rows)
    assert Employer.objects.count() == count
    assert Employer.objects.get(npp="N0000401").registered_on == dt.date(2020, 1, 2)
    assert Employer.objects.filter(branch_id=None).count() == count
    changed = [(npp, f"{name} baru", *rest) for npp, name, *rest in rows[SQLITE_ROWS_PER_INSERT - 3 :]]
    bulk_insert(Employer, fields, changed, conflict=("npp",))
    assert Employer.objects.count() == count
    assert Employer.objects.filter(name__endswith=" baru").count() == len(changed)
    assert Employer.objects.get(npp=f"N{SQLITE_ROWS_PER_INSERT - 4:07d}").name == f"PT {SQLITE_ROWS_PER_INSERT - 4}"


def test_bulk_insert_refuses_rows_of_the_wrong_width_and_raises_djangos_errors(reference_regions):
    """A short row never shifts its neighbours' values (on SQLite the rows go in as one parameter list), and a
    broken constraint is Django's IntegrityError on both databases, with nothing of the call written."""
    fields = ("npp", "name", "city_id", "branch_id", "sector", "registered_on")
    with pytest.raises(ValueError, match="6 values"), transaction.atomic():
        bulk_insert(Employer, fields, [("N1", "PT 1", "61.72", None, ""), ("N2", "PT 2", "61.72", None, "", None, None)])
    assert not Employer.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(Employer, fields, [("N1", "PT 1", "61.72", None, "", None), ("N1", "PT 1 lagi", "61.72", None, "", None)])
    assert not Employer.objects.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache and checkpoints")
def test_large_writes_shrink_the_page_cache_and_give_it_back():
    def pragma(name):
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA {name}")
            return cursor.fetchone()[0]

    before = pragma("cache_size")
    with large_writes():
        assert pragma("cache_size") == LARGE_WRITES_CACHE_SIZE
        assert pragma("wal_autocheckpoint") == 20000
    assert pragma("cache_size") == before
    assert pragma("wal_autocheckpoint") == 1000
