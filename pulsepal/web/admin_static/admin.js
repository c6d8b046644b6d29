// PulsePal admin page: the sessions table, per-session actions and the cleanup preview.
// Hand-written, no libraries. User-supplied text (titles, ids, owners) is only ever set with textContent; the one
// exception is a transcript message's `html`, which the server renders from the message's Markdown after escaping
// it (pulsepal/web/admin_markdown.py), and which the page's CSP (no inline scripts) also keeps inert.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  const view = { search: "", state: "all", sort: "last_activity", order: "desc", limit: 50, offset: 0 };

  async function api(method, path, body) {
    const init = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (method !== "GET") {
      init.headers["X-PulsePal-CSRF"] = csrf;
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body || {});
    }
    const res = await fetch(path, init);
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) throw new Error((data && data.detail) || res.status + " " + res.statusText);
    return data;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
    return node;
  }

  function toast(text, isError) {
    const t = $("toast");
    t.textContent = text;
    t.className = isError ? "error" : "";
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
  }

  const fmtTime = (iso) => (iso ? iso.slice(0, 16).replace("T", " ") : "—");
  function fmtBytes(n) {
    const units = ["B", "KB", "MB", "GB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i ? n.toFixed(1) : n) + " " + units[i];
  }

  // ----------------------------------------------------------------------------------------- sessions table
  async function loadSessions() {
    const q = new URLSearchParams({ state: view.state, sort: view.sort, order: view.order,
      limit: view.limit, offset: view.offset });
    if (view.search) q.set("search", view.search);
    const tbody = $("sessions-table").tBodies[0];
    let data;
    try {
      data = await api("GET", "/admin/api/sessions?" + q);
    } catch (e) {
      tbody.replaceChildren(el("tr", {}, el("td", { colspan: 8, class: "muted" }, "Could not load sessions: " + e.message)));
      return;
    }
    const rows = data.sessions.map(rowFor);
    if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: 8, class: "muted" }, "No sessions match.")));
    tbody.replaceChildren(...rows);
    const first = data.total ? data.offset + 1 : 0;
    const last = data.offset + data.sessions.length;
    $("page-info").textContent = `${first.toLocaleString()}–${last.toLocaleString()} of ${data.total.toLocaleString()}`;
    $("sessions-total").textContent = `${data.total.toLocaleString()} matching`;
    $("page-prev").disabled = data.offset === 0;
    $("page-next").disabled = last >= data.total;
  }

  function rowFor(s) {
    const id = s.session_id;
    const enc = encodeURIComponent(id);
    const actions = el("div", { class: "row-actions" },
      el("button", { class: "btn small ghost", type: "button", "data-action": "view", onclick: () => showTranscript(s) }, "View"),
      el("a", { class: "btn small ghost", href: `/admin/api/sessions/${enc}/export?format=json`, "data-action": "export-json" }, "JSON"),
      el("a", { class: "btn small ghost", href: `/admin/api/sessions/${enc}/export?format=markdown`, "data-action": "export-md" }, "MD"));
    if (s.state === "active") {
      actions.append(el("button", { class: "btn small ghost", type: "button", "data-action": "archive",
        onclick: () => act(id, "archive", "Archived") }, "Archive"));
    } else {
      actions.append(el("button", { class: "btn small ghost", type: "button", "data-action": "restore",
        onclick: () => act(id, "restore", "Restored") }, "Restore"));
    }
    actions.append(el("button", { class: "btn small danger", type: "button", "data-action": "delete",
      onclick: () => confirmDelete(s) }, "Delete"));
    return el("tr", { "data-session": id },
      el("td", {}, el("div", { class: "title", title: s.title || "" }, s.title || "(untitled)"), el("code", { class: "muted" }, id)),
      el("td", {}, s.owner || "—"),
      el("td", {}, el("span", { class: "badge " + s.state }, s.state)),
      el("td", {}, fmtTime(s.created_at)),
      el("td", {}, fmtTime(s.last_activity)),
      el("td", { class: "num" }, (s.message_count || 0).toLocaleString()),
      el("td", { class: "num" }, fmtBytes(s.size || 0)),
      el("td", {}, actions));
  }

  async function act(id, action, done) {
    try {
      await api("POST", `/admin/api/sessions/${encodeURIComponent(id)}/${action}`);
      toast(`${done} ${id}`);
    } catch (e) { toast(e.message, true); }
    loadSessions();
  }

  // --------------------------------------------------------------------------------------------- dialogs
  function openDialog(title, ...body) {
    $("dialog-title").textContent = title;
    $("dialog-body").replaceChildren(...body);
    const d = $("dialog");
    if (!d.open) d.showModal();
  }

  async function showTranscript(s) {
    openDialog(s.title || s.session_id, el("p", { class: "muted" }, "Loading…"));
    try {
      const t = await api("GET", `/admin/api/sessions/${encodeURIComponent(s.session_id)}/transcript`);
      const items = t.messages.map((m) => {
        const body = el("div", { class: "md" });
        body.innerHTML = m.html;  // escaped, then a Markdown subset, on the server
        return el("div", { class: "msg " + m.role }, el("div", { class: "meta" }, `${m.role} · ${fmtTime(m.timestamp)}`), body);
      });
      const note = el("p", { class: "muted" }, `${t.state} · ${t.messages.length} messages` + (t.redacted ? " · redacted archive copy" : ""));
      openDialog(t.title || t.session_id, note, ...(items.length ? items : [el("p", { class: "muted" }, "No messages.")]));
    } catch (e) { openDialog("Transcript", el("p", {}, e.message)); }
  }

  function confirmDelete(s) {
    const yes = el("button", { class: "btn danger solid", type: "button", id: "confirm-delete", onclick: async () => {
      yes.disabled = true;
      try {
        const r = await api("POST", `/admin/api/sessions/${encodeURIComponent(s.session_id)}/delete`);
        $("dialog").close();
        toast(`Deleted; backup kept at ${r.backup}`);
      } catch (e) { toast(e.message, true); $("dialog").close(); }
      loadSessions();
    } }, "Delete session");
    openDialog("Delete this session?",
      el("p", {}, "The session ", el("code", {}, s.session_id), " (" + (s.title || "untitled") + ") will be removed from " +
        "the store. A backup copy is kept in archive/backups/ until it is pruned."),
      el("div", { class: "preview actions" }, yes, el("button", { class: "btn ghost", type: "button", onclick: () => $("dialog").close() }, "Cancel")));
  }

  // --------------------------------------------------------------------------------------------- cleanup
  function chips(counts) {
    const keys = Object.keys(counts || {});
    if (!keys.length) return [el("span", { class: "muted" }, "nothing to do")];
    return keys.sort().map((k) => el("span", { class: "chip" }, `${k.replace(/_/g, " ")}: `, el("b", {}, counts[k])));
  }

  async function previewCleanup() {
    const box = $("cleanup-preview");
    box.hidden = false;
    box.replaceChildren(el("p", { class: "muted" }, "Planning a dry run…"));
    let plan;
    try { plan = await api("POST", "/admin/api/cleanup/preview"); }
    catch (e) { box.replaceChildren(el("p", {}, "Preview failed: " + e.message)); return; }
    const list = el("ul", {}, ...plan.planned.slice(0, 100).map((a) =>
      el("li", {}, el("b", {}, a.action.replace(/_/g, " ")), " ", el("code", {}, a.session_id || a.path || ""), " — " + (a.reason || ""))));
    if (plan.planned.length > 100) list.append(el("li", { class: "muted" }, `…and ${plan.planned.length - 100} more`));
    const run = el("button", { class: "btn", type: "button", id: "cleanup-run-btn", onclick: () => runCleanup(run) },
      plan.planned.length ? `Run cleanup (${plan.planned.length} actions)` : "Run cleanup anyway");
    box.replaceChildren(
      el("h3", {}, `Dry run: ${plan.planned.length} planned action${plan.planned.length === 1 ? "" : "s"}`),
      el("div", { id: "cleanup-plan-counts" }, ...chips(plan.counts)),
      plan.planned.length ? list : el("p", { class: "muted" }, "Nothing is expired; a run would change nothing."),
      el("div", { class: "actions" }, run,
        el("button", { class: "btn ghost", type: "button", onclick: () => { box.hidden = true; } }, "Cancel")));
  }

  async function runCleanup(button) {
    button.disabled = true;
    const box = $("cleanup-preview");
    try {
      const r = await api("POST", "/admin/api/cleanup/run", { confirm: true });
      box.replaceChildren(el("h3", { id: "cleanup-result" }, r.ok ? "Cleanup finished" : "Cleanup finished with errors"),
        el("div", {}, ...chips(r.counts)), el("p", { class: "muted" }, `took ${r.duration_seconds}s · `,
          el("a", { href: "/admin" }, "refresh figures")));
      loadSessions();
    } catch (e) { box.append(el("p", {}, "Cleanup failed: " + e.message)); button.disabled = false; }
  }

  // ------------------------------------------------------------------------- search everyone's history, shares
  async function searchAll(ev) {
    ev.preventDefault();
    const text = $("s-text").value.trim();
    const table = $("search-table");
    if (!text) { table.hidden = true; return; }
    const q = new URLSearchParams({ q: text, limit: 50 });
    const owner = $("s-owner").value.trim();
    if (owner) q.set("owner", owner);
    let data;
    try { data = await api("GET", "/admin/api/search?" + q); }
    catch (e) { toast(e.message, true); return; }
    const rows = data.hits.map((h) => el("tr", { "data-hit": h.session_id },
      el("td", {}, el("div", { class: "title" }, h.title || "(untitled)"), el("code", { class: "muted" }, h.session_id)),
      el("td", {}, h.owner || "—"),
      el("td", {}, el("span", { class: "badge " + (h.state || "") }, h.state || "?"),
        h.pinned ? el("span", { class: "badge pinned" }, "pinned") : ""),
      el("td", { class: "snippet" }, h.snippet || ""),
      el("td", {}, el("button", { class: "btn small ghost", type: "button", "data-action": "view",
        onclick: () => showTranscript(h) }, "View"))));
    if (!rows.length) rows.push(el("tr", {}, el("td", { colspan: 5, class: "muted" }, "Nothing matches.")));
    table.tBodies[0].replaceChildren(...rows);
    table.hidden = false;
    $("search-total").textContent = `${data.total.toLocaleString()} conversation(s) match`;
  }

  async function revokeShare(button) {
    const id = button.getAttribute("data-session");
    button.disabled = true;
    try {
      await api("POST", `/admin/api/shares/${encodeURIComponent(id)}/revoke`);
      const row = button.closest("tr");
      if (row) row.remove();
      toast(`Share of ${id} revoked: the link no longer works`);
    } catch (e) { toast(e.message, true); button.disabled = false; }
  }

  // ------------------------------------------------------------------------------------------------ wiring
  function bind() {
    let timer;
    $("f-search").addEventListener("input", (ev) => {
      clearTimeout(timer);
      timer = setTimeout(() => { view.search = ev.target.value.trim(); view.offset = 0; loadSessions(); }, 250);
    });
    for (const [id, key] of [["f-state", "state"], ["f-sort", "sort"], ["f-order", "order"], ["f-limit", "limit"]]) {
      $(id).addEventListener("change", (ev) => { view[key] = ev.target.value; view.offset = 0; loadSessions(); });
    }
    $("sessions-form").addEventListener("submit", (ev) => ev.preventDefault());
    $("page-prev").addEventListener("click", () => { view.offset = Math.max(0, view.offset - Number(view.limit)); loadSessions(); });
    $("page-next").addEventListener("click", () => { view.offset += Number(view.limit); loadSessions(); });
    $("dialog-close").addEventListener("click", () => $("dialog").close());
    $("cleanup-preview-btn").addEventListener("click", previewCleanup);
    if ($("search-form")) $("search-form").addEventListener("submit", searchAll);
    for (const b of document.querySelectorAll('#shares-table [data-action="revoke"]')) {
      b.addEventListener("click", () => revokeShare(b));
    }
    loadSessions();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", bind);
  else bind();
})();
