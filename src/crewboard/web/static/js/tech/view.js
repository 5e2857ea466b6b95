// Rendering helpers for the technician app: escaping, times, links and cards.

export function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

let zone = undefined;
export function setZone(tz) { zone = tz || undefined; }

export function hhmm(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit", timeZone: zone,
                                       hour12: false }).format(new Date(iso));
}

export function dayLabel(isoDate, index) {
  const [y, m, d] = isoDate.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d, 12));
  const text = new Intl.DateTimeFormat([], { weekday: "long", day: "numeric", month: "short",
                                             timeZone: "UTC" }).format(date);
  return index === 0 ? `Today · ${text}` : index === 1 ? `Tomorrow · ${text}` : text;
}

export function shortDate(iso) {
  return new Intl.DateTimeFormat([], { day: "numeric", month: "short", year: "numeric",
                                       timeZone: zone }).format(new Date(iso));
}

export function minutesBetween(a, b) {
  return Math.max(0, Math.round((new Date(b) - new Date(a)) / 60000));
}

export const STATUS = {
  unscheduled: "Unscheduled", scheduled: "Scheduled", assigned: "Planned",
  dispatched: "To accept", accepted: "Accepted", en_route: "On my way", on_site: "On site",
  completed: "Completed", incomplete: "Not completed", cancelled: "Cancelled",
};

export const FIELD_LABELS = {
  planned_start: "planned time", duration_min: "duration", address: "address",
  access_notes: "access notes", description: "problem", contact_name: "contact",
  contact_phone: "phone", windows: "appointment window", required_equipment: "equipment",
  job_type: "job type", priority: "priority", cancelled: "cancelled by the office",
};

export const ACTION_LABELS = {
  accept: "Accepted", "start-travel": "On my way", arrive: "Arrived",
  complete: "Completed", incomplete: "Could not complete",
};

export const REASONS = [
  ["parts_needed", "Parts needed"], ["customer_not_home", "Customer not home"],
  ["second_visit", "Needs a second visit"], ["other", "Other"],
];

export function telLink(phone) {
  return `tel:${String(phone).replace(/[^+\d]/g, "")}`;
}

export function mapsLink(stop) {
  const q = encodeURIComponent(stop.address);
  if (/iPhone|iPad|iPod/.test(navigator.userAgent)) {
    return `https://maps.apple.com/?daddr=${stop.lat},${stop.lon}&q=${q}`;
  }
  return `geo:${stop.lat},${stop.lon}?q=${stop.lat},${stop.lon}(${q})`;
}

export function webMapsLink(stop) {
  return `https://www.google.com/maps/dir/?api=1&destination=${stop.lat},${stop.lon}`;
}
