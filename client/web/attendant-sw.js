// attendant-sw.js: keeps the attendant's page, its script and manifest, so that the page
// opens with no network. The API is never cached: counts go to the daemon or wait in
// the page's queue.
"use strict";

const CACHE = "parkshare-attendant-v1";
const SHELL = ["/attendant", "/attendant.js", "/attendant.webmanifest"];
// A network that neither answers nor fails (a basement) must not hold the page back.
const NETWORK_WAIT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

function withTimeout(promise) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no answer")), NETWORK_WAIT_MS);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); });
  });
}

// Network first, so a new version shows at once; the kept copy when there is no network.
async function shell(request, path) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request, { cache: "no-cache" }));
    if (response.ok) await cache.put(path, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(path);
    if (kept) return kept;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  // The sign-in link's fragment never reaches here: a request URL has none.
  if (!SHELL.includes(url.pathname)) return;
  event.respondWith(shell(event.request, url.pathname));
});
