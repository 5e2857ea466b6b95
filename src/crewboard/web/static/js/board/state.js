// The board's state: the loaded day, the selection and the filters. Modules
// read it directly and call `changed()`; listeners re-render what they own.

import { QUEUED, localToUtc } from "./util.js";

export const state = {
  date: null,            // YYYY-MM-DD (company local)
  board: null,           // GET /planning/board answer
  jobs: new Map(),       // id -> JobRead
  techs: new Map(),      // id -> board technician
  selectedJob: null,     // job id
  selectedTech: null,    // technician id
  readonly: false,
  clockSkew: 0,          // server now - client now (ms)
  dayStartMs: 0,
  dayEndMs: 0,
  filters: { q: "", priority: "", skill: "", region: "", type: "", tech: "" },
  flash: new Map(),      // job id -> {kind, message} shown on the card/block
  pending: new Set(),    // job ids with a request in flight
};

const listeners = new Set();
export function onChange(fn) { listeners.add(fn); }
export function changed(what = "all") { for (const fn of listeners) fn(what); }

export function now() { return Date.now() + state.clockSkew; }

export function setBoard(board) {
  state.board = board;
  state.jobs = new Map(board.jobs.map((j) => [j.id, j]));
  state.techs = new Map(board.technicians.map((t) => [t.id, t]));
  state.clockSkew = board.now ? Date.parse(board.now) - Date.now() : 0;
  // Visible span: the company day widened to every shift and planned job, whole hours.
  let start = localToUtc(board.date, board.day_start || "08:00") - 60 * 60_000;
  let end = localToUtc(board.date, board.day_end || "17:00") + 60 * 60_000;
  const widen = (a, b) => {
    if (a && Date.parse(a) < start) start = Date.parse(a);
    if (b && Date.parse(b) > end) end = Date.parse(b);
  };
  for (const t of board.technicians) if (t.shift) widen(t.shift.start, t.shift.end);
  for (const j of board.jobs) if (j.planned_start) widen(j.planned_start, j.planned_end);
  const dayFloor = localToUtc(board.date, "00:00");
  const dayCeil = localToUtc(board.date, "23:59") + 60_000;
  start = Math.max(dayFloor, start);
  end = Math.min(dayCeil, end);
  const hour = 60 * 60_000;
  state.dayStartMs = dayFloor + Math.floor((start - dayFloor) / hour) * hour;
  state.dayEndMs = dayFloor + Math.ceil((end - dayFloor) / hour) * hour;
  if (state.selectedJob && !state.jobs.has(state.selectedJob)) state.selectedJob = null;
}

export function putJob(job) {
  state.jobs.set(job.id, job);
  if (state.board) {
    const i = state.board.jobs.findIndex((j) => j.id === job.id);
    if (i >= 0) state.board.jobs[i] = job; else state.board.jobs.push(job);
  }
}

export function queueJobs() {
  return [...state.jobs.values()].filter((j) => j.technician_id == null && QUEUED.has(j.status)
                                           && !j.archived);
}

export function jobsOf(techId) {
  return [...state.jobs.values()].filter((j) => j.technician_id === techId && j.planned_start);
}

/** The region a queued job belongs to: that of the nearest technician's home base. */
export function jobRegion(job) {
  if (job._region !== undefined) return job._region;
  let best = null;
  let bestD = Infinity;
  for (const t of state.techs.values()) {
    if (!t.region || !t.home) continue;
    const d = (t.home.lat - job.lat) ** 2 + ((t.home.lon - job.lon) * 0.75) ** 2;
    if (d < bestD) { bestD = d; best = t.region; }
  }
  job._region = best;
  return best;
}
