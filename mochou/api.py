"""The JSON API: one NinjaAPI with bearer-token auth, mounted at /api/ (docs at /api/docs).

Routers live in their apps (`cases/api.py`) and are versioned by their mount path (`v1/…`).
Errors are mapped once, in mochou/api_errors.py.
"""

from __future__ import annotations

import copy
import threading
from datetime import datetime
from typing import Any

from django.utils import timezone
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from accounts.tokens import BearerToken
from affairs.api import router as affairs_router
from cases.api import router as cases_router
from duty.api import router as duty_router
from enforcement.api import router as enforcement_router
from enterprises.api import router as enterprises_router
from hall.api import router as hall_router
from hotspots.api import router as hotspots_router
from intermediaries.api import router as intermediaries_router
from investment.api import router as investment_router
from mochou.api_errors import install_error_handlers
from stats.api import router as stats_router
from supervision.api import router as supervision_router


class LocalTimeEncoder(NinjaJSONEncoder):
    """Times in Beijing time (+08:00), as every user of the platform reads them; still ISO 8601."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
        return super().default(o)


class ChineseJSONRenderer(JSONRenderer):
    # Chinese as UTF-8 rather than \uXXXX escapes: readable in curl and logs, and shorter.
    encoder_class = LocalTimeEncoder
    json_dumps_params = {"ensure_ascii": False}


class MochouAPI(NinjaAPI):
    """The OpenAPI document is described once per mount path and kept: its ~150 operations take
    0.6–0.8 s to describe (2 s and more on a loaded machine, which made /api/docs slow), and they
    cannot change while the process runs (routers are added at import)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[str, OpenAPISchema] = {}
        self._schemas_lock = threading.Lock()

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        with self._schemas_lock:
            if path_prefix not in self._schemas:
                self._schemas[path_prefix] = super().get_openapi_schema(path_prefix=path_prefix)
            # A copy: a caller may change what it is given without changing the next answer
            # (the document keeps a reference to this API, which stays shared).
            return copy.deepcopy(self._schemas[path_prefix], {id(self): self})


api = MochouAPI(
    title="莫愁 Mochou API",
    version="1",
    description=(
        "钟祥市 12345 热线工单接口。认证：`Authorization: Bearer <令牌>`，令牌由 `mochou token 用户名` 签发。"
        "错误统一为 `{code, message, details}`；422 时 `details.errors` 列出各字段的问题。"
    ),
    urls_namespace="api",
    docs_url="/docs",
    auth=BearerToken(),
    renderer=ChineseJSONRenderer(),
)
install_error_handlers(api)
api.add_router("v1/cases", cases_router, tags=["工单"])
api.add_router("v1/supervision", supervision_router, tags=["督办"])
api.add_router("v1/stats", stats_router, tags=["统计考核"])
api.add_router("v1/hotspots", hotspots_router, tags=["高频事"])
api.add_router("v1/duty", duty_router, tags=["应急值班"])
api.add_router("v1/enforcement", enforcement_router, tags=["城乡控违"])
api.add_router("v1/affairs", affairs_router, tags=["一网通办"])
api.add_router("v1/enterprises", enterprises_router, tags=["店小二·小分队"])
api.add_router("v1/investment", investment_router, tags=["招商引资"])
api.add_router("v1/intermediaries", intermediaries_router, tags=["莫愁超市"])
api.add_router("v1/hall", hall_router, tags=["政务大厅"])
