export { createProcessPlugin, TrialTimedOutError, TrainerFailedError, type TrialDocument } from './plugin';
export { checkProcessOptions, PROCESS_OPTION_DEFAULTS, PROCESS_OPTION_KEYS, type ProcessOptions, type ProcessOptionsResult } from './options';
export { parseMessage, LineSplitter, ProtocolError, EXIT_CODES, REPORT_FD, MESSAGE_TYPES, type TrainerMessage } from './protocol';
export { runTrainerProcess, type TrainerEnding, type TrainerLaunch, type StopReason } from './run';
