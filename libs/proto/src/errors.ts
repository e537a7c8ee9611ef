/** Thrown by every encode/decode helper when a frame is malformed or semantically invalid. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}
