// The search page: a small UI over Pagefind's JavaScript API.
//
// The build indexes pages in shards, one Pagefind bundle per language and run
// of pages, listed in pagefind/shards.json. Here each language gets its own
// Pagefind instance merging that language's shards, and every query runs on
// all of them: a French query finds French articles from an English page.
//
// Pagefind's own sort is not global across merged bundles (it interlaces each
// bundle's order), so sorting walks the values of a filter instead: relevancy
// 5, then 4, …, or dates newest first, one search per value, and then the
// pages lacking the field.
//
// Everything shown comes from the index as text; the excerpt's <mark> tags are
// the only markup kept.

const PAGE_SIZE = 20;
const FACETS = [
  ["kind", "Kind"],
  ["relevancy", "Relevancy"],
  ["year", "Year"],
  ["category", "Category"],
  ["type", "Type"],
  ["theme", "Theme"],
];
const FACET_PREVIEW = 8;
const KINDS = ["Article", "Signal", "Behavior", "Issue", "Technology", "Concern", "Page"];
// Sort name → the filter whose values it walks, highest first.
const SORTS = { relevancy: "relevancy", date: "date" };
const TYPING_DELAY = 250;
// Pagefind's ranking, tuned on content/: a lower term saturation ranks pages
// holding more of the query's words above pages repeating one of them, and a
// lower page-length weight keeps articles from sinking below their own rows.
const RANKING = { termSaturation: 0.6, pageLength: 0.4 };

function start(root) {
  const ui = {
    root,
    form: root.querySelector(".search-form"),
    input: root.querySelector("#search-q"),
    sortBox: root.querySelector(".search-sort"),
    sort: root.querySelector("#search-sort"),
    status: root.querySelector("#search-status"),
    filters: root.querySelector("#search-filters"),
    facets: root.querySelector("#search-facets"),
    results: root.querySelector("#search-results"),
    more: root.querySelector("#search-more"),
  };
  const bundle = new URL(root.dataset.bundle, document.baseURI);
  const search = new SearchRun(ui, loadSearch(bundle));
  let state = readState(location.search);
  let typing = null;

  ui.input.value = state.q;
  ui.sort.value = state.sort;
  ui.sortBox.hidden = false;
  if (state.q) ui.status.textContent = "Searching…";
  ui.filters.open = window.matchMedia("(min-width: 60rem)").matches;

  const update = (changes, push) => {
    state = { ...state, ...changes };
    const query = stateQuery(state);
    if (query !== location.search) {
      history[push ? "pushState" : "replaceState"](null, "", query || location.pathname);
    }
    search.run(state);
  };
  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typing);
    update({ q: ui.input.value.trim() }, true);
  });
  ui.input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => update({ q: ui.input.value.trim() }, false), TYPING_DELAY);
  });
  ui.sort.addEventListener("change", () => update({ sort: ui.sort.value }, false));
  ui.facets.addEventListener("change", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement)) return;
    const chosen = new Set(state.filters[box.name] || []);
    box.checked ? chosen.add(box.value) : chosen.delete(box.value);
    update({ filters: { ...state.filters, [box.name]: [...chosen].sort() } }, false);
  });
  ui.facets.addEventListener("click", (event) => {
    const toggle = event.target.closest("button[data-facet]");
    if (toggle) search.toggleFacet(toggle.dataset.facet);
  });
  ui.more.addEventListener("click", () => search.showMore());
  ui.filters.addEventListener("toggle", () => {
    if (ui.filters.open) search.updateFacets();
  });
  window.addEventListener("popstate", () => {
    state = readState(location.search);
    ui.input.value = state.q;
    ui.sort.value = state.sort;
    search.run(state);
  });
  search.run(state);
}

// ---------------------------------------------------------------- Pagefind

