"""Request-wide rules: Bahasa Indonesia unless the user picked another language; no NUL in a query."""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


class IgnoreBrowserLanguageMiddleware:
    """Drops Accept-Language so a browser set to English still gets the Indonesian default; the
    language switch in the top bar sets a cookie that LocaleMiddleware honours."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RefuseNulMiddleware:
    """A NUL character in a query parameter is never a real filter value; PostgreSQL refuses it inside a
    query (a server error on every list page), so it is answered with 400 before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            return HttpResponseBadRequest(_("Permintaan berisi karakter yang tidak diizinkan."))
        return self.get_response(request)
