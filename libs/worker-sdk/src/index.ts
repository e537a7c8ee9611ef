export * from './plugin';
export * from './combine';
export * from './emitter';
export * from './activity';
