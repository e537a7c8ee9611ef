export { lrSensitivity, BYTE_LOSS_AT_INIT, type SensitivityRun, type SensitivityOptions, type SensitivityStudy, type SensitivityVariant, type WidthSensitivity } from './sensitivity';
export { lrAnnealingStudy, lrPerStep, type AnnealingOptions, type AnnealingStudy, type HeldOutPrediction, type ParamEstimate, type ScheduleCurve } from './annealing';
export { studyFromSweep, studyMetrics, type StudyMetric, type StudyResult, type StudySpec, type StudyTrial } from './sweep';
export { answerStudy, type StudyAnswer } from './answer';
export { formatStudy } from './format';
export { fitLine, studentT, type LineFit } from './stats';
