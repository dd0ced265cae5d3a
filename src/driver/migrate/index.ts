/** Migration through vCenter: migrate (checked, followed, verified), placement, and a domain's job (domjobinfo, domjobabort). */
export { migrateDomain, type MigrateOptions, type MigrationResult } from './migrate.js';
export { placement, closePlacement, type Placement, type PlacementOptions, type DrsDecision } from './placement.js';
export { type CheckReport } from './checks.js';
export { describeLocation, type MigrationLocation } from './facts.js';
export { getDomainJob, abortDomainJob, type DomainJob, type JobType } from './jobs.js';
export { type MigrationOpenOptions, type VCenter } from './vcenter.js';
