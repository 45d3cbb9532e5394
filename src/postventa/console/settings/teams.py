"""Teams (departments) and skills (languages, product lines) for routing."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.accounts import selectors, services
from postventa.accounts.models import Skill, Team
from postventa.console.mixins import render_page, staff_required
from postventa.core.errors import ApplicationError


def _errors(exc: ApplicationError) -> dict:
    return {exc.extra.get("field") or "form": exc.message}


@staff_required("teams.manage")
def team_list(request):
    errors: dict = {}
    values: dict = {}
    if request.method == "POST":
        values = request.POST
        try:
            team = services.team_create(
                acting_user=request.user,
                name=values.get("name", ""),
                description=values.get("description", ""),
                email=values.get("email", ""),
            )
        except ApplicationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Team %(name)s created.") % {"name": team.name})
            return redirect("console:settings_teams")
    context = {"nav": "settings", "teams": list(selectors.team_list()), "errors": errors, "values": values}
    return render_page(request, "console/settings/teams.html", context, status=400 if errors else 200)


@staff_required("teams.manage")
def team_edit(request, team_id: int):
    team = get_object_or_404(Team, pk=team_id)
    errors: dict = {}
    if request.method == "POST":
        try:
            services.team_update(
                acting_user=request.user,
                team_id=team.pk,
                name=request.POST.get("name", ""),
                description=request.POST.get("description", ""),
                email=request.POST.get("email", ""),
            )
        except ApplicationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("console:settings_teams")
    context = {
        "nav": "settings",
        "team": team,
        "errors": errors,
        "members": list(team.members.only("id", "username")),
    }
    return render_page(request, "console/settings/team_form.html", context, status=400 if errors else 200)


@staff_required("teams.manage")
@require_POST
def team_delete(request, team_id: int):
    try:
        services.team_delete(acting_user=request.user, team_id=team_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Team deleted."))
    return redirect("console:settings_teams")


@staff_required("teams.manage")
def skill_list(request):
    errors: dict = {}
    values: dict = {}
    if request.method == "POST":
        values = request.POST
        try:
            skill = services.skill_create(
                acting_user=request.user,
                kind=values.get("kind", ""),
                name=values.get("name", ""),
                code=values.get("code", ""),
            )
        except ApplicationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Skill %(name)s created.") % {"name": skill.name})
            return redirect("console:settings_skills")
    context = {
        "nav": "settings",
        "skills": list(selectors.skill_list()),
        "kinds": Skill.Kind.choices,
        "errors": errors,
        "values": values,
    }
    return render_page(request, "console/settings/skills.html", context, status=400 if errors else 200)


@staff_required("teams.manage")
def skill_edit(request, skill_id: int):
    skill = get_object_or_404(Skill, pk=skill_id)
    errors: dict = {}
    if request.method == "POST":
        try:
            services.skill_update(
                acting_user=request.user,
                skill_id=skill.pk,
                kind=request.POST.get("kind", ""),
                name=request.POST.get("name", ""),
                code=request.POST.get("code", ""),
            )
        except ApplicationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("console:settings_skills")
    context = {"nav": "settings", "skill": skill, "kinds": Skill.Kind.choices, "errors": errors}
    return render_page(request, "console/settings/skill_form.html", context, status=400 if errors else 200)


@staff_required("teams.manage")
@require_POST
def skill_delete(request, skill_id: int):
    try:
        services.skill_delete(acting_user=request.user, skill_id=skill_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Skill deleted."))
    return redirect("console:settings_skills")
