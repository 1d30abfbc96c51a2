// Keyboard shortcuts and the audited reveal. No framework; the server does the rest.
(function () {
  "use strict";
  var csrf = document.body.getAttribute("data-csrf");
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

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e)) {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    switch (e.key) {
      case "j": select(sel + 1); break;
      case "k": select(sel - 1); break;
      case "Enter": if (sel >= 0 && rows.length) window.location = rows[sel].getAttribute("data-href"); break;
      case "r": reveal(); break;
      case "c": {
        var f = document.getElementById("confirm-form");
        if (!f) break;
        // Confirm at once when the match's labels are already chosen; otherwise let the moderator pick.
        if (f.querySelector("input[name=label]:checked")) f.submit(); else focusForm("confirm-form", null);
        break;
      }
      case "d": if (focusForm("dismiss-form", "dismiss-reason")) e.preventDefault(); break;
      case "e": if (focusForm("escalate-form", "escalate-reason")) e.preventDefault(); break;
      case "q": window.location = "/queue"; break;
      default: return;
    }
  });

  // Instances: job progress bars follow their job without a reload; Cancel stops it.
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
