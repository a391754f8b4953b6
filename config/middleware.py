"""Bahasa Indonesia unless the user picked another language (the language cookie of /i18n/setlang/)."""


class IgnoreBrowserLanguageMiddleware:
    """Drops Accept-Language so a browser set to English still gets the Indonesian default; the
    language switch in the top bar sets a cookie that LocaleMiddleware honours."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
