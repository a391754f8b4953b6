"""Seeds the scorecard's aspects, indicators, weights and scoring bands (issue 14). The Paritrana Award's
weights are not public: these are ours, a starting point to edit in the admin (Aspek skor, Indikator skor)."""

from decimal import Decimal

from django.db import migrations

ASPECTS = [("kebijakan", "Kebijakan", 25), ("penerapan", "Penerapan", 35), ("kinerja", "Kinerja", 40)]
# (aspect, code, name, formula, weight within the aspect, commitment kinds, [(minimum raw value, score)])
INDICATORS = [
    ("kebijakan", "regulasi", "Regulasi jaminan sosial ketenagakerjaan yang berlaku", "in_force", 100, ["regulation"],
     [(0, 0), (1, 70), (2, 100)]),
    ("penerapan", "apbd_dianggarkan", "Pekerja yang iurannya dianggarkan APBD (% potensi BPU)", "allocated", 35,
     ["apbd", "village"], [(0, 0), (1, 40), (3, 70), (6, 100)]),
    ("penerapan", "apbd_terealisasi", "Realisasi pekerja yang dianggarkan APBD (%)", "delivered", 25, ["apbd", "village"],
     [(0, 0), (25, 40), (50, 70), (90, 100)]),
    ("penerapan", "perizinan", "Syarat kepesertaan BPJS dalam perizinan", "in_force", 20, ["licensing"], [(0, 0), (1, 100)]),
    ("penerapan", "non_asn", "Pegawai non-ASN yang didaftarkan (orang)", "enrolled", 20, ["non_asn"],
     [(0, 0), (1, 50), (500, 80), (1000, 100)]),
    ("kinerja", "ucj", "UCJ (%)", "ucj", 30, [], [(0, 0), (10, 20), (20, 40), (30, 60), (40, 80), (50, 100)]),
    ("kinerja", "pertumbuhan", "Pertumbuhan peserta aktif 12 bulan (%)", "growth", 20, [],
     [(0, 0), (2, 40), (5, 70), (10, 100)]),
    ("kinerja", "cakupan_pu", "Cakupan PU (%)", "pu", 15, [], [(0, 0), (20, 30), (40, 60), (60, 100)]),
    ("kinerja", "cakupan_bpu", "Cakupan BPU (%)", "bpu", 20, [], [(0, 0), (5, 30), (15, 60), (30, 100)]),
    ("kinerja", "pemberi_kerja", "Pemberi kerja terdaftar per 1.000 potensi PU", "employers", 15, [],
     [(0, 0), (5, 40), (10, 70), (20, 100)]),
]  # fmt: skip


def seed(apps, schema_editor):
    aspect_model = apps.get_model("commitments", "ScoreAspect")
    indicator_model = apps.get_model("commitments", "ScoreIndicator")
    band_model = apps.get_model("commitments", "ScoreBand")
    kind_model = apps.get_model("commitments", "CommitmentKind")
    aspects = {}
    for position, (code, name, weight) in enumerate(ASPECTS):
        aspects[code], _created = aspect_model.objects.get_or_create(
            code=code, defaults={"name": name, "weight": Decimal(weight), "position": position}
        )
    for position, (aspect, code, name, formula, weight, kinds, bands) in enumerate(INDICATORS):
        indicator, created = indicator_model.objects.get_or_create(
            code=code,
            defaults={
                "aspect": aspects[aspect],
                "name": name,
                "formula": formula,
                "weight": Decimal(weight),
                "position": position,
            },
        )
        if created:  # an indicator an admin already tuned keeps its kinds and bands
            indicator.kinds.set(kind_model.objects.filter(code__in=kinds))
            band_model.objects.bulk_create(
                band_model(indicator=indicator, min_value=Decimal(low), score=Decimal(score)) for low, score in bands
            )


class Migration(migrations.Migration):
    dependencies = [("commitments", "0003_scorecard_aspects_indicators_bands_evidence")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
