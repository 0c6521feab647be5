//! The delay from an exchange's timestamp to our receipt of the frame, per feed.
//!
//! Recorded lock-free on the hot path (a few relaxed atomic adds per event) into two sets of
//! buckets: fine log-linear ones (12.5 % wide, from 1 µs to hours) that give the median,
//! p99 and the per-interval figures of the run summary and the minute log line, and the
//! fixed Prometheus buckets of [`PROMETHEUS_BUCKETS`], counted exactly (a sample is in the
//! `le` bucket iff its lag is at most `le`), plus the exact maximum and sum.
//!
//! A negative lag (the exchange's clock ahead of ours) counts as zero and is counted apart:
//! many of them mean the local clock is behind, which also makes every lag figure too low.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rust_decimal::Decimal;

/// Upper bounds (seconds) of the Prometheus histogram `feedhandler_lag_seconds`.
pub const PROMETHEUS_BUCKETS: [f64; 16] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

/// The same bounds in microseconds, for exact comparison.
const PROMETHEUS_BUCKETS_MICROS: [u64; 16] = [
    1_000,
    2_500,
    5_000,
    10_000,
    25_000,
    50_000,
    100_000,
    250_000,
    500_000,
    1_000_000,
    2_500_000,
    5_000_000,
    10_000_000,
    30_000_000,
    60_000_000,
    300_000_000,
];

/// Values below this many microseconds get a bucket each.
const LINEAR_BELOW: u64 = 16;
/// Sub-buckets per power of two above that (3 bits: 12.5 % wide).
const SUB_BITS: u32 = 3;
/// Fine buckets: 16 linear + 8 for each of the powers 2^4 .. 2^63.
pub(crate) const FINE_BUCKETS: usize = LINEAR_BELOW as usize + (64 - 4) * (1 << SUB_BITS);

