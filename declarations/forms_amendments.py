"""Confirmations of a change and a withdrawal: nothing goes to customs without the user's tick."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ChangeConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have corrected the declaration and want to send it to customs as a change."), required=True
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Note (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept on the declaration's timeline; customs receives the list with appType 3."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this asks customs to delete the returned list."), required=True
    )
