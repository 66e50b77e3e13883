//! What every connection of one server shares: configuration, armed faults, sessions,
//! counters, and the parts of responses that never change.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

use hyper::header::HeaderValue;
use serde_json::Value;
use stablemint_wire::{Method, OperationSpec, ResponseSpec, Status};

use crate::config::{Fault, FaultError, MockConfig, RandomFaults, check_operation};
use crate::expect::{Expect, Unmet};
use crate::fixtures::Offer;
use crate::idempotency_store::{IdempotencyStore, KeyLimits};
use crate::journal;
use crate::router::Router;
use crate::script::{Answer, Scripts};

/// Armed faults: the queue first, then the random ones.
struct Faults {
    /// Oldest first, each with the operation it is for (any, if `None`) and how many
    /// requests it still applies to.
    queue: VecDeque<(Option<String>, usize, Fault)>,
    random: Option<(fastrand::Rng, RandomFaults)>,
}

/// One operation as the server serves it: its spec, its schemas read once, and how
/// many of its requests were carried out.
pub(crate) struct Served {
    pub(crate) spec: &'static OperationSpec,
    pub(crate) success_schema: Option<Value>,
    pub(crate) success_example: Option<Value>,
    /// The declared error schemas, in the order of `spec.errors`.
    error_schemas: Vec<Value>,
    carried_out: AtomicUsize,
}

impl Served {
    /// The schema the operation declares for an error answer with `status`, if any.
    pub(crate) fn error_schema(&self, status: u16) -> Option<&Value> {
        let declared = self.spec.error_for(status)?;
        let index = self
            .spec
            .errors
            .iter()
            .position(|r| std::ptr::eq(r, declared))?;
        self.error_schemas.get(index)
    }

    /// Counts one request carried out (answered with success, not replayed).
    pub(crate) fn count(&self) {
        self.carried_out.fetch_add(1, Ordering::SeqCst);
    }
}

pub(crate) struct Shared {
    pub(crate) config: MockConfig,
    pub(crate) idempotency: IdempotencyStore,
    pub(crate) router: Router,
    served: Vec<Served>,
    faults: Mutex<Faults>,
    scripts: Mutex<Scripts>,
    /// Every request received, up to the configured limit.
    pub(crate) journal: journal::Store,
    /// What the test expects, and whether it was verified already.
    expectations: Mutex<(Vec<Expect>, bool)>,
    requests: AtomicUsize,
    /// `allowedPaymentMethods` for SEPA, Faster Payments and card only, as JSON text.
    offers: [String; 3],
    /// `savedBanks` for each user who has some, as JSON text.
    saved_banks: HashMap<String, String>,
    /// Marks where a fixture's JSON text goes in an answer (see `process::render`): random
    /// for each server, so no request can guess it.
    pub(crate) fixture_marker: u64,
}

