// Link previews: hovering or focusing a link to an article, a row, a tag or
// a trend shows its title and description in a small card. Optional: every
// page is complete without it. It fetches the linked page from this site
// only, reads it with DOMParser and shows text only (never HTML from it).
(function () {
  "use strict";
  var PREVIEWABLE = /\/(articles|signals|behaviors|issues|technologies|concerns|keywords|themes|categories|types|trends)\/[^/]+\/$/;
  var DELAY = 350;
  var cache = new Map();
  var card = null;
  var timer = 0;
  var current = null;

  function target(link) {
    if (!link || !link.href || link.origin !== window.location.origin) return null;
    if (link.closest("header, footer, .pager, .preview-card")) return null;
    var url = new URL(link.href);
    return PREVIEWABLE.test(url.pathname) ? url.origin + url.pathname : null;
  }

  function summary(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var heading = doc.querySelector("main h1");
    var kind = doc.querySelector("main .kind");
    var description = doc.querySelector('meta[name="description"]');
    return {
      kind: kind ? kind.textContent.trim() : "",
      title: heading ? heading.textContent.trim() : doc.title,
      text: description ? description.getAttribute("content") : ""
    };
  }

  function load(url) {
    if (!cache.has(url)) {
      cache.set(url, fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(summary)
        .catch(function () { cache.delete(url); return null; }));
    }
    return cache.get(url);
  }

  function show(info) {
    if (!card) {
      card = document.createElement("aside");
      card.className = "preview-card";
      card.setAttribute("role", "status");
      card.setAttribute("aria-live", "polite");
      document.body.appendChild(card);
    }
    card.textContent = "";
    if (info.kind) {
      var kind = document.createElement("p");
      kind.className = "kind";
      kind.textContent = info.kind;
      card.appendChild(kind);
    }
    var title = document.createElement("p");
    title.className = "preview-title";
    title.textContent = info.title;
    card.appendChild(title);
    if (info.text) {
      var text = document.createElement("p");
      text.textContent = info.text;
      card.appendChild(text);
    }
    card.hidden = false;
  }

  function hide() {
    clearTimeout(timer);
    current = null;
    if (card) card.hidden = true;
  }

  function enter(event) {
    var link = event.target.closest && event.target.closest("a[href]");
    var url = target(link);
    if (!url || url === current) return;
    clearTimeout(timer);
    current = url;
    timer = setTimeout(function () {
      load(url).then(function (info) { if (info && current === url) show(info); });
    }, DELAY);
  }

  function leave(event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (link && target(link) === current) hide();
  }

  document.addEventListener("mouseover", enter);
  document.addEventListener("focusin", enter);
  document.addEventListener("mouseout", leave);
  document.addEventListener("focusout", leave);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });
})();
