"""The peer site's URLs: helpdesk at the root, as its documentation suggests for a site of its own."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
