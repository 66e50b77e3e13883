//! What every connection of one server shares: configuration, armed faults, sessions,
//! counters, and the parts of responses that never change.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

use hyper::header::HeaderValue;

use crate::config::{Fault, MockConfig, RandomFaults};
use crate::fixtures::Offer;
use crate::sessions::{Limits, Sessions};

/// Armed faults: the queue first, then the random ones.
struct Faults {
    /// Oldest first, each with how many requests it still applies to.
    queue: VecDeque<(usize, Fault)>,
    random: Option<(fastrand::Rng, RandomFaults)>,
}

pub(crate) struct Shared {
    pub(crate) config: MockConfig,
    pub(crate) sessions: Sessions,
    faults: Mutex<Faults>,
    requests: AtomicUsize,
    /// The JSON of `allowedPaymentMethods` for SEPA, Faster Payments and card only.
    offers: [String; 3],
    /// The JSON of `savedBanks` for each user who has some.
    saved_banks: HashMap<String, String>,
}

impl Shared {
    /// Fails only if a fixture or a configured saved bank cannot be written as JSON,
    /// which serde_json's API allows for but the generated types never do.
    pub(crate) fn new(mut config: MockConfig) -> std::io::Result<Self> {
        let [sepa, faster, card] = Offer::ALL.map(Offer::methods);
        let offers = [
            json("the SEPA fixture", &sepa)?,
            json("the Faster Payments fixture", &faster)?,
            json("the card fixture", &card)?,
        ];
        let mut saved_banks = HashMap::new();
        for (user, banks) in &config.saved_banks {
            if !banks.is_empty() {
                saved_banks.insert(user.clone(), json("a user's saved banks", banks)?);
            }
        }
        let faults = Faults {
            queue: std::mem::take(&mut config.faults).into(),
            random: config
                .random_faults
                .take()
                .map(|random| (fastrand::Rng::with_seed(random.seed), random)),
        };
        let limits = Limits {
            ttl: config.idempotency_ttl,
            max_keys: config.max_idempotency_keys,
        };
        Ok(Self {
            config,
            sessions: Sessions::new(limits),
            faults: Mutex::new(faults),
            requests: AtomicUsize::new(0),
            offers,
            saved_banks,
        })
    }

    /// The JSON array of `allowedPaymentMethods` for `offer`.
    pub(crate) fn offer_json(&self, offer: Offer) -> &str {
        let [sepa, faster, card] = &self.offers;
        match offer {
            Offer::Sepa => sepa,
            Offer::FasterPayments => faster,
            Offer::CardOnly => card,
        }
    }

    /// The JSON array of `savedBanks` for `user_id`, if the user has any.
    pub(crate) fn saved_banks_json(&self, user_id: &str) -> Option<&str> {
        self.saved_banks.get(user_id).map(String::as_str)
    }

    /// Queues `fault` for the next `count` requests after those already armed.
    pub(crate) fn arm(&self, count: usize, fault: Fault) -> Result<(), crate::FaultError> {
        fault.check()?;
        if count > 0 {
            self.lock_faults().queue.push_back((count, fault));
        }
        Ok(())
    }

    /// The fault for this request, if one is armed or drawn; using a queued one counts
    /// it down.
    pub(crate) fn take_fault(&self) -> Option<Fault> {
        let mut faults = self.lock_faults();
        if let Some((remaining, fault)) = faults.queue.front_mut() {
            let fault = *fault;
            *remaining -= 1;
            if *remaining == 0 {
                faults.queue.pop_front();
            }
            return Some(fault);
        }
        let (rng, random) = faults.random.as_mut()?;
        // Both draws are made for every request, so the n-th request's fault depends
        // only on the seed and n.
        let hit = rng.f64() < random.rate;
        let pick = rng.usize(..random.faults.len());
        hit.then(|| random.faults[pick])
    }

    fn lock_faults(&self) -> MutexGuard<'_, Faults> {
        // The faults are consistent even if a holder panicked: each change is one call.
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// The server clock.
    pub(crate) fn now(&self) -> SystemTime {
        (self.config.clock)()
    }
}

