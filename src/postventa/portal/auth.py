"""Who the customer is in the portal: signed in with a magic link (helpdesk.portal_auth).

Every page that shows a customer's own records (tickets, products, claims, returns, repairs,
plans, take-back) is wrapped in `customer_required`; lookups then go through
`request.portal_customer`, so another customer's record is a plain 404.
"""

from __future__ import annotations

from functools import wraps

from django.shortcuts import redirect
from django.urls import reverse

from postventa.helpdesk import portal_auth


def customer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        customer = portal_auth.portal_customer(request.session)
        if customer is None:
            return redirect(f"{reverse('portal:help_login')}?next={request.path}")
        request.portal_customer = customer
        return view(request, *args, **kwargs)

    return wrapper
