// Service worker for the technician app (served at /tech/sw.js, scope /tech).
// The app shell is cached on install; navigations try the network first and
// fall back to the cached shell, static files are served cache-first. API
// calls always go to the network: the app keeps its data in IndexedDB.

const VERSION = "__VERSION__";
const CACHE = `crewboard-tech-${VERSION}`;
const SHELL = __SHELL__;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map((url) => new Request(url, { credentials: "same-origin" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("crewboard-tech-") && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/openapi.json") return;
  if (request.mode === "navigate" && url.pathname.startsWith("/tech")) {
    event.respondWith((async () => {
      try {
        const fresh = await fetch(request);
        if (fresh.ok && !fresh.redirected) {
          const cache = await caches.open(CACHE);
          await cache.put("/tech", fresh.clone());
        }
        return fresh;
      } catch (_offline) {
        return (await caches.match("/tech")) || Response.error();
      }
    })());
    return;
  }
  if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/tech/")) {
    event.respondWith((async () => {
      const cached = await caches.match(request, { ignoreSearch: true });
      if (cached) return cached;
      const fresh = await fetch(request);
      if (fresh.ok) (await caches.open(CACHE)).put(request, fresh.clone());
      return fresh;
    })());
  }
});
