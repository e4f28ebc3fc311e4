// A synthetic bank: a seeded population and its event stream, and the client that posts it to
// Vigil. Everything but the poster and the runner is pure and reproducible from the seed.
export { BankSimulator, DEFAULT_SIMULATOR_RATE, type SimulatorOptions } from './simulator.js';
export {
  TIER_SHARES,
  type AgeBand, type CustomerTier, type DirectDebit, type Employer, type FavouriteMerchant, type Loan, type Payee,
  type ServiceChannel, type SimulatedCustomer, type SimulatedDevice,
} from './population.js';
export { CHANNELS_BY_TYPE } from './activity.js';
export { activityIntensity, isBranchOpen, isCallCentreOpen } from './rhythm.js';
export { SeededRandom, deriveSeed } from './random.js';
export type { Merchant } from './merchants.js';
export { postEvents, retryAfterSeconds, IngestUnreachableError, type PostEventsOptions, type PostEventsResult } from './poster.js';
export { runSimulation, type SimulationOptions, type SimulationProgress } from './run.js';
export { simulatedProfiles, type ProfileOptions } from './profiles.js';
