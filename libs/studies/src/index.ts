export { lrSensitivity, BYTE_LOSS_AT_INIT, type SensitivityRun, type SensitivityOptions, type SensitivityStudy, type SensitivityVariant, type WidthSensitivity } from './sensitivity';
export { lrAnnealingStudy, lrPerStep, type AnnealingOptions, type AnnealingStudy, type HeldOutPrediction, type ParamEstimate, type ScheduleCurve } from './annealing';
export { studyFromSweep, studyMetrics, type StudyMetric, type StudyResult, type StudySpec, type StudyTrial } from './sweep';
export { answerStudy, type StudyAnswer } from './answer';
export { groupOptimum, hyperparameterStudy, evaluatePowerLaw, leastSquares, predictHyperparameters, surfaceMinimum, type Estimate, type GroupOptimum, type HyperparameterOptions, type HyperparameterRun, type HyperparameterStudy, type PowerLaw } from './hyperparameters';
export { overtrainingStudy, type FittedLaw, type OvertrainingOptions, type OvertrainingPrediction, type OvertrainingRun, type OvertrainingStudy } from './overtraining';
export { modelShapeStudy, type EqualComputeLevel, type FixedNGroup, type ShapeOptions, type ShapePoint, type ShapeRun, type ShapeStrategy, type ShapeStudy } from './shape';
export { formatStudy } from './format';
export { fitLine, studentT, type LineFit } from './stats';
