// Behaviour shared by every page. The Content-Security-Policy allows no inline script, so pages mark elements with
// data attributes and this file wires them up.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option submits its form (year pickers, the language switch).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // A table that scrolls inside its box (.table-responsive, on a phone) must be reachable by keyboard to scroll it:
  // it takes the focus only while it actually overflows (WCAG 2.1.1, axe-core's scrollable-region-focusable).
  function focusableScrollBoxes() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
      } else {
        box.removeAttribute("tabindex");
      }
    });
  }
  focusableScrollBoxes();
  window.addEventListener("resize", focusableScrollBoxes);

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
