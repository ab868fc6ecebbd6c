//! RFC 3339 timestamps and the replay window.

use core::time::Duration;

use crate::error::TimestampIssue;

/// Parses an RFC 3339 date-time (`2025-01-15T10:30:00.000Z`, `…+02:00`) into
/// milliseconds since the Unix epoch. Fractions finer than a millisecond are
/// truncated. `T` and `Z` may be lowercase, as RFC 3339 allows.
pub(crate) fn parse_rfc3339_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let year = digits(b, 0, 4)?;
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    let hour = digits(b, 11, 2)?;
    let minute = digits(b, 14, 2)?;
    let second = digits(b, 17, 2)?;
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't'))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }

    let mut rest = b.get(19..)?;
    let mut millis = 0;
    if let Some((b'.', fraction)) = rest.split_first() {
        let len = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if len == 0 {
            return None;
        }
        for (i, c) in fraction.iter().take(3).take(len).enumerate() {
            millis += i64::from(c - b'0') * [100, 10, 1].get(i).copied().unwrap_or(0);
        }
        rest = fraction.get(len..)?;
    }

    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), ..] if rest.len() == 6 && rest.get(3) == Some(&b':') => {
            let (h, m) = (digits(rest, 1, 2)?, digits(rest, 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };

    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1_000 + millis)
}

/// Formats milliseconds since the Unix epoch the way JavaScript's
/// `Date.prototype.toISOString` does (`2025-01-15T10:30:00.000Z`), which is
/// how GeckoGuard writes `timestamp`. Years outside 0000–9999 get JavaScript's
/// six-digit signed form. The inverse of [`parse_rfc3339_ms`] for its output.
#[cfg(any(feature = "sender", test))]
pub(crate) fn format_rfc3339_ms(ms: i64) -> alloc::string::String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let (hour, minute) = (in_day / 3_600_000, in_day / 60_000 % 60);
    let (second, millis) = (in_day / 1_000 % 60, in_day % 1_000);
    let time = alloc::format!("{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z");
    if (0..=9999).contains(&year) {
        alloc::format!("{year:04}-{time}")
    } else {
        alloc::format!("{year:+07}-{time}")
    }
}

/// Checks a timestamp (ms since the epoch) against `now` and a tolerance, both ways.
pub(crate) fn check_window(
    timestamp_ms: i64,
    now: Duration,
    tolerance: Duration,
) -> Result<(), TimestampIssue> {
    let now_ms = i128::try_from(now.as_millis()).unwrap_or(i128::MAX);
    let tolerance_ms = u64::try_from(tolerance.as_millis()).unwrap_or(u64::MAX);
    let diff = now_ms.saturating_sub(i128::from(timestamp_ms));
    let distance = u64::try_from(diff.unsigned_abs()).unwrap_or(u64::MAX);
    if distance <= tolerance_ms {
        Ok(())
    } else if diff > 0 {
        Err(TimestampIssue::TooOld {
            age_ms: distance,
            tolerance_ms,
        })
    } else {
        Err(TimestampIssue::InFuture {
            ahead_ms: distance,
            tolerance_ms,
        })
    }
}

/// `len` ASCII digits at `at`, as a number.
fn digits(b: &[u8], at: usize, len: usize) -> Option<i64> {
    let field = b.get(at..at.checked_add(len)?)?;
    field.iter().try_fold(0i64, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
    })
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day number, the inverse of [`days_from_civil`].
#[cfg(any(feature = "sender", test))]
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_geckoguard_sends() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339_ms("2025-01-15T10:30:00.000Z"),
            Some(1_736_937_000_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2025-01-15T10:30:00.123456Z"),
            Some(1_736_937_000_123)
        );
        assert_eq!(
            parse_rfc3339_ms("2025-01-15t12:30:00.5+02:00"),
            Some(1_736_937_000_500)
        );
        assert_eq!(
            parse_rfc3339_ms("2025-01-15T05:30:00-05:00"),
            Some(1_736_937_000_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2024-02-29T00:00:00Z"),
            Some(1_709_164_800_000)
        );
        assert_eq!(parse_rfc3339_ms("1969-12-31T23:59:59Z"), Some(-1_000));
    }

    #[test]
    fn refuses_what_is_not_rfc3339() {
        for bad in [
            "",
            "yesterday",
            "2025-01-15",
            "2025-01-15T10:30:00",
            "2025-01-15T10:30:00.Z",
            "2025-13-15T10:30:00Z",
            "2025-02-29T10:30:00Z",
            "2025-01-15T24:00:00Z",
            "2025-01-15T10:30:00+2:00",
            "2025-01-15T10:30:00+02:60",
            "2025-01-15 10:30:00Z",
            "2025-01-15T10:30:00Zjunk",
            "2025-01-15T10:30:00.000ZZ",
            "+025-01-15T10:30:00Z",
            "2025-01-15T10:30:00é",
        ] {
            assert_eq!(parse_rfc3339_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_like_to_iso_string() {
        // Expected values are what JavaScript's `new Date(ms).toISOString()` gives.
        for (ms, iso) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (1_736_937_000_000, "2025-01-15T10:30:00.000Z"),
            (1_736_937_000_123, "2025-01-15T10:30:00.123Z"),
            (1_709_164_800_000, "2024-02-29T00:00:00.000Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (1_767_225_599_999, "2025-12-31T23:59:59.999Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (-62_167_219_200_000, "0000-01-01T00:00:00.000Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
            (253_402_300_800_000, "+010000-01-01T00:00:00.000Z"),
            (-62_167_219_200_001, "-000001-12-31T23:59:59.999Z"),
        ] {
            assert_eq!(format_rfc3339_ms(ms), iso, "{ms}");
        }
    }

    #[test]
    fn format_and_parse_round_trip() {
        // A day's worth of steps over four centuries, leap days and all.
        let mut ms = -62_167_219_200_000; // 0000-01-01
        while ms < 253_402_300_800_000 {
            assert_eq!(parse_rfc3339_ms(&format_rfc3339_ms(ms)), Some(ms), "{ms}");
            ms += 86_400_000 * 37 + 3_723_456;
        }
    }

    #[test]
    fn window_is_inclusive_both_ways() {
        let ts = 1_000_000;
        let tol = Duration::from_secs(300);
        assert!(check_window(ts, Duration::from_millis(1_300_000), tol).is_ok());
        assert!(check_window(ts, Duration::from_millis(700_000), tol).is_ok());
        assert!(matches!(
            check_window(ts, Duration::from_millis(1_300_001), tol),
            Err(TimestampIssue::TooOld {
                age_ms: 300_001,
                ..
            })
        ));
        assert!(matches!(
            check_window(ts, Duration::from_millis(699_999), tol),
            Err(TimestampIssue::InFuture {
                ahead_ms: 300_001,
                ..
            })
        ));
        // Extreme values saturate instead of overflowing.
        assert!(check_window(i64::MIN, Duration::MAX, Duration::from_secs(1)).is_err());
        assert!(check_window(i64::MAX, Duration::ZERO, Duration::from_secs(1)).is_err());
        assert!(check_window(i64::MIN, Duration::MAX, Duration::MAX).is_ok());
    }
}
