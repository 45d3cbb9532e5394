"""SLAs on business hours: policies chosen by conditions, per-ticket clocks, warnings and breaches.

- models: SlaPolicy (conditions, targets, escalation) and TicketSla (one clock per ticket and metric)
- clock: the arithmetic (pauses, due and warning times) over core.calendars, no database
- services.sla_apply(ticket, now): rebuilds a ticket's clocks; run by an outbox receiver on every
  ticket event. services.sla_check(now): the minute task; warnings and breaches, each once.
- badge / templatetags.sla: {% sla_badge ticket %} and {% sla_panel ticket %} for the console
"""
