/*
 * The cluster review page: adding and removing items in the report's text editors,
 * and following report jobs until their files are ready. Without script the editors
 * still work (one blank item to fill, clear an item's text to drop it) and the job
 * list shows the state at load time.
 */
(function () {
  "use strict";

  // --- the report's text: add and remove items -------------------------------------------
  document.querySelectorAll("form.narrative-editor").forEach(function (form) {
    var list = form.querySelector("ol.items");
    var template = form.querySelector("template.item-template");
    var add = form.querySelector("[data-add-item]");

    function wire(item) {
      var remove = item.querySelector("[data-remove-item]");
      if (!remove) {
        return;
      }
      remove.hidden = false;
      remove.addEventListener("click", function () {
        var next = item.nextElementSibling || item.previousElementSibling;
        item.remove();
        var focusable = next && next.querySelector("textarea");
        if (focusable) {
          focusable.focus();
        } else if (add) {
          add.focus();
        }
      });
    }

    list.querySelectorAll("li.item").forEach(wire);
    if (add && template) {
      add.hidden = false;
      add.addEventListener("click", function () {
        var fragment = template.content.cloneNode(true);
        var item = fragment.querySelector("li.item");
        list.appendChild(fragment);
        wire(item);
        item.querySelector("textarea").focus();
      });
    }
  });

  // --- report jobs: poll each unfinished one until done ----------------------------------
  var reports = document.getElementById("reports");
  if (!reports || !window.fetch) {
    return;
  }
  var labels = reports.dataset;
  var FILES = [
    ["docx", "DOCX"],
    ["xlsx", "XLSX"],
    ["pdf", "PDF"],
  ];

  function label(status) {
    var key = "label" + status.charAt(0).toUpperCase() + status.slice(1);
    return labels[key] || status;
  }

  function relative(url) {
    // The API answers with absolute links; keep the page's own origin and port.
    try {
      var parsed = new URL(url, window.location.href);
      return parsed.pathname + parsed.search;
    } catch (error) {
      return url;
    }
  }

  function show(row, job) {
    var progress = row.querySelector("progress");
    var state = row.querySelector(".job-state");
    var finished = job.status === "done" || job.status === "failed";
    row.dataset.status = job.status;
    row.className = row.className.replace(/status-\w+/, "status-" + job.status);
    if (progress) {
      progress.value = job.progress;
      progress.textContent = job.progress + "%";
    }
    if (state) {
      state.textContent = label(job.status) + (finished ? "" : " · " + job.progress + "%");
    }
    if (job.status === "failed" && job.message) {
      var message = document.createElement("div");
      message.className = "error small";
      message.textContent = job.message;
      state.parentNode.appendChild(message);
    }
    if (job.status === "done") {
      var files = row.querySelector("td.files");
      files.textContent = "";
      FILES.forEach(function (pair) {
        if (!job[pair[0]]) {
          return;
        }
        var link = document.createElement("a");
        link.href = relative(job[pair[0]]);
        link.className = "file-link";
        link.dataset.kind = pair[0];
        link.setAttribute("download", "");
        link.textContent = pair[1];
        files.appendChild(link);
      });
    }
    return finished;
  }

  function poll(row) {
    var url = row.dataset.poll;
    var delay = 800;
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (job) {
          if (!show(row, job)) {
            window.setTimeout(tick, delay);
          } else {
            row.removeAttribute("data-poll");
          }
        })
        .catch(function () {
          // A hiccup (server restarting, network): try again, more slowly.
          delay = Math.min(delay * 2, 10000);
          window.setTimeout(tick, delay);
        });
    }
    tick();
  }

  reports.querySelectorAll("tr.job[data-poll]").forEach(poll);
})();
