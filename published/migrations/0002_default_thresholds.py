from decimal import Decimal

from django.db import migrations

THRESHOLDS = [
    ("zscore", "Skor-z termodifikasi perubahan bersih bulanan (metode DHIS2)", Decimal("3.5")),
    ("deactivation", "Peserta keluar dalam sebulan, persen dari peserta aktif", Decimal("10")),
]


def add(apps, schema_editor):
    FlagThreshold = apps.get_model("published", "FlagThreshold")
    for code, label, value in THRESHOLDS:
        FlagThreshold.objects.get_or_create(code=code, defaults={"label": label, "value": value})


class Migration(migrations.Migration):
    dependencies = [("published", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
