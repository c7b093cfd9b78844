//! The search's view of a problem ([`Inst`]) and of one vehicle's route ([`RouteState`]): per
//! position the earliest departure (forward) and the latest feasible arrival (backward), so
//! inserting a stop anywhere is checked in constant time per window — the forward/backward
//! time-slack idea of Savelsbergh (1992) and the segment concatenation of Vidal et al. (2013),
//! extended to several windows per stop (waiting is allowed, so feasibility is monotone in the
//! arrival time and one latest-arrival bound per position suffices).

use super::model::{Balance, End, Matrix, Metric, Priority, Problem};

/// Latest possible time; arithmetic on it stays far from overflow.
pub const FAR: i64 = i64::MAX / 4;

/// The earliest service start at or after `arrival` inside `windows` (sorted, disjoint; empty =
/// always open).
#[inline]
pub fn earliest_start(windows: &[(i64, i64)], arrival: i64) -> Option<i64> {
    if windows.is_empty() {
        return Some(arrival);
    }
    windows
        .iter()
        .find(|w| w.1 >= arrival)
        .map(|w| w.0.max(arrival))
}

/// The latest service start at or before `bound` inside `windows`.
#[inline]
pub fn latest_start(windows: &[(i64, i64)], bound: i64) -> Option<i64> {
    if windows.is_empty() {
        return Some(bound);
    }
    windows
        .iter()
        .rev()
        .find(|w| w.0 <= bound)
        .map(|w| w.1.min(bound))
}

