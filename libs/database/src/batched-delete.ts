import type { DataSource } from 'typeorm';

/**
 * Runs a `DELETE ... WHERE id IN (SELECT ... LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING group_id`
 * until a batch comes back short, so no statement holds its locks for long. Returns how many
 * rows went from each group (rows without a group are counted under "").
 */
export async function deleteInBatches(dataSource: DataSource, sql: string, params: unknown[], batchSize: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (;;) {
    const result = (await dataSource.query(sql, [batchSize, ...params])) as unknown[];
    // The postgres driver answers a DELETE ... RETURNING with [rows, affected].
    const rows = (Array.isArray(result[0]) ? result[0] : result) as Array<{ group_id: string | null }>;
    for (const row of rows) counts.set(row.group_id ?? '', (counts.get(row.group_id ?? '') ?? 0) + 1);
    if (rows.length < batchSize) return counts;
  }
}
