"""登记工单: the intake form for the centre."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from cases import services
from cases.forms import RegisterForm
from cases.guards import can_register
from cases.intake_duplicates import merge_after_registering
from mochou.errors import DomainError
from mochou.http import AuthenticatedHttpRequest


@login_required
def register(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_register(request.user):
        raise PermissionDenied("只有话务员、派单员、督办员和管理员可以登记工单。")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.register_case(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            # Put the message next to the field it is about; the bound form keeps every input.
            field = error.details.get("field")
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, f"工单已登记，受理编号 {case.number}。")
            parent = (request.POST.get("merge_into") or "").strip()
            if parent:  # 「登记并合并到此工单」 from the duplicate warning
                case, refused = merge_after_registering(case, actor=request.user, parent_number=parent)
                if refused:
                    messages.error(request, refused)
                else:
                    messages.success(request, f"已合并到工单 {parent}。")
            return redirect("cases:detail", number=case.number)
    return render(request, "cases/register.html", {"form": form})
