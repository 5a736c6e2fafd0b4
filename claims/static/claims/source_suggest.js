// The source boxes' suggestions (claims.forms.claim.SourceSuggestInput) as an ARIA combobox.
// htmx fetches the listbox as the fact-checker types; this file sends the typed text as `q`,
// and lets the keyboard and the mouse pick a match: Down/Up move through the options, Enter
// picks the highlighted one, Escape closes the list. No inline script or handler, so the
// Content-Security-Policy (script-src 'self') holds.
(function () {
  "use strict";

  function boxOf(element) {
    return element && element.closest ? element.closest("[data-source-suggest]") : null;
  }

  function listOf(box) {
    return document.getElementById(box.id + "-listbox");
  }

  function options(box) {
    var list = listOf(box);
    return list ? Array.prototype.slice.call(list.querySelectorAll("[role=option]")) : [];
  }

  function highlight(box, index) {
    var all = options(box);
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
      option.classList.toggle("active", i === index);
    });
    if (index >= 0 && all[index]) {
      box.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      box.removeAttribute("aria-activedescendant");
    }
  }

  function close(box) {
    var place = document.getElementById(box.id + "-suggest");
    if (place) place.textContent = "";
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
  }

  function pick(box, option) {
    box.value = option.getAttribute("data-value");
    close(box);
    // Ask again for the line under the box only: it names the source now chosen.
    window.htmx.ajax("GET", box.getAttribute("hx-get"), {
      source: box,
      target: "#" + box.id + "-suggest",
      swap: "innerHTML",
      values: { picked: "1" },
    });
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var box = boxOf(event.detail.elt);
    if (box && event.detail.elt === box) {
      event.detail.parameters["q"] = box.value;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var place = event.detail.target;
    if (!place || !place.id || place.id.slice(-8) !== "-suggest") return;
    var box = document.getElementById(place.id.slice(0, -8));
    if (!box) return;
    var open = options(box).length > 0 && document.activeElement === box;
    if (!open) place.textContent = "";
    box.setAttribute("aria-expanded", open ? "true" : "false");
    highlight(box, -1);
  });

  document.addEventListener("keydown", function (event) {
    var box = boxOf(event.target);
    if (!box || event.target !== box) return;
    var all = options(box);
    var current = all.findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
    if (event.key === "ArrowDown" && all.length) {
      event.preventDefault();
      highlight(box, current + 1 < all.length ? current + 1 : 0);
    } else if (event.key === "ArrowUp" && all.length) {
      event.preventDefault();
      highlight(box, current > 0 ? current - 1 : all.length - 1);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault(); // pick, not submit the form
      pick(box, all[current]);
    } else if (event.key === "Escape" && all.length) {
      event.preventDefault();
      close(box);
    }
  });

  // mousedown, not click: the box keeps its focus, so the list is still there to pick from.
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest ? event.target.closest("[role=option]") : null;
    if (!option) return;
    var list = option.closest("[role=listbox]");
    var box = list ? document.getElementById(list.id.replace(/-listbox$/, "")) : null;
    if (!box || !box.hasAttribute("data-source-suggest")) return;
    event.preventDefault();
    pick(box, option);
  });

  document.addEventListener("focusout", function (event) {
    var box = boxOf(event.target);
    if (box && event.target === box) close(box);
  });
})();
