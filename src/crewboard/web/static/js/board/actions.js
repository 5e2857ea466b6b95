// What the dispatcher does: place (assign / reassign / reschedule / unassign),
// dispatch, cancel, suggest, optimize, call-out, undo. Every flow asks the
// server first and shows its answer; nothing reloads the page.

import { ApiError, get, post } from "../api.js";
import { changed, jobsOf, now, putJob, state } from "./state.js";
import { busy, modal, toast } from "./ui.js";
import { TERMINAL, el, hhmm, label, localToUtc, windowText } from "./util.js";

export const hooks = { refresh: async () => {}, select: () => {} };

const undoStack = [];
const MOVED = { assign: "assigned to", reassign: "reassigned to", reschedule: "rescheduled on",
                unassign: "moved back to the queue from" };

function techName(id) { return state.techs.get(id)?.name || `technician ${id}`; }

export function flash(jobId, kind, message, ms = 9000) {
  state.flash.set(jobId, { kind, message });
  changed("jobs");
  setTimeout(() => {
    if (state.flash.get(jobId)?.message === message) { state.flash.delete(jobId); changed("jobs"); }
  }, ms);
}

function setPending(jobId, on) {
  if (on) state.pending.add(jobId); else state.pending.delete(jobId);
  changed("jobs");
}

/** The server's answer to a refused or conflicting action, shown without losing anything. */
export async function explain(err, jobId) {
  if (!(err instanceof ApiError)) {
    toast(`Network problem: ${err.message}. Nothing was changed; try again.`, "error");
    return;
  }
  const job = state.jobs.get(jobId);
  if (err.code === "stale_version") {
    const current = err.body?.error?.current;
    if (current) putJob(current);
    const where = current?.technician_name
      ? `now ${label(current.status)} with ${current.technician_name} at ${hhmm(current.planned_start)}`
      : `now ${label(current?.status || "changed")} and unassigned`;
    const msg = `${job?.ref || "The job"} was changed by someone else (${where}). Your change was not applied.`;
    flash(jobId, "conflict", msg);
    toast(msg, "warn", { timeout: 10000 });
  } else if (err.code === "invalid_transition") {
    flash(jobId, "conflict", err.message);
    toast(err.message, "warn", { timeout: 10000 });
  } else {
    if (jobId) flash(jobId, "refused", err.message);
    toast(err.message, "error", { timeout: 10000 });
  }
  await hooks.refresh();
}

// ---------------------------------------------------------------- placing a job

function findingList(findings) {
  return el("ul", { class: "findings" }, findings.map((f) => el("li", {
    class: f.hard ? "hard" : "soft", dataset: { code: f.code } },
    el("span", { class: "code" }, label(f.code)), " ", f.message)));
}

function askWarnings(job, what, warnings) {
  return modal("Check before placing", (close) => el("div", { class: "confirm" },
    el("p", {}, `${job.ref} · ${job.customer_name}: ${what}. The plan allows it, but note:`),
    findingList(warnings),
    el("div", { class: "buttons" },
      el("button", { type: "button", onclick: () => close(false) }, "Cancel"),
      el("button", { type: "button", class: "primary", id: "confirm-warnings",
                     onclick: () => close(true) }, "Place anyway"))));
}

function askOverride(job, what, findings) {
  return modal("Refused by the rules", (close) => {
    const reason = el("input", { type: "text", id: "override-reason", placeholder: "Why is this OK? (required)" });
    const go = el("button", { type: "button", class: "danger", id: "override-go", disabled: true,
                              onclick: () => close({ reason: reason.value.trim() }) },
                  "Override with reason");
    reason.addEventListener("input", () => { go.disabled = !reason.value.trim(); });
    return el("div", { class: "confirm refused" },
      el("p", {}, `${job.ref} cannot be ${what} as things stand:`),
      findingList(findings),
      el("label", {}, "Override reason", reason),
      el("div", { class: "buttons" },
        el("button", { type: "button", class: "primary", onclick: () => close(null) },
           "Keep as it was"), go));
  });
}

