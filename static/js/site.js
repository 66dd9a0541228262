// Behaviour shared by every page. The Content-Security-Policy allows no inline script, so pages mark elements with
// data attributes and this file wires them up.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option submits its form (year pickers, the language switch).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // <button data-print>: prints the page.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // File inputs: a file over the upload limit (<body data-max-upload-mb>, NTM_MAX_UPLOAD_MB) is refused before it is
  // sent; the server refuses it too (core.middleware), this only spares the wait.
  var limit = parseInt(document.body.dataset.maxUploadMb || "0", 10) * 1024 * 1024;
  var message = document.body.dataset.maxUploadMessage || "";
  document.querySelectorAll("input[type=file]").forEach(function (input) {
    var feedback = document.createElement("div");
    feedback.className = "invalid-feedback";
    feedback.setAttribute("role", "alert");
    input.insertAdjacentElement("afterend", feedback);
    input.addEventListener("change", function () {
      var tooLarge = limit && Array.prototype.some.call(input.files, function (f) { return f.size > limit; });
      input.setCustomValidity(tooLarge ? message : "");
      input.classList.toggle("is-invalid", tooLarge);
      feedback.textContent = tooLarge ? message : "";
    });
  });
})();
