// Tillit's only script: announce HTMX updates to screen readers and keep focus sensible.
// Everything works without it; htmx attributes only improve pages that already work.
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("live-region");
    if (!region || !text) { return; }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  // The link that had keyboard focus inside swapped content gets it back in the new content.
  var focusedHref = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    focusedHref = null;
    if (!detail.shouldSwap) { return; }
    var active = document.activeElement;
    if (active && active !== detail.target && detail.target.contains(active) && active.hasAttribute("href")) {
      focusedHref = active.getAttribute("href");
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    // The event fires on the new content. detail.target is the element that was replaced when
    // hx-swap="outerHTML", so it would announce the old state.
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var source = target.hasAttribute("data-announce") ? target : target.querySelector("[data-announce]");
    announce(source ? source.getAttribute("data-announce") : document.documentElement.getAttribute("data-updated-text"));
  });

  // Focus moves once the new content has settled: htmx makes its forms and links work only then, so a key pressed
  // at once acts through htmx too, instead of reloading the page.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || !document.body.contains(target)) { return; }
    var i, links;
    // New content that replaces what the person acted on (the next statement after a vote) takes focus.
    var focusTarget = target.hasAttribute("data-focus-after-swap") ? target : target.querySelector("[data-focus-after-swap]");
    if (focusTarget && focusedHref === null) { focusTarget.focus(); }
    if (focusedHref !== null) {
      links = target.querySelectorAll("a[href]");
      for (i = 0; i < links.length; i += 1) {
        if (links[i].getAttribute("href") === focusedHref) { links[i].focus(); break; }
      }
      focusedHref = null;
    }
  });

  // A form marked data-reset-on-success is emptied after htmx has posted it successfully.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form.matches && form.matches("form[data-reset-on-success]") && event.detail.successful) {
      form.reset();
    }
  });

  document.addEventListener("htmx:responseError", function () {
    announce(document.documentElement.getAttribute("data-error-text"));
  });

  // Move focus to an error summary when a page loads with one, so keyboard users land on it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
