/* Console side of the live chat: one socket to the chat listener (session cookie auth).
 * - Live chats page (#pv-agent-socket): list updates trigger an HTMX refresh ("chat-activity").
 * - Ticket page (#pv-live-panel, from console/chat/_live_panel.html): join the ticket's chat, see
 *   the visitor typing and their messages, answer over the socket.
 */
(function () {
  "use strict";
  var panel = document.getElementById("pv-live-panel");
  var lobby = document.getElementById("pv-agent-socket");
  var holder = panel || lobby;
  if (!holder || holder.dataset.started) return;
  holder.dataset.started = "1";
  var url = holder.dataset.socket;
  var ticket = panel ? parseInt(panel.dataset.ticket, 10) : null;
  var q = function (sel) { return panel ? panel.querySelector(sel) : null; };
  var log = q("[data-live-log]"), typing = q("[data-live-typing]"), state = q("[data-live-state]");
  var form = q("[data-live-form]"), errorEl = q("[data-live-error]");
  var ws = null, backoff = 1000, typingTimer = null, lastTyping = 0, seen = {};
  var es = (document.documentElement.lang || "es").indexOf("es") === 0;
  var L = es ? { live: "En línea", off: "Sin conexión", typing: "está escribiendo…", visitor: "Cliente" }
             : { live: "Live", off: "Offline", typing: "is typing…", visitor: "Customer" };

  function add(m) {
    if (!log || seen[m.id]) return;
    seen[m.id] = true;
    var p = document.createElement("p");
    var who = document.createElement("strong");
    who.textContent = (m.from === "agent" ? (m.author || "") : L.visitor) + ": ";
    p.appendChild(who);
    p.appendChild(document.createTextNode(m.text));
    log.appendChild(p);
    log.scrollTop = log.scrollHeight;
  }

  function setState(live) {
    if (!state) return;
    state.textContent = live ? L.live : L.off;
    state.className = "badge " + (live ? "ok" : "");
  }

  function send(obj) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(obj)); }

  function connect() {
    ws = new WebSocket(url);
    ws.onopen = function () { backoff = 1000; if (ticket) send({ type: "join", ticket: ticket }); };
    ws.onmessage = function (e) {
      var d; try { d = JSON.parse(e.data); } catch (err) { return; }
      if (d.type === "session") {
        document.body.dispatchEvent(new CustomEvent("chat-activity"));
      } else if (d.type === "joined") {
        setState(d.live);
        (d.history || []).forEach(function (m) { seen[m.id] = true; });
      } else if (d.type === "message" && d.ticket === ticket) {
        add(d);
        if (d.from === "visitor") { setState(true); if (typing) typing.textContent = ""; }
      } else if (d.type === "typing" && d.ticket === ticket && d.from === "visitor" && typing) {
        typing.textContent = L.visitor + " " + L.typing;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { typing.textContent = ""; }, 4000);
      } else if (d.type === "error" && errorEl) {
        errorEl.textContent = d.detail;
      }
    };
    ws.onclose = function (e) {
      setState(false);
      if (e.code === 4401) return; // not signed in: reloading the page is the fix
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 30000);
    };
  }

  if (form) {
    var text = form.querySelector("textarea");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var value = text.value.trim();
      if (!value) return;
      errorEl.textContent = "";
      send({ type: "reply", ticket: ticket, text: value });
      text.value = "";
      lastTyping = 0;
    });
    text.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
    });
    text.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTyping > 2000) { lastTyping = now; send({ type: "typing", ticket: ticket }); }
    });
  }
  connect();
})();
