from django.urls import path

from supervision.views import notices

app_name = "supervision"

urlpatterns = [
    path("notices/", notices.queue, name="queue"),
    path("notices/new/<str:number>/", notices.issue, name="issue"),
    path("notices/<str:number>/", notices.detail, name="detail"),
    path("notices/<str:number>/print/", notices.print_notice, name="print"),
    path("notices/<str:number>/act/<str:action>/", notices.act, name="act"),
]
