//! Transactions on PostgreSQL: one REPEATABLE READ transaction on a pooled connection while the
//! closure runs, its trees reading and writing through it, retried on a serialization failure or
//! deadlock (see the rule in [`crate::store::kv`]'s notes).

use super::{pg_error, pool_error, PgDb, PgTree, DELETE, GET, MAX_TRIES, RETRY, UPSERT};
use crate::store::kv::transaction::{
    ConflictableTransactionError, ConflictableTransactionResult, TransactionError,
    TransactionResult, UnabortableTransactionError, UnabortableTransactionResult,
};
use crate::store::kv::{Error, IVec};
use std::sync::Arc;
use std::time::Duration;

/// A transaction still open while its closure runs (see [`transaction`]).
struct OpenTx<'a> {
    db: &'a PgDb,
    client: Option<Arc<deadpool_postgres::Object>>,
}

impl Drop for OpenTx<'_> {
    fn drop(&mut self) {
        if let Some(c) = self.client.take() {
            let _ = self
                .db
                .block_on(async move { c.batch_execute("ROLLBACK").await.map_err(pg_error) });
        }
    }
}

/// The open transaction its trees write through.
struct PgTx {
    db: PgDb,
    client: Arc<deadpool_postgres::Object>,
}

/// One tree inside a transaction.
#[derive(Clone)]
pub struct PgTxTree {
    tx: Arc<PgTx>,
    name: Arc<str>,
}

impl PgTxTree {
    fn query(
        &self,
        sql: &'static str,
        key: &[u8],
        value: Option<&[u8]>,
    ) -> UnabortableTransactionResult<Option<IVec>> {
        let (client, name) = (self.tx.client.clone(), self.name.clone());
        let (key, value) = (key.to_vec(), value.map(<[u8]>::to_vec));
        self.tx
            .db
            .block_on(async move {
                let st = client.prepare_cached(sql).await.map_err(pg_error)?;
                let row = match &value {
                    Some(v) => client.query_opt(&st, &[&&*name, &key, v]).await,
                    None => client.query_opt(&st, &[&&*name, &key]).await,
                }
                .map_err(pg_error)?;
                Ok(row
                    .and_then(|r| r.get::<_, Option<Vec<u8>>>(0))
                    .map(IVec::from))
            })
            .map_err(tx_error)
    }

    pub fn get(&self, key: &[u8]) -> UnabortableTransactionResult<Option<IVec>> {
        self.query(GET, key, None)
    }

    pub fn insert(&self, key: &[u8], value: &[u8]) -> UnabortableTransactionResult<Option<IVec>> {
        self.query(UPSERT, key, Some(value))
    }

    pub fn remove(&self, key: &[u8]) -> UnabortableTransactionResult<Option<IVec>> {
        self.query(DELETE, key, None)
    }
}

fn tx_error(e: Error) -> UnabortableTransactionError {
    match &e {
        Error::Database(m) if m.starts_with(RETRY) => UnabortableTransactionError::Conflict,
        _ => UnabortableTransactionError::Storage(e),
    }
}

/// Runs `f` in one REPEATABLE READ transaction over `trees`, again after a conflict (a
/// concurrent write of a key this one wrote: SQLSTATE 40001).
pub(in crate::store::kv) fn transaction<A, E>(
    trees: &[&PgTree],
    f: impl Fn(&[PgTxTree]) -> ConflictableTransactionResult<A, E>,
) -> TransactionResult<A, E> {
    let db = trees[0].db.clone();
    let mut tries = 0;
    loop {
        tries += 1;
        let pool = db.inner.pool.clone();
        let tls = db.inner.tls.clone();
        let client = db
            .block_on(async move {
                let c = pool.get().await.map_err(|e| pool_error(e, &tls))?;
                c.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
                    .await
                    .map_err(pg_error)?;
                Ok(Arc::new(c))
            })
            .map_err(TransactionError::Storage)?;
        // Rolls back if `f` panics, so the connection goes back to the pool outside a transaction.
        let mut open = OpenTx {
            db: &db,
            client: Some(client.clone()),
        };
        let tx = Arc::new(PgTx {
            db: db.clone(),
            client: client.clone(),
        });
        let views: Vec<PgTxTree> = trees
            .iter()
            .map(|t| PgTxTree {
                tx: tx.clone(),
                name: t.name.clone(),
            })
            .collect();
        let outcome = f(&views);
        open.client = None;
        drop(views);
        drop(tx);
        let end = if outcome.is_ok() {
            "COMMIT"
        } else {
            "ROLLBACK"
        };
        let c = client.clone();
        let ended = db.block_on(async move { c.batch_execute(end).await.map_err(pg_error) });
        drop(client);
        let conflict = match (outcome, ended) {
            (Ok(a), Ok(())) => return Ok(a),
            (Ok(_), Err(e)) => match tx_error(e) {
                UnabortableTransactionError::Conflict => true,
                UnabortableTransactionError::Storage(e) => {
                    return Err(TransactionError::Storage(e))
                }
            },
            (Err(ConflictableTransactionError::Abort(e)), _) => {
                return Err(TransactionError::Abort(e))
            }
            (Err(ConflictableTransactionError::Storage(e)), _) => {
                return Err(TransactionError::Storage(e))
            }
            (Err(ConflictableTransactionError::Conflict), _) => true,
        };
        debug_assert!(conflict);
        if tries >= MAX_TRIES {
            return Err(TransactionError::Storage(Error::Unavailable(format!(
                "a transaction conflicted {MAX_TRIES} times in a row"
            ))));
        }
        // Back off a little, more each time, so the conflicting writers spread out.
        std::thread::sleep(Duration::from_millis(
            (tries as u64).min(20) + rand::random::<u64>() % 5,
        ));
    }
}
