"use strict";
// The console page. Every text shown comes from mail written by strangers: it only ever goes into the page
// through textContent (never innerHTML), and the Content-Security-Policy allows no inline script anyway.

let csrf = "";

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  return node;
}

function showStatus(message, isError) {
  const status = document.getElementById("status");
  status.textContent = message || "";
  status.className = isError ? "error" : "";
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  if (response.status === 401) {  // the session ended: the server shows the login form
    window.location.assign("/");
    throw new Error("logged out");
  }
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function fill(table, headers, rows) {
  table.replaceChildren();
  const head = el("tr");
  headers.forEach((h) => head.appendChild(el("th", h)));
  table.appendChild(head);
  if (rows.length === 0) {
    const tr = el("tr");
    tr.appendChild(el("td", "nothing", {colspan: String(headers.length)}));
    table.appendChild(tr);
    return;
  }
  for (const cells of rows) {
    const tr = el("tr");
    for (const cell of cells) {
      if (cell instanceof Node) {
        const td = el("td");
        td.appendChild(cell);
        tr.appendChild(td);
      } else if (typeof cell === "number") {
        tr.appendChild(el("td", cell, {class: "number"}));
      } else {
        tr.appendChild(el("td", cell === null || cell === undefined ? "" : cell));
      }
    }
    table.appendChild(tr);
  }
}

function age(iso) {
  if (!iso) return "";
  const minutes = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000));
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1440)} d`;
}

function when(iso) {
  // The database's time as it came (UTC or its zone), to the second: 2026-12-02 06:21:24.
  return iso ? String(iso).slice(0, 19).replace("T", " ") : "";
}

function emailLink(id, text) {
  if (id === null || id === undefined) return document.createTextNode(text || "-");
  return el("a", text || `#${id}`, {href: `#email/${id}`});
}

function who() {
  const name = document.getElementById("who").value.trim();
  localStorage.setItem("replyflow-console-who", name);
  return name || "console";
}

// --- views --------------------------------------------------------------------------------------------------

async function showOverview() {
  const data = await api("/api/overview");
  const w = data.waiting;
  fill(document.getElementById("waiting-counts"), ["what", "emails"], [
    [emailLinkToView("drafts to send", "waiting"), w.draft],
    [emailLinkToView("replies that promised a person", "waiting"), w.handoff],
    [emailLinkToView("left unread for a person", "waiting"), w.left_for_a_person],
  ]);
  const budget = data.llm_budget;
  if (budget.available) {
    const rows = ["rpm", "rpd", "tpm", "tpd"].map((axis) => {
      const left = budget.levels[axis], cap = budget.capacity[axis];
      const bar = el("span", null, {class: "bar"});
      bar.style.width = `${Math.round(100 * Math.max(0, Math.min(1, left / cap)))}px`;
      return [axis, `${Math.floor(left)} of ${cap}`, bar];
    });
    rows.push(["pause", `${budget.levels.pause.toFixed(1)} s`, ""]);
    rows.push(["breaker", budget.breaker, ""]);
    fill(document.getElementById("budget"), [budget.model, "left", ""], rows);
  } else {
    fill(document.getElementById("budget"), ["LLM budget"], [[budget.error]]);
  }
  fill(document.getElementById("letters-by-stage"), ["stage", "reason", "waiting", "oldest"],
    data.dead_letters.map((r) => [r.stage, r.reason, r.waiting, age(r.oldest)]));
  fill(document.getElementById("email-counts"), ["state", "reason", "today", "this week"],
    data.emails.map((r) => [r.state, r.reason, r.today, r.this_week]));
}

function emailLinkToView(text, view) {
  return el("a", text, {href: `#${view}`});
}

async function showLetters() {
  const stage = document.getElementById("filter-stage").value;
  const reason = document.getElementById("filter-reason").value;
  const query = new URLSearchParams();
  if (stage) query.set("stage", stage);
  if (reason) query.set("reason", reason);
  const data = await api(`/api/dead-letters?${query}`);
  fill(document.getElementById("letters"),
    ["", "id", "stage", "reason", "attempts", "age", "email", "sender", "subject", "last error", ""],
    data.dead_letters.map((d) => {
      const box = el("input", null, {type: "checkbox", "data-letter": String(d.id), "aria-label": `select ${d.id}`});
      const replayButton = el("button", "Replay", {type: "button"});
      replayButton.addEventListener("click", () => replayLetters([d.id]));
      const error = el("span", (d.error || "").slice(0, 300));
      return [box, d.id, d.stage, d.reason, d.attempts, age(d.created_at), emailLink(d.email_id),
              d.from_address, d.subject, error, replayButton];
    }));
}

async function showWaiting() {
  const data = await api("/api/waiting");
  const kinds = {draft: "draft to send", handoff: "promised a person", left_for_a_person: "left for a person"};
  fill(document.getElementById("waiting"), ["email", "what", "reason", "waiting", "sender", "subject"],
    data.emails.map((e) => [emailLink(e.id), kinds[e.kind] || e.kind, e.reason, age(e.arrived),
                            e.from_address, e.subject]));
}

