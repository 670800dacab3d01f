"""REST API routes (DRF), the OpenAPI schema and Swagger UI."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from declarations.api import amendments, customs_entry, delegations, master_bills, submit_preview, views
from declarations.api.classify import ClassifyView
from declarations.api.urls_documents import urlpatterns as document_urls

router = DefaultRouter()
# No ".json" URL variants: JSON is the only representation, and the suffix crashed the detail actions.
router.include_format_suffixes = False
router.register("enterprises", views.EnterpriseViewSet, basename="api-enterprise")
router.register("warehouses", views.WarehouseViewSet, basename="api-warehouse")
router.register("filings", views.WarehouseFilingViewSet, basename="api-filing")
router.register("declarations", views.DeclarationViewSet, basename="api-declaration")
router.register("messages", views.MessageViewSet, basename="api-message")
router.register("receipts", views.ReceiptViewSet, basename="api-receipt")
router.register("imports", views.ImportJobViewSet, basename="api-import")
router.register("master-bills", master_bills.MasterBillViewSet, basename="api-master-bill")
router.register("delegations", delegations.DelegationViewSet, basename="api-delegation")
router.register("codes/customs-offices", views.CustomsOfficeViewSet, basename="api-customs-office")
router.register("codes/countries", views.CountryViewSet, basename="api-country")
router.register("codes/currencies", views.CurrencyViewSet, basename="api-currency")
router.register("codes/units", views.UnitViewSet, basename="api-unit")
router.register("codes/transport-modes", views.TransportModeViewSet, basename="api-transport-mode")
router.register("codes/packing-types", views.PackingTypeViewSet, basename="api-packing-type")
router.register("codes/hs", views.HSCodeViewSet, basename="api-hs-code")
router.register("codes/exchange-rates", views.ExchangeRateViewSet, basename="api-exchange-rate")

urlpatterns = [
    path("token/", views.TokenObtainView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "declarations/<int:pk>/customs-results/",
        customs_entry.DeclarationCustomsResultView.as_view(),
        name="api-declaration-customs-results",
    ),
    path(
        "declarations/<int:pk>/submit-preview/",
        submit_preview.DeclarationSubmitPreviewView.as_view(),
        name="api-declaration-submit-preview",
    ),
    *amendments.urlpatterns,
    path("classify/", ClassifyView.as_view(), name="api-classify"),
    path("declarations/<int:pk>/returns/", include("declarations.api.urls_returns")),
    *document_urls,
    path("", include(router.urls)),
    # Last: whatever no route above matched is a 404 in the error shape (slash-less URLs still redirect).
    re_path(r"^.*/$", views.api_not_found),
]
