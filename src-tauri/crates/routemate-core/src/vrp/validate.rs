//! Rejects malformed problems before the search, naming the vehicle or stop and the field.

use super::model::{End, Matrix, Problem, VrpError};

fn check_matrix(m: &Matrix, name: &'static str) -> Result<(), VrpError> {
    for i in 0..m.len() {
        for j in 0..m.len() {
            let value = m.get(i, j);
            if value < 0 {
                return Err(VrpError::NegativeMatrixEntry {
                    matrix: name,
                    from: i,
                    to: j,
                    value,
                });
            }
        }
    }
    Ok(())
}

/// Checks shapes, ranges and signs; `Ok` means the solver may index everything freely.
pub fn validate(p: &Problem) -> Result<(), VrpError> {
    let n = p.durations.len();
    if p.distances.len() != n {
        return Err(VrpError::MatrixMismatch {
            durations: n,
            distances: p.distances.len(),
        });
    }
    check_matrix(&p.durations, "durations")?;
    check_matrix(&p.distances, "distances")?;
    let units = p.vehicles.first().map(|v| v.capacity.len());
    let invalid = |owner, id: &str, index, field, why: String| VrpError::InvalidField {
        owner,
        id: id.to_string(),
        index,
        field,
        why,
    };
    let out_of_range = |owner, id: &str, index, field, value| VrpError::LocationOutOfRange {
        owner,
        id: id.to_string(),
        index,
        field,
        value,
        len: n,
    };
    for (k, v) in p.vehicles.iter().enumerate() {
        if v.start >= n {
            return Err(out_of_range("vehicle", &v.id, k, "start", v.start));
        }
        if let End::Return(e) = v.end {
            if e >= n {
                return Err(out_of_range("vehicle", &v.id, k, "end", e));
            }
        }
        if let Some(units) = units {
            if v.capacity.len() != units {
                return Err(VrpError::UnitMismatch {
                    owner: "vehicle",
                    id: v.id.clone(),
                    index: k,
                    field: "capacity",
                    expected: units,
                    got: v.capacity.len(),
                });
            }
        }
        if let Some(c) = v.capacity.iter().find(|&&c| c < 0) {
            return Err(invalid(
                "vehicle",
                &v.id,
                k,
                "capacity",
                format!("{c} is negative"),
            ));
        }
        if v.shift_start > v.shift_end {
            return Err(invalid(
                "vehicle",
                &v.id,
                k,
                "shift",
                format!(
                    "starts at {} after it ends at {}",
                    v.shift_start, v.shift_end
                ),
            ));
        }
        if v.fixed_cost < 0 {
            return Err(invalid(
                "vehicle",
                &v.id,
                k,
                "fixed_cost",
                "is negative".into(),
            ));
        }
    }
    for (k, s) in p.stops.iter().enumerate() {
        if s.location >= n {
            return Err(out_of_range("stop", &s.id, k, "location", s.location));
        }
        if let Some(units) = units {
            if s.demand.len() != units {
                return Err(VrpError::UnitMismatch {
                    owner: "stop",
                    id: s.id.clone(),
                    index: k,
                    field: "demand",
                    expected: units,
                    got: s.demand.len(),
                });
            }
        }
        if let Some(d) = s.demand.iter().find(|&&d| d < 0) {
            return Err(invalid(
                "stop",
                &s.id,
                k,
                "demand",
                format!("{d} is negative"),
            ));
        }
        if s.service < 0 {
            return Err(invalid("stop", &s.id, k, "service", "is negative".into()));
        }
        if let Some(&(a, b)) = s.windows.iter().find(|(a, b)| a > b) {
            return Err(invalid(
                "stop",
                &s.id,
                k,
                "windows",
                format!("window ({a}, {b}) ends before it starts"),
            ));
        }
        if let Some(v) = s.locked_vehicle {
            if v >= p.vehicles.len() {
                return Err(VrpError::LockOutOfRange {
                    id: s.id.clone(),
                    index: k,
                    vehicle: v,
                    vehicles: p.vehicles.len(),
                });
            }
        }
    }
    Ok(())
}
