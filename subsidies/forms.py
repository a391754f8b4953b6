"""The status-change form of a recipient in the admin."""

from django import forms
from django.utils.translation import gettext_lazy as _

from subsidies.models import RecipientStatus
from subsidies.services import ALLOWED

CHANNELS = [("", "-"), *[(c, c) for c in ("BRI", "BNI", "MANDIRI", "BTN", "BSI", "POS")]]


class TransitionForm(forms.Form):
    """Offers only the next steps of the pipeline. `expected` carries the status the officer saw, so a
    change someone else made meanwhile is reported as a conflict instead of being overwritten."""

    # No step is pre-selected: the officer picks one, or the form says so (an unnoticed default moved people).
    to_status = forms.ChoiceField(label=_("Status baru"), error_messages={"required": _("Pilih status baru.")})
    batch = forms.IntegerField(label=_("Batch"), required=False, min_value=1)
    channel = forms.ChoiceField(label=_("Kanal"), choices=CHANNELS, required=False)
    reason = forms.CharField(label=_("Alasan"), required=False, max_length=300)
    reference = forms.CharField(label=_("Referensi"), required=False, max_length=100)
    expected = forms.ChoiceField(choices=RecipientStatus.choices, widget=forms.HiddenInput)

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = [(s.value, s.label) for s in RecipientStatus if s in ALLOWED.get(current, ())]
        self.fields["to_status"].choices = [("", _("— pilih —")), *self.steps]
        self.fields["expected"].initial = current

    @property
    def has_steps(self):
        """False for a final status (or one before the pipeline): the page says so instead of a form."""
        return bool(self.steps)
