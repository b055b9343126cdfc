// The site's one script, on every page; every page is readable without it.
//
// 1. Shared lists. Each article's keywords, themes and rows are one small
//    file beside its page (rows.json, see foresite/rowlists.py). A row's page
//    shows from it the article's keywords, themes and other rows; a tag page
//    every row of the articles it lists, grouped by kind. Written into every
//    such page, these lists were two fifths of the site.
// 2. Citations. An article's or row's page carries its schema.org JSON-LD;
//    "Cite this" is made from it, as plain text and BibTeX.
// 3. Link previews: hovering or focusing a link to an article, a row, a tag
//    or a trend shows its title and description in a small card beside the
//    link, on devices that hover only (on a phone it would cover the page),
//    and not as a live region (a screen reader would read every link twice).
//
// What they fetch comes from this site only, and they show text and links
// made here, never HTML from a file or a page.
(function () {
  "use strict";
  var brand = document.querySelector("header a.brand");  // it links the site's root, named by the site's title
  var root = brand ? brand.href : "";

  function el(name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A page's address without its fragment or query.
  function page(url) {
    return url.split("#")[0].split("?")[0];
  }

  sharedLists();
  citeBox();
  linkPreviews();

  // 1. Shared lists (see the top of this file).
  function sharedLists() {
    var SITE_URL = /^[a-z0-9][a-z0-9_\/.#-]*$/;
    var AROUND = 25;  // a row page lists at most this many rows of its own table, around it

    function load(url) {
      return fetch(url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .catch(function () { return null; });
    }

    // A link to a site URL from a rows file, whose shape is checked.
    function link(url, text) {
      var a = el("a", "", text);
      if (typeof url === "string" && SITE_URL.test(url) && url.indexOf("..") < 0) a.href = new URL(url, root).href;
      return a;
    }

    function rowsOf(file, kind) {
      var found = file && file.rows && Array.isArray(file.rows[kind]) ? file.rows[kind] : [];
      return found.filter(function (row) { return Array.isArray(row) && row.length >= 4; }).map(function (row) {
        return { url: row[0], name: String(row[1]), relevancy: Number.isInteger(row[2]) && row[2] > 0 ? row[2] : 0, place: row[3] };
      });
    }

    function badge(relevancy) {
      return el("b", "r" + relevancy, String(relevancy));
    }

    function plural(n, kind) {
      if (n > 1) return kind;
      return kind === "technologies" ? "technology" : kind.replace(/s$/, "");
    }

    function title(kind) {
      return kind.charAt(0).toUpperCase() + kind.slice(1);
    }

    // A tag page: each kind's rows of its articles, by relevancy, then in the
    // order the page lists the articles (listings order rows by relevancy,
    // then by their article's date and id, as tag pages order articles), and
    // within one article as its file has them.
    function tagRows(box) {
      var articles = document.querySelectorAll("main ul.articles > li > a");
      Promise.all(Array.prototype.map.call(articles, function (a) { return load(new URL("rows.json", a.href)); })).then(function (files) {
        Array.prototype.forEach.call(box.querySelectorAll("ul.rows[data-kind]"), function (list) {
          var kind = list.getAttribute("data-kind");
          var rows = [];
          files.forEach(function (file, at) {
            rowsOf(file, kind).forEach(function (row, i) { row.at = at; row.i = i; rows.push(row); });
          });
          rows.sort(function (a, b) { return b.relevancy - a.relevancy || a.at - b.at || a.i - b.i; });
          var items = document.createDocumentFragment();
          rows.forEach(function (row) {
            var li = el("li");
            if (row.relevancy) li.appendChild(badge(row.relevancy));
            li.appendChild(link(row.url, row.name));
            items.appendChild(li);
          });
          list.appendChild(items);
        });
        var missing = files.filter(function (file) { return !file; }).length;
        if (missing) {
          box.appendChild(el("p", "meta", "The rows of " + missing + " article" + (missing > 1 ? "s" : "") +
            " could not be loaded; each article's page lists its own."));
        }
        box.removeAttribute("aria-busy");
      });
      box.setAttribute("aria-busy", "true");
    }

    function tagLine(label, tags) {
      var p = el("p", "tags");
      p.appendChild(el("span", "label", label));
      tags.forEach(function (tag) {
        if (!Array.isArray(tag)) return;
        p.appendChild(document.createTextNode(" "));
        p.appendChild(link(tag[0], String(tag[1])));
      });
      return p;
    }

    // A row's page: its article's keywords and themes, then the rows of its
    // own table around it, in the article's order, and the other tables.
    function rowContext(box, article) {
      var self = page(location.href).replace(/index\.html$/, "");
      var tags = document.getElementById("article-tags");
      box.setAttribute("aria-busy", "true");
      load(new URL("rows.json", article.href)).then(function (file) {
        box.removeAttribute("aria-busy");
        if (!file) {
          box.appendChild(el("p", "meta", "This article's other rows could not be loaded; its page lists them."));
          return;
        }
        if (tags) {
          if (Array.isArray(file.keywords) && file.keywords.length) tags.appendChild(tagLine("Keywords", file.keywords));
          if (Array.isArray(file.themes) && file.themes.length) tags.appendChild(tagLine("Themes", file.themes));
        }
        var home = typeof file.article === "string" ? file.article : "";
        var others = [];
        Object.keys(file.rows || {}).forEach(function (kind) {
          var rows = rowsOf(file, kind);
          rows.forEach(function (row) { row.self = SITE_URL.test(row.url) && new URL(row.url, root).href === self; });
          if (!rows.some(function (row) { return row.self; })) {
            if (rows.length) others.push([kind, rows.length]);
            return;
          }
          rows.sort(function (a, b) { return a.place - b.place; });
          var at = rows.findIndex(function (row) { return row.self; });
          var start = Math.max(0, Math.min(at - Math.floor(AROUND / 2), rows.length - AROUND));
          box.appendChild(el("h3", "", title(kind)));
          var list = el("ul");
          rows.slice(start, start + AROUND).forEach(function (row) {
            var li = el("li");
            if (row.self) {
              var here = el("strong", "", row.name);
              here.setAttribute("aria-current", "page");
              li.appendChild(here);
            } else {
              li.appendChild(link(row.url, row.name));
            }
            list.appendChild(li);
          });
          box.appendChild(list);
          if (rows.length > AROUND) {
            var more = el("p", "more");
            more.appendChild(link(home + "#" + kind, "All " + rows.length + " " + kind + " of this article"));
            box.appendChild(more);
          }
        });
        if (others.length) {
          var line = el("p", "other-tables", "Its ");
          others.forEach(function (other, i) {
            if (i) line.appendChild(document.createTextNode(", "));
            line.appendChild(link(home + "#" + other[0], other[1] + " " + plural(other[1], other[0])));
          });
          line.appendChild(document.createTextNode("."));
          box.appendChild(line);
        }
      });
    }

    if (!root) return;
    var tagBox = document.getElementById("tag-rows");
    if (tagBox) tagRows(tagBox);
    var rowBox = document.getElementById("siblings");
    var article = document.querySelector("main p.from a");  // a row page links its article there
    if (rowBox && article) rowContext(rowBox, article);
  }

  // 2. Citations (see the top of this file).
  function citeBox() {
    var MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    var SPECIAL = {
      "\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "%": "\\%", "&": "\\&", "$": "\\$",
      "#": "\\#", "_": "\\_", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}"
    };

    function words(text) {
      return String(text || "").split(/\s+/).filter(Boolean).join(" ");
    }

    // BibTeX's special characters backslashed; inside \url{} only braces,
    // backslashes and spaces could break out, and are percent-encoded.
    function bib(text) {
      return words(text).replace(/[\\{}%&$#_~^]/g, function (c) { return SPECIAL[c]; });
    }

    function bibUrl(url) {
      return url.replace(/[{}\\ ]/g, function (c) { return "%" + c.charCodeAt(0).toString(16).toUpperCase(); });
    }

    function bibKey(key) {
      return String(key || "").replace(/[^A-Za-z0-9_:-]+/g, "-").replace(/^-+|-+$/g, "") || "foresite";
    }

    function name(thing) {
      return thing && typeof thing === "object" && typeof thing.name === "string" ? thing.name : "";
    }

    // The site's title is the publisher's name, which a row's JSON-LD leaves
    // to its article's: the brand link in the header says it too.
    function citation(data) {
      var site = name(data.publisher) || (brand ? brand.textContent.trim() : "");
      var author = name(data.author) || site;
      var row = data["@type"] !== "Article";
      var title = row ? data.genre + ": " + data.name : data.headline;
      var part = row && data.isPartOf;
      var container = part && typeof part.headline === "string" ? part.headline : "";
      var date = /^\d{4}-\d{2}-\d{2}$/.test(data.datePublished || "") ? data.datePublished : "";
      var canonical = document.querySelector('link[rel="canonical"]');
      var url = canonical ? canonical.href : page(location.href);
      var text = author + " (" + (date || "n.d.") + "). \u201c" + title + "\u201d" +
        (container ? ", in \u201c" + container + "\u201d" : "") + ". " + site + ". " + url;
      var fields = [["author", "{" + bib(author) + "}"], ["title", "{" + bib(title) + "}"]];
      if (container) fields.push(["booktitle", "{" + bib(container) + "}"]);
      if (date) fields.push(["year", date.slice(0, 4)], ["month", MONTHS[Number(date.slice(5, 7)) - 1]]);
      fields.push(["howpublished", "{\\url{" + bibUrl(url) + "}}"]);
      if (site !== author) fields.push(["note", "{" + bib(site) + "}"]);
      var bibtex = "@misc{" + bibKey(data.identifier) + ",\n" +
        fields.map(function (f) { return "  " + f[0] + " = " + f[1]; }).join(",\n") + "\n}";
      return { text: text, bibtex: bibtex };
    }

    function box(c) {
      var details = el("details", "cite");
      [el("summary", "", "Cite this"), el("h3", "", "Plain text"), el("pre", "cite-text", c.text),
        el("h3", "", "BibTeX"), el("pre", "cite-bib", c.bibtex)].forEach(function (node) { details.appendChild(node); });
      return details;
    }

    var script = document.querySelector('head script[type="application/ld+json"]');
    var main = document.querySelector("main");
    if (!script || !main) return;
    var data;
    try { data = JSON.parse(script.textContent); } catch (e) { return; }
    if (!data || typeof data !== "object" || (data["@type"] !== "Article" && data["@type"] !== "CreativeWork")) return;
    main.appendChild(box(citation(data)));
  }

  // 3. Link previews (see the top of this file).
  function linkPreviews() {
    if (!window.matchMedia || !window.matchMedia("(hover: hover)").matches) return;
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

    function show(info, link) {
      if (!card) {
        card = el("aside", "preview-card");
        card.setAttribute("aria-hidden", "true");
        document.body.appendChild(card);
      }
      card.textContent = "";
      if (info.kind) card.appendChild(el("p", "kind", info.kind));
      card.appendChild(el("p", "preview-title", info.title));
      if (info.text) card.appendChild(el("p", "", info.text));
      card.hidden = false;
      place(link);
    }

    // Below the link, or above it where the window ends: never over it.
    function place(link) {
      var box = link.getBoundingClientRect();
      var width = document.documentElement.clientWidth;
      card.style.left = window.scrollX + Math.max(8, Math.min(box.left, width - card.offsetWidth - 8)) + "px";
      var below = box.bottom + 6;
      var top = below + card.offsetHeight > window.innerHeight && box.top > card.offsetHeight + 6
        ? box.top - card.offsetHeight - 6 : below;
      card.style.top = window.scrollY + top + "px";
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
        load(url).then(function (info) { if (info && current === url) show(info, link); });
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
  }
})();
