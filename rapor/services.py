"""The rapor as a PDF (WeasyPrint, from the same template as the HTML page) and the monthly kept files.

A kept file is written once and never changed: the mayor's office downloads the bytes that were generated,
checked by their SHA-256. A city's month gets a new file only when its source changed (a publication, or a
new published version, after a rapor from provisional figures); running the monthly task again for the same
sources renders nothing.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from rapor.models import KeptRapor
from rapor.selectors import published_snapshot, rapor_of, rapor_reader
from regions.models import City, Office

logger = logging.getLogger(__name__)
STYLESHEET = "css/rapor.css"


def rapor_pdf(rapor):
    """The PDF bytes of a rapor (selectors.Rapor), in the active language, on one A4 page."""
    from weasyprint import CSS, HTML  # loads Pango: only where a PDF is made

    html = render_to_string("rapor/document.html", {"rapor": rapor})
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=finders.find(STYLESHEET))])


def cities_kept():
    """The regencies/cities whose rapor is kept every month: those a branch office serves."""
    return City.objects.filter(offices__kind=Office.Kind.CABANG).distinct().order_by("code")


def rapor_keep(*, city, period):
    """Renders and keeps the city's rapor of `period` (a month's first day), in Bahasa Indonesia, unless the
    latest kept file of that month already comes from the same source. Returns the new KeptRapor or None."""
    reader = rapor_reader()
    source = published_snapshot(reader, city.code, period)
    latest = KeptRapor.objects.filter(city=city, period=period).first()
    if latest is not None and latest.snapshot_id == (source.pk if source else None):
        return None
    with translation.override(settings.LANGUAGE_CODE):
        pdf = rapor_pdf(rapor_of(reader, city, period=period))
    digest = hashlib.sha256(pdf).hexdigest()
    kept = KeptRapor(city=city, period=period, sha256=digest, size=len(pdf), generated_at=timezone.now(), snapshot=source)
    kept.file.save(f"{period:%Y-%m}/rapor-{city.code}-{period:%Y-%m}-{digest[:12]}.pdf", ContentFile(pdf), save=False)
    with transaction.atomic():
        kept.save()
    return kept


def rapor_month_keep(period, *, city_codes=None):
    """Keeps the rapor of `period` for every city of `cities_kept` (or those of `city_codes` among them).
    A city whose rapor fails is logged and skipped: the others are still kept. Returns the counts."""
    cities = cities_kept()
    if city_codes is not None:
        cities = cities.filter(code__in=city_codes)
    counts = {"kept": 0, "unchanged": 0, "failed": 0}
    for city in cities.select_related("province"):
        try:
            kept = rapor_keep(city=city, period=period)
        except Exception:
            logger.exception("rapor %s %s failed", city.code, f"{period:%Y-%m}")
            counts["failed"] += 1
            continue
        counts["kept" if kept else "unchanged"] += 1
    logger.info("rapor %s: %s", f"{period:%Y-%m}", counts)
    return counts
