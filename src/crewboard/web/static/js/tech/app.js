// The technician app: today's and tomorrow's stops, lifecycle taps, proof of
// service, location while on duty, and an offline queue that replays in order.
//
// Data flow: the server's day (GET /api/v1/tech/day) is cached in IndexedDB;
// what is shown is that day plus the effect of every action still waiting in
// the queue, so a tap made offline shows at once and survives a reload.

import * as db from "./db.js";
import * as queue from "./queue.js";
import * as location from "./location.js";
import { resizeImage, SignaturePad } from "./proof.js";
import {
  ACTION_LABELS, FIELD_LABELS, REASONS, STATUS, dayLabel, esc, hhmm, mapsLink,
  minutesBetween, setZone, shortDate, telLink, webMapsLink,
} from "./view.js";

const $ = (sel) => document.querySelector(sel);
const state = {
  me: null, day: null, board: {}, seen: null, open: new Set(), queue: [], applied: {}, busy: 0,
  notices: [], refreshTimer: null, live: null,
};
const EFFECT = { accept: "accepted", "start-travel": "en_route", arrive: "on_site",
                 complete: "completed", incomplete: "incomplete" };
const NEXT = {
  dispatched: [["accept", "Accept", "primary"]],
  accepted: [["start-travel", "On my way", "primary"]],
  en_route: [["arrive", "Arrived", "primary"]],
  on_site: [["complete", "Completed", "primary"]],
};
const CAN_FAIL = new Set(["dispatched", "accepted", "en_route", "on_site"]);
const LIVE_EVENTS = ["job.assigned", "job.reassigned", "job.unassigned", "job.updated",
  "job.rescheduled", "job.scheduled", "job.dispatched", "job.cancelled", "job.note",
  "job.customer_confirmed", "job.customer_requested_reschedule",
  "job.customer_requested_cancel"];

// ------------------------------------------------------------------ start

async function start() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/tech/sw.js", { scope: "/tech" }).catch(() => {});
  }
  setNet();
  addEventListener("online", () => { setNet(); refresh(); });
  addEventListener("offline", setNet);
  queue.onChange(onQueue);
  state.seen = (await db.kvGet("seen")) || null;
  state.me = await loadMe();
  if (!state.me) return;
  if (state.me.role !== "technician" || !state.me.technician_id) {
    $("#days").innerHTML = `<p class="empty">This app is for technicians. You are signed in as
      ${esc(state.me.name)} (${esc(state.me.role)}). <a href="/">Go to your page</a></p>`;
    return;
  }
  $("#tech-name").textContent = state.me.name;
  const cached = await db.kvGet("day");
  if (cached && cached.technician && cached.technician.id === state.me.technician_id) {
    state.day = cached;
  }
  state.queue = await queue.entries();
  render();
  setupFooter();
  await refresh();
  queue.flush();
  setInterval(() => { if (navigator.onLine) refresh(); }, 60000);
  if (localStorage.getItem("cb.noLive") !== "1") connectLive();
}

async function loadMe() {
  try {
    const reply = await fetch("/api/v1/auth/me", { credentials: "same-origin",
                                                   headers: { Accept: "application/json" } });
    if (reply.status === 401) { await signedOut(); return null; }
    if (reply.ok) {
      const me = await reply.json();
      await db.kvSet("me", me);
      return me;
    }
  } catch (_offline) { /* use the cached identity below */ }
  const me = await db.kvGet("me");
  if (!me) {
    $("#days").innerHTML = `<p class="empty">You are offline and this phone has no saved day
      yet. Connect once to load your stops.</p>`;
  }
  return me || null;
}

async function signedOut() {
  await db.clearData();
  location.stop();
  window.location.assign("/login?next=/tech");
}

function setNet() {
  const el = $("#net");
  el.dataset.online = navigator.onLine ? "1" : "0";
  el.textContent = navigator.onLine ? "Online" : "Offline";
}

// ------------------------------------------------------------------ data

