// Keeps a background job's progress panel (templates/generic/job_progress.html) current by polling its status.
(function () {
  "use strict";
  var panel = document.getElementById("job-progress");
  if (!panel) { return; }
  var bar = panel.querySelector("[data-job-bar]");
  var step = panel.querySelector("[data-job-step]");
  var message = panel.querySelector("[data-job-message]");
  var error = panel.querySelector("[data-job-error]");
  var file = panel.querySelector("[data-job-file]");
  var next = panel.querySelector("[data-job-next]");

  function show(state) {
    var percent = state.finished ? 100 : (state.percent === null ? 5 : state.percent);
    bar.style.width = percent + "%";
    panel.querySelector("[role=progressbar]").setAttribute("aria-valuenow", String(percent));
    bar.classList.toggle("progress-bar-animated", !state.finished);
    bar.classList.toggle("progress-bar-striped", !state.finished);
    bar.classList.toggle("bg-success", state.status === "succeeded");
    bar.classList.toggle("bg-danger", state.status === "failed");
    var text = state.status_label + (state.step ? " · " + state.step : "");
    if (state.total) { text += " (" + state.done + "/" + state.total + ")"; }
    step.textContent = text;
    message.textContent = state.message;
    message.classList.toggle("d-none", state.status !== "succeeded" || !state.message);
    error.textContent = state.error;
    error.classList.toggle("d-none", state.status !== "failed");
    if (state.file_url) { file.href = state.file_url; }
    file.classList.toggle("d-none", !state.file_url);
    if (state.next_url) { next.href = state.next_url; }
    next.classList.toggle("d-none", !state.next_url);
  }

  function poll() {
    fetch(panel.dataset.jobStatusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        show(state);
        if (!state.finished) { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
