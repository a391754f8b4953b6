import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("subsidies", "Programme").objects.get_or_create(
        code="BSU-2025",
        defaults={
            "name": "Bantuan Subsidi Upah 2025",
            "regulation": "Permenaker 5/2025",
            "amount_per_month": 300_000,
            "months": 2,
            "wage_cap": 3_500_000,
            "minimum_wage_round_up": True,
            "round_up_unit": 100_000,
            "minimum_wage_year": 2025,
            "membership_cutoff": dt.date(2025, 4, 30),
            "segments": "PU",
            "channels": "BRI BNI MANDIRI BTN BSI POS",
            "period_start": dt.date(2025, 6, 1),
            "period_end": dt.date(2025, 7, 31),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
