// Helpdesk keyboard shortcuts and composer state; every page works without this file.
(function () {
  "use strict";
  function typing() {
    var el = document.activeElement;
    return el && /INPUT|TEXTAREA|SELECT/.test(el.tagName);
  }

  // Inbox: j / k move a cursor over the rows, Enter (or o) opens, x toggles the row's checkbox.
  var rows = function () { return Array.prototype.slice.call(document.querySelectorAll("[data-hd-list] tbody tr[data-href]")); };
  var cursor = -1;
  function move(delta) {
    var list = rows();
    if (!list.length) { return; }
    if (cursor >= 0 && list[cursor]) { list[cursor].classList.remove("hd-cursor"); }
    cursor = Math.max(0, Math.min(list.length - 1, cursor + delta));
    list[cursor].classList.add("hd-cursor");
    list[cursor].scrollIntoView({ block: "nearest" });
    var link = list[cursor].querySelector("a");
    if (link) { link.focus({ preventScroll: true }); }
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing()) { return; }
    var list = rows();
    if (!list.length) { return; }
    if (event.key === "j") { event.preventDefault(); move(1); }
    else if (event.key === "k") { event.preventDefault(); move(-1); }
    else if ((event.key === "Enter" || event.key === "o") && cursor >= 0 && list[cursor]) {
      event.preventDefault(); window.location.href = list[cursor].getAttribute("data-href");
    } else if (event.key === "x" && cursor >= 0 && list[cursor]) {
      var box = list[cursor].querySelector("input[type=checkbox]");
      if (box) { event.preventDefault(); box.checked = !box.checked; }
    }
  });
  document.addEventListener("click", function (event) {
    var row = event.target.closest("[data-hd-list] tbody tr[data-href]");
    if (!row || event.target.closest("a, input, button, label")) { return; }
    window.location.href = row.getAttribute("data-href");
  });

  // Workspace: the presence poll reports "replying" while the composer holds text or focus.
  var composer = document.querySelector("[data-hd-composer]");
  window.hdPresenceState = function () {
    if (!composer) { return "viewing"; }
    var body = composer.querySelector("textarea");
    return body && (body.value.trim() || document.activeElement === body) ? "replying" : "viewing";
  };
  if (composer) {
    var sync = function () {
      var note = composer.querySelector("input[name=kind][value=note]");
      var noting = note && note.checked;
      composer.closest(".hd-composer").classList.toggle("hd-noting", !!noting);
      var replyOnly = composer.querySelector("[data-hd-reply-only]");
      if (replyOnly) { replyOnly.hidden = !!noting; }
    };
    composer.addEventListener("change", sync);
    sync();
  }
})();
