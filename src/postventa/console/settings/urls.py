from django.urls import include, path

from postventa.console.settings import audit, lockouts, teams, tokens, views

urlpatterns = [
    path("", views.settings_home, name="settings_home"),
    path("users/", views.user_list, name="settings_users"),
    path("users/new/", views.user_create, name="settings_user_create"),
    path("users/<int:user_id>/", views.user_edit, name="settings_user_edit"),
    path("users/<int:user_id>/password/", views.user_password, name="settings_user_password"),
    path("users/<int:user_id>/deactivate/", views.user_deactivate, name="settings_user_deactivate"),
    path("users/<int:user_id>/2fa-reset/", views.user_two_factor_reset, name="settings_user_2fa_reset"),
    path("teams/", teams.team_list, name="settings_teams"),
    path("teams/<int:team_id>/", teams.team_edit, name="settings_team_edit"),
    path("teams/<int:team_id>/delete/", teams.team_delete, name="settings_team_delete"),
    path("skills/", teams.skill_list, name="settings_skills"),
    path("skills/<int:skill_id>/", teams.skill_edit, name="settings_skill_edit"),
    path("skills/<int:skill_id>/delete/", teams.skill_delete, name="settings_skill_delete"),
    path("api-tokens/", tokens.token_list, name="settings_tokens"),
    path("api-tokens/<int:token_id>/revoke/", tokens.token_revoke, name="settings_token_revoke"),
    path("audit/", audit.audit_log, name="settings_audit"),
    path("lockouts/", lockouts.lockout_list, name="settings_lockouts"),
    path("lockouts/<int:attempt_id>/unlock/", lockouts.lockout_reset, name="settings_lockout_reset"),
    path("webhooks/", include("postventa.console.settings.webhook_urls")),
    path("automation/", include("postventa.console.automation.urls")),
    path("calendars/", include("postventa.console.settings.calendars_urls")),
    path("whatsapp/", include("postventa.console.whatsapp.urls")),
]
