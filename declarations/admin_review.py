"""Django admin review queues (审核): registrations and warehouse filings.

A reviewer decides and changes nothing else: the pages are view-only for everyone (the records change only
through the portal's services), the decision runs through the filings service behind the custom
``review_<model>`` permission, and approving asks for confirmation. Documents open through the portal's
permission-checked views, never through MEDIA_URL (which is not served).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template import engines
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from declarations import models as m
from declarations.choices import ReviewStatus
from declarations.services import filings as filing_services

# Rendered from a string so the admin needs no template files of its own; extends the stock admin layout.
_DECISION_PAGE = engines["django"].from_string(
    """{% extends "admin/base_site.html" %}{% load i18n static %}
{% block extrastyle %}{{ block.super }}<link rel="stylesheet" href="{% static 'admin/css/forms.css' %}">
<style>.submit-row a.cancel-link { display: inline-block; padding: 10px 15px; line-height: 15px; margin: 0; }</style>
{% endblock %}
{% block breadcrumbs %}<div class="breadcrumbs"><a href="{% url 'admin:index' %}">{% translate 'Home' %}</a>
&rsaquo; <a href="{{ cancel_url }}">{{ opts.verbose_name_plural|capfirst }}</a> &rsaquo; {{ title }}</div>{% endblock %}
{% block content %}
<form method="post" id="review-decision">{% csrf_token %}
  <p>{{ intro }}</p>
  {% for item in items %}
  <fieldset class="module aligned">
    <h2>{{ item.obj }}</h2>
    {% for label, value in item.facts %}<div class="form-row"><div class="flex-container">
      <label>{{ label|capfirst }}:</label><div class="readonly">{{ value }}</div></div></div>{% endfor %}
  </fieldset>
  <input type="hidden" name="_selected_action" value="{{ item.obj.pk }}">
  {% endfor %}
  {{ form.as_p }}
  <input type="hidden" name="action" value="{{ action }}">
  <input type="hidden" name="apply" value="1">
  <div class="submit-row">
    <input type="submit" class="default" value="{{ submit_label }}">
    <a href="{{ cancel_url }}" class="button cancel-link">{% translate "Cancel" %}</a>
  </div>
</form>
{% endblock %}"""
)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        help_text=_("Sent to the enterprise with the rejection."),
    )


def _document_links(rows) -> str:
    """``rows``: (url, label, uploaded_at) per document; one link per line, or a dash."""
    if not rows:
        return "—"
    return format_html_join(
        "",
        '<div><a href="{}" target="_blank" rel="noopener" class="review-document">{}</a> <small>{}</small></div>',
        ((url, label, uploaded.strftime("%Y-%m-%d %H:%M")) for url, label, uploaded in rows),
    )


class PendingReviewFilter(admin.SimpleListFilter):
    """The reviewers' default view is the queue itself: submitted records (``?review=all`` shows every one)."""

    title = _("review")
    parameter_name = "review"
    PENDING = "pending"
    ALL = "all"

    def lookups(self, request, model_admin):
        others = [(s.value, s.label) for s in ReviewStatus if s != ReviewStatus.SUBMITTED]
        return [(self.PENDING, _("Pending review")), *others, (self.ALL, _("All"))]

    def _current(self) -> str:
        return self.value() or self.PENDING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self._current() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        current = self._current()
        if current == self.ALL:
            return queryset
        if current == self.PENDING:
            return queryset.filter(status=ReviewStatus.SUBMITTED)
        if current in ReviewStatus.values:
            return queryset.filter(status=current)
        return queryset.none()