async function refresh() {
  try {
    const reply = await fetch("/api/v1/tech/day", { credentials: "same-origin",
                                                     headers: { Accept: "application/json" } });
    if (reply.status === 401) return signedOut();
    if (!reply.ok) return;
    const day = await reply.json();
    // an answer that left the server before our last applied action is older
    // than what that action returned: keep the newer copy of those jobs
    for (const d of day.days) {
      d.stops = d.stops.map((s) => {
        const mine = state.applied[s.id];
        return mine && mine.version > s.version ? { ...s, ...mine } : s;
      });
    }
    state.day = day;
    await db.kvSet("day", state.day);
    if (state.seen) {  // forget snapshots of past days
      const first = day.days[0].date;
      for (const [id, snap] of Object.entries(state.seen)) if (snap._date < first) delete state.seen[id];
      await db.kvSet("seen", state.seen);
    }
    await loadBoard();
    $("#updated").textContent = `Updated ${new Date().toLocaleTimeString([], {
      hour: "2-digit", minute: "2-digit" })}`;
  } catch (_offline) {
    return;  // keep showing the cached day
  } finally {
    render();
  }
}

async function loadBoard() {
  // Planned ETAs come from the planning board when this server has it (404 = not).
  try {
    if (!state.day || (await db.kvGet("hasBoard")) === false) return;
    const today = state.day.days[0].date;
    const reply = await fetch(`/api/v1/planning/board?date=${today}`,
                              { credentials: "same-origin" });
    if (reply.status === 404) { await db.kvSet("hasBoard", false); return; }
    if (!reply.ok) return;
    const board = await reply.json();
    const me = (board.technicians || []).find((t) => t.id === state.me.technician_id);
    const out = {};
    (me ? me.route : []).forEach((stop, i) => {
      out[stop.job_id] = { order: i, eta: stop.eta || stop.arrival, arrival: stop.arrival,
                           start: stop.start, late_s: stop.predicted_late_s ?? stop.late_s };
    });
    state.board = out;
    await db.kvSet("board", out);
  } catch (_err) {
    state.board = (await db.kvGet("board")) || {};
  }
}

function scheduleRefresh(ms = 800) {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = setTimeout(refresh, ms);
}

function connectLive() {
  if (!window.EventSource) return;
  const source = new EventSource("/api/v1/events/stream");
  for (const type of LIVE_EVENTS) source.addEventListener(type, () => scheduleRefresh());
  addEventListener("pagehide", () => source.close());
  state.live = source;
}

// The day as shown: the server's copy plus every action still waiting to sync.
function shownStops(dayIndex) {
  if (!state.day) return [];
  const stops = state.day.days[dayIndex].stops.map((s) => ({ ...s, pending: [] }));
  const byId = new Map(stops.map((s) => [s.id, s]));
  for (const entry of state.queue) {
    if (entry.kind !== "action") continue;
    const stop = byId.get(entry.job_id);
    if (!stop) continue;
    stop.pending.push(entry);
    if (entry.state !== "waiting") continue;
    stop.status = EFFECT[entry.action];
    if (entry.action === "arrive") stop.arrived_at = entry.body.at;
    if (entry.action === "complete") stop.completed_at = entry.body.at;
  }
  if (dayIndex === 0 && Object.keys(state.board).length) {
    stops.sort((a, b) => (state.board[a.id]?.order ?? 1e9) - (state.board[b.id]?.order ?? 1e9)
      || String(a.planned_start).localeCompare(String(b.planned_start)));
  }
  return stops;
}

// ------------------------------------------------------------------ what changed

function snapshot(stop, date) {
  const snap = { _date: date, _label: `${stop.ref} · ${stop.customer_name}` };
  for (const field of state.day.office_fields) snap[field] = JSON.stringify(stop[field] ?? null);
  snap.cancelled = JSON.stringify(stop.status === "cancelled");
  return snap;
}

async function ensureSeen() {
  if (state.seen || !state.day) return;
  // first run on this phone: everything counts as seen
  state.seen = {};
  state.day.days.forEach((d) => d.stops.forEach((s) => { state.seen[s.id] = snapshot(s, d.date); }));
  await db.kvSet("seen", state.seen);
}

