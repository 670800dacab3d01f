"""Portal (web) routes; views live in declarations/views/."""

from django.urls import include, path

from declarations.views import (
    catalogue,
    classify,
    codes,
    customs_entry,
    dashboard,
    declarations,
    enterprises,
    hs,
    notifications,
    registrations,
    warehouses,
)

urlpatterns = [
    path("imports/", include("declarations.urls_imports")),
    path("delegations/", include("declarations.urls_delegations")),
    path("", include("declarations.urls_list_life")),
    path("", include("declarations.urls_returns")),
    path("", include("declarations.urls_amendments")),
    path("", include("declarations.urls_documents")),
    path("", dashboard.dashboard, name="home"),
    path("enterprises/", enterprises.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", enterprises.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/edit/", enterprises.enterprise_edit, name="enterprise_edit"),
    path("enterprises/check/<str:field>/", enterprises.enterprise_check, name="enterprise_check"),
    path("registrations/", registrations.registration_list, name="registration_list"),
    path("registrations/new/", registrations.registration_create, name="registration_create"),
    path("registrations/<int:pk>/", registrations.registration_detail, name="registration_detail"),
    path(
        "registrations/<int:pk>/submit/", registrations.registration_submit_view, name="registration_submit"
    ),
    path(
        "registrations/<int:pk>/attachments/<int:attachment_id>/",
        registrations.registration_attachment_download,
        name="registration_attachment",
    ),
    path("warehouses/", warehouses.warehouse_list, name="warehouse_list"),
    path("warehouses/new/", warehouses.warehouse_create, name="warehouse_create"),
    path("warehouses/<int:pk>/", warehouses.warehouse_detail, name="warehouse_detail"),
    path("warehouses/<int:pk>/edit/", warehouses.warehouse_edit, name="warehouse_edit"),
    path("warehouses/<int:pk>/filings/", warehouses.warehouse_filing_create, name="warehouse_filing_create"),
    path("filings/<int:pk>/", warehouses.warehouse_filing_detail, name="warehouse_filing_detail"),
    path("filings/<int:pk>/submit/", warehouses.warehouse_filing_submit_view, name="warehouse_filing_submit"),
    path(
        "filings/<int:pk>/documents/<int:document_id>/",
        warehouses.warehouse_document_download,
        name="warehouse_document",
    ),
    path("declarations/", declarations.declaration_list, name="declaration_list"),
    path("declarations/new/", declarations.declaration_create, name="declaration_create"),
    path("declarations/lines/", declarations.declaration_lines, name="declaration_lines"),
    path("declarations/<int:pk>/", declarations.declaration_detail, name="declaration_detail"),
    path("declarations/<int:pk>/edit/", declarations.declaration_edit, name="declaration_edit"),
    path("declarations/<int:pk>/status/", declarations.declaration_status, name="declaration_status"),
    path("declarations/<int:pk>/submit/", declarations.declaration_submit_view, name="declaration_submit"),
    path("declarations/<int:pk>/copy/", declarations.declaration_copy_view, name="declaration_copy"),
    path("declarations/<int:pk>/delete/", declarations.declaration_delete_view, name="declaration_delete"),
    path(
        "declarations/<int:pk>/messages/<int:message_id>/",
        declarations.declaration_message,
        name="declaration_message",
    ),
    path(
        "declarations/<int:pk>/messages.zip",
        declarations.declaration_messages_zip,
        name="declaration_messages_zip",
    ),
    path(
        "declarations/<int:pk>/draft.xlsx", declarations.declaration_draft_xlsx, name="declaration_draft_xlsx"
    ),
    path(
        "declarations/<int:pk>/draft/", declarations.declaration_draft_print, name="declaration_draft_print"
    ),
    path(
        "declarations/<int:pk>/customs-result/",
        customs_entry.declaration_customs_result,
        name="declaration_customs_result",
    ),
    path("hs/", hs.hs_search, name="hs_search"),
    path("classify/", classify.classify_search, name="classify_search"),
    path("catalogue/", catalogue.catalogue_list, name="catalogue_list"),
    path("catalogue/new/", catalogue.catalogue_create, name="catalogue_create"),
    path("catalogue/<int:pk>/edit/", catalogue.catalogue_edit, name="catalogue_edit"),
    path("catalogue/<int:pk>/delete/", catalogue.catalogue_delete, name="catalogue_delete"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/count/", notifications.notification_count, name="notification_count"),
    path("notifications/read/", notifications.notification_read, name="notification_read"),
    path("codes/<str:table>/", codes.code_options, name="code_options"),
]
