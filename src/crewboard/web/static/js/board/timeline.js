// The timeline: one row per technician, the company day across, job blocks at
// their planned times with the drive before each, and drag to (re)place jobs.

import { placeJob, hooks } from "./actions.js";
import { changed, jobsOf, now, state } from "./state.js";
import { TERMINAL, el, hhmm, initials, label, minutes, techColor, windowText } from "./util.js";

const SNAP_MS = 5 * 60_000;
const body = () => document.getElementById("tl-body");

function pct(ms) {
  return ((ms - state.dayStartMs) / (state.dayEndMs - state.dayStartMs)) * 100;
}

function span(startMs, endMs, cls, attrs = {}, ...children) {
  const a = Math.max(state.dayStartMs, startMs);
  const b = Math.min(state.dayEndMs, endMs);
  if (b <= a) return null;
  return el("div", { class: cls, ...attrs, style: { left: `${pct(a)}%`, width: `${pct(b) - pct(a)}%` } },
            ...children);
}

export function renderHours() {
  const hours = document.getElementById("tl-hours");
  const n = Math.round((state.dayEndMs - state.dayStartMs) / 3_600_000);
  const marks = [];
  for (let i = 0; i < n; i += 1) {
    const t = state.dayStartMs + i * 3_600_000;
    marks.push(el("span", { class: "hour", style: { left: `${pct(t)}%` } }, hhmm(t).slice(0, 2)));
  }
  hours.replaceChildren(...marks);
  document.getElementById("board").style.setProperty("--hours", n);
}

function techMatches(tech) {
  const q = state.filters.tech.trim().toLowerCase();
  if (!q) return true;
  return tech.name.toLowerCase().includes(q) || (tech.region || "").toLowerCase().includes(q)
    || Object.keys(tech.skills || {}).some((s) => s.toLowerCase().includes(q))
    || (tech.status || "").toLowerCase().includes(q);
}

function techHead(tech, jobs) {
  const skills = Object.entries(tech.skills || {});
  const open = jobs.filter((j) => !TERMINAL.has(j.status));
  const done = jobs.filter((j) => j.status === "completed").length;
  const avatar = tech.photo_url
    ? el("img", { class: "avatar", src: tech.photo_url, alt: "", loading: "lazy" })
    : el("span", { class: "avatar", style: { background: techColor(tech.id) } }, initials(tech.name));
  const callout = (tech.absences || []).some((a) => a.kind === "call_out");
  return el("div", { class: "tl-tech", dataset: { tech: tech.id }, title: `${tech.name}${tech.region ? ` · ${tech.region}` : ""}\n`
      + `${skills.map(([k, v]) => `${k} ${v}`).join(", ")}` },
    avatar,
    el("div", { class: "tech-main" },
      el("div", { class: "tech-name" }, el("span", { class: "name" }, tech.name),
         el("span", { class: `status st-${callout ? "called_out" : tech.status || "unknown"}` },
            label(callout ? "called out" : tech.status || ""))),
      el("div", { class: "tech-sub" },
        el("span", { class: "chips" }, skills.slice(0, 2).map(([k]) => el("span", { class: "chip" }, k)),
           skills.length > 2 ? el("span", { class: "chip more" }, `+${skills.length - 2}`) : null),
        el("span", { class: "load" }, `${done}/${jobs.length}${open.length ? "" : " ✓"} · ${minutes(tech.drive_s)}`))));
}

function jobBlock(job, stop) {
  const start = Date.parse(job.planned_start);
  const end = job.planned_end ? Date.parse(job.planned_end) : start + job.duration_min * 60_000;
  const lateS = stop ? (stop.predicted_late_s ?? stop.late_s ?? 0) : 0;
  const late = lateS > 0;
  const flash = state.flash.get(job.id);
  const movable = !state.readonly && (job.allowed_actions.includes("reassign")
                                      || job.allowed_actions.includes("reschedule"));
  const cls = ["job", `s-${job.status}`, `p-${job.priority}`, late ? "late" : "",
               state.selectedJob === job.id ? "selected" : "", state.pending.has(job.id) ? "pending" : "",
               flash ? `flash-${flash.kind}` : "", movable ? "movable" : ""].filter(Boolean).join(" ");
  const title = `${job.ref} · ${job.customer_name}\n${job.address}\n${label(job.status)} · ${job.priority}`
    + ` · ${hhmm(start)}–${hhmm(end)}\nwindow ${windowText(job)}`
    + (late ? `\nlate by ${minutes(lateS)}` : "") + (flash ? `\n${flash.message}` : "");
  return span(start, end, cls, { dataset: { job: job.id }, title, role: "button", tabindex: "-1" },
    el("span", { class: "jref" }, job.ref),
    el("span", { class: "jcust" }, job.customer_name),
    late ? el("span", { class: "late-badge" }, `+${Math.round(lateS / 60)}′`) : null,
    flash ? el("span", { class: "jflash" }, flash.message) : null);
}

