// The dispatch board: loads the day, wires the panels, listens to the live
// event stream and maps the keyboard. Everything happens without a reload.

import { ApiError, get, post } from "../api.js";
import { bookJob, cancelJob, dispatchJob, hooks, optimize, suggest, undo } from "./actions.js";
import { closeDrawer, invalidateHistory, showJob, showTech } from "./drawer.js";
import { renderExceptions } from "./exceptions.js";
import { installMap, renderMap } from "./map.js";
import { installQueue, renderFilterChoices, renderQueue } from "./queue.js";
import { changed, now, onChange, putJob, setBoard, state } from "./state.js";
import { installTimeline, renderTimeline, revealJob, revealTech, tickNow } from "./timeline.js";
import { closeModal, modal, modalOpen, toast } from "./ui.js";
import { addDays, el, label, localDate, localToUtc, longDay, setZone } from "./util.js";

const root = document.getElementById("board");
state.readonly = root.dataset.readonly === "true";
setZone(root.dataset.tz);

// ---------------------------------------------------------------- rendering

function render(what) {
  if (!state.board) return;
  if (what === "all" || what === "jobs" || what === "timeline") renderTimeline();
  if (what === "all" || what === "jobs" || what === "queue") renderQueue();
  if (what === "all" || what === "jobs" || what === "map") renderMap();
  if (what === "all") { renderExceptions(); renderFilterChoices(); }
  if ((what === "all" || what === "jobs") && !document.getElementById("drawer").hidden) redrawDrawer();
}
onChange(render);

function redrawDrawer() {
  const open = document.querySelector("#drawer-body [data-job], #drawer-body [data-tech]");
  if (state.selectedJob && open?.closest(".drawer-job")) showJob(state.selectedJob);
  else if (state.selectedTech && open?.closest(".drawer-tech")) showTech(state.selectedTech);
}

hooks.select = ({ job = null, tech = null, from } = {}) => {
  state.selectedJob = job;
  state.selectedTech = tech ?? (job ? state.jobs.get(job)?.technician_id ?? null : null);
  if (job) showJob(job);
  else if (tech) showTech(tech);
  else closeDrawer();
  renderTimeline();
  renderQueue();
  renderMap();
  if (from === "map" || from === "key") {
    if (job) {
      revealJob(job);
      document.querySelector(`.qcard[data-job="${job}"]`)?.scrollIntoView({ block: "nearest" });
    } else if (tech) revealTech(tech);
  }
};

// ---------------------------------------------------------------- loading the day

let loading = null;
let again = false;

async function load() {
  if (loading) { again = true; return loading; }
  lastFull = Date.now();
  loading = (async () => {
    do {
      again = false;
      const day = state.date;
      try {
        const board = await get(`/planning/board?date=${day}`);
        if (day !== state.date) { again = true; continue; }
        setBoard(board);
        root.classList.remove("load-failed");
        render("all");
      } catch (err) {
        root.classList.add("load-failed");
        const msg = err instanceof ApiError && err.status === 404
          ? "The planning service did not answer (GET /api/v1/planning/board is missing)."
          : `Could not load the board: ${err.message}`;
        document.getElementById("tl-body").replaceChildren(el("p", { class: "load-error" }, msg));
      }
    } while (again);
  })();
  try { await loading; } finally { loading = null; }
  return undefined;
}

hooks.refresh = () => load();

function setDay(day, { push = true } = {}) {
  state.date = day;
  const today = localDate(now());
  document.getElementById("day-input").value = day;
  document.getElementById("day-label").textContent = longDay(day);
  for (const b of document.querySelectorAll("[data-day]")) {
    b.classList.toggle("on", addDays(today, Number(b.dataset.day)) === day);
  }
  if (push) {
    const url = new URL(window.location.href);
    if (day === today) url.searchParams.delete("date"); else url.searchParams.set("date", day);
    history.replaceState(null, "", url);
  }
  state.selectedJob = null;
  closeDrawer();
  load();
}

// ---------------------------------------------------------------- live updates

