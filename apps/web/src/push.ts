import { notificationsApi } from './api';

/**
 * The service worker (/sw.js: the offline "Need help now?" page and push notifications) and this
 * device's push subscription. Nothing here asks the browser for permission by itself: only
 * `enablePush`, called from a button the person pressed after reading why.
 */

const SUBSCRIPTION_KEY = 'kindred.push-subscription';

/** Registers the worker once the page has loaded (built app only: the dev server has no /sw.js). */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const register = () => void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

/** Whether this browser can show web push notifications at all. */
export const pushSupported = (): boolean => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

export type PushState = 'unsupported' | 'denied' | 'off' | 'on';

async function registration(): Promise<ServiceWorkerRegistration | undefined> {
  if (!pushSupported()) return undefined;
  return (await navigator.serviceWorker.getRegistration('/')) ?? undefined;
}

/** This device's state: on only when the browser holds a subscription Kindred was told about. */
export async function pushState(userId: string): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const subscription = await (await registration())?.pushManager.getSubscription();
  return subscription && savedId(subscription.endpoint, userId) ? 'on' : 'off';
}

/** The id Kindred gave this device's subscription, for this person (a shared device may have had another). */
function savedId(endpoint: string, userId?: string): string | undefined {
  try {
    const saved = JSON.parse(localStorage.getItem(SUBSCRIPTION_KEY) ?? 'null') as { endpoint: string; id: string; userId: string } | null;
    return saved?.endpoint === endpoint && (userId === undefined || saved.userId === userId) ? saved.id : undefined;
  } catch {
    return undefined;
  }
}

/** How long enabling waits for the service worker before saying it could not. */
const WORKER_WAIT_MS = 15_000;

/**
 * The worker's registration once it is active. The page registered it on load: a second
 * `register()` is not asked for then, as Chromium may hold it in the registration's job queue for
 * many seconds (seen in headless Chromium: about 20 s, with the worker already active and
 * `ready` settled), and the person would be left waiting on the button. Registers only when
 * there is no registration yet (the load-time one failed, or was cleared), and gives up after
 * WORKER_WAIT_MS rather than never answering.
 */
async function activeRegistration(): Promise<ServiceWorkerRegistration> {
  const active = async () => {
    if (!(await navigator.serviceWorker.getRegistration('/'))) await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    return navigator.serviceWorker.ready;
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the service worker did not become active')), WORKER_WAIT_MS);
  });
  try {
    return await Promise.race([active(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The VAPID public key (base64url) as the bytes PushManager.subscribe wants. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/**
 * Asks for permission (the browser's own prompt), subscribes this device with Kindred's VAPID
 * key and tells Kindred where to push. Answers the state it ends in.
 */
export async function enablePush(userId: string): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off';
  const ready = await activeRegistration();
  const { key } = await notificationsApi.vapidPublicKey();
  let subscription = await ready.pushManager.getSubscription();
  // A subscription made with another key (the server's keys changed) cannot be used: start again.
  const current = subscription?.options.applicationServerKey;
  if (subscription && current && !sameBytes(new Uint8Array(current), keyBytes(key))) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await ready.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  const { id } = await notificationsApi.subscribe(subscription.toJSON());
  localStorage.setItem(SUBSCRIPTION_KEY, JSON.stringify({ endpoint: subscription.endpoint, id, userId }));
  return 'on';
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Stops push to this device: Kindred forgets the subscription, then the browser drops it. Signing
 * out does this too, so the next person on a shared device is never sent the last one's alerts.
 */
export async function disablePush(): Promise<PushState> {
  const subscription = await (await registration())?.pushManager.getSubscription();
  if (subscription) {
    const id = savedId(subscription.endpoint);
    if (id) await notificationsApi.unsubscribe(id).catch(() => undefined);
    await subscription.unsubscribe();
  }
  localStorage.removeItem(SUBSCRIPTION_KEY);
  return pushSupported() ? 'off' : 'unsupported';
}

/** Calls `listener` whenever the service worker shows a push, so open pages can refresh their counts. */
export function onPushShown(listener: () => void): () => void {
  if (!('serviceWorker' in navigator)) return () => undefined;
  const handler = (event: MessageEvent) => {
    if ((event.data as { type?: string } | null)?.type === 'kindred:push') listener();
  };
  navigator.serviceWorker.addEventListener('message', handler);
  return () => navigator.serviceWorker.removeEventListener('message', handler);
}
