"""The REST API at /api/v1: one NinjaAPI, one router per app, errors mapped here once."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from postventa.accounts.tokens import token_authenticate
from postventa.core.errors import ApplicationError


class TokenAuth(HttpBearer):
    openapi_description = "API token created in Settings > API tokens: `Authorization: Bearer pv_...`"

    def authenticate(self, request: HttpRequest, token: str):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The console's own session (with CSRF on unsafe methods), so pages can call the API."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None):
        from postventa.accounts.otp import has_confirmed_totp

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        # Half signed in (password but no second factor yet) is not signed in.
        if has_confirmed_totp(user) and not user.is_verified():
            return None
        return user


api = NinjaAPI(
    title="Postventa API",
    version="1",
    description="After-sales service platform. Errors always have the shape {\"detail\": ..., \"code\": ...}.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(ApplicationError)
def _application_error(request, exc: ApplicationError):
    body = {"detail": exc.message, "code": exc.code}
    if exc.extra:
        body["extra"] = exc.extra
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    return api.create_response(
        request,
        {"detail": _("The request is not valid."), "code": "validation_failed", "errors": exc.errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return api.create_response(
        request, {"detail": _("Authentication required: send a valid API token."), "code": "unauthorized"}, status=401
    )


@api.exception_handler(OverflowError)
def _id_out_of_range(request, exc: OverflowError):
    # An id in the path larger than any database integer (SQLite refuses to bind it): no such record.
    return api.create_response(request, {"detail": _("Not found."), "code": "not_found"}, status=404)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc), "code": "http_error"}, status=exc.status_code)


def _mount() -> None:
    from postventa.accounts.api import router as accounts_router
    from postventa.catalog.api import router as catalog_router
    from postventa.core.api import router as core_router
    from postventa.customers.api import router as customers_router
    from postventa.helpdesk.api import router as helpdesk_router
    from postventa.messaging.phone.api import router as phone_router
    from postventa.messaging.whatsapp.api import router as whatsapp_router
    from postventa.orders.api import router as orders_router

    api.add_router("/customers", customers_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/orders", orders_router)
    api.add_router("/webhooks", core_router)
    api.add_router("/accounts", accounts_router)
    api.add_router("/whatsapp", whatsapp_router)
    api.add_router("/phone", phone_router)
    api.add_router("/automation", "postventa.helpdesk.automation.api.router")
    api.add_router("/sla", "postventa.helpdesk.sla.api.router")
    api.add_router("/tickets", helpdesk_router)
    api.add_router("/warranties", "postventa.aftercare.warranties.api.router")
    api.add_router("/claims", "postventa.aftercare.claims.api.router")
    api.add_router("/returns", "postventa.aftercare.returns.api.router")
    api.add_router("/refunds", "postventa.aftercare.returns.api.refunds_router")
    api.add_router("/repairs", "postventa.aftercare.repairs.api.router")
    api.add_router("/payment-plans", "postventa.aftercare.payment_plans.api.router")
    api.add_router("/maintenance", "postventa.aftercare.maintenance.api.router")
    api.add_router("/takeback", "postventa.aftercare.takeback.api.router")


_mount()