function changesOf(stop, date) {
  const before = state.seen && state.seen[stop.id];
  if (!before) return { isNew: true, fields: [] };
  const now = snapshot(stop, date);
  const fields = Object.keys(now).filter((k) => !k.startsWith("_") && k in before
                                                && before[k] !== now[k]);
  return { isNew: false, fields };
}

async function markSeen(jobId) {
  for (const d of state.day.days) {
    const stop = d.stops.find((s) => s.id === jobId);
    if (stop) state.seen[jobId] = snapshot(stop, d.date);
  }
  await db.kvSet("seen", state.seen);
  render();
}

function removedStops() {
  if (!state.seen || !state.day) return [];
  const dates = new Set(state.day.days.map((d) => d.date));
  const present = new Set(state.day.days.flatMap((d) => d.stops.map((s) => s.id)));
  return Object.entries(state.seen)
    .filter(([id, snap]) => dates.has(snap._date) && !present.has(Number(id)))
    .map(([id, snap]) => ({ id: Number(id), label: snap._label }));
}

// ------------------------------------------------------------------ render

function render() {
  if (!state.day) return;
  setZone(state.day.company.timezone);
  ensureSeen().then(() => {
    renderNotices();
    renderOutbox();
    renderDays();
  });
}

function renderNotices() {
  const box = $("#notices");
  const removed = removedStops().map((r) => `<div class="notice" data-removed="${r.id}">
      <span>${esc(r.label)} is no longer on your day (moved or reassigned by the office).</span>
      <button data-ack-removed="${r.id}">OK</button></div>`);
  box.innerHTML = removed.join("") + state.notices.map((n, i) =>
    `<div class="notice ${n.bad ? "bad" : ""}"><span>${esc(n.text)}</span>
     <button data-ack-notice="${i}">OK</button></div>`).join("");
}

function renderOutbox() {
  const box = $("#outbox");
  const visible = state.queue.filter((e) => e.kind !== "location");
  const waiting = visible.filter((e) => e.state === "waiting");
  const refused = visible.filter((e) => e.state === "refused");
  const pings = state.queue.filter((e) => e.kind === "location").length;
  const sync = $("#sync");
  const count = waiting.length + pings;
  sync.hidden = count === 0;
  sync.textContent = `${count} waiting to sync`;
  if (!visible.length) { box.hidden = true; box.innerHTML = ""; return; }
  box.hidden = false;
  const item = (e) => {
    const what = e.kind === "upload" ? `${e.blobKind === "signature" ? "Signature" : "Photo"} for ${jobRef(e.job_id)}`
      : `${ACTION_LABELS[e.action] || e.action} · ${jobRef(e.job_id)}`;
    const when = e.body?.at || e.created;
    const entered = [];
    if (e.body?.notes) entered.push(`Notes: ${e.body.notes}`);
    if (e.body?.reason) entered.push(`Reason: ${e.body.reason}${e.body.note ? ` — ${e.body.note}` : ""}`);
    if (e.body?.signed_by) entered.push(`Signed by: ${e.body.signed_by}`);
    const thumb = e.kind === "upload" ? `<div class="thumbs"><img data-blob="${esc(e.ref)}" alt=""></div>` : "";
    const refusedPart = e.state === "refused" ? `<p class="reason" data-testid="refused-reason">
        Not accepted: ${esc(e.error.message)}</p>
        <button data-retry="${e.seq}">Try again</button> <button data-dismiss="${e.seq}">Dismiss</button>` : "";
    return `<div class="queued ${e.state}" data-seq="${e.seq}" data-kind="${e.kind}">
      <strong>${esc(what)}</strong> <span class="muted small">${esc(hhmm(when))}</span>
      ${e.state === "waiting" ? `<span class="pending">waiting to sync</span>` : ""}
      ${entered.length ? `<p class="entered">${esc(entered.join("\n"))}</p>` : ""}
      ${thumb}${refusedPart}</div>`;
  };
  box.innerHTML = (refused.length ? `<h3>Not accepted by the office system</h3>${refused.map(item).join("")}` : "")
    + (waiting.length ? `<h3>Waiting to sync</h3>${waiting.map(item).join("")}` : "");
  box.querySelectorAll("img[data-blob]").forEach(async (img) => {
    const stored = await db.blobGet(img.dataset.blob);
    if (stored) img.src = URL.createObjectURL(stored.blob);
  });
}

