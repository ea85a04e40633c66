/**
 * What the forum tells the web app at start (`GET /app-config.json`): where the chat service is,
 * the public address, and the optional features switched on. Nothing about hosts or ports is
 * built into the bundle, so one build works wherever it is served.
 */
export interface AppConfig {
  chatUrl: string;
  publicUrl: string;
  features: string[];
}

let current: AppConfig | null = null;

/** Fetches the config once. The app starts without it when the forum cannot be reached; chat then waits for it. */
export async function loadAppConfig(): Promise<AppConfig | null> {
  if (current) return current;
  try {
    const response = await fetch('/app-config.json', { headers: { Accept: 'application/json' }, cache: 'no-cache' });
    if (!response.ok) return null;
    const body = (await response.json()) as Partial<AppConfig>;
    if (typeof body.chatUrl !== 'string' || typeof body.publicUrl !== 'string') return null;
    current = { chatUrl: body.chatUrl, publicUrl: body.publicUrl, features: Array.isArray(body.features) ? body.features : [] };
    return current;
  } catch {
    return null;
  }
}

/** The config loaded at start, or null when it could not be. */
export const appConfig = (): AppConfig | null => current;
