"""Forms of the master bill (清单总分单) and of a list's cancellation (撤销申请)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from declarations.models import MasterBill, TransportMode


class MasterBillForm(forms.ModelForm):
    """The head a user fills in; the lists are chosen beside it (``lists``) from the user's candidates."""

    lists = forms.TypedMultipleChoiceField(
        label=_("Inventory lists"), coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = MasterBill
        fields = [
            "agent",
            "customs_code",
            "traf_mode",
            "traf_name",
            "voyage_no",
            "bill_no",
            "domestic_traf_no",
            "loct_no",
            "gross_weight",
            "pack_no",
            "logistics_code",
            "logistics_name",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, agents, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents
        self.fields["agent"].empty_label = None
        self.fields["lists"].choices = [(d.pk, d.cop_no) for d in candidates]
        self.fields["traf_mode"] = forms.ChoiceField(
            label=self.fields["traf_mode"].label,
            choices=[("", "—")] + [(t.code, t.label) for t in TransportMode.objects.order_by("code")],
            required=False,
        )
        # Required-ness is the rules' job (one finding per field, as on every declaration screen).
        for name in ("customs_code", "traf_name", "voyage_no", "bill_no", "gross_weight", "pack_no"):
            self.fields[name].required = False
        for name in ("logistics_code", "logistics_name"):
            self.fields[name].required = False


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Customs reads this reason; say why the goods did not leave or the list is wrong."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this asks customs to cancel the released list."), required=True
    )
