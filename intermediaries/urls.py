from django.urls import URLPattern, URLResolver, path

from . import agency_access, views

app_name = "intermediaries"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.need_list, name="needs"),
    path("needs/<int:pk>/", views.need_detail, name="need"),
    path("needs/<int:pk>/act/", views.act, name="act"),
    path("new/", views.need_pick, name="need_pick"),
    path("projects/<str:number>/need/", views.need_new, name="need_new"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/new/", views.agency_new, name="agency_new"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency"),
    # An agency's own page: no login, a personal link (agency_access.py).
    path("a/<str:token>/", agency_access.page, name="agency_access"),
]
