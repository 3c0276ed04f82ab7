// Trivsel's few lines of browser code: htmx settings, CSRF renewal, error messages and the menu.
(function () {
  "use strict";

  // The page works without script; with it, the menu's buttons take over (see setUpMenu).
  document.documentElement.classList.add("js");

  // The print version's "Udskriv" button (the CSP allows no inline script).
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("button[data-print]")) {
      window.print();
    }
  });

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

  // The menu. On a phone it folds away behind a button (without script, a link to
  // #main-menu opens it); a group of items opens below its own button. Escape closes what
  // is open, a click elsewhere closes a group.
  function setExpanded(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    const header = button.closest(".top");
    if (button.classList.contains("menu-toggle") && header) {
      header.classList.toggle("menu-open", open);
    }
  }

  function openGroups(except) {
    return Array.from(
      document.querySelectorAll('.menu-group-toggle[aria-expanded="true"]')
    ).filter(function (button) {
      return button !== except;
    });
  }

  // Folded filters (<details data-open-wide>) open by themselves on a wide screen.
  function openOnWideScreens(root) {
    if (!root.querySelectorAll || !window.matchMedia("(min-width: 48rem)").matches) {
      return;
    }
    root.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }

  function setUpMenu(root) {
    const button = root.querySelector && root.querySelector("button.menu-toggle[hidden]");
    const link = root.querySelector && root.querySelector("a[data-menu-link]");
    if (button && link) {
      link.remove();
      button.hidden = false;
      // An address that ends in #main-menu (the link's, without script) shows it open.
      setExpanded(button, window.location.hash === "#main-menu");
    }
  }

  htmx.onLoad(function (root) {
    setUpMenu(root);
    openOnWideScreens(root);
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest) {
      return;
    }
    const button = event.target.closest(".menu-toggle, .menu-group-toggle");
    if (button && button.tagName === "BUTTON") {
      const open = button.getAttribute("aria-expanded") !== "true";
      if (button.classList.contains("menu-group-toggle")) {
        openGroups(button).forEach(function (other) {
          setExpanded(other, false);
        });
      }
      setExpanded(button, open);
      return;
    }
    if (!event.target.closest(".menu-group")) {
      openGroups(null).forEach(function (other) {
        setExpanded(other, false);
      });
    }
  });

  document.addEventListener("focusout", function (event) {
    // Tabbing on past a group's last item closes the group.
    const group = event.target.closest && event.target.closest(".menu-group");
    if (group && event.relatedTarget && !group.contains(event.relatedTarget)) {
      const button = group.querySelector(".menu-group-toggle");
      if (button) {
        setExpanded(button, false);
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    const group = openGroups(null);
    if (group.length) {
      group.forEach(function (button) {
        setExpanded(button, false);
      });
      if (group[0].parentElement.contains(document.activeElement)) {
        group[0].focus();
      }
      return;
    }
    const toggle = document.querySelector('button.menu-toggle[aria-expanded="true"]');
    if (toggle) {
      setExpanded(toggle, false);
      toggle.focus();
    }
  });
})();
