from django.urls import URLPattern, URLResolver, path

from duty.views import board, incidents, reserves, roster, unit

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
    path("roster/shift/", roster.add_shift, name="shift_add"),
    path("roster/plan/", roster.plan, name="plan"),
    path("shifts/<int:pk>/swap/", roster.request_swap, name="swap"),
    path("swaps/<int:pk>/decide/", roster.decide_swap, name="swap_decide"),
    path("incidents/", incidents.incident_list, name="incidents"),
    path("incidents/new/", incidents.incident_new, name="incident_new"),
    path("incidents/<str:number>/", incidents.incident_detail, name="incident"),
    path("incidents/<str:number>/<str:action>/", incidents.incident_act, name="incident_act"),
    path("tasks/<int:pk>/<str:action>/", incidents.task_act, name="task_act"),
    path("reserves/", reserves.reserve_list, name="reserves"),
    path("reserves/sites/", reserves.site_add, name="site_add"),
    path("reserves/sites/<int:pk>/check/", reserves.site_check, name="site_check"),
    path("reserves/stocks/", reserves.stock_set, name="stock_set"),
]
