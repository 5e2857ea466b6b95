// Small helpers shared by the board modules: DOM building, company-local time.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "style" && typeof value === "object") {
      for (const [prop, v] of Object.entries(value)) {
        if (prop.startsWith("--")) node.style.setProperty(prop, v); else node.style[prop] = v;
      }
    }
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const SVGNS = "http://www.w3.org/2000/svg";
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVGNS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key === "class") node.setAttribute("class", value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const MIN = 60_000;

// ---------------------------------------------------------------- time in the company zone

let zone = "UTC";
const formats = new Map();

export function setZone(tz) { zone = tz || "UTC"; formats.clear(); }
export function getZone() { return zone; }

function fmt(options) {
  const key = JSON.stringify(options);
  if (!formats.has(key)) {
    formats.set(key, new Intl.DateTimeFormat("en-GB", { timeZone: zone, ...options }));
  }
  return formats.get(key);
}

export function hhmm(value) {
  if (!value) return "";
  return fmt({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(value));
}

export function dayTime(value) {
  if (!value) return "";
  return fmt({ weekday: "short", day: "numeric", month: "short", hour: "2-digit",
               minute: "2-digit", hourCycle: "h23" }).format(new Date(value));
}

export function longDay(isoDate) {
  const [y, m, d] = isoDate.split("-").map(Number);
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "long", day: "numeric",
                                            month: "long", year: "numeric" })
    .format(new Date(Date.UTC(y, m - 1, d, 12)));
}

/** Offset (ms) of the company zone from UTC at instant ``ms``. */
function offsetAt(ms) {
  const parts = fmt({ year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
                      minute: "2-digit", second: "2-digit", hourCycle: "h23" })
    .formatToParts(new Date(ms));
  const get = (t) => Number(parts.find((p) => p.type === t).value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"),
                         get("second"));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** UTC milliseconds of local wall-clock ``HH:MM`` on ``YYYY-MM-DD`` in the company zone. */
export function localToUtc(isoDate, time) {
  const [y, m, d] = isoDate.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  const guess = Date.UTC(y, m - 1, d, h, mi);
  let ms = guess - offsetAt(guess);
  ms = guess - offsetAt(ms);
  return ms;
}

/** Company-local YYYY-MM-DD of an instant. */
export function localDate(ms) {
  const parts = fmt({ year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(new Date(ms));
  const get = (t) => parts.find((p) => p.type === t).value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

export function addDays(isoDate, n) {
  const [y, m, d] = isoDate.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return t.toISOString().slice(0, 10);
}

export function minutes(seconds) {
  const m = Math.round((seconds || 0) / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")}`;
}

export function initials(name) {
  return (name || "?").split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]).join("")
    .toUpperCase();
}

export function label(text) {
  return String(text || "").replaceAll("_", " ");
}

const PRIORITY_RANK = { emergency: 0, high: 1, normal: 2, low: 3 };
export function urgency(a, b) {
  const p = (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9);
  if (p) return p;
  const wa = a.windows?.[0]?.start ? Date.parse(a.windows[0].start) : Infinity;
  const wb = b.windows?.[0]?.start ? Date.parse(b.windows[0].start) : Infinity;
  if (wa !== wb) return wa - wb;
  return a.id - b.id;
}

export function windowText(job) {
  if (!job.windows?.length) return "no window";
  return job.windows.map((w) => `${hhmm(w.start)}–${hhmm(w.end)}`).join(", ");
}

/** A stable pleasant color per technician id (for routes on the map). */
export function techColor(id) {
  const hues = [211, 4, 140, 32, 268, 187, 332, 88, 48, 240, 160, 300, 12, 200, 120];
  const h = hues[id % hues.length];
  const l = 38 + ((Math.floor(id / hues.length) * 9) % 18);
  return `hsl(${h} 62% ${l}%)`;
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export const TERMINAL = new Set(["completed", "incomplete", "cancelled"]);
export const QUEUED = new Set(["unscheduled", "scheduled"]);
