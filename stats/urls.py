from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("", views.rates, name="rates"),
    path("ledger/", views.ledger_page, name="ledger"),
    path("ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("schemes/", views.schemes, name="schemes"),
]
