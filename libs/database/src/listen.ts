import { Client, Notification } from 'pg';

/** A connection listening on a channel; `end` closes it. */
export interface Listening {
  end(): Promise<void>;
}

export interface ListenOptions {
  url: string;
  applicationName: string;
  /** A fixed identifier, never input. */
  channel: string;
  onNotify(payload: string | undefined): void;
  /** Called once, when the connection fails or ends (including after `end`). */
  onLost(error?: Error): void;
}

/**
 * LISTENs on a channel over a connection of its own (a pooled one would be handed to others). Throws
 * when it cannot connect or listen, after closing the connection.
 */
export async function listen(options: ListenOptions): Promise<Listening> {
  const client = new Client({ connectionString: options.url, application_name: options.applicationName, keepAlive: true });
  let lost = false;
  const onLost = (error?: Error) => {
    if (lost) return;
    lost = true;
    void client.end().catch(() => undefined);
    options.onLost(error);
  };
  client.on('error', onLost);
  client.on('end', () => onLost());
  client.on('notification', (message: Notification) => {
    if (message.channel === options.channel) options.onNotify(message.payload);
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${options.channel}`);
  } catch (error) {
    onLost(error as Error);
    throw error;
  }
  return { end: () => client.end().catch(() => undefined) };
}
