from django.urls import path

from knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.index, name="index"),
    path("search.json", views.search_json, name="search_json"),
    path("_results/", views.results, name="results"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/act/<slug:verb>/", views.act, name="act"),
    path("public/", views.public_index, name="public_index"),
    path("public/<int:pk>/", views.public_detail, name="public_detail"),
]