function jobRef(jobId) {
  for (const d of state.day?.days || []) {
    const s = d.stops.find((x) => x.id === jobId);
    if (s) return `${s.ref} ${s.customer_name}`;
  }
  return `J-${jobId}`;
}

function renderDays() {
  const main = $("#days");
  const firstOpen = shownStops(0).find((s) => !["completed", "incomplete", "cancelled"].includes(s.status));
  if (firstOpen && !state.autoOpened) { state.open.add(firstOpen.id); state.autoOpened = true; }
  main.innerHTML = state.day.days.map((d, i) => {
    const stops = shownStops(i);
    const body = stops.length ? stops.map((s, n) => card(s, n + 1, d.date, i)).join("")
      : `<p class="empty">No stops ${i === 0 ? "today" : "planned"}.</p>`;
    return `<section class="day" data-date="${d.date}"><h2>${esc(dayLabel(d.date, i))}</h2>${body}</section>`;
  }).join("");
}

function card(s, n, date, dayIndex) {
  const change = changesOf(s, date);
  const hl = (f) => (change.fields.includes(f) ? " hl" : "");
  const closed = ["completed", "incomplete", "cancelled"].includes(s.status);
  const plan = state.board[s.id];
  let eta = "";
  if (dayIndex === 0 && plan?.eta && !closed && s.status !== "on_site") {
    const late = Math.round((new Date(plan.eta) - new Date(s.planned_start)) / 60000);
    if (s.status === "en_route" || late > 5) {
      eta = ` · <span class="eta${late > 5 ? " late" : ""}" data-testid="eta">ETA ${esc(hhmm(plan.eta))}${
        late > 5 ? ` (${late} min late)` : ""}</span>`;
    }
  }
  const windows = s.windows.map((w) => `${hhmm(w.start)}–${hhmm(w.end)}`).join(", ");
  const pend = s.pending.filter((e) => e.state === "waiting")
    .map((e) => `${ACTION_LABELS[e.action]} ${hhmm(e.body.at)}`);
  const refused = s.pending.filter((e) => e.state === "refused");
  const open = state.open.has(s.id);
  const phone = s.contact_phone || s.customer_phone;
  const changed = change.isNew || change.fields.length;
  const head = `<div class="stop-head" data-toggle="${s.id}">
      <div class="stop-num">${n}</div>
      <div><div class="stop-title">${esc(s.customer_name)}
        ${change.isNew ? `<span class="badge-new">New</span>` : change.fields.length ? `<span class="badge-new">Changed</span>` : ""}</div>
        <div class="stop-time${hl("planned_start")}">${esc(hhmm(s.planned_start))}–${esc(hhmm(s.planned_end))}${eta}</div>
        <div class="small muted">${esc(s.address)}</div>
        ${pend.length ? `<div class="pending" data-testid="pending">waiting to sync: ${esc(pend.join(", "))}</div>` : ""}
        ${refused.length ? `<div class="pending error">not accepted: ${esc(refused[0].error.message)}</div>` : ""}
      </div>
      <span class="chip s-${s.status}" data-testid="status">${esc(STATUS[s.status] || s.status)}</span>
    </div>`;
  if (!open) return `<article class="stop ${changed ? "changed" : ""} ${closed ? "closed" : ""}" data-job="${s.id}">${head}</article>`;
  const changes = changed ? `<div class="changes" data-testid="changes">${change.isNew
      ? "New stop added by the office."
      : `Changed by the office: ${esc(change.fields.map((f) => FIELD_LABELS[f] || f).join(", "))}.`}
      <br><button data-seen="${s.id}">Got it</button></div>` : "";
  const history = s.history.length ? `<ul class="history">${s.history.map((h) => `<li>
      <strong>${esc(shortDate(h.date))}</strong> ${esc(h.job_type || "visit")} · ${esc(STATUS[h.status] || h.status)}
      ${h.technician ? `(${esc(h.technician)})` : ""}${h.outcome ? ` — ${esc(h.outcome)}` : ""}
      ${h.notes ? `<br><span class="muted">${esc(h.notes)}</span>` : ""}</li>`).join("")}</ul>`
    : `<span class="muted">No earlier visits.</span>`;
  const access = [s.access_notes, s.location_access_notes].filter(Boolean).join("\n");
  const buttons = dayIndex === 0 || s.status === "dispatched" ? actionButtons(s, dayIndex) : "";
  const proof = s.status === "completed" && s.completed_at ? `<dt>Completed</dt><dd>${esc(hhmm(s.completed_at))}${s.arrived_at ? ` · ${minutesBetween(s.arrived_at, s.completed_at)} min on site` : ""}</dd>` : "";
  return `<article class="stop open ${changed ? "changed" : ""} ${closed ? "closed" : ""}" data-job="${s.id}">${head}
    <div class="stop-body">${changes}<dl>
      <dt>Job</dt><dd class="${hl("job_type")}${hl("priority")}">${esc(s.ref)} · ${esc(s.job_type || "job")}${s.priority !== "normal" ? ` · <strong>${esc(s.priority)}</strong>` : ""}</dd>
      <dt>Appointment window</dt><dd class="${hl("windows")}">${esc(windows || "—")}</dd>
      <dt>Customer</dt><dd class="${hl("contact_name")}${hl("contact_phone")}">${esc(s.contact_name || s.customer_name)}
        ${phone ? `<br><a href="${esc(telLink(phone))}" data-testid="call" class="link-btn">Call ${esc(phone)}</a>` : ""}</dd>
      <dt>Address</dt><dd class="${hl("address")}"><a href="${esc(mapsLink(s))}" data-testid="map" class="link-btn">Navigate</a> ${esc(s.address)}
        <br><a class="small" href="${esc(webMapsLink(s))}" target="_blank" rel="noopener">open in web maps</a></dd>
      <dt>Access and route notes</dt><dd class="${hl("access_notes")}">${esc(access || "—")}</dd>
      <dt>Problem</dt><dd class="${hl("description")}">${esc(s.description || "—")}</dd>
      <dt>Equipment</dt><dd class="${hl("required_equipment")}">${esc(s.required_equipment.join(", ") || "—")}</dd>
      ${proof}
      <dt>Earlier visits</dt><dd>${history}</dd>
    </dl>${buttons}</div></article>`;
}