impl Shared {
    /// Fails when the configuration cannot be served: a fault for an operation the
    /// server does not serve, a schema in the operations that is not JSON, or a fixture
    /// that cannot be written as JSON (which the generated types never fail at).
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
        let invalid = |error: FaultError| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, error.to_string())
        };
        for (operation, _, _) in &config.faults {
            if let Some(id) = operation {
                check_operation(config.operations, id).map_err(invalid)?;
            }
        }
        if let Some(id) = config
            .random_faults
            .as_ref()
            .and_then(|r| r.operation.as_ref())
        {
            check_operation(config.operations, id).map_err(invalid)?;
        }
        let served = config
            .operations
            .iter()
            .map(read_schemas)
            .collect::<std::io::Result<Vec<_>>>()?;
        let faults = Faults {
            queue: std::mem::take(&mut config.faults).into(),
            random: config
                .random_faults
                .take()
                .map(|random| (fastrand::Rng::with_seed(random.seed), random)),
        };
        let limits = KeyLimits {
            ttl: config.idempotency_ttl,
            max_keys: config.max_idempotency_keys,
        };
        Ok(Self {
            router: Router::new(config.operations),
            journal: journal::Store::new(config.journal_limit),
            scripts: Mutex::new(Scripts::default()),
            expectations: Mutex::new((Vec::new(), false)),
            config,
            idempotency: IdempotencyStore::new(limits),
            served,
            faults: Mutex::new(faults),
            requests: AtomicUsize::new(0),
            offers,
            saved_banks,
            fixture_marker: fastrand::u64(..),
        })
    }

    /// How `operation` is served (operationIds are unique in a spec).
    pub(crate) fn served(&self, operation: &OperationSpec) -> Option<&Served> {
        self.served.iter().find(|s| s.spec.id == operation.id)
    }

    /// How many requests to `operation_id` were carried out; `None` for an operation
    /// the server does not serve.
    pub(crate) fn carried_out(&self, operation_id: &str) -> Option<usize> {
        self.served
            .iter()
            .find(|s| s.spec.id == operation_id)
            .map(|s| s.carried_out.load(Ordering::SeqCst))
    }

    /// How many `POST` requests were carried out, over every operation.
    pub(crate) fn posts_carried_out(&self) -> usize {
        self.served
            .iter()
            .filter(|s| s.spec.method == Method::Post)
            .map(|s| s.carried_out.load(Ordering::SeqCst))
            .sum()
    }

    /// The `allowedPaymentMethods` fixture for `offer`, as JSON text.
    pub(crate) fn offer(&self, offer: Offer) -> &str {
        let [sepa, faster, card] = &self.offers;
        match offer {
            Offer::Sepa => sepa,
            Offer::FasterPayments => faster,
            Offer::CardOnly => card,
        }
    }

    /// The `savedBanks` fixture for `user_id`, as JSON text, if the user has any.
    pub(crate) fn saved_banks(&self, user_id: &str) -> Option<&str> {
        self.saved_banks.get(user_id).map(String::as_str)
    }

    /// Queues `fault` for the next `count` requests (to `operation`, or to any) after
    /// those already armed.
    pub(crate) fn arm(
        &self,
        operation: Option<&str>,
        count: usize,
        fault: Fault,
    ) -> Result<(), FaultError> {
        fault.check()?;
        if let Some(id) = operation {
            check_operation(self.config.operations, id)?;
        }
        if count > 0 {
            self.lock_faults()
                .queue
                .push_back((operation.map(str::to_owned), count, fault));
        }
        Ok(())
    }

    /// Appends scripted answers for `operation_id`.
    pub(crate) fn script(
        &self,
        operation_id: &str,
        answers: impl IntoIterator<Item = Answer>,
    ) -> Result<(), FaultError> {
        // Consistent even if a holder panicked: each change is one call.
        self.scripts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .add(self.config.operations, operation_id, answers)
    }

    /// How to answer this request to `operation_id`, and why, when a test said so: a
    /// scripted answer first (`script`), then an armed or drawn fault (by its name).
    pub(crate) fn take_answer(&self, operation_id: &str) -> Option<(Answer, &'static str)> {
        let scripted = self
            .scripts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take(operation_id);
        if let Some(answer) = scripted {
            return Some((answer, "script"));
        }
        self.take_fault(operation_id)
            .map(|fault| (Answer::from_fault(fault), fault.name()))
    }

    /// Adds an expectation about `operation`, which must be one the server serves.
    pub(crate) fn expect(&self, expectation: Expect) -> Result<(), FaultError> {
        check_operation(self.config.operations, expectation.operation())?;
        let mut expectations = self
            .expectations
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        expectations.0.push(expectation);
        expectations.1 = false;
        Ok(())
    }

    /// Checks every expectation against the journal; the expectations count as verified
    /// from then on (whatever the outcome), so a drop does not report them again.
    pub(crate) fn verify(&self) -> Result<(), Unmet> {
        let journal = self.journal.snapshot();
        let mut expectations = self
            .expectations
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        expectations.1 = true;
        let reasons: Vec<String> = expectations
            .0
            .iter()
            .filter_map(|e| e.unmet(&journal))
            .collect();
        if reasons.is_empty() {
            Ok(())
        } else {
            Err(Unmet { reasons, journal })
        }
    }

    /// Whether expectations were set and not verified since.
    pub(crate) fn unverified(&self) -> bool {
        let expectations = self
            .expectations
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        !expectations.0.is_empty() && !expectations.1
    }

    /// The fault for this request to `operation_id`, if one is armed or drawn; using a
    /// queued one counts it down.
    fn take_fault(&self, operation_id: &str) -> Option<Fault> {
        let mut faults = self.lock_faults();
        let applies = |scope: &Option<String>| scope.as_deref().is_none_or(|id| id == operation_id);
        if let Some(index) = faults.queue.iter().position(|(scope, _, _)| applies(scope)) {
            let (_, remaining, fault) = &mut faults.queue[index];
            let fault = *fault;
            *remaining -= 1;
            if *remaining == 0 {
                faults.queue.remove(index);
            }
            return Some(fault);
        }
        let (rng, random) = faults.random.as_mut()?;
        if !applies(&random.operation) {
            return None;
        }
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

/// An operation's schemas, parsed once.
fn read_schemas(spec: &'static OperationSpec) -> std::io::Result<Served> {
    let parse = |text: &str, what: &str| -> std::io::Result<Value> {
        serde_json::from_str(text).map_err(|error| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("the {what} of operation `{}` is not JSON: {error}", spec.id),
            )
        })
    };
    let schema = |response: &ResponseSpec, what: &str| -> std::io::Result<Option<Value>> {
        response.schema.map(|text| parse(text, what)).transpose()
    };
    let mut error_schemas = Vec::new();
    for error in spec.errors {
        let status = match error.status {
            Status::Code(code) => code.to_string(),
            Status::Range(first) => format!("{first}XX"),
            Status::Default => "default".to_owned(),
        };
        let what = format!("{status} response's schema");
        error_schemas.push(schema(error, &what)?.unwrap_or(Value::Null));
    }
    Ok(Served {
        spec,
        success_schema: schema(&spec.success, "success response's schema")?,
        success_example: spec
            .success
            .example
            .map(|text| parse(text, "success response's example"))
            .transpose()?,
        error_schemas,
        carried_out: AtomicUsize::new(0),
    })
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
        shared.arm(None, 1, Fault::DropConnection).unwrap();
        shared.arm(None, 0, Fault::Status(500)).unwrap();
        let op = "createEmbeddedSession";
        assert_eq!(shared.take_fault(op), Some(Fault::Status(503)));
        assert_eq!(shared.take_fault(op), Some(Fault::Status(503)));
        assert_eq!(shared.take_fault(op), Some(Fault::DropConnection));
        assert_eq!(shared.take_fault(op), None);
    }

    #[test]
    fn a_fault_for_one_operation_leaves_the_others_alone() {
        let config = MockConfig::new("k", "s")
            .fail_next_on("createEmbeddedSession", 1, Fault::Status(503))
            .unwrap()
            .fail_next(1, Fault::Status(500))
            .unwrap();
        let shared = Shared::new(config).unwrap();
        assert_eq!(shared.take_fault("other"), Some(Fault::Status(500)));
        assert_eq!(shared.take_fault("other"), None);
        assert_eq!(
            shared.take_fault("createEmbeddedSession"),
            Some(Fault::Status(503))
        );
        assert_eq!(
            shared.arm(Some("nope\u{1b}"), 1, Fault::DropConnection),
            Err(FaultError::UnknownOperation("nope\u{1b}".into()))
        );
        let message = FaultError::UnknownOperation("nope\u{1b}".into()).to_string();
        assert!(message.contains(r"nope\u{1b}"), "{message}");
        let random = RandomFaults::new(1, 1.0, [Fault::DropConnection])
            .unwrap()
            .only_on("missing");
        let error = Shared::new(MockConfig::new("k", "s").random_faults(random)).err();
        assert_eq!(
            error.map(|e| e.kind()),
            Some(std::io::ErrorKind::InvalidInput)
        );
    }

    #[test]
    fn a_refused_fault_arms_nothing() {
        let shared = Shared::new(MockConfig::new("k", "s")).unwrap();
        assert!(shared.arm(None, 1, Fault::Status(1000)).is_err());
        assert_eq!(shared.take_fault("createEmbeddedSession"), None);
    }

    fn drawn(seed: u64, rate: f64) -> Vec<Option<Fault>> {
        let faults = [Fault::Status(503), Fault::DropAfterProcessing];
        let random = RandomFaults::new(seed, rate, faults).unwrap();
        let config = MockConfig::new("k", "s")
            .fail_next(1, Fault::DropConnection)
            .unwrap()
            .random_faults(random);
        let shared = Shared::new(config).unwrap();
        (0..200)
            .map(|_| shared.take_fault("createEmbeddedSession"))
            .collect()
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
