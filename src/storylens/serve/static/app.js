// The web app's behaviour: side-by-side highlighting, job progress. No inline script, no request off the app.
(function () {
  "use strict";
  var panel = document.getElementById("fact-panel");
  function clearMarks() {
    document.querySelectorAll(".hl.active, .hl.match").forEach(function (el) { el.classList.remove("active", "match"); });
  }
  function showFact(span) {
    var id = span.getAttribute("data-fact");
    var data = document.getElementById("fact-" + id);
    if (!panel || !data) return;
    clearMarks();
    span.classList.add("active");
    var matches = [];
    document.querySelectorAll(".hl").forEach(function (el) {
      if (el !== span && el.getAttribute("data-fact") === id) {
        el.classList.add("match");
        var column = el.closest(".column");
        matches.push({ outlet: column ? column.querySelector("h2").textContent : "", text: el.textContent });
      }
    });
    panel.textContent = "";
    var head = document.createElement("p");
    var link = document.createElement("a");
    link.href = "/facts/" + encodeURIComponent(id);
    link.textContent = data.textContent;
    head.appendChild(link);
    var status = document.createElement("p");
    status.className = "small";
    status.textContent = data.getAttribute("data-status").replace("_", " ") + " · " + data.getAttribute("data-outlets");
    panel.appendChild(head);
    panel.appendChild(status);
    var list = document.createElement("ul");
    list.className = "matches";
    if (!matches.length) {
      var none = document.createElement("li");
      none.textContent = "No other column states this.";
      list.appendChild(none);
    }
    matches.forEach(function (m) {
      var item = document.createElement("li");
      var who = document.createElement("strong");
      who.textContent = m.outlet + ": ";
      item.appendChild(who);
      item.appendChild(document.createTextNode(m.text));
      list.appendChild(item);
    });
    panel.appendChild(list);
    panel.hidden = false;
  }
  document.querySelectorAll(".column-text .hl").forEach(function (span) {
    span.addEventListener("mouseenter", function () { showFact(span); });
    span.addEventListener("focus", function () { showFact(span); });
    span.addEventListener("click", function () { showFact(span); });
  });

  var job = document.getElementById("job");
  if (job) {
    var id = job.getAttribute("data-job");
    var poll = function () {
      fetch("/api/jobs/" + encodeURIComponent(id), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (j) {
          job.setAttribute("data-state", j.state);
          job.querySelector(".job-state").textContent = j.state;
          job.querySelector(".job-stage").textContent = j.stage || "";
          job.querySelector(".job-count").textContent = j.total ? (j.done + " of " + j.total) : "";
          var bar = job.querySelector(".job-progress");
          if (j.total) { bar.max = j.total; bar.value = j.done; }
          var errors = job.querySelector(".job-errors");
          errors.textContent = "";
          (j.errors || []).forEach(function (e) {
            var li = document.createElement("li");
            li.className = "error";
            li.textContent = "error: " + e;
            errors.appendChild(li);
          });
          if (j.state === "done" || j.state === "failed") {
            bar.max = 1; bar.value = 1;
            job.querySelector(".job-result").textContent =
              j.articles + " articles read (" + j.new + " new); " + j.stories + " stories analysed.";
            job.querySelector(".job-done").hidden = false;
          } else {
            setTimeout(poll, 700);
          }
        })
        .catch(function () { setTimeout(poll, 2000); });
    };
    if (job.getAttribute("data-state") !== "done" && job.getAttribute("data-state") !== "failed") poll();
  }
})();

// The story list follows the store: when a job (or anyone) adds, merges or splits stories, the list
// reloads its own rows in place (same URL, same filters), keeping the stories ticked for a merge.
(function () {
  "use strict";
  var live = document.getElementById("stories-live");
  if (!live || !window.fetch || !window.DOMParser) return;
  function later(active) { setTimeout(check, active ? 1500 : 5000); }
  function refresh(revision) {
    return fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("stories-live");
        if (!fresh) return;
        var ticked = {};
        live.querySelectorAll("input[name=story]:checked").forEach(function (box) { ticked[box.value] = true; });
        live.replaceChildren.apply(live, Array.prototype.map.call(fresh.childNodes, function (node) {
          return document.importNode(node, true);
        }));
        live.querySelectorAll("input[name=story]").forEach(function (box) { if (ticked[box.value]) box.checked = true; });
        live.setAttribute("data-revision", fresh.getAttribute("data-revision") || revision);
        live.setAttribute("data-jobs", fresh.getAttribute("data-jobs") || "0");
      });
  }
  function check() {
    if (document.hidden) return later(false);  // a background tab waits; it catches up when shown
    fetch("/api/status", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (status) {
        var active = status.jobs_active > 0;
        var changed = status.revision !== live.getAttribute("data-revision") ||
          String(status.jobs_active) !== live.getAttribute("data-jobs");
        if (!changed) return later(active);
        return refresh(status.revision).then(function () { later(active); });
      })
      .catch(function () { setTimeout(check, 10000); });
  }
  later(live.getAttribute("data-jobs") !== "0");
})();
