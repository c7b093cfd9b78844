//! The storage seam: named, ordered trees of byte keys and values with multi-tree transactions,
//! the subset of sled's API the engine uses, on two backends.
//!
//! - **sled** (the default: the desktop, the CLI and small depots): one embedded database in the
//!   data dir, one process at a time. Every call goes straight to sled.
//! - **PostgreSQL** (the hosted API, several `routemate serve` processes on one database):
//!   [`postgres`] keeps every tree in one table `kv (tree, key, value)` with the primary key
//!   `(tree, key)`; a transaction is a REPEATABLE READ transaction (snapshot isolation),
//!   retried on a serialization failure like sled retries a conflicting one. Unique keys and
//!   transactions, not in-process locks, keep two processes from writing the same record twice.
//!
//! **The rule for transactions** (what makes snapshot isolation enough): a check inside a
//! transaction reads a key and writes *that same key* (the import's natural key, the job's
//! revision, the outbox key, a counter), so a concurrent transaction that changed it is a write
//! conflict both backends refuse and retry. Deciding to write one key from the absence of
//! another (write skew) is not protected on PostgreSQL: write the key you checked.
//! (SERIALIZABLE protected that too, but its predicate locks made concurrent imports, which
//! touch neighbouring index pages, abort each other by the hundred.)
//!
//! The types mirror sled's names and shapes ([`Db`], [`Tree`], [`Batch`], [`Transactional`],
//! [`transaction::TransactionalTree`], [`transaction::ConflictableTransactionError`]), so code
//! written against sled moves to the seam by changing its imports (`sled::` → `kv::`).
//! Values are sled's [`IVec`] on both backends (a cheap byte buffer).

pub mod pg_tls;
pub mod postgres;
pub mod transaction;

pub use sled::IVec;
pub use transaction::Transactional;

use std::ops::{Bound, RangeBounds};

