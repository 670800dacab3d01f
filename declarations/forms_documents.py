"""Forms of a declaration's documents: upload one, generate the invoice or packing list. The checks themselves
run in services.declaration_documents (the API's twin calls the same), which name the field they refuse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from declarations.messages.trade_documents import INVOICE, PACKING_LIST
from declarations.models import DeclarationDocument
from declarations.services.declaration_documents import BUYER_ADDRESS_MAX, BUYER_NAME_MAX


class DeclarationDocumentForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document type"), choices=DeclarationDocument.DocType.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class TradeDocumentForm(forms.Form):
    # The button pressed (two submit buttons share the buyer fields).
    kind = forms.ChoiceField(choices=[(INVOICE, _("Commercial invoice")), (PACKING_LIST, _("Packing list"))])
    buyer_name = forms.CharField(label=_("Buyer (consignee)"), max_length=BUYER_NAME_MAX)
    buyer_address = forms.CharField(
        label=_("Buyer's address"),
        max_length=BUYER_ADDRESS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
