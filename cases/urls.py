from django.urls import path

from cases import views
from cases.views.attachments import reply_file
from cases.views.duplicates import duplicates_warning
from cases.views.pickers import category_tree
from cases.views.printing import print_case
from cases.views.returns import return_stats
from cases.views.triage_panel import triage_panel

app_name = "cases"

urlpatterns = [
    path("queue/<slug:slug>/", views.queue, name="queue"),
    path("queue/<slug:slug>/counts/", views.queue_counts, name="queue_counts"),
    path("queue-choices/<slug:kind>/", views.queue_choices, name="queue_choices"),
    path("bulk/dispatch/fields/", views.bulk_dispatch_fields, name="bulk_dispatch_fields"),
    path("bulk/<slug:action>/", views.bulk_action, name="bulk"),
    path("filters/save/", views.save_filter, name="save_filter"),
    path("filters/<int:pk>/delete/", views.delete_filter, name="delete_filter"),
    path("category-tree/", category_tree, name="category_tree"),
    path("possible-duplicates/", duplicates_warning, name="possible_duplicates"),
    path("reply-files/<int:pk>/", reply_file, name="reply_file"),
    path("new/", views.register, name="register"),
    path("returns/", return_stats, name="return_stats"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/act/<slug:action>/", views.act, name="act"),
    path("<str:number>/print/", print_case, name="print"),
    path("<str:number>/phone/", views.reveal_phone, name="reveal_phone"),
    path("<str:number>/triage/", triage_panel, name="triage_panel"),
]