function actionButtons(s, dayIndex) {
  if (s.status === "assigned") return `<p class="muted small">Planned; the office has not sent it to you yet.</p>`;
  const list = [...(NEXT[s.status] || [])];
  if (dayIndex > 0) return list.length && s.status === "dispatched"
    ? `<div class="actions"><button class="primary" data-act="accept" data-job="${s.id}">Accept</button></div>` : "";
  const buttons = list.map(([act, label, cls]) =>
    `<button class="${cls}" data-act="${act}" data-job="${s.id}">${label}</button>`);
  if (CAN_FAIL.has(s.status)) {
    buttons.push(`<button class="danger" data-act="incomplete" data-job="${s.id}">Could not complete</button>`);
  }
  return buttons.length ? `<div class="actions">${buttons.join("")}</div>` : "";
}

// ------------------------------------------------------------------ actions

function stopById(id) {
  for (let i = 0; i < (state.day?.days.length || 0); i++) {
    const s = shownStops(i).find((x) => x.id === id);
    if (s) return s;
  }
  return null;
}

async function act(action, jobId) {
  const at = new Date().toISOString();  // the moment of the tap, whatever the signal
  if (action === "complete") return completeSheet(jobId, at);
  if (action === "incomplete") return incompleteSheet(jobId, at);
  await queueAction(jobId, action, { at });
}

async function queueAction(jobId, action, body) {
  await queue.enqueue({ kind: "action", job_id: jobId, action, body });
  location.report(`status:${action}`);
}

function openSheet(html) {
  const sheet = $("#sheet");
  sheet.innerHTML = html;
  if (!sheet.open) sheet.showModal();
  return sheet;
}

function closeSheet() { const sheet = $("#sheet"); if (sheet.open) sheet.close(); }

