// The offline queue: every write the technician makes is stored first (with an
// idempotency key and the moment it really happened), then sent in order.
// A replayed entry applies once on the server (Idempotency-Key, and attachment
// refs chosen here); an entry the server refuses stays, with its reason.

import * as db from "./db.js";

const listeners = new Set();
let running = false;
let again = false;
let retryTimer = null;
export const RETRY_MS = 15000;

export function newKey(prefix = "k") {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return prefix + "_" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }
const DEBUG = localStorage.getItem("cb.debug") === "1";
function emit(type, detail) {
  if (DEBUG) console.log("queue", type, String(JSON.stringify(detail && (detail.entry || detail))).slice(0, 200));
  for (const fn of listeners) fn(type, detail);
}

export async function entries() {
  const all = await db.queueAll();
  return all.sort((a, b) => a.seq - b.seq);
}

export async function enqueue(entry) {
  const row = { key: newKey(entry.kind[0]), state: "waiting", created: new Date().toISOString(),
                attempts: 0, ...entry };
  row.seq = await db.queueAdd(row);
  emit("queued", row);
  flush();
  return row;
}

export async function dismiss(seq) {
  const all = await entries();
  const row = all.find((e) => e.seq === seq);
  await db.queueDelete(seq);
  if (row && row.kind === "upload") await db.blobDelete(row.ref);
  emit("dismissed", row);
}

export async function retry(seq) {
  const all = await entries();
  const row = all.find((e) => e.seq === seq);
  if (!row) return;
  row.state = "waiting";
  delete row.error;
  await db.queuePut(row);
  emit("queued", row);
  flush();
}

async function request(entry) {
  if (entry.kind === "upload") {
    const stored = await db.blobGet(entry.ref);
    if (!stored) return { status: 410, body: { error: { code: "blob_missing",
      message: "The photo is no longer on this phone." } } };
    const qs = new URLSearchParams({ kind: entry.blobKind });
    if (entry.job_id) qs.set("job_id", entry.job_id);
    return send(`/api/v1/attachments/${entry.ref}?${qs}`, "PUT", stored.blob,
                { "Content-Type": stored.blob.type || "application/octet-stream" });
  }
  const headers = { "Content-Type": "application/json", "Idempotency-Key": entry.key };
  if (entry.kind === "location") {
    return send(`/api/v1/technicians/${entry.technician_id}/location`, "POST",
                JSON.stringify(entry.body), headers);
  }
  return send(`/api/v1/jobs/${entry.job_id}/${entry.action}`, "POST",
              JSON.stringify(entry.body), headers);
}

async function send(url, method, body, headers) {
  const reply = await fetch(url, { method, body, credentials: "same-origin",
                                   headers: { Accept: "application/json", ...headers } });
  const text = await reply.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_err) { data = null; }
  return { status: reply.status, body: data };
}

function reasonOf(result) {
  const err = (result.body && result.body.error) || {};
  let message = err.message || `The server refused this (${result.status}).`;
  if (result.status === 404 && err.code === "not_found") {
    message += " It was probably reassigned or removed by the office.";
  }
  return { status: result.status, code: err.code || "http_error", message };
}

export async function flush() {
  if (running) { again = true; return; }
  running = true;
  clearTimeout(retryTimer);
  try {
    do {
      again = false;
      const all = await entries();
      for (const entry of all) {
        if (entry.state !== "waiting") continue;
        const blocked = blockedBy(entry, all);
        if (blocked) {
          entry.state = "refused";
          entry.error = { status: 0, code: "upload_refused", message:
            `A ${blocked.blobKind} for it was not accepted (${blocked.error.message}); nothing was sent.` };
          await db.queuePut(entry);
          emit("refused", entry);
          continue;
        }
        let result;
        try {
          result = await request(entry);
        } catch (_networkError) {
          emit("offline", entry);
          scheduleRetry();
          return;
        }
        entry.attempts += 1;
        if (result.status >= 200 && result.status < 300) {
          await db.queueDelete(entry.seq);
          emit("applied", { entry, body: result.body });
        } else if (result.status === 401) {
          emit("unauthorized", entry);
          return;
        } else if (result.status >= 500 || result.status === 408 || result.status === 429) {
          await db.queuePut(entry);
          scheduleRetry();
          emit("retry", entry);
          return;
        } else if (entry.kind === "location") {
          await db.queueDelete(entry.seq);  // a stale breadcrumb is not worth a warning
        } else {
          entry.state = "refused";
          entry.error = reasonOf(result);
          await db.queuePut(entry);
          emit("refused", entry);
        }
      }
    } while (again);
    emit("idle");
  } finally {
    running = false;
  }
}

// A completion is not sent while one of its photos or its signature was refused:
// the job would close with a proof the server never received.
function blockedBy(entry, all) {
  if (entry.kind !== "action" || entry.action !== "complete") return null;
  const refs = new Set([...(entry.body.photos || []), entry.body.signature_ref].filter(Boolean));
  return all.find((e) => e.kind === "upload" && e.state === "refused" && refs.has(e.ref)) || null;
}

function scheduleRetry() {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => { if (navigator.onLine) flush(); }, RETRY_MS);
}

addEventListener("online", () => flush());
