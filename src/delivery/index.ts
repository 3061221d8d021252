export * from './footer.js';
export * from './helpers.js';
export * from './html.js';
export * from './render.js';
export * from './tokens.js';