function completeSheet(jobId, tappedAt) {
  const s = stopById(jobId);
  const need = s.proof_required || {};
  const onSite = s.arrived_at ? `On site since ${hhmm(s.arrived_at)} · ${minutesBetween(s.arrived_at, tappedAt)} min` : "";
  const sheet = openSheet(`<form method="dialog" id="complete-form">
    <h3>Complete ${esc(s.ref)} · ${esc(s.customer_name)}</h3>
    <p class="muted" data-testid="time-on-site">${esc(onSite)}</p>
    <label>What was done${need.notes ? " (required)" : ""}
      <textarea name="notes" ${need.notes ? "required" : ""}></textarea></label>
    <label>Photos${need.photo ? " (at least one)" : ""}
      <input type="file" name="photos" accept="image/*" capture="environment" multiple></label>
    <div class="photos" id="photo-previews"></div>
    <label>Customer signature${need.signature ? " (required)" : ""}</label>
    <canvas class="sig" id="sig"></canvas>
    <div class="row"><button type="button" id="sig-clear">Clear signature</button></div>
    <label>Signed by <input name="signed_by" autocomplete="off"></label>
    <p class="error" id="complete-error" hidden></p>
    <div class="row"><button type="button" id="complete-cancel">Back</button>
      <button type="submit" class="primary" id="complete-submit">Complete job</button></div>
  </form>`);
  const pad = new SignaturePad(sheet.querySelector("#sig"));
  const photos = [];
  sheet.querySelector("#sig-clear").onclick = () => pad.clear();
  sheet.querySelector("#complete-cancel").onclick = closeSheet;
  sheet.querySelector("input[name=photos]").onchange = async (e) => {
    for (const file of e.target.files) {
      try {
        const blob = await resizeImage(file);
        photos.push(blob);
        const img = document.createElement("img");
        img.src = URL.createObjectURL(blob);
        sheet.querySelector("#photo-previews").append(img);
      } catch (err) {
        showError(`Could not read ${file.name}: ${err.message}`);
      }
    }
    e.target.value = "";
  };
  const showError = (text) => {
    const el = sheet.querySelector("#complete-error");
    el.textContent = text; el.hidden = false;
  };
  sheet.querySelector("#complete-form").onsubmit = async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const notes = String(form.get("notes") || "").trim();
    if (need.notes && !notes) return showError("Write what was done.");
    if (need.photo && !photos.length) return showError("Add at least one photo.");
    if (need.signature && pad.isEmpty()) return showError("Ask the customer to sign.");
    sheet.querySelector("#complete-submit").disabled = true;
    const at = new Date().toISOString();
    const refs = [];
    for (const blob of photos) {
      const ref = queue.newKey("p");
      await db.blobPut(ref, blob, { job_id: jobId, kind: "photo" });
      await queue.enqueue({ kind: "upload", ref, blobKind: "photo", job_id: jobId });
      refs.push(ref);
    }
    let signature = null;
    if (!pad.isEmpty()) {
      signature = queue.newKey("s");
      await db.blobPut(signature, await pad.toBlob(), { job_id: jobId, kind: "signature" });
      await queue.enqueue({ kind: "upload", ref: signature, blobKind: "signature", job_id: jobId });
    }
    closeSheet();
    await queueAction(jobId, "complete", {
      at, notes: notes || null, photos: refs, signature_ref: signature,
      signed_by: String(form.get("signed_by") || "").trim() || null });
  };
}

function incompleteSheet(jobId, tappedAt) {
  const s = stopById(jobId);
  const sheet = openSheet(`<form method="dialog" id="incomplete-form">
    <h3>Could not complete ${esc(s.ref)}</h3>
    <div class="reasons">${REASONS.map(([code, label], i) => `<label><input type="radio" name="reason"
      value="${code}" ${i === 0 ? "checked" : ""}> ${esc(label)}</label>`).join("")}</div>
    <label>Note for the office <textarea name="note"></textarea></label>
    <p class="muted small">The office gets a follow-up job draft.</p>
    <p class="error" id="incomplete-error" hidden></p>
    <div class="row"><button type="button" id="incomplete-cancel">Back</button>
      <button type="submit" class="primary">Send</button></div></form>`);
  sheet.querySelector("#incomplete-cancel").onclick = closeSheet;
  sheet.querySelector("#incomplete-form").onsubmit = async (e) => {
    e.preventDefault();
    const form = new FormData(e.target);
    const reason = String(form.get("reason"));
    const note = String(form.get("note") || "").trim();
    if (reason === "other" && !note) {
      const el = sheet.querySelector("#incomplete-error");
      el.textContent = "Say why in the note."; el.hidden = false;
      return;
    }
    closeSheet();
    await queueAction(jobId, "incomplete", { at: tappedAt, reason, note: note || null,
                                             follow_up: true });
  };
}

