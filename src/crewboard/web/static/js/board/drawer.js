// The details drawer: a job (every field, its history, its actions) or a technician.

import { get } from "../api.js";
import { callOut, cancelJob, dispatchAll, dispatchJob, hooks, optimize, placeJob, suggest } from "./actions.js";
import { jobsOf, state } from "./state.js";
import { TERMINAL, dayTime, el, hhmm, initials, label, minutes, techColor, windowText } from "./util.js";

const drawer = () => document.getElementById("drawer");
const body = () => document.getElementById("drawer-body");
let historySeq = 0;
let historyCache = { key: "", node: null };

/** A live event touched the open job: its history may have grown. */
export function invalidateHistory() { historyCache = { key: "", node: null }; }

export function closeDrawer() {
  drawer().hidden = true;
  document.getElementById("board").classList.remove("drawer-open");
}

function open() {
  drawer().hidden = false;
  document.getElementById("board").classList.add("drawer-open");
}

function dl(rows) {
  return el("dl", { class: "fields" }, rows.filter(([, v]) => v !== undefined && v !== null && v !== "" &&
    !(Array.isArray(v) && !v.length)).map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
}

/** A titled group of fields, left out when none of them has a value. */
function group(title, rows) {
  const list = dl(rows);
  return list.childElementCount ? [el("h3", {}, title), list] : null;
}

function yesNo(v) { return v ? "yes" : "no"; }

function actionButtons(job) {
  if (state.readonly) return el("p", { class: "muted small" }, "Read-only: your role can look, not change.");
  const can = (a) => job.allowed_actions.includes(a);
  return el("div", { class: "drawer-actions" },
    can("assign") || can("reassign") ? el("button", { type: "button", class: "primary", id: "act-suggest",
      onclick: () => suggest(job.id) }, "Suggest technician ", el("kbd", {}, "s")) : null,
    can("dispatch") ? el("button", { type: "button", id: "act-dispatch", onclick: () => dispatchJob(job.id) },
      "Dispatch ", el("kbd", {}, "d")) : null,
    can("unassign") ? el("button", { type: "button", id: "act-unassign",
      onclick: () => placeJob(job.id, null, null, { reason: "Moved back to the queue" }) }, "Back to queue") : null,
    can("cancel") ? el("button", { type: "button", class: "danger", id: "act-cancel",
      onclick: () => cancelJob(job.id) }, "Cancel job…") : null);
}

function historyList(history) {
  return el("ol", { class: "history" }, [...history.events].reverse().map((e) => el("li", {},
    el("div", { class: "h1" }, el("span", { class: "h-what" }, label(e.action.replace(/^job\./, ""))),
       e.from_state && e.to_state && e.from_state !== e.to_state
         ? el("span", { class: "h-states" }, `${label(e.from_state)} → ${label(e.to_state)}` ) : null,
       el("time", { datetime: e.at }, dayTime(e.at))),
    el("div", { class: "h2 muted" }, `by ${e.actor_name}`,
       e.data?.technician ? ` · ${e.data.from_technician ? `${e.data.from_technician} → ` : ""}${e.data.technician}` : "",
       e.data?.planned_start && typeof e.data.planned_start === "string" ? ` · ${hhmm(e.data.planned_start)}` : "",
       e.data?.minutes ? ` · ${e.data.minutes} min` : ""),
    e.reason ? el("div", { class: "h3" }, e.reason) : null,
    e.data?.text ? el("div", { class: "h3" }, e.data.text) : null,
    (e.data?.warnings || []).length ? el("div", { class: "h3 warn" }, e.data.warnings.map((w) => w.message).join(" ")) : null,
    (e.data?.overridden || []).length ? el("div", { class: "h3 danger" }, "Overrode: ",
      e.data.overridden.map((w) => w.message).join(" ")) : null)));
}

export function showJob(jobId) {
  const job = state.jobs.get(jobId);
  if (!job) { closeDrawer(); return; }
  const stop = job.technician_id ? state.techs.get(job.technician_id)?.route?.find((r) => r.job_id === job.id) : null;
  const flash = state.flash.get(job.id);
  const hist = el("div", { class: "history-wrap", id: "job-history" }, el("p", { class: "muted" }, "Loading history…"));
  body().replaceChildren(el("div", { class: "drawer-job", dataset: { job: job.id } },
    el("header", { class: "drawer-head" },
      el("div", { class: "dh1" }, el("span", { class: `badge s-${job.status}` }, label(job.status)),
         el("span", { class: `prio p-${job.priority}` }, job.priority),
         job.pinned ? el("span", { class: "chip" }, "pinned") : null),
      el("h2", {}, `${job.ref} · ${job.customer_name}`),
      el("p", { class: "muted" }, job.address)),
    flash ? el("div", { class: `qflash ${flash.kind}`, role: "alert" }, flash.message) : null,
    actionButtons(job),
    el("h3", {}, "Plan"),
    dl([["Technician", job.technician_name || "— unassigned —"],
        ["Planned", job.planned_start ? `${hhmm(job.planned_start)}–${hhmm(job.planned_end)}` : ""],
        ["Window", windowText(job)],
        ["ETA", stop ? `${hhmm(stop.arrival)}${stop.late_s > 0 ? ` (late ${minutes(stop.late_s)})` : ""}` : ""],
        ["Drive before", stop ? minutes(stop.travel_s) : ""],
        ["Arrived", job.arrived_at ? dayTime(job.arrived_at) : ""],
        ["Completed", job.completed_at ? dayTime(job.completed_at) : ""]]),
    el("h3", {}, "Work"),
    dl([["Job type", job.job_type || "—"], ["Duration", `${job.duration_min} min`],
        ["Description", job.description],
        ["Skills", Object.entries(job.required_skills).map(([k, v]) => `${k} (level ${v})`).join(", ") || "none"],
        ["Equipment", job.required_equipment.join(", ") || "none"],
        ["Access notes", job.access_notes]]),
    el("h3", {}, "Customer"),
    dl([["Customer", job.customer_name], ["Contact", job.contact_name], ["Phone", job.contact_phone],
        ["E-mail", job.contact_email], ["Confirmed", yesNo(job.customer_confirmed)],
        ["Coordinates", `${job.lat.toFixed(5)}, ${job.lon.toFixed(5)}`]]),
    group("Outcome", [["Proof notes", job.proof_notes], ["Photos", job.proof_photos.length ? `${job.proof_photos.length} photo(s)` : ""],
        ["Signed by", job.signed_by], ["Signature", job.signature_ref], ["Reason", job.outcome_reason]]),
    el("h3", {}, "Record"),
    dl([["Source", job.source], ["Billing ref", job.billing_ref], ["Parent job", job.parent_id ? `J-${job.parent_id}` : ""],
        ["Created", dayTime(job.created_at)], ["Created by", job.created_by_user_id ? `user ${job.created_by_user_id}` : "system"],
        ["Updated", dayTime(job.updated_at)], ["Version", String(job.version)], ["Archived", job.archived ? "yes" : ""]]),
    el("h3", {}, "History"),
    hist));
  open();
  // Redraws come with every live update: fetch the history again only when the job changed.
  const key = `${job.id}:${job.version}:${job.updated_at}`;
  if (historyCache.key === key && historyCache.node) {
    hist.replaceChildren(historyCache.node);
    return;
  }
  const mine = ++historySeq;
  get(`/jobs/${job.id}/history`).then((h) => {
    if (mine !== historySeq) return;
    historyCache = { key, node: historyList(h) };
    hist.replaceChildren(historyCache.node);
  }).catch((err) => { if (mine === historySeq) hist.replaceChildren(el("p", { class: "error" }, err.message)); });
}

export function showTech(techId) {
  const tech = state.techs.get(techId);
  if (!tech) { closeDrawer(); return; }
  const jobs = jobsOf(techId).sort((a, b) => Date.parse(a.planned_start) - Date.parse(b.planned_start));
  const open_ = jobs.filter((j) => !TERMINAL.has(j.status));
  const ro = state.readonly;
  body().replaceChildren(el("div", { class: "drawer-tech", dataset: { tech: tech.id } },
    el("header", { class: "drawer-head tech" },
      tech.photo_url ? el("img", { class: "avatar big", src: tech.photo_url, alt: "" })
        : el("span", { class: "avatar big", style: { background: techColor(tech.id) } }, initials(tech.name)),
      el("div", {}, el("h2", {}, tech.name),
        el("p", { class: "muted" }, `${label(tech.status || "")}${tech.region ? ` · ${tech.region}` : ""}`))),
    ro ? null : el("div", { class: "drawer-actions" },
      el("button", { type: "button", class: "primary", id: "act-optimize-tech", onclick: () => optimize([tech.id]) },
         "Optimize this route"),
      open_.some((j) => j.status === "assigned") ? el("button", { type: "button", id: "act-dispatch-all",
        onclick: () => dispatchAll(tech.id) }, "Dispatch all assigned") : null,
      el("button", { type: "button", class: "danger", id: "act-callout", onclick: () => callOut(tech.id) },
         "Mark call-out…")),
    dl([["Shift", tech.shift ? `${hhmm(tech.shift.start)}–${hhmm(tech.shift.end)}` : "not working"],
        ["Breaks", (tech.breaks || []).map((b) => `${hhmm(b.start)}–${hhmm(b.end)}`).join(", ")],
        ["Absences", (tech.absences || []).map((a) => `${label(a.kind)} ${hhmm(a.start)}–${hhmm(a.end)}${a.reason ? ` (${a.reason})` : ""}`).join("; ")],
        ["Skills", Object.entries(tech.skills || {}).map(([k, v]) => `${k} ${v}`).join(", ")],
        ["Position", tech.position ? `${tech.position.lat.toFixed(4)}, ${tech.position.lon.toFixed(4)} at ${hhmm(tech.position.at)}` : "no recent fix"],
        ["Drive today", minutes(tech.drive_s)]]),
    el("h3", {}, `Jobs (${jobs.length})`),
    el("ol", { class: "tech-jobs" }, jobs.map((j) => el("li", { dataset: { job: j.id } },
      el("button", { type: "button", class: "link", onclick: () => hooks.select({ job: j.id }) },
        el("span", { class: `dot s-${j.status}` }), `${hhmm(j.planned_start)} ${j.ref} · ${j.customer_name}`),
      el("span", { class: "muted" }, ` ${label(j.status)}`))))));
  open();
}
