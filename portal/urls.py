from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.submit, name="submit"),
    path("done/", views.done, name="done"),
    path("privacy/", views.privacy, name="privacy"),
    path("track/", views.track, name="track"),
    path("case/<str:number>/", views.case_page, name="case"),
    path("case/<str:number>/rate/", views.rate, name="rate"),
    path("case/<str:number>/files/<int:pk>/", views.reply_file, name="reply_file"),
    path("r/<str:token>/", views.link, name="link"),
    path("photos/<int:pk>/", views.photo, name="photo"),  # staff only
    path("photos/<int:pk>/thumbnail/", views.photo_thumbnail, name="photo_thumbnail"),  # staff only
]