async function loadSearch(bundle) {
  // Revalidated on each visit: a new build may cut the shards differently.
  const response = await fetch(new URL("shards.json", bundle), { cache: "no-cache" });
  if (!response.ok) throw new Error(`no search index at ${bundle.pathname}`);
  const shards = (await response.json()).shards;
  if (!shards.length) throw new Error("the search index is empty");
  const languages = new Map();
  for (const shard of shards) {
    if (!languages.has(shard.language)) languages.set(shard.language, []);
    languages.get(shard.language).push(new URL(shard.bundle, bundle).pathname);
  }
  // Result URLs are site-relative; the site root is the bundle's parent,
  // wherever the site is served from.
  const baseUrl = new URL("../", bundle).pathname;
  const instances = await Promise.all(
    [...languages].map(async ([language, paths], n) => ({
      language,
      pagefind: await languageInstance(language, paths, baseUrl, hostOf(n, [...languages.values()])),
    })),
  );
  return new Search(instances, new URL("../", bundle));
}

// One Pagefind instance per language, with that language's WebAssembly: its
// stemmer must be the one the bundles were indexed with, and a merged bundle
// is searched with its host's. pagefind.js holds one WebAssembly memory on
// the main thread and one in its worker, and two languages in either
// overwrite each other. So one import serves two languages: the first
// searches in the worker, the second on the main thread. Only a third
// language imports pagefind.js again, from its own bundle (a new module).
function hostOf(n, bundles) {
  return n < 2 ? { module: bundles[0][0], worker: n === 0 } : { module: bundles[n][0], worker: true };
}

async function languageInstance(language, paths, baseUrl, host) {
  const [first, ...others] = paths;
  const pagefind = await import(`${host.module}pagefind.js`);
  const instance = pagefind.createInstance({
    basePath: first, baseUrl, excerptLength: 24, ranking: RANKING, noWorker: !host.worker,
  });
  await instance.init();
  await Promise.all(others.map((path) => instance.mergeIndex(path, { language, baseUrl, ranking: RANKING })));
  return instance;
}

// Every language's instance searched at once, merged as Pagefind merges
// bundles: results by score, counts added up.
class Search {
  constructor(instances, root) {
    this.instances = instances;
    this.root = root;
    this.filtersLoaded = false;
    this.loading = null;
  }

  // Every filter of every shard: after this, each search returns counts per
  // value. It is the largest download of a search (about 20 bytes a page), so
  // it waits until counts are shown or a sort needs them.
  loadFilters() {
    this.loading ||= Promise.all(this.instances.map(({ pagefind }) => pagefind.filters())).then(() => {
      this.filtersLoaded = true;
    });
    return this.loading;
  }

  // A result's data, as resultItem shows it. Pagefind indexes search
  // documents, not the pages (foresite/search.py): a document's URL is its
  // page's with ".html" for the last "/", and a row's article comes as the
  // id of an anchor, percent-encoded JSON of its site-relative URL and title.
  async data(result) {
    const data = await result.data();
    const onSite = (path) => new URL(path, this.root).pathname;
    const page = data.url.startsWith(this.root.pathname) ? data.url.slice(this.root.pathname.length) : data.url;
    const first = (key) => (data.filters && data.filters[key] ? data.filters[key][0] : null);
    let article = null;
    for (const anchor of data.anchors || []) {
      if (anchor.element !== "i" || anchor.text) continue;
      try {
        const [url, title] = JSON.parse(decodeURIComponent(anchor.id));
        if (typeof url === "string" && typeof title === "string") article = { url: onSite(url), title };
      } catch {
        // not an article's anchor
      }
    }
    return {
      url: onSite(page.replace(/\.html$/, "/")),
      title: (data.meta && data.meta.title) || page,
      excerpt: data.excerpt,
      language: result.language,
      kind: first("kind"),
      relevancy: first("relevancy"),
      date: first("date"),
      article,
    };
  }

  async search(term, options) {
    const found = await Promise.all(this.instances.map(({ pagefind }) => pagefind.search(term, options)));
    const filters = {};
    for (const one of found) {
      for (const [key, values] of Object.entries(one.filters || {})) {
        filters[key] ||= {};
        for (const [value, count] of Object.entries(values)) {
          filters[key][value] = (filters[key][value] || 0) + count;
        }
      }
    }
    // Each result knows its instance's language, for its lang attribute.
    found.forEach((one, n) => {
      for (const result of one.results) result.language = this.instances[n].language;
    });
    return {
      results: once(found.flatMap((one) => one.results).sort((a, b) => b.score - a.score)),
      unfilteredResultCount: found.reduce((sum, one) => sum + one.unfilteredResultCount, 0),
      filters,
    };
  }
}

