"""The upload form of the admin import page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.spreadsheets import size_error
from imports.kinds import registry


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis data"))
    file = forms.FileField(label=_("Berkas CSV atau XLSX"))
    all_or_nothing = forms.BooleanField(
        label=_("Semua atau tidak sama sekali"),
        required=False,
        help_text=_("Bila satu baris saja ditolak, tidak ada data yang diubah."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.name, k.label) for k in registry.values() if user.has_perm(k.permission)]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if error := size_error(upload.size):  # refused before it is stored
            raise forms.ValidationError(error)
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError(_("Hanya berkas .csv atau .xlsx yang bisa diimpor."))
        return upload
