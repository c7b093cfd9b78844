//! Per-address work limits of the chain, and the counts of what one lookup examined. A pasted
//! paragraph or a name that matches nothing must cost what an ordinary address costs: no step
//! reads the whole gazetteer, and every typo search shares one budget of street rows.

use std::cell::Cell;

/// Street rows that one address may have scored by name, over all its readings. An ordinary
/// lookup scores a handful (the exact name); a typo costs a few hundred to a few thousand.
pub const MAX_STREETS_EXAMINED: usize = 5_000;
/// Readings (street/locality splits) of one address that are looked up, most likely first.
pub const MAX_READINGS: usize = 6;
/// Street base names longer than this get no typo search: no real name is that long, and the
/// edit distance of a long text costs in proportion to its length.
pub const MAX_FUZZY_CHARS: usize = 40;
/// Flag set on an answer when the budget stopped a search (the answer may be less precise).
pub const FLAG_WORK_LIMIT: &str = "work_limit_reached";

/// What one lookup examined (see [`crate::chain::OfflineGeocoder::geocode_with_work`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    /// Readings of the address that were looked up.
    pub readings: usize,
    /// Street rows scored against a name (exact and typo candidates).
    pub streets_examined: usize,
    /// Typo searches run (trigram, nearby-streets and same-initial pools each count one).
    pub fuzzy_searches: usize,
    /// True when a search was cut short or skipped because the budget was spent.
    pub limit_reached: bool,
}

/// The running count for one address; single-threaded, lives for one lookup.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    work: Cell<Work>,
}

impl Budget {
    pub fn work(&self) -> Work {
        self.work.get()
    }

    fn update(&self, f: impl FnOnce(&mut Work)) {
        let mut w = self.work.get();
        f(&mut w);
        self.work.set(w);
    }

    pub fn reading(&self) {
        self.update(|w| w.readings += 1);
    }

    /// Street rows a typo search may still fetch: at most `wanted`, fewer when the budget is
    /// nearly spent, and zero (recorded as the limit reached) when it is spent.
    pub fn allowance(&self, wanted: usize) -> usize {
        let left = MAX_STREETS_EXAMINED.saturating_sub(self.work.get().streets_examined);
        if left < wanted {
            self.update(|w| w.limit_reached = true);
        }
        left.min(wanted)
    }

    /// Records a typo search that returned `rows` street rows.
    pub fn fuzzy(&self, rows: usize) {
        self.update(|w| {
            w.fuzzy_searches += 1;
            w.streets_examined += rows;
        });
    }

    /// Records street rows scored from an exact-name lookup (indexed, never refused).
    pub fn exact(&self, rows: usize) {
        self.update(|w| w.streets_examined += rows);
    }
}