function pagefindFilters(filters, except = null) {
  const out = {};
  for (const [key, values] of Object.entries(filters)) {
    if (key !== except && values.length) out[key] = { any: values };
  }
  return out;
}

// Each page once, where it first comes. A row seen again in other articles
// has one page holding every relevancy and date it was given, so a walk by
// relevancy or date meets it in more than one bucket.
function once(results) {
  const seen = new Set();
  return results.filter((result) => {
    const key = `${result.language || ""} ${result.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// Results in best-match order, or walked bucket by bucket for a sort.
function ordering(index, term, filters, sortKey, found) {
  const total = found.results.length;
  if (!sortKey) {
    return { total, take: async (n) => found.results.slice(0, n) };
  }
  const counts = found.filters[sortKey] || {};
  const values = Object.keys(counts)
    .filter((value) => counts[value] > 0)
    .sort(compareValues)
    .reverse();
  const buckets = values.map((value) => ({ [sortKey]: value }));
  const withValue = values.reduce((sum, value) => sum + counts[value], 0);
  if (withValue < total) buckets.push({ [sortKey]: { none: Object.keys(counts) } });
  const loaded = [];
  let next = 0;
  return {
    total,
    async take(n) {
      while (loaded.length < n && next < buckets.length) {
        const bucket = buckets[next++];
        const part = await index.search(term, { filters: { all: [filters, bucket] } });
        loaded.push(...part.results);
        loaded.splice(0, loaded.length, ...once(loaded));
      }
      return loaded.slice(0, n);
    },
  };
}

// ---------------------------------------------------------------- one search

class SearchRun {
  constructor(ui, index) {
    this.ui = ui;
    this.index = index;
    this.generation = 0;
    this.order = null;
    this.shown = 0;
    this.expanded = new Set();
    this.lastCounts = null;
    this.lastState = null;
    this.urls = new Set();
    this.more = null;
  }

  async run(state) {
    const generation = ++this.generation;
    this.ui.root.setAttribute("aria-busy", "true");
    const stale = () => generation !== this.generation;
    let index;
    try {
      index = await this.index;
    } catch (error) {
      this.ui.status.textContent = `Search could not load: ${error.message}.`;
      this.ui.root.setAttribute("aria-busy", "false");
      return;
    }
    if (stale()) return;
    const filters = pagefindFilters(state.filters);
    const hasFilters = Object.keys(filters).length > 0;
    if (!state.q && !hasFilters) {
      this.clear("Type a word to search every article and row of the scan.");
      return;
    }
    const term = state.q || null;
    const sortKey = SORTS[state.sort];
    // Sorting walks the values of a filter, so it needs the counts.
    if (sortKey) await index.loadFilters();
    const found = await index.search(term, { filters });
    if (stale()) return;
    this.order = ordering(index, term, filters, sortKey, found);
    const first = await this.order.take(PAGE_SIZE);
    const items = await Promise.all(first.map((result) => index.data(result)));
    if (stale()) return;
    this.lastState = state;
    this.urls = new Set();
    this.ui.results.replaceChildren(...this.unseen(items).map(resultItem));
    this.shown = items.length;
    this.ui.more.hidden = this.shown >= this.order.total;
    this.ui.status.textContent = statusText(state, found, this.order.total);
    if (!this.order.total && !hasFilters) {
      // Nothing to narrow down; with filters ticked, the panel stays to untick them.
      this.ui.filters.hidden = true;
      this.ui.root.setAttribute("aria-busy", "false");
      return;
    }
    await this.updateFacets();
  }

  // Facets with counts, once the filter panel is open: a reader on a phone
  // who never opens it never downloads the filters.
  async updateFacets() {
    const generation = this.generation;
    const state = this.lastState;
    const index = await this.index;
    if (!state) return;
    this.ui.filters.hidden = false;
    if (!index.filtersLoaded) {
      if (!this.ui.filters.open) {
        this.ui.facets.replaceChildren();
        this.ui.root.setAttribute("aria-busy", "false");
        return;
      }
      this.ui.facets.replaceChildren(el("p", "meta", "Loading filters…"));
      await index.loadFilters();
    }
    const term = state.q || null;
    const found = await index.search(term, { filters: pagefindFilters(state.filters) });
    const counts = await this.facetCounts(index, term, state, found);
    if (generation !== this.generation) return;
    this.lastCounts = counts;
    this.renderFacets(state, counts);
    this.ui.root.setAttribute("aria-busy", "false");
  }

  // Counts for a facet with values ticked are those the other facets leave,
  // so that ticking a second value shows what it would add.
  async facetCounts(index, term, state, found) {
    const counts = {};
    for (const [key] of FACETS) {
      if (state.filters[key] && state.filters[key].length) {
        const others = await index.search(term, { filters: pagefindFilters(state.filters, key) });
        counts[key] = others.filters[key] || {};
      } else {
        counts[key] = found.filters[key] || {};
      }
    }
    return counts;
  }

  // One at a time: a second press while the first is loading would take
  // the same results again and show them twice.
  showMore() {
    this.more ||= this.loadMore().finally(() => {
      this.more = null;
    });
    return this.more;
  }

  async loadMore() {
    const generation = this.generation;
    const index = await this.index;
    const next = await this.order.take(this.shown + PAGE_SIZE);
    const taken = next.slice(this.shown);
    const items = await Promise.all(taken.map((result) => index.data(result)));
    if (generation !== this.generation || !items.length) return;
    const added = this.unseen(items).map(resultItem);
    this.ui.results.append(...added);
    this.shown += taken.length;
    this.ui.more.hidden = this.shown >= this.order.total;
    // Keyboard users continue from the first new result, not from the button.
    if (added.length) added[0].querySelector("a").focus();
  }

  // Each page shown once per query, whatever brought it twice.
  unseen(items) {
    return items.filter((item) => !this.urls.has(item.url) && this.urls.add(item.url));
  }

  toggleFacet(key) {
    this.expanded.has(key) ? this.expanded.delete(key) : this.expanded.add(key);
    if (this.lastCounts) this.renderFacets(this.lastState, this.lastCounts, key);
  }

  clear(message) {
    this.ui.root.setAttribute("aria-busy", "false");
    this.ui.results.replaceChildren();
    this.ui.facets.replaceChildren();
    this.ui.filters.hidden = true;
    this.ui.more.hidden = true;
    this.ui.status.textContent = message;
    this.lastState = null;
    this.lastCounts = null;
  }

  renderFacets(state, counts, focusToggle = null) {
    const focused = document.activeElement;
    const focusKey = focused && focused.closest && focused.closest("#search-facets") ? focusName(focused) : null;
    const groups = FACETS.map(([key, label]) =>
      facetGroup(key, label, counts[key], new Set(state.filters[key] || []), this.expanded.has(key)),
    ).filter(Boolean);
    this.ui.facets.replaceChildren(...groups);
    this.ui.filters.hidden = groups.length === 0;
    const again = focusToggle ? `button:${focusToggle}` : focusKey;
    if (again) {
      const target = [...this.ui.facets.querySelectorAll("input, button")].find((el) => focusName(el) === again);
      if (target) target.focus();
    }
  }
}

function focusName(element) {
  if (element instanceof HTMLButtonElement) return `button:${element.dataset.facet}`;
  if (element instanceof HTMLInputElement) return `${element.name}=${element.value}`;
  return null;
}

// ---------------------------------------------------------------- markup

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function facetGroup(key, label, counts, chosen, expanded) {
  const values = Object.keys(counts || {})
    .filter((value) => counts[value] > 0 || chosen.has(value))
    .sort(facetOrder(key, counts));
  if (!values.length) return null;
  const long = values.length > FACET_PREVIEW && !["kind", "relevancy"].includes(key);
  const visible = long && !expanded ? values.filter((v, i) => i < FACET_PREVIEW || chosen.has(v)) : values;
  const group = el("fieldset", "facet");
  group.append(el("legend", null, label));
  const list = el("ul");
  list.id = `facet-${key}`;
  for (const value of visible) {
    const id = `f-${key}-${values.indexOf(value)}`;
    const item = el("li");
    const box = el("input");
    Object.assign(box, { type: "checkbox", name: key, value, id, checked: chosen.has(value) });
    const text = el("label", null, value);
    text.htmlFor = id;
    // "5 (12)": the value, then its count in brackets, so that the two never read alike.
    const count = el("span", "n", `(${counts[value] || 0}`);
    count.append(el("span", "visually-hidden", " results"), ")");
    text.append(" ", count);
    item.append(box, text);
    list.append(item);
  }
  group.append(list);
  if (long) {
    const toggle = el("button", "link", expanded ? `Show fewer` : `Show all ${values.length}`);
    Object.assign(toggle, { type: "button" });
    toggle.dataset.facet = key;
    toggle.setAttribute("aria-expanded", String(expanded));
    toggle.setAttribute("aria-controls", list.id);
    group.append(toggle);
  }
  return group;
}

function facetOrder(key, counts) {
  if (key === "kind") return (a, b) => kindRank(a) - kindRank(b);
  if (key === "relevancy" || key === "year") return (a, b) => compareValues(b, a);
  return (a, b) => counts[b] - counts[a] || a.localeCompare(b);
}

function kindRank(kind) {
  const rank = KINDS.indexOf(kind);
  return rank < 0 ? KINDS.length : rank;
}

// Ascending order of a filter's values: numbers as numbers, the rest as text
// ("Undated" sorts below every year).
function compareValues(a, b) {
  const x = Number(a);
  const y = Number(b);
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  if (!Number.isNaN(x)) return 1;
  if (!Number.isNaN(y)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function resultItem(data) {
  const item = el("li", "hit");
  if (data.language) item.lang = data.language;
  const line = el("p", "kind", data.kind || "Page");
  if (/^[1-5]$/.test(data.relevancy || "")) {
    line.append(" · relevancy ", el("b", `r${data.relevancy}`, data.relevancy));
  }
  if (data.date) {
    const time = el("time", null, data.date);
    time.dateTime = data.date;
    line.append(" · ", time);
  }
  const heading = el("h3");
  const link = el("a", null, data.title);
  link.href = data.url;
  heading.append(link);
  const excerpt = el("p", "excerpt");
  excerpt.append(excerptNodes(data.excerpt || ""));
  item.append(line, heading, excerpt);
  if (data.article) {
    const from = el("p", "from", "From ");
    const articleLink = el("a", null, data.article.title);
    articleLink.href = data.article.url;
    from.append(articleLink);
    item.append(from);
  }
  return item;
}

// Pagefind's excerpt is text with < and > escaped and <mark> around hits;
// rebuild it from text nodes so nothing else can become markup.
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(html, "text/html");
  const out = document.createDocumentFragment();
  for (const node of parsed.body.childNodes) {
    out.append(node.nodeName === "MARK" ? el("mark", null, node.textContent) : document.createTextNode(node.textContent));
  }
  return out;
}

function statusText(state, found, total) {
  const what = state.q ? ` for “${state.q}”` : "";
  if (!total) return `No results${what}.`;
  const results = total === 1 ? "1 result" : `${total} results`;
  const filtered = found.unfilteredResultCount > total && state.q ? ` (${found.unfilteredResultCount} before filters)` : "";
  const sorted = state.sort ? `, sorted by ${state.sort}` : "";
  return `${results}${what}${filtered}${sorted}.`;
}

// ---------------------------------------------------------------- address

function readState(search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const [key] of FACETS) {
    const values = params.getAll(key).filter(Boolean);
    if (values.length) filters[key] = values.sort();
  }
  const sort = params.get("sort") || "";
  return { q: (params.get("q") || "").trim(), sort: Object.hasOwn(SORTS, sort) ? sort : "", filters };
}

function stateQuery(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const [key] of FACETS) {
    for (const value of state.filters[key] || []) params.append(key, value);
  }
  if (state.sort) params.set("sort", state.sort);
  const query = params.toString();
  return query ? `?${query}` : "";
}

// Last, once every class above is defined.
const searchRoot = document.getElementById("search");
if (searchRoot) start(searchRoot);
