"""The simulator's form: numbers accepted the Indonesian way (`5.000`, `Rp16.800`)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import TargetGroup
from config import parsing
from config.formatting import format_number
from config.parsing import ParseError

MOST_WORKERS = 10_000_000


class WholeNumberField(forms.CharField):
    """A whole number typed as people write it; `rupiah` reads `Rp16.800` too."""

    def __init__(self, *, minimum, maximum, rupiah=False, grouped=True, **kwargs):
        self.minimum, self.maximum, self.rupiah, self.grouped = minimum, maximum, rupiah, grouped
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "size": 10}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = parsing.rupiah(value) if self.rupiah else parsing.integer(value)
        except ParseError as error:
            raise forms.ValidationError(str(error)) from error
        if not self.minimum <= number <= self.maximum:
            shown = format_number if self.grouped else str  # a year is written without a thousands dot
            bounds = {"low": shown(self.minimum), "high": shown(self.maximum)}
            raise forms.ValidationError(_("Harus antara %(low)s dan %(high)s.") % bounds)
        return number


class SimulatorForm(forms.Form):
    workers = WholeNumberField(label=_("Pekerja yang dibiayai"), minimum=1, maximum=MOST_WORKERS, required=False)
    months = WholeNumberField(label=_("Selama (bulan)"), minimum=1, maximum=12, required=False)
    contribution = WholeNumberField(
        label=_("Iuran per pekerja per bulan (Rp)"), minimum=1, maximum=10_000_000, rupiah=True, required=False
    )
    group = forms.ModelChoiceField(
        label=_("Kelompok sasaran"), queryset=TargetGroup.objects.all(), to_field_name="code", required=False
    )
    deadline = forms.DateField(
        label=_("Target dicapai pada"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    year = WholeNumberField(label=_("Tahun anggaran"), minimum=2000, maximum=2100, grouped=False, required=False)

    DEFAULT_MONTHS = 12

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        today = timezone.localdate()
        if deadline is not None and not today <= deadline <= dt.date(today.year + 10, 12, 31):
            raise forms.ValidationError(_("Pilih tanggal dari hari ini sampai 10 tahun ke depan."))
        return deadline
