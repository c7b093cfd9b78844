//! The extract as OSM XML (road nodes, filler nodes, road ways, filler ways), and as PBF through
//! `osmium cat`.

use super::{Synth, M_PER_DEG};
use rand::{rngs::StdRng, Rng, SeedableRng};
use std::io::Write;
use std::path::Path;

impl Synth {
    /// Writes the extract as OSM XML to `out`: road nodes, filler nodes, road ways, filler ways.
    pub fn write_xml(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(
            out,
            "<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6' generator='routemate-bench'>"
        )?;
        let (lat0, lng0) = self.origin;
        let cos = lat0.to_radians().cos();
        let to_ll = |x: f64, y: f64| (lat0 + y / M_PER_DEG, lng0 + x / (M_PER_DEG * cos));
        for (k, &(x, y)) in self.xy.iter().enumerate() {
            let (lat, lng) = to_ll(x as f64, y as f64);
            writeln!(
                out,
                "<node id='{}' version='1' lat='{lat:.7}' lon='{lng:.7}'/>",
                k + 1
            )?;
        }
        let base = self.xy.len() as u64 + 1;
        let mut filler = StdRng::seed_from_u64(7);
        let mut id = base;
        let boxes = &self.building_boxes;
        let weights: Vec<f64> = boxes
            .iter()
            .map(|b| (b.2 - b.0) * (b.3 - b.1))
            .scan(0.0, |acc, a| {
                *acc += a;
                Some(*acc)
            })
            .collect();
        let total = weights.last().copied().unwrap_or(0.0);
        let place = |r: &mut StdRng| -> (f64, f64) {
            let pick = r.gen_range(0.0..total.max(1.0));
            let b = boxes[weights.partition_point(|&w| w < pick).min(boxes.len() - 1)];
            (r.gen_range(b.0..b.2), r.gen_range(b.1..b.3))
        };
        for _ in 0..self.buildings {
            let (x, y) = place(&mut filler);
            let (w, h) = (filler.gen_range(8.0..20.0), filler.gen_range(8.0..20.0));
            for (dx, dy) in [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)] {
                let (lat, lng) = to_ll(x + dx, y + dy);
                writeln!(
                    out,
                    "<node id='{id}' version='1' lat='{lat:.7}' lon='{lng:.7}'/>"
                )?;
                id += 1;
            }
        }
        for _ in 0..self.footways {
            let (x, y) = place(&mut filler);
            for k in 0..3 {
                let (lat, lng) = to_ll(x + k as f64 * 15.0, y + filler.gen_range(-5.0..5.0));
                writeln!(
                    out,
                    "<node id='{id}' version='1' lat='{lat:.7}' lon='{lng:.7}'/>"
                )?;
                id += 1;
            }
        }
        for (k, w) in self.ways.iter().enumerate() {
            write!(out, "<way id='{}' version='1'>", k + 1)?;
            for r in &w.refs {
                write!(out, "<nd ref='{r}'/>")?;
            }
            for (key, v) in &w.tags {
                write!(out, "<tag k='{key}' v='{v}'/>")?;
            }
            writeln!(out, "</way>")?;
        }
        let mut way_id = self.ways.len() as u64 + 1;
        let mut node = base;
        for _ in 0..self.buildings {
            write!(out, "<way id='{way_id}' version='1'>")?;
            for k in [0, 1, 2, 3, 0] {
                write!(out, "<nd ref='{}'/>", node + k)?;
            }
            writeln!(out, "<tag k='building' v='yes'/></way>")?;
            node += 4;
            way_id += 1;
        }
        for _ in 0..self.footways {
            write!(out, "<way id='{way_id}' version='1'>")?;
            for k in 0..3 {
                write!(out, "<nd ref='{}'/>", node + k)?;
            }
            writeln!(out, "<tag k='highway' v='footway'/></way>")?;
            node += 3;
            way_id += 1;
        }
        writeln!(out, "</osm>")
    }

    /// Converts to PBF at `pbf` by piping the XML into `osmium cat`.
    pub fn write_pbf(&self, pbf: &Path) -> anyhow::Result<()> {
        let child = std::process::Command::new("osmium")
            .args(["cat", "--overwrite", "-F", "osm", "-o"])
            .arg(pbf)
            .arg("-")
            .stdin(std::process::Stdio::piped())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => anyhow::bail!(
                "the synthetic networks need `osmium` (Debian package osmium-tool: apt-get \
                 install osmium-tool) ({e})"
            ),
        };
        {
            let stdin = child.stdin.take().expect("piped stdin");
            let mut w = std::io::BufWriter::with_capacity(1 << 20, stdin);
            self.write_xml(&mut w)?;
            w.flush()?;
        }
        let status = child.wait()?;
        if !status.success() {
            anyhow::bail!("osmium cat failed ({status})");
        }
        Ok(())
    }
}