/**
 * Put ``jobId`` with ``techId`` at ``startMs`` (or back in the queue when techId is null):
 * dry run, show hard refusals (override with reason) and warnings (confirm), then commit.
 */
export async function placeJob(jobId, techId, startMs, { reason } = {}) {
  const job = state.jobs.get(jobId);
  if (!job || state.readonly) return false;
  const body = { version: job.version, technician_id: techId };
  if (techId != null) body.planned_start = new Date(startMs).toISOString();
  if (reason) body.reason = reason;
  const what = techId == null ? "moved back to the queue"
    : `with ${techName(techId)} at ${hhmm(startMs)}`;
  setPending(jobId, true);
  try {
    if (techId != null) {
      const dry = await post(`/board/jobs/${jobId}/move`, { ...body, dry_run: true });
      setPending(jobId, false);  // the card is not busy while the dispatcher decides
      const hard = dry.warnings.filter((w) => w.hard);
      const soft = dry.warnings.filter((w) => !w.hard);
      if (hard.length) {
        flash(jobId, "refused", hard.map((f) => f.message).join(" "), 15000);
        const answer = await askOverride(job, `placed ${what}`, dry.warnings);
        if (!answer) return false;
        body.override = true;
        body.override_reason = answer.reason;
      } else if (soft.length) {
        if (!(await askWarnings(job, `placed ${what}`, soft))) return false;
      }
    }
    setPending(jobId, true);
    const done = await post(`/board/jobs/${jobId}/move`, body);
    putJob(done.job);
    state.flash.delete(jobId);
    const tech = techId ?? job.technician_id;
    const text = `${done.job.ref} ${MOVED[done.action]} ${techName(tech)}`
      + (techId != null ? ` at ${hhmm(done.job.planned_start)}` : "");
    if (done.undo) pushUndo({ text, jobId, ref: done.job.ref, body: done.undo });
    toast(text + (done.warnings.length ? ` (${done.warnings.length} warning${done.warnings.length > 1 ? "s" : ""})` : ""),
          "ok", { action: done.undo ? { label: "Undo", run: undo } : undefined });
    changed("jobs");
    hooks.refresh();
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.body?.error?.findings && err.status === 409) {
      flash(jobId, "refused", err.message, 15000);
      toast(err.message, "error", { timeout: 10000 });
      return false;
    }
    await explain(err, jobId);
    return false;
  } finally {
    setPending(jobId, false);
  }
}

// ---------------------------------------------------------------- undo

function pushUndo(entry) {
  undoStack.push(entry);
  if (undoStack.length > 20) undoStack.shift();
  updateUndo();
}

function updateUndo() {
  const button = document.getElementById("btn-undo");
  const last = undoStack[undoStack.length - 1];
  button.disabled = !last || state.readonly;
  button.title = last ? `Undo: ${last.text} (z)` : "Nothing to undo (z)";
}

export async function undo() {
  const last = undoStack.pop();
  updateUndo();
  if (!last) { toast("Nothing to undo.", "info"); return; }
  try {
    const done = await post(`/board/jobs/${last.jobId}/move`, { ...last.body, reason: "Undo" });
    putJob(done.job);
    toast(`Undone: ${last.text}.`, "ok");
    changed("jobs");
    hooks.refresh();
  } catch (err) {
    if (err instanceof ApiError && err.code === "stale_version") {
      toast(`Cannot undo: ${last.ref} was changed since (by someone else or a later action).`, "warn");
      await hooks.refresh();
    } else {
      await explain(err, last.jobId);
    }
  }
}

// ---------------------------------------------------------------- lifecycle buttons

export async function dispatchJob(jobId) {
  const job = state.jobs.get(jobId);
  if (!job || state.readonly) return;
  if (!job.allowed_actions.includes("dispatch")) {
    toast(`${job.ref} is ${label(job.status)}; only an assigned job can be dispatched.`, "warn");
    return;
  }
  setPending(jobId, true);
  try {
    const done = await post(`/jobs/${jobId}/dispatch`);
    putJob(done);
    toast(`${done.ref} sent to ${done.technician_name}.`, "ok");
    hooks.refresh();
  } catch (err) {
    await explain(err, jobId);
  } finally { setPending(jobId, false); }
}

