from decimal import Decimal

from django.db import migrations

BANDS = [
    (Decimal("0"), "Sangat rendah", "#b3261e"),
    (Decimal("20"), "Rendah", "#e07b00"),
    (Decimal("35"), "Sedang", "#c9a800"),
    (Decimal("50"), "Baik", "#2e8b57"),
    (Decimal("75"), "Sangat baik", "#00703c"),
]


def seed(apps, schema_editor):
    band = apps.get_model("regions", "UcjBand")
    for min_percent, label, colour in BANDS:
        band.objects.get_or_create(min_percent=min_percent, defaults={"label": label, "colour": colour})


class Migration(migrations.Migration):
    dependencies = [("regions", "0003_ucj_bands")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
