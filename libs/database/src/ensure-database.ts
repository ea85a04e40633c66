import { Client } from 'pg';

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`The database name "${name}" may only hold letters, digits and underscores.`);
  return name;
}

function maintenanceUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<{ created: boolean; name: string }> {
  const name = databaseName(url);
  const client = new Client({ connectionString: maintenanceUrl(url) });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return { created: false, name };
    await client.query(`CREATE DATABASE "${name}"`);
    return { created: true, name };
  } finally {
    await client.end();
  }
}

/** Drops and recreates a database; refuses any whose name lacks "test", so it can never wipe real data. */
export async function recreateTestDatabase(url: string): Promise<string> {
  const name = databaseName(url);
  if (!name.includes('test')) throw new Error(`Refusing to recreate "${name}": test databases must have "test" in their name.`);
  const client = new Client({ connectionString: maintenanceUrl(url) });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
    return name;
  } finally {
    await client.end();
  }
}
