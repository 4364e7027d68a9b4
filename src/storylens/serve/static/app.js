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
