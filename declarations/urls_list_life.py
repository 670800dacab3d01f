"""Routes of a list's later life: master bills (清单总分单) and cancellation (撤销申请)."""

from django.urls import path

from declarations.views import list_life, master_bills, site_messages

urlpatterns = [
    path("master-bills/", master_bills.master_bill_list, name="master_bill_list"),
    path("master-bills/new/", master_bills.master_bill_create_view, name="master_bill_create"),
    path("master-bills/<int:pk>/", master_bills.master_bill_detail, name="master_bill_detail"),
    path("master-bills/<int:pk>/submit/", master_bills.master_bill_submit_view, name="master_bill_submit"),
    path("master-bills/<int:pk>/delete/", master_bills.master_bill_delete_view, name="master_bill_delete"),
    path("master-bills/<int:pk>/message.xml", master_bills.master_bill_message, name="master_bill_message"),
    path("arrivals/", site_messages.site_arrival, name="site_arrival"),
    path("departures/", site_messages.site_departure, name="site_departure"),
    path("declarations/<int:pk>/list-life/", list_life.declaration_list_life, name="declaration_list_life"),
    path("declarations/<int:pk>/cancel/", list_life.declaration_cancel_view, name="declaration_cancel"),
]
