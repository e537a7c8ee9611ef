export * from './plugin';
export * from './combine';
export * from './emitter';
export * from './activity';
export * from './checkpoint-archive';
export * from './checkpoint-sync';
