"""Console: the return policy, its category rules and the return reasons (returns.manage)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.aftercare.returns import services
from postventa.aftercare.returns.eligibility import active_policy
from postventa.aftercare.returns.models import CategoryRule, ReturnPolicy, ReturnReason
from postventa.console.mixins import flash_error, render_page, staff_required
from postventa.core.errors import ApplicationError


def _policy() -> ReturnPolicy:
    policy = active_policy()
    if policy.pk is None:  # no policy configured yet: the legal minimum becomes the active one
        policy.is_active = True
        policy.save()
    return policy


@staff_required("returns.manage")
def policy_settings(request):
    from postventa.catalog.models import Category

    policy = _policy()
    status = 200
    if request.method == "POST":
        p = request.POST
        fields = {name: p.get(name, "") for name in services.POLICY_FIELDS}
        for flag in ("auto_approve", "auto_approve_only_withdrawal"):
            fields[flag] = p.get(flag) == "on"
        try:
            services.policy_update(actor=request.user, policy=policy, **fields)
        except ApplicationError as exc:
            flash_error(request, exc)
            status = 422
        else:
            messages.success(request, _("Return policy saved."))
            return redirect("console:return_settings")
        for name, value in fields.items():
            setattr(policy, name, value)
    context = {
        "nav": "returns",
        "policy": policy,
        "rules": list(CategoryRule.objects.filter(policy=policy).select_related("category")),
        "categories": list(Category.objects.order_by("slug")),
        "exclusions": CategoryRule.Exclusion.choices,
        "reasons": list(ReturnReason.objects.order_by("position", "id")),
    }
    return render_page(request, "console/returns/settings.html", context, status=status)


@require_POST
@staff_required("returns.manage")
def rule_save(request):
    from postventa.catalog.models import Category

    p = request.POST
    category = (
        Category.objects.filter(pk=p.get("category") or 0).first()
        if (p.get("category") or "").isdigit()
        else None
    )
    if category is None:
        messages.error(request, _("Choose a category."))
        return redirect("console:return_settings")
    try:
        services.category_rule_save(
            actor=request.user,
            policy=_policy(),
            category=category,
            exclusion=p.get("exclusion", ""),
            window_days=p.get("window_days", "").strip() or None,
            condition_es=p.get("condition_es", ""),
            condition_en=p.get("condition_en", ""),
        )
        messages.success(request, _("Category rule saved."))
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect("console:return_settings")


@require_POST
@staff_required("returns.manage")
def rule_delete(request, rule_id: int):
    rule = CategoryRule.objects.select_related("policy").filter(pk=rule_id).first()
    if rule is None:
        raise Http404
    services.category_rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("Category rule removed."))
    return redirect("console:return_settings")


@require_POST
@staff_required("returns.manage")
def reason_save(request):
    p = request.POST
    reason = None
    if (p.get("reason_id") or "").isdigit():
        reason = ReturnReason.objects.filter(pk=int(p["reason_id"])).first()
        if reason is None:
            raise Http404
    try:
        services.reason_save(
            actor=request.user,
            reason=reason,
            code=p.get("code", ""),
            label_es=p.get("label_es", ""),
            label_en=p.get("label_en", ""),
            business_pays_shipping=p.get("business_pays_shipping") == "on",
            is_active=p.get("is_active") == "on",
            position=p.get("position") or 100,
        )
        messages.success(request, _("Reason saved."))
    except ApplicationError as exc:
        flash_error(request, exc)
    return redirect("console:return_settings")
