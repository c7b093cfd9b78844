//! The engine's integration tests in one binary (one link instead of one per file): the facade
//! (`api`), the day planner (`plan`), the list index and token sweep (`hardening`), job files
//! (`jobfile`, `jobfile_fuzz`, workbooks in `spreadsheet`), road packs (`roads`), several processes on one PostgreSQL store (`shared_store`), the sync outbox and conflict rules (`outbox`) and the watched
//! folder (`watch`).

mod accounts;
mod api;
mod basemap;
mod hardening;
mod jobfile;
mod jobfile_fuzz;
mod outbox;
mod pg_tls;
mod plan;
mod roads;
mod shared_store;
mod spreadsheet;
mod watch;
mod webhooks;
