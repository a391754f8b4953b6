"""config.bulk: the chunk lookups' IN condition matches exactly the keys given, an empty text included."""

import pytest
from django.db import connection

from config.bulk import in_condition

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
