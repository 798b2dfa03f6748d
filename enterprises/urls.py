from django.urls import path

from enterprises import access, views

app_name = "enterprises"

urlpatterns = [
    path("", views.my_enterprises, name="list"),
    path("new/", views.enterprise_new, name="new"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/visits/", views.log_visit, name="log_visit"),
    path("<int:pk>/contacts/", views.add_contact, name="add_contact"),
    path("<int:pk>/contacts/<int:contact_id>/link/", views.send_link, name="send_link"),
    path("<int:pk>/contacts/<int:contact_id>/mobile/", views.reveal_mobile, name="reveal_mobile"),
    # The enterprise's own page: no login, a personal link (see enterprises/access.py).
    path("e/<str:token>/", access.access, name="access"),
]
