"""The authentication and pagination classes the REST_FRAMEWORK setting names for the API (published.api).

Kept apart from published.api on purpose: rest_framework.views reads this setting while it is imported, and
published.api imports rest_framework.views, so classes named by the setting must not live there.
"""

from rest_framework.authentication import TokenAuthentication
from rest_framework.pagination import PageNumberPagination


class BearerTokenAuthentication(TokenAuthentication):
    """The same tokens as `Authorization: Token KEY`, sent as `Authorization: Bearer KEY` (what most HTTP clients
    and dashboard tools offer). DRF's TokenAuthentication comes first in the setting and answers `Token`."""

    keyword = "Bearer"


class Pagination(PageNumberPagination):
    """`?page=N`, 100 rows a page unless `?page_size=` asks for another number (at most 1000)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
