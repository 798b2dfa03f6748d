"""Django admin: the configuration (chains, parks) is edited here and audited; the pipeline's records
are written only by the services (stages through their review), so the admin may look, not touch."""

from __future__ import annotations

from django.contrib import admin

from accounts.audit.audited_admin import AuditedAdmin
from mochou.admin import ReadOnlyAdmin

from .models import Chain, FundsArrival, Park, ParkOutput, Project, ProjectEvent, Signing, StageReport


@admin.register(Chain)
class ChainAdmin(AuditedAdmin):
    audit_action = "investment.chain"
    list_display = ("name", "system", "code", "sort_order", "is_active")
    list_filter = ("system", "is_active")


@admin.register(Park)
class ParkAdmin(AuditedAdmin):
    audit_action = "investment.park"
    list_display = ("name", "short_name", "code", "township", "sort_order", "is_active")
    list_filter = ("is_active",)


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("number", "code_name", "state", "chain", "park", "township", "responsible_unit")
    list_filter = ("state", "chain", "park")
    search_fields = ("number", "code_name")
    # Confidential: shown (and audited) on the project's page only.
    exclude = (
        "name", "investor_name", "investor_credit_code", "investor", "total_investment",
        "first_phase_investment", "registered_capital", "expected_output", "expected_tax",
    )  # fmt: skip


@admin.register(StageReport)
class StageReportAdmin(ReadOnlyAdmin):
    list_display = ("project", "stage", "date", "status", "editor", "reviewer")
    list_filter = ("stage", "status")
    exclude = ("new_total_investment", "new_investor_name", "new_investor_credit_code")  # confidential


@admin.register(Signing)
class SigningAdmin(ReadOnlyAdmin):
    list_display = ("project", "kind", "date", "counted", "major")
    exclude = ("amount",)  # confidential


@admin.register(FundsArrival)
class FundsAdmin(ReadOnlyAdmin):
    list_display = ("project", "month")
    exclude = ("amount",)  # confidential


for model in (ProjectEvent, ParkOutput):
    admin.site.register(model, ReadOnlyAdmin)
