from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "investment"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.project_list, name="list"),
    path("new/", views.project_new, name="new"),
    path("review/", views.review_queue, name="review"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("parks/", views.parks, name="parks"),
    path("parks/import/", views.parks_import, name="parks_import"),
    path("stalls/", views.stall_list, name="stalls"),
    path("targets/", views.targets_page, name="targets"),
    path("export/targets.xlsx", views.export_targets, name="export_targets"),
    path("export/monthly.xlsx", views.export_monthly, name="export_monthly"),
    path("export/pipeline.xlsx", views.export_pipeline, name="export_pipeline"),
    path("p/<str:number>/", views.project_detail, name="detail"),
    path("p/<str:number>/edit/", views.project_edit, name="edit"),
    path("p/<str:number>/report/", views.report_new, name="report_new"),
    path("p/<str:number>/funds/", views.funds_add, name="funds_add"),
    path("p/<str:number>/problem/", views.problem_new, name="problem_new"),
    path("p/<str:number>/stall-reason/", views.stall_reason, name="stall_reason"),
    path("report/<int:pk>/document/", views.document_add, name="document_add"),
    path("report/<int:pk>/<str:verb>/", views.report_act, name="report_act"),
    path("document/<int:pk>/", views.document_file, name="document"),
]
