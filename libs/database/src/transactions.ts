import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * A transaction in progress. Services open one with `Transactions.run` and hand it to the
 * repositories (their own, or another context's service) that take part; only a repository looks
 * inside it.
 */
export type Tx = EntityManager;

/** Opens transactions for services, which never hold a DataSource themselves. */
@Injectable()
export class Transactions {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * No transaction: each statement the repositories run commits on its own. For work that is a
   * single statement (atomic by itself), or reads that need no snapshot, saving BEGIN and COMMIT.
   */
  get none(): Tx {
    return this.dataSource.manager;
  }
}