export async function dispatchAll(techId) {
  const ready = jobsOf(techId).filter((j) => j.status === "assigned");
  for (const job of ready) {
    try { putJob(await post(`/jobs/${job.id}/dispatch`)); } catch (err) { await explain(err, job.id); return; }
  }
  toast(`${ready.length} job${ready.length === 1 ? "" : "s"} sent to ${techName(techId)}.`, "ok");
  hooks.refresh();
}

export async function cancelJob(jobId) {
  const job = state.jobs.get(jobId);
  if (!job || state.readonly) return;
  const reason = await modal(`Cancel ${job.ref}`, (close) => {
    const input = el("input", { type: "text", id: "cancel-reason", autofocus: true,
                                placeholder: "e.g. customer cancelled by phone" });
    const go = el("button", { type: "button", class: "danger", id: "cancel-go", disabled: true,
                              onclick: () => close(input.value.trim()) }, "Cancel job");
    input.addEventListener("input", () => { go.disabled = !input.value.trim(); });
    input.addEventListener("keydown", (e) => { if (e.key === "Enter" && input.value.trim()) close(input.value.trim()); });
    return el("div", {}, el("p", {}, `${job.customer_name} · ${job.address}`),
      el("label", {}, "Reason (the customer may see it)", input),
      el("div", { class: "buttons" }, el("button", { type: "button", onclick: () => close(null) }, "Keep job"), go));
  });
  if (!reason) return;
  try {
    putJob(await post(`/jobs/${jobId}/cancel`, { reason }));
    toast(`${job.ref} cancelled.`, "ok");
    hooks.refresh();
  } catch (err) { await explain(err, jobId); }
}

// ---------------------------------------------------------------- suggest technician

export async function suggest(jobId) {
  const job = state.jobs.get(jobId);
  if (!job) return;
  let answer;
  try {
    answer = await get(`/planning/suggestions?job_id=${jobId}&date=${state.date}`);
  } catch (err) { await explain(err, jobId); return; }
  const candidates = answer.candidates || [];
  const pick = await modal(`Suggested technicians for ${job.ref}`, (close) => el("div", { class: "suggest" },
    el("p", { class: "muted" }, `${job.customer_name} · ${job.address} · ${job.job_type || "job"} `
      + `${job.duration_min} min · window ${windowText(job)}`),
    candidates.length ? el("table", { class: "grid suggest-table" },
      el("thead", {}, el("tr", {}, ["#", "Technician", "ETA", "Start", "Extra drive", "Window", "Skills", "Jobs", "Why", ""]
        .map((h) => el("th", {}, h)))),
      el("tbody", {}, candidates.map((c, i) => el("tr", { class: c.feasible ? "" : "infeasible",
                                                        dataset: { tech: c.technician_id } },
        el("td", {}, i + 1), el("td", { class: "strong" }, c.technician_name),
        el("td", {}, hhmm(c.eta)), el("td", {}, hhmm(c.start)),
        el("td", {}, c.extra_drive_min != null ? `+${Math.round(c.extra_drive_min)} min` : "–"),
        el("td", {}, fitText(c.window_fit)), el("td", {}, fitText(c.skill_fit)),
        el("td", {}, c.jobs ?? ""), el("td", { class: "why" }, c.reason || ""),
        el("td", {}, state.readonly ? "" : el("button", {
          type: "button", class: c.feasible ? "primary small" : "small",
          onclick: () => close(c) }, c.feasible ? "Assign" : "Assign anyway")))))) :
      el("p", {}, "No technician can take this job today."),
    el("div", { class: "buttons" }, el("button", { type: "button", onclick: () => close(null) }, "Close"))),
  { wide: true });
  if (!pick) return;
  // An infeasible candidate has no slot: offer the window start; the rules will speak.
  const start = pick.start ? Date.parse(pick.start)
    : Date.parse(job.windows?.[0]?.start || job.planned_start || new Date(state.dayStartMs + 3_600_000).toISOString());
  await placeJob(jobId, pick.technician_id, start);
}