/// Whole microseconds of a timestamp in seconds (truncated), from the decimal's mantissa
/// and scale: integer arithmetic only (this runs once per event).
fn micros_of(seconds: Decimal) -> i128 {
    const POWERS: [i128; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
    let (mantissa, scale) = (seconds.mantissa(), seconds.scale() as usize);
    match scale {
        6 => mantissa, // our receipt stamps
        0..=5 => mantissa * POWERS[6 - scale],
        _ => mantissa / 10_i128.pow(scale as u32 - 6),
    }
}

/// The fine bucket of a lag in microseconds.
fn fine_index(micros: u64) -> usize {
    if micros < LINEAR_BELOW {
        return micros as usize;
    }
    let exponent = 63 - micros.leading_zeros(); // >= 4
    let sub = (micros >> (exponent - SUB_BITS)) & ((1 << SUB_BITS) - 1);
    LINEAR_BELOW as usize + ((exponent - 4) << SUB_BITS) as usize + sub as usize
}

/// The largest lag (microseconds) of a fine bucket.
fn fine_upper(index: usize) -> u64 {
    if index < LINEAR_BELOW as usize {
        return index as u64;
    }
    let offset = index - LINEAR_BELOW as usize;
    let exponent = (offset >> SUB_BITS) as u32 + 4;
    let sub = (offset & ((1 << SUB_BITS) - 1)) as u64;
    let step = 1_u128 << (exponent - SUB_BITS);
    let upper = (1_u128 << exponent) + u128::from(sub + 1) * step - 1;
    u64::try_from(upper).unwrap_or(u64::MAX)
}

/// Adds to a counter that only one task writes (a feed's task records its own events):
/// a plain load and store, no locked instruction; readers on other threads see every
/// value whole (relaxed atomics), at worst one event late.
pub(crate) fn bump(counter: &AtomicU64, by: u64) {
    counter.store(
        counter.load(Ordering::Relaxed).wrapping_add(by),
        Ordering::Relaxed,
    );
}

/// Live lag buckets of one feed. Written by the feed's task only (see [`bump`]).
#[derive(Debug)]
pub(crate) struct LagHistogram {
    fine: Box<[AtomicU64]>,
    prometheus: [AtomicU64; PROMETHEUS_BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
    max_micros: AtomicU64,
    negative: AtomicU64,
}

impl Default for LagHistogram {
    fn default() -> Self {
        LagHistogram {
            fine: (0..FINE_BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            prometheus: Default::default(),
            count: AtomicU64::new(0),
            sum_micros: AtomicU64::new(0),
            max_micros: AtomicU64::new(0),
            negative: AtomicU64::new(0),
        }
    }
}

impl LagHistogram {
    /// Records `receipt - exchange_time` (both in seconds since the epoch).
    pub(crate) fn record(&self, exchange_time: Decimal, receipt: Decimal) {
        let lag = micros_of(receipt) - micros_of(exchange_time);
        let micros = if lag < 0 {
            bump(&self.negative, 1);
            0
        } else {
            u64::try_from(lag).unwrap_or(u64::MAX)
        };
        self.record_micros(micros);
    }

    fn record_micros(&self, micros: u64) {
        bump(&self.fine[fine_index(micros)], 1);
        if let Some(bucket) = PROMETHEUS_BUCKETS_MICROS
            .iter()
            .position(|bound| micros <= *bound)
        {
            bump(&self.prometheus[bucket], 1);
        }
        bump(&self.count, 1);
        bump(&self.sum_micros, micros);
        if micros > self.max_micros.load(Ordering::Relaxed) {
            self.max_micros.store(micros, Ordering::Relaxed);
        }
    }

    /// The fine buckets now (to subtract from a later snapshot for an interval's figures).
    pub(crate) fn buckets(&self) -> LagBuckets {
        LagBuckets(
            self.fine
                .iter()
                .map(|bucket| bucket.load(Ordering::Relaxed))
                .collect(),
        )
    }

    /// Everything since the start.
    pub(crate) fn summary(&self) -> LagSummary {
        let mut summary = self.buckets().summary();
        summary.max = Duration::from_micros(self.max_micros.load(Ordering::Relaxed));
        // A bucket's upper edge may lie above the exact maximum: no quantile exceeds it.
        summary.median = summary.median.min(summary.max);
        summary.p99 = summary.p99.min(summary.max);
        summary.negative = self.negative.load(Ordering::Relaxed);
        summary
    }

    /// `(sum in seconds, count, (le, samples in that bucket alone))` for Prometheus: the
    /// encoder makes the buckets cumulative and adds `+Inf` (= count).
    pub(crate) fn prometheus(&self) -> (f64, u64, Vec<(f64, u64)>) {
        let buckets: Vec<(f64, u64)> = PROMETHEUS_BUCKETS
            .iter()
            .zip(&self.prometheus)
            .map(|(bound, count)| (*bound, count.load(Ordering::Relaxed)))
            .collect();
        let finite: u64 = buckets.iter().map(|(_, count)| count).sum();
        // Read after the buckets, and never below them: +Inf is at least every finite bucket.
        let count = self.count.load(Ordering::Relaxed).max(finite);
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        (sum, count, buckets)
    }
}

/// A copy of the fine buckets at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LagBuckets(Vec<u64>);

impl LagBuckets {
    /// The samples recorded after `earlier` (a snapshot of the same histogram).
    #[must_use]
    pub fn since(&self, earlier: &LagBuckets) -> LagBuckets {
        LagBuckets(
            self.0
                .iter()
                .enumerate()
                .map(|(index, count)| {
                    count.saturating_sub(earlier.0.get(index).copied().unwrap_or(0))
                })
                .collect(),
        )
    }

    /// Median, p99 and max of these samples (each the upper edge of its 12.5 % bucket).
    #[must_use]
    pub fn summary(&self) -> LagSummary {
        let samples: u64 = self.0.iter().sum();
        let quantile = |q: f64| {
            if samples == 0 {
                return Duration::ZERO;
            }
            // The rank of the sample at quantile q (1-based, nearest rank).
            let rank = ((q * samples as f64).ceil() as u64).clamp(1, samples);
            let mut seen = 0;
            for (index, count) in self.0.iter().enumerate() {
                seen += count;
                if seen >= rank {
                    return Duration::from_micros(fine_upper(index));
                }
            }
            Duration::ZERO
        };
        let max = self
            .0
            .iter()
            .rposition(|count| *count > 0)
            .map_or(Duration::ZERO, |index| {
                Duration::from_micros(fine_upper(index))
            });
        LagSummary {
            samples,
            median: quantile(0.5),
            p99: quantile(0.99),
            max,
            negative: 0,
        }
    }
}

/// Lag figures of a feed (or of one interval of it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LagSummary {
    /// Events with an exchange timestamp.
    pub samples: u64,
    /// Half of them arrived within this (upper edge of a 12.5 % bucket).
    pub median: Duration,
    /// 99 % of them arrived within this.
    pub p99: Duration,
    /// The largest lag (exact over the whole run; bucket edge for an interval).
    pub max: Duration,
    /// Events stamped later than their receipt (the local clock is behind the exchange's).
    pub negative: u64,
}

impl LagSummary {
    /// `median=12ms p99=40ms max=1.2s`, or `-` without samples.
    #[must_use]
    pub fn display(&self) -> String {
        if self.samples == 0 {
            return "-".to_owned();
        }
        format!(
            "median={} p99={} max={}",
            short_duration(self.median),
            short_duration(self.p99),
            short_duration(self.max)
        )
    }
}

/// `850µs`, `12.3ms`, `4.56s`.
#[must_use]
pub fn short_duration(duration: Duration) -> String {
    let micros = duration.as_micros();
    if micros < 1_000 {
        format!("{micros}µs")
    } else if micros < 1_000_000 {
        format!("{:.1}ms", micros as f64 / 1e3)
    } else {
        format!("{:.2}s", micros as f64 / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fine_buckets_cover_every_value_in_order_and_are_at_most_an_eighth_wide() {
        let mut previous_upper = None;
        for index in 0..FINE_BUCKETS {
            let upper = fine_upper(index);
            if let Some(previous) = previous_upper {
                assert!(upper > previous, "bucket {index}");
                let lower = previous + 1;
                assert_eq!(fine_index(lower), index);
                assert!((upper - lower) as f64 <= lower as f64 / 8.0 + 1.0);
            }
            assert_eq!(fine_index(upper), index, "upper edge of bucket {index}");
            previous_upper = Some(upper);
        }
        assert_eq!(fine_index(u64::MAX), FINE_BUCKETS - 1);
        assert_eq!(fine_upper(FINE_BUCKETS - 1), u64::MAX);
    }

    #[test]
    fn quantiles_come_from_the_samples_within_an_eighth() {
        let histogram = LagHistogram::default();
        // 1..=1000 ms: median 500 ms, p99 990 ms, max 1000 ms.
        for millis in 1..=1000_u64 {
            histogram.record_micros(millis * 1000);
        }
        let summary = histogram.summary();
        assert_eq!(summary.samples, 1000);
        let within = |got: Duration, want_ms: f64| {
            let got = got.as_secs_f64() * 1e3;
            assert!(
                got >= want_ms && got <= want_ms * 1.125,
                "{got} vs {want_ms}"
            );
        };
        within(summary.median, 500.0);
        within(summary.p99, 990.0);
        assert_eq!(summary.max, Duration::from_millis(1000), "the max is exact");
        // One sample: every quantile is that sample, never its bucket's edge above it.
        let single = LagHistogram::default();
        single.record_micros(42_600);
        let one = single.summary();
        let sample = Duration::from_micros(42_600);
        assert_eq!((one.median, one.p99, one.max), (sample, sample, sample));
    }

    #[test]
    fn decimal_timestamps_and_clock_skew() {
        let histogram = LagHistogram::default();
        histogram.record(
            Decimal::new(1_700_000_000_000, 3),
            Decimal::new(1_700_000_000_250_500, 6),
        );
        histogram.record(
            Decimal::new(1_700_000_001, 0),
            Decimal::new(1_700_000_000, 0),
        );
        // Nanosecond stamps count in whole microseconds: 1.999 µs later is 1 µs.
        histogram.record(
            Decimal::new(1_700_000_000_000_000_000, 9),
            Decimal::new(1_700_000_000_000_001_999, 9),
        );
        let summary = histogram.summary();
        assert_eq!(summary.samples, 3);
        assert_eq!(summary.negative, 1);
        assert_eq!(summary.max, Duration::from_micros(250_500));
        let (sum, count, buckets) = histogram.prometheus();
        assert_eq!(count, 3);
        assert!((sum - 0.250_501).abs() < 1e-9);
        // 0 and 1 µs fall in le=0.001, 250.5 ms in le=0.5.
        assert_eq!(buckets[0], (0.001, 2));
        assert_eq!(buckets[7], (0.25, 0));
        assert_eq!(buckets[8], (0.5, 1));
        assert_eq!(buckets.len(), PROMETHEUS_BUCKETS.len());
    }

    #[test]
    fn prometheus_buckets_are_exact_at_their_bounds() {
        let histogram = LagHistogram::default();
        histogram.record_micros(1_000);
        histogram.record_micros(1_001);
        histogram.record_micros(400_000_000);
        let (_, count, buckets) = histogram.prometheus();
        assert_eq!(buckets[0], (0.001, 1), "1 ms is within le=0.001");
        assert_eq!(buckets[1], (0.0025, 1), "1.001 ms is not");
        let finite: u64 = buckets.iter().map(|(_, n)| n).sum();
        assert_eq!(finite, 2, "400 s is beyond the last bound");
        assert_eq!(count, 3);
    }

    #[test]
    fn an_interval_is_the_difference_of_two_snapshots() {
        let histogram = LagHistogram::default();
        for _ in 0..100 {
            histogram.record_micros(5_000_000);
        }
        let before = histogram.buckets();
        for _ in 0..10 {
            histogram.record_micros(2_000);
        }
        let interval = histogram.buckets().since(&before).summary();
        assert_eq!(interval.samples, 10);
        assert!(interval.median < Duration::from_micros(2_300));
        assert!(interval.max < Duration::from_micros(2_300));
        assert_eq!(LagBuckets::default().summary().display(), "-");
        assert_eq!(short_duration(Duration::from_micros(850)), "850µs");
        assert_eq!(short_duration(Duration::from_micros(12_345)), "12.3ms");
        assert_eq!(short_duration(Duration::from_millis(4_560)), "4.56s");
    }
}
