from django.contrib import admin
from django.urls import include, path

from cases.views import home
from mochou import health
from mochou.api import api
from portal.views import link as citizen_link

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("accounts.audit.urls")),
    path("cases/", include("cases.urls")),
    path("notifications/", include("notifications.urls")),
    path("knowledge/", include("knowledge.urls")),
    path("templates/", include("replytemplates.urls")),
    path("catalogue/", include("triage.urls")),  # 派单目录
    path("console/", include("console.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("supervision/", include("supervision.urls")),
    path("stats/", include("stats.urls")),
    path("hotspots/", include("hotspots.urls")),  # 高频事
    path("dashboard/", include("dashboard.urls")),  # 领导首页、数据大屏
    path("duty/", include("duty.urls")),  # 24小时应急值班
    path("enforcement/", include("enforcement.urls")),  # 城乡控违
    path("affairs/", include("affairs.urls")),  # 一网通办
    path("investment/", include("investment.urls")),  # 招商引资
    path("intermediaries/", include("intermediaries.urls")),  # 莫愁超市
    path("hall/", include("hall.urls")),  # 莫愁政务大厅
    path("open311/", include("open311.urls")),
    path("m/", include("portal.urls")),  # the citizens' mobile page
    # The SMS link, as short as it can be: every character of an SMS counts (portal.links).
    path("r/<str:token>", citizen_link, name="short_link"),
    path("admin/", admin.site.urls),
    # Liveness and readiness probes (mochou.health): no login, never cached.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/", api.urls),
]
