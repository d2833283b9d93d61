/*
 * The submission entry form: live sums of parts next to each total, Enter moving to
 * the next field instead of submitting, and the confirmation dialog before submitting.
 * The server checks everything again; this only helps while typing.
 */
(function () {
  "use strict";

  var form = document.getElementById("submission-form");
  if (!form) {
    return;
  }
  var english = (form.dataset.lang || "vi").toLowerCase().indexOf("en") === 0;
  var groupSeparator = english ? "," : ".";

  // A count as people type it: "2658", "2.658" (Vietnamese thousands dot), "2 658",
  // optionally followed by the counting word ("41 lớp"). Blank is null, not 0.
  // Anything else is NaN here; the server explains what is wrong with it on saving.
  function parseCount(text) {
    var value = (text || "").replace(/\u00a0/g, " ").trim();
    if (value === "" || value === "-" || value === "–" || value === "—") {
      return null;
    }
    value = value.replace(/^(\S+) [^\d]+$/, "$1");
    if (/^\d+$/.test(value)) {
      return parseInt(value, 10);
    }
    if (/^\d{1,3}(\.\d{3})+$/.test(value) || /^\d{1,3}( \d{3})+$/.test(value)) {
      return parseInt(value.replace(/[. ]/g, ""), 10);
    }
    return NaN;
  }

  function formatCount(value) {
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, groupSeparator);
  }

  function rowValue(row) {
    var input = row.querySelector("input.count");
    var value = input ? parseCount(input.value) : null;
    var mark = row.querySelector("select.mark");
    if (value === null && mark && mark.value === "not_applicable") {
      return 0;
    }
    return value;
  }

  var rowsByCode = {};
  var partsBySum = [];
  form.querySelectorAll("tr.indicator").forEach(function (row) {
    rowsByCode[row.dataset.code] = row;
  });
  form.querySelectorAll(".sum[data-sum-for]").forEach(function (sum) {
    var parent = sum.dataset.sumFor;
    var split = sum.dataset.split;
    var parts = [];
    form.querySelectorAll("tr.indicator[data-parent]").forEach(function (row) {
      if (row.dataset.parent === parent && row.dataset.split === split) {
        parts.push(row);
      }
    });
    partsBySum.push({ element: sum, parent: rowsByCode[parent], parts: parts });
  });

  function updateSums() {
    partsBySum.forEach(function (entry) {
      var total = 0;
      var present = 0;
      var unreadable = false;
      entry.parts.forEach(function (row) {
        var value = rowValue(row);
        if (value === null) {
          return;
        }
        if (isNaN(value)) {
          unreadable = true;
          return;
        }
        total += value;
        present += 1;
      });
      var declared = entry.parent ? rowValue(entry.parent) : null;
      var complete = present === entry.parts.length && !unreadable;
      var text;
      var mismatch = false;
      if (unreadable) {
        text = "?";
      } else if (present === 0) {
        text = "—";
      } else {
        text = formatCount(total) + (complete ? "" : " + …");
        if (declared !== null && !isNaN(declared)) {
          mismatch = complete ? total !== declared : total > declared;
          if (mismatch) {
            text += " ≠ " + formatCount(declared);
          }
        }
      }
      entry.element.querySelector("output").textContent = text;
      entry.element.classList.toggle("mismatch", mismatch);
      entry.element.classList.toggle("partial", !complete);
    });
  }

  form.addEventListener("input", updateSums);
  form.addEventListener("change", updateSums);
  updateSums();

  // Enter in a field moves on to the next field; it never submits the form.
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || target.tagName !== "INPUT") {
      return;
    }
    event.preventDefault();
    if (target.type === "checkbox") {
      return;
    }
    var fields = Array.prototype.slice.call(form.querySelectorAll("input.count"));
    var next = fields[fields.indexOf(target) + 1];
    if (next) {
      next.focus();
      next.select();
    }
  });

  // "Gửi báo cáo" asks for confirmation in a dialog; without dialog support the
  // button posts action=submit and the server shows a confirmation page instead.
  form.querySelectorAll("[data-confirm]").forEach(function (button) {
    var dialog = document.getElementById(button.dataset.confirm);
    if (!dialog || typeof dialog.showModal !== "function") {
      return;
    }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      dialog.showModal();
      var confirm = dialog.querySelector("button[type=submit]");
      if (confirm) {
        confirm.focus();
      }
    });
    dialog.querySelectorAll("[data-close-dialog]").forEach(function (close) {
      close.addEventListener("click", function () {
        dialog.close();
        button.focus();
      });
    });
  });
})();
