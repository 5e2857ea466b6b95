// Position reports while on duty: every PING seconds and on each status change.
// A fix that cannot be sent now goes through the offline queue like any action.

import { enqueue } from "./queue.js";

const DEFAULT_PING_S = 45;
let timer = null;
let technicianId = null;
let onState = () => {};

export function pingSeconds() {
  const override = Number(localStorage.getItem("cb.pingSeconds"));
  return override > 0 ? override : DEFAULT_PING_S;
}

export function isOnDuty() { return localStorage.getItem("cb.onDuty") !== "0"; }

function fix() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      (pos) => resolve(pos),
      (err) => { onState(`Location unavailable: ${err.message || "permission denied"}`); resolve(null); },
      { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 });
  });
}

export async function report(reason = "timer") {
  if (!technicianId || !isOnDuty()) return null;
  const pos = await fix();
  if (!pos) return null;
  const body = { lat: pos.coords.latitude, lon: pos.coords.longitude,
                 accuracy_m: pos.coords.accuracy ?? null,
                 at: new Date(pos.timestamp || Date.now()).toISOString() };
  // the fix's own time may be a little stale; never let it run ahead of the phone's clock
  if (new Date(body.at) > new Date()) body.at = new Date().toISOString();
  await enqueue({ kind: "location", technician_id: technicianId, body, reason });
  onState(`Location shared ${new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`);
  return body;
}

export function start(techId, stateCallback) {
  technicianId = techId;
  if (stateCallback) onState = stateCallback;
  stop();
  if (!isOnDuty()) { onState("Off duty: location is not shared."); return; }
  report("start");
  timer = setInterval(() => report("timer"), pingSeconds() * 1000);
}

export function stop() {
  if (timer) clearInterval(timer);
  timer = null;
}

export function setOnDuty(on) {
  localStorage.setItem("cb.onDuty", on ? "1" : "0");
  if (on) start(technicianId); else { stop(); onState("Off duty: location is not shared."); }
}
