import pytest
from django.core.management import call_command
from django.utils import timezone

from participants.models import Employer, Worker
from participants.selectors import active_on
from regions.models import Access, Office, WorkforceEstimate

pytestmark = pytest.mark.django_db


def test_demo_data_is_complete_and_idempotent(capsys):
    call_command("load_demo")
    first = (Office.objects.count(), Employer.objects.count(), Worker.objects.count(), WorkforceEstimate.objects.count())
    call_command("load_demo")
    second = (Office.objects.count(), Employer.objects.count(), Worker.objects.count(), WorkforceEstimate.objects.count())
    assert first == second

    kanwil = Office.objects.get(code="KALIMANTAN")
    assert kanwil.branches.count() >= 8
    # every Kalimantan regency/city is served by a branch and has a workforce estimate
    kalimantan = {"61", "62", "63", "64", "65"}
    served = set(kanwil.branches.values_list("cities__code", flat=True))
    assert len(served) == sum(1 for code in served if code[:2] in kalimantan) == 56
    assert WorkforceEstimate.objects.filter(year=2025).count() == 56

    singkawang = WorkforceEstimate.objects.get(city_id="61.72", year=2025)
    assert singkawang.potential_total == 73_236
    today = timezone.localdate()
    assert Worker.objects.filter(active_on(today), city_id="61.72").count() == 16_684
    assert Worker.objects.filter(city_id="61.72").exclude(active_on(today)).exists()
    assert Worker.objects.exclude(city_id="61.72").count() > 5_000
    assert Employer.objects.count() >= 300
    assert set(Worker.objects.values_list("segment", flat=True).distinct()) == {"PU", "BPU", "JAKON", "PMI"}
    assert Access.objects.count() == 5
    assert "pemkot.singkawang" in capsys.readouterr().out
