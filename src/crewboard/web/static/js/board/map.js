// The map panel, drawn as SVG in Web Mercator with a scale bar: no tile server
// needed. When the board element carries data-tile-url ({z}/{x}/{y}), tiles
// are drawn beneath at the nearest zoom level.

import { hooks } from "./actions.js";
import { jobsOf, state } from "./state.js";
import { TERMINAL, hhmm, initials, label, svg, techColor } from "./util.js";

const WORLD = 256;
const EARTH_M = 40_075_016.686;

function project(lat, lon) {
  const s = Math.sin((Math.max(-85, Math.min(85, lat)) * Math.PI) / 180);
  return [((lon + 180) / 360) * WORLD, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * WORLD];
}

function unproject(x, y) {
  const lon = (x / WORLD) * 360 - 180;
  const n = Math.PI - (2 * Math.PI * y) / WORLD;
  return [(180 / Math.PI) * Math.atan(0.5 * (Math.exp(n) - Math.exp(-n))), lon];
}

let view = null;

function points() {
  const pts = [];
  for (const j of state.jobs.values()) if (j.status !== "cancelled") pts.push([j.lat, j.lon]);
  for (const t of state.techs.values()) {
    if (t.position) pts.push([t.position.lat, t.position.lon]);
    if (t.home) pts.push([t.home.lat, t.home.lon]);
  }
  return pts;
}

