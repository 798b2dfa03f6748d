from django.urls import path

from accounts.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.record_list, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("<int:pk>/", views.record_detail, name="detail"),
]
