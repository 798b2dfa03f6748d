from django.urls import path

from supervision.views import docx, instructions, notices, plans, records, task_notices, tasks

app_name = "supervision"

urlpatterns = [
    path("", tasks.index, name="index"),
    path("notices/", notices.queue, name="queue"),
    path("notices/new/<str:number>/", notices.issue, name="issue"),
    path("notices/<str:number>/", notices.detail, name="detail"),
    path("notices/<str:number>/print/", notices.print_notice, name="print"),
    path("notices/<str:number>/docx/", docx.case_notice, name="docx"),
    path("notices/<str:number>/act/<str:action>/", notices.act, name="act"),
    # 督查室: decision tasks, meeting records, plans
    path("tasks/", tasks.ledger, name="tasks"),
    path("tasks/new/", tasks.new_task, name="task_new"),
    path("tasks/export.xlsx", plans.export_ledger, name="tasks_export"),
    path("tasks/<str:number>/", tasks.detail, name="task"),
    path("tasks/<str:number>/act/<str:action>/", tasks.act, name="task_act"),
    path("tasks/<str:number>/split/", tasks.split, name="task_split"),
    path("tasks/<str:number>/notice/", tasks.issue_notice, name="task_issue_notice"),
    path("task-notices/", task_notices.queue, name="task_notices"),
    path("task-notices/<str:number>/", task_notices.detail, name="task_notice"),
    path("task-notices/<str:number>/print/", task_notices.print_notice, name="task_notice_print"),
    path("task-notices/<str:number>/docx/", docx.task_notice, name="task_notice_docx"),
    path("task-notices/<str:number>/act/<str:action>/", task_notices.act, name="task_notice_act"),
    # 领导批示 on a case or a hotspot
    path("instruct/case/<str:number>/", instructions.on_case, name="instruct_case"),
    path("instruct/hotspot/<int:pk>/", instructions.on_hotspot, name="instruct_hotspot"),
    path("records/", records.records, name="records"),
    path("records/<int:pk>/", records.record, name="record"),
    path("records/<int:pk>/add/", records.add_draft, name="record_add"),
    path("records/<int:pk>/merge/", records.merge, name="record_merge"),
    path("drafts/<int:pk>/<str:action>/", records.draft_action, name="draft_action"),
    path("plans/", plans.cockpit, name="cockpit"),
    path("plans/bulletin/", plans.bulletin, name="bulletin"),
    path("indicators/<slug:code>/", plans.indicator, name="indicator"),
    path("indicators/<slug:code>/verify/<int:pk>/", plans.verify, name="measurement_verify"),
]
