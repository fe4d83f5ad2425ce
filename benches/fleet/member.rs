//! One member of the fleet: this bench binary started again as a process of its own
//! (`APIE_FLEET_BENCH_MEMBER` set), with one client and its throttle, loading the mock
//! as the parent's plan says and printing every call it made on its standard output.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use api_entreprise::runtime::throttle::{OnRedisFailure, RedisConfig};
use api_entreprise::runtime::{Error, OperationMeta, Request, Throttle, ThrottleConfig, Token};
use api_entreprise::{Client, Traceability};

use super::{Outcome, DOCUMENT_OP, JSON_OP, PROCESSES, SIREN, TASKS};

/// The variable that makes the binary a member, and the prefix of its plan's variables.
pub const MEMBER_ENV: &str = "APIE_FLEET_BENCH_MEMBER";

/// What the parent asks a member to do.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The mock's base URL.
    pub url: String,
    /// The mock's token.
    pub token: String,
    /// The fleet's Redis, `None` for a throttle of the member's own.
    pub redis: Option<String>,
    /// The fleet's name in Redis: one a scenario, so runs never share counts.
    pub fleet: String,
    /// The scaled minute.
    pub minute: Duration,
    /// How much to do.
    pub load: Load,
}

/// How much a member does.
#[derive(Debug, Clone, Copy)]
pub enum Load {
    /// JSON and document calls, half the tasks each, until this Unix time (ms).
    Until(u64),
    /// This many JSON calls, then stop (and leave the fleet).
    Calls(usize),
}

impl Plan {
    /// The plan as the variables of a member's environment.
    pub fn env(&self) -> Vec<(String, String)> {
        let var = |name: &str| format!("{MEMBER_ENV}_{name}");
        let (kind, amount) = match self.load {
            Load::Until(ms) => ("until", ms.to_string()),
            Load::Calls(n) => ("calls", n.to_string()),
        };
        vec![
            (MEMBER_ENV.to_owned(), "1".to_owned()),
            (var("URL"), self.url.clone()),
            (var("TOKEN"), self.token.clone()),
            (var("REDIS"), self.redis.clone().unwrap_or_default()),
            (var("FLEET"), self.fleet.clone()),
            (var("MINUTE_MS"), self.minute.as_millis().to_string()),
            (var("LOAD"), format!("{kind}:{amount}")),
        ]
    }

    /// The plan a member was started with.
    fn from_env() -> Plan {
        let var = |name: &str| {
            std::env::var(format!("{MEMBER_ENV}_{name}"))
                .unwrap_or_else(|_| panic!("{MEMBER_ENV}_{name} is set by the parent"))
        };
        let number = |text: &str| -> u64 { text.parse().expect("a number") };
        let load = var("LOAD");
        let (kind, amount) = load.split_once(':').expect("kind:amount");
        Plan {
            url: var("URL"),
            token: var("TOKEN"),
            redis: Some(var("REDIS")).filter(|r| !r.is_empty()),
            fleet: var("FLEET"),
            minute: Duration::from_millis(number(&var("MINUTE_MS"))),
            load: match kind {
                "until" => Load::Until(number(amount)),
                _ => Load::Calls(number(amount) as usize),
            },
        }
    }
}

/// The member's main: runs the plan, prints a line a call (`call <json|doc> <µs since the
/// Unix epoch when it left the throttle> <outcome>`), then one `redis <ops> <calls>
/// <fallbacks>` line when the throttle is shared.
pub async fn run() {
    let plan = Plan::from_env();
    let rules = ThrottleConfig::new(&api_entreprise::PLATFORM).scaled(plan.minute);
    let throttle = match &plan.redis {
        Some(url) => {
            let config = RedisConfig::new(url)
                .fleet(&plan.fleet)
                .timeout(Duration::from_millis(100))
                .on_failure(OnRedisFailure::LocalShare(1.0 / PROCESSES as f64));
            Throttle::redis_with(rules, config).expect("a valid URL")
        }
        None => Throttle::new(rules),
    };
    let client = Client::builder()
        .base_url(&plan.url)
        .token(Token::new(plan.token.clone()))
        .traceability(Traceability::new("benchmark", "13002526500013", "fleet bench").unwrap())
        .throttle(throttle)
        .build()
        .expect("client");
    let left = Arc::new(AtomicUsize::new(match plan.load {
        Load::Calls(n) => n,
        Load::Until(_) => usize::MAX,
    }));
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..TASKS {
        let json = matches!(plan.load, Load::Calls(_)) || task % 2 == 0;
        let (client, left, load) = (client.clone(), left.clone(), plan.load);
        tasks.spawn(async move { calls(client, json, load, left).await });
    }
    let mut lines = Vec::new();
    while let Some(done) = tasks.join_next().await {
        lines.extend(done.expect("load task"));
    }
    // Done: the others get this member's share back now, as `apie batch` does.
    client.throttle().leave_fleet().await;
    let mut out = lines.join("\n");
    if let Some(shared) = client.throttle_snapshot().shared {
        out.push_str(&format!(
            "\nredis {} {} {}",
            shared.redis_ops, shared.calls, shared.fallbacks
        ));
    }
    println!("{out}");
}

/// One task's calls, as the lines `run` prints.
async fn calls(client: Client, json: bool, load: Load, left: Arc<AtomicUsize>) -> Vec<String> {
    let meta: &'static OperationMeta =
        api_entreprise::find_operation(if json { JSON_OP } else { DOCUMENT_OP })
            .expect("in the spec");
    let request =
        Request::from_params(meta, &[("siren".to_owned(), SIREN.to_owned())]).expect("valid call");
    let mut lines = Vec::new();
    loop {
        let go_on = match load {
            Load::Until(ms) => now_micros() < ms * 1000,
            Load::Calls(_) => left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok(),
        };
        if !go_on {
            break;
        }
        let begun = now_micros();
        let result = client.execute_bytes(request.clone()).await;
        let (waited, outcome) = match result {
            Ok(r) => (r.throttled_for, Outcome::Answered),
            Err(Error::Api(e)) if e.status == 429 => (Duration::ZERO, Outcome::TooManyRequests),
            Err(Error::Api(_)) => (Duration::ZERO, Outcome::Answered),
            Err(Error::PossibleBan { .. }) => (Duration::ZERO, Outcome::Ban),
            Err(_) => (Duration::ZERO, Outcome::Other),
        };
        let sent = begun + waited.as_micros() as u64;
        let group = if json { "json" } else { "doc" };
        lines.push(format!("call {group} {sent} {}", outcome.word()));
        if outcome == Outcome::Ban {
            break;
        }
    }
    lines
}

/// Microseconds since the Unix epoch: the one clock every process of the machine shares.
pub fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_micros() as u64
}
