// Small progressive enhancements for the console; every page works without this file.
document.addEventListener("keydown", function (event) {
  // "/" focuses the search box, as in most helpdesks.
  if (event.key === "/" && !/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)) {
    var box = document.querySelector(".topbar input[type=search]");
    if (box) { event.preventDefault(); box.focus(); }
  }
});
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) { event.preventDefault(); }
});