function fit(width, height) {
  const pts = points();
  if (!pts.length) return null;
  let [x0, y0] = [Infinity, Infinity];
  let [x1, y1] = [-Infinity, -Infinity];
  for (const [lat, lon] of pts) {
    const [x, y] = project(lat, lon);
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  const pad = 18;
  const k = Math.min((width - 2 * pad) / Math.max(x1 - x0, 1e-6), (height - 2 * pad) / Math.max(y1 - y0, 1e-6), 2 ** 18);
  const ox = (x0 + x1) / 2 - width / 2 / k;
  const oy = (y0 + y1) / 2 - height / 2 / k;
  return { k, ox, oy, width, height };
}

function xy(lat, lon) {
  const [x, y] = project(lat, lon);
  return [(x - view.ox) * view.k, (y - view.oy) * view.k];
}

function tiles(url) {
  const z = Math.max(0, Math.min(19, Math.round(Math.log2(view.k))));
  const n = 2 ** z;
  const size = (WORLD / n) * view.k;
  const tx0 = Math.floor((view.ox / WORLD) * n);
  const ty0 = Math.floor((view.oy / WORLD) * n);
  const tx1 = Math.floor(((view.ox + view.width / view.k) / WORLD) * n);
  const ty1 = Math.floor(((view.oy + view.height / view.k) / WORLD) * n);
  const out = [];
  for (let tx = tx0; tx <= tx1; tx += 1) {
    for (let ty = ty0; ty <= ty1; ty += 1) {
      if (ty < 0 || ty >= n) continue;
      const wx = ((tx % n) + n) % n;
      out.push(svg("image", { href: url.replace("{z}", z).replace("{x}", wx).replace("{y}", ty),
                              x: (tx * (WORLD / n) - view.ox) * view.k, y: (ty * (WORLD / n) - view.oy) * view.k,
                              width: size + 0.5, height: size + 0.5, preserveAspectRatio: "none" }));
    }
  }
  return svg("g", { class: "tiles", opacity: 0.75 }, out);
}

function scaleBar() {
  const [lat] = unproject(view.ox + view.width / 2 / view.k, view.oy + view.height / 2 / view.k);
  const mPerPx = (EARTH_M * Math.cos((lat * Math.PI) / 180)) / (WORLD * view.k);
  const target = mPerPx * 110;
  const pow = 10 ** Math.floor(Math.log10(target));
  const nice = [5, 2, 1].map((m) => m * pow).find((v) => v <= target) || pow;
  const px = nice / mPerPx;
  const text = nice >= 1000 ? `${nice / 1000} km` : `${nice} m`;
  const x = 10;
  const y = view.height - 12;
  return svg("g", { class: "scale" },
    svg("rect", { x: x - 4, y: y - 16, width: px + 8, height: 22, rx: 3, class: "scale-bg" }),
    svg("path", { d: `M${x},${y - 4} V${y} H${x + px} V${y - 4}` }),
    svg("text", { x: x + px / 2, y: y - 6, "text-anchor": "middle" }, text));
}

export function renderMap() {
  const wrap = document.getElementById("map-wrap");
  const root = document.getElementById("map");
  const width = wrap.clientWidth;
  const height = wrap.clientHeight;
  if (!state.board || !width || !height) return;
  root.setAttribute("viewBox", `0 0 ${width} ${height}`);
  root.setAttribute("width", width);
  root.setAttribute("height", height);
  view = fit(width, height);
  if (!view) { root.replaceChildren(); return; }
  const tileUrl = document.getElementById("board").dataset.tileUrl;
  const focusTech = state.selectedTech;
  const focusJob = state.selectedJob ? state.jobs.get(state.selectedJob) : null;
  const routes = [];
  const techs = [];
  for (const t of state.techs.values()) {
    const color = techColor(t.id);
    const order = (t.route || []).map((r) => state.jobs.get(r.job_id)).filter(Boolean);
    const list = order.length ? order : jobsOf(t.id).filter((j) => !TERMINAL.has(j.status))
      .sort((a, b) => Date.parse(a.planned_start) - Date.parse(b.planned_start));
    const focus = focusTech === t.id || (focusJob && focusJob.technician_id === t.id);
    if (list.length) {
      const start = t.home ? [t.home.lat, t.home.lon] : [list[0].lat, list[0].lon];
      const d = [start, ...list.map((j) => [j.lat, j.lon])].map(([la, lo], i) => {
        const [x, y] = xy(la, lo);
        return `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
      }).join(" ");
      routes.push(svg("path", { d, class: `route${focus ? " focus" : ""}`, stroke: color, dataset: { tech: t.id } }));
    }
    const at = t.position || t.home;
    if (at) {
      const [x, y] = xy(at.lat, at.lon);
      const stale = !t.position;
      techs.push(svg("g", { class: `tech${focus ? " focus" : ""}${stale ? " stale" : ""}`, dataset: { tech: t.id },
                           transform: `translate(${x.toFixed(1)},${y.toFixed(1)})` },
        svg("title", {}, `${t.name} · ${label(t.status || "")}${t.position ? ` · seen ${hhmm(t.position.at)}` : " · home base"}`),
        svg("circle", { r: 9, fill: stale ? "#fff" : color, stroke: color }),
        svg("text", { "text-anchor": "middle", dy: "3.5", fill: stale ? color : "#fff" }, initials(t.name))));
    }
  }
  const jobs = [];
  for (const j of state.jobs.values()) {
    if (j.status === "cancelled") continue;
    const [x, y] = xy(j.lat, j.lon);
    const queued = j.technician_id == null;
    const sel = state.selectedJob === j.id;
    jobs.push(svg("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: sel ? 7 : j.priority === "emergency" ? 5.5 : 4.2,
                             class: `mjob s-${j.status} p-${j.priority}${queued ? " queued" : ""}${sel ? " selected" : ""}`,
                             dataset: { job: j.id } },
      svg("title", {}, `${j.ref} · ${j.customer_name} · ${label(j.status)}${j.technician_name ? ` · ${j.technician_name}` : ""}`)));
  }
  root.classList.toggle("has-focus", !!(focusTech || focusJob?.technician_id));
  root.replaceChildren(
    svg("rect", { class: "map-bg", x: 0, y: 0, width, height }),
    tileUrl ? tiles(tileUrl) : svg("g", { class: "graticule" }, grid(width, height)),
    svg("g", { class: "routes" }, routes),
    svg("g", { class: "jobs" }, jobs),
    svg("g", { class: "techs" }, techs),
    scaleBar());
  document.getElementById("map-note").textContent = tileUrl ? "" : "schematic · no tiles";
}

function grid(width, height) {
  const lines = [];
  const step = 48;
  for (let x = step; x < width; x += step) lines.push(svg("path", { d: `M${x},0 V${height}` }));
  for (let y = step; y < height; y += step) lines.push(svg("path", { d: `M0,${y} H${width}` }));
  return lines;
}

export function installMap() {
  const root = document.getElementById("map");
  root.addEventListener("click", (e) => {
    const job = e.target.closest("[data-job]");
    if (job) { hooks.select({ job: Number(job.dataset.job), from: "map" }); return; }
    const tech = e.target.closest("[data-tech]");
    if (tech) { hooks.select({ tech: Number(tech.dataset.tech), from: "map" }); return; }
    hooks.select({});
  });
  let timer = null;
  new ResizeObserver(() => { clearTimeout(timer); timer = setTimeout(renderMap, 60); })
    .observe(document.getElementById("map-wrap"));
}
