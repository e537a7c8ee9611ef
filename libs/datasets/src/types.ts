/** One split of an image-classification dataset, flattened row-major. */
export interface Split {
  /** n × dim values in [0, 1] (images) or real values (synthetic). */
  images: Float32Array;
  labels: Uint8Array;
  n: number;
}

export interface ClassificationDataset {
  name: string;
  /** Values per sample (784 for 28×28 images). */
  dim: number;
  /** Image side when the samples are square single-channel images, else undefined. */
  imageSize?: number;
  classes: number;
  train: Split;
  test: Split;
}
