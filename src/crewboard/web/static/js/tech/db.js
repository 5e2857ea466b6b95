// IndexedDB for the technician app: cached days, "last seen" snapshots, the
// offline action queue and the photo/signature blobs it refers to.

const NAME = "crewboard-tech";
const VERSION = 1;
let opening = null;

export function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(NAME, VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
        if (!db.objectStoreNames.contains("queue")) {
          db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
        }
        if (!db.objectStoreNames.contains("blobs")) db.createObjectStore("blobs", { keyPath: "ref" });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return opening;
}

function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function store(name, mode = "readonly") {
  const db = await open();
  return db.transaction(name, mode).objectStore(name);
}

export async function kvGet(key) { return done((await store("kv")).get(key)); }
export async function kvSet(key, value) { return done((await store("kv", "readwrite")).put(value, key)); }
export async function kvDelete(key) { return done((await store("kv", "readwrite")).delete(key)); }
export async function kvKeys() { return done((await store("kv")).getAllKeys()); }

export async function queueAll() { return done((await store("queue")).getAll()); }
export async function queueAdd(entry) { return done((await store("queue", "readwrite")).add(entry)); }
export async function queuePut(entry) { return done((await store("queue", "readwrite")).put(entry)); }
export async function queueDelete(seq) { return done((await store("queue", "readwrite")).delete(seq)); }

export async function blobPut(ref, blob, meta = {}) {
  return done((await store("blobs", "readwrite")).put({ ref, blob, ...meta }));
}
export async function blobGet(ref) { return done((await store("blobs")).get(ref)); }
export async function blobDelete(ref) { return done((await store("blobs", "readwrite")).delete(ref)); }

export async function clearData() {
  // On sign-out or revoked login: forget cached days and snapshots, keep the
  // queue and blobs so nothing the technician entered is lost.
  const db = await open();
  await done(db.transaction("kv", "readwrite").objectStore("kv").clear());
}
