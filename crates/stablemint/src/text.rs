//! Showing dates. Text from a server is escaped with `stablemint_wire::escape_controls`.

/// Unix seconds as an RFC 3339 UTC timestamp (`2026-11-26T14:00:00Z`), for years 0 to
/// 9999; outside that range, the seconds themselves.
pub(crate) fn rfc3339(unix_seconds: i64) -> String {
    let second_of_day = unix_seconds.rem_euclid(86_400);
    let (year, month, day) = stablemint_wire::civil_date(unix_seconds);
    if !(0..=9999).contains(&year) {
        return format!("{unix_seconds} (Unix seconds)");
    }
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_known_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(253_402_300_800), "253402300800 (Unix seconds)");
        assert_eq!(rfc3339(i64::MIN), format!("{} (Unix seconds)", i64::MIN));
    }
}
