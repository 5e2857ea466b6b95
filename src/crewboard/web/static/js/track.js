// The customer's tracking page: reads only /track/{token}/status and polls it.

const root = document.getElementById("track");
const token = root.dataset.token;
const base = `/track/${encodeURIComponent(token)}`;
const card = document.getElementById("status-card");
const actions = document.getElementById("actions-card");
let zone;
let timer;

const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;",
  ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const time = (iso) => new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit",
  timeZone: zone }).format(new Date(iso));
const day = (iso) => new Intl.DateTimeFormat([], { weekday: "long", day: "numeric",
  month: "long", timeZone: zone }).format(new Date(iso));

async function call(path, method = "GET", body) {
  const reply = await fetch(base + path, { method, headers: { Accept: "application/json",
    ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined, credentials: "omit" });
  const data = await reply.json().catch(() => null);
  if (!reply.ok) throw new Error((data && data.error && data.error.message) || `Error ${reply.status}`);
  return data;
}

function render(s) {
  zone = s.company.timezone;
  const w = s.job.windows[0];
  const window_ = w ? `${day(w.start)}, ${time(w.start)}–${time(w.end)}` : "to be arranged";
  const tech = s.technician ? `<div class="tech-line">
      ${s.technician.photo_url ? `<img src="${esc(s.technician.photo_url)}" alt="" referrerpolicy="no-referrer" onerror="this.remove()">` : ""}
      <div>Your technician: <strong id="tech-first-name">${esc(s.technician.first_name)}</strong></div></div>` : "";
  let live = "";
  if (s.job.status === "en_route") {
    live = s.eta ? `<p>Expected arrival</p><p class="big" id="eta">${esc(time(s.eta))}</p>`
      : `<p class="big" id="eta">On the way</p>`;
    if (s.position) {
      live += `<p class="small muted" id="position">Last position ${esc(time(s.position.at))}:
        <a href="geo:${s.position.lat},${s.position.lon}">${s.position.lat.toFixed(4)}, ${s.position.lon.toFixed(4)}</a></p>`;
    }
  }
  let done = "";
  const c = s.completion;
  if (c && c.outcome === "completed") {
    done = `<h2>Visit summary</h2><p>Completed ${c.completed_at ? esc(time(c.completed_at)) : ""}
      ${c.minutes_on_site != null ? ` · ${c.minutes_on_site} min on site` : ""}</p>
      ${c.notes ? `<p id="summary-notes">${esc(c.notes)}</p>` : ""}
      ${c.signed_by ? `<p class="muted">Signed by ${esc(c.signed_by)}</p>` : ""}`;
  } else if (c && c.outcome === "incomplete") {
    done = `<p>${esc(c.message)}</p>`;
  } else if (c && c.outcome === "cancelled") {
    done = `<p>This visit was cancelled.</p>`;
  }
  card.innerHTML = `<h1 id="job-status">${esc(s.job.status_label)}</h1>
    <p class="muted">${esc(s.job.ref)} · ${esc(s.job.address)}</p>
    <p>Appointment: <strong id="window">${esc(window_)}</strong>
      ${s.job.customer_confirmed ? `<br><span class="muted" id="confirmed">You confirmed this appointment.</span>` : ""}</p>
    ${tech}${live}${done}`;
  if (s.can_request || s.can_confirm) {
    actions.hidden = false;
    actions.innerHTML = `${s.last_request ? `<p class="muted" id="last-request">We received your
        ${esc(s.last_request.kind)} ${s.last_request.kind === "confirmed" ? "" : "request"} at ${esc(time(s.last_request.at))}.</p>` : ""}
      ${s.can_confirm ? `<button class="primary" id="confirm">Confirm appointment</button>` : ""}
      <label>Need another time, or want to cancel? Tell us:
        <textarea id="note" maxlength="1000"></textarea></label>
      <div class="row"><button id="reschedule">Ask to reschedule</button>
        <button id="cancel" class="danger">Ask to cancel</button></div>
      <p id="action-result" class="muted" aria-live="polite"></p>`;
  } else {
    actions.hidden = true;
  }
  document.getElementById("track-updated").textContent = `Updated ${time(s.updated_at)}`;
}

async function load() {
  try {
    render(await call("/status"));
  } catch (err) {
    card.innerHTML = `<h1>Link not available</h1><p id="problem">${esc(err.message)}</p>`;
    actions.hidden = true;
    clearInterval(timer);
  }
}

actions.addEventListener("click", async (e) => {
  const id = e.target.id;
  if (!["confirm", "reschedule", "cancel"].includes(id)) return;
  const note = document.getElementById("note")?.value || "";
  e.target.disabled = true;
  try {
    render(await call(`/${id}`, "POST", id === "confirm" ? {} : { note }));
    document.getElementById("action-result").textContent =
      id === "confirm" ? "Thank you, your appointment is confirmed." : "Thank you, the office will contact you.";
  } catch (err) {
    const out = document.getElementById("action-result");
    if (out) out.textContent = err.message;
    e.target.disabled = false;
  }
});

load();
timer = setInterval(load, Number(root.dataset.poll || 20) * 1000);
