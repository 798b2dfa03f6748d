from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("charts/", views.charts, name="charts"),
    path("charts/<slug:key>.json", views.chart_json, name="chart_json"),
    path("charts/<slug:key>/", views.chart_fragment, name="chart_fragment"),
]
