//! A Queensland-size state: a metropolitan city, regional cities and towns joined by a
//! meandering rural network.

use super::Synth;
use rand::Rng;
use std::f64::consts::PI;

impl Synth {
    /// A Queensland-size state: metro, regional cities, towns, rural roads, filler to ~200 MB.
    pub fn state(seed: u64) -> Synth {
        let mut s = Synth::new(seed);
        s.origin = (-28.0, 138.0);
        let (w, h, step) = (1_400_000.0, 1_000_000.0, 25_000.0);
        let (nx, ny) = ((w / step) as usize + 1, (h / step) as usize + 1);
        // Rural junctions.
        let mut rural = Vec::with_capacity(nx * ny);
        for i in 0..ny {
            for j in 0..nx {
                let x = j as f64 * step + s.rng.gen_range(-0.3..0.3) * step;
                let y = i as f64 * step + s.rng.gen_range(-0.3..0.3) * step;
                rural.push(s.node(x, y));
            }
        }
        let at = |i: usize, j: usize| rural[i * nx + j];
        for i in 0..ny {
            for j in 0..nx {
                for (di, dj) in [(0usize, 1usize), (1, 0)] {
                    let (i2, j2) = (i + di, j + dj);
                    if i2 >= ny || j2 >= nx || s.rng.gen_bool(0.25) {
                        continue;
                    }
                    let line = if di == 0 { i } else { j };
                    let class = if line % 5 == 0 {
                        "trunk"
                    } else if line % 2 == 0 {
                        "secondary"
                    } else {
                        "unclassified"
                    };
                    let refs = s.shaped(&[at(i, j), at(i2, j2)], 100.0, 0.04);
                    // Farm roads off the link, dead ends of 2–8 km.
                    let spurs = if refs.len() > 2 {
                        s.rng.gen_range(1..4)
                    } else {
                        0
                    };
                    for _ in 0..spurs {
                        let k = s.rng.gen_range(1..refs.len() - 1);
                        let from = refs[k];
                        let (x, y) = s.pos(from);
                        let a = s.rng.gen_range(0.0..2.0 * PI);
                        let len = s.rng.gen_range(2_000.0..8_000.0);
                        let end = s.node(x + a.cos() * len, y + a.sin() * len);
                        let spur = s.shaped(&[from, end], 100.0, 0.05);
                        s.way(spur, "unclassified", &[]);
                    }
                    s.way(refs, class, &[]);
                }
            }
        }
        // Towns at rural junctions, joined to them by a secondary road from each side.
        // Cells per side: a metropolis, 13 regional cities, 460 towns (~7,800 cells).
        let mut towns: Vec<usize> = vec![55];
        towns.extend([20, 15, 12, 12, 10, 10, 9, 8, 8, 7, 7, 6, 6]);
        towns.extend(std::iter::repeat_n(5, 40));
        towns.extend(std::iter::repeat_n(3, 120));
        towns.extend(std::iter::repeat_n(2, 300));
        let mut used = vec![false; rural.len()];
        for size in towns {
            let (i, j) = loop {
                let (i, j) = (s.rng.gen_range(2..ny - 2), s.rng.gen_range(2..nx - 2));
                if !used[i * nx + j] {
                    used[i * nx + j] = true;
                    break (i, j);
                }
            };
            let hub = at(i, j);
            let (hx, hy) = s.pos(hub);
            let half = size as f64 * 500.0;
            let gates = s.add_city(hx + 2_000.0, hy - half, size, size);
            for g in gates {
                let link = s.shaped(&[hub, g], 60.0, 0.05);
                s.way(link, "secondary", &[]);
            }
        }
        s
    }
}