function fitText(v) {
  if (v === true) return "✓";
  if (v === false) return "✗";
  if (typeof v === "number") return `${Math.round(v * 100)}%`;
  return label(v ?? "");
}

// ---------------------------------------------------------------- optimize

export async function optimize(techIds = null) {
  if (state.readonly) return;
  const who = techIds ? techIds.map(techName).join(", ") : "the whole day";
  const waiting = toast(`Optimizing ${who}…`, "info", { timeout: 0 });
  let proposal;
  try {
    proposal = await post("/planning/optimize", { date: state.date, technician_ids: techIds,
                                                   time_limit_s: null });
  } catch (err) { waiting.remove(); await explain(err, null); return; } finally { waiting.remove(); }
  const choice = await modal(`Proposal for ${who}`, (close) => proposalView(proposal, close), { wide: true });
  if (choice === "apply") {
    try {
      const done = await post(`/planning/proposals/${proposal.id}/apply`);
      toast(`Plan applied: ${done.applied} change${done.applied === 1 ? "" : "s"}.`, "ok");
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        toast(`Not applied: ${err.message} Run Optimize again on the current day.`, "warn", { timeout: 12000 });
      } else { await explain(err, null); return; }
    }
    await hooks.refresh();
  } else {
    try { await post(`/planning/proposals/${proposal.id}/discard`); } catch { /* already gone */ }
    toast("Proposal discarded.", "info");
  }
}

const KPIS = [
  ["jobs_assigned", "Jobs on a route", (v) => v],
  ["jobs_unassigned", "Jobs left unassigned", (v) => v],
  ["total_drive_min", "Drive time", (v) => `${v} min`],
  ["total_work_s", "Time on site", (v) => `${Math.round(v / 60)} min`],
  ["total_wait_s", "Waiting", (v) => `${Math.round(v / 60)} min`],
  ["late_count", "Late arrivals", (v) => v],
  ["technicians_used", "Technicians used", (v) => v],
  ["mean_utilization", "Mean utilization", (v) => `${Math.round(v * 100)}%`],
];
const HIDDEN_KPIS = new Set(["total_drive_s", "utilization"]);

function kpiRows(before = {}, after = {}) {
  const known = new Set(KPIS.map(([k]) => k));
  const extra = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => !known.has(k) && !HIDDEN_KPIS.has(k) && typeof (after[k] ?? before[k]) !== "object")
    .map((k) => [k, label(k), (v) => (typeof v === "number" && !Number.isInteger(v) ? v.toFixed(2) : v)]);
  return [...KPIS, ...extra].filter(([k]) => k in before || k in after).map(([k, name, f]) => {
    const a = before[k];
    const b = after[k];
    // green = better, amber = worse; work and crew size are neither
    const neutral = k === "total_work_s" || k === "technicians_used";
    const cls = typeof a === "number" && typeof b === "number" && a !== b && !neutral
      ? ((k === "jobs_assigned" || k === "mean_utilization") === (b > a) ? "down" : "up") : "";
    return el("tr", {}, el("td", {}, name), el("td", {}, a == null ? "–" : f(a)),
              el("td", { class: cls }, b == null ? "–" : f(b)));
  });
}

