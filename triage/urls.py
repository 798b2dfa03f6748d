from django.urls import path

from triage import views

app_name = "catalogue"

urlpatterns = [
    path("", views.index, name="index"),
    path("drafts/", views.new_draft, name="new_draft"),
    path("<int:number>/", views.version, name="version"),
    path("<int:number>/entries/new/", views.entry, name="entry_new"),
    path("<int:number>/entries/<int:pk>/", views.entry, name="entry_edit"),
    path("<int:number>/entries/<int:pk>/delete/", views.delete, name="entry_delete"),
    path("<int:number>/publish/", views.publish_draft, name="publish"),
]
