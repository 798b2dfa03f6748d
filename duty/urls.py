from django.urls import URLPattern, URLResolver, path

from duty.views import board, drills, incidents, keypersons, reserves, roster, unit

app_name = "duty"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", board.board, name="board"),
    path("rates/", board.rates, name="rates"),
    path("unit/", unit.unit_home, name="unit"),
    path("unit/daily/", unit.file_daily, name="daily"),
    path("unit/items/", unit.open_item, name="item_open"),
    path("unit/items/<int:pk>/close/", unit.close_item, name="item_close"),
    path("shifts/<int:pk>/handover/", unit.hand_over, name="handover"),
    path("handovers/<int:pk>/receive/", unit.receive, name="receive"),
    path("roster/", roster.roster, name="roster"),
    path("roster/print/", roster.roster_print, name="roster_print"),
    path("roster/shift/", roster.add_shift, name="shift_add"),
    path("roster/plan/", roster.plan, name="plan"),
    path("shifts/<int:pk>/swap/", roster.request_swap, name="swap"),
    path("swaps/<int:pk>/decide/", roster.decide_swap, name="swap_decide"),
    path("incidents/", incidents.incident_list, name="incidents"),
    path("incidents/new/", incidents.incident_new, name="incident_new"),
    path("incidents/<str:number>/", incidents.incident_detail, name="incident"),
    path("incidents/<str:number>/<str:action>/", incidents.incident_act, name="incident_act"),
    path("incidents/<str:number>/reports/<int:pk>/photos/", incidents.report_photos, name="report_photos"),
    path("photos/<int:pk>/", incidents.photo, name="photo"),
    path("tasks/<int:pk>/<str:action>/", incidents.task_act, name="task_act"),
    path("keypersons/", keypersons.person_list, name="keypersons"),
    path("keypersons/new/", keypersons.person_new, name="keyperson_new"),
    path("keypersons/<int:pk>/", keypersons.person_detail, name="keyperson"),
    path("keypersons/<int:pk>/check/", keypersons.check_form, name="keyperson_check"),
    path("keypersons/<int:pk>/close/", keypersons.person_close, name="keyperson_close"),
    path("drills/", drills.drill_list, name="drills"),
    path("drills/new/", drills.drill_new, name="drill_new"),
    path("drills/<int:pk>/", drills.drill_detail, name="drill"),
    path("drills/<int:pk>/<str:action>/", drills.drill_act, name="drill_act"),
    path("reserves/", reserves.reserve_list, name="reserves"),
    path("reserves/sites/", reserves.site_add, name="site_add"),
    path("reserves/sites/<int:pk>/check/", reserves.site_check, name="site_check"),
    path("reserves/stocks/", reserves.stock_set, name="stock_set"),
]