function proposalView(p, close) {
  const byKind = (k) => (p.changes || []).filter((c) => c.kind === k);
  const section = (title, rows, render) => rows.length ? el("section", { class: "diff-sec" },
    el("h3", {}, `${title} `, el("span", { class: "count" }, rows.length)),
    el("ul", { class: "diff" }, rows.map(render))) : null;
  const change = (c) => el("li", { dataset: { job: c.job_id } },
    el("b", {}, c.ref || `J-${c.job_id}`), " ",
    c.from_technician_id ? `${techName(c.from_technician_id)} ${hhmm(c.from_start)}` : "queue",
    " → ",
    c.to_technician_id ? `${techName(c.to_technician_id)} ${hhmm(c.to_start)}` : "queue");
  const empty = !(p.changes || []).length;
  // booked jobs nobody can reach in their window stay on the plan, late: say so
  const late = (p.routes || []).flatMap((r) => (r.stops || [])
    .filter((s) => s.late_min > 0).map((s) => ({ ...s, technician_id: r.technician_id })));
  return el("div", { class: "proposal", dataset: { proposal: p.id } },
    el("table", { class: "grid kpis" },
      el("thead", {}, el("tr", {}, el("th", {}, "KPI"), el("th", {}, "Now"), el("th", {}, "Proposed"))),
      el("tbody", {}, kpiRows(p.kpis_before, p.kpis_after))),
    empty ? el("p", { class: "muted" }, "The current plan is already as good as the optimizer can make it.") : null,
    section("New assignments", byKind("assign"), change),
    section("Reassigned", byKind("reassign"), change),
    section("Moved in time", byKind("move"), change),
    section("Taken off the plan", byKind("unassign"), change),
    section("Kept, but late", late, (s) => el("li", { dataset: { job: s.job_id } },
      el("b", {}, s.job_ref || `J-${s.job_id}`), " ",
      `${techName(s.technician_id)} ${hhmm(s.start)} `,
      el("span", { class: "code late" }, `${s.late_min} min past the window`))),
    section("Still unassigned", p.unassigned || [], (u) => el("li", {},
      el("b", {}, u.ref || `J-${u.job_id}`), " ", el("span", { class: "code" }, label(u.reason_code)), " ", u.reason)),
    el("div", { class: "buttons" },
      el("button", { type: "button", id: "proposal-discard", onclick: () => close("discard") }, "Discard"),
      el("button", { type: "button", class: "primary", id: "proposal-apply", disabled: empty,
                     onclick: () => close("apply") }, `Apply ${(p.changes || []).length} change${(p.changes || []).length === 1 ? "" : "s"}`)));
}

// ---------------------------------------------------------------- call-out

export async function callOut(techId) {
  const tech = state.techs.get(techId);
  if (!tech || state.readonly) return;
  const dayEnd = tech.shift?.end ? Date.parse(tech.shift.end) : state.dayEndMs;
  const from = Math.max(now(), tech.shift?.start ? Date.parse(tech.shift.start) : state.dayStartMs);
  const until = Math.max(dayEnd, from + 60 * 60_000);
  const reason = await modal(`Call-out: ${tech.name}`, (close) => {
    const input = el("input", { type: "text", id: "callout-reason", autofocus: true, placeholder: "e.g. sick" });
    return el("div", {},
      el("p", {}, `${tech.name} is out from ${hhmm(from)} until ${hhmm(until)} today. `
        + "Their open jobs stay on their row until you re-plan."),
      el("label", {}, "Reason", input),
      el("div", { class: "buttons" }, el("button", { type: "button", onclick: () => close(null) }, "Cancel"),
        el("button", { type: "button", class: "danger", id: "callout-go",
                       onclick: () => close(input.value.trim() || "called out") }, "Mark call-out")));
  });
  if (!reason) return;
  try {
    await post(`/technicians/${techId}/absences`, { kind: "call_out", reason,
      starts_at: new Date(from).toISOString(), ends_at: new Date(until).toISOString() });
  } catch (err) { await explain(err, null); return; }
  await hooks.refresh();
  const affected = jobsOf(techId).filter((j) => !TERMINAL.has(j.status)
    && Date.parse(j.planned_end || j.planned_start) > from);
  const next = await modal(`${tech.name} called out`, (close) => el("div", {},
    affected.length ? el("div", {},
      el("p", {}, `${affected.length} job${affected.length === 1 ? " is" : "s are"} still on ${tech.name}'s plan:`),
      el("ul", { class: "diff" }, affected.map((j) => el("li", {}, el("b", {}, j.ref), ` ${hhmm(j.planned_start)} `,
        `${j.customer_name} · ${label(j.status)}`))))
      : el("p", {}, "No open jobs are affected."),
    el("div", { class: "buttons" },
      el("button", { type: "button", onclick: () => close(null) }, "Later"),
      affected.length ? el("button", { type: "button", onclick: () => close("queue") }, "Move them to the queue") : null,
      affected.length ? el("button", { type: "button", class: "primary", id: "callout-replan",
                                       onclick: () => close("replan") }, "Re-plan the day") : null)));
  if (next === "queue") {
    for (const job of affected) {
      try { putJob((await post(`/board/jobs/${job.id}/move`, { version: job.version, technician_id: null,
                                                                 reason: `${tech.name} called out` })).job); }
      catch (err) { await explain(err, job.id); }
    }
    hooks.refresh();
  } else if (next === "replan") {
    await optimize(null);
  }
}

