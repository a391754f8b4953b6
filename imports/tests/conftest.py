import pytest

from participants.tests.factories import EmployerFactory

HEADER = "nik,name,segment,city_code,member_since,npp,wage,member_until"


@pytest.fixture
def employer(reference_regions):
    return EmployerFactory(npp="AA020015", city_code="61.72")


@pytest.fixture
def write_file(tmp_path):
    def _write(text, name="file.csv", encoding="utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return _write