/// The `Date` header for server time `now`, in IMF-fixdate form. HTTP dates cover the
/// years 1970 to 9999 only (and `httpdate` panics outside them), so a clock outside
/// that range is shown as its nearest end.
pub(crate) fn http_date(now: SystemTime) -> HeaderValue {
    /// 9999-12-31T23:59:59Z.
    const LAST: Duration = Duration::from_secs(253_402_300_799);
    let latest = SystemTime::UNIX_EPOCH + LAST;
    let shown = now.clamp(SystemTime::UNIX_EPOCH, latest);
    // An IMF-fixdate is visible ASCII, so this never falls back.
    HeaderValue::from_str(&httpdate::fmt_http_date(shown))
        .unwrap_or_else(|_| HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"))
}

/// A new request id: `req_` and 16 lowercase hex digits, different for every request
/// of every server in this process (a counter put through a bijective mix, so ids do
/// not repeat before 2^64 requests and do not show how many came before).
pub(crate) fn request_id() -> String {
    static SEED: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let seed = *SEED.get_or_init(|| fastrand::u64(..));
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("req_{:016x}", mix(n.wrapping_add(seed)))
}

/// splitmix64's finaliser: a bijection on `u64` that scatters consecutive inputs.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `value` as JSON text, written once when the server starts.
fn json(what: &str, value: &impl serde::Serialize) -> std::io::Result<String> {
    serde_json::to_string(value).map_err(|error| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{what} cannot be written as JSON: {error}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn faults_are_used_in_order_and_counted_down() {
        let config = MockConfig::new("k", "s")
            .fail_next(2, Fault::Status(503))
            .unwrap();
        let shared = Shared::new(config).unwrap();
        shared.arm(1, Fault::DropConnection).unwrap();
        shared.arm(0, Fault::Status(500)).unwrap();
        assert_eq!(shared.take_fault(), Some(Fault::Status(503)));
        assert_eq!(shared.take_fault(), Some(Fault::Status(503)));
        assert_eq!(shared.take_fault(), Some(Fault::DropConnection));
        assert_eq!(shared.take_fault(), None);
    }

    #[test]
    fn a_refused_fault_arms_nothing() {
        let shared = Shared::new(MockConfig::new("k", "s")).unwrap();
        assert!(shared.arm(1, Fault::Status(1000)).is_err());
        assert_eq!(shared.take_fault(), None);
    }

    fn drawn(seed: u64, rate: f64) -> Vec<Option<Fault>> {
        let faults = [Fault::Status(503), Fault::DropAfterProcessing];
        let random = RandomFaults::new(seed, rate, faults).unwrap();
        let config = MockConfig::new("k", "s")
            .fail_next(1, Fault::DropConnection)
            .unwrap()
            .random_faults(random);
        let shared = Shared::new(config).unwrap();
        (0..200).map(|_| shared.take_fault()).collect()
    }

    #[test]
    fn random_faults_follow_the_seed_after_the_queue() {
        let first = drawn(7, 0.3);
        assert_eq!(first, drawn(7, 0.3));
        assert_ne!(first, drawn(8, 0.3));
        assert_eq!(first[0], Some(Fault::DropConnection));
        let hits = first[1..].iter().filter(|f| f.is_some()).count();
        assert!((20..=100).contains(&hits), "{hits} of 199 at rate 0.3");
        assert!(first.contains(&Some(Fault::Status(503))));
        assert!(first.contains(&Some(Fault::DropAfterProcessing)));
        assert!(drawn(7, 0.0)[1..].iter().all(Option::is_none));
        assert!(drawn(7, 1.0).iter().all(Option::is_some));
    }

    #[test]
    fn dates_are_imf_fixdates_clamped_to_what_http_can_say() {
        let at = |seconds: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(seconds);
        assert_eq!(
            http_date(at(1_700_000_000)),
            "Tue, 14 Nov 2023 22:13:20 GMT"
        );
        assert_eq!(
            http_date(SystemTime::UNIX_EPOCH - Duration::from_secs(5)),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        assert_eq!(http_date(at(u64::MAX / 4)), "Fri, 31 Dec 9999 23:59:59 GMT");
    }

    #[test]
    fn mix_is_splitmix64s_finaliser() {
        // splitmix64 seeded with 0 gives these first two outputs: its state advances by
        // the golden-ratio constant, and each output is that state put through `mix`.
        const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;
        assert_eq!(mix(GOLDEN), 0xe220_a839_7b1d_cdaf);
        assert_eq!(mix(GOLDEN.wrapping_mul(2)), 0x6e78_9e6a_a1b9_65f4);
        assert_eq!(mix(0), 0);
    }

    #[test]
    fn request_ids_are_distinct_and_well_formed() {
        let ids: HashSet<String> = (0..10_000).map(|_| request_id()).collect();
        assert_eq!(ids.len(), 10_000);
        for id in ids.iter().take(100) {
            let hex = id.strip_prefix("req_").unwrap();
            assert_eq!(hex.len(), 16, "{id}");
            assert!(
                hex.chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
            );
        }
    }
}
