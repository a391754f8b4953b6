"""Site-wide views that belong to no app: the admin's "view on site" shortcut, closed."""

from django.http import Http404

# One text for every case, so that neither the status nor the DEBUG page tells what exists.
OBJECT_PAGE_UNAVAILABLE = "Halaman objek tidak tersedia."


def view_on_site(request, content_type_id, object_id):
    """Replaces django.contrib.contenttypes.views.shortcut at /admin/r/<content_type_id>/<object_id>/.

    Django's shortcut looks the object up before anything else and answers differently for an object
    that exists (out of scope or not) and one that does not, in its message or with a redirect. No
    Jangkau model has a page of its own (get_absolute_url), so the shortcut has nowhere to send anyone:
    it answers every staff user the same 404 without looking anything up (others are sent to the admin
    login before, as for any admin URL). A model that gains a page must get a scoped view here first.
    """
    raise Http404(OBJECT_PAGE_UNAVAILABLE)
