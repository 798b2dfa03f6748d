from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("queue/<slug:slug>/", views.queue, name="queue"),
    path("queue/<slug:slug>/counts/", views.queue_counts, name="queue_counts"),
    path("new/", views.register, name="register"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/act/<slug:action>/", views.act, name="act"),
]