// ------------------------------------------------------------------ queue events

async function onQueue(type, detail) {
  state.queue = await queue.entries();
  if (type === "applied" && detail.entry.kind === "action" && state.day) {
    const job = detail.body && (detail.body.job || detail.body);
    state.applied[job.id] = job;
    for (const d of state.day.days) {
      const i = d.stops.findIndex((s) => s.id === job.id);
      if (i >= 0) d.stops[i] = { ...d.stops[i], ...job };
    }
    await db.kvSet("day", state.day);
  }
  if (type === "refused") {
    state.notices.push({ bad: true, text: `${ACTION_LABELS[detail.action] || "Upload"} for ${jobRef(detail.job_id)} was not accepted: ${detail.error.message}` });
    scheduleRefresh(100);
  }
  if (type === "unauthorized") return signedOut();
  if (type === "idle") scheduleRefresh(1500);
  render();
}

// ------------------------------------------------------------------ wiring

document.addEventListener("click", async (e) => {
  const t = e.target.closest("[data-act],[data-toggle],[data-seen],[data-retry],[data-dismiss],[data-ack-removed],[data-ack-notice],#sync");
  if (!t) return;
  if (t.dataset.act) {
    e.preventDefault();
    t.disabled = true;
    state.busy += 1;
    try { await act(t.dataset.act, Number(t.dataset.job)); } finally { state.busy -= 1; }
    return;
  }
  if (t.dataset.toggle) {
    const id = Number(t.dataset.toggle);
    if (state.open.has(id)) state.open.delete(id); else state.open.add(id);
    render();
    return;
  }
  if (t.dataset.seen) return markSeen(Number(t.dataset.seen));
  if (t.dataset.retry) return queue.retry(Number(t.dataset.retry));
  if (t.dataset.dismiss) return queue.dismiss(Number(t.dataset.dismiss));
  if (t.dataset.ackRemoved) {
    delete state.seen[t.dataset.ackRemoved];
    await db.kvSet("seen", state.seen);
    return render();
  }
  if (t.dataset.ackNotice) { state.notices.splice(Number(t.dataset.ackNotice), 1); return render(); }
  if (t.id === "sync") queue.flush();
});

function setupFooter() {
  const duty = $("#on-duty");
  duty.checked = location.isOnDuty();
  duty.onchange = () => location.setOnDuty(duty.checked);
  location.start(state.me.technician_id, (text) => { $("#duty-state").textContent = text; });
  $("#sign-out").onclick = async (e) => {
    e.preventDefault();
    try { await fetch("/api/v1/auth/logout", { method: "POST", credentials: "same-origin" }); } catch (_e) { /* offline */ }
    await signedOut();
  };
  $("#calendar-create").onclick = async () => {
    const out = $("#calendar-link");
    try {
      const reply = await fetch(`/api/v1/technicians/${state.me.technician_id}/calendar-feeds`,
                                { method: "POST", credentials: "same-origin" });
      const body = await reply.json();
      if (!reply.ok) throw new Error(body.error?.message || "failed");
      const webcal = body.url.replace(/^https?:/, "webcal:");
      out.innerHTML = `<a href="${esc(webcal)}">Subscribe in my calendar</a><br><span class="muted">${esc(body.url)}</span>`;
    } catch (err) {
      out.textContent = `Could not create the link: ${err.message}`;
    }
  };
}

window.crewboardTech = { state, queue, db, flush: queue.flush, refresh, reportLocation: location.report };
start();
