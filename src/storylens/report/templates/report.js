// Small, dependency-free behaviour: fact filters, opening cited passages, print.
(function () {
  "use strict";
  document.querySelectorAll(".filters").forEach(function (bar) {
    var list = document.getElementById(bar.getAttribute("data-for"));
    if (!list) return;
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      bar.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      var status = button.getAttribute("data-status");
      list.querySelectorAll("li.fact").forEach(function (item) {
        var show = status === "all" || item.getAttribute("data-status") === status;
        item.classList.toggle("hidden-by-filter", !show);
      });
    });
  });
  function reveal(hash) {
    if (!hash || hash.length < 2) return;
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) return;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    target.classList.add("flash");
    target.scrollIntoView({ block: "center" });
    setTimeout(function () { target.classList.remove("flash"); }, 1600);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (link) { reveal(link.getAttribute("href")); }
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
  reveal(window.location.hash);
})();
