"""The code picker: a <select> of one code table, searchable by code, Chinese or English name (tom-select,
vendored under static/vendor/tom-select; set up by static/js/code_picker.js, no inline script).

Only the current value is rendered as an option (with its name), so a page with twenty goods lines does not
carry twenty copies of the country table; the picker loads the table's options once per page from the
``code_options`` endpoint in the page's language. A stored value that is not in the table (a draft may hold a
wrong code) stays selected as it is, so saving the form never changes it silently.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from declarations.code_labels import code_label

PLACEHOLDER = _("Type a code or a name")


class CodePicker(forms.Select):
    template_name = "django/forms/widgets/select.html"

    class Media:
        css = {"all": ("vendor/tom-select/tom-select.min.css", "css/code_picker.css")}
        js = ("vendor/tom-select/tom-select.complete.min.js", "js/code_picker.js")

    def __init__(self, table: str, attrs=None):
        super().__init__(attrs)
        self.table = table

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.table = self.table
        return copy

    def optgroups(self, name, value, attrs=None):
        current = next((v for v in value if v not in (None, "")), "")
        options = [self.create_option(name, "", "", not current, 0)]
        if current:
            options.append(self.create_option(name, current, code_label(self.table, current), True, 1))
        return [(None, options, 0)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-code-picker": self.table,
                "data-options-url": reverse("code_options", args=[self.table]),
                "data-placeholder": str(PLACEHOLDER),
            }
        )
        return context
