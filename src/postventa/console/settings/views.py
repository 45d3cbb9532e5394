"""Settings home and staff users (list, create, edit, deactivate, password, 2FA reset)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from postventa.accounts import otp, selectors, services
from postventa.accounts.models import Role, Skill, Team, User
from postventa.console.mixins import render_page, staff_required
from postventa.core.errors import ApplicationError
from postventa.core.permissions import can

SETTINGS_PERMISSIONS = (
    "users.manage",
    "teams.manage",
    "tokens.manage",
    "webhooks.manage",
    "audit.view",
    "tickets.manage",
    "tickets.change",
)


def _ids(request, name: str) -> list[int]:
    out = []
    for raw in request.POST.getlist(name):
        try:
            out.append(int(raw))
        except ValueError:
            continue
    return out


def _webhooks_url() -> str:
    try:
        return reverse("console:webhook_list")
    except NoReverseMatch:
        return "/console/settings/webhooks/"


@staff_required()
def settings_home(request):
    user = request.user
    if not any(can(user, p) for p in SETTINGS_PERMISSIONS):
        raise DjangoPermissionDenied("settings")
    cards = [
        (
            "users.manage",
            reverse("console:settings_users"),
            _("Users"),
            _("Staff accounts, roles, teams and skills."),
        ),
        (
            "teams.manage",
            reverse("console:settings_teams"),
            _("Teams"),
            _("Departments that tickets are routed to."),
        ),
        (
            "teams.manage",
            reverse("console:settings_skills"),
            _("Skills"),
            _("Languages and product lines for routing."),
        ),
        (
            "tokens.manage",
            reverse("console:settings_tokens"),
            _("API tokens"),
            _("Scoped keys for the REST API."),
        ),
        ("webhooks.manage", _webhooks_url(), _("Webhooks"), _("Signed event deliveries to your systems.")),
        (
            "teams.manage",
            reverse("console:settings_calendars"),
            _("Business hours"),
            _("Opening hours and holidays that SLA clocks count."),
        ),
        (
            "tickets.manage",
            reverse("console:settings_sla_policies"),
            _("SLA policies"),
            _("Response and resolution targets on business hours."),
        ),
        (
            "tickets.manage",
            reverse("console:automation_routing"),
            _("Routing and assignment"),
            _("Which team gets a ticket, and who in it."),
        ),
        (
            "tickets.change",
            reverse("console:automation_macros"),
            _("Macros"),
            _("Reply templates with placeholders and actions."),
        ),
        (
            "tickets.manage",
            reverse("console:automation_triggers"),
            _("Triggers and automations"),
            _("Rules that act on events and on time."),
        ),
        ("tickets.manage", reverse("console:mailboxes"), _("Mailboxes"), _("Email addresses that become tickets.")),
        ("tickets.manage", reverse("console:chat_widgets"), _("Chat widget"), _("Live chat on your website.")),
        ("tickets.manage", reverse("console:whatsapp_settings"), _("WhatsApp"), _("WhatsApp Business account and templates.")),
        ("audit.view", reverse("console:settings_audit"), _("Audit log"), _("Who changed what, and when.")),
        (
            "users.manage",
            reverse("console:settings_lockouts"),
            _("Sign-in lockouts"),
            _("Accounts locked after failed sign-ins."),
        ),
    ]
    visible = [
        {"url": url, "title": title, "text": text} for perm, url, title, text in cards if can(user, perm)
    ]
    return render_page(request, "console/settings/home.html", {"nav": "settings", "cards": visible})


def _form_context(**extra) -> dict:
    context = {
        "nav": "settings",
        "roles": Role.choices,
        "teams": list(Team.objects.only("id", "name")),
        "skills": list(Skill.objects.only("id", "name", "kind")),
        "languages": [("es", "Español"), ("en", "English")],
        "errors": {},
        "values": {},
    }
    context.update(extra)
    return context


def _errors(exc: ApplicationError) -> dict:
    return {exc.extra.get("field") or "form": exc.message}


@staff_required("users.manage")
def user_list(request):
    q = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    users = list(selectors.user_list(q=q, role=role)[:500])
    context = {"nav": "settings", "users": users, "q": q, "role": role, "roles": Role.choices}
    return render_page(request, "console/settings/users.html", context)


@staff_required("users.manage")
def user_create(request):
    if request.method == "POST":
        post = request.POST
        try:
            user = services.user_create(
                acting_user=request.user,
                username=post.get("username", ""),
                password=post.get("password", ""),
                email=post.get("email", ""),
                role=post.get("role", Role.AGENT),
                first_name=post.get("first_name", ""),
                last_name=post.get("last_name", ""),
                language=post.get("language", "es"),
                team_ids=_ids(request, "teams"),
                skill_ids=_ids(request, "skills"),
            )
        except ApplicationError as exc:
            context = _form_context(
                errors=_errors(exc),
                values=post,
                selected_teams=_ids(request, "teams"),
                selected_skills=_ids(request, "skills"),
            )
            return render_page(request, "console/settings/user_form.html", context, status=400)
        messages.success(request, _("User %(username)s created.") % {"username": user.username})
        return redirect("console:settings_users")
    return render_page(request, "console/settings/user_form.html", _form_context(values={"role": Role.AGENT}))


@staff_required("users.manage")
def user_edit(request, user_id: int):
    subject = get_object_or_404(User.objects.prefetch_related("teams", "skills"), pk=user_id)
    errors: dict = {}
    if request.method == "POST":
        post = request.POST
        try:
            capacity = int(post.get("capacity", subject.capacity))
        except ValueError:
            capacity = -1
        try:
            services.user_update(
                acting_user=request.user,
                user_id=subject.pk,
                role=post.get("role", subject.role),
                team_ids=_ids(request, "teams"),
                skill_ids=_ids(request, "skills"),
                is_active=post.get("is_active") == "on",
                language=post.get("language", subject.language),
                email=post.get("email", subject.email),
                first_name=post.get("first_name", subject.first_name),
                last_name=post.get("last_name", subject.last_name),
                capacity=capacity,
            )
        except ApplicationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("console:settings_user_edit", user_id=subject.pk)
    context = _form_context(
        subject=subject,
        errors=errors,
        selected_teams=[t.pk for t in subject.teams.all()],
        selected_skills=[s.pk for s in subject.skills.all()],
        two_factor_on=otp.has_confirmed_device(subject),
    )
    return render_page(request, "console/settings/user_form.html", context, status=400 if errors else 200)


@staff_required("users.manage")
@require_POST
def user_password(request, user_id: int):
    try:
        services.user_set_password(
            acting_user=request.user, user_id=user_id, password=request.POST.get("password", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Password set. Tell the user through a safe channel."))
    return redirect("console:settings_user_edit", user_id=user_id)


@staff_required("users.manage")
@require_POST
def user_deactivate(request, user_id: int):
    try:
        services.user_deactivate(acting_user=request.user, user_id=user_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("User deactivated; their API tokens are revoked."))
    return redirect("console:settings_user_edit", user_id=user_id)


@staff_required("users.manage")
@require_POST
def user_two_factor_reset(request, user_id: int):
    subject = get_object_or_404(User, pk=user_id)
    try:
        otp.totp_reset(acting_user=request.user, user=subject)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Two-factor sign-in removed for this user."))
    return redirect("console:settings_user_edit", user_id=user_id)
