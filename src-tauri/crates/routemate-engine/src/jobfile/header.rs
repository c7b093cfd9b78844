//! CSV header names: the canonical columns of the spec's "Job files" section and the aliases that
//! spreadsheet and WMS exports commonly use for them. Matching ignores case, spaces and punctuation.

/// A column RouteMate understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    ExternalJobId,
    Title,
    DriverEmail,
    Date,
    ExternalStopId,
    Address,
    Label,
    ParcelCount,
    Lat,
    Lng,
    Notes,
    Phone,
    ServiceMinutes,
    TimeWindowStart,
    TimeWindowEnd,
}

impl Column {
    /// The canonical header (also the import-request field name for stop columns).
    pub fn name(self) -> &'static str {
        match self {
            Column::ExternalJobId => "external_job_id",
            Column::Title => "title",
            Column::DriverEmail => "driver_email",
            Column::Date => "date",
            Column::ExternalStopId => "external_stop_id",
            Column::Address => "address",
            Column::Label => "label",
            Column::ParcelCount => "parcel_count",
            Column::Lat => "lat",
            Column::Lng => "lng",
            Column::Notes => "notes",
            Column::Phone => "phone",
            Column::ServiceMinutes => "service_minutes",
            Column::TimeWindowStart => "time_window_start",
            Column::TimeWindowEnd => "time_window_end",
        }
    }

    /// Every column, in the order the spec lists them.
    pub const ALL: [Column; 15] = [
        Column::ExternalJobId,
        Column::Title,
        Column::DriverEmail,
        Column::Date,
        Column::ExternalStopId,
        Column::Address,
        Column::Label,
        Column::ParcelCount,
        Column::Lat,
        Column::Lng,
        Column::Notes,
        Column::Phone,
        Column::ServiceMinutes,
        Column::TimeWindowStart,
        Column::TimeWindowEnd,
    ];

    /// A job-level column: one value per job, repeated (or left empty) on its other rows.
    pub fn is_job_level(self) -> bool {
        matches!(
            self,
            Column::ExternalJobId | Column::Title | Column::DriverEmail | Column::Date
        )
    }
}

/// Aliases after normalisation (see [`normalise`]), per column.
const ALIASES: &[(Column, &[&str])] = &[
    (
        Column::ExternalJobId,
        &[
            "job_id",
            "job",
            "job_ref",
            "job_reference",
            "job_number",
            "batch",
            "batch_id",
            "route_id",
        ],
    ),
    (
        Column::Title,
        &["job_title", "job_name", "route_name", "route_title"],
    ),
    (
        Column::DriverEmail,
        &["driver", "driver_e_mail", "driver_mail", "email_driver"],
    ),
    (Column::Date, &["delivery_date", "job_date", "route_date"]),
    (
        Column::ExternalStopId,
        &[
            "stop_id",
            "stop",
            "stop_ref",
            "stop_reference",
            "order_id",
            "order",
            "order_number",
            "order_no",
            "delivery_id",
            "consignment",
            "consignment_id",
        ],
    ),
    (
        Column::Address,
        &[
            "delivery_address",
            "street_address",
            "full_address",
            "addr",
            "destination",
        ],
    ),
    (
        Column::Label,
        &[
            "customer",
            "customer_name",
            "name",
            "recipient",
            "contact_name",
            "company",
        ],
    ),
    (
        Column::ParcelCount,
        &[
            "parcels",
            "parcel",
            "packages",
            "package_count",
            "pieces",
            "items",
            "qty",
            "quantity",
            "boxes",
            "cartons",
        ],
    ),
    (Column::Lat, &["latitude"]),
    (Column::Lng, &["lon", "long", "longitude"]),
    (
        Column::Notes,
        &[
            "note",
            "instructions",
            "delivery_instructions",
            "comment",
            "comments",
        ],
    ),
    (
        Column::Phone,
        &[
            "phone_number",
            "telephone",
            "tel",
            "mobile",
            "contact_phone",
        ],
    ),
    (
        Column::ServiceMinutes,
        &[
            "service_time",
            "service",
            "service_min",
            "service_duration",
            "dwell_minutes",
            "dwell_time",
        ],
    ),
    (
        Column::TimeWindowStart,
        &[
            "window_start",
            "tw_start",
            "time_from",
            "earliest",
            "ready_time",
            "window_open",
            "delivery_window_start",
        ],
    ),
    (
        Column::TimeWindowEnd,
        &[
            "window_end",
            "tw_end",
            "time_to",
            "latest",
            "due_time",
            "window_close",
            "delivery_window_end",
        ],
    ),
];

/// Lower-cases and turns every run of non-alphanumerics into one `_` ("Parcel Count" → "parcel_count").
pub fn normalise(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// The column a header names, if any.
pub fn canonical_column(header: &str) -> Option<Column> {
    let n = normalise(header);
    Column::ALL.into_iter().find(|c| c.name() == n).or_else(|| {
        ALIASES
            .iter()
            .find(|(_, names)| names.contains(&n.as_str()))
            .map(|(c, _)| *c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_spelling_variants() {
        for (h, c) in [
            ("External Job ID", Column::ExternalJobId),
            ("EXTERNAL_STOP_ID", Column::ExternalStopId),
            ("Parcels", Column::ParcelCount),
            ("Latitude", Column::Lat),
            ("Lon", Column::Lng),
            ("Time window start", Column::TimeWindowStart),
            (" order-id ", Column::ExternalStopId),
            ("Driver E-Mail", Column::DriverEmail),
        ] {
            assert_eq!(canonical_column(h), Some(c), "{h}");
        }
        assert_eq!(canonical_column("Colour"), None);
        assert_eq!(canonical_column(""), None);
    }
}
