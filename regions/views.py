"""Region pages: each role's home, the coverage table and one regency/city."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from regions.models import Access
from regions.selectors import access_of, cities_for, role_of


@login_required
def home(request):
    role = role_of(request.user)
    if role == Access.Role.OFFICIAL:
        return redirect("city", code=access_of(request.user).city_id)
    if role is None:
        return render(request, "regions/no_access.html", status=403)
    return redirect("ucj")


@login_required
def ucj_table(request):
    if role_of(request.user) is None:
        raise Http404
    cities = cities_for(request.user)
    return render(request, "regions/ucj.html", {"cities": cities})


@login_required
def city_detail(request, code):
    city = get_object_or_404(cities_for(request.user), code=code)
    return render(request, "regions/city.html", {"city": city})
