export * from './types';
export { FrameError } from './errors';
export { encodeClientFrame, decodeClientFrame, encodeServerFrame, decodeServerFrame, protoTypes } from './codec';
export { descriptor } from './descriptor';
export { FRAME_LIMITS } from './validate';
