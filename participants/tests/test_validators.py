import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from participants.models import Segment, Worker
from participants.tests.factories import EmployerFactory
from participants.validators import check_kpj, check_nik, nik_region_warning, validate_nik


def test_valid_nik_of_a_woman_from_singkawang():
    result = check_nik("6172015508950001")
    assert result.nik == "6172015508950001"
    assert result.error is None
    assert nik_region_warning(result.nik) is None


def test_nik_with_spaces_is_normalised():
    assert check_nik(" 6172 0155 0895 0001 ").nik == "6172015508950001"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("617201550895000", "16 digit, yang tertulis 15 digit"),
        ("617201550895000", "angka pertamanya hilang"),
        ("61720155089500011", "tertulis 17 digit"),
        ("6.17202E+15", "notasi ilmiah"),
        ("6,17202E+15", "notasi ilmiah"),
        (6172015508950001, "tersimpan sebagai angka"),
        (6.17202e15, "tersimpan sebagai angka"),
        ("61720155O8950001", "hanya boleh berisi angka"),
        ("6172013208950001", "tanggal lahir"),  # day 32
        ("6172017208950001", "tanggal lahir"),  # woman, day 72 - 40 = 32
        ("6172011513950001", "tanggal lahir"),  # month 13
        ("6172015508950000", "0000"),
        ("", "wajib diisi"),
    ],
)
def test_invalid_nik_is_rejected_with_an_indonesian_reason(value, fragment):
    result = check_nik(value)
    assert result.nik is None
    assert fragment in result.error
    with pytest.raises(ValidationError):
        validate_nik(value)


def test_unknown_region_prefix_is_only_a_warning():
    result = check_nik("6199015508950001")
    assert result.error is None
    assert "61.99" in nik_region_warning(result.nik)


def test_leap_day_nik_is_valid():
    assert check_nik("6172012902000001").error is None  # 29 Feb 2000


def test_kpj_must_be_eleven_digits():
    assert check_kpj("") is None
    assert check_kpj("12345678901") is None
    assert "11 digit" in check_kpj("1234")
    assert "11 digit" in check_kpj("1234567890A")


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_regions")
class TestWorkerRules:
    def make(self, **kwargs):
        fields = {
            "nik": "6172015508950001",
            "name": "Siti",
            "segment": Segment.PU,
            "city_id": "61.72",
            "member_since": dt.date(2024, 1, 1),
        }
        fields.update(kwargs)
        return Worker(**fields)

    def test_pu_needs_an_employer(self):
        with pytest.raises(ValidationError) as error:
            self.make().full_clean()
        assert "wajib memiliki pemberi kerja" in str(error.value)

    def test_bpu_has_no_employer(self):
        worker = self.make(segment=Segment.BPU, employer=EmployerFactory())
        with pytest.raises(ValidationError) as error:
            worker.full_clean()
        assert "BPU tidak memiliki pemberi kerja" in str(error.value)

    def test_membership_cannot_end_before_it_starts(self):
        worker = self.make(segment=Segment.BPU, member_until=dt.date(2023, 12, 31))
        with pytest.raises(ValidationError) as error:
            worker.full_clean()
        assert "tidak boleh sebelum tanggal mulai" in str(error.value)

    def test_wage_cannot_be_negative(self):
        worker = self.make(segment=Segment.BPU, wage=-1)
        with pytest.raises(ValidationError) as error:
            worker.full_clean()
        assert "Upah tidak boleh negatif" in str(error.value)

    def test_unknown_programme_code(self):
        worker = self.make(segment=Segment.BPU, programs="JKK XYZ")
        with pytest.raises(ValidationError) as error:
            worker.full_clean()
        assert "XYZ" in str(error.value)

    def test_valid_bpu_worker_passes(self):
        self.make(segment=Segment.BPU, programs="JKK JKM").full_clean()