class ReviewAdmin(SimpleHistoryAdmin):
    """View-only pages with one decision: approve (after a confirmation) or reject (with a reason)."""

    actions = ["approve_selected", "reject_selected"]
    change_form_template = "admin/declarations/review_change_form.html"
    review_fields = ["status", "reason", "submitted_at", "reviewed_at", "reviewed_by"]
    review_service = None  # set by subclasses: the service function and the name of its object argument
    review_argument = ""

    # Nobody edits a reviewed record by hand: the enterprise files it in the portal, the reviewer decides.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.review_{opts.model_name}")

    def facts(self, obj) -> list[tuple]:
        """What the reviewer judges, shown again on the confirmation page."""
        return []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_review": self.has_review_permission(request),
            "changelist_url": reverse(
                f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist"
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _review(self, request, queryset, *, approve: bool, reason: str = "") -> None:
        done = 0
        for obj in queryset:
            try:
                type(self).review_service(
                    **{self.review_argument: obj}, approve=approve, reason=reason, reviewer=request.user
                )
            except ValidationError as exc:
                self.message_user(request, f"{obj}: {' '.join(exc.messages)}", messages.ERROR)
                continue
            done += 1
        if done:
            text = gettext("%(count)d approved.") if approve else gettext("%(count)d rejected.")
            self.message_user(request, text % {"count": done}, messages.SUCCESS)

    def _decision_page(self, request, queryset, *, action, form, title, intro, submit_label):
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "items": [{"obj": obj, "facts": self.facts(obj)} for obj in queryset],
            "form": form,
            "action": action,
            "submit_label": submit_label,
            "opts": opts,
            "cancel_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        }
        return HttpResponse(_DECISION_PAGE.render(context, request))

    @admin.action(description=_("Approve the selected items (asks for confirmation)"), permissions=["review"])
    def approve_selected(self, request, queryset):
        if not queryset:  # the changelist's filter left none of the selected records
            self.message_user(
                request, gettext("None of the selected items is in this view."), messages.WARNING
            )
            return None
        if "apply" in request.POST:
            self._review(request, queryset, approve=True)
            return None
        return self._decision_page(
            request,
            queryset,
            action="approve_selected",
            form=None,
            title=gettext("Approve"),
            intro=gettext("Approve the following items? Their enterprises will be notified."),
            submit_label=gettext("Yes, approve"),
        )

    @admin.action(description=_("Reject the selected items (asks for a reason)"), permissions=["review"])
    def reject_selected(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._review(request, queryset, approve=False, reason=form.cleaned_data["reason"])
            return None
        return self._decision_page(
            request,
            queryset,
            action="reject_selected",
            form=form,
            title=gettext("Reject"),
            intro=gettext("The following items will be rejected and their enterprises notified:"),
            submit_label=gettext("Reject"),
        )


@admin.register(m.Registration)
class RegistrationAdmin(ReviewAdmin):
    list_display = [
        "enterprise_name",
        "customs_office",
        "enterprise_type",
        "status",
        "submitted_at",
        "reviewed_at",
    ]
    list_filter = [
        PendingReviewFilter,
        ("customs_office", admin.RelatedOnlyFieldListFilter),
        "enterprise_type",
        "submitted_at",
    ]
    list_select_related = ["enterprise", "customs_office"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    review_service = filing_services.registration_review
    review_argument = "registration"
    readonly_fields = [
        "enterprise_name",
        "enterprise_uscc",
        "enterprise_customs_code",
        "customs_office",
        "enterprise_type",
        "attachments",
        *ReviewAdmin.review_fields,
    ]
    fieldsets = [
        (
            _("Registration"),
            {
                "fields": [
                    "enterprise_name",
                    "enterprise_uscc",
                    "enterprise_customs_code",
                    "customs_office",
                    "enterprise_type",
                    "attachments",
                ]
            },
        ),
        (_("Review"), {"fields": ReviewAdmin.review_fields}),
    ]

    @admin.display(description=_("enterprise"))
    def enterprise_name(self, obj):
        return obj.enterprise

    @admin.display(description=_("unified social credit code"))
    def enterprise_uscc(self, obj):
        return obj.enterprise.uscc

    @admin.display(description=_("customs code"))
    def enterprise_customs_code(self, obj):
        return obj.enterprise.customs_code or "—"

    @admin.display(description=_("attachments"))
    def attachments(self, obj):
        return _document_links(
            [
                (reverse("registration_attachment", args=[obj.pk, a.pk]), a.title, a.uploaded_at)
                for a in obj.attachments.all()
            ]
        )

    def facts(self, obj):
        return [
            (_("unified social credit code"), obj.enterprise.uscc),
            (_("customs office"), obj.customs_office_id),
            (_("enterprise type"), obj.get_enterprise_type_display()),
            (_("attachments"), self.attachments(obj)),
        ]


@admin.register(m.WarehouseFiling)
class WarehouseFilingAdmin(ReviewAdmin):
    list_display = [
        "warehouse",
        "enterprise",
        "country",
        "ownership",
        "status",
        "submitted_at",
        "reviewed_at",
    ]
    # Only the countries that have filed warehouses (the full table is ~250 entries).
    list_filter = [
        PendingReviewFilter,
        ("warehouse__country", admin.RelatedOnlyFieldListFilter),
        "warehouse__ownership",
        "submitted_at",
    ]
    list_select_related = ["warehouse__enterprise", "warehouse__country"]
    search_fields = ["warehouse__name", "warehouse__enterprise__name"]
    review_service = filing_services.warehouse_filing_review
    review_argument = "filing"
    warehouse_fields = [
        "warehouse_name",
        "enterprise",
        "country",
        "address",
        "ownership",
        "lease_start",
        "lease_end",
        "documents",
    ]
    readonly_fields = [*warehouse_fields, *ReviewAdmin.review_fields]
    fieldsets = [
        (_("Warehouse and proof documents"), {"fields": warehouse_fields}),
        (_("Review"), {"fields": ReviewAdmin.review_fields}),
    ]

    @admin.display(description=_("enterprise"))
    def enterprise(self, obj):
        return obj.warehouse.enterprise

    @admin.display(description=_("warehouse name"))
    def warehouse_name(self, obj):
        return obj.warehouse.name

    @admin.display(description=_("country"))
    def country(self, obj):
        return obj.warehouse.country.label

    @admin.display(description=_("full address"))
    def address(self, obj):
        return obj.warehouse.address

    @admin.display(description=_("ownership"))
    def ownership(self, obj):
        return obj.warehouse.get_ownership_display()

    @admin.display(description=_("lease start"))
    def lease_start(self, obj):
        return obj.warehouse.lease_start.isoformat() if obj.warehouse.lease_start else "—"

    @admin.display(description=_("lease end"))
    def lease_end(self, obj):
        return obj.warehouse.lease_end.isoformat() if obj.warehouse.lease_end else "—"

    @admin.display(description=_("proof documents"))
    def documents(self, obj):
        return _document_links(
            [
                (reverse("warehouse_document", args=[obj.pk, d.pk]), d.get_doc_type_display(), d.uploaded_at)
                for d in obj.documents.all()
            ]
        )

    def facts(self, obj):
        warehouse = obj.warehouse
        return [
            (_("enterprise"), warehouse.enterprise),
            (_("country"), self.country(obj)),
            (_("full address"), warehouse.address),
            (_("ownership"), warehouse.get_ownership_display()),
            (_("lease start"), self.lease_start(obj)),
            (_("lease end"), self.lease_end(obj)),
            (_("proof documents"), self.documents(obj)),
        ]


# The admin's home page opens with the pending counts of the queues the user works.
admin.site.index_template = "admin/review_index.html"