function lane(tech, jobs) {
  const parts = [];
  if (tech.shift) {
    parts.push(span(state.dayStartMs, Date.parse(tech.shift.start), "offshift"));
    parts.push(span(Date.parse(tech.shift.end), state.dayEndMs, "offshift"));
    parts.push(el("div", { class: "shift-end", title: `Shift ends ${hhmm(tech.shift.end)}`,
                           style: { left: `${pct(Date.parse(tech.shift.end))}%` } }));
  } else {
    parts.push(span(state.dayStartMs, state.dayEndMs, "offshift whole", {}, el("span", {}, "not working")));
  }
  for (const b of tech.breaks || []) {
    parts.push(span(Date.parse(b.start), Date.parse(b.end), "break", { title: `Break ${hhmm(b.start)}–${hhmm(b.end)}` }));
  }
  for (const a of tech.absences || []) {
    parts.push(span(Date.parse(a.start), Date.parse(a.end), `absence ${a.kind}`,
      { title: `${label(a.kind)} ${hhmm(a.start)}–${hhmm(a.end)}${a.reason ? ` · ${a.reason}` : ""}` },
      el("span", {}, `${a.kind === "call_out" ? "Called out" : "Time off"}${a.reason ? ` · ${a.reason}` : ""}`)));
  }
  const stops = new Map((tech.route || []).map((r) => [r.job_id, r]));
  for (const r of tech.route || []) {
    const arrival = Date.parse(r.arrival || r.start);
    if (r.travel_s > 0) {
      parts.push(span(arrival - r.travel_s * 1000, arrival, "drive", { title: `Drive ${minutes(r.travel_s)}` }));
    }
    const start = Date.parse(r.start);
    if (start - arrival > 60_000) parts.push(span(arrival, start, "wait", { title: `Wait ${minutes((start - arrival) / 1000)}` }));
  }
  for (const job of jobs) {
    if (job.status === "cancelled") continue;
    parts.push(jobBlock(job, stops.get(job.id)));
  }
  return el("div", { class: "tl-lane", dataset: { tech: tech.id } }, parts);
}

export function renderTimeline() {
  if (!state.board) return;
  renderHours();
  const rows = [];
  let shown = 0;
  const techs = state.board.technicians;
  for (const tech of techs) {
    if (!techMatches(tech)) continue;
    shown += 1;
    const jobs = jobsOf(tech.id).sort((a, b) => Date.parse(a.planned_start) - Date.parse(b.planned_start));
    const cls = ["tl-row", state.selectedTech === tech.id ? "selected" : "",
                 (tech.absences || []).some((a) => a.kind === "call_out") ? "called-out" : ""].filter(Boolean).join(" ");
    rows.push(el("div", { class: cls, dataset: { tech: tech.id } }, techHead(tech, jobs), lane(tech, jobs)));
  }
  const t = now();
  const nowLine = t >= state.dayStartMs && t <= state.dayEndMs
    ? el("div", { class: "now-line", id: "now-line", style: { "--now": String(pct(t) / 100) } }, el("span", {}, hhmm(t)))
    : null;
  const scroll = body().scrollTop;
  body().replaceChildren(el("div", { class: "tl-rows" }, ...rows, nowLine || ""));
  body().scrollTop = scroll;
  document.getElementById("tech-count").textContent = `${shown} of ${techs.length} technicians`;
}

export function tickNow() {
  const line = document.getElementById("now-line");
  const t = now();
  if (!line) return;
  line.style.setProperty("--now", String(pct(t) / 100));
  line.firstChild.textContent = hhmm(t);
}

export function revealJob(jobId) {
  const block = body().querySelector(`.job[data-job="${jobId}"]`);
  if (block) block.scrollIntoView({ block: "nearest", inline: "nearest" });
}

export function revealTech(techId) {
  const row = body().querySelector(`.tl-row[data-tech="${techId}"]`);
  if (row) row.scrollIntoView({ block: "nearest" });
}

// ---------------------------------------------------------------- drag and drop

let drag = null;

function ghost() { return document.getElementById("drag-ghost"); }

