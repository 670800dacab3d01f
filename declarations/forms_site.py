"""Forms of the batch arrival (运抵, CEB507) and departure (离境, CEB509) screens."""

from django import forms
from django.utils.translation import gettext_lazy as _


class _BatchForm(forms.Form):
    lists = forms.TypedMultipleChoiceField(
        label=_("Inventory lists"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    sender = forms.ModelChoiceField(queryset=None, empty_label=None)

    def __init__(self, *args, senders, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender"].queryset = senders
        self.fields["lists"].choices = [(d.pk, d.cop_no) for d in candidates]


class ArrivalForm(_BatchForm):
    domestic_traf_no = forms.CharField(
        label=_("Domestic vehicle number"),
        max_length=100,
        help_text=_("The vehicle that brought the goods to the site, e.g. its plate number."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender"].label = _("Supervised-site operator")


class DepartureForm(_BatchForm):
    leave_time = forms.DateTimeField(
        label=_("Departure time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    traf_name = forms.CharField(label=_("Means of transport"), max_length=100, required=False)
    voyage_no = forms.CharField(label=_("Voyage / flight number"), max_length=32, required=False)
    bill_no = forms.CharField(label=_("Bill of lading"), max_length=37, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender"].label = _("Logistics enterprise")