/// A storage error of either backend.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Sled(#[from] sled::Error),
    /// The database cannot be reached (refused, dropped, timed out, shutting down): nothing was
    /// written, and a later call may succeed once it is back. Never latches the store.
    #[error("the database is unreachable: {0}")]
    Unavailable(String),
    /// The database answered with an error (a bug or a schema problem, not the network).
    #[error("database error: {0}")]
    Database(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// A database: sled's or a PostgreSQL pool.
#[derive(Clone)]
pub enum Db {
    Sled(sled::Db),
    Postgres(postgres::PgDb),
}

impl Db {
    /// The tree `name` (created empty when absent).
    pub fn open_tree(&self, name: &str) -> Result<Tree> {
        Ok(match self {
            Db::Sled(db) => Tree::Sled(db.open_tree(name)?),
            Db::Postgres(db) => Tree::Postgres(db.open_tree(name)),
        })
    }

    /// Makes every write so far durable (a PostgreSQL commit already is).
    pub fn flush(&self) -> Result<usize> {
        match self {
            Db::Sled(db) => Ok(db.flush()?),
            Db::Postgres(_) => Ok(0),
        }
    }

    /// A fresh, increasing id, unique across processes on PostgreSQL (a sequence).
    pub fn generate_id(&self) -> Result<u64> {
        match self {
            Db::Sled(db) => Ok(db.generate_id()?),
            Db::Postgres(db) => db.generate_id(),
        }
    }

    /// The names of the trees that exist (on PostgreSQL: that hold a record or were opened).
    pub fn tree_names(&self) -> Vec<IVec> {
        match self {
            Db::Sled(db) => db.tree_names(),
            Db::Postgres(db) => db.tree_names(),
        }
    }

    /// Removes the tree `name` and its records; answers whether it existed.
    pub fn drop_tree(&self, name: &str) -> Result<bool> {
        match self {
            Db::Sled(db) => Ok(db.drop_tree(name)?),
            Db::Postgres(db) => db.drop_tree(name),
        }
    }

    /// The sled database, for the sled-only features (backups, size on disk).
    pub fn as_sled(&self) -> Option<&sled::Db> {
        match self {
            Db::Sled(db) => Some(db),
            Db::Postgres(_) => None,
        }
    }
}

/// One named, ordered tree of byte keys and values.
#[derive(Clone)]
pub enum Tree {
    Sled(sled::Tree),
    Postgres(postgres::PgTree),
}

impl Tree {
    pub fn get<K: AsRef<[u8]>>(&self, key: K) -> Result<Option<IVec>> {
        match self {
            Tree::Sled(t) => Ok(t.get(key)?),
            Tree::Postgres(t) => t.get(key.as_ref()),
        }
    }

    /// Sets `key` to `value`; answers the value it replaced.
    pub fn insert<K: AsRef<[u8]>, V: Into<IVec>>(&self, key: K, value: V) -> Result<Option<IVec>> {
        match self {
            Tree::Sled(t) => Ok(t.insert(key, value)?),
            Tree::Postgres(t) => t.insert(key.as_ref(), &value.into()),
        }
    }

    /// Removes `key`; answers the value it had.
    pub fn remove<K: AsRef<[u8]>>(&self, key: K) -> Result<Option<IVec>> {
        match self {
            Tree::Sled(t) => Ok(t.remove(key)?),
            Tree::Postgres(t) => t.remove(key.as_ref()),
        }
    }

    pub fn contains_key<K: AsRef<[u8]>>(&self, key: K) -> Result<bool> {
        Ok(self.get(key)?.is_some())
    }

    /// Every record in key order.
    pub fn iter(&self) -> Iter {
        match self {
            Tree::Sled(t) => Iter::Sled(t.iter()),
            Tree::Postgres(t) => Iter::Postgres(t.range(Bound::Unbounded, Bound::Unbounded)),
        }
    }

    /// The records with keys in `range`, in key order.
    pub fn range<K: AsRef<[u8]>, R: RangeBounds<K>>(&self, range: R) -> Iter {
        match self {
            Tree::Sled(t) => Iter::Sled(t.range(range)),
            Tree::Postgres(t) => {
                Iter::Postgres(t.range(owned(range.start_bound()), owned(range.end_bound())))
            }
        }
    }

    /// The records whose keys start with `prefix`, in key order.
    pub fn scan_prefix<P: AsRef<[u8]>>(&self, prefix: P) -> Iter {
        match self {
            Tree::Sled(t) => Iter::Sled(t.scan_prefix(prefix)),
            Tree::Postgres(t) => {
                let p = prefix.as_ref().to_vec();
                let end = match prefix_end(&p) {
                    Some(e) => Bound::Excluded(e),
                    None => Bound::Unbounded,
                };
                Iter::Postgres(t.range(Bound::Included(p), end))
            }
        }
    }

    /// How many records the tree holds (0, logged, when the database cannot answer).
    pub fn len(&self) -> usize {
        match self {
            Tree::Sled(t) => t.len(),
            Tree::Postgres(t) => t.len().unwrap_or_else(|e| {
                tracing::warn!(error = %e, "tree length unknown");
                0
            }),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Tree::Sled(t) => t.is_empty(),
            Tree::Postgres(t) => t.is_empty().unwrap_or_else(|e| {
                tracing::warn!(error = %e, "tree emptiness unknown");
                true
            }),
        }
    }

    /// Removes every record.
    pub fn clear(&self) -> Result<()> {
        match self {
            Tree::Sled(t) => Ok(t.clear()?),
            Tree::Postgres(t) => t.clear(),
        }
    }

    /// Applies the inserts and removals of `batch` atomically.
    pub fn apply_batch(&self, batch: Batch) -> Result<()> {
        match self {
            Tree::Sled(t) => {
                let mut b = sled::Batch::default();
                for (k, v) in batch.ops {
                    match v {
                        Some(v) => b.insert(k, v),
                        None => b.remove(k),
                    }
                }
                Ok(t.apply_batch(b)?)
            }
            Tree::Postgres(t) => t.apply_batch(batch.ops),
        }
    }

    /// A transaction over this tree alone (see [`Transactional`]).
    pub fn transaction<F, A, E>(&self, f: F) -> transaction::TransactionResult<A, E>
    where
        F: Fn(&transaction::TransactionalTree) -> transaction::ConflictableTransactionResult<A, E>,
    {
        (self,).transaction(|(t,)| f(t))
    }
}

/// Inserts and removals applied together by [`Tree::apply_batch`].
#[derive(Debug, Default, Clone)]
pub struct Batch {
    ops: Vec<(IVec, Option<IVec>)>,
}

impl Batch {
    pub fn insert<K: Into<IVec>, V: Into<IVec>>(&mut self, key: K, value: V) {
        self.ops.push((key.into(), Some(value.into())));
    }

    pub fn remove<K: Into<IVec>>(&mut self, key: K) {
        self.ops.push((key.into(), None));
    }
}

/// Records of a tree in key order, from either end.
pub enum Iter {
    Sled(sled::Iter),
    Postgres(postgres::PgIter),
}

impl Iter {
    pub fn keys(self) -> impl DoubleEndedIterator<Item = Result<IVec>> {
        self.map(|r| r.map(|(k, _)| k))
    }

    pub fn values(self) -> impl DoubleEndedIterator<Item = Result<IVec>> {
        self.map(|r| r.map(|(_, v)| v))
    }
}

impl Iterator for Iter {
    type Item = Result<(IVec, IVec)>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Sled(i) => i.next().map(|r| r.map_err(Error::from)),
            Iter::Postgres(i) => i.next(),
        }
    }
}