function target(x, y) {
  const under = document.elementFromPoint(x, y);
  if (!under) return null;
  if (under.closest("#queue-list, .queue")) return { queue: true };
  const laneEl = under.closest(".tl-lane") || under.closest(".tl-row")?.querySelector(".tl-lane");
  if (!laneEl) return null;
  const rect = laneEl.getBoundingClientRect();
  const frac = Math.min(1, Math.max(0, (x - drag.grabPx - rect.left) / rect.width));
  let t = state.dayStartMs + frac * (state.dayEndMs - state.dayStartMs);
  t = Math.round(t / SNAP_MS) * SNAP_MS;
  return { lane: laneEl, techId: Number(laneEl.dataset.tech), start: t };
}

function clearPreview() {
  document.querySelectorAll(".tl-lane.drop-target").forEach((n) => n.classList.remove("drop-target"));
  document.querySelectorAll(".drop-preview").forEach((n) => n.remove());
  document.querySelector(".queue")?.classList.remove("drop-target");
}

function onMove(e) {
  if (!drag) return;
  const dx = e.clientX - drag.x0;
  const dy = e.clientY - drag.y0;
  if (!drag.active) {
    if (Math.hypot(dx, dy) < 5) return;
    drag.active = true;
    drag.source.classList.add("dragging");
    document.body.classList.add("is-dragging");
  }
  const g = ghost();
  g.hidden = false;
  g.style.transform = `translate(${e.clientX + 12}px, ${e.clientY + 10}px)`;
  clearPreview();
  const tgt = target(e.clientX, e.clientY);
  drag.target = tgt;
  const job = state.jobs.get(drag.jobId);
  if (tgt?.queue) {
    if (job.technician_id != null) {
      document.querySelector(".queue").classList.add("drop-target");
      g.textContent = `${job.ref} → back to the queue`;
    } else { g.textContent = job.ref; drag.target = null; }
  } else if (tgt) {
    tgt.lane.classList.add("drop-target");
    const end = tgt.start + job.duration_min * 60_000;
    const prev = span(tgt.start, end, "drop-preview");
    if (prev) tgt.lane.append(prev);
    const tech = state.techs.get(tgt.techId);
    g.textContent = `${job.ref} → ${tech?.name || "?"} · ${hhmm(tgt.start)}–${hhmm(end)}`;
  } else {
    g.textContent = `${job.ref}`;
  }
}

async function onUp(e) {
  document.removeEventListener("pointermove", onMove);
  document.removeEventListener("pointerup", onUp);
  document.removeEventListener("keydown", onKey, true);
  const d = drag;
  drag = null;
  ghost().hidden = true;
  clearPreview();
  document.body.classList.remove("is-dragging");
  if (!d) return;
  d.source.classList.remove("dragging");
  if (!d.active) {
    hooks.select({ job: d.jobId });
    return;
  }
  e.preventDefault();
  const job = state.jobs.get(d.jobId);
  const tgt = d.target;
  if (!tgt || !job) return;
  if (tgt.queue) {
    if (job.technician_id != null) await placeJob(job.id, null, null, { reason: "Moved back to the queue" });
    return;
  }
  if (job.technician_id === tgt.techId && job.planned_start && Date.parse(job.planned_start) === tgt.start) return;
  await placeJob(job.id, tgt.techId, tgt.start);
}

function onKey(e) {
  if (e.key === "Escape" && drag) {
    e.stopPropagation();
    drag.source.classList.remove("dragging");
    drag = null;
    ghost().hidden = true;
    clearPreview();
    document.body.classList.remove("is-dragging");
  }
}

/** Start dragging job ``jobId`` from ``source`` (a block or a queue card). */
export function startDrag(e, jobId, source, fromBlock) {
  if (e.button !== 0) return;
  const rect = source.getBoundingClientRect();
  // A block keeps the grab point under the pointer; a queue card drops its start at the pointer.
  drag = { jobId, source, x0: e.clientX, y0: e.clientY, active: false, target: null,
           grabPx: fromBlock ? e.clientX - rect.left : 0 };
  if (state.readonly) { drag.readonly = true; }
  document.addEventListener("pointermove", onMove);
  document.addEventListener("pointerup", onUp);
  document.addEventListener("keydown", onKey, true);
}

export function installTimeline() {
  const b = body();
  b.addEventListener("pointerdown", (e) => {
    const block = e.target.closest(".job");
    if (block) {
      const id = Number(block.dataset.job);
      if (block.classList.contains("movable")) {
        e.preventDefault();
        startDrag(e, id, block, true);
      } else {
        hooks.select({ job: id });
      }
      return;
    }
    const head = e.target.closest(".tl-tech");
    if (head) hooks.select({ tech: Number(head.dataset.tech) });
  });
  document.getElementById("tech-filter").addEventListener("input", (e) => {
    state.filters.tech = e.target.value;
    changed("timeline");
  });
}
