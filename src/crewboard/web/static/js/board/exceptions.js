// The exceptions panel: what needs the dispatcher now, each with a one-click action.

import { hooks, optimize, suggest } from "./actions.js";
import { state } from "./state.js";
import { el, label } from "./util.js";

const SEVERITY = { call_out: 0, callout: 0, urgent_unassigned: 1, late: 2, at_risk: 2, window_risk: 2,
                   running_long: 3, behind: 4, behind_schedule: 4 };

function severity(kind) {
  for (const [k, v] of Object.entries(SEVERITY)) if (kind.includes(k)) return v;
  return 5;
}

/** The one-click action for an exception: its label and what it does. */
function actionFor(x) {
  const kind = x.kind || "";
  const job = x.job_id ? state.jobs.get(x.job_id) : null;
  const open = { text: "Open", run: () => hooks.select(x.job_id ? { job: x.job_id } : { tech: x.technician_id }) };
  if (state.readonly) return open;
  if (kind.includes("call")) return { text: "Re-plan", run: () => optimize(null) };
  if ((kind.includes("behind") || kind.includes("overtime")) && x.technician_id) {
    return { text: "Optimize route", run: () => optimize([x.technician_id]) };
  }
  if (job && (job.allowed_actions.includes("assign") || job.allowed_actions.includes("reassign"))
      && (kind.includes("unassigned") || kind.includes("risk") || kind.includes("late") || kind.includes("window"))) {
    return { text: job.technician_id ? "Find faster tech" : "Suggest tech", run: () => suggest(job.id) };
  }
  return open;
}

export function renderExceptions() {
  const list = document.getElementById("exc-list");
  const items = [...(state.board?.exceptions || [])]
    .sort((a, b) => severity(a.kind || "") - severity(b.kind || ""));
  document.getElementById("exc-count").textContent = String(items.length);
  if (!items.length) {
    list.replaceChildren(el("li", { class: "empty" }, "All clear: nothing at risk right now."));
    return;
  }
  list.replaceChildren(...items.map((x) => {
    const act = actionFor(x);
    return el("li", { class: `exc k-${x.kind} sev-${severity(x.kind || "")}`,
                      dataset: { job: x.job_id ?? "", tech: x.technician_id ?? "", kind: x.kind } },
      el("div", { class: "exc-text", onclick: () => hooks.select(x.job_id ? { job: x.job_id } : { tech: x.technician_id }) },
        el("span", { class: "exc-kind" }, label(x.kind)), el("span", {}, x.message)),
      el("button", { type: "button", class: "small exc-act", onclick: act.run }, act.text));
  }));
}
