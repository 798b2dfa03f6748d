from django.urls import path

from enterprises import access, views
from enterprises.squad import access as squad_access
from enterprises.squad import views as squad_views

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
    # 莫愁小分队: the team's queue and one visit; a liaison books for an enterprise.
    path("squad/", squad_views.queue, name="squad"),
    path("squad/<int:pk>/", squad_views.detail, name="squad_detail"),
    path("squad/<int:pk>/act/", squad_views.act, name="squad_act"),
    path("<int:pk>/squad/book/", squad_views.book, name="squad_book"),
    # The enterprise's own page: no login, a personal link (see enterprises/access.py).
    path("e/<str:token>/", access.access, name="access"),
    path("e/<str:token>/squad/", squad_access.page, name="squad_access"),
    path("e/<str:token>/squad/<int:pk>/", squad_access.act, name="squad_access_act"),
]
