// Kindred's service worker, served as /sw.js (the build writes it with its version, see
// vite.config.mts). It keeps one thing on the device, the "Need help now?" page, for when Kindred
// cannot be reached, and shows web push notifications. It never caches what the API answers:
// those are someone's private words.

const VERSION = '__KINDRED_SW_VERSION__';
const CACHE = `kindred-offline-${VERSION}`;
const OFFLINE_PAGE = '/offline.html';
const KEEP = [OFFLINE_PAGE, '/icons/icon-192.png'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(KEEP.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith('kindred-') && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  // A page: from the network as always; when the network fails, the kept "Need help now?" page.
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_PAGE, { cacheName: CACHE }).then((kept) => kept ?? Response.error())));
  }
});

/** A path inside Kindred to open, never another site: anything else opens the notifications page. */
function inApp(url) {
  try {
    const target = new URL(typeof url === 'string' ? url : '/notifications', self.location.origin);
    return target.origin === self.location.origin ? target.href : new URL('/notifications', self.location.origin).href;
  } catch {
    return new URL('/notifications', self.location.origin).href;
  }
}

// The server's payload is discreet already ("Kindred: you have a new reply"); a payload that cannot
// be read still shows that something arrived, never anything more.
self.addEventListener('push', (event) => {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = {};
  }
  if (typeof payload !== 'object' || payload === null) payload = {};
  const title = typeof payload.title === 'string' && payload.title ? payload.title : 'Kindred';
  const body = typeof payload.body === 'string' ? payload.body : 'You have a new notification.';
  const options = {
    body,
    icon: '/icons/icon-192.png',
    data: { url: inApp(payload.url), id: typeof payload.id === 'string' ? payload.id : undefined },
    // One notification per subject: a newer one about the same thing replaces the older.
    tag: typeof payload.tag === 'string' ? payload.tag : undefined,
    renotify: typeof payload.tag === 'string',
    requireInteraction: payload.urgent === true,
  };
  event.waitUntil(
    self.registration.showNotification(title, options).then(() =>
      // An open tab updates its unread count at once (and hears what was shown).
      self.clients
        .matchAll({ type: 'window' })
        .then((windows) => windows.forEach((w) => w.postMessage({ type: 'kindred:push', shown: { title, body: options.body, url: options.data.url } }))),
    ),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = inApp(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (!open) return self.clients.openWindow(url);
      // A tab this worker does not control cannot be navigated from here: open a new one then.
      return open
        .focus()
        .then((focused) => (focused ?? open).navigate(url))
        .catch(() => self.clients.openWindow(url));
    }),
  );
});
