// Keyboard shortcuts and the audited reveal. No framework; the server does the rest.
(function () {
  "use strict";
  var csrf = document.body.getAttribute("data-csrf");

  // Narrow screens show each table row as a card: label every cell with its column's header.
  document.querySelectorAll("table.grid").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th, tr:first-child th"), function (th) {
      return th.textContent.trim();
    });
    if (!heads.length) return;
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) {
        if (td.tagName === "TD" && heads[i] && !td.hasAttribute("data-label")) td.setAttribute("data-label", heads[i]);
      });
    });
  });
  function typing(e) {
    var t = e.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }

  // Queue: j/k move the selection, Enter opens the case.
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.case-row"));
  var sel = rows.length ? 0 : -1;
  function select(i) {
    if (!rows.length) return;
    sel = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, k) { r.classList.toggle("selected", k === sel); });
    rows[sel].scrollIntoView({block: "nearest"});
  }
  rows.forEach(function (r, k) {
    r.addEventListener("click", function (e) { if (e.target.tagName !== "A") window.location = r.getAttribute("data-href"); });
  });
  if (rows.length) select(0);

  // Case: reveal fetches the stored derivative with a POST (the server logs it) and shows it in place.
  var img = document.getElementById("media");
  var revealBtn = document.getElementById("reveal");
  function reveal() {
    if (!img || !revealBtn || img.getAttribute("data-revealed") === "true") return;
    if (img.getAttribute("data-confirm") === "true" && !window.confirm("Reveal the unblurred image? This is logged.")) return;
    fetch(img.getAttribute("data-reveal-url"), {method: "POST", headers: {"X-CSRF-Token": csrf}, credentials: "same-origin"})
      .then(function (r) { if (!r.ok) throw new Error("reveal refused: " + r.status); return r.blob(); })
      .then(function (b) {
        img.src = URL.createObjectURL(b);
        img.style.filter = img.getAttribute("data-grey") === "true" ? "grayscale(1)" : "none";
        img.setAttribute("data-revealed", "true");
        img.alt = "revealed image";
        revealBtn.disabled = true;
        revealBtn.textContent = "Revealed (logged)";
      })
      .catch(function (err) { window.alert(err.message); });
    // a video's contact sheet is revealed with it, frame by frame (each POST is logged)
    document.querySelectorAll("img.sheet-frame").forEach(function (f) {
      fetch(f.getAttribute("data-reveal-url"), {method: "POST", headers: {"X-CSRF-Token": csrf}, credentials: "same-origin"})
        .then(function (r) { if (!r.ok) throw new Error("reveal refused: " + r.status); return r.blob(); })
        .then(function (b) {
          f.src = URL.createObjectURL(b);
          f.style.filter = img.getAttribute("data-grey") === "true" ? "grayscale(1)" : "none";
          f.setAttribute("data-revealed", "true");
        })
        .catch(function (err) { window.alert(err.message); });
    });
  }
  if (revealBtn) revealBtn.addEventListener("click", reveal);

  function focusForm(id, fieldId) {
    var f = document.getElementById(id);
    if (!f) return false;
    document.querySelectorAll("form.decision").forEach(function (x) { x.classList.toggle("active", x === f); });
    var field = fieldId ? document.getElementById(fieldId) : null;
    if (field) field.focus();
    return true;
  }

  var armed = null, armTimer = null;
  function arm(form) {
    armed = form;
    var hint = document.getElementById("confirm-hint");
    if (hint) hint.textContent = "Press c again or Enter to confirm — any other key cancels.";
    form.classList.add("active");
    clearTimeout(armTimer);
    armTimer = setTimeout(disarm, 4000);
  }
  function disarm() {
    armed = null;
    var hint = document.getElementById("confirm-hint");
    if (hint) hint.textContent = "";
  }

  // After a decision: count the undo window down; when it ends the decision is being carried out.
  var undoBtn = document.getElementById("undo");
  if (undoBtn) {
    var left = parseInt(undoBtn.getAttribute("data-seconds"), 10) || 0;
    var leftText = document.getElementById("undo-left");
    var tick = setInterval(function () {
      left -= 1;
      if (left > 0) { leftText.textContent = "(sent in " + left + " s unless you undo — u)"; return; }
      clearInterval(tick);
      undoBtn.disabled = true;
      leftText.textContent = "(sent: the undo window has passed)";
    }, 1000);
  }

  document.addEventListener("keydown", function (e) {
    if (armed && e.key !== "c" && e.key !== "Enter" && e.key !== "Shift") disarm();
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e)) {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    switch (e.key) {
      case "j": select(sel + 1); break;
      case "k": select(sel - 1); break;
      case "Enter":
        if (armed) { armed.submit(); break; }
        if (sel >= 0 && rows.length) window.location = rows[sel].getAttribute("data-href");
        break;
      case "r": reveal(); break;
      case "c": {
        var f = document.getElementById("confirm-form");
        if (!f) break;
        // One key never decides: the first c arms the confirmation, a second c (or Enter) within 4 s sends it.
        if (!f.querySelector("input[name=label]:checked")) { focusForm("confirm-form", null); break; }
        if (armed) { f.submit(); break; }
        arm(f);
        break;
      }
      case "d": if (focusForm("dismiss-form", "dismiss-reason")) e.preventDefault(); break;
      case "e": if (focusForm("escalate-form", "escalate-reason")) e.preventDefault(); break;
      case "q": window.location = "/queue"; break;
      case "u": if (undoBtn && !undoBtn.disabled) undoBtn.form.submit(); break;
      default: return;
    }
  });

  // Instances, subscriptions, exchanges: job progress bars follow their job without a reload; Cancel stops it.
  Array.prototype.slice.call(document.querySelectorAll("div.job[data-job]")).forEach(function (box) {
    var id = box.getAttribute("data-job");
    var bar = box.querySelector("progress.job-progress");
    var state = box.querySelector(".job-state");
    var count = box.querySelector(".job-count");
    var cancel = box.querySelector("button.job-cancel");
    function show(job) {
      state.textContent = job.state;
      box.setAttribute("data-state", job.state);
      if (job.total !== null) { bar.max = job.total; bar.value = job.done; count.textContent = job.done + "/" + job.total; }
      else { count.textContent = String(job.done); }
      if (cancel && job.state !== "queued" && job.state !== "running") cancel.remove();
      // a failed job says why where it shows
      if (job.error && !box.querySelector(".job-error")) {
        var err = document.createElement("span");
        err.className = "tag warn job-error";
        err.textContent = job.error;
        box.appendChild(err);
      }
      // the buttons that would start more of the same work wait until this job ends
      var cell = box.parentNode;
      if (cell) cell.querySelectorAll("button[data-while-job]").forEach(function (b) {
        b.disabled = job.state === "queued" || job.state === "running";
      });
    }
    function poll() {
      fetch("/jobs/" + id, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (job) {
          if (!job) return;
          show(job);
          if (job.state === "queued" || job.state === "running") setTimeout(poll, 2000);
        });
    }
    if (box.getAttribute("data-state") === "queued" || box.getAttribute("data-state") === "running") setTimeout(poll, 2000);
    if (cancel) cancel.addEventListener("click", function () {
      fetch("/jobs/" + id + "/cancel", {method: "POST", headers: {"X-CSRF-Token": csrf}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; }).then(function (job) { if (job) show(job); });
    });
  });
})();

// forms that destroy something ask first (data-confirm holds the question)
document.addEventListener("submit", function (e) {
    var q = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (q && !window.confirm(q)) e.preventDefault();
});

// forms whose work takes a while (data-busy holds what to say) cannot be sent twice
document.addEventListener("submit", function (e) {
    var busy = e.target.getAttribute && e.target.getAttribute("data-busy");
    if (!busy || e.defaultPrevented) return;
    var button = e.target.querySelector("button[type=submit]");
    if (!button) return;
    setTimeout(function () { button.disabled = true; button.textContent = busy; }, 0);
});
