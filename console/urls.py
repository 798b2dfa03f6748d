from django.urls import path

from console import views

app_name = "console"

urlpatterns = [
    path("", views.console, name="home"),
    path("calls/events", views.call_events, name="call_events"),
    path("calls/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("_current/", views.current, name="current"),
    path("_kb/", views.knowledge, name="kb"),
    path("intake/", views.intake_view, name="intake"),
]
