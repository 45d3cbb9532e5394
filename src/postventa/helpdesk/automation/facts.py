"""What rules look at on a ticket, gathered once with a handful of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from postventa.helpdesk.models import Message, Ticket


@dataclass
class TicketFacts:
    ticket: Ticket
    text: str = ""
    customer_tags: set[str] = field(default_factory=set)
    categories: set[str] = field(default_factory=set)
    products: set[str] = field(default_factory=set)

    @property
    def language(self) -> str:
        return (self.ticket.language or self.ticket.customer.language or "es")[:2]


def gather(ticket: Ticket, *, message_id: int | None = None) -> TicketFacts:
    """Subject plus the given message (or the first customer message), tags, and order products."""
    facts = TicketFacts(ticket=ticket)
    messages = Message.objects.filter(ticket=ticket)
    if message_id:
        message = messages.filter(pk=message_id).first()
    else:
        message = messages.filter(direction=Message.Direction.INBOUND).order_by("created_at", "id").first()
    facts.text = f"{ticket.subject}\n{message.body_text if message else ''}"
    facts.customer_tags = set(ticket.customer.tags.values_list("name", flat=True))
    if ticket.order_id:
        rows = ticket.order.lines.filter(product__isnull=False).values_list(
            "product__sku", "product__category__slug"
        )
        for sku, slug in rows:
            facts.products.add(sku)
            if slug:
                facts.categories.add(slug)
    return facts