impl DoubleEndedIterator for Iter {
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Sled(i) => i.next_back().map(|r| r.map_err(Error::from)),
            Iter::Postgres(i) => i.next_back(),
        }
    }
}

fn owned<K: AsRef<[u8]>>(b: Bound<&K>) -> Bound<Vec<u8>> {
    match b {
        Bound::Included(k) => Bound::Included(k.as_ref().to_vec()),
        Bound::Excluded(k) => Bound::Excluded(k.as_ref().to_vec()),
        Bound::Unbounded => Bound::Unbounded,
    }
}

/// The smallest key above every key starting with `prefix` (`None`: no such key, all 0xFF).
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xFF {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::transaction::ConflictableTransactionError;
    use super::*;
    use crate::error::EngineError;
    use crate::store::Store;

    /// A tree of the suite's backend (sled, or PostgreSQL under the test switch).
    fn tree(dir: &std::path::Path, name: &str) -> (Store, Tree) {
        let store = Store::open(dir).unwrap();
        let t = store.tree(name).unwrap();
        (store, t)
    }

    fn k(i: u32) -> [u8; 4] {
        i.to_be_bytes()
    }

    #[test]
    fn iteration_is_in_byte_order_from_both_ends_across_pages() {
        let dir = tempfile::tempdir().unwrap();
        let (_s, t) = tree(dir.path(), "order");
        // More than one PostgreSQL page (256), inserted out of order.
        for i in (0..600u32).rev() {
            t.insert(k(i * 2), &k(i)).unwrap();
        }
        let fwd: Vec<u32> = t
            .iter()
            .keys()
            .map(|r| u32::from_be_bytes(r.unwrap().as_ref().try_into().unwrap()))
            .collect();
        assert_eq!(fwd, (0..600).map(|i| i * 2).collect::<Vec<_>>());
        let back: Vec<u32> = t
            .iter()
            .keys()
            .rev()
            .map(|r| u32::from_be_bytes(r.unwrap().as_ref().try_into().unwrap()))
            .collect();
        assert_eq!(back, (0..600).rev().map(|i| i * 2).collect::<Vec<_>>());
        // Both ends at once meet in the middle, every key once.
        let mut it = t.iter();
        let mut seen = Vec::new();
        loop {
            let a = it.next();
            let b = it.next_back();
            if a.is_none() && b.is_none() {
                break;
            }
            seen.extend(a.into_iter().chain(b).map(|r| r.unwrap().0));
        }
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 600);
        // Ranges: excluded start, included end; an odd bound between keys.
        let r: Vec<_> = t
            .range(k(10)..=k(20))
            .map(|r| u32::from_be_bytes(r.unwrap().0.as_ref().try_into().unwrap()))
            .collect();
        assert_eq!(r, vec![10, 12, 14, 16, 18, 20]);
        let r: Vec<_> = t
            .range((
                std::ops::Bound::Excluded(k(10)),
                std::ops::Bound::Excluded(k(15)),
            ))
            .map(|r| u32::from_be_bytes(r.unwrap().0.as_ref().try_into().unwrap()))
            .collect();
        assert_eq!(r, vec![12, 14]);
        assert_eq!(t.len(), 600);
        assert!(!t.is_empty());
    }

    #[test]
    fn prefixes_point_writes_batches_and_clear() {
        let dir = tempfile::tempdir().unwrap();
        let (s, t) = tree(dir.path(), "prefix");
        let keys: [&[u8]; 6] = [b"a\0x", b"a\0y", b"a\x01", b"ab", b"b\xff", b"b\xff\xff"];
        for key in keys {
            t.insert(key, key).unwrap();
        }
        t.insert(b"b\xff\xff".as_slice(), b"z".as_slice()).unwrap();
        let under = |p: &[u8]| -> Vec<Vec<u8>> {
            t.scan_prefix(p)
                .keys()
                .map(|r| r.unwrap().to_vec())
                .collect()
        };
        assert_eq!(under(b"a\0"), vec![b"a\0x".to_vec(), b"a\0y".to_vec()]);
        assert_eq!(under(b"b\xff").len(), 2);
        assert_eq!(
            t.insert(b"ab".as_slice(), b"2".as_slice())
                .unwrap()
                .as_deref(),
            Some(&b"ab"[..]),
            "insert answers the old value"
        );
        assert_eq!(t.remove(b"ab").unwrap().as_deref(), Some(&b"2"[..]));
        assert!(t.remove(b"ab").unwrap().is_none());
        assert!(t.get(b"ab").unwrap().is_none());
        let mut batch = Batch::default();
        batch.insert(b"c".as_slice(), b"1".as_slice());
        batch.remove(b"a\0x".as_slice());
        t.apply_batch(batch).unwrap();
        assert!(t.contains_key(b"c").unwrap());
        assert!(!t.contains_key(b"a\0x").unwrap());
        // Trees do not see each other's keys.
        let other = s.tree("prefix-other").unwrap();
        assert!(other.get(b"c").unwrap().is_none());
        assert!(other.is_empty());
        t.clear().unwrap();
        assert!(t.is_empty());
        let a = s.db.generate_id().unwrap();
        let b = s.db.generate_id().unwrap();
        assert!(b > a, "ids increase");
    }

    #[test]
    fn a_transaction_writes_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (s, a) = tree(dir.path(), "tx-a");
        let b = s.tree("tx-b").unwrap();
        (&a, &b)
            .transaction(|(ta, tb)| {
                ta.insert(b"k".as_slice(), b"1".as_slice())?;
                assert_eq!(
                    ta.get(b"k")?.as_deref(),
                    Some(&b"1"[..]),
                    "reads its own write"
                );
                tb.insert(b"k".as_slice(), b"1".as_slice())?;
                Ok::<_, ConflictableTransactionError<EngineError>>(())
            })
            .unwrap();
        let aborted: std::result::Result<(), EngineError> = (&a, &b)
            .transaction(|(ta, tb)| {
                ta.insert(b"k".as_slice(), b"2".as_slice())?;
                tb.remove(b"k")?;
                Err(ConflictableTransactionError::Abort(EngineError::Conflict))
            })
            .map_err(EngineError::from);
        assert_eq!(aborted.unwrap_err().code(), "conflict");
        assert_eq!(
            a.get(b"k").unwrap().as_deref(),
            Some(&b"1"[..]),
            "nothing applied"
        );
        assert!(b.get(b"k").unwrap().is_some());
    }

    #[test]
    fn concurrent_counter_transactions_lose_no_increment() {
        let dir = tempfile::tempdir().unwrap();
        let (_s, t) = tree(dir.path(), "counter");
        std::thread::scope(|sc| {
            for _ in 0..4 {
                let t = &t;
                sc.spawn(move || {
                    for _ in 0..25 {
                        t.transaction(|tt| {
                            let n = tt
                                .get(b"n")?
                                .map(|v| u64::from_be_bytes(v.as_ref().try_into().unwrap()))
                                .unwrap_or(0);
                            tt.insert(b"n".as_slice(), &(n + 1).to_be_bytes())?;
                            Ok::<_, ConflictableTransactionError<EngineError>>(())
                        })
                        .unwrap();
                    }
                });
            }
        });
        let n = t.get(b"n").unwrap().unwrap();
        assert_eq!(u64::from_be_bytes(n.as_ref().try_into().unwrap()), 100);
    }

    #[test]
    fn a_panic_inside_a_transaction_writes_nothing_and_the_store_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let (_s, t) = tree(dir.path(), "panic");
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            t.transaction(|tt| {
                tt.insert(b"p".as_slice(), b"1".as_slice())?;
                if tt.get(b"p")?.is_some() {
                    panic!("a bug inside a transaction");
                }
                Ok::<_, ConflictableTransactionError<EngineError>>(())
            })
        }));
        assert!(panicked.is_err());
        assert!(
            t.get(b"p").unwrap().is_none(),
            "the panicked write is not there"
        );
        // Every pooled connection is usable again (none was left inside the transaction).
        for i in 0..20u32 {
            t.transaction(|tt| {
                tt.insert(k(i), &k(i))?;
                Ok::<_, ConflictableTransactionError<EngineError>>(())
            })
            .unwrap();
        }
        assert!(t.get(b"p").unwrap().is_none());
        assert_eq!(t.len(), 20);
    }

    #[test]
    fn an_unreachable_database_is_a_retryable_error_not_a_failure() {
        let dir = tempfile::tempdir().unwrap();
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        let opts = postgres::PgOptions {
            url: "postgres://routemate@127.0.0.1:1/routemate".into(),
            schema: None,
        };
        let err = Store::open_postgres(&opts, dir.path()).err().unwrap();
        assert_eq!(err.code(), "store_unavailable", "{err}");
        assert!(!err.is_storage_failure());
    }

    #[test]
    fn prefix_end_is_the_next_key_past_the_prefix() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(b"a\xff"), Some(b"b".to_vec()));
        assert_eq!(prefix_end(b"\xff\xff"), None);
        assert_eq!(prefix_end(b""), None);
    }
}