const JOB_EVENTS = ["created", "updated", "scheduled", "assigned", "reassigned", "rescheduled",
  "unassigned", "dispatched", "accepted", "en_route", "arrived", "completed", "incomplete",
  "cancelled", "archived", "delay_reported", "note", "follow_up_created", "eta", "eta_updated",
  "late", "delayed"].map((e) => `job.${e}`);
const OTHER_EVENTS = ["technician.created", "technician.updated", "technician.time_off",
  "technician.call_out", "technician.absence_removed", "technician.location", "technician.job_removed",
  "technician.status", "plan.applied", "planning.applied", "planning.proposal_applied",
  "planning.eta", "eta.updated", "company.updated", "message"];

// Every open board re-reads the whole day after changes, and the day is the most
// expensive read there is: patch what the event names at once (one job, one
// position) and fold the full reload into at most one every FULL_GAP_MS.
const FULL_GAP_MS = 2000;
let refreshTimer = null;
let refreshDue = 0;
let lastFull = 0;
function scheduleRefresh(delay) {
  const wait = Math.max(delay, FULL_GAP_MS - (Date.now() - lastFull));
  const due = Date.now() + wait;
  if (refreshTimer && refreshDue <= due) return;  // one is already coming sooner
  clearTimeout(refreshTimer);
  refreshDue = due;
  refreshTimer = setTimeout(async () => {
    refreshTimer = null;
    lastFull = Date.now();
    await load();
  }, wait);
}

const jobFetches = new Map();
async function refreshJob(jobId) {
  if (jobFetches.has(jobId)) return;
  jobFetches.set(jobId, true);
  try {
    const job = await get(`/jobs/${jobId}`);
    putJob(job);
    changed("jobs");
  } catch { /* gone or hidden: the full refresh will tell */ } finally { jobFetches.delete(jobId); }
}

const positionFetches = new Set();
async function refreshPosition(techId) {
  const tech = state.techs.get(techId);
  if (!tech || positionFetches.has(techId)) return;
  positionFetches.add(techId);
  try {
    const row = await get(`/technicians/${techId}`);
    if (row.last_seen_at && row.last_lat != null) {
      tech.position = { lat: row.last_lat, lon: row.last_lon, at: row.last_seen_at };
      changed("map");
    }
  } catch { /* the next full reload will tell */ } finally { positionFetches.delete(techId); }
}

function onEvent(ev) {
  let msg;
  try { msg = JSON.parse(ev.data); } catch { return; }
  const type = msg.type || ev.type;
  if (type.startsWith("job.") && msg.job_id) {
    if (msg.job_id === state.selectedJob) invalidateHistory();
    if (state.jobs.has(msg.job_id)) refreshJob(msg.job_id);
    scheduleRefresh(300);
  } else if (type === "technician.location") {
    // Pings are frequent: move the marker now, re-read ETAs with the next full reload.
    if (msg.technician_id) refreshPosition(msg.technician_id);
    scheduleRefresh(5000);
  } else {
    scheduleRefresh(300);
  }
  root.dataset.lastEvent = String(msg.event_id || "");
}

function connect() {
  const live = document.getElementById("live");
  const source = new EventSource("/api/v1/events/stream");
  let wasDown = false;
  source.onopen = () => {
    live.textContent = "live";
    live.className = "live on";
    if (wasDown) scheduleRefresh(50);  // the server replays what we missed; reload to be sure
  };
  source.onerror = () => {
    wasDown = true;
    live.textContent = source.readyState === EventSource.CLOSED ? "offline" : "reconnecting…";
    live.className = "live off";
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
  };
  for (const type of [...JOB_EVENTS, ...OTHER_EVENTS]) source.addEventListener(type, onEvent);
  window.boardEvents = source;
}

// ---------------------------------------------------------------- keyboard

function typing(e) {
  const t = e.target;
  return t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));
}

function moveSelection(delta) {
  const cards = [...document.querySelectorAll("#queue-list .qcard")];
  if (!cards.length) return;
  const i = cards.findIndex((c) => Number(c.dataset.job) === state.selectedJob);
  const next = cards[Math.max(0, Math.min(cards.length - 1, i + delta))];
  hooks.select({ job: Number(next.dataset.job), from: "key" });
}

