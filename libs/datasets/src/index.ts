export { mulberry32, mixSeed, normalSampler, randomInt, seededPermutation, seededSubset } from './prng';
export { encodeIdx, maybeGunzip, parseIdx } from './idx';
export type { IdxArray } from './idx';
export { FASHION_MNIST_DEFAULT_DIR, findFashionMnist, loadFashionMnist } from './fashionMnist';
export type { FashionMnistFiles } from './fashionMnist';
export { teacherStudentTask } from './teacherStudent';
export type { RegressionSample, TeacherStudentOptions, TeacherStudentTask } from './teacherStudent';
export { syntheticTeacherDataset } from './syntheticTeacher';
export type { SyntheticTeacherOptions } from './syntheticTeacher';
export type { ClassificationDataset, Split } from './types';
export { TEXT_CORPORA, austenDataDirs, byteDetokenize, byteTokenize, loadTextCorpus, untagBrown } from './textCorpus';
export type { TextCorpus, TextCorpusName, TextCorpusOptions, TextDocument } from './textCorpus';
export {
  DOCUMENT_SEPARATOR,
  POOL_CHUNK_TOKENS,
  WindowSampler,
  evalWindows,
  joinDocuments,
  splitByDocument,
  uniqueTokenPool,
} from './textWindows';
export type { DocumentSplit } from './textWindows';
export { readLazyLoadDb, readRds, rNames, unserializeR } from './rdata';
export type { RAttributes, RValue } from './rdata';
