//! Multi-tree transactions with sled's closure shape: `(&a, &b).transaction(|(ta, tb)| { … })`.
//! The closure may run more than once (a conflict retries it), so it only reads and writes
//! through its transactional trees. On sled this is sled's own transaction; on PostgreSQL one
//! REPEATABLE READ transaction, retried on a serialization failure or deadlock (see the rule in
//! the module notes of [`super`]).

use super::{postgres, Error, IVec, Tree};

/// What a read or write inside a transaction can fail with; `?` turns it into a
/// [`ConflictableTransactionError`].
#[derive(Debug)]
pub enum UnabortableTransactionError {
    /// Another transaction got in the way: the closure is run again.
    Conflict,
    Storage(Error),
}

/// What the closure answers on failure: its own abort, or a storage problem / conflict.
#[derive(Debug)]
pub enum ConflictableTransactionError<E = ()> {
    Abort(E),
    Conflict,
    Storage(Error),
}

/// What a transaction answers on failure.
#[derive(Debug)]
pub enum TransactionError<E = ()> {
    Abort(E),
    Storage(Error),
}

pub type ConflictableTransactionResult<T, E = ()> = Result<T, ConflictableTransactionError<E>>;
pub type TransactionResult<T, E = ()> = Result<T, TransactionError<E>>;
pub type UnabortableTransactionResult<T> = Result<T, UnabortableTransactionError>;

impl<E> From<UnabortableTransactionError> for ConflictableTransactionError<E> {
    fn from(e: UnabortableTransactionError) -> Self {
        match e {
            UnabortableTransactionError::Conflict => ConflictableTransactionError::Conflict,
            UnabortableTransactionError::Storage(s) => ConflictableTransactionError::Storage(s),
        }
    }
}

impl From<sled::transaction::UnabortableTransactionError> for UnabortableTransactionError {
    fn from(e: sled::transaction::UnabortableTransactionError) -> Self {
        match e {
            sled::transaction::UnabortableTransactionError::Conflict => {
                UnabortableTransactionError::Conflict
            }
            sled::transaction::UnabortableTransactionError::Storage(s) => {
                UnabortableTransactionError::Storage(Error::Sled(s))
            }
        }
    }
}

/// One tree inside a transaction.
#[derive(Clone)]
pub enum TransactionalTree {
    Sled(sled::transaction::TransactionalTree),
    Postgres(postgres::PgTxTree),
}

impl TransactionalTree {
    pub fn get<K: AsRef<[u8]>>(&self, key: K) -> UnabortableTransactionResult<Option<IVec>> {
        match self {
            TransactionalTree::Sled(t) => Ok(t.get(key)?),
            TransactionalTree::Postgres(t) => t.get(key.as_ref()),
        }
    }

    pub fn insert<K: AsRef<[u8]>, V: Into<IVec>>(
        &self,
        key: K,
        value: V,
    ) -> UnabortableTransactionResult<Option<IVec>> {
        match self {
            TransactionalTree::Sled(t) => Ok(t.insert(key.as_ref(), value)?),
            TransactionalTree::Postgres(t) => t.insert(key.as_ref(), &value.into()),
        }
    }

    pub fn remove<K: AsRef<[u8]>>(&self, key: K) -> UnabortableTransactionResult<Option<IVec>> {
        match self {
            TransactionalTree::Sled(t) => Ok(t.remove(key.as_ref())?),
            TransactionalTree::Postgres(t) => t.remove(key.as_ref()),
        }
    }
}

/// A set of trees that can be written together (a tree, or a tuple of tree references).
pub trait Transactional<E = ()> {
    /// The closure's view: one [`TransactionalTree`] per tree, in the same shape.
    type View;

    /// Runs `f` atomically over the trees; `f` may run again after a conflict.
    fn transaction<F, A>(&self, f: F) -> TransactionResult<A, E>
    where
        F: Fn(&Self::View) -> ConflictableTransactionResult<A, E>;
}

/// sled's abort, carrying either the closure's own error or one of ours sled cannot hold.
enum SledAbort<E> {
    User(E),
    Kv(Error),
}

fn to_sled<A, E>(
    r: ConflictableTransactionResult<A, E>,
) -> sled::transaction::ConflictableTransactionResult<A, SledAbort<E>> {
    use sled::transaction::ConflictableTransactionError as S;
    r.map_err(|e| match e {
        ConflictableTransactionError::Abort(e) => S::Abort(SledAbort::User(e)),
        ConflictableTransactionError::Conflict => S::Conflict,
        ConflictableTransactionError::Storage(Error::Sled(s)) => S::Storage(s),
        ConflictableTransactionError::Storage(other) => S::Abort(SledAbort::Kv(other)),
    })
}

fn from_sled<A, E>(
    r: sled::transaction::TransactionResult<A, SledAbort<E>>,
) -> TransactionResult<A, E> {
    use sled::transaction::TransactionError as S;
    r.map_err(|e| match e {
        S::Abort(SledAbort::User(e)) => TransactionError::Abort(e),
        S::Abort(SledAbort::Kv(k)) => TransactionError::Storage(k),
        S::Storage(s) => TransactionError::Storage(Error::Sled(s)),
    })
}

fn mixed<A, E>() -> TransactionResult<A, E> {
    Err(TransactionError::Storage(Error::Database(
        "a transaction over trees of different databases".into(),
    )))
}

macro_rules! repeat_type {
    ($t:ty, ($($i:tt),+)) => { ($(repeat_type!(@one $t, $i),)+) };
    (@one $t:ty, $i:tt) => { $t };
}

macro_rules! impl_tuples {
    ($($i:tt),+) => {
        impl<E> Transactional<E> for repeat_type!(&Tree, ($($i),+)) {
            type View = repeat_type!(TransactionalTree, ($($i),+));

            fn transaction<F, A>(&self, f: F) -> TransactionResult<A, E>
            where
                F: Fn(&Self::View) -> ConflictableTransactionResult<A, E>,
            {
                use sled::Transactional as _;
                let sled = [$(matches!(self.$i, Tree::Sled(_))),+];
                if sled.iter().all(|s| *s) {
                    let trees = ($(match self.$i { Tree::Sled(t) => t, Tree::Postgres(_) => return mixed() },)+);
                    return from_sled(trees.transaction(|v| {
                        let view = ($(TransactionalTree::Sled(v.$i.clone()),)+);
                        to_sled(f(&view))
                    }));
                }
                if sled.iter().all(|s| !*s) {
                    let trees = [$(match self.$i { Tree::Postgres(t) => t, Tree::Sled(_) => return mixed() },)+];
                    return postgres::transaction(&trees, |tx| {
                        let view = ($(TransactionalTree::Postgres(tx[$i].clone()),)+);
                        f(&view)
                    });
                }
                mixed()
            }
        }
    };
}

impl_tuples!(0);
impl_tuples!(0, 1);
impl_tuples!(0, 1, 2);
impl_tuples!(0, 1, 2, 3);
impl_tuples!(0, 1, 2, 3, 4);
impl_tuples!(0, 1, 2, 3, 4, 5);
impl_tuples!(0, 1, 2, 3, 4, 5, 6);
impl_tuples!(0, 1, 2, 3, 4, 5, 6, 7);
impl_tuples!(0, 1, 2, 3, 4, 5, 6, 7, 8);
impl_tuples!(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
impl_tuples!(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
