from django.urls import URLPattern, URLResolver, path

from enforcement.views import board, hotline, ledger, map, patrols, violations

app_name = "enforcement"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", violations.index, name="index"),
    path("new/", violations.new, name="new"),
    path("new/villages/", violations.villages, name="villages"),
    path("v/<str:number>/", violations.detail, name="detail"),
    path("v/<str:number>/act/<str:action>/", violations.act, name="act"),
    path("v/<str:number>/answer/", violations.answer, name="answer"),
    path("photos/<int:pk>/", violations.photo, name="photo"),
    path("documents/<int:pk>/", violations.print_document, name="document"),
    path("appeal-files/<int:pk>/", violations.appeal_file, name="appeal_file"),
    path("ledger.xlsx", ledger.export, name="ledger_export"),
    path("map/", map.index, name="map"),
    path("board/", board.index, name="board"),
    path("board.xlsx", board.export, name="board_export"),
    path("bulletin/", board.bulletin, name="bulletin"),
    path("patrols/", patrols.patrols, name="patrols"),
    path("patches/", patrols.patches, name="patches"),
    path("cases/", hotline.cases, name="cases"),
    path("cases/<str:number>/", hotline.convert, name="convert"),
]
