"""Helpdesk core: tickets, their conversation, history, and the entry point every channel feeds.

How a channel plugs in (email, chat, WhatsApp, phone...):

1. Inbound. Store the raw payload first, identify the person with
   `customers.services.customer_identify(email=..., phone=...)`, then call

       ticket, message, created = helpdesk.services.receive_message(
           customer=customer, channel="email", body_text=text, body_html=html, subject=subject,
           external_id=message_id,              # de-duplicates a second delivery
           thread_keys=[in_reply_to, *references],  # finds the ticket of an earlier message
           attachments_in=[IncomingFile(name, content_type, data), ...],
           ticket=ticket_from_subject_token,    # optional; used only if it is this customer's
           raw_ref="mail:1234",
       )

   It threads, reopens or opens a follow-up, counts the contact, stores files within the
   limits, and emits ticket.created / ticket.message_added.
2. Outbound. Listen to "ticket.message_added" (payload: ticket_id, message_id, kind, direction,
   message_channel...) for direction == "outbound" and kind == "public_reply" on your channel,
   deliver, set Message.delivery_status / last_error / external_id, and record the keys the
   customer's answer will carry with TicketThreadKey (channel, key). Call
   `helpdesk.receivers.claim_delivery("<channel>")` in your AppConfig.ready() so the interim
   email delivery leaves your channel's messages alone.
"""
