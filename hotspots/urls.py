from django.urls import path

from hotspots import views

app_name = "hotspots"

urlpatterns = [
    path("", views.hotspot_list, name="list"),
    path("<int:pk>/", views.hotspot_detail, name="detail"),
    path("<int:pk>/take-up/", views.take_up, name="take_up"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/report/", views.report, name="report"),
]
