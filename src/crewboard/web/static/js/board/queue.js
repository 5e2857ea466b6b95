// The unassigned queue: urgency order, filters, search; cards drag onto the timeline.

import { hooks } from "./actions.js";
import { changed, jobRegion, queueJobs, state } from "./state.js";
import { debounce, el, label, urgency, windowText } from "./util.js";
import { startDrag } from "./timeline.js";

function matches(job) {
  const f = state.filters;
  if (f.priority && job.priority !== f.priority) return false;
  if (f.skill && !(f.skill in (job.required_skills || {}))) return false;
  if (f.type && (job.job_type || "") !== f.type) return false;
  if (f.region && jobRegion(job) !== f.region) return false;
  const q = f.q.trim().toLowerCase();
  if (q) {
    const hay = `${job.ref} ${job.customer_name} ${job.address} ${job.contact_name || ""} ${job.contact_phone || ""}`
      .toLowerCase();
    if (!q.split(/\s+/).every((w) => hay.includes(w))) return false;
  }
  return true;
}

function card(job) {
  const flash = state.flash.get(job.id);
  const skills = Object.keys(job.required_skills || {});
  const cls = ["qcard", `p-${job.priority}`, state.selectedJob === job.id ? "selected" : "",
               state.pending.has(job.id) ? "pending" : "", flash ? `flash-${flash.kind}` : "",
               state.readonly ? "" : "movable"].filter(Boolean).join(" ");
  return el("li", { class: cls, dataset: { job: job.id }, tabindex: "0" },
    el("div", { class: "q1" },
      el("span", { class: `prio p-${job.priority}` }, job.priority),
      el("span", { class: "jref" }, job.ref),
      el("span", { class: "qwin" }, windowText(job))),
    el("div", { class: "q2" }, el("b", {}, job.customer_name), " · ", job.address),
    el("div", { class: "q3" },
      el("span", {}, `${job.job_type || "job"} · ${job.duration_min} min`),
      skills.map((s) => el("span", { class: "chip" }, s)),
      job.status === "unscheduled" ? el("span", { class: "chip warn" }, "no window") : null),
    flash ? el("div", { class: `qflash ${flash.kind}`, role: "alert" }, flash.message) : null);
}

export function renderQueue() {
  const all = queueJobs().sort(urgency);
  const shown = all.filter(matches);
  const list = document.getElementById("queue-list");
  list.replaceChildren(...shown.map(card));
  if (!shown.length) {
    list.append(el("li", { class: "empty" }, all.length ? "No queued job matches the filters."
      : "Nothing waiting: every job of the day is on a plan."));
  }
  document.getElementById("queue-count").textContent = shown.length === all.length
    ? String(all.length) : `${shown.length}/${all.length}`;
}

function fillSelect(id, values, current, text = (v) => v) {
  const select = document.getElementById(id);
  const first = select.options[0];
  select.replaceChildren(first, ...[...values].sort().map((v) => el("option", { value: v }, text(v))));
  select.value = values.has(current) ? current : "";
}

/** Filter choices come from the day's data. */
export function renderFilterChoices() {
  const jobs = queueJobs();
  const skills = new Set(jobs.flatMap((j) => Object.keys(j.required_skills || {})));
  const types = new Set(jobs.map((j) => j.job_type).filter(Boolean));
  const regions = new Set([...state.techs.values()].map((t) => t.region).filter(Boolean));
  fillSelect("f-skill", skills, state.filters.skill);
  fillSelect("f-type", types, state.filters.type);
  fillSelect("f-region", regions, state.filters.region, label);
}

export function installQueue() {
  const list = document.getElementById("queue-list");
  list.addEventListener("pointerdown", (e) => {
    const c = e.target.closest(".qcard");
    if (!c) return;
    if (e.target.closest("button, a")) return;
    const id = Number(c.dataset.job);
    if (state.readonly) { hooks.select({ job: id }); return; }
    e.preventDefault();
    startDrag(e, id, c, false);
  });
  list.addEventListener("keydown", (e) => {
    const c = e.target.closest(".qcard");
    if (c && e.key === "Enter") hooks.select({ job: Number(c.dataset.job) });
  });
  const search = document.getElementById("queue-search");
  search.addEventListener("input", debounce(() => { state.filters.q = search.value; changed("queue"); }, 80));
  for (const [id, key] of [["f-priority", "priority"], ["f-skill", "skill"], ["f-region", "region"],
                           ["f-type", "type"]]) {
    document.getElementById(id).addEventListener("change", (e) => {
      state.filters[key] = e.target.value;
      changed("queue");
    });
  }
}

