"""Forms of delegations: a broker's request, an exporter's entrustment (both: the other party's code and the
terms), and the optional note of an accept / refuse / end."""

from django import forms
from django.utils.translation import gettext_lazy as _

from declarations.choices import Mode
from declarations.code_labels import code_label
from declarations.widgets import CodePicker


class CodePickerMultiple(CodePicker):
    """The code picker choosing several codes (tom-select on a <select multiple>); the chosen ones come with the
    page, the table's other options from ``code_options``."""

    allow_multiple_selected = True

    def optgroups(self, name, value, attrs=None):
        chosen = [v for v in value if v not in (None, "")]
        options = [
            self.create_option(name, v, code_label(self.table, v), True, i) for i, v in enumerate(chosen)
        ]
        return [(None, options, 0)]

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # an empty multiple select posts nothing: that is "none chosen"


class CodeListField(forms.Field):
    """A list of codes (the service checks each against its table and names the unknown ones)."""

    widget = CodePickerMultiple

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return sorted({str(v).strip() for v in value if str(v).strip()})


class DelegationTermsForm(forms.Form):
    """The acting enterprise, the other party (by USCC or customs code) and the terms of the delegation."""

    enterprise = forms.ModelChoiceField(queryset=None, label=_("Acting for"), empty_label=None)
    code = forms.CharField(
        label=_("Unified social credit code or customs code"),
        max_length=18,
        help_text=_("18-character USCC or 10-character customs registration code of the other party."),
    )
    modes = forms.MultipleChoiceField(
        label=_("Supervision modes"),
        choices=Mode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every mode."),
    )
    offices = CodeListField(
        label=_("Declaring customs offices"),
        required=False,
        widget=CodePickerMultiple("office"),
        help_text=_("None chosen: every office."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: until one side ends it."),
    )
    agreement_no = forms.CharField(label=_("Agreement number"), max_length=50, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises

    def terms(self) -> dict:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in ("modes", "offices", "valid_from", "valid_until", "agreement_no", "note")
        }


class DelegationNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
