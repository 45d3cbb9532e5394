"""Macro text rendered by Django's template engine in a sandbox.

The sandbox is a separate Engine with no template tags at all (no {% include %}, {% load %},
{% debug %}...) and only the built-in filters, and a Context holding plain strings: no model
instance ever reaches a template, so `{{ customer.__class__ }}` or `{{ ticket.customer.delete }}`
have nothing to reach. Every variable must be one of PLACEHOLDERS, checked before rendering.
"""

from __future__ import annotations

from typing import Any

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import VariableNode
from django.utils.translation import gettext as _

from postventa.core.errors import ValidationFailed

PLACEHOLDERS = (
    "customer.first_name",
    "customer.name",
    "order.number",
    "ticket.number",
    "ticket.subject",
    "agent.first_name",
    "agent.name",
)
MAX_LENGTH = 20000
# Filters that would switch off HTML escaping or dump structures.
BLOCKED_FILTERS = {"safe", "safeseq", "pprint", "unordered_list"}


class _SandboxEngine(Engine):
    # Engine adds its default tag libraries to `builtins`; the sandbox keeps the filters only.
    default_builtins = ["django.template.defaultfilters"]


_ENGINE = _SandboxEngine(builtins=[], libraries={}, loaders=[], app_dirs=False)


def _variables(nodelist) -> list[str]:
    names: list[str] = []
    for node in nodelist:
        if isinstance(node, VariableNode):
            var = node.filter_expression.var
            lookups = getattr(var, "lookups", None)
            names.append(".".join(lookups) if lookups else str(var))
            for _func, args in node.filter_expression.filters:
                for _lookup, arg in args:
                    if getattr(arg, "lookups", None):
                        names.append(".".join(arg.lookups))
    return names


def _filters(nodelist) -> set[str]:
    return {
        getattr(func, "_filter_name", getattr(func, "__name__", ""))
        for node in nodelist
        if isinstance(node, VariableNode)
        for func, _args in node.filter_expression.filters
    }


def compile_template(text: str):
    """Parse `text`, refusing tags and unknown placeholders with a sentence the author can act on."""
    if len(text or "") > MAX_LENGTH:
        raise ValidationFailed(
            _("The reply is too long (at most %(n)s characters).") % {"n": MAX_LENGTH}, code="too_long"
        )
    try:
        template = _ENGINE.from_string(text or "")
    except TemplateSyntaxError as exc:
        raise ValidationFailed(
            _("The reply template is not valid: %(error)s. Placeholders look like {{ customer.first_name }}.")
            % {"error": str(exc)},
            code="bad_template",
        )
    unsafe = sorted(_filters(template.nodelist) & BLOCKED_FILTERS)
    if unsafe:
        raise ValidationFailed(
            _("These filters are not allowed in macros: %(names)s.") % {"names": ", ".join(unsafe)},
            code="bad_template",
        )
    unknown = sorted({name for name in _variables(template.nodelist) if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationFailed(
            _("Unknown placeholders: %(names)s. Use one of: %(allowed)s.")
            % {"names": ", ".join(unknown), "allowed": ", ".join(PLACEHOLDERS)},
            code="bad_placeholder",
        )
    return template


def placeholder_values(*, ticket, agent) -> dict[str, Any]:
    """Plain strings only: what the placeholders may show, nothing more."""
    customer = ticket.customer
    return {
        "customer": {"first_name": str(customer.first_name or ""), "name": str(customer.display_name or "")},
        "order": {"number": str(ticket.order.number) if ticket.order_id else ""},
        "ticket": {"number": str(ticket.number), "subject": str(ticket.subject)},
        "agent": {
            "first_name": str(getattr(agent, "first_name", "") or ""),
            "name": str((agent.get_full_name() or agent.get_username()) if agent is not None else ""),
        },
    }


def render_text(text: str, values: dict[str, Any], *, html: bool = False) -> str:
    """Render for a plain-text reply, or with HTML autoescaping when the result goes into HTML."""
    template = compile_template(text)
    return template.render(Context(values, autoescape=html)).strip()


def body_for(macro, language: str) -> str:
    """The macro's text in `language`, falling back to the other language when that one is empty."""
    first, second = (macro.body_en, macro.body_es) if language == "en" else (macro.body_es, macro.body_en)
    return first or second or ""
