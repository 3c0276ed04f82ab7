// Trivsel's few lines of browser code: htmx settings, CSRF renewal and error messages.
(function () {
  "use strict";

  // Swap validation (422) and conflict (409) fragments: they hold the user's input and
  // the message. Other errors are shown as a message, leaving the page as it is.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "409", swap: true, error: false },
    { code: "422", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
    { code: "...", swap: false },
  ];

  function showMessage(html) {
    const box = document.getElementById("messages");
    if (box) {
      box.innerHTML = html;
      box.scrollIntoView({ block: "nearest" });
    }
  }

  function renewCsrfToken(token) {
    document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": token }));
    document.querySelectorAll('input[name$="csrf_token"]').forEach(function (input) {
      input.value = token;
    });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const xhr = event.detail.xhr;
    const freshToken = xhr.getResponseHeader("X-CSRF-Token");
    if (freshToken) {
      // The token expired while the page was open: keep the form as typed, renew the
      // token and ask the user to press again.
      renewCsrfToken(freshToken);
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      showMessage(xhr.responseText);
      return;
    }
    if (xhr.status >= 400 && event.detail.boosted) {
      // A boosted link or form gets a whole page back, error pages and validation too.
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    // A validation error swapped the pressed button away: continue at the first field to fix.
    if (event.detail.xhr && event.detail.xhr.status === 422) {
      const field = document.querySelector(
        ".has-error input:not([type=hidden]), .has-error select, .has-error textarea"
      );
      if (field) {
        field.focus();
      }
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    showMessage(event.detail.xhr.responseText);
  });

  document.addEventListener("htmx:sendError", function () {
    const text = document.body.dataset.offlineMessage;
    const p = document.createElement("p");
    p.className = "flash flash-error";
    p.setAttribute("role", "alert");
    p.textContent = text;
    showMessage(p.outerHTML);
  });
})();