const SHORTCUTS = [
  ["/", "Search the queue"], ["n", "Book a new job"], ["s", "Suggest a technician for the selected job"],
  ["d", "Dispatch the selected job"], ["c", "Cancel the selected job"], ["o", "Optimize the day"],
  ["z", "Undo the last move"], ["j / k", "Next / previous job in the queue"], ["← / →", "Previous / next day"],
  ["t", "Today"], ["r", "Reload the day"], ["Esc", "Close"], ["?", "This help"]];

function help() {
  modal("Keyboard shortcuts", () => el("table", { class: "grid keys" },
    el("tbody", {}, SHORTCUTS.map(([k, v]) => el("tr", {}, el("td", {}, el("kbd", {}, k)), el("td", {}, v))))));
}

document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === "Escape") {
    if (modalOpen()) return;  // the dialog closes itself
    if (typing(e)) { e.target.blur(); return; }
    hooks.select({});
    return;
  }
  if (typing(e) || modalOpen()) return;
  const job = state.selectedJob;
  const ro = state.readonly;
  const keys = {
    "/": () => document.getElementById("queue-search").focus(),
    n: () => !ro && bookJob(),
    s: () => job && suggest(job),
    d: () => job && !ro && dispatchJob(job),
    c: () => job && !ro && cancelJob(job),
    o: () => !ro && optimize(state.selectedTech && e.shiftKey ? [state.selectedTech] : null),
    z: () => !ro && undo(),
    j: () => moveSelection(1),
    k: () => moveSelection(-1),
    ArrowLeft: () => setDay(addDays(state.date, -1)),
    ArrowRight: () => setDay(addDays(state.date, 1)),
    t: () => setDay(localDate(now())),
    r: () => load(),
    "?": help,
  };
  const fn = keys[e.key];
  if (fn) { e.preventDefault(); fn(); }
});

// ---------------------------------------------------------------- top bar

function installTopbar() {
  document.getElementById("day-prev").addEventListener("click", () => setDay(addDays(state.date, -1)));
  document.getElementById("day-next").addEventListener("click", () => setDay(addDays(state.date, 1)));
  for (const b of document.querySelectorAll("[data-day]")) {
    b.addEventListener("click", () => setDay(addDays(localDate(now()), Number(b.dataset.day))));
  }
  document.getElementById("day-input").addEventListener("change", (e) => { if (e.target.value) setDay(e.target.value); });
  document.getElementById("btn-new").addEventListener("click", () => bookJob());
  document.getElementById("btn-optimize").addEventListener("click", () => optimize(null));
  document.getElementById("btn-undo").addEventListener("click", () => undo());
  document.getElementById("btn-help").addEventListener("click", help);
  document.getElementById("drawer-close").addEventListener("click", () => hooks.select({}));
  document.getElementById("btn-logout").addEventListener("click", async () => {
    try { await post("/auth/logout"); } finally { window.location.assign("/login"); }
  });
  const legend = document.getElementById("legend");
  legend.replaceChildren(...["assigned", "dispatched", "accepted", "en_route", "on_site", "completed", "incomplete"]
    .map((s) => el("span", { class: "lg" }, el("i", { class: `dot s-${s}` }), label(s))),
    el("span", { class: "lg" }, el("i", { class: "sw sw-drive" }), "drive"),
    el("span", { class: "lg" }, el("i", { class: "sw sw-break" }), "break"),
    el("span", { class: "lg" }, el("i", { class: "sw sw-absence" }), "time off / call-out"),
    el("span", { class: "lg" }, el("i", { class: "sw sw-late" }), "late"),
    el("span", { class: "lg" }, el("i", { class: "sw sw-emergency" }), "emergency"));
}

// ---------------------------------------------------------------- boot

installTopbar();
installTimeline();
installQueue();
installMap();
const fromUrl = new URLSearchParams(window.location.search).get("date");
setDay(/^\d{4}-\d{2}-\d{2}$/.test(fromUrl || "") ? fromUrl : localDate(Date.now()), { push: false });
connect();
setInterval(tickNow, 30_000);
window.addEventListener("error", (e) => toast(`Board error: ${e.message}`, "error"));
// A small handle for tests and the curious: the state and a local-time helper.
window.board = { state, load, render, closeModal, at: (hhmm) => localToUtc(state.date, hhmm) };
