import { client, type WebAppConfig } from './api';

/**
 * What the forum tells the web app at start (`GET /app-config.json`): where the chat service is,
 * the public address, and the optional features switched on. Nothing about hosts or ports is
 * built into the bundle, so one build works wherever it is served.
 */
export type AppConfig = WebAppConfig;

let current: AppConfig | null = null;

/** Fetches the config once. The app starts without it when the forum cannot be reached; there is no chat then. */
export async function loadAppConfig(): Promise<AppConfig | null> {
  if (current) return current;
  try {
    const { data } = await client.GET('/app-config.json', { cache: 'no-cache' });
    current = data ?? null;
  } catch {
    current = null;
  }
  return current;
}

/** The config loaded at start, or null when it could not be. */
export const appConfig = (): AppConfig | null => current;
