"""The rapor pages: the one-page rapor of a regency/city (HTML, or ?format=pdf), its kept monthly files and
their download. Staff of the scope and officials of the city; other cities answer 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from config.parsing import ParseError, month
from rapor.selectors import default_period, kept_rapor_for, rapor_of
from rapor.services import rapor_pdf
from regions.selectors import cities_for

FORMATS = ("html", "pdf")


def chosen_period(request, city):
    """(period, refusal message or None): ?period=YYYY-MM, not after the current month; the default month
    (selectors.default_period) when absent or refused."""
    raw = request.GET.get("period", "").strip()
    if raw:
        try:
            period = month(raw)
        except ParseError as error:
            return default_period(request.user, city.code), str(error)
        if period > timezone.localdate().replace(day=1):
            return default_period(request.user, city.code), _("Bulan %(period)s belum dimulai.") % {"period": f"{period:%Y-%m}"}
        return period, None
    return default_period(request.user, city.code), None


@login_required
def rapor_page(request, code):
    city = get_object_or_404(cities_for(request.user).select_related("province"), code=code)
    period, refused = chosen_period(request, city)
    wanted = request.GET.get("format", "html")
    if wanted not in FORMATS:
        refused = _("Format tidak dikenal: pakai html atau pdf.")
    rapor = rapor_of(request.user, city, period=period)
    if wanted == "pdf" and not refused:
        response = HttpResponse(rapor_pdf(rapor), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="rapor-{city.code}-{period:%Y-%m}.pdf"'
        return response
    if refused:
        messages.error(request, refused)
    context = {"rapor": rapor, "city": city, "period_value": f"{period:%Y-%m}"}
    return render(request, "rapor/page.html", context, status=400 if refused else 200)


@login_required
def kept_list(request, code):
    """The city's kept monthly rapor files, newest month first, each with its hash and source."""
    city = get_object_or_404(cities_for(request.user), code=code)
    kept = kept_rapor_for(request.user).filter(city=city).select_related("snapshot")
    return render(request, "rapor/kept.html", {"city": city, "kept": kept})


@login_required
def kept_download(request, pk):
    """A kept rapor file: the bytes as they were generated."""
    kept = get_object_or_404(kept_rapor_for(request.user), pk=pk)
    try:
        handle = kept.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    filename = f"rapor-{kept.city_id}-{kept.period:%Y-%m}-{kept.short_hash}.pdf"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