/// Sorted, merged copy of a stop's windows.
pub fn normalise(windows: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut w = windows.to_vec();
    w.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(w.len());
    for (a, b) in w {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// The problem as the search reads it.
pub struct Inst<'a> {
    pub p: &'a Problem,
    pub metric: &'a Matrix,
    pub windows: Vec<Vec<(i64, i64)>>,
    pub must: Vec<bool>,
    /// The vehicles of each class (equal attributes), by index: only one empty vehicle per
    /// class is tried for an insertion.
    pub members: Vec<Vec<usize>>,
    /// Per stop, the other stops by increasing metric distance (at most [`NEIGHBOURS`]).
    pub neighbours: Vec<Vec<u32>>,
    /// Weight of the balance term.
    pub balance_weight: i64,
    pub balance_scale: i64,
}

const NEIGHBOURS: usize = 100;

impl<'a> Inst<'a> {
    pub fn new(p: &'a Problem) -> Self {
        let metric = match p.objective.minimise {
            Metric::Duration => &p.durations,
            Metric::Distance => &p.distances,
        };
        let mut keys: Vec<_> = Vec::new();
        let class = p
            .vehicles
            .iter()
            .map(|v| {
                let key = (
                    &v.capacity,
                    v.shift_start,
                    v.shift_end,
                    v.start,
                    v.end,
                    v.max_stops,
                    v.fixed_cost,
                );
                match keys.iter().position(|k| *k == key) {
                    Some(i) => i,
                    None => {
                        keys.push(key);
                        keys.len() - 1
                    }
                }
            })
            .collect();
        let class: Vec<usize> = class;
        let mut members = vec![Vec::new(); keys.len()];
        for (v, &c) in class.iter().enumerate() {
            members[c].push(v);
        }
        let n = p.stops.len();
        let neighbours = (0..n)
            .map(|i| {
                let li = p.stops[i].location;
                let mut others: Vec<(i64, u32)> = (0..n)
                    .filter(|&j| j != i)
                    .map(|j| {
                        let lj = p.stops[j].location;
                        (metric.get(li, lj).min(metric.get(lj, li)), j as u32)
                    })
                    .collect();
                let k = NEIGHBOURS.min(others.len());
                if k < others.len() {
                    others.select_nth_unstable(k);
                    others.truncate(k);
                }
                others.sort_unstable();
                others.into_iter().map(|(_, j)| j).collect()
            })
            .collect();
        // The balance term is worth about one average leg per unit of imbalance.
        let legs: i64 = (0..n)
            .map(|i| {
                p.vehicles
                    .first()
                    .map_or(0, |v| metric.get(v.start, p.stops[i].location))
            })
            .sum();
        let avg_leg = (legs / n.max(1) as i64).max(1);
        let mean_shift = p
            .vehicles
            .iter()
            .map(|v| (v.shift_end - v.shift_start).max(1))
            .sum::<i64>()
            / p.vehicles.len().max(1) as i64;
        Inst {
            p,
            metric,
            windows: p.stops.iter().map(|s| normalise(&s.windows)).collect(),
            must: p
                .stops
                .iter()
                .map(|s| s.priority == Priority::Must)
                .collect(),
            members,
            neighbours,
            balance_weight: avg_leg,
            balance_scale: mean_shift.max(1),
        }
    }

    /// Balance penalty of a route with `stops` stops and `work` time units of driving + service.
    #[inline]
    pub fn balance(&self, stops: i64, work: i64) -> i64 {
        match self.p.objective.balance {
            None => 0,
            Some(Balance::Stops) => self.balance_weight * stops * stops,
            Some(Balance::Duration) => {
                ((work as i128 * work as i128 * self.balance_weight as i128)
                    / self.balance_scale as i128) as i64
                    / 4
            }
        }
    }
}

/// One vehicle's route with its caches. Nodes: 0 = start, 1..=m = stops, m+1 = end.
#[derive(Clone, Debug)]
pub struct RouteState {
    pub stops: Vec<usize>,
    /// Earliest departure from node k (k = 0..=m).
    pub edep: Vec<i64>,
    /// Latest arrival at node k keeping the rest feasible (k = 1..=m+1; index 0 unused).
    pub la: Vec<i64>,
    pub load: Vec<i64>,
    /// Σ metric legs (end leg included), 0 when empty.
    pub legs: i64,
    /// Σ durations legs + service (for the balance term).
    pub work: i64,
    /// legs + fixed cost (if used) + balance: this route's share of the objective's metric.
    pub cost: i64,
}

impl RouteState {
    pub fn new(units: usize) -> Self {
        RouteState {
            stops: Vec::new(),
            edep: Vec::new(),
            la: Vec::new(),
            load: vec![0; units],
            legs: 0,
            work: 0,
            cost: 0,
        }
    }
}

/// Location of node `k` of vehicle `v`'s route (`None`: an open end).
#[inline]
fn node_loc(inst: &Inst, v: usize, stops: &[usize], k: usize) -> Option<usize> {
    let veh = &inst.p.vehicles[v];
    if k == 0 {
        Some(veh.start)
    } else if k <= stops.len() {
        Some(inst.p.stops[stops[k - 1]].location)
    } else {
        match veh.end {
            End::Return(e) => Some(e),
            End::Open => None,
        }
    }
}

#[inline]
fn leg(m: &Matrix, a: Option<usize>, b: Option<usize>) -> i64 {
    match (a, b) {
        (Some(a), Some(b)) => m.get(a, b),
        _ => 0,
    }
}

/// Recomputes every cache of `r` (vehicle `v`); returns false if the route is infeasible.
pub fn refresh(inst: &Inst, v: usize, r: &mut RouteState) -> bool {
    let p = inst.p;
    let veh = &p.vehicles[v];
    let m = r.stops.len();
    r.edep.clear();
    r.la.clear();
    r.la.resize(m + 2, 0);
    r.load.iter_mut().for_each(|x| *x = 0);
    r.legs = 0;
    r.work = 0;
    let mut ok = true;
    let mut t = veh.shift_start;
    r.edep.push(t);
    let mut prev = Some(veh.start);
    for &s in &r.stops {
        let stop = &p.stops[s];
        let here = Some(stop.location);
        let arrival = t + leg(&p.durations, prev, here);
        r.legs += leg(inst.metric, prev, here);
        r.work += leg(&p.durations, prev, here) + stop.service;
        let start = earliest_start(&inst.windows[s], arrival).unwrap_or_else(|| {
            ok = false;
            arrival
        });
        t = start + stop.service;
        r.edep.push(t);
        for (l, d) in r.load.iter_mut().zip(&stop.demand) {
            *l += d;
        }
        prev = here;
    }
    let end = node_loc(inst, v, &r.stops, m + 1);
    r.legs += leg(inst.metric, prev, end);
    r.work += leg(&p.durations, prev, end);
    if t + leg(&p.durations, prev, end) > veh.shift_end {
        ok = false;
    }
    r.la[m + 1] = veh.shift_end;
    for k in (1..=m).rev() {
        let s = r.stops[k - 1];
        let bound = r.la[k + 1]
            - leg(
                &p.durations,
                Some(p.stops[s].location),
                node_loc(inst, v, &r.stops, k + 1),
            )
            - p.stops[s].service;
        r.la[k] = latest_start(&inst.windows[s], bound).unwrap_or(-FAR);
    }
    ok &= r.load.iter().zip(&veh.capacity).all(|(l, c)| l <= c);
    ok &= veh.max_stops.is_none_or(|mx| m <= mx);
    r.cost = if m == 0 {
        0
    } else {
        r.legs + veh.fixed_cost + inst.balance(m as i64, r.work)
    };
    ok
}

/// Which limits an insertion test enforces (the reasons relax one at a time).
#[derive(Clone, Copy)]
pub struct Limits {
    pub capacity: bool,
    pub time: bool,
    pub max_stops: bool,
}

pub const ALL_LIMITS: Limits = Limits {
    capacity: true,
    time: true,
    max_stops: true,
};

/// Whether stop `s` may go into vehicle `v` at all (lock, capacity, max stops).
#[inline]
pub fn fits(inst: &Inst, v: usize, r: &RouteState, s: usize, lim: Limits) -> bool {
    let p = inst.p;
    let veh = &p.vehicles[v];
    if p.stops[s].locked_vehicle.is_some_and(|l| l != v) {
        return false;
    }
    if lim.max_stops && veh.max_stops.is_some_and(|mx| r.stops.len() >= mx) {
        return false;
    }
    !lim.capacity
        || r.load
            .iter()
            .zip(&p.stops[s].demand)
            .zip(&veh.capacity)
            .all(|((l, d), c)| l + d <= *c)
}

/// Cost increase of inserting `s` between nodes `pos` and `pos + 1` of `r` (route must be
/// refreshed), or `None` if the time windows or shift forbid it (when `time` is enforced).
#[inline]
pub fn insertion_delta(
    inst: &Inst,
    v: usize,
    r: &RouteState,
    s: usize,
    pos: usize,
    time: bool,
) -> Option<i64> {
    let p = inst.p;
    let stop = &p.stops[s];
    let here = Some(stop.location);
    let m = r.stops.len();
    let prev = node_loc(inst, v, &r.stops, pos);
    let next = node_loc(inst, v, &r.stops, pos + 1);
    if time {
        let arrival = r.edep[pos] + leg(&p.durations, prev, here);
        let start = earliest_start(&inst.windows[s], arrival)?;
        let dep = start + stop.service;
        let la_next = if m == 0 {
            p.vehicles[v].shift_end
        } else {
            r.la[pos + 1]
        };
        if dep + leg(&p.durations, here, next) > la_next {
            return None;
        }
    }
    let dm =
        leg(inst.metric, prev, here) + leg(inst.metric, here, next) - leg(inst.metric, prev, next);
    let new_cost = if inst.p.objective.balance.is_some() {
        let dw = leg(&p.durations, prev, here) + leg(&p.durations, here, next)
            - leg(&p.durations, prev, next)
            + stop.service;
        let base = if m == 0 { p.vehicles[v].fixed_cost } else { 0 };
        r.cost + base + dm + inst.balance(m as i64 + 1, r.work + dw)
            - if m == 0 {
                0
            } else {
                inst.balance(m as i64, r.work)
            }
    } else {
        r.cost + dm + if m == 0 { p.vehicles[v].fixed_cost } else { 0 }
    };
    Some(new_cost - r.cost)
}
