/* Postventa live chat widget. Embed with ONE tag:
 *   <script src="https://help.example.com/static/postventa/chat/widget.js" data-widget="KEY" async></script>
 * Optional: data-socket="wss://chat.example.com" (default: this script's host, port 8001 when the
 * script comes from port 8000, else the same origin), data-lang="es|en" (default: the browser's).
 * Everything lives in a shadow root, so the shop's CSS cannot break it and ours cannot leak out.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.widget) return;
  var KEY = script.dataset.widget;
  window.__postventaChat = window.__postventaChat || {};
  if (window.__postventaChat[KEY]) return; // the tag was pasted twice: one widget is enough
  window.__postventaChat[KEY] = true;
  var src = new URL(script.src, location.href);
  var LANG = (script.dataset.lang || navigator.language || "es").toLowerCase().indexOf("en") === 0 ? "en" : "es";

  function socketBase() {
    if (script.dataset.socket) return script.dataset.socket.replace(/\/$/, "");
    var scheme = src.protocol === "https:" ? "wss:" : "ws:";
    var port = src.port === "8000" ? "8001" : src.port;
    return scheme + "//" + src.hostname + (port ? ":" + port : "");
  }

  var T = {
    es: {
      open: "Abrir el chat", close: "Cerrar el chat", title: "Chat de atención al cliente",
      name: "Nombre", email: "Correo electrónico", start: "Empezar", send: "Enviar",
      placeholder: "Escribe tu mensaje…", typing: "está escribiendo…", agent: "Agente",
      you: "Tú", offlineTitle: "Ahora no hay nadie conectado. Déjanos un mensaje y te responderemos por correo.",
      message: "Mensaje", offlineSend: "Enviar mensaje", offlineSent: "¡Gracias! Te responderemos por correo.",
      reconnecting: "Reconectando…", intro: "Antes de empezar, dinos cómo te llamas y tu correo.",
      ended: "El chat ha terminado; seguiremos por correo.", greeting: "¡Hola! ¿En qué podemos ayudarte?"
    },
    en: {
      open: "Open chat", close: "Close chat", title: "Customer service chat",
      name: "Name", email: "Email", start: "Start", send: "Send",
      placeholder: "Type your message…", typing: "is typing…", agent: "Agent",
      you: "You", offlineTitle: "Nobody is online right now. Leave us a message and we will answer by email.",
      message: "Message", offlineSend: "Send message", offlineSent: "Thank you! We will answer by email.",
      reconnecting: "Reconnecting…", intro: "Before we start, tell us your name and email.",
      ended: "The chat has ended; we will continue by email.", greeting: "Hi! How can we help?"
    }
  }[LANG];

  var CSS = [
    ":host{all:initial;font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328}",
    "*{box-sizing:border-box}",
    ".launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;",
    "background:var(--pv-colour);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000}",
    ".launcher:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #0969da;outline-offset:2px}",
    ".launcher svg{width:26px;height:26px}",
    ".panel{position:fixed;right:20px;bottom:88px;width:340px;max-width:calc(100vw - 40px);height:480px;",
    "max-height:calc(100vh - 120px);background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);",
    "display:flex;flex-direction:column;overflow:hidden;z-index:2147483000}",
    ".panel[hidden]{display:none}",
    "header{background:var(--pv-colour);color:#fff;padding:12px 14px;display:flex;align-items:center;justify-content:space-between}",
    "header h2{font-size:15px;margin:0;font-weight:600}",
    "header button{background:transparent;border:0;color:#fff;font-size:20px;cursor:pointer;line-height:1}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f8fa}",
    ".msg{max-width:80%;padding:8px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}",
    ".msg.visitor{align-self:flex-end;background:var(--pv-colour);color:#fff}",
    ".msg.agent{align-self:flex-start;background:#fff;border:1px solid #d0d7de}",
    ".msg.system{align-self:center;background:transparent;color:#57606a;font-size:12px;text-align:center}",
    ".who{display:block;font-size:11px;opacity:.75;margin-bottom:2px}",
    ".typing{padding:0 12px;height:18px;font-size:12px;color:#57606a;background:#f6f8fa}",
    "form{display:flex;flex-direction:column;gap:8px;padding:10px;border-top:1px solid #d0d7de}",
    "form.row{flex-direction:row;align-items:flex-end}",
    "label{font-size:12px;color:#57606a;display:flex;flex-direction:column;gap:2px}",
    "input,textarea{font:inherit;padding:7px 9px;border:1px solid #d0d7de;border-radius:6px;width:100%}",
    "textarea{resize:none}",
    "form.row textarea{flex:1}",
    "button.primary{background:var(--pv-colour);color:#fff;border:0;border-radius:6px;padding:8px 12px;cursor:pointer;font:inherit}",
    ".hp{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}",
    ".status{font-size:12px;color:#9a6700;padding:4px 12px;background:#fff8c5}",
    ".status[hidden]{display:none}",
    ".error{color:#cf222e;font-size:12px;min-height:0}"
  ].join("");

  var host = document.createElement("div");
  host.setAttribute("data-postventa-chat", KEY);
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    "<style>" + CSS + "</style>" +
    '<button class="launcher" type="button" aria-expanded="false" aria-controls="pv-panel" aria-label="' + T.open + '">' +
    '<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg></button>' +
    '<section class="panel" id="pv-panel" role="dialog" aria-label="' + T.title + '" hidden>' +
    "<header><h2>" + T.title + '</h2><button type="button" class="x" aria-label="' + T.close + '">×</button></header>' +
    '<div class="status" role="status" hidden></div>' +
    '<div class="log" role="log" aria-live="polite" aria-relevant="additions" tabindex="0"></div>' +
    '<div class="typing" aria-live="polite"></div>' +
    '<form class="identify" hidden novalidate><p class="msg system">' + T.intro + "</p>" +
    '<label>' + T.name + '<input name="name" autocomplete="name" required maxlength="120"></label>' +
    '<label>' + T.email + '<input name="email" type="email" autocomplete="email" required maxlength="254"></label>' +
    '<div class="error" aria-live="assertive"></div><button class="primary" type="submit">' + T.start + "</button></form>" +
    '<form class="compose row" hidden>' +
    '<textarea name="text" rows="2" aria-label="' + T.message + '" placeholder="' + T.placeholder + '" maxlength="4000"></textarea>' +
    '<button class="primary" type="submit">' + T.send + "</button></form>" +
    '<form class="offline" hidden novalidate><p class="msg system">' + T.offlineTitle + "</p>" +
    '<label>' + T.name + '<input name="name" autocomplete="name" required maxlength="120"></label>' +
    '<label>' + T.email + '<input name="email" type="email" autocomplete="email" required maxlength="254"></label>' +
    '<label>' + T.message + '<textarea name="text" rows="3" required maxlength="4000"></textarea></label>' +
    '<div class="hp" aria-hidden="true"><input name="website" tabindex="-1" autocomplete="off"></div>' +
    '<div class="error" aria-live="assertive"></div><button class="primary" type="submit">' + T.offlineSend + "</button></form>" +
    "</section>";

  var $ = function (sel) { return root.querySelector(sel); };
  var launcher = $(".launcher"), panel = $(".panel"), log = $(".log"), typingEl = $(".typing");
  var identifyForm = $("form.identify"), composeForm = $("form.compose"), offlineForm = $("form.offline");
  var statusEl = $(".status");
  var storeKey = "postventa-chat:" + KEY;
  var ws = null, state = null, seen = {}, backoff = 1000, pingTimer = null, typingTimer = null, lastTyping = 0;
  var opened = false;

  function setColour(colour) { host.style.setProperty("--pv-colour", /^#[0-9a-f]{6}$/i.test(colour) ? colour : "#1f6feb"); }
  setColour("#1f6feb");

  function add(kind, text, who, id) {
    if (id) { if (seen[id]) return; seen[id] = true; }
    var div = document.createElement("div");
    div.className = "msg " + kind;
    if (who) { var w = document.createElement("span"); w.className = "who"; w.textContent = who; div.appendChild(w); }
    div.appendChild(document.createTextNode(text));
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  function show(form) {
    [identifyForm, composeForm, offlineForm].forEach(function (f) { f.hidden = f !== form; });
  }

  function field(form, name) { return form.elements.namedItem(name); }

  function send(obj) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(obj)); }

  function render(message) {
    if (message.from === "agent") add("agent", message.text, message.author || T.agent, message.id);
    else add("visitor", message.text, T.you, message.id);
    if (message.from === "agent") typingEl.textContent = "";
  }

  function connect() {
    ws = new WebSocket(socketBase() + "/ws/chat/" + encodeURIComponent(KEY) + "/");
    ws.onopen = function () {
      statusEl.hidden = true;
      backoff = 1000;
      send({ type: "start", token: localStorage.getItem(storeKey) || "", page: location.href, lang: LANG });
      clearInterval(pingTimer);
      pingTimer = setInterval(function () { send({ type: "ping" }); }, 25000);
    };
    ws.onmessage = function (event) {
      var data; try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "session") {
        state = data;
        localStorage.setItem(storeKey, data.token);
        setColour(data.colour);
        if (!log.childElementCount) add("agent", data.greeting || T.greeting, "");
        (data.history || []).forEach(render);
        if (!data.online && data.offline_form && !(data.history || []).length) show(offlineForm);
        else show(data.identified ? composeForm : identifyForm);
      } else if (data.type === "identified") {
        state.identified = true; show(composeForm); field(composeForm, "text").focus();
      } else if (data.type === "message") {
        render(data);
      } else if (data.type === "typing") {
        typingEl.textContent = (data.name || T.agent) + " " + T.typing;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { typingEl.textContent = ""; }, 4000);
      } else if (data.type === "offline_sent") {
        offlineForm.reset(); show(null); add("system", T.offlineSent);
      } else if (data.type === "error") {
        var form = [identifyForm, offlineForm].filter(function (f) { return !f.hidden; })[0];
        if (data.code === "identify") { show(identifyForm); }
        if (form) form.querySelector(".error").textContent = data.detail;
        else add("system", data.detail);
      }
    };
    ws.onclose = function (event) {
      clearInterval(pingTimer);
      if (event.code === 4403 || event.code === 4404) return; // refused: retrying cannot help
      statusEl.textContent = T.reconnecting; statusEl.hidden = false;
      setTimeout(connect, backoff + Math.random() * 500);
      backoff = Math.min(backoff * 2, 30000);
    };
  }

  function toggle(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", open ? T.close : T.open);
    if (open) {
      if (!ws) connect();
      var focus = [identifyForm, composeForm, offlineForm].filter(function (f) { return !f.hidden; })[0];
      (focus ? focus.querySelector("input,textarea") : log).focus();
    } else {
      launcher.focus();
    }
    opened = open;
  }

  launcher.addEventListener("click", function () { toggle(!opened); });
  $(".x").addEventListener("click", function () { toggle(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") toggle(false); });

  identifyForm.addEventListener("submit", function (e) {
    e.preventDefault();
    identifyForm.querySelector(".error").textContent = "";
    send({ type: "identify", name: field(identifyForm, "name").value, email: field(identifyForm, "email").value });
  });
  composeForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = field(composeForm, "text").value.trim();
    if (!text) return;
    send({ type: "message", text: text, ref: String(Date.now()) });
    field(composeForm, "text").value = "";
    lastTyping = 0; // the next keystroke is a new "typing"
  });
  field(composeForm, "text").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); composeForm.requestSubmit(); }
  });
  // "input" also catches paste and dictation, not only keys.
  field(composeForm, "text").addEventListener("input", function () {
    var now = Date.now();
    if (now - lastTyping > 2000) { lastTyping = now; send({ type: "typing" }); }
  });
  offlineForm.addEventListener("submit", function (e) {
    e.preventDefault();
    offlineForm.querySelector(".error").textContent = "";
    send({ type: "offline", name: field(offlineForm, "name").value, email: field(offlineForm, "email").value,
           text: field(offlineForm, "text").value, website: field(offlineForm, "website").value, page: location.href });
  });

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
  // Reconnect a visitor who already chatted (their token is stored) without waiting for a click.
  if (localStorage.getItem(storeKey)) connect();
})();
