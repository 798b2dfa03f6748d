from django.urls import URLPattern, URLResolver, include, path

from affairs.views import catalogue, files, hall, public
from affairs.views import statistics as stats_views

app_name = "affairs"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", hall.queue, name="queue"),
    path("window/", hall.window, name="window"),
    path("window/materials/", hall.matter_materials, name="matter_materials"),
    path("a/<str:number>/", hall.detail, name="detail"),
    path("a/<str:number>/act/<slug:action>/", hall.act, name="act"),
    path("a/<str:number>/joint-notify/", hall.joint_notify, name="joint_notify"),
    path("stats/", include(stats_views.urlpatterns)),  # 政务服务统计 (affairs/views/statistics.py)
    path("matters/", catalogue.matters, name="matters"),
    path("matters/new/", catalogue.create, name="matter_create"),
    path("matters/<int:pk>/", catalogue.matter, name="matter"),
    path("matters/<int:pk>/edit/", catalogue.edit, name="matter_edit"),
    path("matters/<int:pk>/act/<slug:verb>/", catalogue.matter_act, name="matter_act"),
    # The applicant's pages (no sign-in).
    path("guide/", public.catalogue_page, name="public_catalogue"),
    path("guide/<str:code>/", public.matter_page, name="public_matter"),
    path("apply/<str:code>/", public.apply, name="apply"),
    path("bundle/<slug:code>/", public.apply_bundle, name="apply_bundle"),
    path("track/", public.track, name="track"),
    path("my/<str:token>/", public.progress, name="progress"),
    path("my/<str:token>/correct/", public.correct, name="correct"),
    path("my/<str:token>/withdraw/", public.withdraw, name="withdraw"),
    path("my/<str:token>/rate/", public.rate, name="rate"),
    path("joint/<str:token>/", public.joint_progress, name="joint_progress"),
    path("my/<str:token>/consent/", public.withdraw_consent, name="withdraw_consent"),
    path("my/<str:token>/complain/", public.complain, name="complain"),
    path("my/<str:token>/file/<int:pk>/", files.applicant_file, name="applicant_file"),
    path("guide/<str:code>/consult/", public.consult, name="consult"),
    path("file/<int:pk>/", files.staff_file, name="file"),
]