// ---------------------------------------------------------------- book a job (a call comes in)

export async function bookJob() {
  if (state.readonly) return;
  let types = [];
  try { types = (await get("/job-types?limit=200")).items; } catch { types = []; }
  const created = await modal("Book a job", (close) => bookForm(types, close), { wide: true });
  if (!created) return;
  putJob(created);
  changed("jobs");
  hooks.select({ job: created.id });
  toast(`${created.ref} booked for ${created.customer_name}.`, "ok");
  await hooks.refresh();
  await suggest(created.id);
}

function bookForm(types, close) {
  let customer = null;
  const err = el("p", { class: "error", role: "alert", hidden: true });
  const search = el("input", { type: "search", id: "cust-q", autofocus: true, placeholder: "Name, phone or e-mail" });
  const results = el("ul", { class: "cust-results" });
  const chosen = el("div", { class: "cust-chosen", hidden: true });
  const newBox = el("fieldset", { class: "cust-new", hidden: true },
    el("legend", {}, "New customer"),
    el("label", {}, "Name", el("input", { name: "c_name", id: "c-name" })),
    el("label", {}, "Phone", el("input", { name: "c_phone", id: "c-phone" })));
  const locSelect = el("select", { id: "b-location" });
  const address = el("input", { id: "b-address", placeholder: "Street, city" });
  const lat = el("input", { id: "b-lat", type: "number", step: "any", placeholder: "lat" });
  const lon = el("input", { id: "b-lon", type: "number", step: "any", placeholder: "lon" });
  const newLoc = el("div", { class: "loc-new" }, el("label", {}, "Address", address),
    el("div", { class: "row2" }, el("label", {}, "Latitude", lat), el("label", {}, "Longitude", lon)),
    el("p", { class: "muted small" }, "No geocoder is configured: enter the coordinates of the address."));
  const typeSel = el("select", { id: "b-type" }, el("option", { value: "" }, "— choose —"),
    types.map((t) => el("option", { value: t.id }, t.name)));
  const duration = el("input", { id: "b-duration", type: "number", min: 5, max: 1440, value: 60 });
  const skills = el("span", { class: "muted", id: "b-skills" }, "—");
  const priority = el("select", { id: "b-priority" }, ["normal", "high", "emergency", "low"]
    .map((p) => el("option", { value: p }, p)));
  const wDate = el("input", { type: "date", id: "b-date", value: state.date });
  const wFrom = el("input", { type: "time", id: "b-from", value: "08:00" });
  const wTo = el("input", { type: "time", id: "b-to", value: "12:00" });
  const descr = el("textarea", { id: "b-descr", rows: 2, placeholder: "What is the problem?" });
  const contactPhone = el("input", { id: "b-phone", placeholder: "Contact phone" });
  const submit = el("button", { type: "submit", class: "primary", id: "b-submit" }, "Book and suggest technician");

  typeSel.addEventListener("change", () => {
    const t = types.find((x) => String(x.id) === typeSel.value);
    if (!t) { skills.textContent = "—"; return; }
    duration.value = t.default_duration_min;
    const s = Object.entries(t.default_skills || {}).map(([k, v]) => `${k} ${v}`).join(", ");
    skills.textContent = s || "no special skills";
  });

  const setCustomer = (c) => {
    customer = c;
    results.replaceChildren();
    newBox.hidden = !!c;
    chosen.hidden = !c;
    if (c) {
      chosen.replaceChildren(el("b", {}, c.name), ` ${c.phone || ""} `,
        el("button", { type: "button", class: "link", onclick: () => { setCustomer(null); search.focus(); } }, "change"));
      if (c.phone) contactPhone.value = c.phone;
    }
    const live = c ? c.locations.filter((l) => !l.archived) : [];
    locSelect.replaceChildren(...live.map((l) => el("option", { value: l.id }, l.label ? `${l.label}: ${l.address}` : l.address)),
      el("option", { value: "new" }, "+ New address"));
    locSelect.value = live.length ? String(live[0].id) : "new";
    newLoc.hidden = locSelect.value !== "new";
  };
  locSelect.addEventListener("change", () => { newLoc.hidden = locSelect.value !== "new"; });

  let seq = 0;
  search.addEventListener("input", async () => {
    const q = search.value.trim();
    const mine = ++seq;
    if (q.length < 2) { results.replaceChildren(); return; }
    try {
      const found = (await get(`/customers?q=${encodeURIComponent(q)}&limit=8`)).items;
      if (mine !== seq) return;
      results.replaceChildren(...found.map((c) => el("li", {}, el("button", { type: "button", class: "link",
        onclick: () => setCustomer(c) }, el("b", {}, c.name), ` · ${c.phone || ""} · ${c.locations[0]?.address || ""}`))),
        el("li", {}, el("button", { type: "button", class: "link", id: "cust-new",
          onclick: () => { setCustomer(null); newBox.hidden = false; newBox.querySelector("#c-name").value = q; } },
          `+ New customer "${q}"`)));
    } catch (e) { err.textContent = e.message; err.hidden = false; }
  });

  const form = el("form", { class: "book", onsubmit: async (e) => {
    e.preventDefault();
    err.hidden = true;
    try {
      const wantNewLoc = locSelect.value === "new";
      const loc = wantNewLoc ? { address: address.value.trim(), lat: Number(lat.value), lon: Number(lon.value) } : null;
      if (wantNewLoc && (!loc.address || lat.value === "" || lon.value === "")) {
        throw new Error("Give the service address and its coordinates.");
      }
      let cust = customer;
      let locationId = wantNewLoc ? null : Number(locSelect.value);
      if (!cust) {
        const name = newBox.querySelector("#c-name").value.trim();
        if (!name) throw new Error("Find the customer or give a new customer's name.");
        cust = await post("/customers", { name, phone: newBox.querySelector("#c-phone").value.trim() || null,
                                          locations: [loc] });
        locationId = cust.locations[0].id;
      } else if (wantNewLoc) {
        locationId = (await post(`/customers/${cust.id}/locations`, loc)).id;
      }
      const windows = [];
      if (wDate.value && wFrom.value && wTo.value) {
        windows.push({ start: new Date(localToUtc(wDate.value, wFrom.value)).toISOString(),
                       end: new Date(localToUtc(wDate.value, wTo.value)).toISOString() });
      }
      const job = await busy(submit, post("/jobs", {
        customer_id: cust.id, location_id: locationId,
        job_type_id: typeSel.value ? Number(typeSel.value) : null,
        priority: priority.value, windows, duration_min: Number(duration.value) || null,
        description: descr.value.trim() || null, contact_phone: contactPhone.value.trim() || null,
        source: "phone" }));
      close(job);
    } catch (e2) {
      err.textContent = e2.message;
      err.hidden = false;
    }
  } },
  el("div", { class: "book-grid" },
    el("div", {},
      el("label", {}, "Customer", search), results, chosen, newBox,
      el("label", {}, "Service address", locSelect), newLoc),
    el("div", {},
      el("div", { class: "row2" }, el("label", {}, "Job type", typeSel), el("label", {}, "Priority", priority)),
      el("div", { class: "row2" }, el("label", {}, "Duration (min)", duration), el("label", {}, "Skills", skills)),
      el("div", { class: "row3" }, el("label", {}, "Window day", wDate), el("label", {}, "From", wFrom), el("label", {}, "To", wTo)),
      el("label", {}, "Problem", descr),
      el("label", {}, "Contact phone", contactPhone))),
  err,
  el("div", { class: "buttons" }, el("button", { type: "button", onclick: () => close(null) }, "Cancel"), submit));
  setCustomer(null);
  newBox.hidden = true;
  return form;
}
