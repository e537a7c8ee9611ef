export { createProcessPlugin, TRIAL_LOG, type ProcessPluginOptions, TrialTimedOutError, TrainerFailedError, type TrialDocument } from './plugin';
export { parseMessage, LineSplitter, ProtocolError, EXIT_CODES, REPORT_FD, MESSAGE_TYPES, type TrainerMessage } from './protocol';
export { runTrainerProcess, type TrainerEnding, type TrainerLaunch, type StopReason } from './run';
export { DevicePool } from './devices';
