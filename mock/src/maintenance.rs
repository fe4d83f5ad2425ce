//! Maintenance windows simulated: inside one, the operation answers 503, as a provider under
//! maintenance makes the real server answer, so a client's handling of windows (refuse before
//! sending, or wait for the end) is tried end to end.
//!
//! Spec syntax (`apie mock --maintenance`, [`MockConfig::maintenance`]):
//! `OPERATION[@HH:MM-HH:MM]`, `OPERATION` an x-operationId. Without times, the operation's own
//! daily window from the spec (`x-maintenances`, which the client's metadata carries); with
//! them, that window instead (`api_entreprise_v4_insee_unites_legales@22:00-02:00` crosses
//! midnight). Times are read in [`MockConfig::time_zone`] (the profile's
//! `maintenance_time_zone` unless set) on [`MockConfig::clock`], which a test can share with
//! its client as a [`ManualClock`](api_entreprise::runtime::ManualClock).
//!
//! [`MockConfig::maintenance`]: crate::MockConfig::maintenance
//! [`MockConfig::time_zone`]: crate::MockConfig::time_zone
//! [`MockConfig::clock`]: crate::MockConfig::clock

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use api_entreprise::runtime::{Clock, DailyWindow, ParseMaintenanceError, Platform, TimeZone};

use crate::MockError;

/// One simulated window: an operation, and its window unless the spec's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Maintenance {
    /// The x-operationId.
    pub operation: String,
    /// The daily window; `None`: the operation's own from the spec.
    pub window: Option<DailyWindow>,
}

/// Why a `--maintenance` entry cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MaintenanceSpecError {
    /// No operation before the `@`.
    NoOperation {
        /// The entry as given.
        spec: String,
    },
    /// The window after the `@` is not `HH:MM-HH:MM`.
    Window(ParseMaintenanceError),
}

impl fmt::Display for MaintenanceSpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaintenanceSpecError::NoOperation { spec } => {
                write!(f, "{spec:?}: expected OPERATION or OPERATION@HH:MM-HH:MM")
            }
            MaintenanceSpecError::Window(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for MaintenanceSpecError {}

/// What is wrong with a maintenance window asked for, once read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MaintenanceProblem {
    /// The client has no operation of that id.
    UnknownOperation,
    /// No window was given, and the spec gives the operation none.
    NoWindow,
}

impl FromStr for Maintenance {
    type Err = MaintenanceSpecError;

    fn from_str(spec: &str) -> Result<Maintenance, MaintenanceSpecError> {
        let (operation, window) = match spec.split_once('@') {
            Some((operation, window)) => (
                operation,
                Some(
                    window
                        .parse::<DailyWindow>()
                        .map_err(MaintenanceSpecError::Window)?,
                ),
            ),
            None => (spec, None),
        };
        let operation = operation.trim();
        if operation.is_empty() {
            return Err(MaintenanceSpecError::NoOperation {
                spec: spec.to_owned(),
            });
        }
        Ok(Maintenance {
            operation: operation.to_owned(),
            window,
        })
    }
}

impl fmt::Display for Maintenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.window {
            Some(window) => write!(f, "{}@{window}", self.operation),
            None => f.write_str(&self.operation),
        }
    }
}

/// The windows in force on a running server, each resolved to its operation.
#[derive(Debug)]
pub(crate) struct Windows {
    windows: Vec<(&'static str, DailyWindow)>,
    zone: TimeZone,
    clock: Clock,
}

impl Windows {
    /// Resolves `list`: an unknown operation, or one without a window of its own and none
    /// given, is an error naming it.
    pub(crate) fn new(
        platform: &Platform,
        list: &[Maintenance],
        zone: TimeZone,
        clock: Clock,
    ) -> Result<Windows, MockError> {
        let windows = list
            .iter()
            .map(|m| {
                let problem = |problem| MockError::Maintenance {
                    given: m.clone(),
                    problem,
                };
                let meta = platform
                    .find_operation(&m.operation)
                    .ok_or_else(|| problem(MaintenanceProblem::UnknownOperation))?;
                let window = m
                    .window
                    .or_else(|| meta.maintenance.and_then(|w| w.daily()))
                    .ok_or_else(|| problem(MaintenanceProblem::NoWindow))?;
                Ok((meta.operation_id, window))
            })
            .collect::<Result<_, MockError>>()?;
        Ok(Windows {
            windows,
            zone,
            clock,
        })
    }

    /// When the window `operation` is in now ends, if it is in one.
    pub(crate) fn until(&self, operation: &str) -> Option<(DailyWindow, SystemTime)> {
        let now = self.clock.now();
        self.windows
            .iter()
            .filter(|(op, _)| *op == operation)
            .find_map(|(_, w)| w.until(now, &self.zone).map(|until| (*w, until)))
    }

    /// When the window `operation` is in now began (the monitoring route's "since").
    pub(crate) fn since(&self, operation: &str) -> Option<SystemTime> {
        let (window, until) = self.until(operation)?;
        Some(until - window.length())
    }

    /// The zone windows are read in (for the answer's words).
    pub(crate) fn zone(&self) -> TimeZone {
        self.zone
    }

    /// The windows, as specs (`apie mock`'s banner).
    pub(crate) fn describe(&self) -> Vec<String> {
        self.windows
            .iter()
            .map(|(op, w)| format!("{op}@{w} {}", self.zone))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use api_entreprise::runtime::ManualClock;

    #[test]
    fn specs_read_and_print_back() {
        let given: Maintenance = "api_entreprise_v3_insee_unites_legales@22:00-02:00"
            .parse()
            .unwrap();
        assert_eq!(given.window, Some("22:00-02:00".parse().unwrap()));
        assert_eq!(
            given.to_string(),
            "api_entreprise_v3_insee_unites_legales@22:00-02:00"
        );
        let spec: Maintenance = "api_entreprise_v4_dgfip_attestations_fiscales"
            .parse()
            .unwrap();
        assert_eq!(spec.window, None);
        for bad in ["", "@01:00-02:00", "op@01:00", "op@1-2"] {
            assert!(bad.parse::<Maintenance>().is_err(), "{bad}");
        }
    }

    #[test]
    fn windows_resolve_against_the_client_operations() {
        let clock = ManualClock::new(SystemTime::UNIX_EPOCH).clock();
        let spec = [Maintenance {
            operation: "api_entreprise_v4_dgfip_attestations_fiscales".into(),
            window: None,
        }];
        let windows = Windows::new(
            &api_entreprise::PLATFORM,
            &spec,
            TimeZone::UTC,
            clock.clone(),
        )
        .unwrap();
        // The spec's 01:00-02:00; 1970-01-01 00:00 UTC is outside.
        assert_eq!(
            windows.describe(),
            [format!("{}@01:00-02:00 UTC", spec[0].operation)]
        );
        assert_eq!(windows.until(&spec[0].operation), None);
        let unknown = [Maintenance {
            operation: "nope".into(),
            window: None,
        }];
        assert!(Windows::new(
            &api_entreprise::PLATFORM,
            &unknown,
            TimeZone::UTC,
            clock.clone()
        )
        .is_err());
        let windowless = [Maintenance {
            operation: "api_entreprise_v3_insee_unites_legales".into(),
            window: None,
        }];
        let err =
            Windows::new(&api_entreprise::PLATFORM, &windowless, TimeZone::UTC, clock).unwrap_err();
        assert!(err.to_string().contains("no maintenance window"), "{err}");
    }
}
