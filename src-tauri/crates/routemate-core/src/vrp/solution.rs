//! A solution under search: every vehicle's route (empty or not), which route holds each stop,
//! the stops left out, and an undo log so a rejected ruin-and-recreate step is rolled back by
//! restoring only the routes it touched.

use super::route::{fits, insertion_delta, refresh, Inst, Limits, RouteState, ALL_LIMITS};

pub const NONE: u32 = u32::MAX;

/// Lexicographic objective: missing must stops, missing stops, used vehicles (when counted),
/// then the metric.
pub type Key = (i64, i64, i64, i64);

#[derive(Clone)]
pub struct Sol {
    pub routes: Vec<RouteState>,
    pub route_of: Vec<u32>,
    pub missing: Vec<usize>,
    /// No empty vehicle may be opened (route elimination).
    pub closed: bool,
}

/// What a step changed, to undo it.
#[derive(Default)]
pub struct Undo {
    pub routes: Vec<(usize, RouteState)>,
    pub missing: Vec<usize>,
    pub touched: Vec<bool>,
}

impl Sol {
    /// Every stop missing, every route empty.
    pub fn empty(inst: &Inst) -> Self {
        let units = inst.p.vehicles.first().map_or(0, |v| v.capacity.len());
        let routes = (0..inst.p.vehicles.len())
            .map(|v| {
                let mut r = RouteState::new(units);
                refresh(inst, v, &mut r);
                r
            })
            .collect();
        Sol {
            routes,
            route_of: vec![NONE; inst.p.stops.len()],
            missing: (0..inst.p.stops.len()).collect(),
            closed: false,
        }
    }

    pub fn key(&self, inst: &Inst) -> Key {
        let must = self.missing.iter().filter(|&&s| inst.must[s]).count() as i64;
        let used = if inst.p.objective.fewer_vehicles {
            self.routes.iter().filter(|r| !r.stops.is_empty()).count() as i64
        } else {
            0
        };
        let metric = self.routes.iter().map(|r| r.cost).sum();
        (must, self.missing.len() as i64, used, metric)
    }

    /// Saves route `v` in the undo log before its first change in this step.
    pub fn touch(&self, undo: &mut Undo, v: usize) {
        if !undo.touched[v] {
            undo.touched[v] = true;
            undo.routes.push((v, self.routes[v].clone()));
        }
    }

    pub fn begin(&self, undo: &mut Undo) {
        for (v, _) in undo.routes.drain(..) {
            undo.touched[v] = false;
        }
        undo.touched.resize(self.routes.len(), false);
        undo.missing.clone_from(&self.missing);
    }

    pub fn rollback(&mut self, undo: &mut Undo) {
        for (v, old) in undo.routes.drain(..) {
            undo.touched[v] = false;
            for &s in &old.stops {
                self.route_of[s] = v as u32;
            }
            self.routes[v] = old;
        }
        for &s in &undo.missing {
            self.route_of[s] = NONE;
        }
        self.missing.clone_from(&undo.missing);
    }

    /// Removes the stops at `positions` (ascending) of route `v`; they become missing.
    pub fn remove(&mut self, inst: &Inst, undo: &mut Undo, v: usize, positions: &[usize]) {
        self.touch(undo, v);
        let r = &mut self.routes[v];
        for &k in positions.iter().rev() {
            let s = r.stops.remove(k);
            self.route_of[s] = NONE;
            self.missing.push(s);
        }
        refresh(inst, v, r);
    }

    /// Inserts missing stop `s` into route `v` before node `pos + 1`.
    pub fn insert(&mut self, inst: &Inst, undo: &mut Undo, v: usize, pos: usize, s: usize) {
        self.touch(undo, v);
        let r = &mut self.routes[v];
        r.stops.insert(pos, s);
        refresh(inst, v, r);
        self.route_of[s] = v as u32;
        if let Some(i) = self.missing.iter().position(|&m| m == s) {
            self.missing.swap_remove(i);
        }
    }

    /// The cheapest feasible insertion of `s` as `(delta, vehicle, pos)`, skipping each position
    /// with probability `blink` (drawn through `skip`). Non-empty routes near `s` are tried,
    /// then one empty vehicle per class (only if nothing fits when vehicles are counted).
    pub fn best_insertion(
        &self,
        inst: &Inst,
        s: usize,
        lim: Limits,
        full: bool,
        mut skip: impl FnMut() -> bool,
        scratch: &mut Vec<bool>,
    ) -> Option<(i64, usize, usize)> {
        let p = inst.p;
        let mut best: Option<(i64, usize, usize)> = None;
        let mut try_route = |v: usize, best: &mut Option<(i64, usize, usize)>| {
            let r = &self.routes[v];
            if !fits(inst, v, r, s, lim) {
                return;
            }
            for pos in 0..=r.stops.len() {
                if skip() {
                    continue;
                }
                if let Some(d) = insertion_delta(inst, v, r, s, pos, lim.time) {
                    if best.is_none_or(|b| d < b.0) {
                        *best = Some((d, v, pos));
                    }
                }
            }
        };
        if let Some(v) = p.stops[s].locked_vehicle {
            try_route(v, &mut best);
            return best;
        }
        // Routes holding one of the nearest stops (all routes on small instances).
        let used = self.routes.iter().filter(|r| !r.stops.is_empty()).count();
        if full || used <= 16 || p.stops.len() <= 120 {
            for v in 0..self.routes.len() {
                if !self.routes[v].stops.is_empty() {
                    try_route(v, &mut best);
                }
            }
        } else {
            scratch.clear();
            scratch.resize(self.routes.len(), false);
            for &o in inst.neighbours[s].iter().take(40) {
                let v = self.route_of[o as usize];
                if v != NONE && !scratch[v as usize] {
                    scratch[v as usize] = true;
                    try_route(v as usize, &mut best);
                }
            }
        }
        if self.closed || (best.is_some() && p.objective.fewer_vehicles) {
            return best;
        }
        for members in &inst.members {
            if let Some(&v) = members.iter().find(|&&v| self.routes[v].stops.is_empty()) {
                try_route(v, &mut best);
            }
        }
        best
    }

    /// Greedy insertion of every missing stop (must stops first), no blinks.
    pub fn fill(&mut self, inst: &Inst, undo: &mut Undo, deadline: Option<std::time::Instant>) {
        let mut scratch = Vec::new();
        let mut order = self.missing.clone();
        order.sort_by_key(|&s| !inst.must[s]);
        for s in order {
            if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                return;
            }
            if let Some((_, v, pos)) =
                self.best_insertion(inst, s, ALL_LIMITS, true, || false, &mut scratch)
            {
                self.insert(inst, undo, v, pos, s);
            }
        }
    }
}