async function showEmail(id) {
  const data = await api(`/api/emails/${encodeURIComponent(id)}`);
  const e = data.email;
  document.getElementById("email-title").textContent = `Email ${e.id}: ${e.subject || "(no subject)"}`;
  const facts = document.getElementById("email-facts");
  facts.replaceChildren();
  const trace = data.trace_url ? el("a", e.trace_id, {href: data.trace_url, rel: "noreferrer", target: "_blank"})
    : document.createTextNode(e.trace_id || "-");
  for (const [name, value] of [["Message-ID", e.message_id], ["from", e.from_address],
    ["state", e.reason ? `${e.state} (${e.reason})` : e.state], ["arrived", when(e.received_at || e.created_at)],
    ["seen on IMAP", e.seen_at ? when(e.seen_at) : "no"], ["trace", trace]]) {
    facts.appendChild(el("dt", name));
    const dd = el("dd");
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = value || "-";
    facts.appendChild(dd);
  }
  fill(document.getElementById("email-events"), ["when", "state", "detail"],
    data.events.map((ev) => [when(ev.at), ev.state, ev.detail]));
  fill(document.getElementById("email-letters"), ["id", "stage", "reason", "attempts", "error", "what became of it"],
    data.dead_letters.map((d) => [d.id, d.stage, d.reason, d.attempts, d.error,
      d.replayed_at ? `replayed by ${d.replayed_by || "cli"} at ${when(d.replayed_at)}`
        : d.discarded_at ? `discarded by ${d.discarded_by} at ${when(d.discarded_at)}: ${d.discard_note}` : "waiting"]));
  const original = document.getElementById("email-original");
  original.textContent = data.original === null ? "(not stored: the message was too large)"
    : data.original + (data.original_truncated ? "\n[... cut]" : "");
  const actions = document.getElementById("email-actions");
  actions.replaceChildren();
  for (const d of data.dead_letters.filter((x) => !x.replayed_at && !x.discarded_at)) {
    const replayButton = el("button", `Replay dead letter ${d.id}`, {type: "button", id: `replay-${d.id}`});
    replayButton.addEventListener("click", async () => { await replayLetters([d.id]); await route(); });
    const note = el("input", null, {type: "text", id: `note-${d.id}`, placeholder: "why it is discarded",
                                    maxlength: "500"});
    const discardButton = el("button", `Discard dead letter ${d.id}`,
                             {type: "button", id: `discard-${d.id}`, class: "danger"});
    discardButton.addEventListener("click", async () => { await discardLetter(d.id, note.value); await route(); });
    actions.append(replayButton, note, discardButton);
  }
}

// --- actions ------------------------------------------------------------------------------------------------

function report(results) {
  const failed = results.filter((r) => !r.ok);
  const lines = results.map((r) => `dead letter ${r.id}: ${r.ok ? "replayed, " : "not replayed, "}${r.message}`);
  showStatus(lines.join("; "), failed.length > 0);
}

async function replayLetters(ids) {
  try {
    const by = who();
    let {results} = await api("/api/dead-letters/replay", {ids, by});
    const unsure = results.filter((r) => r.needs_confirmation).map((r) => r.id);
    if (unsure.length > 0 && window.confirm(
      `Dead letter(s) ${unsure.join(", ")}: the send was interrupted and the reply may have reached the customer. ` +
      "Replay only after checking with the customer that they did NOT get it: it is sent again. Did they not get it?")) {
      const again = await api("/api/dead-letters/replay", {ids: unsure, by, confirm_not_received: true});
      results = results.filter((r) => !r.needs_confirmation).concat(again.results);
    }
    report(results);
  } catch (error) {
    showStatus(error.message, true);
  }
  if (window.location.hash === "#letters") await showLetters();
}

async function discardLetter(id, note) {
  try {
    await api(`/api/dead-letters/${id}/discard`, {by: who(), note});
    showStatus(`dead letter ${id} discarded`, false);
  } catch (error) {
    showStatus(error.message, true);
  }
}

// --- navigation ---------------------------------------------------------------------------------------------

async function route() {
  const hash = window.location.hash.replace(/^#/, "") || "overview";
  const [view, id] = hash.split("/");
  const shown = view === "email" ? "email" : (["overview", "letters", "waiting"].includes(view) ? view : "overview");
  document.querySelectorAll(".view").forEach((v) => { v.hidden = v.id !== `view-${shown}`; });
  document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.dataset.view === shown));
  try {
    if (shown === "overview") await showOverview();
    else if (shown === "letters") await showLetters();
    else if (shown === "waiting") await showWaiting();
    else await showEmail(id);
  } catch (error) {
    showStatus(error.message, true);
  }
}

async function start() {
  const session = await api("/api/session");
  csrf = session.csrf;
  for (const [select, values] of [["filter-stage", session.stages], ["filter-reason", session.reasons]]) {
    for (const value of values) document.getElementById(select).appendChild(el("option", value, {value}));
  }
  document.getElementById("who").value = localStorage.getItem("replyflow-console-who") || "";
  document.querySelectorAll(".tab").forEach((tab) => tab.addEventListener("click", () => {
    window.location.hash = tab.dataset.view;
  }));
  document.getElementById("letter-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    showLetters().catch((error) => showStatus(error.message, true));
  });
  document.getElementById("replay-selected").addEventListener("click", () => {
    const ids = [...document.querySelectorAll("#letters input[data-letter]:checked")]
      .map((box) => Number(box.dataset.letter));
    if (ids.length === 0) showStatus("select the dead letters to replay first", true);
    else replayLetters(ids);
  });
  document.getElementById("back").addEventListener("click", () => window.history.back());
  document.getElementById("logout").addEventListener("click", async () => {
    await api("/logout", {});
    window.location.assign("/");
  });
  window.addEventListener("hashchange", () => { showStatus(""); route(); });
  await route();
}

start().catch((error) => showStatus(error.message, true));
