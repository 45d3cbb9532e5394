"""Live web chat: an embeddable widget whose conversations are helpdesk tickets (channel web_chat).

Pieces: models (WidgetConfig, ChatSession), services (every write), selectors (availability,
history, live list), consumers (visitor /ws/chat/<key>/ and agent /ws/agent/ sockets), receivers
(live publish after commit; "chat.deliver" emails replies once the visitor has left), layers
(SQLiteChannelLayer: the embedded cross-process channel layer), tasks (end idle sessions).

Visitor socket, client -> server: start{token, page, lang}, identify{name, email},
message{text, ref}, typing, ping, offline{name, email, text, website (honeypot), page}.
Server -> visitor: session{token, online, offline_form, greeting, colour, identified, history},
identified, message{id, ticket, text, from, author, at}, sent, typing, offline_sent, error{code, detail}.
Agent socket: join/leave/typing/reply{ticket[, text]} -> joined{live, history}, message, typing,
session (list activity), sent, error.
"""
