import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

declare const inProgress: unique symbol;

/**
 * A transaction in progress. Services open one with `Transactions.run` and hand it to the
 * repositories (their own, or another context's service) that take part. It is opaque: it names
 * no ORM type and offers nothing to call, so a service or a port (such as screening's
 * `ScreeningSource`) can pass it on but not use it; only a repository opens it, with `manager(tx)`.
 */
export interface Tx {
  readonly [inProgress]: true;
}

/** What a repository runs its statements on inside the transaction. */
export function manager(tx: Tx): EntityManager {
  return tx as unknown as EntityManager;
}

/** Wraps an open TypeORM transaction (or the DataSource's manager, for no transaction) as a `Tx`. */
export function asTx(entityManager: EntityManager): Tx {
  return entityManager as unknown as Tx;
}

/** Opens transactions for services, which never hold a DataSource themselves. */
@Injectable()
export class Transactions {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((entityManager) => work(asTx(entityManager)));
  }

  /**
   * No transaction: each statement the repositories run commits on its own. For work that is a
   * single statement (atomic by itself), or reads that need no snapshot, saving BEGIN and COMMIT.
   */
  get none(): Tx {
    return asTx(this.dataSource.manager);
  }
}
