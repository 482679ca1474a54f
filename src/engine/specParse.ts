// The spec parser's old entry point, kept so existing imports work: everything lives in spec/
// (split by concern; see spec/index.ts).

export * from './spec';
