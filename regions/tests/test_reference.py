import pytest

from regions.models import City, Province
from regions.reference import load_reference_regions

pytestmark = pytest.mark.django_db


def test_migrate_loads_every_province_and_regency():
    assert Province.objects.count() == 38
    assert City.objects.count() == 514
    assert City.objects.filter(kind=City.Kind.KOTA).count() == 98
    assert City.objects.filter(kind=City.Kind.KABUPATEN).count() == 416


def test_known_codes():
    assert City.objects.get(code="61.72").name == "Kota Singkawang"
    assert City.objects.get(code="61.71").name == "Kota Pontianak"
    assert City.objects.get(code="64.71").name == "Kota Balikpapan"
    assert City.objects.get(code="61.02").name == "Kabupaten Mempawah"  # Kemendagri code, not BPS 6102
    assert Province.objects.get(code="61").name == "Kalimantan Barat"


def test_loading_again_changes_nothing():
    load_reference_regions(Province, City)
    assert Province.objects.count() == 38
    assert City.objects.count() == 514
